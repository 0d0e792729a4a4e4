"""Checks for the course's exercises: is an answer right, and if not, what should change?

In the learners' copies of the notebooks, each exercise's solution cell is a stub: its
answers are ``...`` and the functions and classes to write have bodies of ``...``. Fill
it in, then pass your answers to `check` with the exercise's number::

    from course_utils.checks import check

    check("02.1", output, h, c)

A right answer prints one line starting with ``✓`` and says what was right. A wrong or
missing one raises `CheckError`, whose message says what is expected and what probably
went wrong. For a discussion exercise pass your answer as a str: the check prints the
reasoning to compare it with. The checks run your code on small inputs of their own,
on your model's device, and never train anything.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

from course_utils.ciphers import (
    CIPHER_ALPHABET,
    caesar_decrypt,
    caesar_encrypt,
    make_cipher_dataset,
    make_vigenere_dataset,
)
from course_utils.encoding import NAME_ALPHABET, encode, encode_name, pad_batch

#: The text a discussion stub holds until the learner writes their own.
STUB_TEXT = "your answer here"

_Check = Callable[..., str]
#: Exercise id -> its check, which raises `CheckError` or returns what was right.
_CHECKS: dict[str, _Check] = {}


class CheckError(AssertionError):
    """An answer is wrong or missing; the message says what to fix."""


def check(exercise: str, *answers: object) -> None:
    """Check your answers to ``exercise`` ("03.1"): print ✓ if right, else raise `CheckError`.

    Example:
        >>> check("01.4", 64 * 100 * 27, 64 * 100 * 5)
        ✓ 01.4 172800 numbers as one-hot vectors, 32000 as embeddings: 5.4 times fewer.
    """
    function = _CHECKS.get(exercise) if isinstance(exercise, str) else None
    if function is None:
        raise ValueError(f"unknown exercise {exercise!r}; the checks are for: {', '.join(_CHECKS)}")
    names = list(inspect.signature(function).parameters)
    if len(answers) != len(names):
        raise CheckError(
            f'check("{exercise}", ...) takes {len(names)} answer(s) after the exercise number, '
            f"{', '.join(names)}; got {len(answers)}"
        )
    try:
        message = function(*answers)
    except CheckError:
        raise
    except Exception as error:  # a bug of the check's own on an unforeseen answer
        raise CheckError(
            f"the check of {exercise} could not handle your answer ({type(error).__name__}: "
            f"{_first_line(error)}); compare it with what the exercise asks for"
        ) from error
    print(f"✓ {exercise} {message}")


def _register(exercise: str) -> Callable[[_Check], _Check]:
    def add(function: _Check) -> _Check:
        _CHECKS[exercise] = function
        return function

    return add


# --- helpers ------------------------------------------------------------------------------


def is_stub(value: object) -> bool:
    """Whether ``value`` is still a stub's placeholder, ``...``.

    Example:
        >>> is_stub(...), is_stub(0)
        (True, False)
    """
    return value is Ellipsis


def _first_line(error: BaseException, limit: int = 300) -> str:
    text = str(error).strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _given(value: object, name: str, what: str) -> None:
    """Fail if ``value`` is a placeholder: ``...`` or None."""
    if is_stub(value):
        raise CheckError(f"`{name}` is still `...`: set it to {what}")
    if value is None:
        raise CheckError(f"`{name}` is None: it should be {what}")


def _call(
    what: str,
    function: Callable[..., Any],
    *args: Any,
    hint: str = "",
    hints: Sequence[tuple[str, str]] = (),
    **kwargs: Any,
) -> Any:
    """Run learner code; turn an exception into a `CheckError` that says where and why."""
    try:
        return function(*args, **kwargs)
    except CheckError:
        raise
    except Exception as error:
        text = str(error).lower()
        advice = next((advice for key, advice in hints if key.lower() in text), hint)
        message = f"running {what} raised {type(error).__name__}: {_first_line(error)}"
        raise CheckError(f"{message}; {advice}" if advice else message) from error


def _returned(value: object, what: str, expected: str) -> None:
    """Fail if a learner's function or method returned None (a stub body of ``...``)."""
    if value is None or is_stub(value):
        raise CheckError(f"{what} returned {value!r}: it should return {expected}")


def _pair(value: object, what: str, expected: str) -> tuple[Any, Any]:
    _returned(value, what, expected)
    if not isinstance(value, tuple | list) or len(value) != 2:
        got = f"a {type(value).__name__}"
        if isinstance(value, tuple | list):
            got += f" of {len(value)}"
        raise CheckError(f"{what} returned {got}: it should return {expected}")
    return value[0], value[1]


def _tensor(value: object, name: str, what: str) -> torch.Tensor:
    """``value`` as a CPU tensor without gradient; numpy arrays are accepted."""
    _given(value, name, what)
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, np.ndarray) and value.dtype != object:
        return torch.from_numpy(value)
    if isinstance(value, PackedSequence):
        raise CheckError(
            f"`{name}` is a PackedSequence, but should be {what}: the packed output is the "
            "first value a recurrent layer returns; the final state is the second"
        )
    if isinstance(value, tuple | list) and value and isinstance(value[0], torch.Tensor):
        raise CheckError(
            f"`{name}` is a {type(value).__name__} of {len(value)} tensors, but should be {what}: "
            "unpack it first (an nn.LSTM returns output, (h, c))"
        )
    raise CheckError(f"`{name}` should be {what}, got a {type(value).__name__}")


def _shape(
    value: object,
    name: str,
    expected: tuple[int, ...],
    hints: dict[tuple[int, ...], str] | None = None,
) -> torch.Tensor:
    """``value`` as a CPU tensor of shape ``expected``, or a `CheckError` with a hint."""
    tensor = _tensor(value, name, f"a tensor of shape {expected}")
    got = tuple(tensor.shape)
    if got != expected:
        hint = (hints or {}).get(got, "")
        raise CheckError(
            f"`{name}` should have shape {expected}, got {got}" + (f": {hint}" if hint else "")
        )
    return tensor


def _number(value: object, name: str, what: str) -> float:
    """One real number from a Python, numpy or one-element torch value."""
    _given(value, name, what)
    if isinstance(value, torch.Tensor | np.ndarray):
        size = value.numel() if isinstance(value, torch.Tensor) else value.size
        if size != 1:
            raise CheckError(
                f"`{name}` should be {what}, one number, got an array of shape {tuple(value.shape)}"
            )
        value = value.item()
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise CheckError(f"`{name}` should be {what}, got a {type(value).__name__}: {value!r}")
    result = float(value)
    if math.isnan(result):
        raise CheckError(f"`{name}` is nan: it should be {what}")
    return result


def _numbers(value: object, name: str, count: int, what: str) -> list[float]:
    """``count`` real numbers from a list, tuple, array or tensor."""
    _given(value, name, what)
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().flatten().tolist()
    elif isinstance(value, np.ndarray):
        value = value.flatten().tolist()
    if not isinstance(value, list | tuple):
        raise CheckError(f"`{name}` should be {what}, got a {type(value).__name__}")
    if len(value) != count:
        raise CheckError(f"`{name}` should hold {count} numbers ({what}), got {len(value)}")
    return [_number(item, f"{name}[{i}]", "a number") for i, item in enumerate(value)]


def _bools(value: object, name: str) -> np.ndarray:
    """A 1-D boolean array (bools, or 0 and 1) from a list, array or tensor."""
    what = "a boolean array, one entry per test name (predicted == truth)"
    _given(value, name, what)
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.ndim != 1 or array.size == 0:
        raise CheckError(f"`{name}` should be {what}, got shape {array.shape}")
    if array.dtype != bool:
        if not np.isin(array, (0, 1)).all():
            raise CheckError(f"`{name}` should be {what}; it holds values other than 0 and 1")
        array = array.astype(bool)
    return array


def _close(a: torch.Tensor, b: torch.Tensor, atol: float = 1e-5, rtol: float = 1.3e-6) -> bool:
    """Whether two tensors have the same shape and values (torch.testing's float32 tolerance)."""
    a, b = a.detach().cpu().double(), b.detach().cpu().double()
    return a.shape == b.shape and torch.allclose(a, b, rtol=rtol, atol=atol)


def _device(model: nn.Module) -> torch.device:
    """Where a module's weights live: the device a check's inputs must go to."""
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        return tensor.device
    return torch.device("cpu")


def _place(tensor: torch.Tensor, model: nn.Module) -> torch.Tensor:
    """``tensor`` on ``model``'s device; floats also in its float type."""
    for parameter in model.parameters():
        if tensor.is_floating_point() and parameter.is_floating_point():
            return tensor.to(parameter.device, parameter.dtype)
        break
    return tensor.to(_device(model))


@contextlib.contextmanager
def _evaluating(model: nn.Module) -> Iterator[None]:
    """Eval mode and no gradients for the block; the model's own mode afterwards."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        model.train(was_training)


def _generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _module(value: object, name: str, what: str) -> nn.Module:
    _given(value, name, what)
    if isinstance(value, type):
        raise CheckError(f"`{name}` is a class: pass the model itself, {what}")
    if not isinstance(value, nn.Module):
        raise CheckError(f"`{name}` should be {what}, got a {type(value).__name__}")
    return value


def _defined(value: object, name: str, what: str) -> None:
    """Fail if a function or class to write is still a placeholder: ``...`` or None."""
    if is_stub(value) or value is None:
        still = "still `...`" if is_stub(value) else "None"
        raise CheckError(f"`{name}` is {still}: define it as {what}")


def _class(value: object, name: str, what: str) -> type[nn.Module]:
    _defined(value, name, what)
    if isinstance(value, nn.Module):
        raise CheckError(f"pass the class `{name}` itself, not an instance `{name}(...)`")
    if not (isinstance(value, type) and issubclass(value, nn.Module)):
        raise CheckError(f"`{name}` should be a class, {what}; got a {type(value).__name__}")
    return value


def _instantiate(cls: type[nn.Module], name: str, *args: Any, hint: str = "") -> nn.Module:
    """``cls(*args)`` with seeded weights, without touching the learner's random state."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        arguments = ", ".join(map(repr, args))
        model = _call(f"`{name}({arguments})`", cls, *args, hint=hint)
    if "_modules" not in vars(model):
        raise CheckError(
            f"`{name}({arguments})` is not set up as a module: its `__init__` must call "
            "`super().__init__(...)` first" + (f"; {hint}" if hint else "")
        )
    return model


def _callable(value: object, name: str, what: str) -> Callable[..., Any]:
    _defined(value, name, what)
    if not callable(value):
        raise CheckError(f"`{name}` should be a function, {what}; got a {type(value).__name__}")
    return value


def _discussion(answer: object, reasoning: str) -> str:
    """Accept any real attempt at a discussion question; return the expected reasoning."""
    if is_stub(answer) or answer is None:
        raise CheckError(
            "`answer` is still `...`: write your explanation in a few sentences, as a str "
            '(answer = "...")'
        )
    if not isinstance(answer, str):
        raise CheckError(f"`answer` should be your explanation as a str, got a {type(answer)}")
    if not answer.strip():
        raise CheckError("`answer` is empty: write your explanation in a few sentences")
    if not any(c.isalnum() for c in answer.lower().replace(STUB_TEXT, "")):
        raise CheckError(
            f"`answer` is still the stub text {STUB_TEXT!r}: replace it with your explanation"
        )
    return f"answer noted. Compare it with the reasoning we expect: {reasoning}"


def _scores(output: object, what: str, expected: tuple[int, ...]) -> torch.Tensor:
    """A model's output: a tensor of scores of the expected shape, on the CPU."""
    _returned(output, what, f"scores of shape {expected}")
    if isinstance(output, tuple | list) and output and isinstance(output[0], torch.Tensor):
        output = output[0]
    if not isinstance(output, torch.Tensor):
        raise CheckError(f"{what} should return scores, a tensor, got a {type(output).__name__}")
    if tuple(output.shape) != expected:
        raise CheckError(
            f"{what} should return scores of shape {expected}, got {tuple(output.shape)}"
        )
    return output.detach().cpu()


# --- 01: the Caesar cipher ---------------------------------------------------------------


def _survivors(name: str, round_trip: str) -> str:
    cased, lost = [], []
    for char in dict.fromkeys(name):
        if char in CIPHER_ALPHABET:
            continue
        upper = char.upper()
        (cased if upper != char and all(c in CIPHER_ALPHABET[:26] for c in upper) else lost).append(
            char
        )
    parts = [f"{name!r} came back as {round_trip!r}."]
    if cased:
        shown = ", ".join(cased)
        parts.append(f"Lower case ({shown}) came back upper-cased: the alphabet has capitals only.")
    if lost:
        shown = ", ".join(map(repr, lost))
        parts.append(
            f"{shown} became '-': the 27-symbol alphabet holds only A-Z and '-', so a space, "
            "punctuation, a digit or an accented letter all map to '-'."
        )
    if not cased and not lost:
        parts.append("Every character survived: it was all capitals and '-' already.")
    return " ".join(parts)


def _shift_of(text: str, message: str) -> int | None:
    """The key k for which caesar_encrypt(message, k) == text, if any."""
    return next((k for k in range(27) if caesar_encrypt(message, k) == text), None)


@_register("01.1")
def _check_01_1(name: object, round_trip: object) -> str:
    """round_trip = caesar_decrypt(caesar_encrypt(name, key=3), key=3)."""
    _given(name, "name", "your name, a str")
    if not isinstance(name, str) or not name:
        raise CheckError(f"`name` should be a non-empty str (your name), got {name!r}")
    _given(round_trip, "round_trip", "caesar_decrypt(caesar_encrypt(name, key=3), key=3)")
    if not isinstance(round_trip, str):
        raise CheckError(f"`round_trip` should be the decrypted text, a str; got {round_trip!r}")
    expected = caesar_encrypt(name, key=0)
    if round_trip == expected:
        return _survivors(name, round_trip)
    if round_trip == name:
        raise CheckError(
            "`round_trip` is `name` unchanged, but the cipher upper-cases and turns non-letters "
            "into '-': set round_trip = caesar_decrypt(caesar_encrypt(name, key=3), key=3)"
        )
    shift = _shift_of(round_trip, name)
    if shift == 3:
        raise CheckError(
            "`round_trip` is still encrypted (shifted by 3): decrypt it with "
            "caesar_decrypt(..., key=3)"
        )
    if shift is not None:
        raise CheckError(
            f"`round_trip` is your name shifted by {shift}: decrypt with the key you encrypted "
            "with, key=3 both times"
        )
    raise CheckError(
        f"`round_trip` should be {expected!r}, got {round_trip!r}: round_trip = "
        "caesar_decrypt(caesar_encrypt(name, key=3), key=3)"
    )


@_register("01.2")
def _check_01_2(message: object, after_27: object) -> str:
    """after_27 = message shifted 27 times by 1."""
    _given(message, "message", "the text you shifted, a str")
    if not isinstance(message, str) or not message:
        raise CheckError(f"`message` should be a non-empty str, got {message!r}")
    _given(after_27, "after_27", "the text after 27 shifts by 1 with caesar_encrypt(text, key=1)")
    if not isinstance(after_27, str):
        raise CheckError(f"`after_27` should be the shifted text, a str; got {after_27!r}")
    expected = caesar_encrypt(message, 0)
    if after_27 == expected:
        return (
            f"27 shifts by 1 gave {expected!r} back: with 27 symbols, shifting wraps around "
            "after 27 steps, so key 27 behaves like key 0 (and key k like key k % 27)."
        )
    shift = _shift_of(after_27, message)
    if shift == 1:
        raise CheckError(
            "`after_27` is the message shifted once: in the loop, shift the running text "
            "(text = caesar_encrypt(text, key=1)), not the original message each time"
        )
    if shift is not None:
        raise CheckError(
            f"`after_27` is the message shifted by {shift} (mod 27), not 27 times by 1: does "
            "your loop run range(27), and shift the previous result each time?"
        )
    raise CheckError(
        f"`after_27` should be {expected!r}, got {after_27!r}: start from text = message and "
        "repeat text = caesar_encrypt(text, key=1) 27 times"
    )


#: Hidden cases for `crack`: (plain text, key, crib). The last crib is in no decryption.
_CRACK_CASES = (
    ("MEET-ME-AT-NOON", 7, "MEET"),  # crib at the start
    ("ATTACK-AT-DAWN", 0, "DAWN"),  # key 0, crib at the end
    ("THE-TREASURE-IS-BURIED-HERE", 26, "TREASURE"),  # the last key, crib in the middle
    ("SEND-MORE-SOLDIERS", 13, "MORE"),
    ("HELLO-WORLD", 5, "PYTHON"),  # no key fits
)


@_register("01.3")
def _check_01_3(crack: object) -> str:
    """crack(ciphertext, crib) -> the key whose decryption contains crib, or None."""
    crack = _callable(crack, "crack", "crack(ciphertext, crib) that returns an int or None")
    expected_return = "the key (an int from 0 to 26), or None when no key fits"
    for plain, key, crib in _CRACK_CASES:
        ciphertext = caesar_encrypt(plain, key)
        fits = {k for k in range(27) if crib in caesar_decrypt(ciphertext, k)}
        call = f"crack({ciphertext!r}, {crib!r})"
        result = _call(f"your `{call}`", crack, ciphertext, crib)
        if is_stub(result):
            raise CheckError(f"`{call}` returned ...: it should return {expected_return}")
        if not fits:
            if result is not None:
                raise CheckError(
                    f"`{call}` returned {result!r}, but no key makes the decryption contain "
                    f"{crib!r}: return None after trying all 27 keys (0 is a key, not 'none')"
                )
            continue
        if result is None:
            hint = " (does your loop try all 27 keys, range(27)?)" if key == 26 else ""
            raise CheckError(
                f"`crack` returned None for {ciphertext!r}, which decrypts with key {key} to "
                f"{plain!r}{hint}: it should return {expected_return}"
            )
        if isinstance(result, str):
            raise CheckError(
                f"`{call}` returned the str {result!r}: return the key, an int, not the text"
            )
        if isinstance(result, bool) or not isinstance(result, numbers.Integral):
            raise CheckError(f"`{call}` returned {result!r}: it should return {expected_return}")
        if int(result) not in fits:
            hint = (
                ": that key encrypts it again; decrypt each candidate with "
                "caesar_decrypt(ciphertext, key) and return that key"
                if int(result) % 27 == (27 - key) % 27
                else ": test each key with `crib in caesar_decrypt(ciphertext, key)`"
            )
            raise CheckError(
                f"`{call}` returned {int(result)}, but the message was encrypted with key "
                f"{key}{hint}"
            )
    return (
        "crack finds the key of every hidden message (keys 0, 7, 13 and 26; cribs at the "
        "start, middle and end) and returns None when no key fits."
    )


@_register("01.4")
def _check_01_4(onehot_numbers: object, embedded_numbers: object) -> str:
    """Numbers in a batch of 64 messages of 100 symbols: one-hot (27) and embedded (5)."""
    onehot = _number(onehot_numbers, "onehot_numbers", "F.one_hot(batch, 27).numel()")
    embedded = _number(embedded_numbers, "embedded_numbers", "embedding(batch).numel()")
    expected = {
        "onehot_numbers": (onehot, 64 * 100 * 27),
        "embedded_numbers": (embedded, 64 * 100 * 5),
    }
    if (onehot, embedded) == (64 * 100 * 5, 64 * 100 * 27):
        raise CheckError(
            "`onehot_numbers` and `embedded_numbers` are swapped: one-hot vectors have 27 "
            "numbers each, embeddings 5"
        )
    for name, (got, want) in expected.items():
        if got == want:
            continue
        width = 27 if name == "onehot_numbers" else 5
        if got == 64 * 100:
            hint = f"that counts the symbols; each is a vector of {width} numbers"
        elif got == 27 * 5:
            hint = "that is the size of the embedding table, not of the embedded batch"
        else:
            hint = "make the batch with make_cipher_dataset(64, 100) and call .numel()"
        raise CheckError(f"`{name}` should be 64 * 100 * {width} = {want}, got {got:g}: {hint}")
    return (
        f"172800 numbers as one-hot vectors, 32000 as embeddings: {172800 / 32000:.1f} times fewer."
    )


# --- 02: LSTM building blocks --------------------------------------------------------------


@_register("02.1")
def _check_02_1(output: object, h: object, c: object) -> str:
    """A 2-layer nn.LSTM(5, 10, batch_first=True) on [8, 16, 5]."""
    layers = "did you pass num_layers=2?"
    single = "did you pass bidirectional=True by mistake? Only num_layers=2 is asked for"
    _shape(
        output,
        "output",
        (8, 16, 10),
        {(16, 8, 10): "did you pass batch_first=True?", (8, 16, 20): single},
    )
    hints = {(1, 8, 10): layers, (4, 8, 10): single, (2, 16, 10): "did you pass batch_first=True?"}
    _shape(h, "h", (2, 8, 10), hints)
    _shape(c, "c", (2, 8, 10), hints)
    return (
        "output (8, 16, 10), h and c (2, 8, 10): only h and c grow, one state per layer; "
        "output always holds the top layer's states."
    )


@_register("02.2")
def _check_02_2(output: object, h: object) -> str:
    """A bidirectional one-layer nn.LSTM(5, 10, batch_first=True) on [8, 16, 5]."""
    bidirectional = "did you pass bidirectional=True?"
    _shape(
        output,
        "output",
        (8, 16, 20),
        {(8, 16, 10): bidirectional, (16, 8, 20): "did you pass batch_first=True?"},
    )
    _shape(
        h,
        "h",
        (2, 8, 10),
        {(1, 8, 10): bidirectional, (4, 8, 10): "one layer only: leave num_layers at 1"},
    )
    return (
        "output (8, 16, 20) and h (2, 8, 10): the forward and backward states are concatenated, "
        "2 * 10 = 20 features per step, so the linear layer needs 2 * 10 inputs: "
        "nn.Linear(2 * HIDDEN_DIM, VOCAB)."
    )


@_register("02.3")
def _check_02_3(loss_with_softmax: object) -> str:
    """The loss of a sure, right prediction with an extra softmax: ln(1 + 26/e)."""
    loss = _number(loss_with_softmax, "loss_with_softmax", "the loss, a number")
    expected = math.log(1 + 26 / math.e)
    if abs(loss - expected) <= 0.01:
        return (
            f"{loss:.3f} = ln(1 + 26/e): after the extra softmax the loss's own softmax sees "
            "1 for the right class and 0 for the 26 others, so the right class gets at best "
            "e / (e + 26), however sure the model is; the gradients are small too."
        )
    if abs(loss) < 0.01:
        hint = (
            "that is the loss without the extra softmax; put .softmax(-1) on the scores "
            "before loss_fn"
        )
    elif abs(loss - math.log(27)) < 0.01:
        hint = (
            "that is the loss of a model that is not sure at all (ln 27); make the prediction "
            "sure and right, e.g. a score of 20 for the target class and -20 for the others"
        )
    elif loss < 0:
        hint = "a cross-entropy loss cannot be negative"
    else:
        hint = (
            "make the scores sure and right (20 for the target class, -20 elsewhere), then "
            "apply .softmax(-1) before loss_fn"
        )
    raise CheckError(
        f"`loss_with_softmax` should be ln(1 + 26/e) ≈ {expected:.3f}, got {loss:.3f}: {hint}"
    )


def _lstm_by_hand(
    lstm: nn.LSTM,
    x: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    *,
    order: str = "ifgo",
    bias: tuple[bool, bool] = (True, True),
    cell: Callable[[torch.Tensor], torch.Tensor] = torch.tanh,
    tanh_c: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step with lstm's weights, or with one of the usual mistakes."""
    gates = x @ lstm.weight_ih_l0.T + h @ lstm.weight_hh_l0.T
    for use, bias_name in zip(bias, ("bias_ih_l0", "bias_hh_l0"), strict=True):
        if use and getattr(lstm, bias_name, None) is not None:
            gates = gates + getattr(lstm, bias_name)
    gate = dict(zip(order, gates.chunk(4, dim=1), strict=True))
    c_next = torch.sigmoid(gate["f"]) * c + torch.sigmoid(gate["i"]) * cell(gate["g"])
    h_next = torch.sigmoid(gate["o"]) * (torch.tanh(c_next) if tanh_c else c_next)
    return h_next, c_next


def _lstm_mistake(
    lstm: nn.LSTM, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, got: tuple
) -> str:
    """Name the usual mistake that reproduces the learner's (h_next, c_next), if one does."""
    variants: list[tuple[str, dict[str, Any]]] = [
        (
            "you left out bias_hh_l0: the gates get both biases, "
            "x @ W_ih.T + b_ih + h @ W_hh.T + b_hh",
            {"bias": (True, False)},
        ),
        (
            "you left out bias_ih_l0: the gates get both biases, "
            "x @ W_ih.T + b_ih + h @ W_hh.T + b_hh",
            {"bias": (False, True)},
        ),
        ("you left out both biases, bias_ih_l0 and bias_hh_l0", {"bias": (False, False)}),
        (
            "the cell candidate g takes tanh, not sigmoid: "
            "c_next = sigmoid(f) * c + sigmoid(i) * tanh(g)",
            {"cell": torch.sigmoid},
        ),
        (
            "the tanh of the new cell state is missing: h_next = sigmoid(o) * tanh(c_next)",
            {"tanh_c": False},
        ),
    ]
    for order in map("".join, itertools.permutations("ifgo")):
        if order != "ifgo":
            variants.append(
                (
                    f"your gates seem to be in the order {', '.join(order)}: PyTorch stacks "
                    "them as i, f, g, o (input, forget, cell candidate, output): "
                    "gate_i, gate_f, gate_g, gate_o = gates.chunk(4, dim=1)",
                    {"order": order},
                )
            )
    h_got, c_got = got
    right_h, right_c = _lstm_by_hand(lstm, x, h, c)
    if _close(h_got, right_c) and _close(c_got, right_h):
        return "you return (c_next, h_next): return (h_next, c_next), in that order"
    for hint, options in variants:
        h_want, c_want = _lstm_by_hand(lstm, x, h, c, **options)
        if _close(h_got, h_want) and (_close(c_got, c_want) or "tanh_c" in options):
            return hint
    return (
        "compare with the equations: gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, split as "
        "i, f, g, o; c_next = sigmoid(f) * c + sigmoid(i) * tanh(g); "
        "h_next = sigmoid(o) * tanh(c_next)"
    )


@_register("02.4")
def _check_02_4(lstm_step: object, lstm: object) -> str:
    """lstm_step(x, h, c) -> (h_next, c_next), checked against lstm over 3 steps."""
    step = _callable(lstm_step, "lstm_step", "lstm_step(x, h, c) that returns (h_next, c_next)")
    lstm = _module(lstm, "lstm", "the one-layer nn.LSTM whose weights lstm_step uses")
    if not isinstance(lstm, nn.LSTM):
        raise CheckError(f"`lstm` should be an nn.LSTM, got a {type(lstm).__name__}")
    if lstm.num_layers != 1 or lstm.bidirectional or lstm.proj_size:
        raise CheckError("`lstm` should have one layer, one direction and no projection")
    size_i, size_h, batch, steps = lstm.input_size, lstm.hidden_size, 4, 3
    generator = _generator(24)
    xs = _place(torch.randn(batch, steps, size_i, generator=generator), lstm)
    h0 = _place(torch.randn(batch, size_h, generator=generator), lstm)
    c0 = _place(torch.randn(batch, size_h, generator=generator), lstm)
    expected = f"(h_next, c_next), two tensors of shape [batch, {size_h}]"
    with _evaluating(lstm):
        state = (h0[None], c0[None])
        if lstm.batch_first:
            output, (_, c_n) = lstm(xs, state)
        else:
            output, (_, c_n) = lstm(xs.transpose(0, 1), state)
            output = output.transpose(0, 1)
        h, c = h0, c0
        for t in range(steps):
            call = "your `lstm_step(x, h, c)`"
            result = _call(call, step, xs[:, t], h, c, hint="x is [batch, I], h and c [batch, H]")
            h_next, c_next = _pair(result, "`lstm_step`", expected)
            for name, value in (("h_next", h_next), ("c_next", c_next)):
                _shape(value, f"{name} (what lstm_step returned)", (batch, size_h))
            if not (_close(h_next, output[:, t]) and (t < steps - 1 or _close(c_next, c_n[0]))):
                if t == 0:
                    raise CheckError(
                        "the first step of `lstm_step` does not match nn.LSTM: "
                        + _lstm_mistake(lstm, xs[:, 0], h0, c0, (h_next, c_next))
                    )
                raise CheckError(
                    f"step 1 of `lstm_step` matches nn.LSTM but step {t + 1} does not: does "
                    "lstm_step use its arguments h and c (not global variables) and the "
                    "weights of `lstm`?"
                )
            h, c = h_next, c_next
    return (
        "three steps of lstm_step match nn.LSTM's output and final cell state: "
        "the gates come stacked as i, f, g, o."
    )


# --- 03: training the cipher LSTM ----------------------------------------------------------


def _predict(model: nn.Module, encrypted: torch.Tensor, what: str) -> torch.Tensor:
    """The symbols ``model`` predicts for ``encrypted`` [batch, seq], on the CPU."""
    with _evaluating(model):
        output = _call(
            what,
            model,
            encrypted.to(_device(model)),
            hint="it should map a [batch, seq] LongTensor of symbols to [batch, seq, 27] scores",
        )
        scores = _scores(output, what, (*encrypted.shape, len(CIPHER_ALPHABET)))
    return scores.argmax(dim=-1)


@_register("03.1")
def _check_03_1(model: object) -> str:
    """A model trained to decrypt Caesar key 3: >= 99% of 500 fresh messages."""
    model = _module(model, "model", "your trained CipherLSTM (key3_model)")
    encrypted, original = make_cipher_dataset(500, 32, key=3, generator=_generator(303))
    accuracy = (_predict(model, encrypted, "your model") == original).float().mean().item()
    if accuracy >= 0.99:
        return f"your model decrypts {accuracy:.1%} of the symbols of 500 fresh key-3 messages."
    key13, original13 = make_cipher_dataset(500, 32, key=13, generator=_generator(303))
    accuracy13 = (_predict(model, key13, "your model") == original13).float().mean().item()
    if accuracy13 >= 0.99:
        hint = (
            "it decrypts key 13 (the default key) instead; train it on key-3 data from "
            "functools.partial(make_cipher_dataset, key=3)"
        )
    elif accuracy < 0.1:
        hint = "that is about chance (1/27): has it been trained? Check that the loss falls"
    else:
        hint = "train it longer (300 steps at lr=1e-2) and check that the loss falls"
    raise CheckError(
        f"your model decrypts {accuracy:.1%} of the symbols of 500 fresh key-3 messages; "
        f"at least 99% is expected: {hint}"
    )


def _vigenere_pair(encrypted: object, original: object) -> tuple[torch.Tensor, torch.Tensor]:
    what = "the Vigenère validation set, vig_encrypted and vig_original"
    enc = _tensor(encrypted, "encrypted", f"a [messages, symbols] LongTensor, {what}")
    orig = _tensor(original, "original", f"a [messages, symbols] LongTensor, {what}")
    if enc.dim() != 2 or enc.shape != orig.shape or enc.is_floating_point():
        raise CheckError(
            f"`encrypted` and `original` should be {what}: two [messages, symbols] LongTensors "
            f"of the same shape; got {tuple(enc.shape)} and {tuple(orig.shape)}"
        )
    shifts = torch.tensor([CIPHER_ALPHABET.index(letter) for letter in "KEY"])
    positions = torch.arange(enc.shape[1]) % 3
    if not torch.equal((orig + shifts[positions]) % len(CIPHER_ALPHABET), enc):
        raise CheckError(f"`encrypted` is not `original` encrypted with key KEY: pass {what}")
    return enc, orig


@_register("03.2")
def _check_03_2(per_position: object, model: object, encrypted: object, original: object) -> str:
    """The memoryless model's accuracy at key positions 0, 1, 2 of Vigenère."""
    values = _numbers(per_position, "per_position", 3, "accuracies at key positions 0, 1, 2")
    model = _module(model, "model", "the memoryless model, vigenere_no_memory")
    enc, orig = _vigenere_pair(encrypted, original)
    right = _predict(model, enc, "your model") == orig
    strided = [right[:, p::3].float().mean().item() for p in range(3)]
    if all(abs(v - s) <= 0.01 for v, s in zip(values, strided, strict=True)):
        length = enc.shape[1]
        counts = [len(range(p, length, 3)) for p in range(3)]
        shown = ", ".join(f"{v:.1%}" for v in values)
        return (
            f"accuracies {shown} at key positions 0, 1, 2. Each encrypted symbol fits three "
            "originals, one per key position, and a memoryless model must pick one answer per "
            f"symbol. Key position 0 covers {counts[0]} of the {length} symbols, the others "
            f"{counts[1]} and {counts[2]}, so always picking position 0 is its best: "
            f"{counts[0]}/{length} = {counts[0] / length:.1%}, the ceiling."
        )
    columns = [right[:, p].float().mean().item() for p in range(3)]
    if all(abs(v - s) <= 0.01 for v, s in zip(values, columns, strict=True)):
        hint = (
            "those are columns 0, 1, 2 only; key position p covers positions p, p + 3, "
            "p + 6, ...: compare predicted[:, p::3] with original[:, p::3]"
        )
    elif all(abs(v / 100 - s) <= 0.01 for v, s in zip(values, strided, strict=True)):
        hint = "give them as fractions between 0 and 1, not percentages"
    else:
        hint = "compare predicted[:, p::3] with original[:, p::3] for p = 0, 1, 2"
    shown = ", ".join(f"{s:.3f}" for s in strided)
    raise CheckError(f"`per_position` should be about [{shown}] for this model and data: {hint}")


@_register("03.3")
def _check_03_3(long_accuracy: object, model: object) -> str:
    """The Vigenère LSTM's accuracy on 500 messages of 64 symbols (seed 3)."""
    value = _number(long_accuracy, "long_accuracy", "a share of symbols right, from 0 to 1")
    model = _module(model, "model", "the Vigenère LSTM, vigenere_lstm")
    encrypted, original = make_vigenere_dataset(500, 64, generator=_generator(3))
    right = (_predict(model, encrypted, "your model") == original).float()
    accuracy, early, late = (
        right.mean().item(),
        right[:, :16].mean().item(),
        right[:, 16:].mean().item(),
    )
    if abs(value - accuracy) <= 0.005:
        return (
            f"long_accuracy {accuracy:.1%}; steps 0-15 {early:.1%}, steps 16-63 {late:.1%}. "
            "A count mod 3 learned as a cycle carries on past the 16 steps it was trained on; "
            "one that only held for 16 steps drifts, and the later steps fall. Either way, a "
            "model is only known to work on what it was tested on."
        )
    if abs(value - early) <= 0.005:
        hint = "that is the accuracy on steps 0-15 only; long_accuracy covers all 64 steps"
    elif abs(value / 100 - accuracy) <= 0.005:
        hint = "give it as a fraction between 0 and 1, not a percentage"
    else:
        hint = (
            "measure it on make_vigenere_dataset(500, 64, generator="
            "torch.Generator().manual_seed(3)), e.g. with evaluate(vigenere_lstm, ...)"
        )
    raise CheckError(
        f"`long_accuracy` should be {accuracy:.3f}, the share of symbols this model decrypts "
        f"in 500 messages of 64 symbols, got {value:.3f}: {hint}"
    )


# --- 04: the cell, stepped by hand -----------------------------------------------------------


@_register("04.1")
def _check_04_1(gru_model: object) -> str:
    """A SeriesRNN whose cell is an nn.GRUCell(10, hidden)."""
    model = _module(gru_model, "gru_model", "SeriesRNN(cell=nn.GRUCell)")
    cell = getattr(model, "cell", None)
    if not isinstance(cell, nn.GRUCell):
        hint = "build the model as SeriesRNN(cell=nn.GRUCell)"
        if isinstance(cell, nn.GRU):
            hint = f"nn.GRU is a whole layer, and SeriesRNN steps a cell: {hint}"
        if cell is None:
            raise CheckError(f"`gru_model` has no `cell`: {hint}")
        raise CheckError(
            f"`gru_model.cell` is an nn.{type(cell).__name__}, not an nn.GRUCell: {hint}"
        )
    if cell.input_size != 10:
        raise CheckError(
            f"`gru_model.cell` should read the 10 variables, got input_size {cell.input_size}"
        )
    windows = _place(torch.randn(4, 20, 10, generator=_generator(4)), model)
    with _evaluating(model):
        output = _call("`gru_model` on windows [4, 20, 10]", model, windows)
    _returned(output, "`gru_model`", "one prediction per window, shape [batch]")
    _shape(output, "gru_model(windows)", (4,), {(4, 1): "squeeze the last dimension"})
    return (
        f"gru_model steps an nn.GRUCell(10, {cell.hidden_size}) over the window and predicts "
        "one number per window."
    )


@_register("04.2")
def _check_04_2(inputs: object, targets: object, scaled: object) -> str:
    """Training windows for horizon 4: inputs[k] = scaled[k:k+20], targets[k] = scaled[k+23, 0]."""
    series = _tensor(scaled, "scaled", "the [T, 10] scaled series")
    x = _tensor(inputs, "inputs", "the windows, a [N, 20, 10] tensor (Xtr4)")
    y = _tensor(targets, "targets", "the targets, a [N] tensor (ytr4)")
    if series.dim() != 2 or series.shape[1] != 10:
        raise CheckError(f"`scaled` should be the [T, 10] scaled series, got {tuple(series.shape)}")
    if x.dim() != 3 or tuple(x.shape[1:]) != (20, 10):
        hint = ": transpose(1, 2) after unfold" if tuple(x.shape[1:]) == (10, 20) else ""
        raise CheckError(f"`inputs` should have shape [N, 20, 10], got {tuple(x.shape)}{hint}")
    count = x.shape[0]
    if count < 1:
        raise CheckError(
            "`inputs` holds no window: make them with make_windows(0, train_end, horizon=4)"
        )
    if tuple(y.shape) != (count,):
        raise CheckError(
            f"`targets` should have shape ({count},), one per window of `inputs`, got "
            f"{tuple(y.shape)}: with horizon 4, both hold len(part) - 20 - 4 + 1 entries"
        )
    if count + 23 > len(series):
        raise CheckError(
            f"`inputs` holds {count} windows, but window k reads rows k to k + 19 and its target "
            f"is row k + 23, so {len(series)} rows give at most {len(series) - 23}: cut the "
            "inputs to len(part) - 20 - 4 + 1 windows"
        )
    series = series.to(x.dtype)
    for k in sorted({0, 1, count // 2, count - 1} & set(range(count))):
        if not _close(x[k], series[k : k + 20]):
            windows = series.unfold(0, 20, 1).transpose(1, 2)
            gaps = (windows - x[k]).abs().amax(dim=(1, 2))
            found = (
                f", got rows {gaps.argmin().item()} to {gaps.argmin().item() + 19}"
                if gaps.min() < 1e-5
                else ""
            )
            raise CheckError(
                f"`inputs[{k}]` should be rows {k} to {k + 19} of scaled{found}: the training "
                "windows start at row 0, one per step"
            )
        if not _close(y[k], series[k + 23, 0]):
            rows = ((series[:, 0] - y[k]).abs() < 1e-6).nonzero().flatten().tolist()
            if rows:
                row = min(rows, key=lambda r: abs(r - (k + 23)))
                found = f", got row {row} ({row - k - 19} step(s) after: horizon={row - k - 19}?)"
            else:
                column = ((series[k + 23] - y[k]).abs() < 1e-6).nonzero().flatten().tolist()
                found = f", got variable {column[0]} of that row" if column else ""
            raise CheckError(
                f"`targets[{k}]` should be x_0 four steps after the window ends (row {k + 23}, "
                f"4 after its last row {k + 19}){found}: use make_windows(..., horizon=4)"
            )
    return (
        f"{count} windows of 20 steps: window k reads rows k to k + 19 and its target is x_0 "
        "at row k + 23, 4 steps after its last row."
    )


@_register("04.3")
def _check_04_3(answer: object) -> str:
    """Discussion: which line of the post's SimpleRNN fails on a GPU."""
    return _discussion(
        answer,
        "the post's forward() made the state with torch.zeros(batch_size, hidden_size), on the "
        "CPU. With the model and inputs on the GPU, the first call of the cell mixes a CUDA "
        "input with a CPU state, and PyTorch raises 'Expected all tensors to be on the same "
        "device'. inputs.new_zeros(...) creates the state where the inputs are.",
    )


# --- 05: a hand-written RNN for names --------------------------------------------------------


@_register("05.1")
def _check_05_1(answer: object) -> str:
    """Discussion: a name the model gets wrong, and why."""
    return _discussion(
        answer,
        "short names (Kim, Li) and names shared by several languages are the hardest: the model "
        "sees only letters, and a few letters carry little evidence; a name used in several "
        "languages has no single right answer.",
    )


@_register("05.2")
def _check_05_2(SigmoidRNN: object) -> str:
    """A HandRNN subclass whose new hidden state is sigmoid(in2hidden([x, hidden]))."""
    what = "class SigmoidRNN(HandRNN) whose forward(x, hidden) returns (scores, new_hidden)"
    model = _instantiate(_class(SigmoidRNN, "SigmoidRNN", what), "SigmoidRNN", 59, 16, 18)
    for layer in ("in2hidden", "in2output"):
        if not isinstance(getattr(model, layer, None), nn.Module):
            raise CheckError(
                f"SigmoidRNN(59, 16, 18) has no layer `{layer}`: subclass HandRNN, which makes it"
            )
    generator = _generator(5)
    x = _place(torch.randn(2, 59, generator=generator), model)
    hidden = _place(torch.rand(2, 16, generator=generator), model)
    expected = "(scores, new_hidden) with new_hidden = torch.sigmoid(self.in2hidden(combined))"
    with _evaluating(model):
        result = _call("`SigmoidRNN(59, 16, 18)(x, hidden)`", model, x, hidden)
        scores, new_hidden = _pair(result, "`SigmoidRNN.forward`", expected)
        combined = torch.cat([x, hidden], dim=1)
        swapped = torch.cat([hidden, x], dim=1)
        right_hidden = torch.sigmoid(model.in2hidden(combined))
        right_scores = model.in2output(combined)
        tanh_hidden = torch.tanh(model.in2hidden(combined))
        swapped_hidden = torch.sigmoid(model.in2hidden(swapped))
    order = "forward should return (scores, new_hidden), in that order"
    scores = _shape(scores, "scores", (2, 18), {(2, 16): order})
    new_hidden = _shape(new_hidden, "new_hidden", (2, 16), {(2, 18): order})
    if not _close(new_hidden, right_hidden):
        if _close(new_hidden, tanh_hidden):
            raise CheckError(
                "`new_hidden` is still torch.tanh(self.in2hidden(combined)), as in HandRNN: "
                "override forward so that it returns torch.sigmoid(self.in2hidden(combined))"
            )
        if _close(new_hidden, swapped_hidden):
            hint = "concatenate [x, hidden] in that order, as HandRNN does"
        else:
            hint = "combined = torch.cat([x, hidden], dim=1)"
        raise CheckError(f"`new_hidden` should be torch.sigmoid(self.in2hidden(combined)): {hint}")
    if not _close(scores, right_scores):
        hint = (
            "no activation on the scores: nn.CrossEntropyLoss applies its own softmax"
            if _close(scores, torch.sigmoid(right_scores))
            else "keep HandRNN's scores"
        )
        raise CheckError(f"`scores` should be self.in2output(combined): {hint}")
    return (
        "SigmoidRNN returns in2output([x, hidden]) and sigmoid(in2hidden([x, hidden])), the "
        "post's cell; compare its losses with tanh's."
    )


@_register("05.3")
def _check_05_3(first_acc: object, last_acc: object) -> str:
    """Accuracy from the first 3 letters, and from the last 3 letters, of the test names."""
    values = {}
    for name, value in (("first_acc", first_acc), ("last_acc", last_acc)):
        values[name] = _number(value, name, "an accuracy between 0 and 1")
        if not 0 <= values[name] <= 1:
            hint = ": give a fraction, not a percentage" if values[name] <= 100 else ""
            raise CheckError(f"`{name}` should be between 0 and 1, got {values[name]:g}{hint}")
    first, last = values["first_acc"], values["last_acc"]
    if last <= first:
        raise CheckError(
            f"`last_acc` ({last:.1%}) should be higher than `first_acc` ({first:.1%}): did you "
            "swap them? The first 3 letters are name[:3], the last 3 are name[-3:]"
        )
    return (
        f"endings carry more evidence: {last:.1%} from the last 3 letters against {first:.1%} "
        "from the first 3. Endings such as -ov, -ski, -ez and -ini are typical of one language, "
        "beginnings much less; and a 3-letter input looks like a short Chinese, Korean or "
        "Vietnamese name, so length itself misleads the model."
    )


# --- 06: a GRU on packed names -------------------------------------------------------------

_LSTM_STATE = (
    "an LSTM returns its state as a pair (h_n, c_n): unpack it, "
    "`_, (h_n, _) = self.gru(packed)`, and classify from h_n[-1]"
)
_NAMES = ("Ng", "Ivanov", "Rossi", "Kowalski")


@_register("06.1")
def _check_06_1(NameLSTM: object) -> str:
    """A NameGRU subclass with an nn.LSTM; forward(padded, lengths) -> [batch, 18]."""
    what = "class NameLSTM(NameGRU) with an nn.LSTM in place of the GRU"
    replace = (
        "set self.gru = nn.LSTM(embed_dim, hidden, layers, batch_first=True, dropout=dropout) "
        "after super().__init__(...)"
    )
    model = _instantiate(_class(NameLSTM, "NameLSTM", what), "NameLSTM", hint=replace)
    lstms = [m for m in model.modules() if isinstance(m, nn.LSTM)]
    if not lstms:
        raise CheckError(f"NameLSTM() has no nn.LSTM among its modules: {replace}")
    padded, lengths = pad_batch([encode_name(name) for name in _NAMES])
    padded = padded.to(_device(model))
    unpack = [("unpack", _LSTM_STATE), ("tuple", _LSTM_STATE), ("hidden", _LSTM_STATE)]
    with _evaluating(model):
        output = _call("`NameLSTM()(padded, lengths)`", model, padded, lengths, hints=unpack)
        _returned(output, "`NameLSTM.forward`", "the scores [batch, 18], self.head(h_n[-1])")
        scores = _shape(
            output,
            "NameLSTM()(padded, lengths)",
            (4, 18),
            {(2, 4, 18): f"h_n[-1] of the pair (h_n, c_n) is c_n, all layers; {_LSTM_STATE}"},
        )
        from_memory = None
        embed, head = getattr(model, "embed", None), getattr(model, "head", None)
        with contextlib.suppress(Exception):  # a layout of its own: the shape must do
            packed = pack_padded_sequence(
                embed(padded), lengths, batch_first=True, enforce_sorted=False
            )
            _, (_, c_n) = lstms[0](packed)
            from_memory = head(c_n[-1]).cpu()
    if from_memory is not None and _close(scores, from_memory):
        raise CheckError(
            "NameLSTM classifies from c_n, the cell's memory: the classifier reads h_n[-1], "
            "the hidden state; `_, (h_n, _) = self.gru(packed)`"
        )
    return (
        "NameLSTM runs an nn.LSTM over the packed names and returns [4, 18] scores from h_n[-1]: "
        "an LSTM returns its state as (h_n, c_n), so forward unpacks "
        "`_, (h_n, _) = self.gru(packed)`."
    )


@_register("06.2")
def _check_06_2(h_n: object, features: object) -> str:
    """h_n of a 2-layer bidirectional nn.GRU on 4 names, and the head's width."""
    rows = "h_n has num_layers * 2 directions rows: check num_layers=2 and bidirectional=True"
    tensor = _tensor(h_n, "h_n", "the h_n a 2-layer bidirectional GRU returns for 4 names")
    if tensor.dim() != 3:
        raise CheckError(
            f"`h_n` should be 3-D, (layers * directions, batch, hidden), got {tuple(tensor.shape)}"
        )
    hidden = tensor.shape[-1]
    _shape(h_n, "h_n", (4, 4, hidden), {(2, 4, hidden): rows, (1, 4, hidden): rows})
    width = _number(features, "features", "the width of torch.cat([h_n[-2], h_n[-1]], dim=1)")
    if width != 2 * hidden:
        hints = {
            hidden: "that is one direction; the top layer's forward (h_n[-2]) and backward "
            "(h_n[-1]) states are concatenated",
            4 * hidden: "that is all four rows; only the top layer's two, h_n[-2] and h_n[-1], "
            "go to the linear layer",
        }
        hint = hints.get(int(width), "measure torch.cat([h_n[-2], h_n[-1]], dim=1).shape[1]")
        raise CheckError(f"`features` should be 2 * {hidden} = {2 * hidden}, got {width:g}: {hint}")
    return (
        f"h_n has 2 layers * 2 directions = 4 rows of {hidden}; the top layer's forward and "
        f"backward states are h_n[-2] and h_n[-1], so the linear layer needs 2 * {hidden} = "
        f"{2 * hidden} inputs."
    )


_SUMMARY_ROWS = ("accuracy", "macro avg", "weighted avg", "micro avg", "samples avg")


@_register("06.3")
def _check_06_3(worst: object, report: object) -> str:
    """The 3 languages with the lowest recall in a classification_report(output_dict=True)."""
    _given(report, "report", "classification_report(..., output_dict=True)")
    if not isinstance(report, dict):
        hint = ": did you pass output_dict=True?" if isinstance(report, str) else ""
        raise CheckError(f"`report` should be a dict, got a {type(report).__name__}{hint}")
    languages = {
        name: row
        for name, row in report.items()
        if name not in _SUMMARY_ROWS and isinstance(row, dict) and "recall" in row
    }
    if len(languages) < 3:
        raise CheckError("`report` should hold a row per language (target_names=languages)")
    _given(worst, "worst", "a list of the 3 language names with the lowest recall")
    if isinstance(worst, str) or not isinstance(worst, list | tuple | np.ndarray):
        raise CheckError(f"`worst` should be a list of 3 language names, got {worst!r}")
    chosen = list(worst)
    if len(chosen) != 3:
        raise CheckError(f"`worst` should hold 3 language names, got {len(chosen)}")
    for name in chosen:
        if isinstance(name, numbers.Integral):
            raise CheckError(
                "`worst` should hold language names such as 'Czech', not label numbers"
            )
        if str(name) not in languages:
            raise CheckError(f"{name!r} in `worst` is not a language of `report`")
    chosen = [str(name) for name in chosen]
    if len(set(chosen)) != 3:
        raise CheckError(f"`worst` names a language twice: {chosen}")

    def lowest(metric: str) -> bool:
        values = sorted(row[metric] for row in languages.values())[:3]
        return sorted(languages[name][metric] for name in chosen) == values

    if lowest("recall"):
        listed = ", ".join(
            f"{name} ({languages[name]['recall']:.0%} of {languages[name]['support']:.0f} names)"
            for name in sorted(chosen, key=lambda name: languages[name]["recall"])
        )
        return (
            f"lowest recall: {listed}. Small languages, and those whose names look like a "
            "bigger neighbour's, are the hardest."
        )
    for metric in ("precision", "f1-score"):
        if metric in next(iter(languages.values())) and lowest(metric):
            raise CheckError(
                f"those have the lowest {metric}, not recall: sort by report[language]['recall']"
            )
    highest = sorted(languages, key=lambda name: languages[name]["recall"])[-3:]
    if set(chosen) == set(highest):
        raise CheckError("those have the highest recall: sort in increasing order and take [:3]")
    want = sorted(languages, key=lambda name: languages[name]["recall"])[:3]
    raise CheckError(
        f"the 3 lowest recalls are {', '.join(want)}; sort the languages by "
        "report[language]['recall'] and take the first 3"
    )


@_register("06.4")
def _check_06_4(oracle_accuracy: object, gru_right: object, ngram_right: object) -> str:
    """The accuracy of an oracle that picks whichever of two models is right."""
    value = _number(oracle_accuracy, "oracle_accuracy", "a share of names, from 0 to 1")
    gru, ngram = _bools(gru_right, "gru_right"), _bools(ngram_right, "ngram_right")
    if gru.shape != ngram.shape:
        raise CheckError(
            f"`gru_right` and `ngram_right` should have one entry per test name each, got "
            f"{gru.size} and {ngram.size}"
        )
    oracle = float((gru | ngram).mean())
    if abs(value - oracle) <= 1e-9:
        return (
            f"an oracle choosing between them reaches {oracle:.1%} (GRU {gru.mean():.1%}, "
            f"n-grams {ngram.mean():.1%}). It looks at the true label to choose, so no real "
            "combination can reach it; averaging their probabilities, say, recovers only part "
            "of the gap."
        )
    if abs(value - float((gru & ngram).mean())) <= 1e-9:
        hint = "that counts names both get right (&); the oracle is right when either is (|)"
    elif abs(value - max(gru.mean(), ngram.mean())) <= 1e-9:
        hint = "that is the better model's accuracy; the oracle picks per name"
    elif abs(value - (gru | ngram).sum()) <= 1e-9:
        hint = "that is a count: take the mean"
    elif abs(value / 100 - oracle) <= 1e-9:
        hint = "give it as a fraction between 0 and 1, not a percentage"
    else:
        hint = "(gru_right | ngram_right).mean()"
    raise CheckError(f"`oracle_accuracy` should be {oracle:.4f}, got {value:.4f}: {hint}")


# --- 07: going further -----------------------------------------------------------------------


@_register("07.1")
def _check_07_1(answer: object) -> str:
    """Discussion: an RNN and a GRU on a key of 9 letters."""
    return _discussion(
        answer,
        "counting to 9 is still a short-memory job: the next key position depends only on the "
        "previous one. More weights do not help a task that does not need what they are for. "
        "And it is one seed only: rerun with others before you believe a ranking.",
    )


@_register("07.2")
def _check_07_2(ConvWithPosition: object) -> str:
    """A Convolutional subclass that reads position % 3 as 3 more input channels."""
    what = "class ConvWithPosition(Convolutional) with no constructor arguments"
    cls = _class(ConvWithPosition, "ConvWithPosition", what)
    parent = "super().__init__(len(CIPHER_ALPHABET), 27, 8, 32), then replace self.conv1"
    model = _instantiate(cls, "ConvWithPosition", hint=parent)
    first = getattr(model, "conv1", None)
    if not isinstance(first, nn.Conv1d):
        raise CheckError("ConvWithPosition() should keep Convolutional's `conv1`, an nn.Conv1d")
    if first.in_channels != 11:
        raise CheckError(
            f"the first convolution takes {first.in_channels} channels; it needs 8 + 3 = 11, the "
            "embedding's 8 and a one-hot of position % 3: "
            "self.conv1 = nn.Conv1d(8 + 3, 32, kernel_size=5, padding=2)"
        )
    layout = "concatenate on dim=2 (features): [batch, time, 8 + 3], then self.features(...)"
    symbols = torch.randint(len(CIPHER_ALPHABET), (2, 16), generator=_generator(7))
    same = torch.full((1, 16), 5)
    with _evaluating(model):
        output = _call("`ConvWithPosition()(x)`", model, symbols.to(_device(model)), hint=layout)
        _scores(output, "`ConvWithPosition()(x)`", (2, 16, 27))
        flat = _call("`ConvWithPosition()(x)`", model, same.to(_device(model)), hint=layout)
        flat = _scores(flat, "`ConvWithPosition()(x)`", (1, 16, 27))[0]
    for t in range(4, 9):
        if not _close(flat[t], flat[t + 3], atol=1e-4):
            raise CheckError(
                f"on a message of one repeated symbol, positions {t} and {t + 3} (the same key "
                "position) get different scores: the extra input should be a one-hot of "
                "position % 3, not of the position itself"
            )
    if all(_close(flat[t], flat[t + 1], atol=1e-6) for t in range(4, 11)):
        raise CheckError(
            "on a message of one repeated symbol, every position gets the same scores: the "
            "position channels have no effect; concatenate one_hot(arange(time) % 3, 3) to the "
            "embeddings"
        )
    return (
        "ConvWithPosition reads 8 + 3 = 11 channels, and positions with the same t % 3 get the "
        "same scores. It cheats a little: we told it the key's length, which a recurrent "
        "network found by itself."
    )


@_register("07.3")
def _check_07_3(h_n: object) -> str:
    """h_n of a one-way 2-layer nn.GRU(16, 64) on 4 names."""
    _shape(
        h_n,
        "h_n",
        (2, 4, 64),
        {
            (1, 4, 64): "h_n has one row per layer: pass num_layers=2",
            (4, 4, 64): "4 rows means 2 layers * 2 directions: build a one-way GRU this time",
        },
    )
    return "h_n has one row per layer, 2 rows of 64; forward() still reads h_n[-1], the top layer."


# --- 08: why gates -------------------------------------------------------------------------


@_register("08.1")
def _check_08_1(answer: object) -> str:
    """Discussion: forget-gate biases 1 and 3 at L = 25."""
    return _discussion(
        answer,
        f"sigma(1) = {1 / (1 + math.e**-1):.2f} keeps 0.73^25, about 4e-4, of the memory over "
        f"25 steps at the start; sigma(3) = {1 / (1 + math.e**-3):.2f} keeps 0.95^25, about "
        "0.28. The more the gate keeps at the start, the sooner training finds the long path. "
        "One seed only: rerun with others before you rank them.",
    )


@_register("08.2")
def _check_08_2(gru_with_update_bias: object) -> str:
    """gru_with_update_bias(bias) -> nn.GRU whose update gate z has total bias `bias`."""
    make = _callable(
        gru_with_update_bias, "gru_with_update_bias", "gru_with_update_bias(bias) -> an nn.GRU"
    )
    for bias in (5.0, 2.0):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            gru = _call(f"your `gru_with_update_bias({bias})`", make, bias)
        _returned(
            gru,
            f"`gru_with_update_bias({bias})`",
            'the GRU, make_cell("GRU"), with its update-gate bias set',
        )
        if not isinstance(gru, nn.GRU):
            raise CheckError(
                f"`gru_with_update_bias({bias})` should return a one-layer nn.GRU "
                f'(make_cell("GRU")), got a {type(gru).__name__}'
            )
        if not gru.bias:
            raise CheckError('the GRU has no biases: build it with make_cell("GRU")')
        size = gru.hidden_size
        b_ih, b_hh = gru.bias_ih_l0.detach().cpu(), gru.bias_hh_l0.detach().cpu()
        thirds = [(b_ih + b_hh)[i * size : (i + 1) * size] for i in range(3)]
        target = torch.full((size,), bias)
        if _close(thirds[1], target):
            continue
        if _close(thirds[0], target):
            hint = (
                "you set the first third, the reset gate r; the gates are r, z, n: z is [H : 2 * H]"
            )
        elif _close(thirds[2], target):
            hint = (
                "you set the last third, the candidate n; the gates are r, z, n: z is [H : 2 * H]"
            )
        elif _close(thirds[1], 2 * target):
            hint = "the gate sees bias_ih_l0 + bias_hh_l0: set each to bias / 2"
        elif _close(b_ih[size : 2 * size], target) or _close(b_hh[size : 2 * size], target):
            hint = (
                "you set only one of the two bias vectors; the gate sees bias_ih_l0 + "
                "bias_hh_l0: set both slices to bias / 2"
            )
        elif bias == 2.0:
            hint = "it works for 5.0 only: use the argument `bias`, not a fixed number"
        else:
            hint = "set bias_ih_l0[H : 2 * H] and bias_hh_l0[H : 2 * H] to bias / 2"
        raise CheckError(
            f"with gru_with_update_bias({bias}), the update gate z should see a bias of {bias} "
            f"(bias_ih_l0 + bias_hh_l0 at [H : 2 * H]): {hint}"
        )
    return (
        "the update gate z (the second third of the biases, order r, z, n) sees bias_ih + "
        "bias_hh = bias: with z near 1 the GRU copies its state forward, and the gradient "
        "travels back as in the LSTM with an open forget gate."
    )


@_register("08.3")
def _check_08_3(answer: object) -> str:
    """Discussion: why the recall task reads only the last state."""
    return _discussion(
        answer,
        "averaging the states would give the first step's state, which holds the key, a direct "
        "path to the output, 1/(L+1) of the average with no recurrence in between. The model "
        "could read the key without carrying it, so the task would no longer test memory. "
        "Attention (notebook 10) is that idea made selective: a learned, weighted average.",
    )


@_register("08.4")
def _check_08_4(answer: object) -> str:
    """Discussion: the share of the cell state a fresh LSTM keeps, sigma(b) ** L."""
    return _discussion(
        answer,
        "sigma(b) ** 50 is about 9e-16 for b = 0, 2e-7 for b = 1, 0.09 for b = 3 and 0.7 for "
        "b = 5: only biases 3 and 5 keep more than 1% of the memory over 50 steps at the start. "
        "That matches the recall table (the default LSTM never got started, bias 5 solved every "
        "distance, 50 with a longer budget) and exercise 1 (bias 3 was enough at 25, bias 1 was "
        "not). It pictures the start only: training can open or close the gate.",
    )


@_register("08.5")
def _check_08_5(gru_run: object, verdict: object) -> str:
    """The GRU at L = 25 with a longer budget: train_recall's result and "wall" or "budget"."""
    _given(gru_run, "gru_run", 'train_recall("GRU", None, 25, seed=0, max_steps=1_500)')
    if not (isinstance(gru_run, tuple | list) and len(gru_run) == 3):
        raise CheckError(
            "`gru_run` should be what train_recall returns, (test accuracy, steps, reached), "
            f"got {type(gru_run).__name__} {gru_run!r:.80}"
        )
    accuracy, steps, reached = gru_run
    if not (isinstance(accuracy, float) and 0 <= accuracy <= 1 and isinstance(steps, int)):
        raise CheckError(
            "`gru_run` should be (test accuracy as a float, steps as an int, reached as a bool), "
            f"as train_recall returns it; got {gru_run!r:.80}"
        )
    if steps <= 300 and not reached:
        raise CheckError(
            f"your run stopped after {steps} steps, within the table's budget of 300: pass "
            "max_steps=1_500 so that the GRU gets a longer one"
        )
    _given(verdict, "verdict", '"wall" or "budget"')
    if verdict not in ("wall", "budget"):
        raise CheckError(f'`verdict` should be "wall" or "budget", got {verdict!r}')
    if reached and verdict == "wall":
        raise CheckError(
            f"your GRU reached 99% of the validation keys after {steps} steps: a wall would have "
            'stopped it at any budget, so the answer is "budget"'
        )
    if not reached and verdict == "budget":
        raise CheckError(
            f"your GRU did not reach 99% within {steps} steps ({accuracy:.0%} of the test keys): "
            'what you measured does not show that more steps help; say "wall" for this budget, '
            "or try another seed or more steps"
        )
    if reached and steps <= 300:
        return (
            f"{accuracy:.0%} of the test keys after {steps} steps: this run learned within the "
            "table's budget, where seed 0 did not. Seeds differ; the table's medians are the "
            "measurement, one run decides little."
        )
    if reached:
        return (
            f"{accuracy:.0%} of the test keys after {steps} steps, where the table's 300 steps "
            "left it at chance: a plateau, not a wall, and the 300-step budget hid it. Print the "
            "validation accuracy every 100 steps to see how long the plateau lasts."
        )
    return (
        f"{accuracy:.0%} of the test keys after {steps} steps: within this budget, a wall. Other "
        "seeds may get off the plateau later; one seed decides nothing."
    )


# --- 09: generating names --------------------------------------------------------------------


@_register("09.1")
def _check_09_1(UnconditionedLM: object) -> str:
    """A NameLM subclass whose start(language) ignores the language."""
    what = "class UnconditionedLM(NameLM) whose start(language) returns zeros"
    model = _instantiate(_class(UnconditionedLM, "UnconditionedLM", what), "UnconditionedLM")
    gru = getattr(model, "gru", None)
    if not isinstance(gru, nn.RNNBase) or not callable(getattr(model, "start", None)):
        raise CheckError(
            "UnconditionedLM() should keep NameLM's `gru` and `start`: subclass NameLM"
        )
    size = gru.hidden_size
    zeros = "torch.zeros(1, len(language), self.gru.hidden_size, device=language.device)"
    states = []
    for language in (torch.tensor([0, 5, 17]), torch.tensor([3])):
        language = language.to(_device(model))
        batch = len(language)
        with torch.no_grad():
            state = _call(f"`UnconditionedLM().start({language.tolist()})`", model.start, language)
        _returned(state, "`UnconditionedLM.start`", f"zeros of shape [1, batch, hidden]: {zeros}")
        if isinstance(state, torch.Tensor) and state.device != language.device:
            raise CheckError(
                f"start returned a state on {state.device}, but language is on "
                f"{language.device}: create it with device=language.device"
            )
        states.append(
            _shape(
                state,
                "start(language)",
                (1, batch, size),
                {(batch, size): "add the layer dimension in front: [1, batch, hidden]"},
            )
        )
    three = states[0]
    if bool((three == 0).all()):
        return (
            "every name starts from zeros, whatever its language: train it and compare its "
            "validation loss with the conditioned model's to see what the language is worth."
        )
    if _close(three[0, 0], three[0, 1]) and _close(three[0, 0], three[0, 2]):
        return (
            "every name starts from the same state, whatever its language (zeros, as in the "
            "reference, do the same job): the difference in validation loss is what knowing "
            "the language is worth."
        )
    raise CheckError(
        "start(language) gives different states to different languages: it should ignore the "
        f"language and return zeros, {zeros}"
    )


@_register("09.2")
def _check_09_2(most_probable: object) -> str:
    """most_probable(language, beam=5) -> (name, log_prob) by beam search."""
    search = _callable(most_probable, "most_probable", "most_probable(language, beam=5)")
    expected = "(name, log_prob): the most probable name, a str, and its log-probability"
    with torch.no_grad():
        result = _call("your `most_probable('Russian')`", search, "Russian")
    name, log_prob = _pair(result, "`most_probable('Russian')`", expected)
    if not isinstance(name, str) or not name:
        raise CheckError(f"the name most_probable returns should be a non-empty str, got {name!r}")
    strange = sorted(set(name) - set(NAME_ALPHABET))
    if strange:
        raise CheckError(
            f"the name {name!r} holds symbols that are not in NAME_ALPHABET ({strange}): "
            "decode symbol k as NAME_ALPHABET[k - 1] (names start at 1) and stop at END"
        )
    value = _number(log_prob, "log_prob", "the name's total log-probability, a float <= 0")
    if value > 1e-6:
        raise CheckError(
            f"log_prob is {value:.3f}, but a log-probability is <= 0: add log_softmax values, "
            "not raw scores"
        )
    if value <= -100:
        raise CheckError(f"log_prob is {value:.1f}, far too low for the most probable name")
    return (
        f"most_probable('Russian') = ({name!r}, {value:.2f}). The most probable name is a "
        "short, common one, often a training name: every extra letter multiplies in one more "
        "probability below 1, so the search favours names that stop early. Sampling gives the "
        "variety of real names; the single most probable sequence is not a typical one."
    )


@_register("09.3")
def _check_09_3(LSTMNameLM: object) -> str:
    """A NameLM subclass with an nn.LSTM whose start returns (h, c)."""
    what = "class LSTMNameLM(NameLM) with an nn.LSTM and start returning (h, c)"
    replace = "set self.gru = nn.LSTM(embed_dim, hidden, batch_first=True) after super().__init__"
    model = _instantiate(_class(LSTMNameLM, "LSTMNameLM", what), "LSTMNameLM", hint=replace)
    lstms = [m for m in model.modules() if isinstance(m, nn.LSTM)]
    if not lstms:
        raise CheckError(f"LSTMNameLM() has no nn.LSTM among its modules: {replace}")
    size = lstms[0].hidden_size
    device = _device(model)
    language = torch.tensor([0, 1], device=device)
    pair = "an LSTM's state is a pair: return h, torch.zeros_like(h) (the language as h)"
    with _evaluating(model):
        state = _call("`LSTMNameLM().start(tensor([0, 1]))`", model.start, language)
        if isinstance(state, torch.Tensor):
            raise CheckError(f"start returned one tensor: {pair}")
        h, c = _pair(
            state, "`LSTMNameLM.start`", f"(h, c), two tensors of shape [1, batch, {size}]"
        )
        for name, value in (("h", h), ("c", c)):
            _shape(value, f"{name} (from start)", (1, 2, size))
        inputs = torch.randint(1, 61, (2, 5), generator=_generator(9)).to(device)
        output = _call(
            "`LSTMNameLM()(inputs, language)`",
            model,
            inputs,
            language,
            hints=[("hidden", pair), ("index", pair)],
        )
        _returned(output, "`LSTMNameLM.forward`", "(scores, state)")
        _scores(output, "`LSTMNameLM()(inputs, language)`", (2, 5, 60))
    return (
        "LSTMNameLM starts from (h, c), the language as h and an empty memory c, and returns "
        "scores [2, 5, 60]: an LSTM's state is a pair wherever a GRU's is one tensor."
    )


# --- 10: sequence to sequence with attention ---------------------------------------------------

_DATES = {"23 Nov 2026": "2026-11-23", "from 1 jan 2027 to 31 jan 2027": "2027-01-01/2027-01-31"}


@_register("10.1")
def _check_10_1(beam_convert: object) -> str:
    """beam_convert(text, width=3) -> the ISO text, by beam search with the trained model."""
    convert = _callable(beam_convert, "beam_convert", "beam_convert(text, width=3) -> str")
    for text, target in _DATES.items():
        with torch.no_grad():
            result = _call(f"your `beam_convert({text!r})`", convert, text)
        _returned(result, f"`beam_convert({text!r})`", "the ISO text, a str")
        if not isinstance(result, str):
            raise CheckError(
                f"`beam_convert({text!r})` returned a {type(result).__name__}: it should return "
                "the output text, a str (decode_output(...))"
            )
        if result != target:
            raise CheckError(
                f"`beam_convert({text!r})` returned {result!r}, expected {target!r}: the greedy "
                "decoder gets this right, and a beam of width 3 should keep it. Add "
                "log-probabilities (not probabilities), keep a beam that writes END as finished, "
                "and decode the best finished beam"
            )
    return (
        "beam_convert writes both test dates right. Beam search finds outputs the model rates "
        "more probable; it cannot fix what the model never learned."
    )


@_register("10.2")
def _check_10_2(DotAttention: object) -> str:
    """An Attention subclass with scores q . k / sqrt(d)."""
    what = (
        "class DotAttention(Attention) whose forward(h, keys, states, mask) -> (context, weights)"
    )
    model = _instantiate(_class(DotAttention, "DotAttention", what), "DotAttention")
    query, key = getattr(model, "query", None), getattr(model, "key", None)
    if not (isinstance(query, nn.Linear) and isinstance(key, nn.Linear)):
        raise CheckError("DotAttention() should keep Attention's `query` and `key` layers")
    query_dim, d, key_dim = query.in_features, query.out_features, key.in_features
    generator = _generator(10)
    h = _place(torch.randn(2, query_dim, generator=generator), model)
    states = _place(torch.randn(2, 5, key_dim, generator=generator), model)
    mask = torch.tensor([[True] * 3 + [False] * 2, [True] * 5], device=states.device)
    expected = "(context, weights): [batch, key_dim] and [batch, time]"
    with _evaluating(model):
        keys = key(states)
        result = _call("`DotAttention()(h, keys, states, mask)`", model, h, keys, states, mask)
        context, weights = _pair(result, "`DotAttention.forward`", expected)
        dot = torch.bmm(keys, query(h).unsqueeze(2)).squeeze(2)
        additive = None
        if isinstance(getattr(model, "v", None), nn.Module):
            additive = model.v(torch.tanh(keys + query(h).unsqueeze(1))).squeeze(2)

    def softmax(scores: torch.Tensor) -> torch.Tensor:
        return scores.masked_fill(~mask, float("-inf")).softmax(dim=1).cpu()

    weights = _shape(weights, "weights", (2, 5))
    mask = mask.cpu()
    if torch.isnan(weights).any():
        raise CheckError("`weights` contain nan: mask with masked_fill(~mask, float('-inf'))")
    if not bool((weights[~mask] == 0).all()):
        raise CheckError(
            "`weights` should be exactly 0 on padding: scores.masked_fill(~mask, float('-inf')) "
            "before the softmax"
        )
    if not _close(weights.sum(dim=1), torch.ones(2)):
        raise CheckError("`weights` should sum to 1 over each row: softmax(dim=1), over positions")
    if not _close(weights, softmax(dot / d**0.5)):
        if _close(weights, softmax(dot)):
            hint = f"divide the scores by sqrt(d) = sqrt({d})"
        elif _close(weights, softmax(dot / d)):
            hint = f"divide by sqrt(d), not d = {d}"
        elif additive is not None and _close(weights, softmax(additive)):
            hint = "these are still the additive scores v(tanh(keys + query(h)))"
        else:
            hint = "score_s = keys[:, s] . self.query(h), i.e. torch.bmm(keys, q.unsqueeze(2))"
        raise CheckError(
            f"`weights` should be softmax(keys @ query(h) / sqrt({d})) over the real positions: "
            f"{hint}"
        )
    _shape(context, "context", (2, key_dim))
    if not _close(context, torch.bmm(weights.unsqueeze(1), states.cpu()).squeeze(1)):
        raise CheckError("`context` should be the weighted sum of states: weights @ states")
    return (
        "DotAttention's weights are softmax(q . k_s / sqrt(d)) over the real positions, 0 on "
        "padding, and the context is their weighted sum of the states: no tanh and no v, one "
        "batched matrix product scores all positions at once."
    )


@_register("10.3")
def _check_10_3(LSTMEncoder: object) -> str:
    """An Encoder subclass with a bidirectional nn.LSTM."""
    from course_utils.dates import DATE_INPUT_ALPHABET

    what = "class LSTMEncoder(Encoder) with a bidirectional nn.LSTM"
    replace = "set self.gru = nn.LSTM(embed_dim, H, batch_first=True, bidirectional=True)"
    model = _instantiate(_class(LSTMEncoder, "LSTMEncoder", what), "LSTMEncoder", hint=replace)
    lstms = [m for m in model.modules() if isinstance(m, nn.LSTM)]
    if not lstms:
        raise CheckError(f"LSTMEncoder() has no nn.LSTM among its modules: {replace}")
    if not lstms[0].bidirectional:
        raise CheckError(f"the encoder's LSTM should be bidirectional: {replace}")
    size = lstms[0].hidden_size
    texts = ("23 Nov 2026", "from 1.2.26 to 3.4.26", "2026/11/23")
    x, lengths = pad_batch([encode(text, DATE_INPUT_ALPHABET, start=1) for text in texts])
    time = x.shape[1]
    unpack = "an LSTM returns output, (h_n, c_n): `output, (h_n, _) = self.gru(packed)`"
    with _evaluating(model):
        result = _call(
            "`LSTMEncoder()(x, lengths)`",
            model,
            x.to(_device(model)),
            lengths,
            hints=[("unpack", unpack), ("tuple", unpack)],
        )
    output, summary = _pair(result, "`LSTMEncoder.forward`", "(output, summary)")
    output = _shape(output, "output", (3, time, 2 * size))
    for row, length in enumerate(lengths.tolist()):
        if not bool((output[row, length:] == 0).all()):
            raise CheckError(
                "`output` should be 0 at padded positions: pack the embedded inputs with "
                "pack_padded_sequence and unpack with pad_packed_sequence(..., total_length=T)"
            )
    _shape(
        summary,
        "summary",
        (3, 2 * size),
        {(2, 6, size): f"h_n[0] and h_n[1] of the pair (h_n, c_n) are h_n and c_n; {unpack}"},
    )
    return (
        f"LSTMEncoder returns output [3, {time}, {2 * size}], zero on padding, and a summary "
        f"[3, {2 * size}]: only the unpacking changes, `output, (h_n, _) = self.gru(packed)`."
    )
