"""A linear recurrence trained in parallel: the minGRU's scan, its loop and nn.GRU, timed.

    python benchmarks/linear_recurrence.py                       # batch 32, input 64, hidden 128
    python benchmarks/linear_recurrence.py --input 256 --hidden 512
    python benchmarks/linear_recurrence.py --lengths 64 256 1024 --repeats 5
    COURSE_DEVICE=cpu python benchmarks/linear_recurrence.py     # the CPU, even on a GPU machine

One forward and one backward pass (what a training step costs), on the device
`course_utils.get_device()` picks, of three things computing on the same batch:

- scan:   the minGRU of notebook 11, its recurrence solved for every step at once in log
          space (Heinsen, 2023: `cumsum` and `logcumsumexp`);
- loop:   the same minGRU, its gates computed for every step at once as in the scan, and
          only h_t = a_t * h_{t-1} + b_t stepped one step at a time;
- nn.GRU: PyTorch's GRU (cuDNN on an NVIDIA GPU; on the CPU a loop over time in C++,
          with the input's projections computed for all steps in one matrix product).

Every time is the median of ``--repeats`` calls after one untimed warm-up
(`course_utils.runtime.time_call`), all in one process. The default lengths are 64 to
4,096, and 16,384 on a GPU; on a 2-core CPU the whole table takes a few minutes, most of
it the scan at 4,096.

What each ratio measures. ``loop / scan`` compares one model computed two ways: that is
what the parallel form buys. ``nn.GRU / scan`` compares two models: per step and
sequence a minGRU does 2HI multiply-adds and a GRU 3H(I + H), 4.5 times as many at both
default sizes (printed), so a scan faster than nn.GRU may owe much of it to the smaller
model, not to parallelism. The loop reads its steps with ``unbind``: a loop that indexes
``x[:, t]`` makes its backward pass quadratic in the length and flatters the scan.
"""

from __future__ import annotations

import argparse
import platform

import torch
import torch.nn.functional as F
from torch import nn

from course_utils import get_device, seed_everything
from course_utils.runtime import time_call


def g(x: torch.Tensor) -> torch.Tensor:
    """Feng et al.'s activation: x + 0.5 for x >= 0, sigmoid(x) below; always > 0."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def log_g(x: torch.Tensor) -> torch.Tensor:
    """log g(x); relu keeps the branch torch.where does not pick finite."""
    return torch.where(x >= 0, (F.relu(x) + 0.5).log(), -F.softplus(-x))


def log_scan(log_a: torch.Tensor, log_b: torch.Tensor) -> torch.Tensor:
    """log h_t for h_t = a_t * h_{t-1} + b_t from h_0 = 0, every t at once (time is dim 1)."""
    a_star = torch.cumsum(log_a, dim=1)
    return a_star + torch.logcumsumexp(log_b - a_star, dim=1)


def loop_recurrence(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """h_t = a_t * h_{t-1} + b_t from h_0 = 0, one step at a time.

    The steps are read with `unbind`: indexing a[:, t] would make the backward quadratic.
    """
    h, states = torch.zeros_like(b[:, 0]), []
    for a_t, b_t in zip(a.unbind(1), b.unbind(1), strict=True):
        h = a_t * h + b_t
        states.append(h)
    return torch.stack(states, dim=1)


class MinGRU(nn.Module):
    """The minGRU of notebook 11 (PyTorch's convention: z weighs the old state)."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.gate = nn.Linear(input_size, hidden_size)
        self.candidate = nn.Linear(input_size, hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The scan: [batch, time, input] -> every state, [batch, time, hidden]."""
        k = self.gate(x)
        log_b = -F.softplus(k) + log_g(self.candidate(x))  # log (1 - z) + log g(n)
        return log_scan(-F.softplus(-k), log_b).exp()  # log a = log z

    def loop(self, x: torch.Tensor) -> torch.Tensor:
        """The same states, the gates at once and the recurrence one step at a time."""
        k = self.gate(x)
        return loop_recurrence(torch.sigmoid(k), torch.sigmoid(-k) * g(self.candidate(x)))


def multiply_adds(input_size: int, hidden_size: int) -> tuple[int, int]:
    """Multiply-adds of one step of one sequence: (minGRU, GRU), weights only.

    A minGRU's two input projections are 2HI; a GRU's three gates read the input and the
    state, 3H(I + H).

    >>> multiply_adds(64, 128)
    (16384, 73728)
    """
    return 2 * hidden_size * input_size, 3 * hidden_size * (input_size + hidden_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--input", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--lengths", type=int, nargs="+", help="default: 64 to 4,096 (16,384)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    device = get_device()
    lengths = args.lengths or [64, 256, 1024, 4096] + ([16384] if device.type == "cuda" else [])
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor()
    print(
        f"device: {device.type} ({name or platform.machine()}), torch {torch.__version__}, "
        f"{torch.get_num_threads()} CPU threads"
    )
    print(
        f"forward + backward, batch {args.batch}, input {args.input}, hidden {args.hidden}; "
        f"median of {args.repeats} after one warm-up"
    )
    min_macs, gru_macs = multiply_adds(args.input, args.hidden)
    print(
        f"multiply-adds per step and sequence: minGRU {min_macs:,}, GRU {gru_macs:,} "
        f"({gru_macs / min_macs:.1f} times as many): nn.GRU / scan compares two models, "
        "loop / scan one model computed two ways\n"
    )

    seed_everything(0)
    cell = MinGRU(args.input, args.hidden).to(device)
    gru = nn.GRU(args.input, args.hidden, batch_first=True).to(device)
    with torch.no_grad():  # the two forms compute the same states
        x = torch.randn(2, 100, args.input, device=device)
        torch.testing.assert_close(cell(x), cell.loop(x), rtol=1e-3, atol=1e-5)
    runs = {"scan": cell, "loop": cell.loop, "nn.GRU": lambda x: gru(x)[0]}

    print(
        f"{'length':>7} {'scan ms':>9} {'loop ms':>9} {'nn.GRU ms':>10}"
        f" {'loop / scan':>12} {'nn.GRU / scan':>14}"
    )
    for length in lengths:
        x = torch.randn(args.batch, length, args.input, device=device)
        ms = {}
        for label, run in runs.items():
            step = lambda run=run, x=x: run(x).sum().backward()  # noqa: E731
            ms[label] = 1000 * time_call(step, device=device, repeats=args.repeats)
        print(
            f"{length:>7,} {ms['scan']:>9.1f} {ms['loop']:>9.1f} {ms['nn.GRU']:>10.1f}"
            f" {ms['loop'] / ms['scan']:>11.2f}x {ms['nn.GRU'] / ms['scan']:>13.2f}x",
            flush=True,
        )
    print("\nratios above 1: the scan is that many times faster; below 1: slower")


if __name__ == "__main__":
    main()
