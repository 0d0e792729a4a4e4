"""Tests of the Kneser-Ney baseline: proper distributions, nltk agreement, hand-worked values."""

from __future__ import annotations

import itertools
import math
import random
import re

import numpy as np
import pytest
from nltk.lm.models import InterpolatedLanguageModel
from nltk.lm.smoothing import KneserNey as NltkKneserNey

from course_utils.encoding import NAME_ALPHABET
from course_utils.ngrams import BEGIN, END, KneserNey, Mixture, nats_per_symbol

# A small corpus with a few repeats, a space and an apostrophe; no "q", "Q", "x" or "Z".
CORPUS = [
    "Smith", "Smyth", "Schmidt", "Schmitt", "Smit", "Nowak", "Novak", "Kowalski",
    "Kovacs", "O'Neil", "O'Neill", "Neill", "Nguyen", "Ng", "Nakamura", "Tanaka",
    "Tanabe", "De la Cruz", "Cruz", "Costa", "Acosta", "Smith", "Ng", "Abe", "Mori",
]  # fmt: skip
HELD_OUT = ["Schmid", "Kowal", "Nakata", "O'Hara", "Costanza", "Zoltan", "Quix"]


def everything(model: KneserNey | Mixture) -> str:
    """What a model predicts: its symbols and END."""
    return model.symbols + END


def contexts_to_try(order: int) -> list[str]:
    """Seen, unseen, empty and longer-than-order contexts, and ones with unseen letters."""
    seen = [name[:i] for name in CORPUS[::3] for i in range(len(name) + 1)]
    return [*seen, "", "qqq", "Qx", "xQ", "Smi", "Smithsonian", "De la Cru", "a" * (order + 3)]


def test_hand_worked_example():
    # Names "ab" and "b", order 2, D = 1/2, symbols "abc": read as ^ab$ and ^b$.
    # Bigrams: ^a ab b$ ^b b$. Continuation counts of the unigrams (distinct symbols
    # before them): a 1 (^a), b 2 (ab, ^b), $ 1 (b$, twice but one type), c 0;
    # N = 4, T = 3 symbols seen, and 4 symbols a b c $ share the floor.
    model = KneserNey(["ab", "b"], order=2, discount=0.5, symbols="abc")
    floor = 0.5 * 3 / 4 / 4  # D T / N spread over 4 symbols: 3/32
    unigram = {"a": 0.5 / 4 + floor, "b": 1.5 / 4 + floor, "c": floor, END: 0.5 / 4 + floor}
    assert unigram == {"a": 7 / 32, "b": 15 / 32, "c": 3 / 32, END: 7 / 32}
    # Context ^: ^a once, ^b once (N = 2, T = 2); gamma = D T / N = 1/2.
    assert model.prob("a") == pytest.approx(0.5 / 2 + 0.5 * 7 / 32)  # 23/64
    assert model.prob("b") == pytest.approx(0.5 / 2 + 0.5 * 15 / 32)  # 31/64
    assert model.prob("c") == pytest.approx(0.5 * 3 / 32)
    assert model.prob(END) == pytest.approx(0.5 * 7 / 32)
    # Context a: ab once (N = 1, T = 1); gamma = 1/2.
    assert model.prob("b", "a") == pytest.approx(0.5 / 1 + 0.5 * 15 / 32)  # 47/64
    assert model.prob(END, "a") == pytest.approx(0.5 * 7 / 32)
    # Context b: b$ twice (N = 2, T = 1); gamma = 1/4.
    assert model.prob(END, "ab") == pytest.approx(1.5 / 2 + 0.25 * 7 / 32)  # 103/128
    assert model.prob("a", "b") == pytest.approx(0.25 * 7 / 32)
    # Context c was never seen: all its weight goes to the unigram level.
    assert model.prob("a", "c") == pytest.approx(7 / 32)
    # ln P("ab") = ln P(a | ^) + ln P(b | a) + ln P($ | b): 3 predictions, one END.
    expected = math.log(23 / 64) + math.log(47 / 64) + math.log(103 / 128)
    assert model.log_prob("ab") == pytest.approx(expected)
    assert model.probs("ab") == pytest.approx([23 / 64, 47 / 64, 103 / 128])
    # ln P("b") = ln P(b | ^) + ln P($ | b); 2 + 3 predicted symbols in all.
    both = expected + math.log(31 / 64) + math.log(103 / 128)
    assert nats_per_symbol(model, ["ab", "b"]) == pytest.approx(-both / 5)


def test_order_one_is_floored_letter_frequencies():
    # Order 1 counts raw symbols: a 1, b 2, $ 2 (N = 5, T = 3).
    model = KneserNey(["ab", "b"], order=1, discount=0.5, symbols="abc")
    floor = 0.5 * 3 / 5 / 4
    assert model.prob("b", "aaaa") == pytest.approx(1.5 / 5 + floor)
    assert model.prob(END) == pytest.approx(1.5 / 5 + floor)
    assert model.prob("c", "b") == pytest.approx(floor)
    assert model.probs("ab") == pytest.approx([0.5 / 5 + floor, 1.5 / 5 + floor, 1.5 / 5 + floor])


@pytest.mark.parametrize("order", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("discount", [0.1, 0.75, 0.99])
def test_probabilities_sum_to_one_in_every_context(order, discount):
    model = KneserNey(CORPUS, order=order, discount=discount)
    for context in contexts_to_try(order):
        total = math.fsum(model.prob(symbol, context) for symbol in everything(model))
        assert total == pytest.approx(1.0, abs=1e-12), context


def test_mixture_sums_to_one_and_mixes_symbol_by_symbol():
    own = KneserNey(CORPUS[:10], order=4)
    pooled = KneserNey(CORPUS, order=2)
    mixed = Mixture(own, pooled, weight=0.8)
    nested = Mixture(mixed, KneserNey(CORPUS, order=3), weight=0.5)
    for context in contexts_to_try(4):
        for model in (mixed, nested):
            total = math.fsum(model.prob(symbol, context) for symbol in everything(model))
            assert total == pytest.approx(1.0, abs=1e-12)
        p = 0.8 * own.prob("a", context) + 0.2 * pooled.prob("a", context)
        assert mixed.prob("a", context) == pytest.approx(p, rel=1e-15)
    name = "Kowal"
    expected = [0.8 * p + 0.2 * q for p, q in zip(own.probs(name), pooled.probs(name), strict=True)]
    assert mixed.probs(name) == pytest.approx(expected, rel=1e-15)
    assert mixed.log_prob(name) == pytest.approx(sum(map(math.log, expected)))


def test_weights_zero_and_one_give_the_components():
    own, pooled = KneserNey(CORPUS[:10], order=3), KneserNey(CORPUS, order=2)
    for weight, component in ((1, own), (1.0, own), (0, pooled), (0.0, pooled)):
        mixed = Mixture(own, pooled, weight=weight)
        for name in HELD_OUT:
            assert mixed.probs(name) == component.probs(name)
            assert mixed.log_prob(name) == component.log_prob(name)
            assert mixed.prob("S", name) == component.prob("S", name)


@pytest.mark.parametrize("order", [1, 2, 4])
def test_log_prob_makes_len_plus_one_predictions(order):
    model = KneserNey(CORPUS, order=order)
    for name in CORPUS + HELD_OUT:
        probs = model.probs(name)
        assert len(probs) == len(name) + 1
        steps = [model.prob(name[i], name[:i]) for i in range(len(name))]
        assert probs == [*steps, model.prob(END, name)]
        assert model.log_prob(name) == pytest.approx(math.fsum(map(math.log, probs)))
    n_symbols = sum(len(name) + 1 for name in HELD_OUT)
    total = math.fsum(model.log_prob(name) for name in HELD_OUT)
    assert nats_per_symbol(model, HELD_OUT) == pytest.approx(-total / n_symbols)
    assert nats_per_symbol(model, iter(HELD_OUT)) == nats_per_symbol(model, HELD_OUT)


def test_names_form_a_proper_distribution():
    # With one END per name, P(END | ^) plus P over every name of 1 to 6 letters plus the
    # chance of going on past 6 letters is exactly 1; an extra END would break it.
    model = Mixture(
        KneserNey(["ab", "ba", "abba", "b"], order=3, symbols="ab"),
        KneserNey(["aab"], order=2, symbols="ab"),
        weight=0.7,
    )
    total, longest = model.prob(END), 6
    for length in range(1, longest + 1):
        for letters in itertools.product("ab", repeat=length):
            name = "".join(letters)
            total += math.exp(model.log_prob(name))
            if length == longest:  # goes on: P(prefix) = P(name) / P(END | name)
                total += math.exp(model.log_prob(name)) * (1 / model.prob(END, name) - 1)
    assert total == pytest.approx(1.0, abs=1e-12)


def test_unseen_letters_get_the_floor_not_zero():
    model = KneserNey(CORPUS, order=5)
    assert not {"q", "Q", "x", "Z"} & set("".join(CORPUS))
    for context in ("", "Smi", "Kowalsk", "qqq"):
        p = model.prob("q", context)
        assert 0 < p < 0.01
    # Every symbol the names never used gets the same share: the floor, passed down.
    assert model.prob("q", "Smi") == model.prob("Q", "Smi") == model.prob("x", "Smi")
    assert math.isfinite(model.log_prob("Zoltan")) and math.isfinite(model.log_prob("Quix"))
    # The floor itself: D T / N of the unigram level over the 60 symbols.
    order1 = KneserNey(["ab", "b"], order=1, discount=0.75)
    assert order1.prob("q") == pytest.approx(0.75 * 3 / 5 / (len(NAME_ALPHABET) + 1))


def test_fit_ignores_the_order_of_names_and_is_repeatable():
    shuffled = CORPUS[:]
    random.Random(0).shuffle(shuffled)
    a, b, c = KneserNey(CORPUS, order=4), KneserNey(CORPUS, order=4), KneserNey(shuffled, order=4)
    for name in HELD_OUT:
        assert a.probs(name) == b.probs(name) == c.probs(name)


def test_numpy_arguments_are_accepted():
    # What a notebook may pass after indexing with split positions.
    names = np.array(CORPUS)[np.arange(0, len(CORPUS), 2)]
    model = KneserNey(names, order=np.int64(3), discount=np.float64(0.75))
    plain = KneserNey(CORPUS[::2], order=3, discount=0.75)
    assert model.probs("Kowal") == plain.probs("Kowal")
    assert type(model.prob("a", "Kow")) is float and type(model.order) is int
    assert nats_per_symbol(model, np.array(HELD_OUT)) == nats_per_symbol(plain, HELD_OUT)
    mixed = Mixture(model, plain, np.float32(0.5))
    assert type(mixed.weight) is float


def test_repr_is_short_and_deterministic():
    model = KneserNey(["ab", "b"], order=2, discount=0.5, symbols="abc")
    assert repr(model) == "KneserNey(order=2, discount=0.5, 2 names, 3 symbols + END)"
    assert repr(Mixture(model, model, 1)) == f"Mixture({model!r}, {model!r}, weight=1.0)"


# nltk reads n-grams you give it. Fed the n-grams this module counts (those ending at
# each letter and at one END, after one BEGIN, and none reaching back before BEGIN),
# nltk's KneserNeyInterpolated computes the same recursion except in two places, both
# changed below and each tested on its own further down:
# - the floor at the unigram level (nltk's own unigram level has no floor);
# - contexts that begin with BEGIN: nltk uses continuation counts at every order below
#   the highest, this module the raw counts there, as KenLM does (Heafield et al. 2013),
#   since nothing can precede BEGIN. (Stock nltk even divides by zero on such a context.)
class FlooredNltkKneserNey(NltkKneserNey):
    def __init__(self, vocabulary, counter, order, discount, size):
        super().__init__(vocabulary, counter, order, discount=discount)
        self.size = size

    def unigram_score(self, word):
        count, total = self._continuation_counts(word)
        seen = len({w for followers in self.counts[2].values() for w in followers})
        return max(count - self.discount, 0) / total + self.discount * seen / total / self.size

    def alpha_gamma(self, word, context):
        if context[0] != BEGIN:
            return super().alpha_gamma(word, context)
        followers = self.counts[context]  # raw counts
        total = followers.N()
        return (
            max(followers[word] - self.discount, 0) / total,
            self.discount * len(followers) / total,
        )


class FlooredNltkModel(InterpolatedLanguageModel):
    def __init__(self, order, discount, size):
        params = {"order": order, "discount": discount, "size": size}
        super().__init__(FlooredNltkKneserNey, order, params=params)


def module_ngrams(name: str, order: int) -> list[tuple[str, ...]]:
    """The n-grams of 1 to ``order`` symbols that end at each predicted symbol of ``name``,
    read as one BEGIN, the letters, one END; none reaches back before BEGIN."""
    padded = BEGIN + name + END
    return [
        tuple(padded[i - k + 1 : i + 1])
        for i in range(1, len(padded))
        for k in range(1, min(order, i + 1) + 1)
    ]


@pytest.mark.parametrize(
    ("order", "discount"), [(2, 0.75), (3, 0.1), (3, 0.75), (4, 0.5), (6, 0.9)]
)
def test_agrees_with_nltk_where_told_the_two_differences(order, discount):
    ours = KneserNey(CORPUS, order=order, discount=discount)
    theirs = FlooredNltkModel(order, discount, size=len(NAME_ALPHABET) + 1)
    theirs.fit([module_ngrams(name, order) for name in CORPUS], "".join(CORPUS) + BEGIN + END)
    checked = near_start = 0
    for name in CORPUS[::4] + HELD_OUT:
        padded = BEGIN + name + END
        for i in range(1, len(padded)):
            context = tuple(padded[max(i - order + 1, 0) : i])
            near_start += BEGIN in context
            for symbol in (padded[i], "q", END):
                mine = ours.prob(symbol, name[: i - 1])
                assert mine == pytest.approx(theirs.score(symbol, context), rel=1e-12, abs=0)
                checked += 1
    assert checked > 150 and near_start >= len(CORPUS[::4] + HELD_OUT)


# The toy of the review: 9 names "Ab", 1 name "Bc". After BEGIN, A is 9 times as frequent.
TOY = ["Ab"] * 9 + ["Bc"]


def test_begin_contexts_keep_raw_counts_hand_worked():
    # Order 3, D = 1/2, symbols "ABbc". Read as ^Ab$ (9 times) and ^Bc$.
    # Raw counts of the longest n-grams: ^A 9, ^Ab 9, Ab$ 9, ^B 1, ^Bc 1, Bc$ 1.
    # Bigrams by continuation count: b$ 1 (Ab$), c$ 1 (Bc$), Ab 1 (^Ab), Bc 1 (^Bc).
    # Unigrams by continuation count over all bigrams ^A ^B Ab Bc b$ c$:
    # A 1, B 1, b 1, c 1, $ 2; N = 6, T = 5, floor 1/2 * 5/6 / 5 = 1/12.
    model = KneserNey(TOY, order=3, discount=0.5, symbols="ABbc")
    unigram = {"A": 0.5 / 6 + 1 / 12, "B": 0.5 / 6 + 1 / 12, END: 1.5 / 6 + 1 / 12}
    # Context ^ (raw: A 9, B 1; N = 10, T = 2, gamma = 1/2 * 2/10 = 1/10):
    assert model.prob("A") == pytest.approx(8.5 / 10 + 0.1 * unigram["A"])  # 0.8667
    assert model.prob("B") == pytest.approx(0.5 / 10 + 0.1 * unigram["B"])  # 0.0667
    # Context ^A (raw: b 9; gamma = 1/18), backing off to context A (continuation: b 1;
    # gamma = 1/2), backing off to the unigram b (1/6).
    p_b_after_a = 0.5 / 1 + 0.5 * (0.5 / 6 + 1 / 12)
    assert model.prob("b", "A") == pytest.approx(8.5 / 9 + 0.5 / 9 * p_b_after_a)
    # Context Ab, the highest order (raw: $ 9; gamma = 1/18), backing off to b (b$ 1).
    p_end_after_b = 0.5 / 1 + 0.5 * unigram[END]
    assert model.prob(END, "Ab") == pytest.approx(8.5 / 9 + 0.5 / 9 * p_end_after_b)


def test_stock_kneser_ney_flattens_what_follows_begin():
    # What this module changes, and why. Padded with order - 1 BEGIN, as nltk's
    # `padded_everygram_pipeline` pads, stock Kneser-Ney gives every n-gram below the
    # highest order that begins with BEGIN a continuation count of 1 (only BEGIN precedes
    # it). The toy's context ^^ holds A 9 and B 1, but its shorter context ^ holds A 1 and
    # B 1: a distribution of types, not frequencies, consulted whenever a longer context
    # near the start of a name is rare.
    from nltk.lm import KneserNeyInterpolated

    order, discount = 3, 0.5
    stock = KneserNeyInterpolated(order, discount=discount)
    padded = [BEGIN * (order - 1) + name + END for name in TOY]
    stock.fit(
        [
            [tuple(p[i - k + 1 : i + 1]) for i in range(order - 1, len(p)) for k in (1, 2, 3)]
            for p in padded
        ],
        "ABbc" + BEGIN + END,
    )
    assert stock.counts[(BEGIN, BEGIN)]["A"] == 9  # the highest order: raw counts
    assert stock.estimator._continuation_counts("A", (BEGIN,)) == (1, 2)  # below it: 1 of 2
    assert stock.estimator._continuation_counts("B", (BEGIN,)) == (1, 2)
    assert stock.score("A", (BEGIN,)) == pytest.approx(stock.score("B", (BEGIN,)))
    # This module's context ^ (one BEGIN, raw counts) keeps the 9 to 1.
    ours = KneserNey(TOY, order=order, discount=discount, symbols="ABbc")
    assert ours.prob("A") / ours.prob("B") == pytest.approx(13)  # (8.5 + 1/60) / (0.5 + 1/60)
    assert ours._followers[BEGIN] == {"A": 9, "B": 1}


def test_stock_nltk_gives_unseen_letters_zero():
    # nltk's own model gives an unseen letter probability 0; ours gives the floor.
    from nltk.lm import KneserNeyInterpolated

    stock = KneserNeyInterpolated(2, discount=0.75)
    stock.fit([module_ngrams(name, 2) for name in CORPUS], "".join(CORPUS) + BEGIN + END)
    assert stock.score("q", (BEGIN,)) == 0
    assert KneserNey(CORPUS, order=2).prob("q") > 0


def model_errors():
    ok = {"names": ["Ab", "Ba"], "symbols": "ABab"}
    return [
        ({**ok, "order": 0}, ValueError, "order must be at least 1"),
        ({**ok, "order": 2.0}, TypeError, "order must be an int"),
        ({**ok, "order": True}, TypeError, "order must be an int"),
        ({**ok, "discount": 0}, ValueError, "strictly between 0 and 1"),
        ({**ok, "discount": 1.0}, ValueError, "strictly between 0 and 1"),
        ({**ok, "discount": -0.5}, ValueError, "strictly between 0 and 1"),
        ({**ok, "discount": "0.5"}, TypeError, "discount must be a float"),
        ({**ok, "names": []}, ValueError, "names is empty"),
        ({**ok, "names": "Ab"}, TypeError, "wrap a single name in a list"),
        ({**ok, "names": 3}, TypeError, "names must be a list"),
        ({**ok, "names": ["Ab", ""]}, ValueError, "name 1 is empty"),
        ({**ok, "names": ["Ab", None]}, TypeError, "name 1 must be a str"),
        ({**ok, "names": ["Ab", "Ax"]}, ValueError, "symbol 'x' at position 1 of name 1"),
        ({**ok, "names": ["A^b"]}, ValueError, "symbol '^' at position 1 of name 0"),
        ({**ok, "symbols": ""}, ValueError, "symbols is empty"),
        ({**ok, "symbols": b"ABab"}, TypeError, "symbols must be a str"),
        ({**ok, "symbols": "ABabab"}, ValueError, "'ab' appear more than once"),
        ({**ok, "symbols": "ABab$"}, ValueError, "may not hold BEGIN '^' or END '$'"),
    ]


@pytest.mark.parametrize(("kwargs", "error", "message"), model_errors())
def test_bad_model_arguments_are_refused(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        KneserNey(**kwargs)


def test_bad_queries_are_refused():
    model = KneserNey(["Ab", "Ba"], order=2, symbols="ABab")
    with pytest.raises(ValueError, match="BEGIN is context only"):
        model.prob(BEGIN, "A")
    for symbol in ("x", "ab", "", 1):
        with pytest.raises(ValueError, match="symbol must be one of the model's symbols"):
            model.prob(symbol, "A")
    with pytest.raises(TypeError, match="context must be a str"):
        model.prob("a", ["A"])
    for context in ("Ax", "A$", "^A"):
        with pytest.raises(ValueError, match="of context"):
            model.prob("a", context)
    for method in (model.probs, model.log_prob):
        with pytest.raises(ValueError, match="name is empty"):
            method("")
        with pytest.raises(ValueError, match="symbol 'x' at position 2 of name 'Abx'"):
            method("Abx")
    with pytest.raises(TypeError, match="model must be a KneserNey or a Mixture"):
        nats_per_symbol("model", ["Ab"])
    with pytest.raises(ValueError, match="names is empty"):
        nats_per_symbol(model, [])
    with pytest.raises(TypeError, match="wrap a single name in a list"):
        nats_per_symbol(model, "Ab")
    with pytest.raises(ValueError, match="symbol 'x' at position 0 of name 1"):
        nats_per_symbol(model, ["Ab", "x"])


def test_bad_mixtures_are_refused():
    model = KneserNey(["Ab", "Ba"], order=2, symbols="ABab")
    other = KneserNey(["Ab", "Ba"], order=2, symbols="ABabc")
    for weight in (-0.1, 1.5, math.nan):
        with pytest.raises(ValueError, match="weight must lie between 0 and 1"):
            Mixture(model, model, weight)
    for weight in ("0.5", True, None):
        with pytest.raises(TypeError, match="weight must be a float"):
            Mixture(model, model, weight)
    with pytest.raises(TypeError, match="second must be a KneserNey or a Mixture"):
        Mixture(model, "pooled", 0.5)
    with pytest.raises(ValueError, match="must share their symbols"):
        Mixture(model, other, 0.5)


def test_with_discount_equals_a_fresh_fit():
    names = ["Ivanov", "Ivanova", "Petrov", "Smith", "Smyth", "O'Neil"]
    fitted = KneserNey(names, order=4, discount=0.3)
    for discount in (0.1, 0.75, 0.9):
        reused, fresh = fitted.with_discount(discount), KneserNey(names, order=4, discount=discount)
        for name in ["Ivanov", "Smithson", "Zed", "O'Neill"]:
            assert reused.log_prob(name) == pytest.approx(fresh.log_prob(name), rel=1e-12)
    assert fitted.discount == 0.3  # the original is unchanged
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        fitted.with_discount(1.0)
    with pytest.raises(TypeError, match="discount must be a float"):
        fitted.with_discount("0.5")
