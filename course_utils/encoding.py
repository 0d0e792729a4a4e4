"""Turning text into tensors and back: alphabets, one-hot names, padded batches."""

from __future__ import annotations

import string
from collections.abc import Sequence

import torch
from torch.nn.utils.rnn import pad_sequence

#: The 59 symbols a surname may hold once transliterated to ASCII.
NAME_ALPHABET = string.ascii_letters + " .,:;-'"


def _check_text(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a str, got {type(text).__name__}")
    if not text:
        raise ValueError(f"{what} is empty; give at least one symbol")
    return text


def encode(text: str, alphabet: str) -> torch.Tensor:
    """The index in ``alphabet`` of each symbol of ``text``, as a LongTensor.

    Example:
        >>> encode("CAB", "ABC")
        tensor([2, 0, 1])
    """
    _check_text(text, "text")
    position = {symbol: i for i, symbol in enumerate(alphabet)}
    indices = []
    for i, symbol in enumerate(text):
        if symbol not in position:
            raise ValueError(
                f"symbol {symbol!r} at position {i} of {text!r} is not in the alphabet "
                f"{alphabet!r}; remove it or map it to a symbol that is"
            )
        indices.append(position[symbol])
    return torch.tensor(indices, dtype=torch.long)


def decode(indices: torch.Tensor | Sequence[int], alphabet: str) -> str:
    """The text whose symbols sit at ``indices`` in ``alphabet`` (inverse of `encode`).

    Example:
        >>> decode(torch.tensor([2, 0, 1]), "ABC")
        'CAB'
    """
    values = indices.tolist() if isinstance(indices, torch.Tensor) else list(indices)
    if values and isinstance(values[0], list):
        raise ValueError("decode takes one sequence of indices; loop over a batch yourself")
    for i, value in enumerate(values):
        if not 0 <= value < len(alphabet):
            raise ValueError(
                f"index {value} at position {i} is outside the alphabet of {len(alphabet)} symbols"
            )
    return "".join(alphabet[value] for value in values)


def name_to_onehot(name: str) -> torch.Tensor:
    """One-hot tensor of shape ``[len(name), 1, 59]``: one row per letter, batch of one.

    Example:
        >>> name_to_onehot("Ng").shape
        torch.Size([2, 1, 59])
    """
    indices = encode(_check_text(name, "name"), NAME_ALPHABET)
    onehot = torch.zeros(len(indices), 1, len(NAME_ALPHABET))
    onehot[torch.arange(len(indices)), 0, indices] = 1.0
    return onehot


def pad_batch(
    sequences: Sequence[torch.Tensor], padding_value: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad 1-D index tensors into one ``[batch, longest]`` tensor, plus their lengths.

    The lengths stay on the CPU as ``pack_padded_sequence`` requires.

    Example:
        >>> padded, lengths = pad_batch([torch.tensor([1, 2, 3]), torch.tensor([4])])
        >>> padded
        tensor([[1, 2, 3],
                [4, 0, 0]])
        >>> lengths
        tensor([3, 1])
    """
    if len(sequences) == 0:
        raise ValueError("pad_batch needs at least one sequence")
    for i, seq in enumerate(sequences):
        if not isinstance(seq, torch.Tensor) or seq.dim() != 1:
            raise ValueError(f"sequence {i} must be a 1-D tensor of indices")
        if len(seq) == 0:
            raise ValueError(f"sequence {i} is empty; every sequence needs a symbol")
    lengths = torch.tensor([len(seq) for seq in sequences], dtype=torch.long)
    padded = pad_sequence(list(sequences), batch_first=True, padding_value=padding_value)
    return padded, lengths


def length_batches(
    lengths: Sequence[int], batch_size: int, *, generator: torch.Generator | None = None
) -> list[list[int]]:
    """Group positions ``0..len(lengths)-1`` into batches of similar length.

    Sorting by length before cutting batches leaves little padding in each one. With a
    ``generator`` the order of the batches is shuffled (for training); without, the
    batches come shortest first (for evaluation).

    Example:
        >>> length_batches([5, 2, 9, 2], batch_size=2)
        [[1, 3], [0, 2]]
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if generator is not None:
        batches = [batches[i] for i in torch.randperm(len(batches), generator=generator)]
    return batches
