"""The course's ciphers, made on demand: Caesar, Vigenère, and a key to remember.

Every data set here is random symbols of `CIPHER_ALPHABET`, generated fresh with an
optional seeded ``torch.Generator``: there is no file and nothing to download.
"""

from __future__ import annotations

import torch

#: 26 letters and '-', which stands for every symbol that is not a letter.
CIPHER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-"


def _check_key(key: object) -> int:
    if isinstance(key, bool) or not isinstance(key, int):
        raise TypeError(f"key must be an int, got {type(key).__name__}")
    if key < 0:
        raise ValueError(f"key must be zero or positive, got {key}")
    return key


def _normalise(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return "".join(c if c in CIPHER_ALPHABET else "-" for c in text.upper())


def _shift(text: str, shift: int) -> str:
    size = len(CIPHER_ALPHABET)
    return "".join(CIPHER_ALPHABET[(CIPHER_ALPHABET.index(c) + shift) % size] for c in text)


def caesar_encrypt(text: str, key: int = 13) -> str:
    """Replace each symbol by the one ``key`` places to its right, wrapping around.

    Lower case is upper-cased and any symbol that is not a letter becomes ``-``.

    Example:
        >>> caesar_encrypt("This is a secret!")
        'FUVEMVEMNMERPDRFM'
    """
    return _shift(_normalise(text), _check_key(key))


def caesar_decrypt(text: str, key: int = 13) -> str:
    """Undo `caesar_encrypt`: shift ``key`` places to the left.

    Example:
        >>> caesar_decrypt("FUVEMVEMNMERPDRF")
        'THIS-IS-A-SECRET'
    """
    return _shift(_normalise(text), -_check_key(key))


def make_cipher_dataset(
    num_examples: int,
    length: int,
    *,
    key: int = 13,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random messages and their encryptions, as ``[num_examples, length]`` index tensors.

    Returns ``(encrypted, original)``: the model's input first, its target second.

    Example:
        >>> enc, orig = make_cipher_dataset(2, 5, generator=torch.Generator().manual_seed(0))
        >>> enc.shape, bool(((orig + 13) % 27 == enc).all())
        (torch.Size([2, 5]), True)
    """
    for name, value in (("num_examples", num_examples), ("length", length)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}")
    key = _check_key(key)
    size = len(CIPHER_ALPHABET)
    original = torch.randint(size, (num_examples, length), generator=generator)
    return (original + key) % size, original


def _vigenere_shifts(key: object) -> list[int]:
    if not isinstance(key, str):
        raise TypeError(f"key must be a str of letters, got {type(key).__name__}")
    if not key or not key.isalpha() or not key.isascii():
        raise ValueError(f"key must be one or more letters A-Z, got {key!r}")
    return [CIPHER_ALPHABET.index(c) for c in key.upper()]


def vigenere_encrypt(text: str, key: str = "KEY") -> str:
    """Shift the i-th symbol by the (i mod len(key))-th letter of ``key`` (A=0, B=1, ...).

    Unlike Caesar, the same symbol encrypts differently at different positions, so a
    decrypter must know where in the key it stands: it needs memory.

    Example:
        >>> vigenere_encrypt("AAAA", "BC")
        'BCBC'
    """
    shifts = _vigenere_shifts(key)
    size = len(CIPHER_ALPHABET)
    return "".join(
        CIPHER_ALPHABET[(CIPHER_ALPHABET.index(c) + shifts[i % len(shifts)]) % size]
        for i, c in enumerate(_normalise(text))
    )


def make_vigenere_dataset(
    num_examples: int,
    length: int,
    *,
    key: str = "KEY",
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Like `make_cipher_dataset`, but encrypted with `vigenere_encrypt` and ``key``.

    Example:
        >>> enc, orig = make_vigenere_dataset(1, 4, key="BC")
        >>> bool(((orig + torch.tensor([1, 2, 1, 2])) % 27 == enc).all())
        True
    """
    shifts = torch.tensor(_vigenere_shifts(key))
    _, original = make_cipher_dataset(num_examples, length, key=0, generator=generator)
    positions = torch.arange(length) % len(shifts)
    return (original + shifts[positions]) % len(CIPHER_ALPHABET), original


def make_recall_dataset(
    num_examples: int, gap: int, *, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Messages whose first symbol is a key to recall after ``gap`` more random symbols.

    Returns ``(messages, keys)``: ``[num_examples, gap + 1]`` symbol indices and the
    ``[num_examples]`` first symbols. A model reads the whole message and must name its
    first symbol at the end, so it has to carry it unchanged over ``gap`` steps.

    Example:
        >>> messages, keys = make_recall_dataset(3, 5, generator=torch.Generator().manual_seed(0))
        >>> messages.shape, bool((messages[:, 0] == keys).all())
        (torch.Size([3, 6]), True)
    """
    if isinstance(gap, bool) or not isinstance(gap, int):
        raise TypeError(f"gap must be an int, got {type(gap).__name__}")
    if gap < 0:
        raise ValueError(f"gap must be zero or positive, got {gap}")
    messages, _ = make_cipher_dataset(num_examples, gap + 1, key=0, generator=generator)
    return messages, messages[:, 0].clone()
