"""The answer checks of notebook 01, the Caesar cipher as data.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from checks_common import (
    fails,
    passes,
    stub,
    stub_tests,
)
from torch import nn

from course_utils.checks import nb01
from course_utils.ciphers import (
    caesar_decrypt,
    caesar_encrypt,
)

STUBS = {
    "01.1": ((..., ...), "`name` is still `...`"),
    "01.2": (("HELLO", ...), "`texts` is still `...`: set it to the list of the 27 texts"),
    "01.3": ((stub,), "`crack` returned None for 'TLL-GTLGH-GUVVU', which decrypts with key 7"),
    "01.4": ((..., ...), "`onehot_numbers` is still `...`"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "01", STUBS
)


@pytest.mark.parametrize(("exercise", "answer"), [("01.3", ...)])
def test_a_placeholder_instead_of_a_function_class_or_model(exercise, answer):
    fails(exercise, answer, match=f"is {'still `...`' if answer is ... else 'None'}")


def test_01_1(capsys):
    name = "Ada Lovelace!"
    out = passes(capsys, "01.1", name, caesar_decrypt(caesar_encrypt(name, key=3), key=3))
    assert "'ADA-LOVELACE-'" in out and "' ', '!' became '-'" in out
    assert "Lower case (d, a, o, v, e, l, c) came back upper-cased" in out
    assert "Every character survived" in passes(capsys, "01.1", "ADA", "ADA")
    out = passes(capsys, "01.1", "Straße", "STRASSE")  # upper-cased, ß grows into two letters
    assert "Lower case (t, r, a, e) came back" in out and "'ß' came back as 'SS'" in out
    assert "survived" not in out and "became '-'" not in out
    fails("01.1", name, caesar_encrypt(name, key=3), match="still encrypted (shifted by 3)")
    fails("01.1", name, name, match="`round_trip` is `name` unchanged")
    fails("01.1", name, caesar_decrypt(caesar_encrypt(name, 3), 13), match="shifted by 17")
    fails("01.1", name, "ADA", match="`round_trip` should be 'ADA-LOVELACE-', got 'ADA'")
    fails("01.1", name, 42, match="`round_trip` should be the decrypted text, a str")
    fails("01.1", "", "", match="`name` should be a non-empty str")


def shifted_texts(message, shift=caesar_encrypt, count=27):
    """The texts of the loop of exercise 2: `count` shifts by 1, each of the text before."""
    texts, text = [], message
    for _ in range(count):
        text = shift(text, 1)
        texts.append(text)
    return texts


def test_01_2(capsys):
    message = "HELLO-WORLD"
    texts = shifted_texts(message)
    out = passes(capsys, "01.2", message, texts)
    assert "27 texts, each the one before it shifted by 1" in out
    assert "the 27th, 'HELLO-WORLD', is 'HELLO-WORLD' itself" in out
    assert "key 27 behaves like key 0" in out
    out = passes(capsys, "01.2", "hello world", tuple(shifted_texts("hello world")))
    assert "the 27th, 'HELLO-WORLD', is 'hello world' itself" in out
    out = passes(capsys, "01.2", message, shifted_texts(message, shift=caesar_decrypt))
    assert "shifted back by 1 (decrypted with key 1)" in out
    # the loop threw its result away: text = message all along
    discarded = [message] * 27
    fails("01.2", message, discarded, match="got the message unchanged: did the loop keep its")
    fails("01.2", "hello world", ["hello world"] * 27, match="did the loop keep its result?")
    once = [caesar_encrypt(message, 1)] * 27  # shifted the original each time
    fails("01.2", message, once, match="shift the running text")
    fails("01.2", message, shifted_texts(message, count=26), match="got 26: 27 shifts by 1")
    fails("01.2", message, shifted_texts(message, count=28), match="got 28: 27 shifts by 1")
    fails("01.2", message, [message, *texts], match="it starts with the message itself")
    stuck = texts[:5] + [texts[4]] * 22  # stopped keeping its result after 5 shifts
    fails("01.2", message, stuck, match="`texts[5]` should be texts[4] shifted by 1 once more")
    by_two = [caesar_encrypt(message, 2 * k) for k in range(1, 28)]
    fails("01.2", message, by_two, match="got the message shifted by 2")
    # a hard-coded answer is one text, not the loop's 27
    fails("01.2", message, caesar_encrypt(message, 27), match="`texts` is one str")
    fails("01.2", message, [1, 2], match="`texts` should be the list of the 27 texts")
    fails("01.2", 3, texts, match="`message` should be a non-empty str")
    fails("01.2", message, None, match="`texts` is None")


def crack(ciphertext: str, crib: str) -> int | None:
    for key in range(27):
        if crib in caesar_decrypt(ciphertext, key):
            return key
    return None


def test_01_3_hidden_cases_are_unambiguous():
    for plain, key, crib in nb01._CRACK_CASES:
        ciphertext = caesar_encrypt(plain, key)
        fits = [k for k in range(27) if crib in caesar_decrypt(ciphertext, k)]
        assert fits == ([key] if crib in plain else [])


def test_01_3(capsys):
    assert "returns None when no key fits" in passes(capsys, "01.3", crack)

    def only_26_keys(ciphertext, crib):
        return next((k for k in range(26) if crib in caesar_decrypt(ciphertext, k)), None)

    fails("01.3", only_26_keys, match="does your loop try all 27 keys, range(27)?")

    def whole_words(ciphertext, crib):
        return next(
            (k for k in range(27) if crib in caesar_decrypt(ciphertext, k).split("-")), None
        )

    fails("01.3", whole_words, match="'NIGHT' is part of a longer word there")

    def starts_with(ciphertext, crib):
        return next((k for k in range(27) if caesar_decrypt(ciphertext, k).startswith(crib)), None)

    fails("01.3", starts_with, match="which decrypts with key 0 to 'ATTACK-AT-DAWN'")
    fails("01.3", lambda c, crib: crack(c, crib) or 0, match="return None after trying all 27")

    def encrypt_instead(ciphertext, crib):
        return next(k for k in range(27) if crib in caesar_encrypt(ciphertext, k))

    fails("01.3", encrypt_instead, match="that key encrypts it again")
    fails("01.3", lambda c, crib: caesar_decrypt(c, 7), match="return the key, an int, not")
    fails("01.3", lambda c, crib: 3, match="returned 3, but the message was encrypted with key 7")
    fails("01.3", lambda c, crib: 7.0, match="returned 7.0: it should return the key")
    fails("01.3", lambda c, crib: ..., match="returned ...: it should return the key")
    fails("01.3", 42, match="`crack` should be a function")
    message = fails("01.3", lambda c: 1, match="running your `crack('TLL-GTLGH-GUVVU', 'MEET')`")
    assert "TypeError" in message


def test_01_4(capsys):
    codes = torch.randint(27, (64, 100))
    onehot = nn.functional.one_hot(codes, 27).numel()
    embedded = nn.Embedding(27, 5)(codes).numel()
    assert "5.4 times fewer" in passes(capsys, "01.4", onehot, embedded)
    passes(capsys, "01.4", torch.tensor(172800), np.int64(32000))
    fails("01.4", 32000, 172800, match="are swapped")
    fails("01.4", 6400, 32000, match="that counts the symbols; each is a vector of 27")
    fails("01.4", 172800, 135, match="the size of the embedding table")
    fails("01.4", 172800, 1, match="`embedded_numbers` should be 64 * 100 * 5 = 32000, got 1")
    fails("01.4", True, 32000, match="got a bool")
    fails("01.4", "172800", 32000, match="got a str")
    fails("01.4", torch.zeros(2), 32000, match="got an array of shape (2,)")
    fails("01.4", float("nan"), 32000, match="`onehot_numbers` is nan")
