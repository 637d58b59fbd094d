"""The cohort explorer live in Voilà (a running kernel): moving a control redraws the figure and the HR."""

import pytest

pytestmark = pytest.mark.browser


def _state(page):
    hr = page.locator(".her2ned-hr").first.inner_text()
    img = page.locator(".her2ned-explorer img").first.get_attribute("src")
    return hr, img


def test_moving_a_control_changes_figure_and_hr(voila_app):
    page = voila_app(["from her2ned.widgets.explorer import explorer_panel", "explorer_panel()"])
    page.wait_for_selector(".her2ned-hr", timeout=60_000)
    page.wait_for_selector(".her2ned-explorer img", timeout=60_000)
    hr_before, img_before = _state(page)
    assert hr_before and img_before

    # the "true HR of NED" slider: type a new value into its readout and press Enter
    slider = page.locator(".widget-slider", has_text="true HR of NED").first
    readout = slider.locator(".widget-readout").first
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Enter")

    page.wait_for_function(
        "before => { const e = document.querySelector('.her2ned-hr'); return e && e.innerText !== before; }",
        arg=hr_before,
        timeout=30_000,
    )
    hr_after, img_after = _state(page)
    assert hr_after != hr_before
    assert img_after != img_before
    assert not page.locator("text=Traceback").count()


def test_explorer_twin_moves_offline(static_page, twin_alt):
    """In the static book (network blocked) the twin's slider switches precomputed frames."""
    page = static_page("chapters/04_who_reaches_ned.html")
    page.wait_for_selector(".her2ned-twin .noUi-handle", timeout=20_000)
    before = twin_alt(page)
    assert "True HR of NED 1, selection at 0 months" in before, before
    handle = page.locator(".her2ned-twin .noUi-handle").first
    handle.focus()
    page.keyboard.press("End")  # last frame: true HR 0.24, selection at 60 months
    page.wait_for_timeout(300)
    after = twin_alt(page)
    assert "True HR of NED 0.24, selection at 60 months" in after, after
    assert "Synthetic data" in page.locator("article").inner_text()
    assert not page.console_errors, page.console_errors
    assert not page.blocked_requests, page.blocked_requests
