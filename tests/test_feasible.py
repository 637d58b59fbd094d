"""The feasible region: every committed witness table meets every target, and the range table the
book shows is regenerated from them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

from her2ned import feasible
from her2ned.datasets import data_path, load_csv
from her2ned.reconstruct import COLUMNS, check_targets, reproduced_values, targets_from_claims


@pytest.fixture(scope="module")
def witnesses():
    return feasible.load_witnesses()


@pytest.fixture(scope="module")
def cohort():
    return load_csv("reconstructed", "tog2026_cohort.csv")


def test_a_witness_at_each_end_of_every_quantity(witnesses):
    assert sorted(witnesses) == sorted((q, e) for q in feasible.QUANTITIES for e in ("low", "high"))


@pytest.mark.parametrize(
    "key",
    [(q, e) for q in feasible.QUANTITIES for e in ("low", "high")],
    ids=lambda k: f"{k[0]}-{k[1]}" if isinstance(k, tuple) else str(k),
)
def test_every_witness_is_a_full_table_meeting_every_target(witnesses, key):
    w = witnesses[key]
    assert list(w.columns) == COLUMNS and len(w) == 118
    assert w["patient_id"].str.startswith("SYN-").all()
    # analysed with statsmodels / lifelines as the study was, not with the search's own fits
    tab = check_targets(reproduced_values(w))
    assert tab["met"].all(), tab.loc[~tab["met"], ["target", "published", "reproduced", "distance"]]


def test_range_table_regenerates_byte_for_byte():
    committed = data_path("reconstructed", "feasible", "ranges.csv").read_text(encoding="utf-8")
    assert feasible.format_range_csv(feasible.committed_ranges()) == committed


def test_conclusions_regenerate_byte_for_byte():
    committed = data_path("reconstructed", "feasible", "conclusions.csv").read_text(encoding="utf-8")
    assert feasible.format_range_csv(feasible.committed_conclusions()) == committed


def _by_hand(t):
    """The unreported quantities of one table, computed with pandas and lifelines, not with her2ned."""
    ned = t[t.ned == 1]
    non = t[t.ned == 0]

    def at_median(g):
        m = KaplanMeierFitter().fit(g.pfs_months, g.progressed).median_survival_time_
        return int((g.pfs_months >= m).sum()) if np.isfinite(m) else 0

    return {
        "share_ecog0": (t.ecog == 0).mean(),
        "share_ihc3": (t.her2_ihc == "3+").mean(),
        "share_grade3": (t.grade == 3).mean(),
        "share_local_therapy": t.local_therapy.mean(),
        "share_tp": (t.regimen == "T+P").mean(),
        "events_ned": ned.progressed.sum(),
        "events_non_ned": non.progressed.sum(),
        "median_followup_months": KaplanMeierFitter().fit(t.pfs_months, 1 - t.progressed).median_survival_time_,
        "at_risk_ned_median": at_median(ned),
        "at_risk_non_ned_median": at_median(non),
    }


def test_the_range_is_the_extent_of_the_tables_that_meet_every_target(witnesses, cohort):
    ranges = feasible.committed_ranges().set_index("quantity")
    by_hand = [_by_hand(t) for t in [*witnesses.values(), cohort]]
    for q in feasible.QUANTITIES:
        values = [v[q] for v in by_hand]
        assert np.isclose(ranges.loc[q, "low"], min(values)) and np.isclose(ranges.loc[q, "high"], max(values)), q
        # the low witness sits below the high one
        assert _by_hand(witnesses[q, "low"])[q] < _by_hand(witnesses[q, "high"])[q]


def test_the_ecog0_range_spans_at_least_52_to_82_percent():
    ranges = feasible.committed_ranges().set_index("quantity")
    # a table with 51.7 % ECOG 0 was found by hand in review, the shipped table has 82.2 %
    assert ranges.loc["share_ecog0", "low"] <= 0.52
    assert ranges.loc["share_ecog0", "high"] >= 0.82


def test_the_search_log_backs_the_covariate_extremes(witnesses):
    log = load_csv("reconstructed", "feasible", "search_log.csv")
    for q in ("share_ecog0", "share_ihc3", "share_grade3", "share_local_therapy", "share_tp"):
        for end, pick in (("low", min), ("high", max)):
            attempts = log[(log.quantity == q) & (log.end == end)]
            assert len(attempts) >= 2, "every extreme is searched from more than one start"
            assert np.isclose(pick(attempts.value), feasible.unreported(witnesses[q, end])[q], atol=1e-6)


def test_unreported_counts_at_risk_at_each_median():
    # NED: times 40..100 with events at 50, 60, 70; KM falls 1 → 5/6 → 4/6 → 3/6 at 70 (the median)
    df = pd.DataFrame(
        {
            "ecog": [0] * 6 + [1] * 4,
            "her2_ihc": ["3+"] * 10,
            "grade": [3] * 10,
            "local_therapy": [0] * 10,
            "regimen": ["T"] * 10,
            "ned": [1] * 6 + [0] * 4,
            "pfs_months": [40, 50, 60, 70, 80, 100, 45, 55, 65, 75],
            "progressed": [0, 1, 1, 1, 0, 0, 1, 1, 1, 1],
        }
    )
    u = feasible.unreported(df)
    km = KaplanMeierFitter().fit(df.pfs_months[df.ned == 1], df.progressed[df.ned == 1])
    assert km.median_survival_time_ == 70
    assert u["at_risk_ned_median"] == 3  # 70, 80, 100 still at risk just before 70
    assert u["at_risk_non_ned_median"] == 3  # median 55 (S = 0.5 after the second of four)
    assert u["events_ned"] == 3 and u["events_non_ned"] == 4
    assert u["share_ecog0"] == 0.6


def test_push_share_lowers_ecog0_and_stays_feasible(cohort):
    from her2ned.reconstruct.covariates import _PAT

    targets = targets_from_claims()
    cells = np.zeros((2, 32), dtype=int)
    d = cohort.assign(
        ecog0=1 - cohort.ecog,
        ihc3=(cohort.her2_ihc == "3+").astype(int),
        grade_le2=(cohort.grade <= 2).astype(int),
        tp=(cohort.regimen == "T+P").astype(int),
    )
    index = {tuple(p): i for i, p in enumerate(_PAT.tolist())}
    for r in d.itertuples():
        cells[1 - r.ned, index[(r.ecog0, r.ihc3, r.grade_le2, r.local_therapy, r.tp)]] += 1
    start = float((cohort.ecog == 0).mean())
    # the shipped table sits where no single move lowers ECOG 0 and keeps every target: the kicks get it out
    pushed, share = feasible.push_share(cells, "share_ecog0", "low", np.random.default_rng(0), targets, kicks=5)
    assert share < start
    assert pushed.sum() == 118 and pushed[0].sum() == 55


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: feasible.witness_name("share_ecog", "low"), "quantity must be one of"),
        (lambda: feasible.witness_name("share_ecog0", "lowest"), "end must be 'low' or 'high'"),
        (
            lambda: feasible.push_share(np.zeros((2, 32), int), "events_ned", "low", np.random.default_rng(0), {}),
            "quantity must be one of",
        ),
        (lambda: feasible.unreported(pd.DataFrame({"ned": [1]})), r"df must be a patient table.*lacks \['ecog'"),
        (lambda: feasible.range_table({}, None), "non-empty dict"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()
