"""The feature matrix the model reads: hashed n-grams equal to scikit-learn's vectorizer, one
message's row equal to its row of the batch matrix, and rules matching ASCII in either case."""

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.detect import features, rules
from fanzha.detect.reputation import official

TEXTS = st.lists(st.text(max_size=60), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(TEXTS)
def test_batch_matrix_equals_the_vectorizer_and_single_rows(texts: list[str]) -> None:
    rep = official()
    analyses = [features.analyse(t, rep) for t in texts]
    x = features.matrix(analyses, rep)
    expected = features.vectorizer().transform([a.grams for a in analyses]) * features.GRAM_SCALE
    assert np.allclose(x[:, : features.N_HASH].toarray(), expected.toarray(), atol=1e-12)
    for i, a in enumerate(analyses):
        indices, values = features.row(a, rep)
        single = np.zeros(features.N_FEATURES)
        np.add.at(single, indices, values)
        assert np.allclose(single, x[i].toarray().ravel(), atol=1e-12)


@given(st.text(alphabet="appAPPqQ下载 ", max_size=20))
def test_rules_match_ascii_letters_in_either_case(text: str) -> None:
    fast = rules.Rule("t", "t", rules.compiled(r"下载.{0,3}APP|QQ"))
    folded = re.compile(r"下载.{0,3}APP|QQ", re.IGNORECASE)
    hits = rules.fire(text, (fast,))
    match = folded.search(text)
    assert [(h.start, h.end) for h in hits] == ([match.span()] if match else [])


def test_escapes_keep_their_case() -> None:
    assert rules.compiled(r"\D\S(?P<Name>ABC)").pattern == r"\D\S(?P<name>abc)"
