"""Character n-gram language models of surnames: interpolated Kneser-Ney, the honest baseline.

A model of order ``n`` predicts each symbol of a name from the ``n - 1`` symbols before it
(fewer near the start). It reads a name as one `BEGIN`, the name's letters, then one `END`:
it predicts every letter and the one `END` (``len(name) + 1`` predictions), never `BEGIN`,
which is context only. So ``log_prob("Ng")`` is ``ln P(N | ^) + ln P(g | ^N) + ln P($ | Ng)``
for ``n = 3``.

`KneserNey` counts the n-grams of a list of names, `Mixture` interpolates two models (a
per-language one and one pooled over all languages, say) and `nats_per_symbol` scores a
model on held-out names in the unit a GRU's cross-entropy loss is reported in.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from numbers import Integral, Real

from course_utils.encoding import NAME_ALPHABET

#: Fills the context before a name's first letter. Context only: it is never predicted.
BEGIN = "^"
#: Ends every name: predicted once, after the last letter, like one more symbol.
END = "$"


def _check_symbols(symbols: object) -> str:
    if not isinstance(symbols, str):
        raise TypeError(f"symbols must be a str of distinct symbols, got {type(symbols).__name__}")
    if not symbols:
        raise ValueError("symbols is empty; give the symbols names may hold, e.g. NAME_ALPHABET")
    if len(set(symbols)) != len(symbols):
        repeated = sorted({s for s in symbols if symbols.count(s) > 1})
        raise ValueError(f"symbols must be distinct; {''.join(repeated)!r} appear more than once")
    if BEGIN in symbols or END in symbols:
        raise ValueError(
            f"symbols may not hold BEGIN {BEGIN!r} or END {END!r}: the model adds those itself"
        )
    return symbols


def _check_name(name: object, allowed: frozenset[str], symbols: str, what: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str, got {type(name).__name__}")
    if not name:
        raise ValueError(f"{what} is empty; a name needs at least one symbol")
    if not allowed.issuperset(name):
        i, symbol = next((i, s) for i, s in enumerate(name) if s not in allowed)
        raise ValueError(
            f"symbol {symbol!r} at position {i} of {what} {name!r} is not one of the model's "
            f"symbols {symbols!r}; remove it or map it to a symbol that is"
        )
    return name


def _check_names(names: object, allowed: frozenset[str], symbols: str) -> list[str]:
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise TypeError(
            f"names must be a list (or other iterable) of str, got {type(names).__name__}; "
            "wrap a single name in a list"
        )
    names = list(names)
    if not names:
        raise ValueError("names is empty; give at least one name")
    for i, name in enumerate(names):
        _check_name(name, allowed, symbols, f"name {i}")
    return names


class KneserNey:
    """Interpolated Kneser-Ney character model of names, fitted on ``names``.

    Plain (not modified) interpolated Kneser-Ney with one fixed ``discount`` D at every
    order, as in ``nltk.lm.KneserNeyInterpolated``. In words, for a context c (the
    ``order - 1`` symbols before w, or fewer at the lower orders, or from `BEGIN` on
    near the start of a name):

        P(w | c) = max(N(c w) - D, 0) / N(c)  +  D * T(c) / N(c) * P(w | c minus its first symbol)

    where N(c w) is how often c w occurs at the highest order and, at the lower orders,
    its continuation count: how many distinct symbols precede c w. N(c) is the sum of
    N(c w) over w and T(c) the number of distinct symbols seen after c. A context never
    seen hands all its weight to the shorter one.

    One change from nltk, as KenLM makes it (Heafield et al. 2013, *Scalable modified
    Kneser-Ney language model estimation*): an n-gram that begins with `BEGIN` keeps its
    raw count at every order. Nothing can precede `BEGIN`, so its continuation count
    would be 1 for every such n-gram, and after `BEGIN` the model would weigh letters
    by how many different ones were seen, not by how often. (nltk, padded with
    ``order - 1`` `BEGIN` symbols, does that below the highest order.)

    The recursion ends one level below the empty context, in the uniform distribution
    over the ``len(symbols) + 1`` symbols (`END` included): this floor gives every symbol
    a probability above zero, even a letter the names never used, and makes P(w | c) sum
    to 1 over ``symbols`` and `END` in every context.

    Example:
        >>> model = KneserNey(["Abe", "Ab", "Bea"], order=2, symbols="ABabe")
        >>> round(model.prob("b", "A"), 4), round(model.prob(END, "Ab"), 4)
        (0.6667, 0.375)
        >>> round(sum(model.prob(w, "A") for w in model.symbols + END), 12)
        1.0

    After `BEGIN`, raw counts: 9 names start with A and 1 with B, so the first letter is
    far more likely an A (continuation counts would give A and B 1 each):

        >>> toy = KneserNey(["Ab"] * 9 + ["Bc"], order=3, discount=0.5, symbols="ABbc")
        >>> round(toy.prob("A"), 4), round(toy.prob("B"), 4)
        (0.8667, 0.0667)
    """

    def __init__(
        self,
        names: Iterable[str],
        order: int = 3,
        discount: float = 0.75,
        symbols: str = NAME_ALPHABET,
    ) -> None:
        _check_symbols(symbols)
        if isinstance(order, bool) or not isinstance(order, Integral):
            raise TypeError(f"order must be an int of at least 1, got {type(order).__name__}")
        if order < 1:
            raise ValueError(f"order must be at least 1 (1 = letter frequencies), got {order}")
        if isinstance(discount, bool) or not isinstance(discount, Real):
            raise TypeError(f"discount must be a float, got {type(discount).__name__}")
        if not 0 < discount < 1:
            raise ValueError(f"discount must lie strictly between 0 and 1, got {discount!r}")
        allowed = frozenset(symbols)
        names = _check_names(names, allowed, symbols)
        order, discount = int(order), float(discount)
        self.order, self.discount, self.symbols = order, discount, symbols
        self.n_names = len(names)
        self._allowed = allowed

        # Raw counts of the longest n-gram that ends at each predicted symbol: `order`
        # symbols, or, near the start of a name, fewer, beginning with the name's BEGIN.
        by_length: list[Counter[str]] = [Counter() for _ in range(order + 1)]
        for name in names:
            padded = BEGIN + name + END
            for i in range(1, len(padded)):
                ngram = padded[max(i - order + 1, 0) : i + 1]
                by_length[len(ngram)][ngram] += 1
        # Each shorter n-gram that does not begin with BEGIN gets its continuation count:
        # how many distinct n-grams one symbol longer end with it (how many distinct
        # symbols precede it). Those that begin with BEGIN keep their raw counts: nothing
        # can precede BEGIN, so their continuation count would always be 1.
        for length in range(order - 1, 0, -1):
            by_length[length].update(ngram[1:] for ngram in by_length[length + 1])

        self._followers: dict[str, dict[str, int]] = {}  # context -> symbol -> count
        for counts in by_length:
            for ngram, count in counts.items():
                self._followers.setdefault(ngram[:-1], {})[ngram[-1]] = count
        self._smooth()

    def _smooth(self) -> None:
        """Per context: the discounted share of each symbol seen after it, and the weight
        of the shorter context. Counts are at least 1 > D, so max(N - D, 0) = N - D."""
        discount = self.discount
        self._contexts: dict[str, tuple[dict[str, float], float]] = {}
        for context, followers in self._followers.items():
            total = sum(followers.values())
            shares = {w: (count - discount) / total for w, count in followers.items()}
            self._contexts[context] = (shares, discount * len(followers) / total)
        shares, weight = self._contexts.pop("")
        floor = weight / (len(self.symbols) + 1)
        self._unigram = {w: shares.get(w, 0.0) + floor for w in self.symbols + END}

    def with_discount(self, discount: float) -> KneserNey:
        """The same counts smoothed with another ``discount``: cheaper than fitting again.

        Example:
            >>> model = KneserNey(["Ivanov", "Ivanova"], order=3, discount=0.5)
            >>> model.with_discount(0.9).discount, model.discount
            (0.9, 0.5)
        """
        if isinstance(discount, bool) or not isinstance(discount, Real):
            raise TypeError(f"discount must be a float, got {type(discount).__name__}")
        if not 0 < discount < 1:
            raise ValueError(f"discount must lie strictly between 0 and 1, got {discount!r}")
        copy = object.__new__(KneserNey)
        copy.__dict__.update(self.__dict__)  # shares the counts, which are never changed
        copy.discount = float(discount)
        copy._smooth()
        return copy

    def __repr__(self) -> str:
        return (
            f"KneserNey(order={self.order}, discount={self.discount}, "
            f"{self.n_names:,} names, {len(self.symbols)} symbols + END)"
        )

    def _history(self, text: str) -> str:
        """The last ``order - 1`` symbols of ``text`` (all of it if shorter)."""
        return text[max(len(text) - self.order + 1, 0) :] if self.order > 1 else ""

    def _prob(self, symbol: str, history: str) -> float:
        # history: the last order - 1 symbols before `symbol`, or all of them from BEGIN
        # on, whichever is shorter. Shortest context first.
        p = self._unigram[symbol]
        contexts = self._contexts
        for start in range(len(history) - 1, -1, -1):
            entry = contexts.get(history[start:])
            if entry is None:  # no longer context ending with this one was seen either
                break
            p = entry[0].get(symbol, 0.0) + entry[1] * p
        return p

    def prob(self, symbol: str, context: str = "") -> float:
        """P(``symbol`` | the name so far is ``context``); ``symbol`` may be `END`.

        ``context`` is the start of the name, up to ``symbol`` (``""`` for the first
        letter); only its last ``order - 1`` symbols count, and a shorter one is
        preceded by `BEGIN`.

        Example:
            >>> model = KneserNey(["Abe", "Ab", "Bea"], order=2, symbols="ABabe")
            >>> round(model.prob("A"), 4), round(model.prob("a"), 4)
            (0.4722, 0.0556)
        """
        if not isinstance(symbol, str) or symbol not in self._unigram:
            raise ValueError(
                f"symbol must be one of the model's symbols {self.symbols!r} or END {END!r}, "
                f"got {symbol!r}" + (" (BEGIN is context only)" if symbol == BEGIN else "")
            )
        if not isinstance(context, str):
            raise TypeError(f"context must be a str, got {type(context).__name__}")
        if context:
            _check_name(context, self._allowed, self.symbols, "context")
        return self._prob(symbol, self._history(BEGIN + context))

    def probs(self, name: str) -> list[float]:
        """The probability of each letter of ``name``, then of `END`: ``len(name) + 1`` floats.

        Example:
            >>> model = KneserNey(["Abe", "Ab", "Bea"], order=2, symbols="ABabe")
            >>> [round(p, 4) for p in model.probs("Ab")]
            [0.4722, 0.6667, 0.375]
        """
        _check_name(name, self._allowed, self.symbols, "name")
        padded = BEGIN + name + END
        span = self.order - 1
        return [self._prob(padded[i], padded[max(i - span, 0) : i]) for i in range(1, len(padded))]

    def log_prob(self, name: str) -> float:
        """ln P(``name``): the natural log of the product of its ``len(name) + 1`` `probs`.

        Example:
            >>> model = KneserNey(["Abe", "Ab", "Bea"], order=2, symbols="ABabe")
            >>> round(model.log_prob("Ab"), 4)
            -2.1366
        """
        return math.fsum(map(math.log, self.probs(name)))


class Mixture:
    """``weight * first + (1 - weight) * second``, symbol by symbol, context by context.

    With a per-language model as ``first`` and one fitted on every language as
    ``second``, the mixture keeps the language's own habits and borrows the rest.
    Components may be of different orders, or mixtures themselves, but must share
    their symbols. Probabilities still sum to 1 over the symbols and `END`.

    Example:
        >>> own = KneserNey(["Abe", "Ab"], order=2, symbols="ABabe")
        >>> pooled = KneserNey(["Abe", "Ab", "Bea", "Ba"], order=3, symbols="ABabe")
        >>> mixed = Mixture(own, pooled, weight=0.8)
        >>> [round(m.prob("e", "Ab"), 4) for m in (own, pooled, mixed)]  # 0.8 * a + 0.2 * b
        [0.2375, 0.3313, 0.2562]
    """

    def __init__(
        self, first: KneserNey | Mixture, second: KneserNey | Mixture, weight: float
    ) -> None:
        for what, model in (("first", first), ("second", second)):
            if not isinstance(model, KneserNey | Mixture):
                raise TypeError(
                    f"{what} must be a KneserNey or a Mixture, got {type(model).__name__}"
                )
        if first.symbols != second.symbols:
            raise ValueError(
                f"the two models must share their symbols, got {first.symbols!r} and "
                f"{second.symbols!r}; fit both with the same symbols"
            )
        if isinstance(weight, bool) or not isinstance(weight, Real):
            raise TypeError(f"weight must be a float, got {type(weight).__name__}")
        if not 0 <= weight <= 1:
            raise ValueError(
                f"weight must lie between 0 and 1 (the share of first), got {weight!r}"
            )
        self.first, self.second, self.weight = first, second, float(weight)
        self.symbols = first.symbols

    def __repr__(self) -> str:
        return f"Mixture({self.first!r}, {self.second!r}, weight={self.weight})"

    def prob(self, symbol: str, context: str = "") -> float:
        """P(``symbol`` | ``context``), mixed; arguments as in `KneserNey.prob`.

        Example:
            >>> own = KneserNey(["Ab"], order=2, symbols="ABabe")
            >>> math.isclose(Mixture(own, own, weight=0.3).prob("b", "A"), own.prob("b", "A"))
            True
        """
        w = self.weight
        return w * self.first.prob(symbol, context) + (1 - w) * self.second.prob(symbol, context)

    def probs(self, name: str) -> list[float]:
        """The mixed probability of each letter of ``name``, then of `END`.

        Example:
            >>> own = KneserNey(["Ab"], order=2, symbols="ABabe")
            >>> len(Mixture(own, own, weight=0.5).probs("Abe"))
            4
        """
        w = self.weight
        pairs = zip(self.first.probs(name), self.second.probs(name), strict=True)
        return [w * p + (1 - w) * q for p, q in pairs]

    def log_prob(self, name: str) -> float:
        """ln P(``name``) under the mixture: letters and one `END`.

        Example:
            >>> own = KneserNey(["Ab"], order=2, symbols="ABabe")
            >>> Mixture(own, own, weight=1.0).log_prob("Ab") == own.log_prob("Ab")
            True
        """
        return math.fsum(map(math.log, self.probs(name)))


def nats_per_symbol(model: KneserNey | Mixture, names: Iterable[str]) -> float:
    """Average -ln P per predicted symbol over ``names``: each letter and one `END`.

    The same unit as the cross-entropy loss (natural log) of a model that predicts
    each letter and an end marker, so the two can be compared; lower is better.

    Example:
        >>> model = KneserNey(["Abe", "Ab", "Bea"], order=2, symbols="ABabe")
        >>> round(nats_per_symbol(model, ["Ab", "Bea"]), 4)
        1.0354
    """
    if not isinstance(model, KneserNey | Mixture):
        raise TypeError(f"model must be a KneserNey or a Mixture, got {type(model).__name__}")
    names = _check_names(names, frozenset(model.symbols), model.symbols)
    total = math.fsum(model.log_prob(name) for name in names)
    return -total / sum(len(name) + 1 for name in names)
