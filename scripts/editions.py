"""The student and teacher editions, generated from the MyST chapters (the only source).

Usage::

    .venv/bin/python scripts/editions.py notebooks   # execute each chapter, write notebooks/{student,teacher}/
    .venv/bin/python scripts/editions.py html        # the student HTML edition, in _build/student/_build/html

A *student notebook* is plain Jupyter Markdown that reads well in JupyterLab, Colab and VS Code with no
extension: glossary terms written out, glued numbers filled in with their values, citations as
"(Dursun et al., 2026)" with a reference list, admonitions as block quotes, each exercise a numbered
block followed by an empty answer cell and its self-check call, hidden cells kept runnable (their input
collapsed), and no solution anywhere. The *teacher notebook* is the same plus every solution and its
code. Glued values come from executing the chapter, so the notebooks are regenerated whenever a
chapter's numbers change; ``tests/test_chapters.py`` fails when a committed notebook is out of date.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import pkgutil
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = ROOT / "notebooks"
EDITIONS = ("student", "teacher")
STUDENT_HTML = ROOT / "_build" / "student"

# ---------------------------------------------------------------------------------------------------
# What the book's configuration says


def repository() -> tuple[str, str]:
    """(GitHub URL, branch) of the repository named in _config.yml (the teacher's fork)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def colab_url(stem: str, edition: str = "student") -> str:
    """The Colab address of a generated notebook, as Colab opens a file from GitHub."""
    url, branch = repository()
    owner_repo = url.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/notebooks/{edition}/{stem}.ipynb"


def pip_requirement() -> str:
    """What the install cell gives pip: the package from the repository named in _config.yml."""
    url, branch = repository()
    return f"her2ned @ git+{url}@{branch}"


def notebook_chapters() -> list[Path]:
    """MyST chapters with code cells (plain pages such as the teaching guide are not notebooks)."""
    out = []
    for path in sorted(CHAPTERS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\njupytext:") and "```{code-cell}" in text:
            out.append(path)
    return out


def chapter_title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"{path.name} has no '# ' title")


def chapter_number(stem: str) -> str:
    """'04_who_reaches_ned' -> '4' (appendix pages keep their letter: 'a1')."""
    prefix = stem.split("_", 1)[0]
    return str(int(prefix)) if prefix.isdigit() else prefix


# ---------------------------------------------------------------------------------------------------
# Citations


def _latex_to_text(s: str) -> str:
    """The little LaTeX references.bib uses: accents in braces, protective braces."""
    accents = {
        '"': "\u0308",
        "'": "\u0301",
        "`": "\u0300",
        "^": "\u0302",
        "~": "\u0303",
        "c": "\u0327",
        "u": "\u0306",
        "v": "\u030c",
        "=": "\u0304",
        ".": "\u0307",
    }
    s = s.replace(r"{\i}", "ı").replace(r"\i", "ı")

    def accent(m):
        return m.group(2) + accents[m.group(1)]

    s = re.sub(r"\{\\([\"'`^~=.]|[cuv])\{?(\w)\}?\}", accent, s)
    s = re.sub(r"\\([\"'`^~=.])\{?(\w)\}?", accent, s)
    return unicodedata.normalize("NFC", s.replace("{", "").replace("}", "").replace("--", "–"))


def bibliography(path: Path = ROOT / "references.bib") -> dict[str, dict[str, str]]:
    """{key: {"short": "Dursun et al., 2026", "full": "Dursun B, ... (2026). Title. Journal 18:915."}}."""
    from pybtex.database import parse_file

    entries = {}
    for key, entry in parse_file(str(path)).entries.items():
        people = entry.persons.get("author", [])
        last = [_latex_to_text(" ".join(p.last_names)) for p in people if str(p) != "others"]
        etal = any(str(p) == "others" for p in people) or len(last) > 2
        year = entry.fields.get("year", "n.d.")
        if not last:
            short_names = _latex_to_text(entry.fields.get("organization", key))
        elif etal:
            short_names = f"{last[0]} et al."
        else:
            short_names = " and ".join(last)
        names = ", ".join(
            _latex_to_text(" ".join(p.last_names))
            + " "
            + "".join(_latex_to_text(n)[0] for n in p.first_names + p.middle_names)
            for p in people
            if str(p) != "others"
        )
        if etal and any(str(p) == "others" for p in people):
            names += ", et al."
        f = {k: _latex_to_text(v) for k, v in entry.fields.items()}
        where = f.get("journal") or f.get("booktitle") or f.get("publisher") or f.get("howpublished", "")
        volume = f" {f['volume']}" if "volume" in f else ""
        pages = f":{f['pages']}" if "pages" in f else ""
        doi = f" https://doi.org/{f['doi']}" if "doi" in f else (f" {f['url']}" if "url" in f else "")
        title = f.get("title", "").rstrip(".")
        title += "" if title.endswith(("?", "!")) else "."
        full = f"{names or short_names} ({year}). {title} *{where}*{volume}{pages}.{doi}".strip()
        entries[key] = {"short": f"{short_names}, {year}", "full": full}
    return entries


# ---------------------------------------------------------------------------------------------------
# MyST -> plain Jupyter Markdown


@dataclass
class Exercise:
    label: str
    number: str  # "4.2"
    title: str
    body: str  # converted Markdown
    checks: list[str]  # self-check calls named in the exercise, e.g. "check.ex1_change(...)"


@dataclass
class Context:
    """What a conversion needs to know beyond the text: glued values, citations, exercises, links."""

    stem: str
    glue: dict[str, str]
    bib: dict[str, dict[str, str]]
    exercise_numbers: dict[str, tuple[str, str]]  # label -> (chapter stem, "4.2")
    titles: dict[str, str]  # chapter stem -> title
    notebook_stems: set[str]
    cited: list[str]


ROLE = re.compile(r"\{(?P<role>[a-z:]+)\}`(?P<content>[^`]*)`")
FENCE = re.compile(r"^(?P<ticks>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
# a self-check named in an exercise: `f(...)`, `f("…")`, `f(answer)` or `f(new_call, old_call)`
CHECK_CALL = re.compile(r"^(?P<func>[A-Za-z_][\w.]*)\((?P<args>(?:\s*(?:\.\.\.|\"…\"|'…'|[a-z_]+)\s*,?)*)\)$")


def _glued(name_fmt: str, ctx: Context) -> str:
    from myst_nb.core.variables import format_plain_text

    name, _, fmt = name_fmt.partition(":")
    if name not in ctx.glue:
        raise KeyError(f"{ctx.stem}: {{glue:text}}`{name_fmt}` has no glued value (was the chapter executed?)")
    return format_plain_text(ctx.glue[name], fmt)


def _doc_link(target: str, text: str | None, ctx: Context) -> str:
    stem = target.rsplit("/", 1)[-1]
    label = text or ctx.titles.get(stem, stem)
    if stem in ctx.notebook_stems:
        return f"[{label}]({stem}.ipynb)"
    url, branch = repository()
    return f"[{label}]({url}/blob/{branch}/chapters/{stem}.md)"


def convert_roles(text: str, ctx: Context) -> str:
    """Replace every MyST role by plain Markdown."""

    def role(m: re.Match) -> str:
        kind, content = m.group("role"), m.group("content")
        explicit = re.fullmatch(r"(?P<text>.*?)\s*<(?P<target>[^>]+)>", content)
        text, target = (explicit["text"], explicit["target"]) if explicit else (None, content)
        if kind == "term":
            return text or target
        if kind == "glue:text":
            return _glued(content, ctx)
        if kind in ("cite", "cite:p"):
            keys = [k.strip() for k in content.split(",")]
            for k in keys:
                if k not in ctx.bib:
                    raise KeyError(f"{ctx.stem}: unknown citation key {k!r}")
                if k not in ctx.cited:
                    ctx.cited.append(k)
            return "(" + "; ".join(ctx.bib[k]["short"] for k in keys) + ")"
        if kind == "doc":
            return _doc_link(target, text, ctx)
        if kind in ("ref", "numref"):
            if target in ctx.exercise_numbers:
                stem, number = ctx.exercise_numbers[target]
                where = "" if stem == ctx.stem else f"{stem}.ipynb"
                return f"[{text or 'Exercise ' + number}]({where}#exercise-{number.replace('.', '-')})"
            return text or target
        if kind == "math":
            return f"${content}$"
        raise ValueError(f"{ctx.stem}: no plain-Markdown form for the role {{{kind}}}")

    return ROLE.sub(role, text)


def _split_directive(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Options (``:key: value`` lines at the top) and the body of a directive."""
    options, i = {}, 0
    while i < len(lines) and re.match(r"^:[\w-]+:", lines[i]):
        key, _, value = lines[i][1:].partition(":")
        options[key] = value.strip()
        i += 1
    return options, lines[i:]


def parse_blocks(text: str) -> list[tuple]:
    """Split MyST Markdown into ("md", text) and ("directive", name, arg, options, body) blocks."""
    lines, blocks, buffer, i = text.splitlines(), [], [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            buffer.append(lines[i])
            i += 1
            continue
        if buffer:
            blocks.append(("md", "\n".join(buffer)))
            buffer = []
        ticks, body, i = m.group("ticks"), [], i + 1
        while i < len(lines) and lines[i].rstrip() != ticks:
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise ValueError(f"the {{{m.group('name')}}} directive opened with {ticks} is never closed")
        i += 1  # the closing fence
        options, body = _split_directive(body)
        blocks.append(("directive", m.group("name"), m.group("arg").strip(), options, "\n".join(body)))
    if buffer:
        blocks.append(("md", "\n".join(buffer)))
    return blocks


def _plain_md(text: str, ctx: Context) -> str:
    """Convert Markdown that may hold admonitions (not exercises) and roles."""
    out = []
    for block in parse_blocks(text):
        if block[0] == "md":
            md = "\n".join(
                line
                for line in block[1].splitlines()
                if not re.fullmatch(r"\((?:[\w-]+)\)=", line.strip()) and not line.startswith("%")
            )
            out.append(convert_roles(md, ctx))
            continue
        _, name, arg, options, body = block
        if name in ("exercise", "solution"):
            raise ValueError(f"{ctx.stem}: an {name} nested inside another directive")
        title = arg or name.capitalize()
        inner = _plain_md(body, ctx)
        quoted = "\n".join("> " + line if line else ">" for line in inner.splitlines())
        out.append(f"> **{convert_roles(title, ctx)}**\n>\n{quoted}")
    return "\n".join(out).strip("\n")


def _md_cell(text: str, **meta) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text.strip("\n"))
    cell.metadata.update(meta)
    return cell


def _code_cell(source: str, **meta) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source.strip("\n"))
    cell.metadata.update(meta)
    return cell


def self_check_cell(ex: Exercise, ctx: Context) -> nbformat.NotebookNode:
    """The exercise's self-check calls with ``None`` where the answer goes (a check never raises on it)."""
    imports, calls = [], []
    for call in ex.checks:
        m = CHECK_CALL.match(call)
        func, n_args = m["func"], max(1, len([a for a in m["args"].split(",") if a.strip()]))
        if "." not in func:  # a bare name: import it from the checks module that defines it
            imports.append(f"from {_checks_module_of(func)} import {func}")
        elif func.startswith("her2ned."):
            imports.append(f"import {func.rsplit('.', 1)[0]}")
        calls.append(f"{func}({', '.join(['None'] * n_args)})")
    body = calls[0] if len(calls) == 1 else "display(" + ", ".join(calls) + ")"
    lines = [f"# Self-check for exercise {ex.number}: put your answer in place of None and run the cell."]
    lines += sorted(set(imports)) + [body]
    return _code_cell("\n".join(lines), tags=["self-check"])


def _is_check(func: str) -> bool:
    """Is ``func`` (``ex1_group``, ``check.ex1_change``, ``her2ned.checks.her2.ex1_group``) a self-check?"""
    try:
        _checks_module_of(func.rsplit(".", 1)[-1])
        return True
    except ValueError:
        return False


def _checks_module_of(func: str) -> str:
    import her2ned.checks as checks

    for info in pkgutil.iter_modules(checks.__path__):
        module = importlib.import_module(f"her2ned.checks.{info.name}")
        if hasattr(module, func):
            return module.__name__
    raise ValueError(f"no her2ned.checks module defines {func!r}")


def _solution_cells(body: str, ex: Exercise, ctx: Context) -> list:
    """A solution: its text as Markdown, each indented code block in it as a runnable code cell."""
    cells, text, code = [], [], []

    def flush_text():
        if "".join(text).strip():
            prefix = "" if cells else f"**Solution to exercise {ex.number}.** "
            cells.append(_md_cell(prefix + _plain_md("\n".join(text).strip("\n"), ctx), tags=["solution"]))
        text.clear()

    lines = body.splitlines()
    for i, line in enumerate(lines):
        is_code = line.startswith("    ") and (code or not lines[i - 1].strip() if i else True)
        if is_code:
            if not code:
                flush_text()
            code.append(line[4:])
        else:
            if code and not line.strip() and i + 1 < len(lines) and lines[i + 1].startswith("    "):
                code.append("")
                continue
            if code:
                source = "\n".join(code).strip("\n")
                cells.append(_code_cell(source, tags=["solution"]))
                code = []
            text.append(line)
    if code:
        cells.append(_code_cell("\n".join(code), tags=["solution"]))
    flush_text()
    return cells


def convert_markdown_cell(text: str, ctx: Context, edition: str, exercises: dict[str, Exercise]) -> list:
    """One MyST Markdown cell -> the cells of an edition (an exercise adds its answer and check cells)."""
    cells, pending = [], []

    def flush():
        md = "\n\n".join(p for p in pending if p.strip())
        if md.strip():
            cells.append(_md_cell(md))
        pending.clear()

    for block in parse_blocks(text):
        if block[0] == "directive" and block[1] == "exercise":
            _, _, arg, options, body = block
            ex = exercises[options["label"]]
            flush()
            anchor = f'<a id="exercise-{ex.number.replace(".", "-")}"></a>'
            cells.append(_md_cell(f"{anchor}\n\n### Exercise {ex.number} · {ex.title}\n\n{ex.body}", tags=["exercise"]))
            cells.append(_code_cell(f"# Your answer to exercise {ex.number}", tags=["answer"]))
            if ex.checks:
                cells.append(self_check_cell(ex, ctx))
        elif block[0] == "directive" and block[1] == "solution":
            _, _, arg, options, body = block
            if edition == "teacher":
                flush()
                cells.extend(_solution_cells(body, exercises[arg], ctx))
        elif block[0] == "directive":
            _, name, arg, options, body = block
            pending.append(
                _plain_md(
                    f"```{{{name}}} {arg}\n" + "".join(f":{k}: {v}\n" for k, v in options.items()) + body + "\n```", ctx
                )
            )
        else:
            pending.append(_plain_md(block[1], ctx))
    flush()
    return cells


def collect_exercises(stem: str, text: str, ctx: Context) -> dict[str, Exercise]:
    """Number the chapter's exercises (chapter.k), convert their text and find the self-check calls
    each one names (inline code such as `` `check.ex1_change(...)` ``)."""
    out, k = {}, 0
    for block in parse_blocks(text):
        if block[0] == "directive" and block[1] == "exercise":
            _, _, arg, options, body = block
            k += 1
            checks = [
                c
                for c in re.findall(r"`([^`]+)`", body)
                if CHECK_CALL.match(c) and _is_check(CHECK_CALL.match(c)["func"])
            ]
            out[options["label"]] = Exercise(
                options["label"], f"{chapter_number(stem)}.{k}", convert_roles(arg, ctx), _plain_md(body, ctx), checks
            )
    return out


GLUE_IMPORT = "from myst_nb import glue"
GLUE_SHIM = (
    "def glue(name, value, display=True):  # the book's myst_nb.glue: here the values are "
    "already in the text\n    return None"
)


def convert_code_cell(cell) -> nbformat.NotebookNode:
    source = cell.source.replace(GLUE_IMPORT, GLUE_SHIM)
    tags = list(cell.metadata.get("tags", []))
    meta = {"tags": tags} if tags else {}
    if {"hide-input", "remove-input", "remove-cell", "hide-cell"} & set(tags):
        meta["jupyter"] = {"source_hidden": True}  # JupyterLab and VS Code fold the input
    return _code_cell(source, **meta)


def glue_values(executed) -> dict[str, str]:
    """The text/plain value of every glued variable in an executed notebook (as myst_nb reads them)."""
    from myst_nb.ext.glue import extract_glue_data_cell

    values = {}
    for cell in executed.cells:
        if cell.cell_type == "code":
            for key, output in extract_glue_data_cell(copy.deepcopy(cell)):
                values[key] = output["data"].get("text/plain", "")
    return values


def header_cells(stem: str, title: str, edition: str) -> list:
    """The edition's first cells: what this notebook is, the Colab link, and the install cell."""
    note = (
        "Student edition: exercises end in an empty answer cell and a self-check; solutions are in the teacher edition."
        if edition == "student"
        else "Teacher edition: every exercise is followed by its solution and model answer."
    )
    intro = (
        f"*{title}* · a chapter of the open teaching book *No evidence of disease in HER2-positive "
        f"metastatic breast cancer*, generated from `chapters/{stem}.md`. {note}\n\n"
        f"[Open in Colab]({colab_url(stem, edition)}) · run the next cell first: it installs the "
        f"book's `her2ned` package where it is missing (Colab, a fresh JupyterHub)."
    )
    install = (
        "# Installs the book's package where it is missing (e.g. on Colab); does nothing elsewhere.\n"
        "import importlib.util, subprocess, sys\n"
        'if importlib.util.find_spec("her2ned") is None:\n'
        '    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet",\n'
        f'                           "{pip_requirement()}"])'
    )
    return [_md_cell(intro, tags=["edition-header"]), _code_cell(install, tags=["install"])]


def make_edition(chapter: Path, executed, edition: str) -> nbformat.NotebookNode:
    """The student or teacher notebook of one chapter, from its MyST source and an executed copy."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, got {edition!r}")
    source = jupytext.read(chapter)
    stems = [p.stem for p in notebook_chapters()]
    numbers, titles = {}, {p.stem: chapter_title(p) for p in sorted(CHAPTERS.glob("*.md"))}
    for path in notebook_chapters():
        text = path.read_text(encoding="utf-8")
        for k, label in enumerate(re.findall(r"^:label: (ex-[\w-]+)", text, flags=re.M), start=1):
            numbers[label] = (path.stem, f"{chapter_number(path.stem)}.{k}")
    ctx = Context(chapter.stem, glue_values(executed), bibliography(), numbers, titles, set(stems), [])
    all_md = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
    exercises = collect_exercises(chapter.stem, all_md, ctx)

    cells = header_cells(chapter.stem, chapter_title(chapter), edition)
    for cell in source.cells:
        if cell.cell_type == "markdown":
            cells.extend(convert_markdown_cell(cell.source, ctx, edition, exercises))
        elif cell.cell_type == "code" and not (edition == "student" and "solution" in cell.metadata.get("tags", [])):
            cells.append(convert_code_cell(cell))  # a cell tagged "solution" computes what only solutions quote
    if ctx.cited:
        refs = "\n".join(f"- {ctx.bib[k]['full']}" for k in sorted(ctx.cited, key=lambda k: ctx.bib[k]["short"]))
        cells.append(_md_cell(f"## Reference list\n\n{refs}", tags=["references"]))
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "her2ned": {"edition": edition, "source": f"chapters/{chapter.stem}.md"},
    }
    for i, cell in enumerate(nb.cells):  # stable ids: a regenerated notebook equals the committed one
        cell.id = f"{edition[0]}{i:03d}"
    return nb


def serialise(nb) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def edition_path(stem: str, edition: str) -> Path:
    return NOTEBOOKS / edition / f"{stem}.ipynb"


# A watchdog, not a budget: the slowest cell of any chapter (chapter 9's cure detection) takes about 23 s on
# two idle cores, so a cell with no reply after 120 s means a silent kernel (a lost message; jupyter_client
# and nbclient have open reports of such hangs), not a slow computation.
WATCHDOG_S = 120


def execute(chapter: Path, timeout: int = WATCHDOG_S, retries: int = 1, on_retry=None):
    """Run a chapter in a fresh kernel (from chapters/, as the book does) and return the executed copy.

    A cell that gets no reply within ``timeout`` seconds (or a kernel that dies) fails with a message
    naming the chapter and the cell; the chapter is then run once more in a fresh kernel, and
    ``on_retry(message)`` is told, so a retry that passes is reported, not hidden. A cell that raises
    is not retried: that is the chapter's own error (``nbclient.exceptions.CellExecutionError``).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    for attempt in range(retries + 1):
        nb, running = jupytext.read(chapter), {}
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(chapter.parent)}},
            on_cell_start=lambda cell, cell_index: running.update(index=cell_index),
        )
        try:
            client.execute()
            return nb
        except (CellTimeoutError, DeadKernelError) as exc:
            message = (
                f"{chapter.name}: cell {running.get('index', '?')} got no reply within {timeout} s "
                f"(silent or dead kernel: {type(exc).__name__})"
            )
            if attempt == retries:
                raise TimeoutError(message + f"; still failing after {retries} retry in a fresh kernel") from exc
            if on_retry:
                on_retry(message + "; retried in a fresh kernel")


def executed_from_cache(chapter: Path, cache: Path):
    """The chapter as the book build executed it: its outputs from the build's jupyter-cache.

    Raises ``KeyError`` if the cache holds no execution of the chapter's current code.
    """
    from jupyter_cache import get_cache

    _, merged = get_cache(str(cache)).merge_match_into_notebook(jupytext.read(chapter))
    return merged


def write_notebooks(chapters: list[Path] | None = None) -> list[Path]:
    written = []
    for chapter in chapters or notebook_chapters():
        print(f"executing {chapter.name} ...", flush=True)
        executed = execute(chapter)
        for edition in EDITIONS:
            path = edition_path(chapter.stem, edition)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(serialise(make_edition(chapter, executed, edition)), encoding="utf-8")
            written.append(path)
            print(f"  wrote {path.relative_to(ROOT)}")
    return written


# ---------------------------------------------------------------------------------------------------
# Finding solution text (the student edition must have none, the teacher edition all)

PLAIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9 ,;.]*[A-Za-z0-9]")


def solution_fragments() -> dict[str, str]:
    """For every solution in the book, the longest run of plain words (no markup, no quotes or dashes,
    which Sphinx rewrites) that appears nowhere else in the book's text: typed the same in HTML and
    notebooks, so a search for it finds the solution and nothing else."""
    solutions, elsewhere = {}, []
    for path in sorted(CHAPTERS.glob("*.md")):
        for block in parse_blocks(path.read_text(encoding="utf-8")):
            if block[0] == "directive" and block[1] == "solution":
                solutions[block[2]] = block[4]
            else:
                elsewhere.append(block[1] if block[0] == "md" else block[4])
    rest = " ".join(" ".join(elsewhere).split())
    out = {}
    for label, body in solutions.items():
        prose = "\n".join(line for line in body.splitlines() if not line.startswith("    "))
        prose = re.sub(r"\{[a-z:]+\}`[^`]*`|`[^`]*`|\$[^$]*\$|\*\*|\*", "|", prose)
        runs = {" ".join(r.split()) for part in prose.split("|") for r in PLAIN_RUN.findall(part)}
        unique = sorted((r for r in runs if len(r.split()) >= 5 and r not in rest), key=len)
        if not unique:
            raise ValueError(f"the solution to {label} has no run of five plain words to search for")
        out[label] = unique[-1]
    return out


def text_of(path: Path) -> str:
    """A file's text as a reader sees it: tags dropped and entities decoded for HTML, whitespace folded."""
    import html

    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
    elif path.suffix in (".html", ".js"):
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(text.split())


def find_solutions(folder: Path, fragments: dict[str, str] | None = None) -> dict[str, list[str]]:
    """{solution label: [files under folder holding its text]} over every text file (pages, search
    index, sources, notebooks, downloads)."""
    fragments = fragments or solution_fragments()
    found = {label: [] for label in fragments}
    for path in sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in (".html", ".js", ".txt", ".md", ".ipynb", ".json", ".py")
    ):
        text = text_of(path)
        for label, fragment in fragments.items():
            if fragment in text:
                found[label].append(str(path.relative_to(folder)))
    return found


# ---------------------------------------------------------------------------------------------------
# The student HTML edition

STUDENT_OVERRIDES = {
    "hide_solutions": True,  # sphinx-exercise drops every solution directive from the doctree
    "html_copy_source": False,  # no _sources/*.md (they hold the solutions)
}


def build_student_html(out: Path = STUDENT_HTML, cache: Path = ROOT / "_build" / ".jupyter_cache") -> Path:
    """Build the book with no solution in it: not on the pages, not in _sources/, not in a download.

    ``cache`` is the teacher build's execution cache: the code is the same, so nothing runs twice.
    Raises ``subprocess.CalledProcessError`` (its output attached) if the strict build fails.
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = config["title"] + " (student edition)"
    config["sphinx"]["config"].update(STUDENT_OVERRIDES)
    config["sphinx"]["config"]["her2ned_edition"] = "student"
    config["execute"]["cache"] = str(cache)
    # paths in a config file are read relative to it: make them absolute for the copy in _build/
    config["sphinx"]["local_extensions"] = {
        name: str(ROOT / path) for name, path in config["sphinx"]["local_extensions"].items()
    }
    config["bibtex_bibfiles"] = [str(ROOT / f) for f in config["bibtex_bibfiles"]]
    out.mkdir(parents=True, exist_ok=True)
    path_config = out / "_config.yml"
    path_config.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(ROOT),
        "--config",
        str(path_config),
        "--path-output",
        str(out),
        "-W",
        "-n",
        "--keep-going",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    (out / "build.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0 or re.search(r"WARNING:|ERROR:", proc.stdout + proc.stderr):
        raise subprocess.CalledProcessError(proc.returncode, cmd, proc.stdout, proc.stderr)
    return out / "_build" / "html"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    nb = sub.add_parser("notebooks", help="execute the chapters and write notebooks/student and notebooks/teacher")
    nb.add_argument("chapters", nargs="*", help="chapter files (default: every notebook chapter)")
    sub.add_parser("html", help="build the student HTML edition into _build/student/_build/html")
    args = ap.parse_args(argv)
    if args.what == "notebooks":
        write_notebooks([Path(c).resolve() for c in args.chapters] or None)
    else:
        print(f"student edition: {build_student_html()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
