"""The cohort explorer: the pure computation, the panel driven headlessly, and its twin."""

import math

import numpy as np
import pytest

from her2ned.models import add_model_columns, cox_table, km_medians, logistic_table
from her2ned.simulate import SimulationParams, simulate_cohort_arrays
from her2ned.simulate import _to_frame
from her2ned.widgets.explorer import CONTROL_RANGES, ExplorerFigure, explore, explorer_panel, explorer_twin


def _kinds(panel):
    """What the panel shows: 'figure' (an image and the summary) or 'message'."""
    mimes = [o.get("data", {}) for o in panel.output.outputs]
    if any("image/png" in m for m in mimes):
        return "figure"
    if any("her2ned-message" in m.get("text/html", "") for m in mimes):
        return "message"
    return "nothing"


def test_explore_agrees_with_reference_libraries():
    """The explorer's numpy fits equal statsmodels and lifelines on the same simulated cohort."""
    r = explore(seed=5)
    a = simulate_cohort_arrays(SimulationParams(), np.random.default_rng(5), 118)
    df = add_model_columns(_to_frame(a))
    ors = logistic_table(df, "ned", ["ecog0", "ihc3", "grade_le2"]).summary.set_index("term")
    for term, (o, lo, hi) in r.odds_ratios.items():
        assert o == pytest.approx(ors.loc[term, "odds_ratio"], rel=1e-6)
        assert lo == pytest.approx(ors.loc[term, "ci_low"], rel=1e-5)
    cox = cox_table(df, "pfs_months", "progressed", ["ned"], entry="entry_months")
    assert r.hr == pytest.approx(cox.summary.hazard_ratio.item(), rel=1e-5)
    km = km_medians(df, "pfs_months", "progressed", "ned", entry="entry_months").summary.set_index("group")
    for g in (0, 1):
        ref = km.loc[g, "median"]
        assert (math.isnan(ref) and math.isnan(r.medians[g])) or r.medians[g] == pytest.approx(ref)


def test_explore_shows_numbers_at_risk_under_its_curves():
    """Every KM figure has its risk table: the explorer's, beside the picture, counted from the cohort."""
    from lifelines import KaplanMeierFitter

    r = explore(seed=5)
    df = add_model_columns(_to_frame(simulate_cohort_arrays(SimulationParams(), np.random.default_rng(5), 118)))
    for g in (0, 1):
        sub = df[df.ned == g]
        km = KaplanMeierFitter().fit(sub.pfs_months, sub.progressed, entry=sub.entry_months)
        # lifelines' risk set at the first event-table time >= t: nobody leaves between t and that time
        # (every exit has its own row), so it is the number at risk at t
        table = km.event_table
        for t, count in zip((36, 60, 120, 180), r.at_risk[g]):
            later = table.index >= t
            assert count == (int(table.loc[later, "at_risk"].iloc[0]) if later.any() else 0)
    assert "at risk at 36 / 60 / 120 / 180 months" in r._repr_html_()


def test_explore_validates_controls():
    with pytest.raises(ValueError, match="hr_ned must be between 0.1 and 2"):
        explore(hr_ned=5)
    with pytest.raises(ValueError, match="threshold_months must be between 0 and 60"):
        explore(threshold_months=-1)
    with pytest.raises(TypeError, match="seed must be a number"):
        explore(seed="x")


def test_degenerate_draws_are_messages():
    with pytest.raises(ValueError, match="No patient in this draw reached NED"):
        explore(n=40, base=SimulationParams(ned_intercept=-30.0), seed=1)
    with pytest.raises(ValueError, match="Every patient in this draw reached NED"):
        explore(n=40, base=SimulationParams(ned_intercept=30.0, ned_timing=0.5), seed=1)
    with pytest.raises(ValueError, match="No patient in this draw progressed"):
        explore(n=40, base=SimulationParams(cure_fraction=0.999999), seed=1)
    r = explore(p_ecog0=0.0, seed=1)  # ECOG constant: ORs not estimable, the rest still shown
    assert any("not estimable" in n for n in r.notes)
    assert math.isnan(r.odds_ratios["ecog0"][0]) and math.isfinite(r.hr)


def _random_values(rng):
    v = {}
    for name, (lo, hi) in CONTROL_RANGES.items():
        if name in ("n", "seed", "threshold_months"):
            v[name] = int(rng.integers(lo, hi + 1))
        elif name.startswith(("or_", "hr_")):
            v[name] = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
        else:
            # shares: a quarter of draws at the extremes 0 or 1, the rest uniform
            v[name] = float(rng.choice([lo, hi])) if rng.random() < 0.25 else float(rng.uniform(lo, hi))
    return v


def test_300_random_combinations_give_a_result_or_a_plain_message():
    rng = np.random.default_rng(20260601)
    panel = explorer_panel()
    seen = {"figure": 0, "message": 0}
    for _ in range(300):
        values = _random_values(rng)
        panel.set_values(**{k: type(panel.controls[k].value)(v) for k, v in values.items()})
        kind = _kinds(panel)
        assert kind in seen, f"panel showed {kind} for {panel.values()}"
        seen[kind] += 1
        text = str(panel.output.outputs)
        assert "Traceback" not in text
    assert seen["figure"] > 150  # most draws are analysable
    assert seen["message"] > 0  # and the extremes do reach the message path


def test_panel_moves_when_a_control_moves():
    panel = explorer_panel()
    hr_before, png_before = panel.last_result.hr, panel.output.outputs[-1]["data"]["image/png"]
    panel.hr_ned.value = 1.0
    assert panel.last_result.hr != hr_before
    assert panel.output.outputs[-1]["data"]["image/png"] != png_before
    panel.threshold_months.value = 12
    assert panel.last_result.threshold == 12
    with pytest.raises(ValueError, match="unknown control"):
        panel.set_values(colour=1)


def test_figure_blit_equals_full_draw():
    """Blitting (cached background + moving artists) gives the same pixels as a full redraw."""
    f = ExplorerFigure()
    f.update(explore(seed=7))
    blitted = np.asarray(f.fig.canvas.buffer_rgba()).copy()
    for a in f._dynamic:
        a.set_animated(False)
    f.fig.canvas.draw()
    full = np.asarray(f.fig.canvas.buffer_rgba())
    assert np.mean(np.any(blitted != full, axis=-1)) < 0.002  # antialiasing order only


def test_twin_has_frames_and_linked_slider():
    twin = explorer_twin()
    caption, slider, stack = twin.children
    assert len(stack.children) == len(slider.options) == 12
    assert all("<img" in f.value for f in stack.children)
