"""The built book, opened from disk with the network blocked: every page renders, and the demo twin moves."""

from pathlib import Path

import pytest

from conftest import toc_files

ROOT = Path(__file__).resolve().parents[1]
PAGES = toc_files()

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page_name", PAGES)
def test_page_renders_offline_without_console_errors(static_page, page_name):
    page = static_page(f"{page_name}.html")
    page.wait_for_load_state("networkidle")
    assert page.locator("article h1").first.is_visible(), f"{page_name}: no visible title"
    assert not page.console_errors, f"{page_name}: console errors {page.console_errors}"
    assert not page.blocked_requests, f"{page_name}: asked the network for {page.blocked_requests}"
    # every embedded widget view rendered (an empty placeholder means the widget JavaScript failed)
    for view in page.locator("script[type='application/vnd.jupyter.widget-view+json']").all():
        assert view.evaluate("s => s.parentElement.querySelector('.jupyter-widgets, .widget-container')") is not None


def test_demo_twin_moves_in_the_static_page(static_page, twin_alt):
    page = static_page("chapters/08_interactive_panels.html")
    page.wait_for_selector(".her2ned-twin .noUi-handle, .her2ned-twin input[type=range]", timeout=20_000)
    before = twin_alt(page)
    assert before, "the twin shows no frame"
    handle = page.locator(".her2ned-twin .noUi-handle").first
    handle.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    after = twin_alt(page)
    assert after and after != before, f"the frame did not change: {before!r} -> {after!r}"
    assert "118 reach" in after or "of 118" in after or after.count("|") == 0
    assert not page.console_errors, page.console_errors


def test_demo_panel_runs_live_in_voila(voila_app):
    page = voila_app(["from her2ned.widgets.demo import share_panel", "panel = share_panel()", "panel"])
    page.wait_for_selector("img", timeout=60_000)
    first = page.locator(".jupyter-widgets-output-area img, .widget-output img").first.get_attribute("src")
    handle = page.locator(".widget-slider .noUi-handle").nth(1)  # the NED slider
    handle.focus()
    page.keyboard.press("PageDown")
    page.wait_for_timeout(2000)
    second = page.locator(".jupyter-widgets-output-area img, .widget-output img").first.get_attribute("src")
    assert first != second, "moving the NED slider did not redraw the figure"
