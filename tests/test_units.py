"""Unit tests for the cipher, encoding, plotting and runtime helpers, bad inputs included."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import random
import time

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from unidecode import unidecode

from course_utils import get_device, seed_everything
from course_utils.ciphers import (
    CIPHER_ALPHABET,
    caesar_decrypt,
    caesar_encrypt,
    make_cipher_dataset,
    make_recall_dataset,
    make_vigenere_dataset,
    vigenere_encrypt,
)
from course_utils.encoding import (
    NAME_ALPHABET,
    NAME_VOCAB_SIZE,
    PAD,
    decode,
    encode,
    encode_name,
    length_batches,
    name_to_onehot,
    pad_batch,
)
from course_utils.evaluation import LossDifference, accuracy, loss_difference, mcnemar
from course_utils.names import is_junk, load_names, read_rows, split_names, unique_pairs
from course_utils.plotting import (
    plot_attention,
    plot_confusion_matrix,
    plot_losses,
    plot_unrolled_rnn,
)
from course_utils.runtime import Package, package_report, synchronize, time_call
from course_utils.series import lorenz96

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


def test_get_device_prefers_cuda_then_the_cpu(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert get_device().type == "cuda"


def test_apple_silicon_runs_on_the_cpu_unless_mps_is_asked_for(monkeypatch):
    """On a Mac with an Apple GPU (faked here), the CPU is the default; MPS only on request."""
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device() == torch.device("cpu")
    monkeypatch.setenv("COURSE_DEVICE", "mps")
    assert get_device() == torch.device("mps")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)  # an Intel Mac
    with pytest.raises(ValueError, match="sees no mps device"):
        get_device()


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


def test_length_batches_for_evaluation():
    lengths = [5, 2, 9, 2, 7, 1, 3]
    assert length_batches(lengths, 3) == [[5, 1, 3], [6, 0, 4], [2]]
    assert length_batches([], 4) == []


def test_length_batches_redrawn_every_epoch():
    lengths = [int(n) for n in torch.randint(1, 15, (1000,), generator=torch.Generator())]
    generator = torch.Generator().manual_seed(0)
    epochs = [length_batches(lengths, 10, generator=generator, pool=5) for _ in range(3)]
    for batches in epochs:
        assert sorted(i for batch in batches for i in batch) == list(range(1000))
        assert all(1 <= len(batch) <= 10 for batch in batches)
    assert epochs[0] != epochs[1] != epochs[2]  # new batches each epoch, not a new order
    assert {tuple(b) for b in epochs[0]} != {tuple(b) for b in epochs[1]}
    # batches are cut from length-sorted pools: far less spread than random batches
    spread = np.mean([np.ptp([lengths[i] for i in batch]) for batch in epochs[0]])
    assert spread < 3
    again = length_batches(lengths, 10, generator=torch.Generator().manual_seed(0), pool=5)
    assert again == epochs[0]


@pytest.mark.parametrize("size", [0, -1, 2.5, True])
def test_length_batches_bad_size(size):
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        length_batches([1, 2], size)
    with pytest.raises(ValueError, match="pool must be a positive int"):
        length_batches([1, 2], 2, pool=size)


# --- padding and the long-memory task ----------------------------------------------------


def test_names_are_encoded_from_one_so_that_zero_pads():
    assert PAD == 0 and len(NAME_ALPHABET) + 1 == NAME_VOCAB_SIZE
    indices = encode_name("aZ'")
    assert indices.tolist() == [1, 52, 59] and PAD not in indices.tolist()
    assert decode(indices, NAME_ALPHABET, start=1) == "aZ'"
    padded, lengths = pad_batch([encode_name("Ng"), encode_name("Abel")])
    assert padded[0].tolist() == [40, 7, PAD, PAD] and lengths.tolist() == [2, 4]
    with pytest.raises(ValueError, match="index 0 at position 2 is no symbol"):
        decode(padded[0], NAME_ALPHABET, start=1)
    with pytest.raises(ValueError, match="empty"):
        encode_name("")


def test_make_recall_dataset():
    messages, keys = make_recall_dataset(50, 10, generator=torch.Generator().manual_seed(0))
    assert messages.shape == (50, 11) and keys.shape == (50,)
    assert torch.equal(messages[:, 0], keys) and messages.max() < 27
    assert make_recall_dataset(2, 0)[0].shape == (2, 1)
    with pytest.raises(ValueError, match="gap must be zero or positive"):
        make_recall_dataset(2, -1)
    with pytest.raises(TypeError, match="gap must be an int"):
        make_recall_dataset(2, 2.5)


# --- evaluation -------------------------------------------------------------------------


def test_accuracy_interval():
    result = accuracy([True] * 1600 + [False] * 400)
    assert result.value == 0.8 and result.n == 2000
    assert 0.78 < result.low < 0.8 < result.high < 0.82
    assert abs((result.high - result.low) / 2 - 0.0175) < 0.001  # about +/-1.7 points
    assert "80.0%" in str(result) and "n = 2,000" in str(result)
    everything = accuracy(np.ones(10, dtype=bool))
    assert everything.value == everything.high == 1.0 and everything.low < 1.0
    with pytest.raises(ValueError, match="at least one"):
        accuracy([])
    with pytest.raises(ValueError, match="confidence"):
        accuracy([True], confidence=95)


def test_mcnemar():
    a = np.array([True] * 50 + [True] * 30 + [False] * 10 + [False] * 10)
    b = np.array([True] * 50 + [False] * 30 + [True] * 10 + [False] * 10)
    result = mcnemar(a, b)
    assert (result.only_a, result.only_b) == (30, 10)
    assert 0.001 < result.p_value < 0.01  # 30 against 10: unlikely under equal models
    assert mcnemar(b, a).p_value == result.p_value
    assert mcnemar(a, a)[:3] == (0, 0, 1.0) and mcnemar(a, a).difference == 0
    assert result.difference == 0.2  # (30 - 10) / 100
    assert 0.05 < result.low < 0.2 < result.high < 0.35  # the paired interval excludes 0
    assert mcnemar(b, a).difference == -0.2
    assert mcnemar([True, False], [False, True]).p_value == 1.0
    assert "McNemar" in str(result)
    with pytest.raises(ValueError, match="same items"):
        mcnemar([True], [True, False])
    with pytest.raises(ValueError, match="at least one"):
        mcnemar([], [])


def test_loss_difference_statistic_and_interval():
    rng = np.random.default_rng(1)
    symbols = rng.integers(3, 12, size=400)
    b = rng.gamma(2.0, 1.0, size=400) * symbols
    a = b - 0.05 * symbols + rng.normal(0, 0.3, size=400) * np.sqrt(symbols)
    result = loss_difference(a, b, symbols)
    assert result.difference == pytest.approx((a.sum() - b.sum()) / symbols.sum(), abs=1e-12)
    assert result.low < result.difference < result.high < 0 and result.resamples == 5000
    swapped = loss_difference(b, a, symbols)
    assert swapped.difference == pytest.approx(-result.difference)
    assert swapped.low == pytest.approx(-result.high) and swapped.high == pytest.approx(-result.low)
    assert loss_difference(a, b, symbols) == result  # seeded: the same every time
    # The percentile interval: the 2.5th and 97.5th percentiles of the resampled statistic.
    picks = np.random.default_rng(0).integers(0, 400, size=(5000, 400))
    boot = (a - b)[picks].sum(1) / symbols[picks].sum(1)
    assert (result.low, result.high) == pytest.approx(tuple(np.quantile(boot, [0.025, 0.975])))


def test_loss_difference_p_value_counts_the_real_assignment():
    # Two items, differences +1 and +1: of the 4 sign patterns, 2 (all + and all -) are
    # as far from 0 as the real one; with many flips, p = (1 + flips) / (1 + resamples)
    # comes near 1/2, and it is exactly that formula for a few flips.
    result = loss_difference([2.0, 2.0], [1.0, 1.0], [1, 1], resamples=999)
    assert 0.45 < result.p_value < 0.55
    flips = np.random.default_rng(0)
    flips.integers(0, 2, size=(999, 2))  # the bootstrap's draws come first
    signs = flips.choice([-1.0, 1.0], size=(999, 2))
    extreme = np.count_nonzero(np.abs(signs.sum(1)) >= 2)
    assert result.p_value == (1 + extreme) / 1000
    # Identical models: every flip is as far from 0 as the real difference, 0.
    assert loss_difference([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1, 1, 1]).p_value == 1.0


def test_loss_difference_prints_the_floor_of_p():
    far = loss_difference([1.0] * 50, [2.0] * 50, [1] * 50, resamples=2000)
    assert far.p_value == 1 / 2001
    assert str(far) == (
        "-1.000 nats per symbol (95% CI -1.000 to -1.000), "
        "paired permutation p <= 0.0005 (the floor of 2,000 sign flips)"
    )
    near = LossDifference(0.01, -0.01, 0.03, 0.3182, 5000)
    assert str(near).endswith("paired permutation p = 0.318")
    assert str(LossDifference(0.1, 0.05, 0.15, 1 / 5001)).endswith(
        "p <= 0.0002 (the floor of 5,000 sign flips)"
    )


def test_loss_difference_bad_input():
    with pytest.raises(ValueError, match="same length"):
        loss_difference([1.0, 2.0], [1.0], [1, 1])
    with pytest.raises(ValueError, match="at least two items"):
        loss_difference([1.0], [1.0], [1])
    with pytest.raises(ValueError, match="at least one symbol"):
        loss_difference([1.0, 2.0], [1.0, 2.0], [1, 0])
    for resamples in (0, 2.5, True):
        with pytest.raises(ValueError, match="resamples must be an int"):
            loss_difference([1.0, 2.0], [1.0, 2.0], [1, 1], resamples=resamples)


# --- runtime: timing and packages ---------------------------------------------------------


def test_time_call_warms_up_and_takes_the_median():
    calls = []
    durations = iter([0.0, 0.03, 0.0, 0.0])  # warm-up, then three timed calls

    def work():
        calls.append(1)
        time.sleep(next(durations))

    seconds = time_call(work, repeats=3, warmup=1)
    assert len(calls) == 4 and seconds < 0.02  # the slow outlier is not the median
    with pytest.raises(ValueError, match="repeats must be an int >= 1"):
        time_call(work, repeats=0)
    with pytest.raises(ValueError, match="warmup must be an int >= 0"):
        time_call(work, warmup=-1)


def test_synchronize_waits_on_the_right_device(monkeypatch):
    waited = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: waited.append("cuda"))
    monkeypatch.setattr(torch.mps, "synchronize", lambda: waited.append("mps"))
    for device in ("cpu", "cuda", "mps"):
        synchronize(device)
    assert waited == ["cuda", "mps"]


def test_package_report(tmp_path):
    report = {p.name: p for p in package_report()}
    assert report["torch"].required and not report["nbval"].required
    assert report["torch"].installed is not None
    pins = tmp_path / "requirements.txt"
    pins.write_text("# comment\ntorch==0.0.1\nUnidecode==1.4.0\n")
    report = {p.name: p for p in package_report(pins=pins)}
    assert report["torch"].status == "differs from the pin"
    assert report["unidecode"].pinned == "1.4.0" and report["numpy"].pinned is None
    assert report["numpy"].status == "ok"  # nothing pinned: nothing to differ from
    no_pins = {p.name: p for p in package_report(pins=tmp_path / "absent.txt")}
    assert all(p.pinned is None for p in no_pins.values())
    assert Package("x", None, None, True).status == "MISSING"
    assert Package("x", None, "1", False).status == "not installed (optional)"
    with pytest.raises(ValueError, match="is not installed"):
        package_report("no-such-distribution")


# --- plotting: the unrolled diagram and attention -------------------------------------------


def test_plot_unrolled_rnn():
    ax = plot_unrolled_rnn(5)
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("f") == 5 and "$x_5$" in texts and "$h_0 = 0$" in texts
    plt.close("all")
    for steps in (0, 9, 2.0):
        with pytest.raises(ValueError, match="steps must be an int from 1 to 8"):
            plot_unrolled_rnn(steps)


def test_plot_attention():
    ax = plot_attention(np.eye(3), inputs="a b", outputs="xyz")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "␣", "b"]
    assert ax.images[0].get_array().shape == (3, 3)
    plt.close("all")
    with pytest.raises(ValueError, match=r"need \(2, 3\)"):
        plot_attention(np.ones((3, 2)), inputs="abc", outputs="xy")


# --- the names data, as it is ------------------------------------------------------------


def test_read_rows_and_load_names():
    rows = read_rows()
    assert len(rows) == 20_074 and all(line and line == line.strip() for line, _ in rows)
    pairs = load_names()
    assert len(pairs) == 20_070
    allowed = set(NAME_ALPHABET)
    left_out = [line for line, _ in rows if not set(unidecode(line)) <= allowed]
    assert sorted(left_out) == ["Maxa/B", "Rafaj1", "Urbanek1", "Whitmire1"]


def test_junk_and_unique_pairs():
    pairs = load_names()
    junk = [name for name, _ in pairs if is_junk(name)]
    assert len(junk) == 24 and {lang for name, lang in pairs if is_junk(name)} == {"Russian"}
    unique = unique_pairs(pairs)
    assert len(unique) == len(set(unique)) == 17_983
    assert not any(is_junk(name) for name, _ in unique)
    assert sum(lang == "Arabic" for _, lang in unique) == 108
    assert unique_pairs([]) == []


def test_split_names_is_stratified_disjoint_and_seeded():
    labels = np.array([0] * 500 + [1] * 300 + [2] * 50)
    train, val, test = split_names(labels)
    assert len(train) + len(val) + len(test) == 850
    assert len(set(train) | set(val) | set(test)) == 850  # disjoint, and all of them
    for part, share in ((train, 0.8), (val, 0.1), (test, 0.1)):
        assert abs(np.mean(labels[part] == 2) - 50 / 850) < 0.01  # each keeps the mix
        assert abs(len(part) / 850 - share) < 0.01
    again = split_names(labels)
    assert all(np.array_equal(a, b) for a, b in zip(again, (train, val, test), strict=True))
    other = split_names(labels, seed=1)
    assert not np.array_equal(other[2], test)
    for fractions in [(0.8, 0.2), (0.8, 0.3, 0.1), (1.0, 0.0, 0.0)]:
        with pytest.raises(ValueError, match="three positive shares that sum to 1"):
            split_names(labels, fractions=fractions)


def test_split_names_keeps_groups_whole():
    pairs = unique_pairs(load_names())
    languages = sorted({lang for _, lang in pairs})
    labels = np.array([languages.index(lang) for _, lang in pairs])
    names = [name for name, _ in pairs]
    train, val, test = split_names(labels, groups=names)
    assert len(train) + len(val) + len(test) == len(pairs)
    seen = {names[i] for i in train}
    assert not any(names[i] in seen for i in [*val, *test])  # no name on both sides
    assert not {names[i] for i in val} & {names[i] for i in test}
    for part in (val, test):  # every language, even the small ones, is in each part
        assert set(labels[part]) == set(range(18))
    with pytest.raises(ValueError, match="groups has 2 items but labels has 3"):
        split_names([0, 1, 0], groups=["a", "b"])
