"""Tests of the ASCO/CAP 2018 HER2 classifier (her2ned.her2).

The expected rows are read off Wolff AC, et al. J Clin Oncol 2018;36:2105-2122 (Fig. 1 IHC, Fig. 2
dual-probe ISH groups 1-5 and their work-up), Wolff et al., J Clin Oncol 2018;36:2105-2122 (affirmed 2023).
"""

import math

import pytest

from her2ned import her2
from her2ned.her2 import classify, ish_group

# (ihc, ratio, copies, ultralow, expected group, call, needs, category, workup)
CASES = [
    # IHC alone
    ("3+", None, None, False, None, "positive", None, "HER2-positive", None),
    ("2+", None, None, False, None, "equivocal", "ISH", "undetermined", None),
    ("1+", None, None, False, None, "negative", None, "HER2-low", None),
    ("0", None, None, False, None, "negative", None, "HER2-zero", None),
    ("0", None, None, True, None, "negative", None, "HER2-ultralow", None),
    # Group 1: positive whatever the IHC; boundaries ratio exactly 2.0 and copies exactly 4.0 are group 1
    ("2+", 2.0, 4.0, False, 1, "positive", None, "HER2-positive", None),
    ("2+", 4.5, 10.0, False, 1, "positive", None, "HER2-positive", None),
    (None, 2.0, 4.0, False, 1, "positive", None, "HER2-positive", None),
    ("0", 2.6, 5.0, False, 1, "positive", None, "HER2-positive", None),
    # Group 2: ratio >= 2.0, copies < 4.0
    ("3+", 2.0, 3.99, False, 2, "positive", None, "HER2-positive", "concomitant IHC"),
    ("2+", 2.5, 3.5, False, 2, "negative", None, "HER2-low", "recount"),
    ("1+", 2.5, 3.5, False, 2, "negative", None, "HER2-low", "concomitant IHC"),
    ("0", 2.5, 3.5, False, 2, "negative", None, "HER2-zero", "concomitant IHC"),
    (None, 2.5, 3.5, False, 2, "equivocal", "IHC", "undetermined", None),
    # Group 3: ratio < 2.0, copies >= 6.0 (copies exactly 6.0 included)
    ("3+", 1.99, 6.0, False, 3, "positive", None, "HER2-positive", "concomitant IHC"),
    ("2+", 1.5, 6.0, False, 3, "positive", None, "HER2-positive", "recount"),
    ("1+", 1.5, 7.0, False, 3, "negative", None, "HER2-low", "concomitant IHC"),
    ("0", 1.5, 7.0, True, 3, "negative", None, "HER2-ultralow", "concomitant IHC"),
    (None, 1.5, 6.0, False, 3, "equivocal", "IHC", "undetermined", None),
    # Group 4: ratio < 2.0, 4.0 <= copies < 6.0 (copies exactly 4.0 included; 5.99 still group 4)
    ("3+", 1.5, 4.0, False, 4, "positive", None, "HER2-positive", "concomitant IHC"),
    ("2+", 1.5, 5.99, False, 4, "negative", None, "HER2-low", "recount"),
    ("1+", 1.5, 4.0, False, 4, "negative", None, "HER2-low", "concomitant IHC"),
    ("0", 1.5, 5.0, False, 4, "negative", None, "HER2-zero", "concomitant IHC"),
    (None, 1.5, 4.0, False, 4, "equivocal", "IHC", "undetermined", None),
    # Group 5: ratio < 2.0, copies < 4.0
    ("2+", 1.99, 3.99, False, 5, "negative", None, "HER2-low", None),
    ("1+", 1.1, 2.0, False, 5, "negative", None, "HER2-low", None),
    ("0", 1.0, 2.0, False, 5, "negative", None, "HER2-zero", None),
    (None, 1.0, 2.0, False, 5, "negative", None, "undetermined", None),
    ("3+", 1.0, 2.0, False, 5, "positive", None, "HER2-positive", None),  # IHC 3+ is positive on its own
]


@pytest.mark.parametrize("ihc, ratio, copies, ultralow, group, call, needs, category, workup", CASES)
def test_guideline_case(ihc, ratio, copies, ultralow, group, call, needs, category, workup):
    r = classify(ihc, ratio, copies, ultralow=ultralow)
    assert (r.ish_group, r.call, r.needs, r.category, r.workup) == (group, call, needs, category, workup)
    assert r.steps, "every result explains its path"


def test_every_group_and_every_ihc_score_is_reached():
    assert {c[4] for c in CASES} >= {1, 2, 3, 4, 5}
    assert {c[0] for c in CASES} >= {"0", "1+", "2+", "3+", None}
    assert {c[5] for c in CASES} == {"positive", "negative", "equivocal"}
    assert {c[7] for c in CASES} == set(her2.CATEGORIES)


@pytest.mark.parametrize(
    "ratio, copies, group",
    [
        (2.0, 4.0, 1),
        (1.9999, 4.0, 4),
        (2.0, 3.9999, 2),
        (1.9999, 3.9999, 5),
        (1.9999, 6.0, 3),
        (1.9999, 5.9999, 4),
        (2.0, 6.0, 1),
        (0.5, 0.5, 5),
        (10.0, 30.0, 1),
    ],
)
def test_ish_group_boundaries(ratio, copies, group):
    assert ish_group(ratio, copies) == group


def test_ihc_aliases():
    assert classify(3).call == "positive"
    assert classify(" 1+ ").category == "HER2-low"
    assert classify("ultralow").category == "HER2-ultralow"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(ihc="4+"), "ihc"),
        (dict(ihc="2"), None),  # an alias for 2+, valid
        (dict(ihc="1-"), "ihc"),
        (dict(ihc=4), "ihc"),
        (dict(ihc="2+", ratio=-1.0, copies=4.0), "ratio"),
        (dict(ihc="2+", ratio=0.0, copies=4.0), "ratio"),
        (dict(ihc="2+", ratio=float("nan"), copies=4.0), "ratio"),
        (dict(ihc="2+", ratio=float("inf"), copies=4.0), "ratio"),
        (dict(ihc="2+", ratio=2.0, copies=float("nan")), "copies"),
        (dict(ihc="2+", ratio=2.0, copies=-3), "copies"),
        (dict(ihc="2+", copies=5.0), "copies was given without ratio"),
        (dict(ihc="2+", ratio=2.5), "ratio was given without copies"),
        (dict(ihc="2+", ultralow=True), "ultralow"),
        (dict(), "give at least one test"),
        (dict(ihc="1+", rule="2007"), "rule"),
        (dict(ihc="2+", ratio=1.5, copies=5.0, recount=(-1, 5)), "recount ratio"),
    ],
)
def test_invalid_input_names_the_field(kwargs, field):
    if field is None:
        assert classify(**kwargs).needs == "ISH"
        return
    with pytest.raises(ValueError) as err:
        classify(**kwargs)
    assert field in str(err.value)


def test_invalid_ihc_lists_allowed_values():
    with pytest.raises(ValueError, match=r"'0', '1\+', '2\+', '3\+'"):
        classify("4+")


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(ihc="2+", ratio="2.2", copies=5),
        dict(ihc=True),
        dict(ihc="2+", ratio=2.2, copies=5, ultralow=1),
        dict(ihc="2+", ratio=1.5, copies=5.0, recount=1.5),
    ],
)
def test_type_errors(kwargs):
    with pytest.raises(TypeError):
        classify(**kwargs)


def test_recount_confirming_and_changing_group():
    confirmed = classify("2+", 1.6, 4.8, recount=(1.7, 5.1))
    assert (confirmed.ish_group, confirmed.call, confirmed.workup) == (4, "negative", "recount")
    assert "confirms group 4" in confirmed.explain()
    moved = classify("2+", 1.6, 5.8, recount=(1.7, 6.4))  # group 4 -> 3 on recount
    assert (moved.ish_group, moved.call) == (3, "positive")
    assert "falls in group 3" in moved.explain()
    assumed = classify("2+", 1.6, 6.6)
    assert "Assumed here" in assumed.explain()


def test_explanation_cites_guideline_steps():
    r = classify("2+", 1.7, 6.6)
    text = r.explain()
    for rule in ("IHC", "ISH groups", "recount", "ASCO/CAP 2018", "therapeutic category"):
        assert f"[{rule}" in text
    html = r._repr_html_()
    assert "HER2 positive" in html and "<ol>" in html and "group 3" in html
    assert str(r).startswith("HER2 positive; HER2-positive")


def test_summary_row_and_examples():
    row = classify("2+").summary()
    assert row["call"] == "equivocal (needs ISH)" and row["ISH group"] is None
    table = her2.example_table()
    assert len(table) == len(her2.EXAMPLES)
    assert {g for g in table["ISH group"] if g != "—"} == {1, 2, 3, 4, 5}
    assert table.loc["IHC 0, ultralow", "category"] == "HER2-ultralow"


@pytest.mark.parametrize(
    "ihc, ratio, copies, call",
    [
        ("2+", 2.2, 5.0, "negative"),  # ratio exactly 2.2 is not > 2.2
        ("2+", 2.21, 3.0, "positive"),  # copy number ignored
        ("2+", 1.5, 7.0, "negative"),  # group 3 positive today, negative then
        ("3+", 1.0, 2.0, "positive"),
        ("2+", None, None, "equivocal"),
        ("1+", None, None, "negative"),
    ],
)
def test_historic_rule(ihc, ratio, copies, call):
    r = classify(ihc, ratio, copies, rule="fish_ratio_2.2")
    assert r.call == call and r.ish_group is None


def test_compare_rules_disagreement_zones():
    assert her2.compare_rules("2+", 2.1, 4.6)["disagree"]  # 2018 group 1; ratio <= 2.2
    assert her2.compare_rules("2+", 1.6, 6.6)["disagree"]  # 2018 group 3 after recount
    assert her2.compare_rules("2+", 2.5, 3.0)["disagree"]  # 2018 group 2 negative; ratio > 2.2
    assert not her2.compare_rules("2+", 3.0, 8.0)["disagree"]
    assert not math.isnan(her2.HISTORIC_RATIO_CUTOFF)


# --------------------------------------------------------------------------- figures and panel


def test_plot_ish_plane_draws_groups_and_point():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from her2ned.plots.her2 import plot_ish_plane

    fig, ax = plt.subplots()
    assert plot_ish_plane(1.7, 6.6, "2+", show_historic=True, ax=ax) is ax
    texts = " ".join(t.get_text() for t in ax.texts)
    for g in range(1, 6):
        assert f"Group {g}" in texts
    assert "HER-OS" in texts and "group 3" in texts and "positive" in texts
    with pytest.raises(ValueError, match="max_copies"):
        plot_ish_plane(max_copies=5)
    plt.close("all")


def test_signalling_diagram_names_every_drug():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from her2ned.plots.her2 import plot_her2_signalling

    ax = plot_her2_signalling()
    texts = " ".join(t.get_text() for t in ax.texts)
    for word in ("trastuzumab", "pertuzumab", "T-DM1", "deruxtecan", "tucatinib", "PI3K", "ERK", "HER3"):
        assert word in texts
    plt.close("all")


def test_panel_follows_its_controls():
    import matplotlib

    matplotlib.use("Agg")

    from her2ned.widgets.her2 import her2_panel

    panel = her2_panel()
    assert panel.result.call == "positive" and panel.result.ish_group == 3
    panel.ihc.value = "1+"
    assert (panel.result.call, panel.result.category) == ("negative", "HER2-low")
    panel.ish_done.value = False
    assert panel.ratio.disabled and panel.result.ish_group is None
    panel.ihc.value = "2+"
    assert panel.result.needs == "ISH"
    panel.ultralow.value = True  # invalid with 2+: a message, not a traceback
    assert panel.result is None
    html = panel.output.outputs[-1]["data"]["text/html"]
    assert "only for IHC 0" in html and "Traceback" not in html
    panel.ihc.value = "0"
    assert panel.result.category == "HER2-ultralow"
    panel.ihc.value, panel.ultralow.value, panel.ish_done.value = "not done", False, False
    assert panel.result is None
    panel.ish_done.value = True
    panel.ratio.value, panel.copies.value = 2.5, 3.0
    assert panel.result.needs == "IHC" and panel.result.ish_group == 2


def test_twin_has_one_frame_per_example():
    import matplotlib

    matplotlib.use("Agg")

    from her2ned.widgets.her2 import her2_twin

    twin = her2_twin()
    caption, slider, stack = twin.children
    assert len(stack.children) == len(her2.EXAMPLES) == len(slider.options) <= 12
    assert "HER2 positive" in stack.children[0].value and "HER2-ultralow" in stack.children[10].value
