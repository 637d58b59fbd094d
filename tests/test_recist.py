"""RECIST 1.1 rules engine: the overall-response table row by row, the boundaries, the errors.

Expected values are read off the RECIST 1.1 guideline (Eisenhauer 2009, s.4.3 and Tables 1-2)
and, for a lesion reappearing after a complete response,
from the RECIST Working Group's clarification (Schwartz et al., Eur J Cancer 2016;62:132-137); they
are not produced by this code.
"""

from __future__ import annotations

import pytest

from her2ned.recist import (
    OVERALL_TABLE,
    TOO_SMALL,
    NonTargetLesion,
    Patient,
    TargetLesion,
    assess,
    best_overall_response,
    check_baseline,
    overall_response,
    radiologic_ned,
    target_response,
)

W3 = [0, 8, 16]


def liver(ms, name="liver 1", **kw):
    return TargetLesion(name, "liver", ms, **kw)


def node(ms, name="node 1", **kw):
    return TargetLesion(name, "lymph node", ms, nodal=True, **kw)


def bone(st, name="bone 1"):
    return NonTargetLesion(name, "bone", st)


def last(patient):
    """Overall response and the rule at the last visit."""
    row = assess(patient).table.iloc[-1]
    return row["overall"], row["overall_rule"]


# One patient per row of the overall-response tables. (row, patient, expected overall at visit 1)
CASES = [
    ("T1", Patient([0, 8], [liver([20, 0])], [bone(["present", "absent"])]), "CR"),
    ("T1", Patient([0, 8], [liver([20, 0])]), "CR"),  # no non-target lesions at all
    ("T2", Patient([0, 8], [liver([20, 0])], [bone(["present", "present"])]), "PR"),
    ("T3", Patient([0, 8], [liver([20, 0])], [bone(["present", None])]), "PR"),
    ("T4", Patient([0, 8], [liver([20, 10])], [bone(["present", "present"])]), "PR"),
    ("T4", Patient([0, 8], [liver([20, 10])], [bone(["present", None])]), "PR"),
    ("T5", Patient([0, 8], [liver([20, 19])], [bone(["present", "present"])]), "SD"),
    ("T5", Patient([0, 8], [liver([20, 19])], [bone(["present", None])]), "SD"),
    ("T6", Patient([0, 8], [liver([20, None])], [bone(["present", "present"])]), "NE"),
    ("T6", Patient([0, 8], [liver([20, None])], [bone(["present", "absent"])]), "NE"),
    ("T6", Patient([0, 8], [liver([20, None])], [bone(["present", None])]), "NE"),
    ("T7", Patient([0, 8], [liver([20, 30])], [bone(["present", "absent"])]), "PD"),
    ("T8", Patient([0, 8], [liver([20, 0])], [bone(["present", "progression"])]), "PD"),
    ("T8", Patient([0, 8], [liver([20, None])], [bone(["present", "progression"])]), "PD"),
    ("T9", Patient([0, 8], [liver([20, 0])], [bone(["present", "absent"])], [False, True]), "PD"),
    ("T9", Patient([0, 8], [liver([20, None])], [bone(["present", None])], [False, True]), "PD"),
    ("N1", Patient([0, 8], non_targets=[bone(["present", "absent"])]), "CR"),
    ("N2", Patient([0, 8], non_targets=[bone(["present", "present"])]), "non-CR/non-PD"),
    ("N3", Patient([0, 8], non_targets=[bone(["present", None])]), "NE"),
    ("N4", Patient([0, 8], non_targets=[bone(["present", "progression"])]), "PD"),
    ("N5", Patient([0, 8], non_targets=[bone(["present", "absent"])], new_lesions=[False, True]), "PD"),
]


@pytest.mark.parametrize("row, patient, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_every_row_of_the_overall_table_from_a_patient(row, patient, expected):
    overall, rule = last(patient)
    assert overall == expected
    assert f"row {row}:" in rule


def test_the_case_table_reaches_every_row():
    assert {c[0] for c in CASES} == {r[0] for r in OVERALL_TABLE}


@pytest.mark.parametrize(
    "target, non_target, new, expected",
    [
        ("CR", "CR", False, "CR"),
        ("CR", "NA", False, "CR"),
        ("CR", "non-CR/non-PD", False, "PR"),
        ("CR", "NE", False, "PR"),
        ("PR", "non-CR/non-PD", False, "PR"),
        ("PR", "NE", False, "PR"),
        ("PR", "CR", False, "PR"),
        ("SD", "NE", False, "SD"),
        ("SD", "CR", False, "SD"),
        ("NE", "CR", False, "NE"),
        ("NE", "NE", False, "NE"),
        ("NE", "NA", False, "NE"),
        ("PD", "CR", False, "PD"),
        ("PD", "NE", True, "PD"),
        ("CR", "PD", False, "PD"),
        ("NE", "PD", False, "PD"),
        ("CR", "CR", True, "PD"),
        ("SD", "NA", True, "PD"),
        ("none", "CR", False, "CR"),
        ("none", "non-CR/non-PD", False, "non-CR/non-PD"),
        ("none", "NE", False, "NE"),
        ("none", "PD", False, "PD"),
        ("none", "NE", True, "PD"),
    ],
)
def test_overall_response_table_directly(target, non_target, new, expected):
    assert overall_response(target, non_target, new).response == expected


def test_overall_response_rejects_unknown_categories():
    with pytest.raises(ValueError, match="target must be one of"):
        overall_response("MR", "CR", False)
    with pytest.raises(ValueError, match="non_target must be one of"):
        overall_response("CR", "gone", False)
    with pytest.raises(TypeError, match="new_lesion"):
        overall_response("CR", "CR", "no")


# --- boundaries -------------------------------------------------------------------------------


def test_exactly_minus_30_percent_is_pr_and_just_above_is_sd():
    assert last(Patient([0, 8], [liver([50, 35])]))[0] == "PR"
    assert last(Patient([0, 8], [liver([50, 35.1])]))[0] == "SD"
    # awkward floats: 0.7 * 33.3 = 23.31 exactly in decimal, not in binary
    assert last(Patient([0, 8], [liver([33.3, 23.31])]))[0] == "PR"


def test_pd_needs_20_percent_and_5_mm_above_the_nadir():
    # nadir 25 mm: +20 % is 30 mm, +5 mm is 30 mm -> exactly both -> PD
    assert last(Patient(W3, [liver([50, 25, 30])]))[0] == "PD"
    # nadir 24.5 mm: 29.4 mm is +20 % but only +4.9 mm -> not PD (and 29.4 <= 35 -> PR)
    assert last(Patient(W3, [liver([50, 24.5, 29.4])]))[0] == "PR"
    # small nadir: 10 -> 14 is +40 % but only +4 mm -> not PD
    assert last(Patient(W3, [liver([20, 10, 14])]))[0] == "PR"
    # large nadir: 100 -> 119 is +19 mm but only +19 % -> not PD
    assert last(Patient(W3, [liver([100, 100, 119])]))[0] == "SD"


def test_pd_is_measured_from_the_nadir_not_the_baseline():
    overall, rule = last(Patient(W3, [liver([40, 28, 34])]))  # below baseline, +21 % from nadir
    assert (
        overall == "PD"
        and "nadir 28" in rule
        or "nadir 28" in assess(Patient(W3, [liver([40, 28, 34])])).table.iloc[-1]["target_rule"]
    )


def test_nodes_below_10_mm_give_cr_with_a_non_zero_sum():
    p = Patient(W3, [liver([20, 8, 0]), node([18, 12, 9.9], name="axilla")])
    t = assess(p).table
    assert t["target"].tolist() == ["baseline", "PR", "CR"]
    assert t["sum_mm"].iloc[-1] == pytest.approx(9.9)
    assert "not zero" in t["target_rule"].iloc[-1]
    assert last(Patient(W3, [node([18, 12, 10])]))[0] != "CR"  # 10 mm is not < 10 mm


def test_too_small_to_measure_counts_5_mm():
    p = Patient(W3, [liver([20, 10, TOO_SMALL]), liver([20, 10, 0], name="liver 2")])
    t = assess(p).table
    assert t["sum_mm"].iloc[-1] == pytest.approx(5.0)
    assert t["target"].iloc[-1] == "PR"  # a lesion still present is not CR
    assert TargetLesion("x", "lung", [12, "Too Small"]).values()[1] == 5.0


def test_reappearance_after_cr_is_pd_whatever_its_size():
    # RECIST Working Group clarification (Schwartz et al., Eur J Cancer 2016): after a CR, a target
    # lesion that reappears is PD -- not only when the +20 % and +5 mm from the nadir are met.
    for ms in ([20, 0, 5], [20, 0, 4], [10, 0, 0.5], [30, 0, 3], [20, 0, TOO_SMALL]):
        t = assess(Patient(W3, [liver(ms)])).table
        assert t["target"].tolist() == ["baseline", "CR", "PD"], ms
        assert "reappearance after complete response" in t["target_rule"].iloc[-1]
        assert "'liver 1'" in t["target_rule"].iloc[-1]
        assert t["overall"].iloc[-1] == "PD"
    # the CR may be several visits back, and a node growing back to >= 10 mm counts too
    assert last(Patient([0, 8, 16, 24], [liver([20, 0, 0, 1])]))[0] == "PD"
    t = assess(Patient(W3, [node([18, 9, 10])])).table
    assert t["target"].tolist() == ["baseline", "CR", "PD"] and "node" in t["target_rule"].iloc[-1]
    assert last(Patient(W3, [node([18, 9, 9.9])]))[0] == "CR"  # still < 10 mm: still CR
    # an overall CR (targets and non-targets gone) followed by reappearance
    p = Patient(W3, [liver([20, 0, 2])], [bone(["present", "absent", "absent"])])
    assert assess(p).table["overall"].tolist() == ["baseline", "CR", "PD"]
    # an unevaluable visit in between does not end the CR
    p = Patient([0, 8, 16, 24], [liver([20, 0, None, 2])])
    assert assess(p).table["overall"].tolist() == ["baseline", "CR", "NE", "PD"]
    # reappearance already decides PD even if another target was not imaged
    t = assess(Patient(W3, [liver([20, 0, 3]), liver([20, 0, None], name="liver 2")])).table
    assert t["target"].iloc[-1] == "PD" and t["sum_mm"].isna().iloc[-1]


def test_reappearance_after_a_target_cr_that_was_an_overall_pr_follows_the_nadir_rule():
    # Schwartz 2016: the automatic PD needs the patient's *overall* CR; a target CR beside a persisting
    # non-target lesion is an overall PR (RECIST 1.1 Table 1), and a lesion coming back is added to the sum.
    # Liver 30 -> 0 -> 4 mm, node 20 -> 8 -> 8 mm, bone present throughout: sums 50, 8, 12 mm; +4 mm
    # from the nadir is not PD, 12 mm is 76 % below baseline: PR.
    p = Patient(W3, [liver([30, 0, 4]), node([20, 8, 8])], [bone(["present"] * 3)])
    t = assess(p).table
    assert t["target"].tolist() == ["baseline", "CR", "PR"]
    assert t["overall"].tolist() == ["baseline", "PR", "PR"]
    assert "reappearance" not in t["target_rule"].iloc[-1]
    # the same with the bone gone at week 8: an overall CR, so the reappearance is PD
    p = Patient(W3, [liver([30, 0, 4]), node([20, 8, 8])], [bone(["present", "absent", "absent"])])
    assert assess(p).table["overall"].tolist() == ["baseline", "CR", "PD"]
    p = Patient(W3, [liver([20, 0, 2])], [bone(["present", "present", "present"])])
    assert assess(p).table["overall"].tolist() == ["baseline", "PR", "PR"]


def test_one_lesion_back_from_0_mm_without_an_earlier_cr_follows_the_nadir_rule():
    # liver 1 reached 0 mm only while liver 2 remained (a PR, not a CR): no reappearance rule,
    # the usual +20 % and +5 mm from the nadir decide.
    t = assess(Patient(W3, [liver([20, 0, 4]), liver([20, 10, 10], name="liver 2")])).table
    assert t["target"].tolist() == ["baseline", "PR", "PR"]  # 10 -> 14 mm: +4 mm only
    assert "reappearance" not in t["target_rule"].iloc[-1]
    t = assess(Patient(W3, [liver([20, 0, 8]), liver([20, 10, 10], name="liver 2")])).table
    assert t["target"].iloc[-1] == "PD" and "nadir" in t["target_rule"].iloc[-1]  # +8 mm, +80 %
    # nor does it fire before any CR, from baseline straight to a small lesion
    assert last(Patient(W3, [liver([20, 4, 4.5])]))[0] == "PR"


def test_missing_target_is_ne_unless_the_others_already_show_pd():
    t = assess(Patient(W3, [liver([30, 20, None]), liver([30, 20, 50], name="liver 2")])).table
    assert t["target"].iloc[-1] == "PD" and "not evaluated" in t["target_rule"].iloc[-1]
    t = assess(Patient(W3, [liver([30, 20, None]), liver([30, 20, 21], name="liver 2")])).table
    assert t["target"].iloc[-1] == "NE"


def test_ne_visit_does_not_move_the_nadir():
    p = Patient([0, 8, 16, 24], [liver([30, 20, None, 20]), liver([30, 20, 10, 10], name="liver 2")])
    assert assess(p).table["nadir_mm"].iloc[-1] == 40


# --- invalid input ----------------------------------------------------------------------------


def test_a_sixth_target_is_refused_naming_the_lesion_and_rule():
    organs = ["liver", "lung", "bone", "skin", "brain", "adrenal"]
    targets = [TargetLesion(f"{o} 1", o, [20, 10]) for o in organs]
    with pytest.raises(ValueError, match=r"'adrenal 1' is target number 6.*at most 5"):
        Patient([0, 8], targets)


def test_a_third_target_in_one_organ_is_refused():
    targets = [liver([20, 10], name=f"liver {i}") for i in (1, 2, 3)]
    with pytest.raises(ValueError, match=r"'liver 3'.*organ 'liver'.*at most 2"):
        Patient([0, 8], targets)


def test_negative_diameter_is_refused():
    with pytest.raises(ValueError, match=r"'liver 1', visit 1: diameter -3"):
        liver([20, -3])


def test_missing_baseline_is_refused():
    with pytest.raises(ValueError, match=r"'liver 1': missing baseline"):
        Patient([0, 8], [liver([None, 10])])


@pytest.mark.parametrize(
    "lesion, match",
    [
        (TargetLesion("lung 1", "lung", [9.9, 5]), r"'lung 1'.*not measurable.*>= 10 mm"),
        (TargetLesion("node 1", "lymph node", [14, 5], nodal=True), r"'node 1'.*>= 15 mm short axis"),
        (TargetLesion("lung 1", "lung", [TOO_SMALL, 5]), r"'lung 1'.*too small"),
    ],
)
def test_baseline_measurability(lesion, match):
    with pytest.raises(ValueError, match=match):
        check_baseline([lesion])


def test_other_invalid_inputs():
    with pytest.raises(ValueError, match="measurements but there are 3 visits"):
        Patient(W3, [liver([20, 10])])
    with pytest.raises(ValueError, match="strictly increasing"):
        Patient([0, 8, 8], [liver([20, 10, 10])])
    with pytest.raises(ValueError, match="new_lesions\\[0\\]"):
        Patient([0, 8], [liver([20, 10])], new_lesions=[True, False])
    with pytest.raises(ValueError, match="at least one"):
        Patient([0, 8])
    with pytest.raises(ValueError, match="baseline status must be 'present'"):
        bone(["absent", "absent"])
    with pytest.raises(ValueError, match="status must be one of"):
        bone(["present", "smaller"])
    with pytest.raises(TypeError, match="measurement must be a number"):
        liver([20, "12"])
    with pytest.raises(ValueError, match="used twice"):
        Patient([0, 8], [liver([20, 10]), liver([20, 10])])
    with pytest.raises(ValueError, match="baseline_sum"):
        target_response([1.0], [False], baseline_sum=0, nadir=0)


# --- best overall response --------------------------------------------------------------------


def test_bor_without_and_with_confirmation():
    a = assess(Patient([0, 8, 16], [liver([50, 30, 31])]))
    assert best_overall_response(a).response == "PR"
    assert best_overall_response(a, confirm=True).response == "PR"  # 16 - 8 >= 4 weeks
    a = assess(Patient([0, 8, 10], [liver([50, 30, 31])]))
    bor = best_overall_response(a, confirm=True)
    assert bor.response == "SD" and "not confirmed" in bor.rule


def test_confirmed_cr_needs_a_later_cr():
    a = assess(Patient([0, 8, 16], [liver([50, 0, 10])]))  # CR then reappearance
    assert best_overall_response(a).response == "CR"
    assert best_overall_response(a, confirm=True).response == "SD"
    a = assess(Patient([0, 8, 16, 24], [liver([50, 0, None, 0])]))  # NE visit is skipped
    assert best_overall_response(a, confirm=True).response == "CR"


def test_sd_minimum_interval():
    early_pd = assess(Patient([0, 4, 8], [liver([50, 48, 70])]))
    assert best_overall_response(early_pd, sd_min_weeks=6).response == "PD"
    assert best_overall_response(early_pd, sd_min_weeks=4).response == "SD"
    lost = assess(Patient([0, 4], [liver([50, 48])]))
    assert best_overall_response(lost, sd_min_weeks=6).response == "NE"


def test_bor_ignores_visits_after_the_first_pd():
    a = assess(Patient([0, 8, 16, 24], [liver([50, 60, 30, 0])]))
    bor = best_overall_response(a)
    assert bor.response == "PD" and bor.visit == 1


def test_bor_non_target_only():
    a = assess(Patient([0, 8], non_targets=[bone(["present", "present"])]))
    assert best_overall_response(a).response == "non-CR/non-PD"


def test_bor_validates():
    a = assess(Patient([0, 8], [liver([50, 30])]))
    with pytest.raises(ValueError, match="sd_min_weeks"):
        best_overall_response(a, sd_min_weeks=-1)
    with pytest.raises(TypeError, match="assessment"):
        best_overall_response("PR")


# --- radiologic NED ---------------------------------------------------------------------------


def test_ned_is_the_first_overall_cr():
    p = Patient(
        [0, 8, 16, 24],
        [liver([30, 10, 0, 0]), node([20, 12, 8, 6], name="axilla")],
        [bone(["present", "present", "absent", "absent"])],
    )
    res = radiologic_ned(assess(p))
    assert res.reached and res.visit == 2 and res.week == 16 and not res.with_local_therapy


def test_target_cr_with_persisting_non_target_is_not_ned():
    p = Patient([0, 8], [liver([30, 0])], [bone(["present", "present"])])
    assert last(p)[0] == "PR"
    assert not radiologic_ned(assess(p)).reached


def test_ned_with_local_therapy_is_recorded_as_such():
    p = Patient(
        [0, 12, 24], [liver([30, 12, 0], local_therapy_before_visit=2), TargetLesion("lung 1", "lung", [15, 0, 0])]
    )
    res = radiologic_ned(assess(p))
    assert res.reached and res.with_local_therapy and res.treated_lesions == ("liver 1",)
    assert "local therapy of liver 1" in res.rule
    strict = radiologic_ned(assess(p), allow_local_therapy=False)
    assert not strict.reached and "local therapy" in strict.rule


def test_explain_mentions_every_visit():
    text = assess(Patient(W3, [liver([50, 30, 0])])).explain()
    assert "Visit 0" in text and "Visit 2 (week 16): CR" in text


def test_rules_scaling_validates():
    from her2ned.recist import RECIST11

    assert RECIST11.scaled(2).normal_node_mm == 20
    with pytest.raises(ValueError, match="factor"):
        RECIST11.scaled(0)
    with pytest.raises(TypeError, match="measurements must be a sequence"):
        liver(5)


def test_nodes_staying_normal_are_cr_even_if_their_sum_rises():
    """Documented choice: CR is checked before PD (the guideline does not order them)."""
    p = Patient(W3, [node([20, 4, 9], name="n1"), node([20, 4, 9], name="n2")])  # 8 -> 18 mm
    assert assess(p).table["target"].iloc[-1] == "CR"


def test_assessment_renders_as_html():
    html = assess(Patient(W3, [liver([50, 30, None])]))._repr_html_()
    assert "<table" in html and "PR" in html and "—" in html
