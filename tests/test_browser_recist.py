"""The RECIST calculator in a browser: live in Voilà (edit a measurement, the response changes) and
its kernel-free twin in the static HTML book (move the slider, the example patient changes)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGE = "chapters/02_recist_ned.html"


def test_recist_twin_moves_in_the_static_page(static_page, twin_alt):
    page = static_page(PAGE)
    page.wait_for_selector(".her2ned-twin .noUi-handle", timeout=20_000)
    first = twin_alt(page)
    assert first.startswith("Partial response"), f"unexpected first frame: {first!r}"
    handle = page.locator(".her2ned-twin .noUi-handle").first
    handle.focus()
    for _ in range(3):  # Partial response -> NED -> Bone persists -> PD from the nadir
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    now = twin_alt(page)
    assert now.startswith("PD from the nadir"), f"the frame did not move as expected: {first!r} -> {now!r}"
    shown_text = page.evaluate("""() => [...document.querySelectorAll('.her2ned-recist-frame')]
        .filter(f => f.offsetParent !== null).map(f => f.innerText).join('\\n')""")
    assert "PD" in shown_text and "nadir" in shown_text
    assert not page.console_errors, page.console_errors
    assert not page.blocked_requests, page.blocked_requests


def overall_column(page) -> list[str]:
    """The 'overall' column of the live panel's response table, as shown on screen."""
    return page.evaluate("""() => {
        const t = document.querySelector('table.her2ned-recist');
        if (!t) return [];
        return [...t.querySelectorAll('tr')].slice(1).map(r => r.lastElementChild.innerText.trim());
    }""")


def test_recist_calculator_runs_live_in_voila(voila_app):
    page = voila_app(["from her2ned.widgets.recist import recist_panel", "recist_panel()"])
    page.wait_for_selector("table.her2ned-recist", timeout=60_000)
    assert overall_column(page) == ["baseline", "PR", "PR", "PR", "CR"]
    # the first row of number boxes is 'liver 1'; its second box is week 9
    box = page.locator(".her2ned-recist-panel input[type=number]").nth(1)
    box.fill("60")
    box.press("Enter")
    page.wait_for_function(
        """() => { const t = document.querySelector('table.her2ned-recist');
                   return t && t.querySelectorAll('tr')[2].lastElementChild.innerText.trim() === 'PD'; }""",
        timeout=30_000,
    )
    assert overall_column(page)[1] == "PD"
    # a negative diameter gives a message in words, not a traceback
    box.fill("-3")
    box.press("Enter")
    page.wait_for_selector("text=is not allowed", timeout=30_000)
    assert page.locator("text=Traceback").count() == 0
