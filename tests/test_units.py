"""Unit tests for the cipher, encoding, plotting and runtime helpers, bad inputs included."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import random

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils import get_device, seed_everything
from course_utils.data import (
    CIPHER_ALPHABET,
    caesar_decrypt,
    caesar_encrypt,
    lorenz96,
    make_cipher_dataset,
    make_vigenere_dataset,
    vigenere_encrypt,
)
from course_utils.encoding import (
    NAME_ALPHABET,
    decode,
    encode,
    length_batches,
    name_to_onehot,
    pad_batch,
)
from course_utils.plotting import plot_confusion_matrix, plot_losses

# --- cipher ---------------------------------------------------------------------------


def test_cipher_alphabet():
    assert CIPHER_ALPHABET == "ABCDEFGHIJKLMNOPQRSTUVWXYZ-"


def test_caesar_known_examples():
    assert caesar_encrypt("THIS-IS-A-SECRET") == "FUVEMVEMNMERPDRF"
    assert caesar_encrypt("SECRET") == "ERPDRF"
    assert encode(caesar_encrypt("SECRET"), CIPHER_ALPHABET).tolist() == [4, 17, 15, 3, 17, 5]
    assert caesar_encrypt("Z") == "L" and caesar_encrypt("-") == "M"  # wraps around 27


def test_caesar_normalises_and_round_trips():
    assert caesar_encrypt("this is a secret!") == caesar_encrypt("THIS-IS-A-SECRET-")
    for key in (0, 1, 13, 14, 26, 27, 40):
        assert caesar_decrypt(caesar_encrypt("HELLO-WORLD", key), key) == "HELLO-WORLD"
    assert caesar_encrypt("ABC", key=0) == "ABC"
    assert caesar_decrypt("ABC", 13) == caesar_encrypt("ABC", 14)  # 13 back is 14 forward


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        ((42,), TypeError, "text must be a str"),
        (("ABC", 1.5), TypeError, "key must be an int"),
        (("ABC", True), TypeError, "key must be an int"),
        (("ABC", -1), ValueError, "key must be zero or positive"),
    ],
)
def test_caesar_bad_input(args, error, words):
    for func in (caesar_encrypt, caesar_decrypt):
        with pytest.raises(error, match=words):
            func(*args)


def test_make_cipher_dataset():
    gen = torch.Generator().manual_seed(0)
    encrypted, original = make_cipher_dataset(100, 12, generator=gen)
    assert encrypted.shape == original.shape == (100, 12)
    assert encrypted.dtype == original.dtype == torch.long
    assert original.min() >= 0 and original.max() < 27
    message = decode(original[0], CIPHER_ALPHABET)
    assert decode(encrypted[0], CIPHER_ALPHABET) == caesar_encrypt(message)
    again, _ = make_cipher_dataset(100, 12, generator=torch.Generator().manual_seed(0))
    assert torch.equal(encrypted, again)
    shifted, orig = make_cipher_dataset(3, 4, key=1)
    assert torch.equal(shifted, (orig + 1) % 27)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"num_examples": 0, "length": 5}, ValueError, "num_examples must be positive"),
        ({"num_examples": 5, "length": -2}, ValueError, "length must be positive"),
        ({"num_examples": 2.0, "length": 5}, TypeError, "num_examples must be an int"),
        ({"num_examples": 2, "length": "5"}, TypeError, "length must be an int"),
        ({"num_examples": 2, "length": 5, "key": -3}, ValueError, "key"),
    ],
)
def test_make_cipher_dataset_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        make_cipher_dataset(**kwargs)


# --- encoding -------------------------------------------------------------------------


def test_name_alphabet():
    assert len(NAME_ALPHABET) == 59 and NAME_ALPHABET.endswith(" .,:;-'")


def test_encode_decode_round_trip():
    assert encode("O'Neil", NAME_ALPHABET).tolist() == [NAME_ALPHABET.index(c) for c in "O'Neil"]
    assert decode(encode("O'Neil", NAME_ALPHABET), NAME_ALPHABET) == "O'Neil"
    assert decode([0, 1], "AB") == "AB" and decode([], "AB") == ""


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [
        ("", ValueError, "empty"),
        (None, TypeError, "must be a str"),
        ("Mü", ValueError, "'ü' at position 1"),
        ("Ab3", ValueError, "'3' at position 2"),
    ],
)
def test_encode_bad_input(text, error, words):
    with pytest.raises(error, match=words):
        encode(text, NAME_ALPHABET)
    with pytest.raises(error, match=words):
        name_to_onehot(text)


def test_decode_bad_input():
    with pytest.raises(ValueError, match="index 5 at position 1"):
        decode([0, 5], "ABC")
    with pytest.raises(ValueError, match="index -1"):
        decode(torch.tensor([-1]), "ABC")
    with pytest.raises(ValueError, match="one sequence"):
        decode(torch.zeros(2, 2, dtype=torch.long), "ABC")


def test_name_to_onehot():
    onehot = name_to_onehot("abc")
    assert onehot.shape == (3, 1, 59)
    assert onehot.sum().item() == 3
    assert onehot[:, 0].argmax(dim=1).tolist() == [0, 1, 2]
    assert name_to_onehot("Z'")[1, 0, NAME_ALPHABET.index("'")] == 1


def test_pad_batch():
    seqs = [torch.tensor([1, 2, 3]), torch.tensor([4]), torch.tensor([5, 6])]
    padded, lengths = pad_batch(seqs)
    assert padded.tolist() == [[1, 2, 3], [4, 0, 0], [5, 6, 0]]
    assert lengths.tolist() == [3, 1, 2] and lengths.device.type == "cpu"
    padded, _ = pad_batch(seqs, padding_value=-1)
    assert padded[1].tolist() == [4, -1, -1]
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        padded.unsqueeze(-1).float(), lengths, batch_first=True, enforce_sorted=False
    )
    assert packed.data.shape == (6, 1)


@pytest.mark.parametrize(
    ("seqs", "words"),
    [
        ([], "at least one"),
        ([torch.tensor([1]), torch.tensor([], dtype=torch.long)], "sequence 1 is empty"),
        ([torch.zeros(2, 2)], "sequence 0 must be a 1-D tensor"),
        ([[1, 2]], "1-D tensor"),
    ],
)
def test_pad_batch_bad_input(seqs, words):
    with pytest.raises(ValueError, match=words):
        pad_batch(seqs)


# --- plotting -------------------------------------------------------------------------


def test_plot_losses_one_curve():
    ax = plot_losses([3.0, 2.0, 1.0], title="Training")
    line = ax.get_lines()[0]
    assert line.get_ydata().tolist() == [3.0, 2.0, 1.0]
    assert ax.get_title() == "Training" and ax.get_xlabel() == "step"
    plt.close("all")


def test_plot_losses_named_curves_on_given_axes():
    _, ax = plt.subplots()
    out = plot_losses({"train": [1.0, 0.5], "validation": [1.2, 0.9]}, ax)
    assert out is ax
    assert [line.get_label() for line in ax.get_lines()] == ["train", "validation"]
    assert ax.get_xlabel() == "epoch" and ax.get_legend() is not None
    plt.close("all")


@pytest.mark.parametrize("history", [[], {}, {"train": []}])
def test_plot_losses_bad_input(history):
    with pytest.raises(ValueError, match="at least one value"):
        plot_losses(history)


def test_plot_confusion_matrix():
    ax = plot_confusion_matrix([0, 0, 1, 2], [0, 1, 1, 2], ["a", "b", "c"])
    image = ax.images[0].get_array()
    np.testing.assert_allclose(image[0], [0.5, 0.5, 0.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    ax = plot_confusion_matrix([0, 1], [1, 1], ["a", "b"], normalize=False)
    assert ax.images[0].get_array()[0].tolist() == [0, 1]
    plt.close("all")


def test_plot_confusion_matrix_bad_input():
    with pytest.raises(ValueError, match="y_true has 2 items but y_pred has 1"):
        plot_confusion_matrix([0, 1], [0], ["a", "b"])
    with pytest.raises(ValueError, match="labels"):
        plot_confusion_matrix([], [], [])


# --- runtime --------------------------------------------------------------------------


def test_seed_everything_repeats_all_generators():
    seed_everything(123)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    seed_everything(123)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_seed_everything_bad_input(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        seed_everything(seed)


def test_get_device(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    assert get_device().type in {"cuda", "mps", "cpu"}
    monkeypatch.setenv("COURSE_DEVICE", "CPU")
    assert get_device() == torch.device("cpu")


def test_get_device_bad_override(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "tpu")
    with pytest.raises(ValueError, match="not a device this course knows"):
        get_device()
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv("COURSE_DEVICE", "cuda")
    with pytest.raises(ValueError, match="sees no cuda device"):
        get_device()


def test_get_device_falls_back_in_order(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert get_device().type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device().type == "mps"


def test_vigenere():
    assert vigenere_encrypt("AAAA", "BC") == "BCBC"
    assert vigenere_encrypt("hello world", "A") == "HELLO-WORLD"
    assert vigenere_encrypt("SECRET", "N") == caesar_encrypt("SECRET")  # N = shift 13
    enc, orig = make_vigenere_dataset(5, 7, key="key", generator=torch.Generator().manual_seed(1))
    assert enc.shape == orig.shape == (5, 7)
    for row_enc, row_orig in zip(enc, orig, strict=True):
        assert decode(row_enc, CIPHER_ALPHABET) == vigenere_encrypt(
            decode(row_orig, CIPHER_ALPHABET), "KEY"
        )


@pytest.mark.parametrize(
    ("key", "error"), [(3, TypeError), ("", ValueError), ("K3Y", ValueError), ("é", ValueError)]
)
def test_vigenere_bad_key(key, error):
    with pytest.raises(error, match="key must be"):
        vigenere_encrypt("ABC", key)
    with pytest.raises(error, match="key must be"):
        make_vigenere_dataset(2, 3, key=key)


def test_lorenz96_follows_its_equation():
    series = lorenz96(500, dt=0.01, seed=3)
    assert series.shape == (500, 10)
    x = series[1:-1]
    slope = (np.roll(x, -1, axis=1) - np.roll(x, 2, axis=1)) * np.roll(x, 1, axis=1) - x + 8.0
    central = (series[2:] - series[:-2]) / 0.02
    assert np.abs(slope).mean() > 3  # the check below is not trivially small
    np.testing.assert_allclose(central, slope, atol=0.5)  # central differences: O(dt^2)
    assert 1.5 < lorenz96(2000).mean() < 3.5  # the known mean of the chaotic regime, ~2.4


def test_lorenz96_seed_and_noise():
    np.testing.assert_array_equal(lorenz96(50, seed=1), lorenz96(50, seed=1))
    assert not np.array_equal(lorenz96(50, seed=1), lorenz96(50, seed=2))
    noisy = lorenz96(2000, noise=0.5, seed=1) - lorenz96(2000, seed=1)
    assert 0.45 < noisy.std() < 0.55


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"num_steps": 0}, ValueError, "num_steps must be positive"),
        ({"num_steps": 5.0}, TypeError, "num_steps must be an int"),
        ({"num_steps": 5, "num_vars": 3}, ValueError, "at least 4"),
        ({"num_steps": 5, "dt": 0}, ValueError, "dt must be positive"),
        ({"num_steps": 5, "noise": -1}, ValueError, "noise not negative"),
    ],
)
def test_lorenz96_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        lorenz96(**kwargs)


def test_length_batches():
    lengths = [5, 2, 9, 2, 7, 1, 3]
    batches = length_batches(lengths, 3)
    assert batches == [[5, 1, 3], [6, 0, 4], [2]]
    assert sorted(i for batch in batches for i in batch) == list(range(7))
    shuffled = length_batches(lengths, 3, generator=torch.Generator().manual_seed(0))
    assert sorted(shuffled) == sorted(batches)
    again = length_batches(lengths, 3, generator=torch.Generator().manual_seed(0))
    assert shuffled == again
    assert length_batches([], 4) == []


@pytest.mark.parametrize("size", [0, -1, 2.5, True])
def test_length_batches_bad_size(size):
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        length_batches([1, 2], size)
