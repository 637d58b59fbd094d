"""Self-checks of the chapter "Can it be cured?": right passes, wrong gets a hint, junk never raises."""

import pytest

from her2ned.checks import cure as ck


@pytest.mark.parametrize(
    "fn,right,wrong",
    [
        (ck.ex_cure_bound, 47.1, 54.1),
        (ck.ex_selected_share, 40, 8),
        (ck.ex_window_events, 3, 5),  # (46, 58] holds the progressions at 52, 55 and 58 months
        (ck.ex_no_plateau, "zero", "cannot be fitted"),
    ],
)
def test_right_wrong_and_junk(fn, right, wrong):
    assert fn(right).correct
    fb = fn(wrong)
    assert not fb.correct and fb.message
    assert not fn(None).correct
    assert not fn(float("nan")).correct
