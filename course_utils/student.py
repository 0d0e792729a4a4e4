"""Learner copies of the notebooks: every exercise's solution becomes a stub to fill in.

    python -m course_utils.student                      # write work/NN_*.ipynb
    python -m course_utils.student --force              # reset every copy
    python -m course_utils.student --force --only 03    # reset notebook 03 only

    python -m course_utils.student --fold notebooks/03_*.ipynb   # after re-executing one

(``make student``, ``make student FORCE=1`` and ``make student FORCE=1 ONLY=03`` call
these; ``make lab`` calls the first.) A solution is a code cell tagged ``solution`` in a
reference notebook. Its copy keeps the functions' and classes' signatures (bodies become
``...``), sets each answer the exercise's ``check(...)`` reads to ``...``, and keeps the
``check(...)`` call, so the learner fills in the blanks and runs the check. Cells tagged
``predict`` ask the learner to predict a result first: they keep no output, here or in
the reference notebooks.
Every other cell keeps its outputs. A copy the learner has edited is never overwritten
without ``--force``.

In the reference notebooks a solution is folded (`fold_solutions`): collapsed in
JupyterLab, a form showing only its title on Colab, and stored without outputs, so that
no answer shows under its question anywhere. Only the standard library is used here: no
PyTorch, no Jupyter.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTION, EXERCISE, PREDICT = "solution", "exercise", "predict"
#: nbval's tag for a cell whose outputs are not compared: solutions are stored without any.
IGNORE_OUTPUT = "nbval-ignore-output"
ANSWER = "your answer here"
#: The first line of a solution: a Colab form title, which hides the code under it.
_TITLE = re.compile(r'^# (?:@title )?(Solution \d+[^{]*?)\s*(?:\{ display-mode: "form" \})?$')


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str], indent: str) -> str:
    """The decorators, the ``def`` line(s) and the docstring of a function, body ``...``."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    body = node.body[0]
    has_doc = isinstance(body, ast.Expr) and isinstance(getattr(body, "value", None), ast.Constant)
    has_doc = has_doc and isinstance(body.value.value, str)
    last = body.end_lineno if has_doc else body.lineno - 1
    head = lines[first:last]
    inner = " " * (len(head[-1]) - len(head[-1].lstrip())) if has_doc else indent + "    "
    return "\n".join([*head, f"{inner}...  # {ANSWER}"])


def _class_stub(node: ast.ClassDef, lines: list[str]) -> str:
    """The class line and its methods' signatures, every body ``...``."""
    head = lines[node.lineno - 1 : node.body[0].lineno - 1]
    methods = [
        _signature(item, lines, " " * item.col_offset)
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    return "\n".join(head) + "\n" + "\n\n".join(methods or [f"    ...  # {ANSWER}"])


def _bound_names(tree: ast.Module) -> set[str]:
    """Names a cell assigns at module level (not functions, classes or imports)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.For | ast.With):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                    names.add(inner.id)
    return names


def make_stub(source: str) -> str:
    """The learner's version of one solution cell.

    Example:
        >>> print(make_stub('# Solution 2\\nx = 6 * 7\\ncheck("01.2", x)'))
        # Exercise 2: your answer here
        <BLANKLINE>
        x = ...  # your answer here
        <BLANKLINE>
        check("01.2", x)
        <BLANKLINE>
    """
    lines = source.splitlines()
    header = next((m.group(1) for line in lines if (m := _TITLE.match(line))), "Solution")
    title = "# " + header.replace("Solution", "Exercise", 1).split(":")[0]
    title = re.sub(r"^# Exercise (\d+), continued.*$", r"# Exercise \1 (continued)", title)
    parts = [f"{title}: {ANSWER}"]
    tree = ast.parse(source)
    calls = [
        node
        for node in tree.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and getattr(node.value.func, "id", None) == "check"
    ]
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            parts.append(_signature(node, lines, ""))
        elif isinstance(node, ast.ClassDef):
            parts.append(_class_stub(node, lines))
    read = {n.id for call in calls for n in ast.walk(call) if isinstance(n, ast.Name)}
    answers = sorted((read - {"check"}) & _bound_names(tree))
    if answers:
        parts.append("\n".join(f"{name} = ...  # {ANSWER}" for name in answers))
    if calls:
        parts.append("\n".join(ast.get_source_segment(source, call) for call in calls))
    return "\n\n".join(parts) + "\n"


def _text(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def _fingerprint(cells: list[dict]) -> str:
    sources = [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells
    ]
    return hashlib.sha256(json.dumps(sources).encode()).hexdigest()


def learner_copy(reference: dict) -> dict:
    """The learner copy of a reference notebook (a dict in the ``.ipynb`` JSON format)."""
    copy = json.loads(json.dumps(reference))
    for cell in copy["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] != "code":
            continue
        if PREDICT in tags:
            cell["outputs"], cell["execution_count"] = [], None
        if SOLUTION not in tags:
            continue
        stub = make_stub(_text(cell["source"]))
        cell["source"] = stub.splitlines(keepends=True)
        cell["outputs"], cell["execution_count"] = [], None
        cell["metadata"].pop("jupyter", None)
        cell["metadata"].pop("cellView", None)
        kept = [tag for tag in tags if tag != IGNORE_OUTPUT]
        cell["metadata"]["tags"] = [EXERCISE if tag == SOLUTION else tag for tag in kept]
    copy["metadata"]["course"] = {"learner_copy": True, "fingerprint": _fingerprint(copy["cells"])}
    return copy


def fold_solution(source: str) -> str:
    """A solution's source with its title first, as a Colab form, and no nbval comment.

    Example:
        >>> print(fold_solution("# NBVAL_IGNORE_OUTPUT\\n# Solution 2\\nx = 1"))
        # @title Solution 2 { display-mode: "form" }
        x = 1
    """
    lines = [line for line in source.splitlines() if line.strip() != "# NBVAL_IGNORE_OUTPUT"]
    index = next((i for i, line in enumerate(lines) if _TITLE.match(line)), None)
    if index is None:
        raise ValueError(f"a solution cell must have a '# Solution N' line:\n{source[:200]}")
    title = _TITLE.match(lines.pop(index)).group(1)
    return "\n".join([f'# @title {title} {{ display-mode: "form" }}', *lines])


def fold_solutions(notebook: dict) -> dict:
    """The reference notebook with every solution folded, and stored without outputs.

    JupyterLab collapses a solution's code and outputs (``source_hidden``,
    ``outputs_hidden``); Colab ignores those and shows a cell whose metadata says
    ``cellView: form`` as its ``@title`` line alone. Outputs are dropped (Colab would show
    them), and the cell is tagged for nbval not to compare them: it still runs, so its
    ``check(...)`` still bites. A cell tagged ``predict`` keeps its code but no output
    either: on Colab, too, the learner predicts before seeing the result.
    """
    folded = json.loads(json.dumps(notebook))
    for cell in folded["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] != "code":
            continue
        if PREDICT in tags:  # an answer too: shown once the learner runs the cell
            cell["outputs"] = []
            lines = _text(cell["source"]).splitlines(keepends=True)
            cell["source"] = [line for line in lines if line.strip() != "# NBVAL_IGNORE_OUTPUT"]
            cell["metadata"]["tags"] = [*tags, IGNORE_OUTPUT] if IGNORE_OUTPUT not in tags else tags
        if SOLUTION not in tags:
            continue
        cell["source"] = fold_solution(_text(cell["source"])).splitlines(keepends=True)
        cell["outputs"] = []
        cell["metadata"]["tags"] = [*tags, IGNORE_OUTPUT] if IGNORE_OUTPUT not in tags else tags
        cell["metadata"]["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
        cell["metadata"]["cellView"] = "form"
    return folded


def _edited(path: Path) -> bool:
    """Whether the learner changed the copy at ``path`` since it was written."""
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
        recorded = existing["metadata"]["course"]["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return True  # unreadable or not ours: treat it as the learner's
    return _fingerprint(existing["cells"]) != recorded


def write_copies(
    source: Path, target: Path, *, force: bool = False, only: str | None = None
) -> list[str]:
    """Write the learner copies; return one line per notebook saying what happened."""
    references = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    if only is not None:
        references = [p for p in references if p.name.startswith(only)]
        if not references:
            raise ValueError(f"no notebook in {source} starts with {only!r}; try a number like 03")
    target.mkdir(parents=True, exist_ok=True)
    report = []
    for reference in references:
        path = target / reference.name
        if path.exists() and not force and _edited(path):
            report.append(
                f"kept    {path.name}: it has your edits "
                f"(make student FORCE=1 ONLY={reference.name[:2]} resets it)"
            )
            continue
        notebook = learner_copy(json.loads(reference.read_text(encoding="utf-8")))
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", "utf-8")
        report.append(f"wrote   {path.name}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="overwrite copies you edited")
    parser.add_argument("--only", help="only notebooks whose name starts with this, e.g. 03")
    parser.add_argument("--source", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--target", type=Path, default=ROOT / "work")
    parser.add_argument(
        "--fold", type=Path, nargs="+", metavar="NOTEBOOK", help="fold the solutions of these"
    )
    args = parser.parse_args(argv)
    if args.fold:
        for path in args.fold:
            notebook = fold_solutions(json.loads(path.read_text(encoding="utf-8")))
            text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False)
            path.write_text(text + "\n", "utf-8")  # as nbformat writes it
        print(f"folded the solutions of {len(args.fold)} notebook(s)")
        return 0
    try:
        lines = write_copies(args.source, args.target, force=args.force, only=args.only)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    print(f"Learner copies are in {args.target.name}/: open them in JupyterLab, fill in the stubs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
