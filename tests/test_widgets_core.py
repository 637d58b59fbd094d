"""The panel machinery: twins link slider and frames in the browser; panels never show tracebacks."""

import ipywidgets as widgets
import pytest

from her2ned.checks import check_choice, check_number
from her2ned.widgets.core import frames_twin, message_html, show_safely
from her2ned.widgets.demo import share_panel, share_twin


def test_twin_links_slider_index_to_stack():
    twin = frames_twin(["<p>a</p>", "<p>b</p>"], ["first", "second"], description="x")
    _, slider, stack = twin.children
    # jslink (not observe): the browser switches frames, so the static HTML moves with no kernel
    assert twin.link.source == (slider, "index") and twin.link.target == (stack, "selected_index")
    assert [c.value for c in stack.children] == ["<p>a</p>", "<p>b</p>"]


@pytest.mark.parametrize(
    "frames, labels, msg",
    [
        ([], [], "at least one frame"),
        (["a", "b"], ["x"], "must match"),
        (["a", "b"], ["x", "x"], "distinct"),
    ],
)
def test_twin_bad_input(frames, labels, msg):
    with pytest.raises(ValueError, match=msg):
        frames_twin(frames, labels)


def test_demo_panel_turns_impossible_input_into_a_message():
    panel = share_panel()
    n_slider, k_slider, out = panel.children
    k_slider.value = 900  # more NED than patients
    texts = " ".join(str(o.get("data", {}).get("text/html", "")) for o in out.outputs)
    assert "cannot exceed N" in texts
    assert "Traceback" not in texts
    n_slider.value = 1000
    texts = " ".join(str(o.get("data", {})) for o in out.outputs)
    assert "image/png" in texts and "cannot exceed" not in texts


def test_demo_twin_has_one_frame_per_size():
    twin = share_twin(sizes=(30, 118))
    assert twin.children[1].options == ("N = 30", "N = 118")
    assert all("data:image/png;base64," in c.value for c in twin.children[2].children)


def test_show_safely_reports_errors_plainly():
    out = widgets.Output()

    def draw():
        raise ValueError("N must be at least 10")

    show_safely(out, draw)
    assert "N must be at least 10" in out.outputs[0]["data"]["text/html"]
    with pytest.raises(ValueError, match="kind must be"):
        message_html("x", kind="shout")


def test_self_checks_say_right_or_wrong_with_a_hint():
    assert check_number(0.466, 55 / 118, rel_tol=0.01)
    wrong = check_number(0.6, 55 / 118, hint="Divide NED by N.")
    assert not wrong and "Divide NED by N." in str(wrong)
    assert "should be a number" in str(check_number("a lot", 1.0))
    assert "should be a finite number" in str(check_number(float("nan"), 1.0))
    assert check_choice(" Positive ", "positive", allowed=["positive", "negative"])
    assert "must be one of" in str(check_choice("maybe", "positive", allowed=["positive", "negative"]))
    assert "single value" in str(check_choice(["positive"], "positive"))
    assert "✘" in wrong._repr_html_() or "Not yet" in wrong._repr_html_()
