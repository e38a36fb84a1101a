"""Turning messages into features: hashed character n-grams plus rule and entity flags.

Hashing keeps the model a fixed size with no vocabulary to ship; the same hash finds
which n-grams of a message carried its score, for the explanation.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

from fanzha.detect import rules
from fanzha.detect.entities import Entity, extract
from fanzha.detect.reputation import Reputation

N_HASH = 2**18
NGRAMS = (1, 3)
VECTORIZER = HashingVectorizer(
    analyzer="char", ngram_range=NGRAMS, n_features=N_HASH, alternate_sign=False, norm="l2"
)
_ANALYZE = VECTORIZER.build_analyzer()

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
EXTRA = [f"rule:{r.code}" for r in rules.RULES] + [f"entity:{f}" for f in ENTITY_FLAGS]
N_FEATURES = N_HASH + len(EXTRA)


@dataclass(frozen=True)
class Analysis:
    """What the rules and the entity extractor found; kept for the explanation."""

    text: str
    hits: list[rules.Hit]
    entities: list[Entity]


def analyse(text: str, reputation: Reputation) -> Analysis:
    return Analysis(text, rules.fire(text), extract(text, reputation.official_domains))


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
    if len(a.text) < 30:
        flags.add("short")
    elif len(a.text) > 200:
        flags.add("long")
    return flags


_OFFSET = {name: N_HASH + i for i, name in enumerate(EXTRA)}
EXTRA_VALUE = 0.5


def _extra_columns(a: Analysis, reputation: Reputation) -> list[int]:
    names = {f"rule:{h.rule.code}" for h in a.hits} | {f"entity:{f}" for f in _flags(a, reputation)}
    return sorted(_OFFSET[name] for name in names)


def row(a: Analysis, reputation: Reputation) -> tuple[np.ndarray, np.ndarray]:
    """One message's non-zero features (indices, values), equal to its row of ``matrix``.

    For single messages this is several times faster than building a sparse matrix.
    """
    counts = Counter(abs(murmurhash3_32(g, seed=0)) % N_HASH for g in _ANALYZE(a.text))
    values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    norm = np.linalg.norm(values)
    if norm > 0:
        values /= norm
    extra = _extra_columns(a, reputation)
    indices = np.concatenate(
        [np.fromiter(counts.keys(), dtype=np.int64, count=len(counts)), np.array(extra, dtype=np.int64)]
    )
    return indices, np.concatenate([values, np.full(len(extra), EXTRA_VALUE)])


def matrix(analyses: Sequence[Analysis], reputation: Reputation) -> sparse.csr_matrix:
    grams = VECTORIZER.transform([a.text for a in analyses])
    rows, cols = [], []
    for i, a in enumerate(analyses):
        for col in _extra_columns(a, reputation):
            rows.append(i)
            cols.append(col)
    extra = sparse.csr_matrix(
        (np.full(len(rows), 0.5, dtype=np.float64), (rows, cols)), shape=(len(analyses), N_FEATURES)
    )
    grams.resize((len(analyses), N_FEATURES))
    return (grams + extra).tocsr()


def gram_contributions(text: str, weights: np.ndarray) -> list[tuple[str, float]]:
    """Each distinct n-gram of ``text`` with its weight in the given coefficient vector."""
    seen: dict[str, float] = {}
    for gram in _ANALYZE(text):
        if len(gram) >= 2 and gram not in seen and len(gram.strip()) >= 2:
            seen[gram] = float(weights[abs(murmurhash3_32(gram, seed=0)) % N_HASH])
    return sorted(seen.items(), key=lambda kv: -kv[1])
