"""Self-checks of the chapter "Who reaches NED": right answers pass, wrong ones get a hint, junk never raises."""

import pytest

from her2ned.checks import logistic as ck


@pytest.mark.parametrize(
    "fn,right,wrong",
    [
        (ck.ex_flip_reference, 4.0, 0.25),
        (ck.ex_events_per_variable, 11.0, 18.33),  # 55 / 5 covariates; 55 / 3 forgets two of them
        (ck.ex_ci_lower, 1.12, 0.9),
        (ck.ex_firth_direction, "Towards 1", "away from 1"),
    ],
)
def test_right_wrong_and_junk(fn, right, wrong):
    assert fn(right).correct
    fb = fn(wrong)
    assert not fb.correct and fb.message
    junk = fn("not a number" if not isinstance(right, str) else "sideways")
    assert not junk.correct
