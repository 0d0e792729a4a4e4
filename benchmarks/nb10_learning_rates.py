"""Notebook 10's learning rate, chosen on validation, and its two models with other seeds.

    python benchmarks/nb10_learning_rates.py                   # rates, then seeds 1 and 2
    python benchmarks/nb10_learning_rates.py --seeds           # the seeds only
    python benchmarks/nb10_learning_rates.py --rates 0.005 0.01 --seeds 3

One thread; each pair of runs (600 steps with attention, 1,500 without) takes about 50
seconds of CPU time on a 2-core machine, so the default six pairs about 5 minutes (13
minutes of wall time on a machine shared with other work).

The notebook's own code does the work: the script runs the notebook's code cells up to
and including the one that defines ``train`` (data, model, batches, validation), so the
models, batches and selection rule are exactly the notebook's. Then:

- rates: both models trained with seed 0 at each rate, each for its notebook budget
  (600 steps with attention, 1,500 without), scored as the notebook scores them: the best
  validation exact match, singles plus ranges, over the checkpoints every 100 steps. The
  rate for both models is the one best for the model *without* attention (the model the
  comparison must not handicap); the table shows how the model with attention fares at
  each rate too. Only validation dates are used.
- seeds: both models at the notebook's rate with other seeds (initial weights and batch
  order both change), reporting what the notebook reports for seed 0: validation steps to
  50% and 90% of ranges, and test exact match of the kept weights (attention at 600 steps,
  no attention best up to 600 and up to 1,500 steps). These runs choose nothing: they
  show how much one seed's figures move.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "10_seq2seq_attention.ipynb"
RATES = (0.0025, 0.005, 0.01, 0.02)


def notebook_namespace() -> dict:
    """Run the notebook's code cells up to the definition of `train`; return their names."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    namespace: dict = {"__name__": "nb10"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in cells:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code" or "google.colab" in source:
                continue
            exec(compile(source, str(NOTEBOOK.name), "exec"), namespace)
            if "def train(" in source:
                return namespace
    raise SystemExit(f"{NOTEBOOK.name} has no cell that defines train()")


def first_step(log: list[tuple], level: float) -> int | None:
    """The first measured step at which validation ranges reached `level`."""
    return next((entry[0] for entry in log if entry[3] >= level), None)


def best(log: list[tuple], up_to: int | None = None) -> tuple[float, int]:
    """Best validation score (mean of singles and ranges) up to a step, and its step."""
    entries = [e for e in log if up_to is None or e[0] <= up_to]
    top = max(entries, key=lambda e: (e[2] + e[3], e[0]))  # later on a tie, as the notebook
    return (top[2] + top[3]) / 2, top[0]


def sweep(nb: dict, rates: list[float]) -> list[dict]:
    rows = []
    for rate in rates:
        for attention, steps in ((True, nb["STEPS_ATTENTION"]), (False, nb["STEPS_PLAIN"])):
            _, run = nb["train"](attention, steps, seed=0, lr=rate, show=False)
            score, at = best(run["log"])
            rows.append(
                {
                    "rate": rate,
                    "attention": attention,
                    "steps": steps,
                    "best validation": score,
                    "at step": at,
                    "validation ranges at the end": run["log"][-1][3],
                    "steps to 90% ranges": first_step(run["log"], 0.9),
                    "last loss": run["log"][-1][1],
                }
            )
            print(
                f"rate {rate:<6} {'with' if attention else 'without':7} attention, {steps:5} "
                f"steps: best validation {score:6.1%} at step {at:5}; ranges at the end "
                f"{run['log'][-1][3]:6.1%}; training loss at the end {run['log'][-1][1]:.3f}",
                flush=True,
            )
    for attention in (False, True):
        mine = [r for r in rows if r["attention"] == attention]
        top = max(mine, key=lambda r: r["best validation"])
        print(
            f"best rate {'with' if attention else 'without'} attention: {top['rate']} "
            f"({top['best validation']:.1%})"
        )
    return rows


def seeds(nb: dict, chosen: list[int]) -> list[dict]:
    rows = []
    DateTranslator, score, test_sets = nb["DateTranslator"], nb["score"], nb["test_sets"]
    steps_attention = nb["STEPS_ATTENTION"]
    for seed in chosen:
        with_attention, run_attention = nb["train"](True, steps_attention, seed=seed, show=False)
        without, run_plain = nb["train"](False, nb["STEPS_PLAIN"], seed=seed, show=False)
        same_budget = DateTranslator(attention=False).to(nb["device"])
        same_budget.load_state_dict(run_plain["best_up_to"][steps_attention])
        row = {"seed": seed}
        for name, run in (("attention", run_attention), ("no attention", run_plain)):
            row[f"{name}: validation ranges 50% at"] = first_step(run["log"], 0.5)
            row[f"{name}: validation ranges 90% at"] = first_step(run["log"], 0.9)
        kept = {
            f"attention, {steps_attention}": with_attention,
            f"no attention, {steps_attention}": same_budget,
            f"no attention, {nb['STEPS_PLAIN']}": without,
        }
        for name, model in kept.items():
            for kind in ("single", "range"):
                exact, _ = score(model, test_sets[kind])
                row[f"test {kind} exact, {name}"] = sum(exact) / len(exact)
        rows.append(row)
        print(f"seed {seed}: " + "; ".join(f"{k} {v}" for k, v in row.items() if k != "seed"))
        print(
            "    test ranges exact: "
            + ", ".join(f"{name} {row[f'test range exact, {name}']:.1%}" for name in kept),
            flush=True,
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", type=float, nargs="*", help=f"rates to try (default {RATES})")
    parser.add_argument("--seeds", type=int, nargs="*", help="seeds to rerun (default 1 2)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    args = parser.parse_args()
    run_rates = args.rates is not None or args.seeds is None
    run_seeds = args.seeds is not None or args.rates is None
    torch.set_num_threads(1)
    nb = notebook_namespace()
    print(f"notebook 10's code, on {nb['device']}; one thread", flush=True)
    report = {}
    if run_rates:
        report["rates"] = sweep(nb, args.rates or list(RATES))
    if run_seeds:
        report["seeds"] = seeds(nb, args.seeds or [1, 2])
    if args.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
