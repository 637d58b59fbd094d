import pytest

from her2ned.proportions import wilson_interval


@pytest.mark.parametrize("k, n", [(55, 118), (1, 12), (0, 7), (30, 30), (480, 1000)])
def test_wilson_matches_statsmodels(k, n):
    # Reference: statsmodels.stats.proportion.proportion_confint(method="wilson"), an independent code.
    from statsmodels.stats.proportion import proportion_confint

    assert wilson_interval(k, n) == pytest.approx(proportion_confint(k, n, method="wilson"), abs=1e-12)


def test_wilson_is_within_0_1_at_the_edges():
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0
    assert wilson_interval(0, 10)[1] > 0


@pytest.mark.parametrize(
    "k, n, level, exc, msg",
    [
        (5, 0, 0.95, ValueError, "n must be >= 1"),
        (11, 10, 0.95, ValueError, r"k must lie in \[0, n\]"),
        (-1, 10, 0.95, ValueError, r"k must lie"),
        (5, 10, 1.0, ValueError, "level must lie strictly"),
        (5.0, 10, 0.95, TypeError, "k must be an integer"),
        (5, True, 0.95, TypeError, "n must be an integer"),
    ],
)
def test_bad_input(k, n, level, exc, msg):
    with pytest.raises(exc, match=msg):
        wilson_interval(k, n, level)
