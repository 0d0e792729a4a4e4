"""Answer checks for notebook 01, the Caesar cipher as data."""

from __future__ import annotations

import numbers

from course_utils.checks._core import (
    CheckError,
    _call,
    _callable,
    _given,
    _number,
    _register,
    is_stub,
)
from course_utils.ciphers import (
    CIPHER_ALPHABET,
    caesar_decrypt,
    caesar_encrypt,
)


def _survivors(name: str, round_trip: str) -> str:
    cased, grown, lost = [], [], []
    for char in dict.fromkeys(name):
        if char in CIPHER_ALPHABET:
            continue
        upper = char.upper()
        if upper == char or not all(c in CIPHER_ALPHABET[:26] for c in upper):
            lost.append(char)
        else:
            (cased if len(upper) == 1 else grown).append(char)
    parts = [f"{name!r} came back as {round_trip!r}."]
    if cased:
        shown = ", ".join(cased)
        parts.append(f"Lower case ({shown}) came back upper-cased: the alphabet has capitals only.")
    for char in grown:
        parts.append(f"{char!r} came back as {char.upper()!r}, its upper case.")
    if lost:
        shown = ", ".join(map(repr, lost))
        parts.append(
            f"{shown} became '-': the 27-symbol alphabet holds only A-Z and '-', so a space, "
            "punctuation, a digit or an accented letter all map to '-'."
        )
    if not cased and not grown and not lost:
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


def _texts(value: object) -> list[str]:
    what = "the list of the 27 texts the loop makes, one after each shift by 1"
    _given(value, "texts", what)
    if isinstance(value, str):
        raise CheckError(
            f"`texts` is one str, {value!r}: it should be {what}; append each shifted text "
            "to a list, texts.append(text)"
        )
    if not isinstance(value, list | tuple) or not all(isinstance(t, str) for t in value):
        raise CheckError(f"`texts` should be {what}, a list of str; got {value!r:.80}")
    return list(value)


@_register("01.2")
def _check_01_2(message: object, texts: object) -> str:
    """texts = the 27 texts of shifting message by 1, 27 times, each from the one before."""
    _given(message, "message", "the text you shifted, a str")
    if not isinstance(message, str) or not message:
        raise CheckError(f"`message` should be a non-empty str, got {message!r}")
    shifted = _texts(texts)
    clean = caesar_encrypt(message, key=0)  # the message in the cipher's alphabet
    once = caesar_encrypt(message, key=1)
    if len(shifted) != 27:
        if len(shifted) == 28 and shifted[0] in (message, clean):
            hint = "it starts with the message itself; keep only the texts after each shift"
        else:
            hint = "27 shifts by 1: the loop runs range(27) and appends one text per shift"
        raise CheckError(f"`texts` should hold 27 texts, one per shift, got {len(shifted)}: {hint}")
    if all(text == once for text in shifted):
        raise CheckError(
            "every text in `texts` is the message shifted once: in the loop, shift the running "
            "text (text = caesar_encrypt(text, key=1)), not the original message each time"
        )
    step = 1 if shifted[0] == once else -1 if shifted[0] == caesar_decrypt(message, 1) else 0
    if step == 0:
        unchanged = shifted[0] in (message, clean)
        shift = _shift_of(shifted[0], message)
        hint = (
            "the message unchanged: did the loop keep its result? "
            "text = caesar_encrypt(text, key=1), then texts.append(text)"
            if unchanged
            else f"the message shifted by {shift}"
            if shift is not None
            else repr(shifted[0])
        )
        raise CheckError(f"`texts[0]` should be the message shifted once, {once!r}, got {hint}")
    for k in range(1, 27):
        want = caesar_encrypt(shifted[k - 1], key=step % 27)
        if shifted[k] != want:
            got = (
                "the same text again: did the loop keep its result? text = "
                "caesar_encrypt(text, key=1)"
                if shifted[k] == shifted[k - 1]
                else repr(shifted[k])
            )
            raise CheckError(
                f"`texts[{k}]` should be texts[{k - 1}] shifted by 1 once more, {want!r}; got {got}"
            )
    how = "shifted by 1" if step == 1 else "shifted back by 1 (decrypted with key 1)"
    return (
        f"`texts` holds 27 texts, each the one before it {how}, and the 27th, "
        f"{shifted[-1]!r}, is {message!r} itself in the cipher's alphabet (the check shifted "
        "each text again): with 27 symbols a shift wraps around after 27 steps, so key 27 "
        "behaves like key 0."
    )


#: Hidden cases for `crack`: (plain text, key, crib). The last crib is in no decryption.
_CRACK_CASES = (
    ("MEET-ME-AT-NOON", 7, "MEET"),  # crib at the start
    ("ATTACK-AT-DAWN", 0, "DAWN"),  # key 0, crib at the end
    ("THE-TREASURE-IS-BURIED-HERE", 26, "TREASURE"),  # the last key, crib in the middle
    ("SEND-MORE-SOLDIERS", 13, "MORE"),
    ("RETREAT-AT-NIGHTFALL", 20, "NIGHT"),  # crib inside a longer word
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
            if crib not in plain.split("-"):
                hint = (
                    f" ({crib!r} is part of a longer word there: test `crib in "
                    "caesar_decrypt(ciphertext, key)`, which finds it anywhere in the text)"
                )
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
        "crack finds the key of every hidden message (keys 0, 7, 13, 20 and 26; cribs at the "
        "start, middle and end, and one inside a longer word) and returns None when no key "
        "fits."
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
