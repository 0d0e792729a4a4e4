"""Checks on the stored notebooks that nbval does not make: layout, Colab, stored outputs."""

from __future__ import annotations

import ast
import re
import shutil
from functools import cache
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
BADGE = re.compile(
    r"\(https://colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/main/notebooks/([\w.-]+)\)"
)
MACHINE_PATHS = re.compile(r"(?<![\w.])/(root|work|tmp|home|Users)/")


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 11


@cache
def _repository_in_readme() -> str:
    found = BADGE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md has no Colab badge"
    return found[0][0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_title_badge_and_colab_cell(path: Path):
    nb = nbformat.read(path, as_version=4)
    title, setup = nb.cells[0], nb.cells[1]
    assert title.cell_type == "markdown"
    assert title.source.startswith(f"# {path.name[:2]} · "), "title: '# NN · ...'"
    badge = BADGE.search(title.source)
    assert badge, "the title cell needs an 'Open In Colab' badge"
    assert badge.group(2) == path.name, "the badge must open this very notebook"
    repository = _repository_in_readme()
    assert badge.group(1) == repository, "badge and README point at different repositories"
    assert setup.cell_type == "code"  # the Colab cell: tests/test_routes.py runs it
    assert 'if "google.colab" in sys.modules:' in setup.source
    assert f"https://github.com/{repository}" in setup.source
    assert setup.outputs == [], "the Colab cell must do nothing outside Colab"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_executed_and_clean(path: Path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            # Headings start with one or more '#' and a space; a stray '# ' prefix on
            # every line (left from a percent-format source) would make prose a heading.
            assert not cell.source.startswith("# #"), f"cell {index}: doubled heading mark"
            continue
        assert cell.execution_count is not None, f"cell {index} stored unexecuted"
        for output in cell.outputs:
            assert output.output_type != "error", f"cell {index} stored an error"
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert not MACHINE_PATHS.search(text), f"cell {index} shows a machine path"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_have_collapsed_solutions(path: Path):
    nb = nbformat.read(path, as_version=4)
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    if path.name.startswith("00"):
        return  # the setup check has no exercises
    assert solutions, "each notebook ends with exercises and their solutions"
    for cell in solutions:
        hidden = cell.metadata.get("jupyter", {})
        assert hidden.get("source_hidden") is True, "a solution's code is collapsed"
        assert hidden.get("outputs_hidden") is True, "a solution's outputs are collapsed too"


def bound_names(source: str) -> set[str]:
    """Names a cell binds at module level: assignments, loops, imports, defs, classes."""
    magic = ("!", "%")  # shell and IPython lines are not Python: read them as `pass`
    code = "\n".join(
        line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(magic) else line
        for line in source.splitlines()
    )
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            return  # what is inside a function or class is local to it
        if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp):
            return
        if isinstance(node, ast.GeneratorExp):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(code))
    return names - {"_"}


def test_bound_names():
    source = "import numpy as np\nfor i, (a, b) in x:\n    c = [k for k in y]\ndef f(z):\n    w = 1"
    assert bound_names(source) == {"np", "i", "a", "b", "c", "f"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_solutions_keep_the_lesson_names(path: Path):
    """Re-running a lesson cell after the solutions must work: no solution rebinds its names."""
    nb = nbformat.read(path, as_version=4)
    lesson: set[str] = set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if "solution" in cell.metadata.get("tags", []):
            clash = bound_names(cell.source) & lesson
            assert not clash, f"cell {index} (a solution) rebinds lesson names {sorted(clash)}"
        else:
            lesson |= bound_names(cell.source)


def test_setup_check_runs_from_another_folder(tmp_path: Path):
    """Notebook 00 as on Colab: the working folder is not the course's."""
    nb = nbformat.read(ROOT / "notebooks" / "00_setup_check.ipynb", as_version=4)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(elsewhere)}}
    )
    client.execute()  # raises CellExecutionError if any cell fails
    assert not any(elsewhere.iterdir()), "notebook 00 wrote files into the working folder"
    shutil.rmtree(elsewhere)


def test_every_exercise_check_is_called_once_by_a_solution():
    """The reference solutions call every check, so nbval runs each on a right answer."""
    from course_utils.checks._core import _CHECKS

    called: list[str] = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if "solution" in cell.metadata.get("tags", []):
                ids = re.findall(r'^check\("(\d\d\.\d)"', cell.source, flags=re.MULTILINE)
                assert all(i.startswith(path.name[:2]) for i in ids), (path.name, ids)
                called += ids
    assert sorted(called) == sorted(_CHECKS), "each check is called by exactly one solution"
