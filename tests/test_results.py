"""Every result of ``her2ned`` keeps one contract (``her2ned.results``): a plain, tidy ``summary``; a header
naming the model and what it was computed from, in the text and the HTML view; ``plot`` where a picture fits.

Each result class needs an example below: a new class without one fails ``test_every_result_class_is_checked``.
"""

from __future__ import annotations

import functools
import html
import importlib
import pkgutil

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import her2ned  # noqa: E402
from her2ned.results import Result, Table, table_html  # noqa: E402

for _module in pkgutil.walk_packages(her2ned.__path__, "her2ned."):
    importlib.import_module(_module.name)  # so that every subclass of Result is defined


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@functools.cache
def _cohort():
    from her2ned.datasets import load_csv
    from her2ned.models import add_model_columns

    return add_model_columns(load_csv("reconstructed", "tog2026_cohort.csv"), entry_months=36)


def _cure_fit():
    from her2ned.cure import fit_mixture_cure, simulated_cohort

    return fit_mixture_cure(
        simulated_cohort(cure_fraction=0.3, follow_up_months=120.0, n_selected=200, seed=5), entry=36.0
    )


EXAMPLES = {
    "Table": lambda: Table("a table", pd.DataFrame({"term": ["a"], "estimate": [1.5]}), n=3),
    "RegressionTable": lambda: her2ned.models.logistic_table(_cohort(), "ned", ["ecog0", "ihc3", "grade_le2"]),
    "KaplanMeierTable": lambda: her2ned.models.km_medians(
        _cohort(), "pfs_months", "progressed", "ned", entry="entry_months"
    ),
    "TestTable": lambda: her2ned.models.logrank_test(_cohort(), "pfs_months", "progressed", "ned"),
    "CoxFit": lambda: her2ned.fastcox.cox_binary(
        _cohort().pfs_months.to_numpy(), _cohort().progressed.to_numpy(), _cohort().ned.to_numpy()
    ),
    "WeightedCoxFit": lambda: her2ned.fastcox.cox_binary_weighted(
        stop=[1.0, 2, 3, 4, 5, 6], event=[1, 1, 1, 0, 1, 1], x=[1, 0, 1, 0, 0, 1], weight=[1.0, 2, 1, 1, 1, 1]
    ),
    "TwoProportions": lambda: her2ned.power.compare_proportions(19, 117, 211, 458, labels=("2+/ISH+", "3+")),
    "MedianComparison": lambda: her2ned.power.compare_medians(
        16.0, 13.9, 112, 100, followup_min=0.0, followup_max=49.4
    ),
    "CureFit": _cure_fit,
    "CureTest": lambda: her2ned.cure.cure_versus_no_cure(
        _cohort().pfs_months, _cohort().progressed, entry=36.0, interval=False
    ),
    "FollowUpCheck": lambda: her2ned.cure.follow_up_check(_cohort().pfs_months, _cohort().progressed),
    "FineGrayFit": lambda: her2ned.competing.fine_gray(
        [1.0, 2, 3, 4, 5, 6, 7, 8], [1, 2, 1, 0, 1, 2, 1, 0], np.array([[0.0], [1], [1], [0], [1], [0], [0], [1]])
    ),
    "IPDResult": lambda: her2ned.ipd.ipd_from_km([0, 12, 12, 20], [1, 1, 0.5, 0.5], [0, 12], [10, 6]),
    "MonteCarloResult": lambda: her2ned.bias.monte_carlo(seed=1, n_replicates=2, progress=False),
    "CohortAnalysis": lambda: her2ned.cohort_analysis.analyse_cohort(_cohort()),
    "ExplorerResult": lambda: her2ned.widgets.explorer.explore(seed=1),
}


def test_every_result_class_is_checked():
    classes = {cls.__name__ for cls in _subclasses(Result)}
    assert classes == set(EXAMPLES), f"without an example: {classes - set(EXAMPLES)}; stale: {set(EXAMPLES) - classes}"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_result_contract(name):
    result = EXAMPLES[name]()
    assert type(result).__name__ == name
    summary = result.summary
    # a plain DataFrame holding every number in a column: nothing rides in attrs, which pandas drops
    assert type(summary) is pd.DataFrame and len(summary) > 0 and summary.attrs == {}
    both = pd.concat([summary, summary], ignore_index=True)
    assert type(both) is pd.DataFrame and both.iloc[len(summary) :].reset_index(drop=True).equals(
        summary.reset_index(drop=True)
    )
    # the header: the model in words and what it was computed from, in the text and the HTML view
    assert isinstance(result.model, str) and len(result.model) > 5
    counts = result.counts()
    assert counts, "a result says what it was computed from"
    page = result._repr_html_()
    assert html.escape(result.model) in page and "<table" in page
    for label, value in counts:
        assert f"{html.escape(label)} = {value}" in page
    text = repr(result)
    assert text.startswith(f"<{name}: {result.model}") and all(f"{label} = {value}" in text for label, value in counts)
    if result.n is not None:
        assert isinstance(result.n, (int, np.integer)) and result.n > 0


@pytest.mark.parametrize("name", ["RegressionTable", "KaplanMeierTable"])
def test_results_that_have_a_picture_draw_it(name):
    result = EXAMPLES[name]()
    fig, ax = plt.subplots()
    try:
        assert result.plot(ax=ax) is ax
        assert len(ax.lines) >= 2  # intervals and points, or two curves
        assert result.plot() is not ax  # a new figure when no axes are given
    finally:
        plt.close("all")


def test_cox_result_is_lifelines_own_numbers():
    """The Cox table's CIs and p-values (written once, from coef and se) equal lifelines' summary."""
    fit = her2ned.models.cox_table(_cohort(), "pfs_months", "progressed", ["ned", "tp"], entry="entry_months")
    ref = fit.fitted.summary
    np.testing.assert_allclose(fit.summary.ci_low, ref["exp(coef) lower 95%"], rtol=1e-12)
    np.testing.assert_allclose(fit.summary.ci_high, ref["exp(coef) upper 95%"], rtol=1e-12)
    np.testing.assert_allclose(fit.summary.p_value, ref["p"], rtol=1e-10)
    assert fit.n == len(_cohort()) and fit.events == int(_cohort().progressed.sum())


def test_table_checks_what_it_is_given():
    with pytest.raises(TypeError, match="summary must be a plain pandas DataFrame"):
        Table("x", {"a": [1]})
    with pytest.raises(TypeError, match="model must be a non-empty string"):
        Table("", pd.DataFrame({"a": [1]}))
    with pytest.raises(TypeError, match="table must be a pandas DataFrame"):
        table_html([1, 2])
    with pytest.raises(ValueError, match="digits must be"):
        table_html(pd.DataFrame({"a": [1.0]}), digits=-1)
    assert "0.123" in table_html(pd.DataFrame({"a": [0.12345]}), digits=3)
