"""Every page of the built book passes axe-core's WCAG 2.1 A and AA rules, opened from disk offline.

axe-core comes bundled with axe-playwright-python (no network). Where a violation came from the theme's
or ipywidgets' own markup, the book mends it (``_ext/static/a11y.js``: labels for widget controls and
navigation toggles, list roles in the bibliography) rather than excluding the rule.
"""

from __future__ import annotations

import pytest

from conftest import toc_files

pytestmark = [pytest.mark.book, pytest.mark.browser]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("page_name", toc_files())
def test_page_has_no_wcag_21_a_or_aa_violation(static_page, axe, page_name):
    page = static_page(f"{page_name}.html")
    # embedded widgets are drawn after load; wait for them (and the labels a11y.js gives them)
    page.wait_for_function(
        """() => [...document.querySelectorAll(
        "script[type='application/vnd.jupyter.widget-view+json']")].every(
        s => s.parentElement.querySelector('.jupyter-widgets, .widget-container'))""",
        timeout=60_000,
    )
    page.wait_for_timeout(300)
    violations = axe.run(page, options=WCAG_21_AA).response["violations"]
    report = [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['html'][:160]}"
        for v in violations
    ]
    assert not report, f"{page_name}:\n" + "\n".join(report)


def test_panel_sliders_are_named_and_move_by_keyboard(static_page):
    page = static_page("chapters/04_who_reaches_ned.html")
    page.wait_for_selector(".noUi-handle[aria-label]", timeout=60_000)
    names = page.eval_on_selector_all(".noUi-handle[role='slider']", "hs => hs.map(h => h.getAttribute('aria-label'))")
    assert names and all(names), f"unnamed slider handles: {names}"
    twin = page.locator(".her2ned-twin .noUi-handle").first
    before = twin.get_attribute("aria-valuenow")
    twin.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(200)
    assert twin.get_attribute("aria-valuenow") != before, "the twin's slider does not move by keyboard"
