"""The HER2 classifier in a browser: the live panel in Voilà and its kernel-free twin in the static book."""

import pytest

pytestmark = pytest.mark.browser

PAGE = "chapters/01_her2_biology.html"


def test_her2_twin_moves_in_the_static_page(static_page, twin_alt):
    page = static_page(PAGE)
    page.wait_for_selector(".her2ned-twin .noUi-handle", timeout=20_000)
    before = twin_alt(page)
    assert before.startswith("IHC 3+: HER2 positive"), before
    handle = page.locator(".her2ned-twin .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    after = twin_alt(page)
    assert after.startswith("IHC 2+, ISH not yet done: HER2 equivocal"), after
    # the explanation beside the figure follows the frame too
    shown = page.evaluate("""() => [...document.querySelectorAll('.her2ned-twin .her2ned-her2')]
        .filter(d => d.offsetParent !== null).map(d => d.innerText).join('|')""")
    assert "needs ISH" in shown and "reflex ISH" in shown
    assert not page.console_errors, page.console_errors
    assert not page.blocked_requests, page.blocked_requests


def result_text(page) -> str:
    return page.evaluate("""() => [...document.querySelectorAll('.her2ned-her2, .her2ned-message')]
        .map(d => d.innerText).join('|')""")


def test_her2_panel_runs_live_in_voila(voila_app):
    page = voila_app(["from her2ned.widgets.her2 import her2_panel", "panel = her2_panel()", "panel"])
    page.wait_for_selector(".her2ned-her2", timeout=60_000)
    assert "HER2 positive" in result_text(page)  # the default: IHC 2+, group 3
    first_img = page.locator(".her2ned-her2-panel img").first.get_attribute("src")
    page.locator(".widget-toggle-buttons button", has_text="1+").first.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.her2ned-her2')].some(d => d.innerText.includes('HER2 negative'))",
        timeout=30_000,
    )
    text = result_text(page)
    assert "HER2-low" in text and "group 3" in text
    assert page.locator(".her2ned-her2-panel img").first.get_attribute("src") != first_img
    # an invalid combination gives a plain message, never a traceback
    page.locator(".widget-checkbox", has_text="ultralow").locator("input").click()
    page.wait_for_selector(".her2ned-message", timeout=30_000)
    assert "only for IHC 0" in result_text(page)
    assert "Traceback" not in page.inner_text("body")
