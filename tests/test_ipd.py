"""Patient data rebuilt from a Kaplan–Meier curve (Guyot 2012): seeded round trips (simulate a trial,
draw its curve, digitise it, rebuild, compare), hand-checked cases, and bad input repaired or refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import CoxPHFitter, KaplanMeierFitter

from her2ned.ipd import MAX_NOISE_RISE, ipd_from_km, round_trip
from her2ned.plots.survival import numbers_at_risk

RISK_EVERY = 6.0  # months between the columns of the risk table, as under most published figures


def _trial(seed, n=200, medians=(12.0, 20.0)):
    """Two exponential arms, accrual over 4 years, data cut at 48 months after the first patient."""
    arms = []
    for g, median in enumerate(medians):
        rng = np.random.default_rng([seed, g])
        t = rng.exponential(median / np.log(2), n)
        c = np.minimum(rng.uniform(12, 60, n), 48)
        arms.append((np.round(np.minimum(t, c), 2), (t <= c).astype(int)))
    return arms


def _published(t, e):
    """What a paper prints: the KM curve (lifelines, not the code under test) and the risk table."""
    km = KaplanMeierFitter().fit(t, e)
    sf = km.survival_function_.iloc[:, 0]
    risk_times = np.arange(0, t.max() + 1e-9, RISK_EVERY)
    return sf.index.to_numpy(float), sf.to_numpy(float), risk_times, numbers_at_risk(t, risk_times), km


def _rebuild(t, e, rng, **digitiser):
    r, _, (risk_times, n_risk) = round_trip(t, e, rng, risk_every=RISK_EVERY, **digitiser)
    return r, risk_times, n_risk, KaplanMeierFitter().fit(t, e)


def _log_hr(arms):
    df = pd.concat([pd.DataFrame({"t": t, "e": e, "x": g}) for g, (t, e) in enumerate(arms)])
    return CoxPHFitter().fit(df, "t", "e").params_["x"]


@pytest.mark.parametrize("seed", range(6))
def test_round_trip_with_every_step_given(seed):
    arms = _trial(seed)
    rebuilt = []
    for t, e in arms:
        r, risk_times, n_risk, km = _rebuild(t, e, np.random.default_rng(seed))
        tab = r.table
        assert len(tab) == len(t)  # the exact n
        assert (numbers_at_risk(tab.time, risk_times) == n_risk).all()  # forced by the method
        assert abs(tab.event.sum() - e.sum()) <= 0.02 * e.sum()  # events within 2 %
        rebuilt_km = KaplanMeierFitter().fit(tab.time, tab.event)
        m0, m1 = km.median_survival_time_, rebuilt_km.median_survival_time_
        if abs(m1 - m0) > 0.25:
            # one event late or early where the curve sits on 0.5: the original never leaves 0.5 ± 0.01
            between = km.survival_function_.loc[min(m0, m1) : max(m0, m1)].iloc[:-1, 0]
            assert (abs(between - 0.5) <= 0.01).all(), (m0, m1)
        grid = np.linspace(0, t.max(), 200)
        assert (
            np.abs(
                km.survival_function_at_times(grid).to_numpy() - rebuilt_km.survival_function_at_times(grid).to_numpy()
            ).max()
            < 0.02
        )
        rebuilt.append((tab.time.to_numpy(), tab.event.to_numpy()))
    assert abs(_log_hr(rebuilt) - _log_hr(arms)) < 0.1


@pytest.mark.parametrize("seed", range(6))
def test_round_trip_from_sixty_noisy_points(seed):
    arms, rebuilt = _trial(seed), []
    for t, e in arms:
        r, risk_times, n_risk, _ = _rebuild(t, e, np.random.default_rng(seed), n_points=60, time_sd=0.1, surv_sd=0.003)
        assert len(r.table) == len(t)
        assert (numbers_at_risk(r.table.time, risk_times) == n_risk).all()
        rebuilt.append((r.table.time.to_numpy(), r.table.event.to_numpy()))
    assert abs(_log_hr(rebuilt) - _log_hr(arms)) < 0.1


@pytest.mark.parametrize("seed", range(20))
def test_a_shaky_hand_on_every_step_is_never_refused(seed):
    # the digitiser of chapter 5: every corner clicked, 0.3 months and 0.004 off; the clicks keep their order
    for t, e in _trial(seed):
        r, risk_times, n_risk, _ = _rebuild(t, e, np.random.default_rng(seed), time_sd=0.3, surv_sd=0.004)
        assert len(r.table) == len(t) and (numbers_at_risk(r.table.time, risk_times) == n_risk).all()
        assert abs(r.table.event.sum() - e.sum()) <= 0.05 * e.sum()


def test_total_events_fix_the_last_interval():
    (t, e), _ = _trial(3)
    times, surv, risk_times, n_risk, _ = _published(t, e)
    r = ipd_from_km(np.r_[times, t.max()], np.r_[surv, surv[-1]], risk_times, n_risk, total_events=int(e.sum()))
    assert r.table.event.sum() == e.sum() and len(r.table) == len(t)


def test_an_unreachable_total_of_events_is_reported():
    r = ipd_from_km([0, 10, 10, 20, 20, 30], [1, 1, 0.8, 0.8, 0.6, 0.6], [0, 15], [10, 8], total_events=9)
    assert any("total_events 9 cannot be reached" in x for x in r.repairs)


def test_a_start_clicked_low_is_raised_and_values_off_the_axis_clipped():
    r = ipd_from_km([0, 10, 10, 20], [0.99, 0.99, 0.5, -0.01], [0], [100])
    assert any("raised the start" in x for x in r.repairs) and any("clipped 1 point" in x for x in r.repairs)
    assert r.table[r.table.time == 0].event.sum() == 0  # no events invented at time 0
    with pytest.raises(ValueError, match="surv starts at 0.800"):
        ipd_from_km([0, 10], [0.8, 0.8], [0], [10])


def test_a_case_worked_by_hand():
    # 10 patients; the curve drops 1 → 0.8 at 10 months (2 of 10) and 0.8 → 0.6 at 20 (2 of 8); 8 at risk
    # at 15 months means nobody was censored before it; 6 remain at 30 months and are censored there
    r = ipd_from_km([0, 10, 10, 20, 20, 30], [1, 1, 0.8, 0.8, 0.6, 0.6], [0, 15], [10, 8])
    events = r.table[r.table.event == 1].time.tolist()
    assert events == [10, 10, 20, 20]
    assert r.table[r.table.event == 0].time.tolist() == [30] * 6
    assert r.intervals.censored.tolist() == [0, 0]


def test_censoring_is_spread_evenly_within_an_interval():
    # 10 at risk, no event before 12 months, 6 at risk at 12: four censorings at 12/5, 24/5, 36/5, 48/5
    r = ipd_from_km([0, 12, 12, 20], [1, 1, 0.5, 0.5], [0, 12], [10, 6])
    assert r.table[r.table.event == 0].time.head(4).round(6).tolist() == [2.4, 4.8, 7.2, 9.6]
    assert (r.table.event == 1).sum() == 3  # half of the 6 at risk at 12 months


def test_a_small_rise_is_repaired_and_reported_a_large_one_refused():
    r = ipd_from_km([0, 5, 5, 10, 10.5], [1, 1, 0.8, 0.81, 0.81], [0, 5], [10, 10])
    assert any("lowered 2 point" in x for x in r.repairs)
    with pytest.raises(ValueError, match="surv rises by 0.300"):
        ipd_from_km([0, 5, 5, 10], [1, 1, 0.5, 0.8], [0], [10])
    assert MAX_NOISE_RISE < 0.3


def test_an_interval_without_a_point_gets_one_at_its_risk_time():
    # no digitised point between 6 and 12 months: one is inserted at each risk time, carried forward
    r = ipd_from_km([0, 3, 3, 14, 14, 20], [1, 1, 0.9, 0.9, 0.6, 0.6], [0, 6, 12], [10, 9, 9])
    assert any("inserted a point at risk time(s) 6, 12" in x for x in r.repairs)
    assert numbers_at_risk(r.table.time, [0, 6, 12]).tolist() == [10, 9, 9]


def test_a_flat_tail_with_heavy_censoring_has_no_events():
    # 40 at risk at 12 months, 5 at 24 and 36: the flat tail loses its patients to censoring, not events
    r = ipd_from_km([0, 6, 6, 36], [1, 1, 0.6, 0.6], [0, 12, 24, 36], [100, 40, 5, 5])
    tail = r.table[r.table.time > 6]
    assert tail.event.sum() == 0 and len(r.table) == 100
    assert numbers_at_risk(r.table.time, [12, 24, 36]).tolist() == [40, 5, 5]


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(risk_times=[0, 12, 40]), "risk_times"),  # the risk table runs beyond the curve
        (dict(risk_times=[1, 12]), "risk_times"),  # does not start at 0
        (dict(n_risk=[10, 12]), "n_risk"),  # numbers at risk grow
        (dict(n_risk=[10, 7.5]), "n_risk"),
        (dict(surv=[1, 1, 0.5, np.nan]), "surv"),
        (dict(surv=[100, 100, 50, 50]), "surv"),  # a percent, not a proportion
        (dict(times=[0, 12, 12]), "times"),
        (dict(total_events=50), "total_events"),
    ],
)
def test_bad_input_is_refused_by_name(kwargs, name):
    good = dict(times=[0, 12, 12, 20], surv=[1, 1, 0.5, 0.5], risk_times=[0, 12], n_risk=[10, 6])
    with pytest.raises((ValueError, TypeError), match=name):
        ipd_from_km(**{**good, **kwargs})


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    drops=st.lists(st.floats(0, 0.2), min_size=1, max_size=25),
    n0=st.integers(1, 300),
    keep=st.lists(st.floats(0.3, 1.0), min_size=1, max_size=8),
    step=st.floats(0.5, 12),
)
def test_any_curve_and_risk_table_give_the_printed_numbers_at_risk(drops, n0, keep, step):
    """Random decreasing curves and risk tables: the rebuilt table has exactly n_risk[0] patients and,
    at every risk time, exactly the printed number at risk (or the input is refused by name)."""
    times = np.cumsum(np.full(len(drops), step))
    surv = np.cumprod(1 - np.array(drops))
    pt, ps = np.r_[0, np.repeat(times, 2)], np.r_[1, np.column_stack([np.r_[1, surv[:-1]], surv]).ravel()]
    risk_times = np.arange(0, times[-1] + 1e-9, max(step * 2, 1.0))[: len(keep) + 1]
    n_risk = np.floor(n0 * np.cumprod(np.r_[1, keep])[: len(risk_times)]).astype(int)
    try:
        r = ipd_from_km(pt, ps, risk_times, n_risk)
    except ValueError as exc:
        assert any(w in str(exc) for w in ("n_risk", "risk_times", "surv", "times")), exc
        return
    assert len(r.table) == n_risk[0]
    assert numbers_at_risk(r.table.time, risk_times).tolist() == n_risk.tolist()
    assert set(r.table.event.unique()) <= {0, 1}
