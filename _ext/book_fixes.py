"""Small Sphinx fixes for the static book, and the two editions' launch and download buttons.

1. sphinx-thebe registers its inline configuration script twice under jupyter-book 1 (it runs on
   ``env-before-read-docs``, which fires more than once); the second ``const THEBE_JS_URL`` then raises
   "Identifier has already been declared" in the browser. We drop exact duplicate script entries.
2. Launch buttons (Binder, a JupyterHub through nbgitpuller, Colab) open the chapter's *student
   notebook* (``notebooks/student/<chapter>.ipynb``, plain Jupyter Markdown, no solutions) instead of
   the MyST source, and the ``.ipynb`` download is the edition's notebook (student or teacher, copied
   to ``notebooks/<edition>/`` in the HTML) instead of the executed MyST copy, whose text holds raw
   roles and the solutions.
3. ``static/a11y.js`` gives ipywidgets' controls, the navigation toggles and the bibliography the
   accessible names and roles their markup lacks (checked by axe-core in the tests).
4. In the student edition (``her2ned_edition = "student"``, set by ``scripts/editions.py html``) the
   ``.md`` source download is removed: the source holds the solutions.
"""

from pathlib import Path
from shutil import copyfile
from urllib.parse import quote


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        # an inline script has filename None or "" depending on who added it: the same thing
        key = (getattr(js, "filename", js) or None, tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def _buttons(buttons):
    for button in buttons:
        yield button
        yield from _buttons(button.get("buttons", []))


def _edition_buttons(app, pagename, templatename, context, doctree):
    edition = app.config.her2ned_edition
    stem = pagename.rsplit("/", 1)[-1]
    root = Path(app.srcdir)
    student = Path("notebooks", "student", f"{stem}.ipynb")
    buttons = context.get("header_buttons", [])
    if (root / student).exists():
        source = f"{pagename}{Path(app.env.doc2path(pagename)).suffix}"
        launch = [b for b in buttons if b.get("label") == "launch-buttons"]
        for button in _buttons(launch):
            url = button.get("url", "")
            if button.get("type") == "link" and source in url:
                button["url"] = url.replace(source, student.as_posix())
            elif button.get("type") == "link" and quote(source, safe="") in url:
                button["url"] = url.replace(quote(source, safe=""), quote(student.as_posix(), safe=""))
        # the download: this edition's notebook, not the executed MyST copy the theme offers
        notebook = f"notebooks/{edition}/{stem}.ipynb"
        Path(app.outdir, notebook).parent.mkdir(parents=True, exist_ok=True)
        copyfile(root / notebook, Path(app.outdir, notebook))
        for group in [b for b in buttons if b.get("label") == "download-buttons"]:
            group["buttons"] = [b for b in group["buttons"] if b.get("label") != "download-notebook-button"]
            group["buttons"].insert(
                0,
                {
                    "type": "link",
                    "url": context["pathto"](notebook, 1),
                    "text": ".ipynb",
                    "icon": "fas fa-code",
                    "label": "download-notebook-button",
                    "tooltip": f"Download this chapter as a notebook ({edition} edition)",
                },
            )
    if edition == "student":
        for group in [b for b in _buttons(buttons) if "buttons" in b]:
            group["buttons"] = [b for b in group.get("buttons", []) if b.get("label") != "download-source-button"]


def _add_static(app):
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.add_config_value("her2ned_edition", "teacher", "env")
    app.connect("builder-inited", _add_static)
    app.add_js_file("a11y.js")
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _edition_buttons, priority=502)  # after the theme's (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
