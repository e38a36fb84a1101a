"""Turning messages into features: hashed character n-grams of the normalised text, plus
rule, entity, script-element and element-pair flags.

Hashing keeps the model a fixed size with no vocabulary to ship; the same hash finds
which n-grams of a message carried its score, for the explanation.
"""

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

import numpy as np

from fanzha.detect import elements, rules
from fanzha.detect.entities import Entity, extract
from fanzha.detect.hashing import Hashing
from fanzha.detect.normalise import Normalised, has_masked_digits, normalise, without_sender
from fanzha.detect.reputation import Reputation

if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import HashingVectorizer

# 2^20 rather than 2^18 since the twenty-ninth session: fewer n-grams share a column. Out of fold on
# the writer groups at one threshold, 106 frauds were caught only with 2^20 and 65 only with 2^18, and
# the rule written before `independent24` was read adopted it (docs/detection-history.md). Screening stayed
# within its aims (docs/benchmarks.md).
N_HASH = 2**20
NGRAMS = (1, 3)
# One message is hashed in plain Python with these settings (no scikit-learn to import); training
# and large batches use the scikit-learn vectorizer built from the same settings (``vectorizer()``).
HASHING = Hashing(n_features=N_HASH, ngram_range=NGRAMS, alternate_sign=False, norm="l2")

ENTITY_FLAGS = (
    "url",
    "url_lookalike",
    "url_ip",
    "url_shortener",
    "url_official",
    "phone",
    "overseas_phone",
    "card",
    "amount",
    "code",
    "qq",
    "wechat",
    "remote_app",
    "official_number",
    "short",
    "long",
)
EXTRA = (
    [f"rule:{r.code}" for r in rules.RULES]
    + [f"entity:{f}" for f in ENTITY_FLAGS]
    + [f"element:{e.code}" for e in elements.ELEMENTS]
    + [f"pair:{code}" for code in elements.PAIR_CODES]
)
N_FEATURES = N_HASH + len(EXTRA)


_DIGIT = re.compile("[1-9]")  # each digit as 0 (faster than str.translate on Chinese text)
_PUNCTUATION = re.compile(r"[\W_]+")
_SCAM_WORDS = "是诈骗|是骗子|是骗局|均为诈骗|都是诈骗|是(?:刷单|投资|贷款|网恋|冒充)诈骗|是违法行为"
_WARNING_SENTENCE = re.compile(rf"[^。！？!?\n]*(?:{_SCAM_WORDS})[^。！？!?\n]*")
# The sentence pattern tries every position; a text without the words cannot match it.
_WARNING_WORD = re.compile(_SCAM_WORDS)


@dataclass(frozen=True)
class Analysis:
    """What the rules, the element patterns and the entity extractor found, with spans in the
    original text (they read the normalised one); kept for the explanation."""

    text: str
    norm: Normalised
    hits: list[rules.Hit]
    entities: list[Entity]
    found: list[rules.Hit]
    pairs: list[str]

    @cached_property
    def grams(self) -> str:
        """The text the n-grams are read from: no sender tag, every digit as 0 and every run of
        punctuation or spaces as one space (amounts, dates, numbers and punctuation are the
        writer's habits, not the script's)."""
        return _PUNCTUATION.sub(" ", _DIGIT.sub("0", without_sender(self.norm)))

    @cached_property
    def prepared(self) -> str:
        """``grams`` as the n-gram analyzer reads it."""
        return HASHING.prepared(self.grams)

    @cached_property
    def ngrams(self) -> list[str]:
        """The character n-grams of ``grams``, in the vectorizer's order."""
        return HASHING.grams(self.grams)

    @cached_property
    def columns(self) -> np.ndarray:
        """The hashed column of each of ``ngrams``; computed once per message, for its feature
        row and for the phrases that explain it (``matrix`` fills it in for a whole batch)."""
        return np.array(_columns(self.ngrams), dtype=np.int64)


def analyse(text: str, reputation: Reputation) -> Analysis:
    norm = normalise(text)
    # Rules read the text without its sender tag, like the n-grams: only the elements read the
    # identity a tag claims, and they can only raise the risk.
    skip = norm.body[0]
    hits = [
        rules.Hit(h.rule, *norm.span(h.start + skip, h.end + skip)) for h in rules.fire(without_sender(norm))
    ]
    # A sentence that calls something a scam quotes the script, it does not ask for anything:
    # its elements are blanked (same length, so spans still hold).
    body = norm.text
    if _WARNING_WORD.search(body):
        body = _WARNING_SENTENCE.sub(lambda m: " " * len(m.group()), body)
    found = elements.find(body)
    entities = []
    for e in extract(norm.text, reputation.official_domains):
        start, end = norm.span(e.start, e.end)
        written = text[start:end]
        # "138xxxx5678": the zeros the model reads are no one's number to show or look up.
        masked = has_masked_digits(written)
        value, attrs = (written, (*e.attrs, "masked")) if masked else (e.value, e.attrs)
        entities.append(Entity(e.kind, written, value, start, end, attrs))
    return Analysis(
        text,
        norm,
        hits,
        entities,
        [rules.Hit(f.rule, *norm.span(f.start, f.end)) for f in found],
        elements.pairs(found),
    )


def _flags(a: Analysis, reputation: Reputation) -> set[str]:
    flags = set()
    for e in a.entities:
        if e.kind == "url":
            flags.add("url")
            for attr in ("lookalike", "ip", "shortener", "official"):
                if attr in e.attrs:
                    flags.add(f"url_{attr}")
        elif e.kind == "service_number" and reputation.vouches_for(e):
            flags.add("official_number")
        elif e.kind == "app":
            flags.add("remote_app")
        elif e.kind in ENTITY_FLAGS:
            flags.add(e.kind)
    if len(a.grams) < 30:
        flags.add("short")
    elif len(a.grams) > 200:
        flags.add("long")
    return flags


_OFFSET = {name: N_HASH + i for i, name in enumerate(EXTRA)}
# Columns whose weight may only raise the risk (see ``model.fit_fraud_head``): the script's elements,
# their pairs and the taught rules; the anti-fraud-reminder contexts (ctx.*) lower it.
NONNEGATIVE = np.array(
    [
        i
        for name, i in _OFFSET.items()
        if name.startswith(("element:", "pair:", "rule:")) and "ctx." not in name
    ]
)
# Columns the register head reads: the n-grams, the rules and the length flags, none of which
# reads the 【sender】 tag — a tag typed in front of a message cannot change its register (nor so
# the threshold it is held to), so it still can only raise the risk.
REGISTER_COLUMNS = np.array(
    [
        *range(N_HASH),
        *(
            i
            for name, i in _OFFSET.items()
            if name.startswith("rule:") or name in ("entity:short", "entity:long")
        ),
    ]
)
# Under the same L2 penalty a feature with larger values needs a smaller weight, so these two
# scales set how much of the decision the named features carry against the writer's n-grams
# (named features at 1.0 instead of 0.5 gave higher recall and type F1 across sources; n-grams
# at 0.5 lost recall on other people's texts).
EXTRA_VALUE = 1.0
GRAM_SCALE = 1.0


# Each kind's codes → their columns (names built once, not per message).
_RULE_COLUMN = {name.removeprefix("rule:"): i for name, i in _OFFSET.items() if name.startswith("rule:")}
_ENTITY_COLUMN = {
    name.removeprefix("entity:"): i for name, i in _OFFSET.items() if name.startswith("entity:")
}
_ELEMENT_COLUMN = {
    name.removeprefix("element:"): i for name, i in _OFFSET.items() if name.startswith("element:")
}
_PAIR_COLUMN = {name.removeprefix("pair:"): i for name, i in _OFFSET.items() if name.startswith("pair:")}


def _extra_columns(a: Analysis, reputation: Reputation) -> list[int]:
    columns = (
        {_RULE_COLUMN[h.rule.code] for h in a.hits}
        | {_ENTITY_COLUMN[f] for f in _flags(a, reputation)}
        | {_ELEMENT_COLUMN[f.rule.code] for f in a.found}
        | {_PAIR_COLUMN[code] for code in a.pairs}
    )
    return sorted(columns)


# n-gram → hashed column, memoised for single messages: the same n-grams come back in message
# after message, and hashing each one again in Python was a third of the time. Cleared when it
# grows too large. Batches hash their distinct n-grams in numpy (``Hashing.indices``).
_COLUMNS: dict[str, int] = {}
_COLUMNS_MAX = 1 << 20


def _columns(grams: list[str]) -> list[int]:
    memo = _COLUMNS
    missing = {g for g in grams if g not in memo}
    if missing:
        if len(memo) + len(missing) > _COLUMNS_MAX:
            memo.clear()
            missing = set(grams)
        for g in missing:
            memo[g] = HASHING.index(g)
    return list(map(memo.__getitem__, grams))


# ``row`` and ``matrix`` count the columns and scale each message's n-gram counts to unit length:
# HASHING's settings (no alternate sign, l2 norm), checked against its vectorizer by
# tests/detect/test_features.py.


def row(a: Analysis, reputation: Reputation) -> tuple[np.ndarray, np.ndarray]:
    """One message's non-zero features (indices, values), equal to its row of ``matrix``.

    For single messages this is several times faster than building a sparse matrix.
    """
    counts = Counter(a.columns.tolist())
    values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    norm = np.linalg.norm(values)
    if norm > 0:
        values *= GRAM_SCALE / norm
    extra = _extra_columns(a, reputation)
    indices = np.fromiter((*counts, *extra), dtype=np.int64, count=len(counts) + len(extra))
    return indices, np.concatenate([values, np.full(len(extra), EXTRA_VALUE)])


@cache
def vectorizer() -> "HashingVectorizer":
    """Built on first use, so that classifying one message never imports scikit-learn."""
    return HASHING.vectorizer()


def matrix(analyses: Sequence[Analysis], reputation: Reputation) -> "sparse.csr_matrix":
    """The batch's feature rows. The n-grams of all messages are read at once (``Hashing.keys``)
    and each analysis is given its ``columns`` from the same pass, for its explanation."""
    from scipy import sparse

    keys, owners = HASHING.keys([a.prepared for a in analyses])
    distinct, inverse = np.unique(keys, return_inverse=True)
    cols = HASHING.indices(distinct)[inverse]
    counts, start = np.bincount(owners, minlength=len(analyses)).tolist(), 0
    for a, n in zip(analyses, counts, strict=True):
        a.__dict__["columns"] = cols[start : start + n]  # what ``Analysis.columns`` computes
        start += n
    rows: list[int] = []
    extra_cols: list[int] = []
    for i, a in enumerate(analyses):
        for col in _extra_columns(a, reputation):
            rows.append(i)
            extra_cols.append(col)
    shape = (len(analyses), N_FEATURES)
    # An n-gram that occurs twice is counted twice: (row, column) pairs given twice are summed.
    grams = sparse.csr_matrix((np.ones(cols.size), (owners, cols)), shape=shape)
    norms = np.sqrt(np.asarray(grams.multiply(grams).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    grams = sparse.diags(GRAM_SCALE / norms) @ grams
    extra = sparse.csr_matrix((np.full(len(rows), EXTRA_VALUE), (rows, extra_cols)), shape=shape)
    return (grams + extra).tocsr()


def heavy_grams(
    analyses: Sequence[Analysis], weights: np.ndarray, above: float
) -> list[Iterator[tuple[str, float]]]:
    """For each message, its distinct n-grams of two or more characters whose weight in the given
    coefficient vector is above ``above``, heaviest first (ties in the order they occur).

    Picked, ordered and located for the whole batch in a few numpy calls (they cost more than the
    rest of an explanation when made per message), and read lazily: an explanation shows the
    first few.
    """
    columns = [a.columns for a in analyses]
    counts = np.fromiter(map(len, columns), dtype=np.int64, count=len(columns))
    cols = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    offset = np.cumsum(counts) - counts
    owner = np.repeat(np.arange(len(analyses)), counts)
    # Where each length's n-grams begin in each message's ``columns`` (as ``Hashing.blocks``).
    low, high = HASHING.ngram_range
    size = np.fromiter((len(a.prepared) for a in analyses), dtype=np.int64, count=len(analyses))
    first = np.full((len(analyses), max(high, 2) + 1), np.iinfo(np.int64).max)  # none that long
    done = np.zeros(len(analyses), dtype=np.int64)
    for length in range(low, high + 1):
        first[:, length] = np.where(size >= length, done, first[:, length])
        done += np.maximum(size - length + 1, 0)
    w = weights.take(cols)
    place = np.arange(cols.size) - offset[owner]
    heavy = np.flatnonzero((w > above) & (place >= first[owner, max(low, 2)]))
    heavy = heavy[np.lexsort((-w[heavy], owner[heavy]))]  # message by message, heaviest first
    mine, place = owner[heavy], place[heavy]
    n = np.full(heavy.size, max(low, 2))
    for longer in range(max(low, 2) + 1, high + 1):
        n[place >= first[mine, longer]] = longer
    start = (place - first[mine, n]).tolist()
    found = [start, n.tolist(), w[heavy].tolist()]
    out, at = [], 0
    for a, k in zip(analyses, np.bincount(mine, minlength=len(analyses)).tolist(), strict=True):
        out.append(_grams_at(a.prepared, *(f[at : at + k] for f in found)))
        at += k
    return out


def _grams_at(
    prepared: str, start: list[int], n: list[int], weight: list[float]
) -> Iterator[tuple[str, float]]:
    """The distinct n-grams of ``prepared`` at these places, with their weights."""
    seen: set[str] = set()
    for s, k, w in zip(start, n, weight, strict=True):
        gram = prepared[s : s + k]
        if gram not in seen and len(gram.strip()) >= 2:
            seen.add(gram)
            yield gram, w
