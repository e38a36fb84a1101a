"""Feature hashing for one message without scikit-learn: the character n-grams and the
MurmurHash3 (x86, 32-bit, signed, seed 0) indices that scikit-learn's ``HashingVectorizer``
computes, in plain Python for one message and in numpy for a batch (``keys``, ``indices``).

Classifying a message (``fanzha check``, the API) then needs neither scikit-learn nor SciPy,
whose imports took most of a second; training keeps the vectorizer built from the same
``Hashing`` settings (``Hashing.vectorizer``), and tests/detect/test_hashing.py proves they give
the same vector for any text.
"""

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import HashingVectorizer

_MASK = 0xFFFFFFFF
_C1 = 0xCC9E2D51
_C2 = 0x1B873593
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's analyzer folds runs of white space
# An n-gram of up to three characters as one integer: 21 bits per character (its code point + 1,
# so that "a" and "\0a" differ).
_BITS = 21
_CHAR = (1 << _BITS) - 1


def key_gram(key: int) -> str:
    """The n-gram an integer key of ``Hashing.keys`` stands for."""
    chars = []
    while key:
        chars.append(chr((key & _CHAR) - 1))
        key >>= _BITS
    return "".join(reversed(chars))


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    """32-bit rotation of values held in 64 bits."""
    return ((x << np.uint64(r)) | (x >> np.uint64(32 - r))) & np.uint64(_MASK)


def _mix_all(k: np.ndarray) -> np.ndarray:
    """``_mix`` of each 32-bit block, held in 64 bits."""
    k = (k * np.uint64(_C1)) & np.uint64(_MASK)
    return (_rotl(k, 15) * np.uint64(_C2)) & np.uint64(_MASK)


def _utf8(point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each code point's UTF-8 bytes as a little-endian word, and how many there are."""
    u64 = np.uint64
    n = u64(1) + (point >= u64(0x80)) + (point >= u64(0x800)) + (point >= u64(0x10000))
    lead = np.array([0, 0, 0xC0, 0xE0, 0xF0], dtype=u64)[n.astype(np.intp)]
    word = lead | (point >> (u64(6) * (n - u64(1))))  # the first byte (all of an ASCII one)
    for b in (1, 2, 3):  # each continuation byte: 0b10 and six bits, the last six last
        more = n > b
        bits = (point >> (u64(6) * ((n - u64(1 + b)) * more))) & u64(0x3F)
        word |= np.where(more, (u64(0x80) | bits) << u64(8 * b), u64(0))
    return word, n


def _mix(k: int) -> int:
    k = (k * _C1) & _MASK
    k = ((k << 15) | (k >> 17)) & _MASK
    return (k * _C2) & _MASK


def murmurhash3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3_x86_32 of ``data`` as a signed 32-bit integer (``sklearn.utils.murmurhash3_32``)."""
    h = seed & _MASK
    end = len(data) & ~3
    for i in range(0, end, 4):
        h ^= _mix(int.from_bytes(data[i : i + 4], "little"))
        h = ((h << 13) | (h >> 19)) & _MASK
        h = (h * 5 + 0xE6546B64) & _MASK
    h ^= _mix(int.from_bytes(data[end:], "little"))  # the 0-3 tail bytes (none mixes to 0)
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


@lru_cache(maxsize=1 << 16)
def _hash(gram: str) -> int:
    # n-grams of one to three characters repeat across messages: most lookups hit the cache
    return murmurhash3_32(gram.encode("utf-8"))


@dataclass(frozen=True)
class Hashing:
    """The settings of a character n-gram ``HashingVectorizer`` (those the detector uses)."""

    n_features: int
    ngram_range: tuple[int, int]
    alternate_sign: bool
    norm: Literal["l1", "l2"] | None
    lowercase: bool = True

    def prepared(self, text: str) -> str:
        """The text as the analyzer reads it (lower case, runs of white space as one)."""
        return _WHITE_SPACES.sub(" ", text.lower() if self.lowercase else text)

    def grams(self, text: str) -> list[str]:
        """The character n-grams in scikit-learn's order (its ``char`` analyzer)."""
        text = self.prepared(text)
        low, high = self.ngram_range
        grams = list(text) if low == 1 else []
        for n in range(max(low, 2), min(high, len(text)) + 1):
            grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
        return grams

    def blocks(self, prepared: str) -> list[tuple[int, int, int]]:
        """(n, where the n-grams start in ``grams``, how many) for each length n: ``grams``
        holds all n-grams of one length, in text order, then those of the next."""
        low, high = self.ngram_range
        blocks, first = [], 0
        for n in range(low, min(high, len(prepared)) + 1):
            blocks.append((n, first, len(prepared) - n + 1))
            first += len(prepared) - n + 1
        return blocks

    def keys(self, prepared: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Every n-gram of the given ``prepared`` texts as an integer key (``key_gram`` turns one
        back), in ``grams`` order text after text, and which text each belongs to.

        Whole batches at once in numpy: reading n-grams one by one in Python cost more than
        everything else the detector does to a message.
        """
        low, high = self.ngram_range
        if high * _BITS > 64:
            raise ValueError("n-grams longer than three characters do not fit a 64-bit key")
        lengths = np.fromiter(map(len, prepared), dtype=np.int64, count=len(prepared))
        joined = "".join(prepared).encode("utf-32-le", "surrogatepass")
        points = np.frombuffer(joined, dtype=np.uint32).astype(np.uint64) + 1
        owner = np.repeat(np.arange(len(prepared)), lengths)
        room = np.repeat(np.cumsum(lengths), lengths) - np.arange(points.size)  # characters to the end
        keys, owners = [], []
        key = np.zeros(points.size + 1, dtype=np.uint64)
        for n in range(1, high + 1):
            key = (key[:-1] << np.uint64(_BITS)) | points[n - 1 :]
            if n >= low:
                fits = room[: key.size] >= n
                keys.append(key[fits])
                owners.append(owner[: key.size][fits])
        key_all, owner_all = np.concatenate(keys), np.concatenate(owners)
        order = np.argsort(owner_all, kind="stable")  # text by text, each in grams order
        return key_all[order], owner_all[order]

    def indices(self, keys: np.ndarray) -> np.ndarray:
        """``index`` of the n-gram each key of ``keys`` stands for, all at once in numpy: the
        n-gram's UTF-8 bytes are packed from its code points and MurmurHash3 runs on whole
        columns of 32-bit blocks (a batch hashed its n-grams one by one in Python before)."""
        u64 = np.uint64
        low = np.zeros(keys.size, dtype=u64)  # the first 8 bytes, little-endian
        high = np.zeros(keys.size, dtype=u64)  # the rest (at most 12 bytes in all)
        size = np.zeros(keys.size, dtype=u64)  # bytes so far
        for j in (2, 1, 0):  # the first character is in the highest bits of the key
            point = (keys >> u64(_BITS * j)) & u64(_CHAR)
            present = point != 0
            word, n = _utf8(np.where(present, point - u64(1), u64(0)))
            n = np.where(present, n, u64(0))
            shift = u64(8) * size  # at most 64: the first two characters take 8 bytes at most
            low |= np.where(shift < 64, word << (shift & u64(63)), u64(0))
            high |= np.where(shift > 32, word >> ((u64(64) - shift) & u64(63)), u64(0))
            size += n
        blocks = [low & u64(_MASK), low >> u64(32), high & u64(_MASK)]
        h = np.zeros(keys.size, dtype=u64)
        full = size // u64(4)
        for i, block in enumerate(blocks):
            mixed = (_rotl(h ^ _mix_all(block), 13) * u64(5) + u64(0xE6546B64)) & u64(_MASK)
            h = np.where(full > i, mixed, h)
        tail = np.choose(np.minimum(full, u64(3)).astype(np.intp), [*blocks, np.zeros_like(low)])
        h ^= _mix_all(tail & ((u64(1) << (u64(8) * (size % u64(4)))) - u64(1)))
        h ^= size
        h ^= h >> u64(16)
        h = (h * u64(0x85EBCA6B)) & u64(_MASK)
        h ^= h >> u64(13)
        h = (h * u64(0xC2B2AE35)) & u64(_MASK)
        h ^= h >> u64(16)
        # abs() of the signed hash; -2**31, which int32 cannot hold, as scikit-learn reads it
        signed = h.astype(np.int64)
        magnitude = np.where(signed >= 1 << 31, (1 << 32) - signed, signed)
        magnitude[signed == 1 << 31] = 2147483647 - (self.n_features - 1)
        return magnitude % self.n_features

    def index(self, gram: str) -> int:
        h = _hash(gram)
        if h == -(1 << 31):  # scikit-learn's rule for abs(-2**31), which int32 cannot hold
            return (2147483647 - (self.n_features - 1)) % self.n_features
        return abs(h) % self.n_features

    def vector(self, text: str) -> dict[int, float]:
        """The non-zero entries of ``text``'s hashed, normalised row (column → value)."""
        values: Counter[int] = Counter()
        for gram in self.grams(text):
            values[self.index(gram)] += -1 if self.alternate_sign and _hash(gram) < 0 else 1
        nonzero = {i: float(v) for i, v in values.items() if v}
        if self.norm == "l2":
            scale = math.sqrt(sum(v * v for v in nonzero.values()))
        elif self.norm == "l1":
            scale = sum(abs(v) for v in nonzero.values())
        else:
            scale = 1.0
        return {i: v / scale for i, v in nonzero.items()} if scale else nonzero

    def vectorizer(self) -> "HashingVectorizer":
        """The scikit-learn vectorizer with these settings, for training and large batches."""
        from sklearn.feature_extraction.text import HashingVectorizer

        return HashingVectorizer(
            analyzer="char",
            ngram_range=self.ngram_range,
            n_features=self.n_features,
            alternate_sign=self.alternate_sign,
            norm=self.norm,
            lowercase=self.lowercase,
        )
