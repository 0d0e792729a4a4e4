"""make student: learner copies with stubs, outputs kept, and a learner's edits kept safe."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from course_utils.student import (
    ANSWER,
    fold_solution,
    fold_solutions,
    learner_copy,
    main,
    make_stub,
    write_copies,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def text(cell: dict) -> str:
    return "".join(cell["source"])


def test_stub_keeps_signatures_answers_and_the_check():
    solution = '''# Solution 3
# NBVAL_IGNORE_OUTPUT
@staticmethod
def crack(ciphertext: str, crib: str) -> int | None:
    """The key."""
    for key in range(27):
        return key


class Wide(Base):
    def forward(self, x):
        return x * 2


table = {k: crack("A", "B") for k in range(3)}
print(crack("X", "Y"))
check("01.3", crack, table)
'''
    stub = make_stub(solution)
    assert stub.startswith(f"# Exercise 3: {ANSWER}")
    assert "NBVAL" not in stub and "range(27)" not in stub and "print(" not in stub
    assert 'def crack(ciphertext: str, crib: str) -> int | None:\n    """The key."""' in stub
    assert "@staticmethod" in stub and "class Wide(Base):\n    def forward(self, x):" in stub
    assert f"table = ...  # {ANSWER}" in stub and "crack = ..." not in stub
    assert stub.rstrip().endswith('check("01.3", crack, table)')
    ast.parse(stub)  # valid Python: the learner can run it at once


def test_stub_of_a_cell_without_a_check():
    stub = make_stub("# Solution 1, continued: the check\nx = 1\nprint(x)\n")
    assert stub == f"# Exercise 1 (continued): {ANSWER}\n"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_learner_copy_of_each_notebook(path: Path):
    reference = json.loads(path.read_text(encoding="utf-8"))
    copy = learner_copy(reference)
    assert len(copy["cells"]) == len(reference["cells"])
    for before, after in zip(reference["cells"], copy["cells"], strict=True):
        if "solution" in before["metadata"].get("tags", []):
            assert "exercise" in after["metadata"]["tags"]
            assert after["outputs"] == [] and after["execution_count"] is None
            assert "jupyter" not in after["metadata"]  # the stub is shown, not hidden
            assert text(after).startswith("# Exercise") and ANSWER in text(after)
            ast.parse(text(after))
            body = [line for line in text(before).splitlines() if line and not line.startswith("#")]
            kept = set(text(after).splitlines())
            leaked = [line for line in body if line in kept and "check(" not in line]
            signature = ("def ", "class ", "@", '"""')  # kept on purpose, with docstrings
            leaked = [line for line in leaked if not line.lstrip().startswith(signature)]
            assert not leaked, f"solution lines copied into the stub: {leaked}"
        elif "predict" in before["metadata"].get("tags", []):
            assert after["outputs"] == [] and after["execution_count"] is None
            assert after["source"] == before["source"]  # the learner predicts, then runs it
        else:
            assert after == before  # prose and lesson cells keep their outputs


def test_write_copies_keeps_edits_and_force_resets(tmp_path: Path):
    target = tmp_path / "work"
    report = write_copies(ROOT / "notebooks", target)
    assert len(report) == len(NOTEBOOKS) and all(line.startswith("wrote") for line in report)
    mine = target / NOTEBOOKS[3].name
    notebook = json.loads(mine.read_text(encoding="utf-8"))
    notebook["cells"][-1]["source"] = ["my answer = 42\n"]
    mine.write_text(json.dumps(notebook), encoding="utf-8")
    other = target / NOTEBOOKS[4].name
    other.write_text("{ not json", encoding="utf-8")  # unreadable: treated as the learner's

    again = write_copies(ROOT / "notebooks", target)
    kept = [line for line in again if line.startswith("kept")]
    assert len(kept) == 2 and "FORCE=1 ONLY=" in kept[0]
    assert "my answer = 42" in mine.read_text(encoding="utf-8")  # nothing lost

    write_copies(ROOT / "notebooks", target, force=True, only=NOTEBOOKS[3].name[:2])
    assert "my answer = 42" not in mine.read_text(encoding="utf-8")
    assert other.read_text(encoding="utf-8") == "{ not json"  # --only left the other alone
    with pytest.raises(ValueError, match=r"no notebook .* starts with '99'"):
        write_copies(ROOT / "notebooks", target, only="99")


def test_main(tmp_path: Path, capsys):
    assert main(["--target", str(tmp_path / "work")]) == 0
    assert "fill in the stubs" in capsys.readouterr().out
    assert main(["--target", str(tmp_path / "work"), "--only", "99"]) == 2
    assert "no notebook" in capsys.readouterr().err


def test_fold_solutions_hides_code_and_output_and_stubs_still_work():
    reference = {
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["**1.** Write it."]},
            {
                "cell_type": "code",
                "metadata": {"tags": ["solution"]},
                "execution_count": 3,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["✓ 01.1\n"]}],
                "source": [
                    "# NBVAL_IGNORE_OUTPUT\n",
                    "# Solution 1\n",
                    "x = 6 * 7\n",
                    'check("0", x)',
                ],
            },
            {
                "cell_type": "code",
                "metadata": {"tags": ["predict"]},
                "execution_count": 4,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["the table\n"]}],
                "source": ["print('the table')"],
            },
        ],
    }
    folded = fold_solutions(reference)
    cell = folded["cells"][1]
    assert cell["source"][0] == '# @title Solution 1 { display-mode: "form" }\n'
    assert "NBVAL_IGNORE_OUTPUT" not in text(cell) and cell["outputs"] == []
    assert cell["metadata"]["cellView"] == "form"
    assert "nbval-ignore-output" in cell["metadata"]["tags"]
    assert cell["execution_count"] == 3  # still run and checked by nbval, outputs not compared
    assert fold_solutions(folded) == folded
    assert folded["cells"][2]["outputs"] == []  # a predict cell shows nothing before it runs
    assert "nbval-ignore-output" in folded["cells"][2]["metadata"]["tags"]
    copy = learner_copy(folded)
    stub_cell, predict_cell = copy["cells"][1], copy["cells"][2]
    assert text(stub_cell).startswith(f"# Exercise 1: {ANSWER}") and "6 * 7" not in text(stub_cell)
    assert stub_cell["metadata"] == {"tags": ["exercise"]}
    assert predict_cell["outputs"] == [] and predict_cell["execution_count"] is None
    with pytest.raises(ValueError, match="must have a '# Solution N' line"):
        fold_solution("x = 1")


def test_main_folds_a_notebook(tmp_path: Path, capsys):
    path = tmp_path / NOTEBOOKS[1].name
    shutil.copy(NOTEBOOKS[1], path)
    assert main(["--fold", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == NOTEBOOKS[1].read_text(encoding="utf-8")
