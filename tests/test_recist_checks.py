"""Exercise self-checks of the RECIST chapter: right answers pass, wrong and malformed ones get a hint."""

from __future__ import annotations

import pytest

from her2ned.checks import recist as chk

RIGHT = [
    (chk.ex1_change, -37.5),
    (chk.ex1_response, "PD"),
    (chk.ex2_overall, "PR"),
    (chk.ex2_ned, "no"),
    (chk.ex2_ned, False),
    (chk.ex3_pd_threshold, 27),
    (chk.ex4_false_alarm, 0.369),
    (chk.ex5_local_therapy, "NED with local therapy"),
]
WRONG = [
    (chk.ex1_change, 37.5),
    (chk.ex1_response, "PR"),
    (chk.ex2_overall, "CR"),
    (chk.ex2_ned, "yes"),
    (chk.ex3_pd_threshold, 26.4),
    (chk.ex4_false_alarm, 0.63),
    (chk.ex5_local_therapy, "NED with systemic therapy alone"),
]


@pytest.mark.parametrize("fn, answer", RIGHT)
def test_right_answers(fn, answer):
    fb = fn(answer)
    assert fb.correct, fb.message


@pytest.mark.parametrize("fn, answer", WRONG)
def test_wrong_answers_get_a_hint(fn, answer):
    fb = fn(answer)
    assert not fb.correct and len(fb.message) > 20


@pytest.mark.parametrize("fn", [f for f, _ in RIGHT])
@pytest.mark.parametrize("junk", [None, "banana", float("nan"), [1, 2]])
def test_malformed_answers_never_raise(fn, junk):
    assert not fn(junk).correct
