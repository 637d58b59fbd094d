"""ipywidgets panels. Each panel is thin: a pure function computes, the panel wires controls to it.

Every panel has a kernel-free twin for the static HTML book, built with :func:`frames_twin`.
"""

from .core import figure_to_html, frames_twin, message_html, show_safely

__all__ = ["figure_to_html", "frames_twin", "message_html", "show_safely"]
