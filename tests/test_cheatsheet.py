"""docs/cheatsheet.md: its code runs, it quotes PyTorch's real error messages, it fits 2 pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

SHEET_PATH = Path(__file__).parents[1] / "docs" / "cheatsheet.md"
SHEET = SHEET_PATH.read_text(encoding="utf-8")
PYTHON_BLOCKS = re.findall(r"^```python\n(.*?)^```\s*$", SHEET, flags=re.DOTALL | re.MULTILINE)

# Two printed A4 pages.
MAX_NONEMPTY_LINES = 140
MAX_LINE = 110
MAX_TABLE_ROW = 200

has_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


# --- (a) every python block runs on its own -------------------------------------------


def test_sheet_has_python_blocks():
    assert len(PYTHON_BLOCKS) >= 4


@pytest.mark.parametrize(
    "code",
    PYTHON_BLOCKS,
    ids=[f"{i}: {code.splitlines()[0]}" for i, code in enumerate(PYTHON_BLOCKS)],
)
def test_python_block_runs(code):
    torch.manual_seed(0)
    namespace: dict[str, object] = {"__name__": "cheatsheet"}
    exec(compile(code, str(SHEET_PATH), "exec"), namespace)


# --- (b) the error messages the sheet quotes are PyTorch's own ------------------------


def _target_size():
    logits = torch.randn(8, 16, 27)  # [B, T, C]: classes not in dim 1
    nn.CrossEntropyLoss()(logits, torch.randint(0, 27, (8, 16)))


def _input_size():
    nn.LSTM(5, 10, batch_first=True)(torch.randn(4, 8, 27))


def _lengths_not_cpu():
    # The meta device stands in for a GPU: the message differs only in the device named.
    lengths = torch.tensor([3, 2], device="meta")
    pack_padded_sequence(torch.randn(2, 3, 4), lengths, batch_first=True)


def _lengths_on_cuda():
    lengths = torch.tensor([3, 2], device="cuda")
    pack_padded_sequence(torch.randn(2, 3, 4, device="cuda"), lengths, batch_first=True)


def _rnn_input_on_other_device():
    nn.LSTM(4, 6)(torch.randn(3, 2, 4, device="meta"))


def _linear_input_on_other_device():
    nn.Linear(4, 6).to("cuda")(torch.randn(2, 4))


def _state_not_detached():
    lstm = nn.LSTM(4, 6, batch_first=True)
    state = None
    for chunk in torch.randn(2, 10, 4).split(5, dim=1):
        output, state = lstm(chunk, state)
        output.sum().backward()  # no state = tuple(s.detach() for s in state)


def _hidden_other_batch_size():
    nn.GRU(5, 10, batch_first=True)(torch.randn(4, 3, 5), torch.zeros(1, 8, 10))


def _hidden_batch_first():
    nn.GRU(5, 10, batch_first=True)(torch.randn(4, 3, 5), torch.zeros(4, 1, 10))


def _embedding_too_small():
    nn.Embedding(26, 8)(torch.tensor([[1, 26]]))  # 26 letters at 1..26 need 27 rows


ERRORS: list[tuple[str, Callable[[], object]]] = [
    ("Expected target size [8, 27], got [8, 16]", _target_size),
    ("input.size(-1) must be equal to input_size. Expected 5, got 27", _input_size),
    ("'lengths' argument should be a 1D CPU int64 tensor, but got 1D", _lengths_not_cpu),
    ("Input and parameter tensors are not at the same device", _rnn_input_on_other_device),
    ("Trying to backward through the graph a second time", _state_not_detached),
    ("Expected hidden size (1, 4, 10), got [1, 8, 10]", _hidden_other_batch_size),
    ("Expected hidden size (1, 4, 10), got [4, 1, 10]", _hidden_batch_first),
    ("IndexError: index out of range in self", _embedding_too_small),
]
CUDA_ERRORS: list[tuple[str, Callable[[], object]]] = [
    (
        "'lengths' argument should be a 1D CPU int64 tensor, but got 1D cuda:0 Long tensor",
        _lengths_on_cuda,
    ),
    ("Expected all tensors to be on the same device, but", _linear_input_on_other_device),
]


def _check_error(fragment: str, trigger: Callable[[], object]) -> None:
    assert fragment in SHEET, f"the sheet does not quote {fragment!r}"
    with pytest.raises(Exception) as info:
        trigger()
    seen = f"{info.type.__name__}: {info.value}"
    assert fragment in seen, f"PyTorch says {seen!r}"


@pytest.mark.parametrize(("fragment", "trigger"), ERRORS, ids=[f for f, _ in ERRORS])
def test_quoted_error_is_real(fragment, trigger):
    _check_error(fragment, trigger)


@has_cuda
@pytest.mark.parametrize(("fragment", "trigger"), CUDA_ERRORS, ids=[f for f, _ in CUDA_ERRORS])
def test_quoted_cuda_error_is_real(fragment, trigger):
    _check_error(fragment, trigger)


def test_every_error_row_is_checked():
    errors_section = SHEET.split("## 5.", 1)[1]
    rows = [line for line in errors_section.splitlines() if line.startswith("| `")]
    assert len(rows) >= 8
    fragments = [fragment for fragment, _ in ERRORS + CUDA_ERRORS]
    for row in rows:
        first_cell = row.split(" | ")[0]
        assert any(fragment in first_cell for fragment in fragments), f"unchecked: {row}"


# --- (c) it fits on two printed A4 pages ----------------------------------------------


def test_sheet_fits_two_pages():
    lines = SHEET.splitlines()
    assert sum(1 for line in lines if line.strip()) <= MAX_NONEMPTY_LINES
    for number, line in enumerate(lines, start=1):
        limit = MAX_TABLE_ROW if line.startswith("|") else MAX_LINE
        assert len(line) <= limit, f"line {number} has {len(line)} characters (limit {limit})"
