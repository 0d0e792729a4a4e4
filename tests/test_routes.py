"""Every route a learner takes, walked once: Colab, a Windows clone, `make lab`, offline.

(Apple silicon's default device is tested in test_units.py, with MPS faked.) None of
these tests needs the internet: the Colab cell clones this repository from the disk, and
the Windows clone reads its data with every network connection refused.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(
    GIT is None or not (ROOT / ".git").exists(), reason="needs git and a git checkout"
)


def clone(target: Path, *options: str) -> Path:
    """A shallow clone of this repository's last commit, as a learner would get it."""
    subprocess.run(
        [GIT, *options, "clone", "--quiet", "--depth", "1", ROOT.as_uri(), str(target)],
        check=True,
        capture_output=True,
    )
    return target


def setup_cell(path: Path) -> str:
    return next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code").source


def test_every_notebook_has_the_same_live_setup_cell():
    first = {path.name: setup_cell(path) for path in NOTEBOOKS}
    assert len(set(first.values())) == 1, "the Colab cells differ: make them identical"
    source = next(iter(first.values()))
    assert not re.search(r"^\s*#\s*(!|%)", source, re.M), "a clone or install line is commented out"
    assert re.search(r"^\s+!git clone .*\{REPO\}", source, re.M)
    assert re.search(r"^\s+%pip install .*--editable", source, re.M)


# A stand-in for Colab, run in the kernel before the setup cell: the module whose presence
# the cell tests, and a `%pip` that only checks, offline, that the clone installs.
FAKE_COLAB = """
import shlex, subprocess, sys, types
from IPython.core.magic import register_line_magic

sys.modules["google.colab"] = types.ModuleType("google.colab")
PIP_CALLS = []

@register_line_magic
def pip(line):
    PIP_CALLS.append(line)
    options = ["--dry-run", "--no-deps", "--no-build-isolation", "--no-index"]
    subprocess.run([sys.executable, "-m", "pip", *shlex.split(line), *options], check=True)
"""


@needs_git
def test_colab_setup_cell_clones_installs_and_imports_from_the_clone(tmp_path: Path):
    """Notebook 05 as Colab runs it: cell 1 clones the course, then its next cells work."""
    origin = clone(tmp_path / "origin")  # stands in for GitHub
    scratch = tmp_path / "content"  # Colab's working folder
    scratch.mkdir()
    nb = nbformat.read(ROOT / "notebooks" / "05_names_rnn_from_scratch.ipynb", as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    setup = code[0]
    github = re.search(r'REPO = "(https://github\.com/[^"]+)"', setup.source).group(1)
    setup.source = setup.source.replace(github, origin.as_uri())
    # The first cell that imports course_utils, and what it is imported from.
    first_import = next(cell for cell in code[1:] if "course_utils" in cell.source)
    probe = nbformat.v4.new_code_cell(
        "import course_utils, json\nprint(json.dumps([course_utils.__file__, PIP_CALLS]))"
    )
    nb.cells = [nbformat.v4.new_code_cell(FAKE_COLAB), setup, first_import, probe]
    env = {**os.environ, "PIP_NO_INPUT": "1"}
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(scratch)}}
    ).execute(env=env)
    imported, pip_calls = json.loads(nb.cells[-1].outputs[-1]["text"].splitlines()[-1])
    clone_folder = scratch / "rnn-course"
    assert (clone_folder / "course_utils").is_dir(), "the setup cell did not clone the course"
    assert Path(imported).resolve().is_relative_to(clone_folder.resolve())
    assert len(pip_calls) == 1 and str(clone_folder) in pip_calls[0]


def test_solutions_are_folded_and_keep_no_output():
    """On Colab a solution shows as its title only, and no solution output is stored."""
    from course_utils.student import fold_solutions

    for path in NOTEBOOKS:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assert fold_solutions(notebook) == notebook, f"{path.name}: run `make notebooks ONLY=..`"
        for cell in notebook["cells"]:
            if "solution" in cell["metadata"].get("tags", []):
                assert cell["outputs"] == [] and cell["metadata"]["cellView"] == "form"
                assert cell["source"][0].startswith("# @title Solution")


@needs_git
@pytest.mark.parametrize("line_ends", ["as git checks them out", "rewritten as CRLF"])
def test_windows_clone_reads_the_names_data_offline(tmp_path: Path, line_ends: str):
    """Git for Windows defaults to core.autocrlf=true; an older clone may hold CRLF files."""
    course = clone(tmp_path / "c", "-c", "core.autocrlf=true")
    if line_ends == "rewritten as CRLF":
        for path in (course / "data" / "names").glob("*.txt"):
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    offline = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('the network is off in this test')\n"
        "socket.socket.connect = socket.create_connection = refuse\n"
        "from course_utils.names import load_names\n"
        "print(len(load_names()))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(course)}
    env.pop("COURSE_DATA_DIR", None)
    result = subprocess.run(
        [sys.executable, "-c", offline], cwd=course, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["20070"]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_lab_writes_the_learner_copies_and_opens_them(tmp_path: Path):
    """The README's first command: copies written when missing, edits kept, copy 00 opened."""
    work = tmp_path / "work"
    command = [
        "make", "--no-print-directory", "-C", str(ROOT), "lab", "-o", ".venv/.installed",
        f"BIN={Path(sys.executable).parent}", f"WORK={work}", "JUPYTER_LAB=echo jupyter lab",
    ]  # fmt: skip
    first = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert sorted(p.name for p in work.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    assert first.rstrip().endswith(f"--ServerApp.root_dir=. {work}/00_setup_check.ipynb")
    mine = work / NOTEBOOKS[1].name
    notebook = json.loads(mine.read_text(encoding="utf-8"))
    notebook["cells"][-1]["source"] = ["my own note\n"]
    mine.write_text(json.dumps(notebook), encoding="utf-8")
    (work / NOTEBOOKS[2].name).unlink()  # a copy deleted by mistake comes back
    again = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert f"kept    {mine.name}" in again and f"wrote   {NOTEBOOKS[2].name}" in again
    assert "my own note" in mine.read_text(encoding="utf-8")
