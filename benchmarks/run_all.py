"""Run every benchmark of the course and print one table.

    python benchmarks/run_all.py            # notebooks, their figures, the speed-up
    python benchmarks/run_all.py --tests    # also time the whole `pytest` suite (make bench)

Each notebook is executed top to bottom in a fresh kernel, as a learner's
Restart & Run All would, and timed. Then the same kernel is asked for the figures
the notebook measured itself (accuracy, training time), so the table shows what the
notebook computed in this run and nothing cached.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import torch
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# notebook stem -> (wall-time budget in seconds, figures). A figure is (label, a Python
# expression evaluated in the notebook's kernel after it ran, target, "higher" or
# "lower"); a target of None reports the figure without judging it.
Figure = tuple[str, str, float | None, str]
TARGETS: dict[str, tuple[float, list[Figure]]] = {
    "00_setup_check": (30, []),
    "01_caesar_cipher_data": (30, []),
    "02_lstm_building_blocks": (30, []),
    "03_training_the_cipher_lstm": (30, [("symbol_acc", "symbol_acc", 0.999, "higher")]),
    "04_rnncell_sequence_model": (
        45,
        [
            ("rnn_vs_naive", "rnn_vs_naive", 1.0, "lower"),
            *(
                (f"test RMSE, {name}", f"scores[{name!r}]", None, "")
                for name in (
                    "naive",
                    "linear",
                    "quadratic, last step",
                    "RNNCell model",
                    "TBPTT stream model",
                )
            ),
            ("linear-to-RNN gap closed by the quadratic", "gap_closed", 0.75, "higher"),
            ("windowed model's best epoch (of 20)", "windowed_epoch", None, ""),
            ("stream model's best pass (of 20)", "best[2]", None, ""),
        ],
    ),
    "05_names_rnn_from_scratch": (
        90,
        [
            ("post protocol test_acc", "test_acc", 0.78, "higher"),
            ("train_seconds (post protocol)", "train_seconds", 45, "lower"),
            ("careful protocol test_acc", "careful_test_acc", None, ""),
            ("unseen names acc", "unseen_acc", None, ""),
        ],
    ),
    "06_names_gru": (
        90,
        [
            ("GRU test_acc", "test_acc", None, ""),
            ("n-gram SVM test_acc", "ngram_acc", None, ""),
            ("GRU - n-gram (points)", "100 * (test_acc - ngram_acc)", None, ""),
            ("n-gram not ahead of GRU, McNemar (1 = yes)", "not ngram_ahead", 1, "higher"),
            ("McNemar p", "paired.p_value", None, ""),
            ("GRU - n-gram, 95% CI low (points)", "100 * paired.low", None, ""),
            ("GRU - n-gram, 95% CI high (points)", "100 * paired.high", None, ""),
            ("train_seconds", "train_seconds", 60, "lower"),
        ],
    ),
    "07_going_further": (
        90,
        [
            ("Conv1d names validation acc (seed 0)", "conv_names_acc", None, ""),
            ("Conv1d Vigenère, positions 4-11", "middle", 3 / 8 + 0.03, "lower"),
            ("Conv1d Vigenère, positions 6 and 9", "key_0_middle", 0.1, "lower"),
            *(
                (f"ms/step, {label} / RNN", f"step_ms[{label!r}] / step_ms['RNN']", None, "")
                for label in ("bi-RNN", "LSTM", "GRU", "bi-LSTM", "bi-GRU")
            ),
        ],
    ),
    "08_why_gates": (
        85,
        [
            ("W_hh spectral radius, nn.RNN default", 'max(radii["PyTorch\'s default"])', None, ""),
            (
                "W_hh largest singular value, nn.RNN default",
                'min(stretches["PyTorch\'s default"])',
                1,
                "higher",
            ),
            *(
                (f"factor per step at start, {name}", f"per_step[{name!r}]", None, "")
                for name in ("RNN", "RNN, orthogonal", "RNN, orthogonal x 2", "LSTM", "GRU")
            ),
            *(
                (f"{label} {name}: {what}", f"{expression}({runs}[{name!r}])", None, "")
                for label, runs in (
                    ("L=25, 1200 steps", "long_runs"),
                    ("L=10, 300 steps", "short_runs"),
                )
                for name in ("RNN", "RNN, orthogonal", "LSTM", "LSTM, forget bias 5", "GRU")
                for what, expression in (
                    ("median test acc", "median_test"),
                    ("seeds at 99%", "reached"),
                )
            ),
            ("L=25 GRU seeds at 99% (of 3)", "reached(long_runs['GRU'])", 2, "higher"),
            (
                "L=25 plain RNN seeds at 99% (of 6)",
                "reached(long_runs['RNN']) + reached(long_runs['RNN, orthogonal'])",
                0,
                "lower",
            ),
            (
                "L=25 plain RNNs: largest W_hh radius after training",
                "max(s['radius'] for n in ('RNN', 'RNN, orthogonal') for s in spikes[n])",
                None,
                "",
            ),
            (
                "L=25 plain RNNs: steps with gradient norm > 100 (6 runs)",
                "sum(s['over_100'] for n in ('RNN', 'RNN, orthogonal') for s in spikes[n])",
                None,
                "",
            ),
            (
                "L=10 orthogonal - default RNN, smallest paired test gain",
                "min(paired_gains)",
                None,
                "",
            ),
            (
                "GRU key sensitivity, after / before training (seed 0)",
                "after_key['GRU'] / before_key['GRU']",
                100,
                "higher",
            ),
            (
                "LSTM bias 5: c_T variance left within a key (median unit)",
                "float(key_share['LSTM, forget bias 5', 'after'].median())",
                0.2,
                "lower",
            ),
            (
                "GRU persistent unit: keys kept over 90% (of 27)",
                "int((by_key > 0.9).sum())",
                None,
                "",
            ),
        ],
    ),
    "09_generating_names": (
        75,
        [
            ("GRU nats/symbol (test)", "gru_nats", None, ""),
            ("n-gram nats/symbol (test)", "ngram_nats", None, ""),
            ("mixture nats/symbol (test)", "mix_nats", None, ""),
            ("best single model - mixture", "min(gru_nats, ngram_nats) - mix_nats", 0.02, "higher"),
            ("mixture - n-gram, 95% CI high end", "mix_vs_ngram.high", 0.0, "lower"),
            ("weight per kind - one weight, CI high end", "by_kind_vs_mix.high", 0.0, "lower"),
            ("top-5 at T=1.3 - T=0.9, share placed", "topk_placed", None, ""),
            ("GRU Bayes classifier acc", "gru_right.mean()", None, ""),
            ("n-gram SVM acc", "svm_right.mean()", None, ""),
            ("train_seconds", "train_seconds", 60, "lower"),
        ],
    ),
    "10_seq2seq_attention": (
        75,
        [
            ("ranges exact, attention (600)", 'results[ATT, "range"][0].value', 0.97, "higher"),
            ("ranges exact, none (600)", 'results[SAME, "range"][0].value', 0.15, "lower"),
            ("ranges exact, none (1500)", 'results[LONG, "range"][0].value', None, ""),
            ("attention - none (1500), ranges, CI low", 'paired["range", LONG].low', 0.1, "higher"),
            (
                "long - short ranges, attention, worst family",
                "min(length_gap[family, ATT][0] for family in length_sets)",
                None,
                "",
            ),
            ("long - short ranges, attention, mean of families", "mean_gap[ATT]", None, ""),
            ("long - short ranges, none (1500), mean of families", "mean_gap[LONG]", None, ""),
            (
                "long - short: attention - none, mean of families",
                "mean_gap[ATT] - mean_gap[LONG]",
                0.02,
                "higher",
            ),
            ("dashed singles that hold their target", "copied.value", 0.95, "higher"),
            ("dashed dates to recombine", "rebuilt.value", 0.6, "higher"),
            ("dotted singles, attention", 'results[ATT, "dotted single"][0].value', None, ""),
            ("dotted, swapped where both valid", "swap_possible[True] / n_possible", None, ""),
            ("first loss - ln 13", "first_losses[0] - math.log(13)", None, ""),
            (
                "train_seconds, both models",
                'run_attention["seconds"]["training"] + run_plain["seconds"]["training"]',
                None,
                "",
            ),
        ],
    ),
    "11_linear_recurrences": (
        75,
        [
            (
                "scan / loop time, length 1024",
                'timings["scan", 1024] / timings["loop", 1024]',
                None,
                "",
            ),
            (
                "scan / nn.GRU time, length 1024",
                'timings["scan", 1024] / timings["nn.GRU", 1024]',
                None,
                "",
            ),
            ("x[:, t] loop, 1024 / 256 steps time", 'trap_growth["x[:, t]"]', None, ""),
            ("logcumsumexp share of a scan step (CPU profile)", "lcse_share", None, ""),
            ("float32 scan drift, 256 steps", "drift[256]", None, ""),
            ("float32 scan drift, 16384 steps", "drift[16_384]", 1e-2, "lower"),
            (
                "parity GRU, steps 17-256 (worst seed)",
                'min(parity_table["GRU", s][1] for s in SEEDS)',
                0.95,
                "higher",
            ),
            (
                "parity minGRU 1 layer, at 16 (best seed)",
                'max(parity_table["minGRU, 1 layer", s][0] for s in SEEDS)',
                None,
                "",
            ),
            (
                "parity minGRU 3 layers, at 16 (best seed)",
                'max(parity_table["minGRU, 3 layers", s][0] for s in SEEDS)',
                None,
                "",
            ),
            (
                "parity minGRUs, steps 17-256 (best)",
                'max(parity_table[k, s][1] for k in PARITY_CORES if k != "GRU" for s in SEEDS)',
                0.6,
                "lower",
            ),
            ("bigram counts nats/symbol (test)", "bigram_nats", None, ""),
            ("GRU LM nats/symbol (test)", 'lm_nats["GRU"]', None, ""),
            ("minGRU LM nats/symbol (test)", 'lm_nats["minGRU"]', None, ""),
            ("minGRU - GRU (nats/symbol)", "lm_difference.difference", None, ""),
            ("minGRU - GRU, 95% CI low", "lm_difference.low", 0.0, "higher"),
            ("minGRU - GRU, 95% CI high", "lm_difference.high", None, ""),
            ("GRU - bigram (nats/symbol)", 'against_bigram["GRU"].difference', -0.03, "lower"),
            (
                "minGRU - bigram (nats/symbol)",
                'against_bigram["minGRU"].difference',
                -0.03,
                "lower",
            ),
            ("LM seconds per epoch, GRU", 'lm_seconds["GRU"] / LM_EPOCHS', None, ""),
            ("LM seconds per epoch, minGRU", 'lm_seconds["minGRU"] / LM_EPOCHS', None, ""),
        ],
    ),
}


def run_notebook(path: Path) -> tuple[float, dict[str, float]]:
    """Execute a notebook in a fresh kernel; return its wall time and its figures."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    expressions = {
        label: expression for label, expression, *_ in TARGETS.get(path.stem, (0, []))[1]
    }
    probe = nbformat.v4.new_code_cell(
        "import json as _json\n"
        f"print(_json.dumps({{k: float(eval(e)) for k, e in {expressions!r}.items()}}))"
    )
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        nb.cells.append(probe)
        client.execute_cell(probe, len(nb.cells) - 1)
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
    return seconds, json.loads(text or "{}")


def verdict(value: float, target: float, direction: str) -> str:
    ok = value >= target if direction == "higher" else value <= target
    return "ok" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", action="store_true", help="also time the full pytest run")
    parser.add_argument("--only", help="run only notebooks whose name holds this text")
    args = parser.parse_args()

    print(
        f"machine: {platform.machine()}, {torch.get_num_threads()} torch threads, "
        f"Python {platform.python_version()}, torch {torch.__version__}"
    )
    rows = []
    missed = 0
    for path in sorted(NOTEBOOKS.glob("[0-9]*.ipynb")):
        if args.only and args.only not in path.stem:
            continue
        budget, figures = TARGETS.get(path.stem, (float("inf"), []))
        seconds, measured = run_notebook(path)
        status = verdict(seconds, budget, "lower")
        missed += status != "ok"
        rows.append((path.stem, "run time (s)", f"{seconds:.1f}", f"<= {budget:g}", status))
        for label, _, target, direction in figures:
            if label not in measured:
                rows.append((path.stem, label, "absent", "", "MISSED"))
                missed += 1
                continue
            if target is None:
                rows.append((path.stem, label, f"{measured[label]:.4g}", "", ""))
                continue
            status = verdict(measured[label], target, direction)
            missed += status != "ok"
            sign = ">=" if direction == "higher" else "<="
            rows.append((path.stem, label, f"{measured[label]:.4g}", f"{sign} {target:g}", status))
        print(f"  ran {path.name} in {seconds:.1f} s", flush=True)

    speedup = ROOT / "benchmarks" / "names_speedup.py"
    if speedup.exists() and not args.only:
        out = subprocess.run(
            [sys.executable, str(speedup), "--json"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        status = verdict(result["speedup"], 15, "higher")
        missed += status != "ok"
        what = "names GRU, batched vs one name at a time"
        rows.append((what, "speed-up (x)", f"{result['speedup']:.1f}", ">= 15", status))
        rows.append((what, "post's loop test_acc", f"{result['post_accuracy']:.4g}", "", ""))
        rows.append((what, "batched GRU test_acc", f"{result['accuracy']:.4g}", "", ""))

    if args.tests:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q"], cwd=ROOT, check=True, capture_output=True
        )
        seconds = time.perf_counter() - start
        status = verdict(seconds, 300, "lower")
        missed += status != "ok"
        rows.append(
            ("pytest (make test, installed)", "run time (s)", f"{seconds:.0f}", "<= 300", status)
        )

    widths = [max(len(str(row[i])) for row in [*rows, HEADER]) for i in range(5)]
    for row in [HEADER, tuple("-" * w for w in widths), *rows]:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    return 1 if missed else 0


HEADER = ("what", "figure", "measured", "target", "")

if __name__ == "__main__":
    sys.exit(main())
