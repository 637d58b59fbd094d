"""Mixture cure models: a share of patients who will never progress, and the rest who will.

A *mixture cure model* (Farewell 1982) writes progression-free survival as

    S(t) = pi + (1 - pi) * S_u(t),

where ``pi`` is the share *cured* (here: never to progress) and ``S_u`` the survival of the uncured, the
*latency*. The cure share is modelled by logistic regression on covariates; the latency by a parametric
model (Weibull, log-normal or log-logistic). Conventions differ between packages: here ``pi`` is the
probability of being **cured** (as ``flexsurvcure``'s theta), whereas R ``smcure`` and lifelines' own
cure example model the uncured share.

Patients who enter a study only after surviving event-free to a time ``a`` (the TOG cohort at 36
months, HER-OS at 24) are *left-truncated*: their likelihood is that of ``S(t | T > a)``. Such a study
never sees the years before ``a``, so the cure share it can estimate is the share cured **among those
event-free at a**, and that is how the model is written here:

    S(t | T > a) = pi_a + (1 - pi_a) * S_u(t) / S_u(a).

(Written with the cure share from time zero instead, the likelihood has a ridge to infinity, a tiny
share cured from the start and a latency that has almost all failed by ``a``, that a truncated study
cannot rule out.) One entry time serves everyone, as in every design in this book.

A cure share is identifiable only where follow-up outlasts the latency: a long plateau after the last
progression, with many progressions shortly before it (:func:`follow_up_check`, the idea of Maller and
Zhou 1996). Without it, the cure share and a long latency tail explain the same data.

Engines: :func:`fit_mixture_cure` fits with lifelines (``ParametricRegressionFitter``); the same
likelihood, without covariates, is maximised directly by :func:`cure_versus_no_cure`, which simulations
call thousands of times. Both are tested against each other and against base R's ``optim``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import autograd.numpy as anp
import numpy as np
import pandas as pd
from autograd import grad, hessian
from autograd.extend import defvjp, primitive
from scipy.special import log_ndtr
from numpy.typing import ArrayLike

from ._arguments import count, finite, flag, float_array, rng_from_seed, sequence, string
from .models.fast import km_curve
from .results import Result

if TYPE_CHECKING:  # the simulator is imported by the functions that draw cohorts
    from .simulate import SimulationParams

__all__ = [
    "LATENCIES",
    "fit_mixture_cure",
    "CureFit",
    "cure_versus_no_cure",
    "CureTest",
    "follow_up_check",
    "FollowUpCheck",
    "share_cured_at_entry",
    "simulated_cohort",
    "cure_detection",
    "summarise_detection",
]

#: Latency models and the names of their two parameters (both on the log-time scale).
LATENCIES = {
    "weibull": ("log_scale", "log_shape"),
    "lognormal": ("mu", "log_sigma"),
    "loglogistic": ("log_scale", "log_shape"),
}


_LOG_SQRT_2PI = math.log(math.sqrt(2.0 * math.pi))  # as scipy.stats writes it


# The standard normal's log density and log CDF as autograd primitives on the formulas scipy.stats uses
# (its norm.logpdf, and log_ndtr for norm.logcdf), with autograd's own derivatives: the same numbers as
# autograd.scipy.stats.norm, without the scipy.stats wrapper that took most of a log-normal fit's time.
@primitive
def _norm_logpdf(z):
    return -(z**2) / 2.0 - _LOG_SQRT_2PI


_norm_logcdf = primitive(log_ndtr)
defvjp(_norm_logpdf, lambda ans, z: lambda g: -g * z)
defvjp(_norm_logcdf, lambda ans, z: lambda g: g * anp.exp(_norm_logpdf(z) - _norm_logcdf(z)))


def _latency_log_s_and_f(latency: str, a, b, t):
    """log S_u(t) and log f_u(t) of the latency model with parameters ``a, b`` (see LATENCIES)."""
    log_t = anp.log(t)
    if latency == "weibull":  # S = exp(-(t / scale)^shape)
        shape = anp.exp(b)
        z = anp.exp(shape * (log_t - a))
        return -z, b - a + (shape - 1.0) * (log_t - a) - z
    if latency == "lognormal":  # S = 1 - Phi((log t - mu) / sigma)
        z = (log_t - a) / anp.exp(b)
        return _norm_logcdf(-z), _norm_logpdf(z) - b - log_t
    # log-logistic: S = 1 / (1 + (t / scale)^shape)
    shape = anp.exp(b)
    u = shape * (log_t - a)
    soft = anp.logaddexp(0.0, u)
    return -soft, b - a + (shape - 1.0) * (log_t - a) - 2.0 * soft


def _log_s(latency, logit_cure, a, b, t, entry):
    """log S(t | T > entry) = log(pi + (1 - pi) S_u(t) / S_u(entry)), computed without underflow.

    ``pi`` is the cure share among patients still event-free at ``entry``.
    """
    log_pi = -anp.logaddexp(0.0, -logit_cure)
    log_1m_pi = -anp.logaddexp(0.0, logit_cure)
    return anp.logaddexp(log_pi, log_1m_pi + _conditional(latency, a, b, t, entry)[0])


def _conditional(latency, a, b, t, entry):
    """log S_u(t) - log S_u(entry) and log f_u(t) - log S_u(entry): the latency among those at entry."""
    log_su, log_fu = _latency_log_s_and_f(latency, a, b, t)
    if entry > 0:
        log_su_entry = _latency_log_s_and_f(latency, a, b, np.full(np.shape(t), entry))[0]
        return log_su - log_su_entry, log_fu - log_su_entry
    return log_su, log_fu


def _log_likelihood(latency, logit_cure, a, b, t, d, entry, cure: bool):
    """Summed log-likelihood of patients followed from ``entry``; ``cure=False`` is the latency alone."""
    log_su, log_fu = _conditional(latency, a, b, t, entry)
    if cure:
        log_s = _log_s(latency, logit_cure, a, b, t, entry)
        log_f = -anp.logaddexp(0.0, logit_cure) + log_fu
    else:
        log_s, log_f = log_su, log_fu
    return anp.sum(d * log_f + (1.0 - d) * log_s)


def _check_latency(latency) -> str:
    latency = string(latency, "latency")
    if latency not in LATENCIES:
        raise ValueError(f"latency must be one of {sorted(LATENCIES)}, got {latency!r}")
    return latency


def _survival_data(durations, events, entry):
    t = float_array(durations, "durations", ndim=1)
    d = float_array(events, "events", ndim=1)
    if len(t) < 3 or len(d) != len(t):
        raise ValueError(f"durations and events must be the same length, at least 3; got {len(t)} and {len(d)}")
    if not np.isfinite(t).all() or (t <= 0).any():
        raise ValueError("durations must be finite numbers > 0")
    if not np.isin(d, (0.0, 1.0)).all():
        raise ValueError("events must be 0 (censored) or 1 (progressed)")
    if d.sum() < 2:
        raise ValueError(f"a cure model needs at least 2 events, got {int(d.sum())}")
    e = 0.0 if entry is None else finite(entry, "entry", low=0.0)
    if (t < e).any():
        raise ValueError(f"every duration must be at least the entry time {e:g}: patients enter event-free")
    return t, d, e


def _start(t, d, latency):
    """A starting point: cure share 10 %, latency centred on the median event time."""
    med = float(np.log(np.median(t[d == 1])))
    return np.array([math.log(0.1 / 0.9), med, 0.0 if latency != "lognormal" else math.log(0.5)])


@dataclass(eq=False, repr=False)
class CureTest(Result):
    """A cure model against the same latency model without cure (intercepts only).

    ``lr`` is twice the log-likelihood gain; under "no one is cured" the share lies on the edge of its
    range, so ``p_value`` is half the chi-square(1) tail (Self and Liang 1987). The interval is the
    profile-likelihood interval of the cure share, which, unlike a Wald interval, stays valid when the
    estimate is at or near 0 (NaN when not computed, or when the cure fit did not converge).
    ``params`` are (logit of the cure share, latency a, latency b), the logit ``-inf`` when the best fit
    has no one cured; ``converged`` refers to the cure fit (the model without cure may run to the edge
    of its parameters, a heavy tail, whose log-likelihood is then the supremum the test uses).
    """

    latency: str
    cure_share: float
    cure_low: float
    cure_high: float
    params: np.ndarray
    params_no_cure: np.ndarray
    log_likelihood: float
    log_likelihood_no_cure: float
    lr: float
    p_value: float
    converged: bool
    n: int
    events: int

    @property
    def model(self) -> str:
        return f"likelihood-ratio test of a cure share, {self.latency} latency (half chi-square, Self & Liang 1987)"

    @property
    def summary(self) -> pd.DataFrame:
        """One row: the cure share and its profile interval, the likelihood ratio, p, converged."""
        return pd.DataFrame(
            {
                "cure_share": [self.cure_share],
                "cure_low": [self.cure_low],
                "cure_high": [self.cure_high],
                "lr": [self.lr],
                "p_value": [self.p_value],
                "converged": [self.converged],
            }
        )


def _maximise(nll, x0, polish: bool = True):
    """Minimise ``nll`` by BFGS (finite-difference gradient: numpy speed), then polish by Newton steps
    with exact derivatives so the optimum is accurate to the precision the tests compare."""
    from scipy.optimize import minimize

    res = minimize(nll, x0, method="BFGS", options={"gtol": 1e-6, "maxiter": 500})
    if not polish:
        return res.x, float(res.fun), bool(res.success)
    x, g, h = res.x, grad(nll), hessian(nll)
    for _ in range(6):
        gx = g(x)
        if not np.isfinite(gx).all() or np.max(np.abs(gx)) < 1e-9:
            break
        try:
            step = np.linalg.solve(h(x), gx)
        except np.linalg.LinAlgError:
            break
        if not np.isfinite(nll(x - step)) or nll(x - step) > nll(x) + 1e-12:
            break
        x = x - step
    return x, float(nll(x)), bool(np.isfinite(nll(x)) and np.max(np.abs(g(x))) < 1e-5)


#: A logit of the cure share below this is "no one cured" (a share under 2e-9).
_BOUNDARY_LOGIT = -20.0


def cure_versus_no_cure(
    durations: ArrayLike,
    events: ArrayLike,
    *,
    entry: float | None = None,
    latency: str = "weibull",
    level: float = 0.95,
    interval: bool = True,
) -> CureTest:
    """Fit the intercept-only cure model and the no-cure model; test "no one is cured".

    The same likelihood as :func:`fit_mixture_cure` without covariates, maximised directly, fast
    enough to repeat over thousands of simulated cohorts.

    Parameters
    ----------
    durations, events : array-like
        Time from the time origin (months) and 1 = progressed, 0 = censored.
    entry : float, optional
        The time (months) at which everyone entered event-free (e.g. 36 for a cohort selected at 36
        months); the cure share is then the share cured among those event-free at ``entry``.
    latency : {"weibull", "lognormal", "loglogistic"}
    level : float
        Confidence level of the cure share's profile-likelihood interval.
    interval : bool
        Compute the interval. ``False`` is the quick test for simulations: no interval, and no final
        Newton polish (the optimum to about 1e-6 instead of 1e-9).

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> tog = load_csv("reconstructed", "tog2026_cohort.csv")
    >>> test = cure_versus_no_cure(tog["pfs_months"], tog["progressed"], entry=36.0)
    >>> bool(test.cure_low <= test.cure_share <= test.cure_high and 0 <= test.p_value <= 0.5)
    True
    """
    latency = _check_latency(latency)
    level = finite(level, "level")
    if not 0.5 <= level < 1:
        raise ValueError(f"level must be in [0.5, 1), got {level}")
    interval = flag(interval, "interval")
    t, d, e = _survival_data(durations, events, entry)

    def nll_cure(x):
        return -_log_likelihood(latency, x[0], x[1], x[2], t, d, e, True)

    def nll_at(logit):
        return lambda x: -_log_likelihood(latency, logit, x[0], x[1], t, d, e, True)

    def nll_plain(x):
        return -_log_likelihood(latency, 0.0, x[0], x[1], t, d, e, False)

    from scipy.stats import chi2

    x0 = _start(t, d, latency)
    with np.errstate(all="ignore"):
        plain_x, plain_nll, plain_ok = _maximise(nll_plain, x0[1:], polish=interval)
        # start the cure fit from the no-cure fit and from a guess; keep the better
        fits = [_maximise(nll_cure, np.r_[x0[0], plain_x], polish=interval), _maximise(nll_cure, x0, polish=interval)]
        x, best, ok = min(fits, key=lambda f: f[1] if np.isfinite(f[1]) else np.inf)
        if best > plain_nll or x[0] < _BOUNDARY_LOGIT:  # the optimum is at "no one cured"
            x, best, ok = np.r_[-np.inf, plain_x], plain_nll, plain_ok
        lr = max(0.0, 2.0 * (plain_nll - best))
        low = high = float("nan")
        if interval and ok:
            low, high = _profile_interval(nll_at, x, best, chi2.ppf(level, 1), plain_nll)
    return CureTest(
        latency=latency,
        cure_share=_expit(x[0]),
        cure_low=low,
        cure_high=high,
        params=x,
        params_no_cure=plain_x,
        log_likelihood=-best,
        log_likelihood_no_cure=-plain_nll,
        lr=lr,
        p_value=0.5 * float(chi2.sf(lr, 1)),
        converged=ok,
        n=len(t),
        events=int(d.sum()),
    )


def _profile_interval(nll_at, x, best, crit, plain_nll):
    """The cure shares whose profile deviance is within ``crit`` of the best (root search in logit)."""
    from scipy.optimize import brentq

    latent = x[1:]

    def excess(logit):
        return 2.0 * (_maximise(nll_at(logit), latent, polish=False)[1] - best) - crit

    centre = x[0] if np.isfinite(x[0]) else _BOUNDARY_LOGIT
    # lower end: 0 if even "no one cured" lies inside the interval
    low = 0.0 if 2.0 * (plain_nll - best) <= crit else _expit(brentq(excess, _BOUNDARY_LOGIT, centre, xtol=1e-8))
    top = centre + 1.0
    while excess(top) < 0 and top < 20:
        top += 2.0
    high = _expit(brentq(excess, centre, top, xtol=1e-8)) if excess(top) > 0 else 1.0
    return low, high


def _expit(x) -> float:
    if x == -np.inf:
        return 0.0
    return float(1.0 / (1.0 + math.exp(-x))) if x >= 0 else float(math.exp(x) / (1.0 + math.exp(x)))


def _normal_quantile(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2.0))


_LIFELINES_NAMES = ("cure_logit_", "latency_a_", "latency_b_")


def _lifelines_fitter(latency: str, entry: float):
    """A lifelines ParametricRegressionFitter whose cumulative hazard is -log S(t | T > entry)."""
    from lifelines.fitters import ParametricRegressionFitter

    class MixtureCureFitter(ParametricRegressionFitter):
        # Names in sorted order: lifelines (0.30) flattens parameter dicts by sorted key when it computes
        # the Hessian but labels the variance matrix in this list's order, so any other order mislabels
        # the standard errors (found by the R agreement test).
        _fitted_parameter_names = list(_LIFELINES_NAMES)

        def _cumulative_hazard(self, params, T, Xs):
            logit = anp.dot(Xs["cure_logit_"], params["cure_logit_"])
            a = anp.dot(Xs["latency_a_"], params["latency_a_"])
            b = anp.dot(Xs["latency_b_"], params["latency_b_"])
            return -_log_s(latency, logit, a, b, T, entry)

    return MixtureCureFitter


@dataclass(repr=False, eq=False)
class CureFit(Result):
    """A fitted mixture cure model (lifelines engine).

    ``summary`` has one row per parameter (``logit_cure`` rows are log odds of being cured), with
    estimate, standard error and Wald interval; ``odds_ratios`` the cure odds ratios of the covariates.
    """

    latency: str
    entry: float
    summary: pd.DataFrame
    covariance: pd.DataFrame
    cure_covariates: list
    n: int
    events: int
    log_likelihood: float
    level: float
    data: pd.DataFrame
    fitter: object

    notes = ("logit_cure rows are log odds of being cured.",)

    @property
    def model(self) -> str:
        return f"mixture cure model, {self.latency} latency, at risk from {self.entry:g} months"

    def counts(self) -> list[tuple[str, object]]:
        return [*super().counts(), ("log-likelihood", f"{self.log_likelihood:.2f}")]

    def _linear_predictor(self, covariates):
        covariates = {} if covariates is None else covariates
        if not isinstance(covariates, dict):
            raise TypeError(f"covariates must be a dict of covariate values, got {type(covariates).__name__}")
        unknown = set(covariates) - set(self.cure_covariates)
        missing = set(self.cure_covariates) - set(covariates)
        if unknown or missing:
            raise ValueError(
                f"covariates must give exactly {self.cure_covariates}; "
                f"unknown {sorted(unknown)}, missing {sorted(missing)}"
            )
        x = np.array([1.0] + [finite(covariates[c], c) for c in self.cure_covariates])
        rows = [("logit_cure", n) for n in ["Intercept"] + self.cure_covariates]
        beta = self.summary.loc[rows, "estimate"].to_numpy()
        cov = self.covariance.loc[rows, rows].to_numpy()
        return float(x @ beta), float(np.sqrt(x @ cov @ x))

    def cure_share(self, covariates: dict | None = None) -> pd.Series:
        """The cure share among those event-free at entry, for one covariate profile, with its Wald
        interval on the logit scale (delta method).

        ``covariates`` maps each cure covariate to its value; it may be omitted when there are none.
        """
        eta, se = self._linear_predictor(covariates)
        z = _normal_quantile(self.level)
        return pd.Series({"cure_share": _expit(eta), "lower": _expit(eta - z * se), "upper": _expit(eta + z * se)})

    def survival(self, times, covariates: dict | None = None) -> np.ndarray:
        """Model progression-free survival S(t | T > entry) for one covariate profile."""
        times = float_array(times, "times", ndim=1)
        if not np.isfinite(times).all() or (times < self.entry).any() or (times <= 0).any():
            raise ValueError(f"times must be finite numbers ≥ the entry time {self.entry:g} and > 0")
        eta = self._linear_predictor(covariates)[0]
        a_name, b_name = LATENCIES[self.latency]
        a = float(self.summary.loc[(a_name, "Intercept"), "estimate"])
        b = float(self.summary.loc[(b_name, "Intercept"), "estimate"])
        return np.exp(_log_s(self.latency, eta, a, b, times, self.entry))

    @property
    def odds_ratios(self) -> pd.DataFrame:
        s = self.summary.loc["logit_cure"].drop(index="Intercept")
        return np.exp(s[["estimate", "lower", "upper"]]).rename(columns={"estimate": "odds_ratio"})


def fit_mixture_cure(
    data: pd.DataFrame,
    duration_col: str = "pfs_months",
    event_col: str = "progressed",
    *,
    entry: float | None = None,
    cure_covariates: Sequence[str] = (),
    latency: str = "weibull",
    level: float = 0.95,
) -> CureFit:
    """Fit a mixture cure model with lifelines: logistic cure share, parametric latency.

    Parameters
    ----------
    data : pandas.DataFrame
    duration_col, event_col : str
        Time from the time origin (months) and 1 = progressed, 0 = censored.
    entry : float, optional
        The time (months) at which everyone entered event-free (left truncation, e.g. 36.0); the cure
        share is then the share cured among those event-free at ``entry``.
    cure_covariates : sequence of str
        Numeric columns in the logistic model of the cure share.
    latency : {"weibull", "lognormal", "loglogistic"}
    level : float
        Confidence level of the Wald intervals.

    Returns
    -------
    CureFit

    Examples
    --------
    >>> df = simulated_cohort(cure_fraction=0.3, follow_up_months=120, n_selected=300, seed=5)
    >>> fit = fit_mixture_cure(df, entry=36.0, cure_covariates=["ned"])
    >>> fit.summary.index.get_level_values(0).unique().tolist()
    ['logit_cure', 'log_scale', 'log_shape']
    >>> bool(0 < fit.cure_share({"ned": 1})["cure_share"] < 1)
    True
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    latency = _check_latency(latency)
    level = finite(level, "level")
    if not 0.5 <= level < 1:
        raise ValueError(f"level must be in [0.5, 1), got {level}")
    covs = [string(c, "cure_covariates") for c in sequence(cure_covariates, "cure_covariates")]
    named = [("duration_col", duration_col), ("event_col", event_col)] + [("cure_covariates", c) for c in covs]
    for name, col in named:
        if not isinstance(col, str) or col not in data.columns:
            raise ValueError(f"{name}: column {col!r} is not in data (columns: {list(data.columns)})")
    for c in covs:
        if not c.isidentifier() or c in ("T", "E"):
            raise ValueError(f"cure covariate names must be Python identifiers other than T and E, got {c!r}")
    t, d, e = _survival_data(data[duration_col], data[event_col], entry)
    frame = pd.DataFrame({"T": t, "E": d})
    for c in covs:
        x = float_array(data[c], c, ndim=1)
        if not np.isfinite(x).all():
            raise ValueError(f"cure covariate {c!r} has missing or infinite values")
        if np.ptp(x) == 0:
            raise ValueError(f"cure covariate {c!r} is constant: its odds ratio cannot be estimated")
        frame[c] = x

    regressors = {"cure_logit_": "1" + "".join(f" + {c}" for c in covs), "latency_a_": "1", "latency_b_": "1"}
    # The likelihood has a ridge towards a latency with a vanishing shape (a power-law tail that mimics a
    # plateau), and lifelines' BFGS can follow it from a rough guess; start from the intercept-only fit.
    base = cure_versus_no_cure(t, d, entry=e, latency=latency, interval=False)  # lifelines polishes
    if not np.isfinite(base.params[0]):
        raise ValueError(
            "the cure share's estimate is 0 (no plateau in these data), where a cure model "
            "with covariates is not identified; cure_versus_no_cure gives the test and the "
            "profile interval"
        )
    start = base.params
    fitter = _lifelines_fitter(latency, e)()
    x0 = {"cure_logit_": np.r_[start[0], np.zeros(len(covs))], "latency_a_": start[1:2], "latency_b_": start[2:]}
    import warnings

    from lifelines.exceptions import ConvergenceError

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        # the cumulative hazard is already conditional on T > entry, so no entry_col is needed; lifelines
        # minimises the mean log-likelihood, whose gradient BFGS cannot always bring under 1e-8
        for gtol in (1e-8, 1e-7, 1e-6):
            try:
                fitter.fit(
                    frame,
                    "T",
                    "E",
                    regressors=regressors,
                    initial_point=x0,
                    fit_options={"gtol": gtol, "maxiter": 1000},
                )
                break
            except ConvergenceError:
                continue
        else:
            raise ValueError(
                "the cure model did not converge: a covariate may separate the cured from the "
                "uncured, or there are too few events"
            )
    z = _normal_quantile(level)
    params = fitter.params_
    se = fitter.standard_errors_.loc[params.index]
    label = dict(zip(_LIFELINES_NAMES, ("logit_cure", *LATENCIES[latency])))
    index = pd.MultiIndex.from_tuples([(label[p], c) for p, c in params.index], names=["parameter", "term"])
    summary = pd.DataFrame(
        {
            "estimate": params.to_numpy(),
            "se": se.to_numpy(),
            "lower": params.to_numpy() - z * se.to_numpy(),
            "upper": params.to_numpy() + z * se.to_numpy(),
        },
        index=index,
    )
    cov = pd.DataFrame(fitter.variance_matrix_.to_numpy(), index=index, columns=index)
    return CureFit(
        latency=latency,
        entry=e,
        summary=summary,
        covariance=cov,
        cure_covariates=covs,
        n=len(t),
        events=int(d.sum()),
        log_likelihood=float(fitter.log_likelihood_),
        level=level,
        data=frame,
        fitter=fitter,
    )


@dataclass(eq=False, repr=False)
class FollowUpCheck(Result):
    """Is follow-up long enough to show a plateau? (after Maller and Zhou 1996)

    ``plateau_months`` is the time from the last progression to the last follow-up; ``window_events`` the
    progressions in the window of the same length just before the last progression. Many progressions in
    that window and none after it suggest the curve has levelled off; ``q`` = (1 - window_events / n)^n is
    Maller and Zhou's statistic, small (e.g. < 0.05) when follow-up looks sufficient.
    """

    n: int
    last_event_months: float
    last_follow_up_months: float
    plateau_months: float
    window_events: int
    q: float
    events: int

    model = "is follow-up long enough to show a plateau? (Maller & Zhou 1996)"

    @property
    def sufficient(self) -> bool:
        return self.q < 0.05

    @property
    def summary(self) -> pd.DataFrame:
        """One row: the last progression and follow-up, the plateau, the window's events, q, sufficient."""
        return pd.DataFrame(
            {
                "last_event_months": [self.last_event_months],
                "last_follow_up_months": [self.last_follow_up_months],
                "plateau_months": [self.plateau_months],
                "window_events": [self.window_events],
                "q": [self.q],
                "sufficient": [self.sufficient],
            }
        )


def follow_up_check(durations: ArrayLike, events: ArrayLike) -> FollowUpCheck:
    """The length of the plateau after the last progression, and Maller and Zhou's q.

    Examples
    --------
    >>> follow_up_check([10, 20, 30, 40, 100, 110], [1, 1, 1, 1, 0, 0]).plateau_months
    70.0
    """
    t, d, _ = _survival_data(durations, events, None)
    last_event = float(t[d == 1].max())
    last = float(t.max())
    window = int(((t > 2 * last_event - last) & (t <= last_event) & (d == 1)).sum())
    n = len(t)
    return FollowUpCheck(
        n=n,
        last_event_months=last_event,
        last_follow_up_months=last,
        plateau_months=last - last_event,
        window_events=window,
        q=(1 - window / n) ** n,
        events=int(d.sum()),
    )


def _world(params, cure_fraction, follow_up_months):
    from .simulate import SimulationParams

    p = SimulationParams() if params is None else params
    if not isinstance(p, SimulationParams):
        raise TypeError(f"params must be a SimulationParams or None, got {type(p).__name__}")
    return p.replace(
        cure_fraction=finite(cure_fraction, "cure_fraction"),
        followup_after_accrual_months=finite(follow_up_months, "follow_up_months", low=0.0),
    )


def share_cured_at_entry(
    params: SimulationParams | None = None,
    *,
    cure_fraction: float,
    follow_up_months: float = 60.0,
    n: int = 400_000,
    seed: int = 0,
) -> float:
    """The true share cured among patients progression-free at the simulator's threshold: the target
    that :func:`cure_versus_no_cure` estimates in cohorts drawn by :func:`simulated_cohort`.

    The cured all pass the selection, so the share is the cure fraction divided by the chance of being
    progression-free at the threshold, S(threshold), estimated by Kaplan–Meier from ``n`` simulated
    patients (censoring in the simulator is independent of progression, so the selected are a random
    sample of those progression-free at the threshold).

    Examples
    --------
    >>> share_cured_at_entry(cure_fraction=0.0)
    0.0
    """
    from .simulate import simulate_arrays

    world = _world(params, cure_fraction, follow_up_months)
    a = simulate_arrays(world, rng_from_seed(seed), n=count(n, "n", low=1000, high=10_000_000))
    times, surv = km_curve(a["pfs_months"], a["progressed"])
    passed = float(surv[np.searchsorted(times, world.threshold_months, side="right") - 1])
    return float(min(1.0, world.cure_fraction / passed))


def simulated_cohort(
    params: SimulationParams | None = None,
    *,
    cure_fraction: float,
    follow_up_months: float,
    n_selected: int = 118,
    seed: int | np.random.Generator,
) -> pd.DataFrame:
    """One synthetic selected cohort (progression-free at the simulator's threshold) as a table.

    ``cure_fraction`` is the share of the whole first-line population who never progress;
    ``follow_up_months`` the follow-up after the last patient starts. Columns: ``pfs_months,
    progressed, ned, ecog``.

    Examples
    --------
    >>> len(simulated_cohort(cure_fraction=0.0, follow_up_months=60, seed=1))
    118
    """
    from .simulate import simulate_cohort_arrays

    world = _world(params, cure_fraction, follow_up_months)
    a = simulate_cohort_arrays(world, rng_from_seed(seed), count(n_selected, "n_selected", low=3, high=100_000))
    frame = pd.DataFrame(
        {
            "pfs_months": a["pfs_months"],
            "progressed": a["progressed"].astype(int),
            "ned": a["ned"].astype(int),
            "ecog": a["ecog"].astype(int),
        }
    )
    frame.attrs["synthetic"] = True
    return frame


def cure_detection(
    params: SimulationParams | None = None,
    *,
    cure_fractions: Sequence[float] = (0.0,),
    follow_up_months: Sequence[float] = (60.0,),
    latencies: Sequence[str] = ("weibull",),
    n_selected: int = 118,
    replicates: int = 50,
    seed: int | np.random.Generator,
    alpha: float = 0.05,
    progress: bool = True,
) -> pd.DataFrame:
    """How often a study of ``n_selected`` selected patients "finds" a cure share, by design.

    For each true cure fraction (of the whole first-line population), follow-up after accrual and latency
    model fitted, draws ``replicates`` cohorts from the simulator (selected at its threshold and entered
    there) and tests "no one is cured" with :func:`cure_versus_no_cure`. Returns one row per replicate
    and latency: the setting, the estimated cure share, the p-value, ``found`` (p < alpha), the events
    and the follow-up check. :func:`summarise_detection` condenses it.

    Examples
    --------
    >>> rows = cure_detection(replicates=2, seed=1, progress=False)
    >>> list(rows.columns[:4])
    ['cure_fraction', 'follow_up_months', 'latency', 'replicate']
    """
    from tqdm.auto import tqdm

    from .simulate import simulate_cohort_arrays

    fractions = [finite(c, "cure_fractions", low=0.0) for c in _listed(cure_fractions, "cure_fractions")]
    if max(fractions) >= 1:
        raise ValueError(f"cure_fractions must be shares in [0, 1), got {max(fractions)}")
    follow = [finite(f, "follow_up_months", low=0.0) for f in _listed(follow_up_months, "follow_up_months")]
    worlds = [_world(params, c, f) for c in fractions for f in follow]
    fitted = [_check_latency(x) for x in _listed(latencies, "latencies")]
    n_selected = count(n_selected, "n_selected", low=10, high=10_000)
    replicates = count(replicates, "replicates", high=10_000)
    alpha = finite(alpha, "alpha")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    progress = flag(progress, "progress")
    rng = rng_from_seed(seed)
    rows = []
    with tqdm(total=len(worlds) * replicates, desc="simulated cohorts", disable=not progress) as bar:
        for world in worlds:
            for r in range(replicates):
                a = simulate_cohort_arrays(world, rng, n_selected)
                t, d = a["pfs_months"], a["progressed"]
                for lat in fitted:
                    row = {
                        "cure_fraction": world.cure_fraction,
                        "follow_up_months": world.followup_after_accrual_months,
                        "latency": lat,
                        "replicate": r,
                        "events": int(d.sum()),
                    }
                    if d.sum() < 2:  # nothing to fit: no study would claim a cure from this
                        rows.append(row | {"found": False, "converged": False})
                        continue
                    test = cure_versus_no_cure(t, d, entry=world.threshold_months, latency=lat, interval=False)
                    check = follow_up_check(t, d)
                    rows.append(
                        row
                        | {
                            "cure_share": test.cure_share,
                            "p_value": test.p_value,
                            "latency_b": float(test.params[2]),
                            "found": test.p_value < alpha,
                            "converged": test.converged,
                            "plateau_months": check.plateau_months,
                            "sufficient": check.sufficient,
                        }
                    )
                bar.update(1)
    return pd.DataFrame(rows)


def summarise_detection(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per setting of :func:`cure_detection`: the share of studies that found a cure share,
    the median estimate, the median number of events and the share whose follow-up looked sufficient.

    Examples
    --------
    >>> summarise_detection(cure_detection(replicates=2, seed=1, progress=False))["found"].between(0, 1).all()
    np.True_
    """
    if not isinstance(rows, pd.DataFrame):
        raise TypeError(f"rows must be the DataFrame from cure_detection, got {type(rows).__name__}")
    need = {"cure_fraction", "follow_up_months", "latency", "found", "cure_share", "events", "sufficient"}
    if not need <= set(rows.columns):
        raise ValueError(f"rows must come from cure_detection; missing columns {sorted(need - set(rows.columns))}")
    out = rows.groupby(["cure_fraction", "follow_up_months", "latency"], sort=False).agg(
        studies=("found", "size"),
        found=("found", "mean"),
        median_cure_share=("cure_share", "median"),
        median_events=("events", "median"),
        sufficient_follow_up=("sufficient", "mean"),
    )
    return out.reset_index()


def _listed(value, name):
    from ._arguments import sequence

    v = sequence(value, name)
    if not v:
        raise ValueError(f"{name} must not be empty")
    return v
