"""Small Sphinx fixes for the static book, so that pages open with no console error.

sphinx-thebe registers its inline configuration script twice under jupyter-book 1 (it runs on
``env-before-read-docs``, which fires more than once); the second ``const THEBE_JS_URL`` then raises
"Identifier has already been declared" in the browser. We drop exact duplicate script entries.
"""


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


def setup(app):
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
