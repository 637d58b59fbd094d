"""The RECIST calculator panel, its twin and the RECIST figures, driven headlessly."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from her2ned.plots.recist import plot_ned_call, plot_patient, plot_spider, plot_waterfall  # noqa: E402
from her2ned.recist import assess  # noqa: E402
from her2ned.recist_cohort import simulate_cohort  # noqa: E402
from her2ned.widgets.recist import (
    EXAMPLES,
    patient_from_grid,
    recist_panel,  # noqa: E402
    recist_twin,
    response_table_html,
)


def overall_cells(html_text):
    """The overall responses in the panel's table, read from the coloured <strong> cells."""
    import re

    return re.findall(r"<strong style='color:[^']*'>([^<]*)</strong>", html_text)


def test_default_panel_shows_responses():
    panel = recist_panel()
    assert overall_cells(panel.result.value) == ["baseline", "PR", "PR", "PR", "CR"]
    assert "Radiologic NED:</b> NED at visit 4" in panel.result.value


def test_editing_a_measurement_changes_the_response():
    panel = recist_panel()
    before = panel.plot.value
    assert before.startswith("<img")
    panel.cells[0][1].value = 60.0  # liver 1 grows from 32 to 60 mm at week 9
    assert overall_cells(panel.result.value)[1] == "PD"
    assert panel.plot.value.startswith("<img") and panel.plot.value != before
    panel.cells[0][1].value = 20.0
    assert overall_cells(panel.result.value)[1] == "PR"


def test_new_lesion_and_non_target_controls():
    panel = recist_panel()
    panel.new_lesion[2].value = True
    assert overall_cells(panel.result.value)[2] == "PD"
    panel.new_lesion[2].value = False
    panel.non_target[4].value = "present"
    assert overall_cells(panel.result.value)[4] == "PR"  # targets CR, non-target persists
    panel.non_target[4].value = "not evaluated"
    assert overall_cells(panel.result.value)[4] == "PR"  # row T3
    panel.non_target[4].value = "progression"
    assert overall_cells(panel.result.value)[4] == "PD"


def test_bad_input_gives_a_message_not_a_traceback():
    panel = recist_panel()
    panel.cells[1][2].value = -4.0
    text = str(panel.figure.outputs)
    assert "diameter -4" in text and "Traceback" not in text
    assert panel.result.value == "" and panel.plot.value == ""
    panel.cells[1][2].value = 6.0
    assert overall_cells(panel.result.value)
    panel.cells[2][0].value = 12.0  # a 12 mm node is not measurable at baseline
    assert "needs a node &gt;= 15 mm short axis" in str(panel.figure.outputs)


def test_patient_from_grid_validates():
    with pytest.raises(ValueError, match="non_target has 1 entries"):
        patient_from_grid(["a"], ["liver"], [False], [0, 8], [[20, 10]], ["—"], [False, False])
    with pytest.raises(ValueError, match="choose a status"):
        patient_from_grid(["a"], ["liver"], [False], [0, 8], [[20, 10]], ["present", "—"], [False, False])


def test_twin_has_one_frame_per_example_and_a_linked_slider():
    twin = recist_twin()
    _, slider, stack = twin.children
    assert isinstance(slider, widgets.SelectionSlider) and isinstance(stack, widgets.Stack)
    assert len(stack.children) == len(EXAMPLES) <= 12
    assert list(slider.options) == [e.label for e in EXAMPLES]
    texts = [c.value for c in stack.children]
    assert len(set(texts)) == len(texts)
    assert "NED at visit" in texts[1] and "with metastasis-directed local therapy" in texts[-1]


def test_examples_say_what_their_lessons_say():
    by = {e.label: assess(e.patient).table["overall"].tolist() for e in EXAMPLES}
    assert by["PD from the nadir"][-1] == "PD"
    assert by["+4 mm is not PD"][-1] == "PR"
    assert by["New lesion"][-1] == "PD"
    assert by["Missed scan (NE)"][2] == "NE"
    assert by["Bone persists: not NED"][-1] == "PR"
    assert by["NED (nodes < 10 mm)"][-1] == "CR"


def test_plots_return_their_axes_and_validate():
    c = simulate_cohort(15, seed=5)
    for fn, arg in ((plot_spider, c.long), (plot_waterfall, c.summary), (plot_patient, assess(EXAMPLES[0].patient))):
        fig, ax = plt.subplots()
        assert fn(arg, ax=ax) is ax
        plt.close(fig)
    fig, ax = plt.subplots()
    assert plot_ned_call(ax=ax) is ax
    plt.close(fig)
    with pytest.raises(ValueError, match="lacks columns"):
        plot_spider(c.summary)
    with pytest.raises(TypeError, match="assessment"):
        plot_patient("PR")
    assert "PR" in response_table_html(assess(EXAMPLES[0].patient))
