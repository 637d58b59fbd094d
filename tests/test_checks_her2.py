"""The HER2 chapter's self-checks say right for the right answer and wrong, with a hint, otherwise."""

import pytest

from her2ned.checks import her2 as chk


@pytest.mark.parametrize(
    "fn, right, wrong",
    [
        (chk.ex1_group, [3], [4]),
        (chk.ex1_call, ["positive"], ["negative"]),
        (chk.ex2_category, ["HER2-low"], ["HER2-zero"]),
        (chk.ex3_count, [19], [20]),
        (chk.ex5_calls, ["positive", "negative"], ["positive", "positive"]),
    ],
)
def test_right_and_wrong(fn, right, wrong):
    assert fn(*right).correct
    fb = fn(*wrong)
    assert not fb.correct and fb.message


def test_first_part_of_ex5_checked_first():
    fb = chk.ex5_calls("negative", "negative")
    assert not fb.correct and "group" in fb.message


def test_malformed_answers_get_messages_not_exceptions():
    assert "number" in chk.ex1_group("three").message
    assert "must be one of" in chk.ex1_call("maybe").message
    assert "must be one of" in chk.ex2_category("HER2-moderate").message
    assert not chk.ex3_count(None).correct


def test_event_checks_use_module_values():
    expected = chk.ex4_expected_events()
    assert 140 < expected < 170  # more follow-up than the chapter's [0, 49.4] gives more events
    assert chk.ex4_events(expected).correct
    assert not chk.ex4_events(expected * 1.2).correct
    assert chk.ex4_events_for_80(1591).correct
    assert not chk.ex4_events_for_80(129).correct
