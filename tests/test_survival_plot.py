"""The Kaplan–Meier figure's numbers-at-risk table: counts checked against lifelines' risk sets."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from lifelines import KaplanMeierFitter  # noqa: E402

from her2ned.plots.survival import numbers_at_risk, plot_km  # noqa: E402


def cohort(seed=3, n=80, entry=36.0):
    rng = np.random.default_rng(seed)
    t = entry + rng.exponential(40, n).round(1)
    return pd.DataFrame(
        {"pfs_months": t, "progressed": rng.integers(0, 2, n), "ned": rng.integers(0, 2, n), "entry_months": entry}
    )


def test_numbers_at_risk_match_lifelines_risk_sets():
    df = cohort()
    kmf = KaplanMeierFitter().fit(df.pfs_months, df.progressed, entry=df.entry_months)
    table = kmf.event_table
    times = table.index[table.index > 36].to_numpy()  # no entry at these times: no tie convention involved
    assert np.array_equal(numbers_at_risk(df.pfs_months, times, df.entry_months), table.loc[times, "at_risk"])
    # before anyone has entered, nobody is at risk; without entry, everyone is at risk at 0
    assert numbers_at_risk(df.pfs_months, [0, 30], df.entry_months).tolist() == [0, 0]
    assert numbers_at_risk(df.pfs_months, [0]).tolist() == [len(df)]


def test_every_km_plot_carries_its_risk_table():
    df = cohort()
    fig, ax = plt.subplots()
    plot_km(df, entry="entry_months", threshold=36, ax=ax)
    ticks = ax.get_xticks()
    texts = [a.get_text() for a in ax.texts if a.get_gid() == "at-risk"]
    assert texts[:3] == ["Number at risk", "NED", *texts[2:3]]
    for g, label in ((1, "NED"), (0, "no NED")):
        sub = df[df.ned == g]
        i = texts.index(label)
        expected = numbers_at_risk(sub.pfs_months, ticks, sub.entry_months)
        assert texts[i + 1 : i + 1 + len(ticks)] == [str(n) for n in expected]
    plt.close(fig)
    fig, ax = plt.subplots()
    plot_km(df, ax=ax, at_risk=False)
    assert not [a for a in ax.texts if a.get_gid() == "at-risk"]
    plt.close(fig)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(duration=[[1, 2]], times=[1]), "1-dimensional"),
        (dict(duration=[1, 2], times=[1], entry=[0]), "entry must have one value per patient"),
    ],
)
def test_numbers_at_risk_refuses_bad_shapes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        numbers_at_risk(**kwargs)


def test_every_kaplan_meier_figure_in_the_book_has_its_risk_table():
    """The chapters draw Kaplan–Meier curves only with plot_km (whose risk table is on by default),
    never switching it off, and never with lifelines' own plot, which would lack it."""
    from pathlib import Path

    chapters = Path(__file__).resolve().parents[1] / "chapters"
    calls = 0
    for md in sorted(chapters.glob("*.md")):
        text = md.read_text(encoding="utf-8")
        calls += text.count("plot_km(")
        assert "at_risk=False" not in text, md.name
        assert ".plot_survival_function(" not in text and "km.plot(" not in text, md.name
    assert calls >= 4
