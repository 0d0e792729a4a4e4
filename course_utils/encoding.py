"""Turning text into tensors and back: alphabets, one-hot names, padded batches."""

from __future__ import annotations

import string
from collections.abc import Sequence

import torch
from torch.nn.utils.rnn import pad_sequence

#: The 59 symbols a surname may hold once transliterated to ASCII.
NAME_ALPHABET = string.ascii_letters + " .,:;-'"
#: The index that pads a batch. It is no symbol: encoded names start their letters at 1.
PAD = 0
#: Rows an embedding of encoded names needs: the pad, then the 59 symbols.
NAME_VOCAB_SIZE = len(NAME_ALPHABET) + 1


def _check_text(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a str, got {type(text).__name__}")
    if not text:
        raise ValueError(f"{what} is empty; give at least one symbol")
    return text


def encode(text: str, alphabet: str, *, start: int = 0) -> torch.Tensor:
    """The index in ``alphabet`` of each symbol of ``text``, plus ``start``, as a LongTensor.

    ``start=1`` keeps index 0 free for padding (see `encode_name`).

    Example:
        >>> encode("CAB", "ABC")
        tensor([2, 0, 1])
        >>> encode("CAB", "ABC", start=1)
        tensor([3, 1, 2])
    """
    _check_text(text, "text")
    position = {symbol: i + start for i, symbol in enumerate(alphabet)}
    indices = []
    for i, symbol in enumerate(text):
        if symbol not in position:
            raise ValueError(
                f"symbol {symbol!r} at position {i} of {text!r} is not in the alphabet "
                f"{alphabet!r}; remove it or map it to a symbol that is"
            )
        indices.append(position[symbol])
    return torch.tensor(indices, dtype=torch.long)


def decode(indices: torch.Tensor | Sequence[int], alphabet: str, *, start: int = 0) -> str:
    """The text whose symbols sit at ``indices`` (minus ``start``) in ``alphabet``.

    The inverse of `encode` with the same ``start``.

    Example:
        >>> decode(torch.tensor([2, 0, 1]), "ABC")
        'CAB'
        >>> decode([3, 1, 2], "ABC", start=1)
        'CAB'
    """
    values = indices.tolist() if isinstance(indices, torch.Tensor) else list(indices)
    if values and isinstance(values[0], list):
        raise ValueError("decode takes one sequence of indices; loop over a batch yourself")
    for i, value in enumerate(values):
        if not start <= value < start + len(alphabet):
            raise ValueError(
                f"index {value} at position {i} is no symbol: the {len(alphabet)} symbols "
                f"have indices {start} to {start + len(alphabet) - 1}; strip padding and "
                "other special indices before decoding"
            )
    return "".join(alphabet[value - start] for value in values)


def encode_name(name: str) -> torch.Tensor:
    """A surname as indices 1 to 59 (`NAME_ALPHABET` order); 0 stays free for `PAD`.

    Example:
        >>> encode_name("Ng")
        tensor([40,  7])
    """
    return encode(_check_text(name, "name"), NAME_ALPHABET, start=1)


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
    sequences: Sequence[torch.Tensor], padding_value: int = PAD
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
    lengths: Sequence[int],
    batch_size: int,
    *,
    generator: torch.Generator | None = None,
    pool: int = 50,
) -> list[list[int]]:
    """Group positions ``0..len(lengths)-1`` into batches of names of similar length.

    Similar lengths leave little padding in each batch. Without a ``generator`` (for
    evaluation) the positions are sorted by length and cut into batches, shortest
    first. With one (for training) every call draws new batches: the positions are
    shuffled, cut into pools of ``pool`` batches, sorted by length within each pool,
    cut into batches, and the batches are shuffled. Call it once per epoch, so that
    no two epochs see the same batches.

    Example:
        >>> length_batches([5, 2, 9, 2], batch_size=2)
        [[1, 3], [0, 2]]
        >>> g = torch.Generator().manual_seed(0)
        >>> sorted(i for b in length_batches([5, 2, 9, 2], 2, generator=g) for i in b)
        [0, 1, 2, 3]
    """
    for what, value in (("batch_size", batch_size), ("pool", pool)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{what} must be a positive int, got {value!r}")
    if generator is None:
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    shuffled = torch.randperm(len(lengths), generator=generator).tolist()
    size = pool * batch_size
    batches = []
    for begin in range(0, len(shuffled), size):
        chunk = sorted(shuffled[begin : begin + size], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in torch.randperm(len(batches), generator=generator).tolist()]
