"""The bias-lab panel live in Voilà, and its kernel-free twin in the static HTML (network blocked)."""

import pytest

pytestmark = pytest.mark.browser

PAGE = "chapters/06_selection_time.html"


def test_bias_twin_moves_offline(static_page, twin_alt):
    page = static_page(PAGE)
    page.wait_for_selector(".her2ned-twin .noUi-handle", timeout=20_000)
    before = twin_alt(page)
    assert "true HR 1" in before and "selection at 24 months" in before and "confounding OR 1" in before, before
    handle = page.locator(".her2ned-twin .noUi-handle").first
    handle.focus()
    page.keyboard.press("End")  # last frame: HR 0.24, late NED, selection at 36 months, confounding OR 4
    page.wait_for_timeout(300)
    after = twin_alt(page)
    assert "true HR 0.24" in after and "NED late" in after and "36 months" in after, after
    assert "confounding OR 4" in after, after
    assert not page.console_errors, page.console_errors
    assert not page.blocked_requests, page.blocked_requests


def test_bias_page_shows_synthetic_notice(static_page, twin_alt):
    page = static_page(PAGE)
    assert "Synthetic data" in page.locator("article").inner_text()


def test_bias_panel_redraws_live_in_voila(voila_app):
    page = voila_app(["from her2ned.widgets.bias import bias_lab_panel", "panel = bias_lab_panel()", "panel"])
    img = ".her2ned-bias-panel img"
    page.wait_for_selector(img, timeout=60_000)
    first = page.locator(img).first.get_attribute("src")
    handle = page.locator(".widget-slider .noUi-handle").nth(1)  # the true-HR slider
    handle.focus()
    page.keyboard.press("Home")  # HR 0.2
    page.wait_for_function(
        "(first) => { const i = document.querySelector('.her2ned-bias-panel img');"
        " return i && i.getAttribute('src') !== first; }",
        arg=first,
        timeout=30_000,
    )
    second = page.locator(img).first.get_attribute("src")
    assert first != second, "moving the true-HR slider did not redraw the figure"
    text = page.locator("body").inner_text()
    assert "Traceback" not in text
