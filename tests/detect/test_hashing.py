"""The plain-Python feature hashing that classifies one message gives what scikit-learn's
HashingVectorizer gives (the vectorizer training and large batches use), for any text and any
of the settings a retrained detector may store; and one message scores the same on either path."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn.utils import murmurhash3_32 as sklearn_murmurhash3_32

from fanzha.detect import Detector, features
from fanzha.detect.hashing import Hashing, key_gram, murmurhash3_32

SETTINGS = [
    features.HASHING,  # the detector's own
    Hashing(n_features=2**10, ngram_range=(1, 3), alternate_sign=True, norm="l2"),
    Hashing(n_features=2**18, ngram_range=(2, 4), alternate_sign=True, norm="l1"),
    Hashing(n_features=1000, ngram_range=(1, 1), alternate_sign=False, norm=None),
    Hashing(n_features=2**12, ngram_range=(3, 5), alternate_sign=False, norm="l2", lowercase=False),
]
MESSAGEY = "您的银行卡涉嫌洗钱请转入安全账户 \n\t，。!ABab0"
TEXTS = st.text(max_size=300) | st.text(alphabet=MESSAGEY, max_size=80)


def _sklearn_vector(hashing: Hashing, text: str) -> dict[int, float]:
    row = hashing.vectorizer().transform([text]).tocsr()
    row.eliminate_zeros()
    return dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40), st.integers(0, 2**32 - 1))
@example(b"", 0)
@example(b"abcd", 0)
@example(b"\x00", 0)
def test_murmurhash3_equals_sklearn(data: bytes, seed: int) -> None:
    assert murmurhash3_32(data, seed) == sklearn_murmurhash3_32(data, seed=seed)


@pytest.mark.parametrize("hashing", SETTINGS, ids=str)
@settings(max_examples=150, deadline=None)
@given(text=TEXTS)
@example(text="")
@example(text="  \n\n Ab  Cd\t\t")
@example(text="您的银行卡涉嫌洗钱，请转入安全账户 6217 0012 3456 7890")
def test_same_sparse_vector_as_sklearn(hashing: Hashing, text: str) -> None:
    ours = hashing.vector(text)
    theirs = _sklearn_vector(hashing, text)
    assert ours.keys() == theirs.keys()
    for i, value in theirs.items():
        assert ours[i] == pytest.approx(value, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("hashing", SETTINGS[:2], ids=str)
@settings(max_examples=100, deadline=None)
@given(text=TEXTS)
def test_same_grams_and_indices_as_sklearn(hashing: Hashing, text: str) -> None:
    vectorizer = hashing.vectorizer()
    grams = hashing.grams(text)
    assert grams == vectorizer.build_analyzer()(text)
    for gram in set(grams):
        assert hashing.index(gram) == abs(sklearn_murmurhash3_32(gram, seed=0)) % hashing.n_features


@settings(max_examples=60, deadline=None)
@given(text=TEXTS)
@example(text="【工商银行】您的账户存在风险，请点击 http://icbc-verify.top 登录核实")
@example(text="妈，我换号了，这是新微信，先转3000给我")
def test_one_message_scores_as_in_a_batch(text: str) -> None:
    """The single-message path (plain Python hashing) and the batch path (scikit-learn) give one
    message the same fraud logit and type scores."""
    detector = Detector.default()
    reputation = detector.reputation
    a = features.analyse(text, reputation)
    logit, types = detector.model.score_row(*features.row(a, reputation))
    x = features.matrix([a], reputation)
    assert logit == pytest.approx(float(detector.model.fraud_logits(x)[0]), abs=1e-9)
    np.testing.assert_allclose(types, detector.model.type_scores(x)[0], atol=1e-9)


@pytest.mark.parametrize("hashing", [h for h in SETTINGS if h.ngram_range[1] <= 3], ids=str)
@settings(max_examples=100, deadline=None)
@given(st.lists(TEXTS, max_size=6))
def test_batch_keys_are_the_grams_of_each_text_in_order(hashing: Hashing, texts: list[str]) -> None:
    """Batches read n-grams as integer keys in numpy; each key stands for the same n-gram, at
    the same place, as the one-message reading."""
    prepared = [hashing.prepared(t) for t in texts]
    keys, owners = hashing.keys(prepared)
    for i, text in enumerate(texts):
        grams = hashing.grams(text)
        assert [key_gram(k) for k in keys[owners == i].tolist()] == grams
        in_blocks = [
            (first + s, prepared[i][s : s + n])
            for n, first, count in hashing.blocks(prepared[i])
            for s in range(count)
        ]
        assert in_blocks == list(enumerate(grams))


@pytest.mark.parametrize("hashing", [h for h in SETTINGS if h.ngram_range[1] <= 3], ids=str)
@settings(max_examples=100, deadline=None)
@given(st.lists(TEXTS, max_size=6))
@example(["😀a𝒳é中", "ab\x00c", "ÿĀ߿ࠀ\uffff𐀀", "𐀀𐀀𐀀"])  # 1- to 4-byte UTF-8, 12 bytes
def test_batch_indices_equal_hashing_each_gram(hashing: Hashing, texts: list[str]) -> None:
    """Batches hash every n-gram key in numpy; each gets the column of its n-gram."""
    keys, _ = hashing.keys([hashing.prepared(t) for t in texts])
    expected = [hashing.index(key_gram(k)) for k in keys.tolist()]
    assert hashing.indices(keys).tolist() == expected
