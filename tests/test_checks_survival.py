"""Self-checks of the chapter "Progression-free survival": right passes, wrong gets a hint, junk never raises."""

import pytest

from her2ned.checks import survival as ck


@pytest.mark.parametrize(
    "fn,right,wrong",
    [
        (ck.ex_flat_months, 36, 24),
        (ck.ex_hazard_reduction, 76, 24),
        (ck.ex_entry_argument, "entry", "timeline"),
        (ck.ex_plateau, "cannot tell", "cure"),
    ],
)
def test_right_wrong_and_junk(fn, right, wrong):
    assert fn(right).correct
    fb = fn(wrong)
    assert not fb.correct and fb.message
    assert not fn(None).correct
