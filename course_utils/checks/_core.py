"""The core of the answer checks: `check`, `CheckError`, the registry and shared helpers.

Each notebook's checks are in ``nbNN.py`` beside this file and register themselves with
``_register``.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import itertools
import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

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


def _noted(answer: object, reasoning: str) -> str:
    """`_discussion`, which also names an answer of None as None (a cell that set nothing).

    Example:
        >>> _noted("Short names carry little evidence.", "...")[:12]
        'answer noted'
    """
    if answer is None:
        raise CheckError(
            '`answer` is None: write your explanation in a few sentences, as a str (answer = "...")'
        )
    return _discussion(answer, reasoning)


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


@functools.lru_cache(maxsize=1)
def _careful_split() -> tuple[list[str], np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The surnames under the careful protocol of notebooks 05 to 07.

    Unique (name, language) pairs, labels from sorted language names, split 80/10/10 with
    ``split_names(labels, seed=0)``: (names, labels, languages, train, validation, test),
    the last three as positions in ``names``.
    """
    from course_utils.names import load_names, split_names, unique_pairs

    pairs = unique_pairs(load_names())
    languages = sorted({language for _, language in pairs})
    labels = np.array([languages.index(language) for _, language in pairs])
    train, validation, test = split_names(labels, seed=0)
    return [name for name, _ in pairs], labels, languages, train, validation, test
