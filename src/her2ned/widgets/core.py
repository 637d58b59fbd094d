"""The shared machinery of every panel: plain-language messages and kernel-free twins.

A live panel needs a kernel: its Python callbacks do not run in the static HTML book. Its twin
does: a set of pre-rendered frames in an ``ipywidgets.Stack`` whose ``selected_index`` is
``jslink``-ed to a slider, so the browser alone switches frames.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .._arguments import count, flag, sequence, string
from ..palette import MESSAGE


def message_html(text: str, kind: str = "warning") -> str:
    """An HTML box carrying a plain-language message (``kind``: info, warning or error).

    Examples
    --------
    >>> message_html("NED (60) cannot exceed N (50)", "error")[:32]
    '<div class="her2ned-message" rol'
    """
    string(text, "text")
    if not isinstance(kind, str) or kind not in MESSAGE:
        raise ValueError(f"kind must be one of {sorted(MESSAGE)}, got {kind!r}")
    return (
        f'<div class="her2ned-message" role="status" style="border-left:4px solid {MESSAGE[kind]};'
        f'padding:6px 10px;margin:4px 0;">{html.escape(text)}</div>'
    )


def figure_to_html(fig, alt: str, *, dpi: int = 80, close: bool = True) -> str:
    """Render a matplotlib figure as an ``<img>`` tag with an inline PNG (no external file).

    Used for the frames of kernel-free twins; ``alt`` describes the frame for screen readers.
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    string(alt, "alt"), flag(close, "close")
    dpi = count(dpi, "dpi", low=10, high=600)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    if close:
        plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="max-width:100%;"/>'


def frames_twin(
    frames: Sequence[str], labels: Sequence[str], *, description: str = "", caption: str = ""
) -> widgets.VBox:
    """A kernel-free panel: a slider steps through pre-rendered HTML frames.

    Parameters
    ----------
    frames : sequence of str
        HTML for each frame (e.g. from :func:`figure_to_html`, or a table's HTML).
    labels : sequence of str
        What the slider shows for each frame (same length as ``frames``).
    description : str
        The slider's label.
    caption : str
        A line above the slider saying what moves and that the frames were computed in advance.

    Returns
    -------
    ipywidgets.VBox
        ``children`` are (caption, slider, stack); the slider is a ``SelectionSlider`` whose
        ``index`` is linked in the browser to the stack's ``selected_index``.
    """
    frames, labels = sequence(frames, "frames"), sequence(labels, "labels")
    description, caption = string(description, "description"), string(caption, "caption")
    if not frames:
        raise ValueError("frames must hold at least one frame")
    bad = [i for i, f in enumerate(frames) if not isinstance(f, str)]
    if bad:
        raise TypeError(f"frames must be HTML strings; frames[{bad[0]}] is {type(frames[bad[0]]).__name__}")
    if len(labels) != len(frames):
        raise ValueError(f"labels has {len(labels)} entries but frames has {len(frames)}; they must match")
    if len(set(labels)) != len(labels):
        raise ValueError("labels must be distinct, one per frame")
    slider = widgets.SelectionSlider(
        options=labels,
        index=0,
        description=description,
        continuous_update=True,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="min(100%, 560px)"),
    )
    stack = widgets.Stack([widgets.HTML(f) for f in frames], selected_index=0)
    head = widgets.HTML(f"<em>{html.escape(caption)}</em>" if caption else "")
    box = widgets.VBox([head, slider, stack])
    box.link = widgets.jslink((slider, "index"), (stack, "selected_index"))
    box.add_class("her2ned-twin")
    return box


class PanelImage:
    """A panel's picture as PNG plus an ``<img>`` with alt text: front ends that show HTML (JupyterLab,
    the static book) give screen readers the alt text; ``image/png`` stays for everything else."""

    def __init__(self, png: bytes, alt: str):
        self.png, self.alt = png, alt

    @classmethod
    def from_figure(cls, fig) -> "PanelImage":
        """The figure as PNG, described by its titles (panels title what they show)."""
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
        titles = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) else []
        titles += [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center") if ax.get_title(loc)]
        alt = ("Figure: " + "; ".join(titles)) if titles else "Figure drawn from the panel's current settings"
        return cls(buffer.getvalue(), alt)

    def __repr__(self) -> str:  # the text/plain form: what the picture shows
        return self.alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = base64.b64encode(self.png).decode("ascii")
        tag = f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" style="max-width:100%;"/>'
        return {"image/png": data, "text/html": tag, "text/plain": self.alt}


def _displayable(obj):
    """Matplotlib figures become PNG images with alt text (and are closed); anything else is as it is."""
    from matplotlib.figure import Figure

    if isinstance(obj, Figure):
        shown = PanelImage.from_figure(obj)
        plt.close(obj)
        return shown
    return obj


def show_safely(output: widgets.Output, draw: Callable[[], object]) -> None:
    """Replace what ``output`` shows with what ``draw()`` returns; errors become plain messages.

    ``draw`` returns a displayable (a matplotlib Figure, ``IPython.display.HTML``, a DataFrame) or a
    list of them. A ``ValueError``/``TypeError``/``ZeroDivisionError`` becomes a plain-language message
    instead of a traceback, so an out-of-range or degenerate input (no events, perfect separation)
    tells the reader what is wrong in words. Anything ``draw`` prints or displays itself is captured
    and shown first. The new content replaces the old in one update of ``output.outputs`` (one message
    to the front end, one redraw: a panel that clears and then appends flickers and is slower), which
    works with or without a kernel, so tests can drive panels headlessly and read ``output.outputs``.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import HTML
    from IPython.utils.capture import capture_output

    if not isinstance(output, widgets.Output):
        raise TypeError(f"output must be an ipywidgets Output, got {type(output).__name__}")
    if not callable(draw):
        raise TypeError(f"draw must be a function of no arguments, got {type(draw).__name__}")

    def display_data(obj) -> dict:
        data, metadata = format_display_data(obj)
        return {"output_type": "display_data", "data": data, "metadata": metadata}

    error = None
    with capture_output() as captured:
        try:
            result = draw()
        except (ValueError, TypeError, ZeroDivisionError) as exc:
            error = exc
        except Exception as exc:  # a bug, not bad input: say so in the panel, keep the traceback
            output.outputs = (
                display_data(
                    HTML(
                        message_html(
                            f"The panel failed unexpectedly ({type(exc).__name__}: {exc}); the figure is not current.",
                            "error",
                        )
                    )
                ),
            )
            raise
    shown = [
        {"output_type": "stream", "name": name, "text": text}
        for name, text in (("stdout", captured.stdout), ("stderr", captured.stderr))
        if text
    ]
    shown += [{"output_type": "display_data", "data": o.data, "metadata": o.metadata or {}} for o in captured.outputs]
    if error is not None:
        plt.close("all")
        shown.append(display_data(HTML(message_html(str(error)))))
    else:
        items = result if isinstance(result, (list, tuple)) else [result]
        shown += [display_data(_displayable(item)) for item in items if item is not None]
    output.outputs = tuple(shown)
