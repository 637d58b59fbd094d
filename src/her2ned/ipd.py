"""Patient-level data rebuilt from a published Kaplan–Meier curve (Guyot, Ades, Ouwens & Welton 2012).

A paper shows a survival curve and a numbers-at-risk table under it; a digitiser (WebPlotDigitizer,
for instance) turns the curve into points ``(time, survival)``. :func:`ipd_from_km` inverts the
Kaplan–Meier arithmetic interval by interval between the risk-table times: it looks for the number
of censorings in each interval that makes the rebuilt number at risk at the next risk time equal
the printed one, spreads those censorings evenly over the interval (Guyot's assumption: censoring at
a constant rate within an interval), and reads the events at each point off the drop of the curve.
In the last interval, after the last risk time, the number of censorings comes from the total
number of events if the paper gives it, and otherwise from the average censoring rate per month of the
earlier intervals (Guyot's rule, here per month of risk-table interval rather than of digitised span).
Patients still at risk at the last point are censored there.

The result is *a* patient table consistent with the figure, not the trial's data: times of events
are only as precise as the digitised points, and censoring times are placed by assumption.
:func:`digitise_km` plays the digitiser on a curve the book drew itself, so the method can be
checked end to end (the round trip in the tests and in chapter 5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._arguments import count, finite, float_array, generator
from .models.fast import numbers_at_risk
from .results import Result

__all__ = ["IPDResult", "ipd_from_km", "digitise_km", "round_trip", "MAX_NOISE_RISE"]

#: A rise of the digitised curve up to this much is taken as digitiser noise (the top and bottom of a
#: drop clicked in the wrong order, a hand that shook) and repaired (running minimum); a larger rise
#: is refused: it is not a survival curve, or two curves were mixed.
MAX_NOISE_RISE = 0.1


@dataclass(frozen=True, eq=False, repr=False)
class IPDResult(Result):
    """Rebuilt patient data: ``table`` (``time``, ``event``: 1 = event, 0 = censored), one row per
    patient; ``intervals``, one row per risk-table interval (``start``, ``end``, ``n_risk`` printed at
    the start, the rebuilt ``events`` and ``censored``, the number at risk at the end as printed and as
    Guyot's censoring search reached it before any repair); ``repairs``, what was changed and why."""

    table: pd.DataFrame
    intervals: pd.DataFrame
    repairs: tuple[str, ...]

    model = "patient data rebuilt from a Kaplan–Meier curve (Guyot et al. 2012)"

    @property
    def summary(self) -> pd.DataFrame:
        return self.intervals

    @property
    def n(self) -> int:
        return len(self.table)

    @property
    def events(self) -> int:
        return int(self.table["event"].sum())

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(f"Repair of the input: {r}" for r in self.repairs) or ("No repair of the input was needed.",)


def _points(times, surv, repairs):
    t, s = float_array(times, "times", ndim=1), float_array(surv, "surv", ndim=1)
    if t.shape != s.shape or len(t) < 2:
        raise ValueError(f"times and surv must be the same length, at least 2 points; got {len(t)} and {len(s)}")
    if not (np.isfinite(t).all() and np.isfinite(s).all()):
        raise ValueError("times and surv must be finite numbers (a digitised point is missing or NaN)")
    if (t < 0).any() or (s < -MAX_NOISE_RISE).any() or (s > 1 + MAX_NOISE_RISE).any():
        raise ValueError("times must be ≥ 0 and surv between 0 and 1 (survival as a proportion, not a percent)")
    order = np.lexsort((-s, t))  # by time; at one time, the top of a drop before its bottom
    if (order != np.arange(len(t))).any():
        repairs.append("sorted the points by time")
    t, s = t[order], s[order]
    if (s < 0).any() or (s > 1).any():
        repairs.append(f"clipped {int(((s < 0) | (s > 1)).sum())} point(s) just outside 0–1 to the axis")
        s = np.clip(s, 0.0, 1.0)
    running_min = np.minimum.accumulate(s)
    if (s - running_min).max() > MAX_NOISE_RISE:
        k = int(np.argmax(s - running_min))
        raise ValueError(
            f"surv rises by {s[k] - running_min[k]:.3f} at time {t[k]:g}: not a survival curve "
            f"(a rise up to {MAX_NOISE_RISE} is taken as digitiser noise and repaired)"
        )
    if (s > running_min).any():
        repairs.append(
            f"lowered {int((s > running_min).sum())} point(s) that rose above an earlier one "
            f"(by at most {float((s - running_min).max()):.3f}: digitiser noise)"
        )
        s = running_min
    if t[0] == 0 and s[0] < 1:  # a start clicked a little low: the curve starts at 1, not with events
        if s[0] < 1 - MAX_NOISE_RISE:
            raise ValueError(f"surv starts at {s[0]:.3f} at time 0: a Kaplan–Meier curve starts at 1")
        repairs.append(f"raised the start (0, {s[0]:.3f}) to (0, 1)")
        s = np.where(t == 0, 1.0, s)
    if t[0] > 0:
        repairs.append("added the curve's start (0, 1)")
        t, s = np.r_[0.0, t], np.r_[1.0, s]
    return t, s


def _risk_table(risk_times, n_risk, t_end):
    tr, nr = float_array(risk_times, "risk_times", ndim=1), float_array(n_risk, "n_risk", ndim=1)
    if tr.shape != nr.shape or len(tr) == 0:
        raise ValueError(f"risk_times and n_risk must be the same length, at least 1; got {len(tr)} and {len(nr)}")
    if not np.isfinite(tr).all() or tr[0] != 0 or (np.diff(tr) <= 0).any():
        raise ValueError(f"risk_times must start at 0 and increase, got {tr.tolist()}")
    if not np.isfinite(nr).all() or (nr != np.round(nr)).any() or (nr < 0).any() or (np.diff(nr) > 0).any():
        raise ValueError(f"n_risk must be whole numbers ≥ 0 that never increase, got {nr.tolist()}")
    if nr[0] < 1 or nr[0] > 1_000_000:
        raise ValueError(f"n_risk must start with 1 to 1,000,000 patients, got {nr[0]:g}")
    if tr[-1] > t_end:
        raise ValueError(
            f"risk_times run to {tr[-1]:g} but the curve's last point is at {t_end:g}: the risk "
            "table reaches beyond the digitised curve (digitise the curve to its end)"
        )
    return tr, nr.astype(int)


def _insert_at_risk_times(t, s, tr, repairs):
    t = t.copy()
    for x in tr:  # a point within rounding of a risk time is at it (else its event falls just before)
        t[np.isclose(t, x)] = x
    missing = [x for x in tr if not (t == x).any()]
    if missing:
        for x in missing:  # the curve's value just before x, carried forward: no event at x
            k = np.searchsorted(t, x, side="right")
            t, s = np.insert(t, k, x), np.insert(s, k, s[k - 1])
        repairs.append(
            f"inserted a point at risk time(s) {', '.join(f'{x:g}' for x in missing)} "
            "(the curve's value carried forward), so every interval holds a point"
        )
    return t, s


def _interval(t, s, lo, up, end_time, n_start, n_censor, km_start, max_events=None):
    """Points ``lo..up`` with ``n_censor`` censorings spread evenly over ``[t[lo], end_time)``: the events
    at each point (from the drop of the curve, at most ``max_events`` in all), the censoring times kept,
    the number left and the KM."""
    cen_t = t[lo] + np.arange(1, n_censor + 1) * (end_time - t[lo]) / (n_censor + 1)
    edges = np.r_[t[lo : up + 1], end_time]
    d = np.zeros(up - lo + 1, int)
    kept = []
    n, km = n_start, km_start
    for j, k in enumerate(range(lo, up + 1)):
        if k > 0 and n > 0 and km > 0:
            d[j] = min(max(round(n * (1 - s[k] / km)), 0), n)
            if max_events is not None:
                d[j] = min(d[j], max_events - d[:j].sum())
            km = km * (1 - d[j] / n)
        in_step = cen_t[(cen_t >= edges[j]) & (cen_t < edges[j + 1])][: n - d[j]]
        kept.append(in_step)
        n -= d[j] + len(in_step)
    return d, np.concatenate(kept), n, km


def ipd_from_km(
    times: ArrayLike, surv: ArrayLike, risk_times: ArrayLike, n_risk: ArrayLike, *, total_events: int | None = None
) -> IPDResult:
    """Patient-level times and events from digitised Kaplan–Meier points and the numbers at risk.

    Parameters
    ----------
    times, surv : sequence of float
        Digitised points of one curve (months, proportion surviving); a vertical drop may be given by
        two points at the same time. Small rises (digitiser noise, up to :data:`MAX_NOISE_RISE`) are
        repaired, larger ones refused.
    risk_times, n_risk : sequence
        The numbers-at-risk table under the figure: times starting at 0, and the numbers at risk.
    total_events : int, optional
        The curve's total number of events if the paper reports it; fixes the censoring after the
        last risk time (otherwise the earlier intervals' average censoring rate is assumed).

    Examples
    --------
    >>> r = ipd_from_km([0, 10, 10, 20, 20, 30], [1, 1, 0.8, 0.8, 0.6, 0.6], [0, 15], [10, 8])
    >>> len(r.table), int(r.table.event.sum())
    (10, 4)
    """
    repairs: list[str] = []
    t, s = _points(times, surv, repairs)
    tr, nr = _risk_table(risk_times, n_risk, t[-1])
    if total_events is not None:
        total_events = count(total_events, "total_events", low=0, high=int(nr[0]))
    t, s = _insert_at_risk_times(t, s, tr, repairs)
    lower = [int(np.flatnonzero(t == x)[0]) for x in tr]
    bounds = lower[1:] + [len(t)]
    events, censored, rows, done = [], [], [], []
    km, n_events = 1.0, 0
    for i, (lo, nxt) in enumerate(zip(lower, bounds)):
        up, n_start, last = nxt - 1, int(nr[i]), i == len(tr) - 1
        end_time = t[-1] if last else tr[i + 1]
        if not last:  # Guyot's loop: move censorings until the rebuilt number at risk is the printed one
            target = int(nr[i + 1])
            n_censor = max(round(n_start * (s[nxt] / s[lo] if s[lo] > 0 else 0.0) - target), 0)
            for _ in range(4 * n_start + 10):
                d, cen, n_end, km_end = _interval(t, s, lo, up, end_time, n_start, n_censor, km)
                gap = n_end - target
                if gap == 0 or (gap < 0 and n_censor == 0):
                    break
                n_censor = max(n_censor + gap, 0)
            n_guyot = n_end
            if n_end < target:  # the drop implies more events than the risk table leaves room for
                d, cen, n_end, km_end = _interval(
                    t, s, lo, up, end_time, n_start, n_censor, km, max_events=n_start - target - n_censor
                )
                repairs.append(
                    f"interval {tr[i]:g}–{tr[i + 1]:g}: the curve's drop implies more events than "
                    f"the numbers at risk allow ({n_start} → {target}); kept {int(d.sum())}"
                )
            if n_end > target:  # rounding left a few too many: censored late in the interval
                cen = np.r_[cen, np.full(n_end - target, (t[up] + end_time) / 2)]
                n_end = target
            done.append((len(cen), end_time - tr[i]))
        elif total_events is not None:  # censorings after the last risk time set by the total events
            n_censor = 0
            for _ in range(4 * n_start + 10):
                d, cen, n_end, km_end = _interval(t, s, lo, up, end_time, n_start, n_censor, km)
                gap = n_events + int(d.sum()) - total_events
                if gap == 0 or (gap < 0 and n_censor == 0) or (gap > 0 and n_censor >= n_start):
                    break
                n_censor = min(max(n_censor + gap, 0), n_start)
            if n_events + int(d.sum()) != total_events:
                repairs.append(
                    f"total_events {total_events} cannot be reached from this curve and risk table: "
                    f"kept {n_events + int(d.sum())} events"
                )
        else:  # ... or by the average censoring rate of the earlier intervals
            span = sum(length for _, length in done)
            rate = sum(c for c, _ in done) / span if span > 0 else 0.0
            n_censor = min(round(rate * (end_time - tr[i])), n_start)
            d, cen, n_end, km_end = _interval(t, s, lo, up, end_time, n_start, n_censor, km)
        km, n_events = km_end, n_events + int(d.sum())
        events.append(np.repeat(t[lo : up + 1], d))
        censored.append(cen)
        rows.append(
            {
                "start": float(tr[i]),
                "end": float(end_time),
                "n_risk": n_start,
                "events": int(d.sum()),
                "censored": len(cen),
                "n_end_printed": np.nan if last else int(nr[i + 1]),
                "n_end_guyot": n_end if last else n_guyot,
            }
        )
    censored.append(np.full(n_end, t[-1]))  # still at risk at the last point: censored there
    ev, ce = np.concatenate(events), np.concatenate(censored)
    table = pd.DataFrame({"time": np.r_[ev, ce], "event": np.r_[np.ones(len(ev), int), np.zeros(len(ce), int)]})
    table = table.sort_values(["time", "event"], ascending=[True, False], kind="stable").reset_index(drop=True)
    return IPDResult(table, pd.DataFrame(rows), tuple(repairs))


def digitise_km(
    times: ArrayLike,
    surv: ArrayLike,
    rng: np.random.Generator,
    *,
    n_points: int | None = None,
    time_sd: float = 0.0,
    surv_sd: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Points a digitiser would give for a Kaplan–Meier step curve (for round trips of :func:`ipd_from_km`).

    ``times, surv`` are the curve's vertices (as from :func:`her2ned.models.fast.km_curve`: each time and
    the survival just after it). Every step is given as two points, its top and its bottom, unless
    ``n_points`` asks for fewer: then that many corner points are drawn at random (the start and the
    end always kept). ``time_sd`` and ``surv_sd`` add the digitiser's hand: normal noise on each step's
    time (shared by its top and bottom, which lie on one vertical line; the clicks keep their left-to-right
    order) and on each point's survival (the start stays at 1).

    Examples
    --------
    >>> import numpy as np
    >>> t, s = digitise_km([0, 5, 9], [1, 0.5, 0.25], np.random.default_rng(0))
    >>> t.tolist(), s.tolist()
    ([0.0, 5.0, 5.0, 9.0, 9.0], [1.0, 1.0, 0.5, 0.5, 0.25])
    """
    t, s = float_array(times, "times", ndim=1), float_array(surv, "surv", ndim=1)
    if t.shape != s.shape or len(t) < 1 or not (np.isfinite(t).all() and np.isfinite(s).all()):
        raise ValueError("times and surv must be finite and of the same length")
    generator(rng)
    time_sd, surv_sd = finite(time_sd, "time_sd", low=0), finite(surv_sd, "surv_sd", low=0)
    # the top and the bottom of a drop lie on one vertical line: they share the step's time and its error;
    # a person clicks the steps from left to right, so the clicked times keep their order
    clicked = np.r_[t[0], np.maximum.accumulate(np.maximum(t[1:] + rng.normal(0, time_sd, len(t) - 1), 0.0))]
    step = np.r_[0, np.repeat(np.arange(1, len(t)), 2)]
    pt = clicked[step]
    ps = np.r_[s[0], np.column_stack([s[:-1], s[1:]]).ravel()]
    if n_points is not None:
        n_points = count(n_points, "n_points", low=2, high=len(pt))
        keep = np.sort(np.r_[0, rng.choice(np.arange(1, len(pt) - 1), n_points - 2, replace=False), len(pt) - 1])
        pt, ps = pt[keep], ps[keep]
    ps[1:] = np.clip(ps[1:] + rng.normal(0, surv_sd, len(ps) - 1), 0.0, 1.0)  # the start is the axis: 1
    return pt, ps


def round_trip(
    time: ArrayLike, event: ArrayLike, rng: np.random.Generator, *, risk_every: float = 6.0, **digitiser: float | None
) -> tuple[IPDResult, tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Publish a curve and rebuild it: the check of :func:`ipd_from_km` the book and its tests run.

    The Kaplan–Meier curve of ``time, event`` (drawn by lifelines, not by this package), its steps
    digitised by :func:`digitise_km` (``digitiser``: ``n_points``, ``time_sd``, ``surv_sd``) and drawn on
    to the last follow-up, and a risk table every ``risk_every`` months; then rebuilt. Returns
    ``(result, points, risk_table)``: the :class:`IPDResult`, the digitised ``(times, surv)`` and the
    printed ``(risk_times, n_risk)``.

    Examples
    --------
    >>> import numpy as np
    >>> r, _, _ = round_trip([5.0, 8, 12, 20, 30], [1, 0, 1, 1, 0], np.random.default_rng(0))
    >>> len(r.table), int(r.table.event.sum())
    (5, 3)
    """
    from lifelines import KaplanMeierFitter

    t, e = float_array(time, "time", ndim=1), float_array(event, "event", ndim=1)
    if t.shape != e.shape or len(t) == 0 or not np.isfinite(t).all() or (t < 0).any():
        raise ValueError("time must be finite numbers ≥ 0, one per value of event")
    if not np.isin(e, (0, 1)).all():
        raise ValueError("event must be 0 or 1 for every patient")
    risk_every = finite(risk_every, "risk_every", low=0)
    if risk_every <= 0:
        raise ValueError(f"risk_every must be > 0 months, got {risk_every!r}")
    sf = KaplanMeierFitter().fit(t, e).survival_function_.iloc[:, 0]
    steps = sf[sf.diff().fillna(-1) != 0]  # the start and every drop: what a figure shows
    pt, ps = digitise_km(steps.index.to_numpy(), steps.to_numpy(), rng, **digitiser)
    if t.max() > pt[-1]:  # the curve drawn on to the last follow-up
        pt, ps = np.r_[pt, t.max()], np.r_[ps, ps[-1]]
    risk_times = np.arange(0, t.max() + 1e-9, risk_every)
    n_risk = numbers_at_risk(t, risk_times)
    return ipd_from_km(pt, ps, risk_times, n_risk), (pt, ps), (risk_times, n_risk)
