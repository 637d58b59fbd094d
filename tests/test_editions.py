"""The student and teacher editions (scripts/editions.py): plain Markdown, no leaked solution, exact links.

The conversion tests feed small MyST snippets and compare with the Markdown a reader should see; the
edition tests search the committed notebooks and the built HTML editions for the text of every solution.
"""

from __future__ import annotations

import json
import sys
import re
from pathlib import Path
from types import SimpleNamespace

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import editions  # noqa: E402  (scripts/ is not a package)

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO = CONFIG["repository"]["url"].removeprefix("https://github.com/")
BRANCH = CONFIG["repository"]["branch"]
STEMS = [p.stem for p in editions.notebook_chapters()]


def ctx(**glue):
    return editions.Context(
        "04_who_reaches_ned",
        {k: str(v) for k, v in glue.items()},
        editions.bibliography(),
        {"ex-logit-2": ("04_who_reaches_ned", "4.2"), "ex-pfs-1": ("05_pfs", "5.1")},
        {"05_pfs": "Progression-free survival", "a2_glossary": "Glossary"},
        {"04_who_reaches_ned", "05_pfs"},
        [],
    )


# --- MyST roles and directives become plain Markdown ------------------------------------------------


@pytest.mark.parametrize(
    "myst, plain",
    [
        ("{term}`NED`", "NED"),
        ("{term}`hazard ratios <HR>`", "hazard ratios"),
        ("{glue:text}`pct:.1f` %", "46.6 %"),
        ("{glue:text}`n`", "118"),
        ("{cite}`dursun2026`", "(Dursun et al., 2026)"),
        ("{cite}`dursun2026,haji2021`", "(Dursun et al., 2026; Haji and Hurvitz, 2021)"),
        ("{doc}`05_pfs`", "[Progression-free survival](05_pfs.ipynb)"),
        (
            "{doc}`the glossary <a2_glossary>`",
            f"[the glossary](https://github.com/{REPO}/blob/{BRANCH}/chapters/a2_glossary.md)",
        ),
        ("{ref}`ex-logit-2`", "[Exercise 4.2](#exercise-4-2)"),
        ("{ref}`ex-pfs-1`", "[Exercise 5.1](05_pfs.ipynb#exercise-5-1)"),
    ],
)
def test_roles_become_plain_markdown(myst, plain):
    assert editions.convert_roles(myst, ctx(pct=46.61, n=118)) == plain


def test_cited_works_are_collected_for_the_reference_list():
    c = ctx()
    editions.convert_roles("{cite}`haji2021` and {cite}`dursun2026,haji2021`", c)
    assert c.cited == ["haji2021", "dursun2026"]


def test_an_unknown_role_key_or_glue_name_is_an_error_naming_it():
    with pytest.raises(ValueError, match="no plain-Markdown form for the role {abbr}"):
        editions.convert_roles("{abbr}`x`", ctx())
    with pytest.raises(KeyError, match="no_such_value"):
        editions.convert_roles("{glue:text}`no_such_value`", ctx())
    with pytest.raises(KeyError, match="nobody2030"):
        editions.convert_roles("{cite}`nobody2030`", ctx())


def test_an_admonition_becomes_a_block_quote():
    md = "```{admonition} The data are synthetic\n:class: important\nNo patient is real.\n```"
    assert editions._plain_md(md, ctx()) == "> **The data are synthetic**\n>\n> No patient is real."


EXERCISE_CELL = """## Exercises

```{exercise} Events per variable
:label: ex-logit-2
Compute it. Check with `her2ned.checks.logistic.ex_events_per_variable(answer)`.
```

```{solution} ex-logit-2
:class: dropdown
Eleven, just above the rule of thumb.

    from her2ned.checks.logistic import ex_events_per_variable
    ex_events_per_variable(55 / 5)
```
"""


def convert(edition):
    c = ctx()
    exercises = editions.collect_exercises("04_who_reaches_ned", EXERCISE_CELL, c)
    return editions.convert_markdown_cell(EXERCISE_CELL, c, edition, exercises)


def test_student_exercise_is_a_numbered_block_an_empty_answer_cell_and_its_self_check():
    cells = convert("student")
    assert [c.cell_type for c in cells] == ["markdown", "markdown", "code", "code"]
    assert cells[0].source == "## Exercises"
    assert cells[1].source.endswith(
        "### Exercise 4.1 · Events per variable\n\nCompute it. Check with "
        "`her2ned.checks.logistic.ex_events_per_variable(answer)`."
    )
    assert cells[2].source == "# Your answer to exercise 4.1"
    assert cells[3].source.splitlines()[1:] == [
        "import her2ned.checks.logistic",
        "her2ned.checks.logistic.ex_events_per_variable(None)",
    ]
    assert not any("Eleven" in c.source or "55 / 5" in c.source for c in cells)


def test_teacher_exercise_adds_the_solution_text_and_its_code_as_a_runnable_cell():
    cells = convert("teacher")
    assert cells[4].cell_type == "markdown"
    assert cells[4].source == "**Solution to exercise 4.1.** Eleven, just above the rule of thumb."
    assert cells[5].cell_type == "code"
    assert cells[5].source == (
        "from her2ned.checks.logistic import ex_events_per_variable\nex_events_per_variable(55 / 5)"
    )


def test_a_bare_check_name_is_imported_from_the_module_that_defines_it():
    ex = editions.Exercise("ex-her2-4", "1.4", "t", "", ["ex4_events(...)"])
    assert editions.self_check_cell(ex, ctx()).source.splitlines()[1:] == [
        "from her2ned.checks.her2 import ex4_events",
        "ex4_events(None)",
    ]


def test_glue_import_is_replaced_and_hidden_cells_stay_runnable_with_folded_input():
    cell = SimpleNamespace(
        source="from myst_nb import glue\nglue('n', 1, display=False)", metadata={"tags": ["hide-input"]}
    )
    out = editions.convert_code_cell(cell)
    assert "import glue" not in out.source and "def glue(" in out.source
    assert out.source.endswith("glue('n', 1, display=False)")
    assert out.metadata["jupyter"] == {"source_hidden": True} and out.metadata["tags"] == ["hide-input"]


# --- The committed notebooks -------------------------------------------------------------------------


def notebook(edition, stem):
    return json.loads(editions.edition_path(stem, edition).read_text(encoding="utf-8"))


def test_every_notebook_chapter_has_both_editions_committed():
    missing = [f"{e}/{s}" for e in editions.EDITIONS for s in STEMS if not editions.edition_path(s, e).exists()]
    assert not missing, f"run `python scripts/editions.py notebooks`; missing: {missing}"
    extra = {p.stem for p in (ROOT / "notebooks").rglob("*.ipynb")} - set(STEMS)
    assert not extra, f"notebooks without a chapter: {extra}"


@pytest.mark.parametrize("stem", STEMS)
def test_no_raw_myst_in_any_notebook(stem):
    for edition in editions.EDITIONS:
        for i, cell in enumerate(notebook(edition, stem)["cells"]):
            if cell["cell_type"] == "markdown":
                raw = re.findall(r"\{[a-z:-]+\}`|^```|^:::|^:[\w-]+:", cell["source"], flags=re.M)
                assert not raw, f"{edition}/{stem} cell {i}: raw MyST {raw}"


@pytest.mark.parametrize("stem", STEMS)
def test_first_cells_link_to_colab_and_install_the_package_from_the_configured_repository(stem):
    for edition in editions.EDITIONS:
        cells = notebook(edition, stem)["cells"]
        colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/notebooks/{edition}/{stem}.ipynb"
        assert f"[Open in Colab]({colab})" in cells[0]["source"]
        assert f'"her2ned @ git+https://github.com/{REPO}@{BRANCH}"' in cells[1]["source"]
        assert 'find_spec("her2ned") is None' in cells[1]["source"]


def test_student_notebooks_hold_no_solution_and_teacher_notebooks_every_one():
    fragments = editions.solution_fragments()
    chapter_labels = {
        label
        for stem in STEMS
        for label in re.findall(r"^:label: (ex-[\w-]+)", (ROOT / "chapters" / f"{stem}.md").read_text(), flags=re.M)
    }
    assert len(chapter_labels) >= 20
    student = editions.find_solutions(ROOT / "notebooks" / "student", fragments)
    leaked = {label: files for label, files in student.items() if files}
    assert not leaked, f"solution text in the student notebooks: {leaked}"
    # code that computes what only solutions quote (cells tagged "solution") is not in them either
    for stem in STEMS:
        cells = notebook("student", stem)["cells"]
        assert not [c for c in cells if "solution" in c["metadata"].get("tags", [])], stem
        chapter = jupytext.read(ROOT / "chapters" / f"{stem}.md")
        code = "\n".join("".join(c["source"]) for c in cells)
        for cell in chapter.cells:
            if "solution" in cell.metadata.get("tags", []):
                assert cell.source.strip().splitlines()[-1] not in code, f"{stem}: solution code leaked"
    teacher = editions.find_solutions(ROOT / "notebooks" / "teacher", fragments)
    absent = sorted(label for label in chapter_labels if not teacher[label])
    assert not absent, f"solutions missing from the teacher notebooks: {absent}"


# --- Launch links ------------------------------------------------------------------------------------


def _run_edition_buttons(url, tmp_path, edition="student"):
    (tmp_path / "notebooks" / "student").mkdir(parents=True)
    (tmp_path / "notebooks" / "teacher").mkdir(parents=True, exist_ok=True)
    for e in ("student", "teacher"):
        (tmp_path / "notebooks" / e / "04_who_reaches_ned.ipynb").write_text("{}")
    sys.path.insert(0, str(ROOT / "_ext"))
    import book_fixes as fixes

    app = SimpleNamespace(
        config=SimpleNamespace(her2ned_edition=edition),
        srcdir=str(tmp_path),
        outdir=str(tmp_path / "html"),
        env=SimpleNamespace(doc2path=lambda name: str(tmp_path / f"{name}.md")),
    )
    buttons = [
        {"type": "group", "label": "launch-buttons", "buttons": [{"type": "link", "url": url}]},
        {
            "type": "group",
            "label": "download-buttons",
            "buttons": [{"type": "link", "label": "download-source-button", "url": "../_sources/x.md"}],
        },
    ]
    context = {"header_buttons": buttons, "pathto": lambda uri, resource=0: f"../{uri}"}
    fixes._edition_buttons(app, "chapters/04_who_reaches_ned", "page.html", context, None)
    return buttons


def test_a_jupyterhub_launch_goes_through_nbgitpuller_to_the_student_notebook(tmp_path):
    # the form sphinx-book-theme writes for launch_buttons.jupyterhub_url: urlencode(..., safe="/")
    theme_url = (
        "https://hub.example.edu/hub/user-redirect/git-pull?repo=https://github.com/her2ned/her2ned-book"
        "&urlpath=lab/tree/her2ned-book/chapters/04_who_reaches_ned.md&branch=main"
    )
    buttons = _run_edition_buttons(theme_url, tmp_path)
    assert buttons[0]["buttons"][0]["url"] == (
        "https://hub.example.edu/hub/user-redirect/git-pull?repo=https://github.com/her2ned/her2ned-book"
        "&urlpath=lab/tree/her2ned-book/notebooks/student/04_who_reaches_ned.ipynb&branch=main"
    )
    # and a fully encoded form (other theme versions) is rewritten the same way
    encoded = _run_edition_buttons(
        theme_url.replace("/chapters/04_who_reaches_ned.md", "%2Fchapters%2F04_who_reaches_ned.md"), tmp_path / "b"
    )
    assert encoded[0]["buttons"][0]["url"].endswith("%2Fnotebooks%2Fstudent%2F04_who_reaches_ned.ipynb&branch=main")


def test_the_student_edition_offers_the_student_notebook_and_no_source(tmp_path):
    buttons = _run_edition_buttons(
        "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/chapters/04_who_reaches_ned.md", tmp_path
    )
    assert buttons[0]["buttons"][0]["url"] == (
        "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/student/04_who_reaches_ned.ipynb"
    )
    downloads = buttons[1]["buttons"]
    assert [b["label"] for b in downloads] == ["download-notebook-button"]
    assert downloads[0]["url"] == "../notebooks/student/04_who_reaches_ned.ipynb"
    assert (tmp_path / "html" / "notebooks" / "student" / "04_who_reaches_ned.ipynb").exists()


def _links(html_file: Path) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html_file.read_text(encoding="utf-8")))


@pytest.mark.book
@pytest.mark.parametrize("stem", STEMS)
def test_built_pages_launch_and_download_the_edition_notebooks(book_html, student_html, stem):
    for html, edition in ((book_html, "teacher"), (student_html, "student")):
        page = html / "chapters" / f"{stem}.html"
        links = _links(page)
        binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/notebooks/student/{stem}.ipynb"
        colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/notebooks/student/{stem}.ipynb"
        download = f"../notebooks/{edition}/{stem}.ipynb"
        web = sorted(link for link in links if "http" in link)
        assert {binder, colab, download} <= links, f"{edition} {stem}: {web}"
        assert (page.parent / download).read_bytes() == editions.edition_path(stem, edition).read_bytes()
        assert not any(
            "/chapters/" in link and link.endswith(".md") for link in links if "mybinder" in link or "colab" in link
        )
        if edition == "student":
            assert not any("_sources" in link for link in links), f"student {stem} links to its source"


# --- The student HTML edition ------------------------------------------------------------------------


@pytest.mark.book
def test_student_html_edition_holds_no_solution_and_the_teacher_edition_every_one(book_html, student_html):
    fragments = editions.solution_fragments()
    leaked = {k: v for k, v in editions.find_solutions(student_html, fragments).items() if v}
    assert not leaked, f"solution text in the student edition: {leaked}"
    assert not (student_html / "_sources").exists()
    teacher = editions.find_solutions(book_html, fragments)
    absent = sorted(k for k, v in teacher.items() if not v)
    assert not absent, f"solutions missing from the teacher edition: {absent}"
