"""The shortcuts that make screening fast change no output: each is checked against the plain
computation it replaces, on the whole project corpus and on generated text made of the very
characters the patterns look for (so the tests hold for any pattern list, retrained or edited)."""

import json
import re
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.detect import Detector, elements, entities, features, normalise, rules, starts
from fanzha.detect.corpus import project_corpus
from fanzha.detect.detector import _gram_spans
from fanzha.detect.screening import Row, screen_chunk, screen_lines

CORPUS = [e.text for e in project_corpus(Path(__file__).resolve().parents[2] / "corpus")]
RULE_PATTERNS = [r.pattern for r in (*rules.RULES, *elements.ELEMENTS)]
PATTERNS = RULE_PATTERNS + [p for p, _, _ in normalise._STEPS]
# The characters matches start with, plus separators, tags, digits and a little ordinary text.
_STARTS = set().union(*(starts.first_chars(p) or set() for p in PATTERNS if p is not normalise._EMOJI))
ALPHABET = sorted(
    _STARTS | set("的了我 。，：:【】.-*0123456789AZaz💰🐧👍\u200b\ud800")
)  # a lone surrogate too
TEXTS = st.text(alphabet=st.sampled_from(ALPHABET), max_size=80)
# Texts of the words matches begin with (``starts.prefixes``) and the characters above, so that
# several rules' first words, their near misses and their full matches sit side by side.
_WORDS = sorted(set().union(*(starts.prefixes(p) or set() for p in RULE_PATTERNS)) | set(ALPHABET))
WORDED = st.lists(st.sampled_from(_WORDS), max_size=30).map("".join)


def _plain_fire(text: str, patterns: tuple[rules.Rule, ...]) -> list[tuple[str, int, int]]:
    lowered = text.translate(rules._ASCII_LOWER)
    return [(r.code, *m.span()) for r in patterns if (m := r.pattern.search(lowered))]


def _fire(text: str, patterns: tuple[rules.Rule, ...]) -> list[tuple[str, int, int]]:
    return [(h.rule.code, h.start, h.end) for h in rules.fire(text, patterns)]


def test_rules_and_elements_skipped_by_their_first_characters_fire_as_plain_searches() -> None:
    for text in CORPUS:
        norm = normalise.normalise(text).text
        assert _fire(norm, rules.RULES) == _plain_fire(norm, rules.RULES)
        assert _fire(norm, elements.ELEMENTS) == _plain_fire(norm, elements.ELEMENTS)


@settings(max_examples=300)
@given(st.one_of(TEXTS, WORDED))
def test_first_characters_never_skip_a_match(text: str) -> None:
    for rule_set in (rules.RULES, elements.ELEMENTS):
        assert _fire(text, rule_set) == _plain_fire(text, rule_set)
    for pattern, at, _ in normalise._STEPS:
        fast = [m.span() for m in starts.finditer(pattern, at, text)]
        assert fast == [m.span() for m in pattern.finditer(text)]


def test_normalising_by_first_characters_equals_plain_substitution() -> None:
    plain_steps = tuple((pattern, None, repl) for pattern, _, repl in normalise._STEPS)
    for text in CORPUS:
        converted, origin = text.translate(normalise._char_table()), list(range(len(text)))
        for step in plain_steps:
            converted, origin = normalise._replace(converted, origin, step)
        norm = normalise.normalise(text)
        assert (norm.text, norm.origin[:-1]) == (converted, tuple(origin))


def test_first_characters_of_patterns() -> None:
    assert starts.first_chars(re.compile(r"(?<![a-z])[vV]信|扣扣?|x*y")) == frozenset("vV扣xy")
    assert starts.first_chars(re.compile(r"(?:微信)?号码")) == frozenset("微号")
    # Unbounded: any character, a negated class, a category, an optional whole, folded case.
    for pattern in (r".{0,3}转账", r"[^。]*骗", r"\d+元", r"(?:转账)?", r"qq"):
        flags = re.IGNORECASE if pattern == "qq" else 0
        assert starts.first_chars(re.compile(pattern, flags)) is None


def test_prefixes_of_patterns() -> None:
    """Every match begins with one of them; the shortest that does is kept; too many → shorter."""
    found = starts.prefixes(re.compile(r"(?:ab|c)d|e?f|(?<!x)gh{2}"))
    assert found == frozenset({"ab", "cd", "e", "f", "gh"})
    assert starts.prefixes(re.compile(r"念|念验证码|(?:\b)?转账.{0,3}")) == frozenset({"念", "转账"})
    wide = re.compile("[\u4e00-\u4fff][\u4e00-\u4fff]")  # 512 × 512 two-character starts
    assert starts.prefixes(wide) == starts.first_chars(wide)
    assert starts.prefixes(re.compile(r"x?\d+|.y")) is None


def test_a_scan_gives_each_pattern_its_earliest_possible_start() -> None:
    scan = starts.Scan([re.compile(p) for p in (r"转账|汇款", r"\d+元", r"加微信|加我", r"刷单")])
    # 0: the first "转账"/"汇款" (matches or not); 1: unbounded, from 0; 3: no "刷单" anywhere
    assert scan.starts("请加我，汇款100元后转账") == {0: 4, 1: 0, 2: 1}
    assert starts.Scan([re.compile(r".x")]).starts("abc") == {0: 0}


def test_a_lone_surrogate_is_read_like_any_other_character() -> None:
    """JSON may carry "\\ud800"; the automaton reads UTF-8, and before the scan such a text was
    classified like any other (its n-grams have no surrogate: they are punctuation)."""
    text = "转账到安全账户\ud800，警察办案，请加微信"
    assert _fire(text, elements.ELEMENTS) == _plain_fire(text, elements.ELEMENTS)
    detector = Detector.default()
    assert detector.classify([text])[0].as_dict() == detector.classify([text, "你好"] * 5)[0].as_dict()


def test_batch_verdicts_equal_one_message_at_a_time_on_the_corpus() -> None:
    """Batches use a sparse matrix and vectorised explanations; one message uses plain rows."""
    detector = Detector.default()
    sample = CORPUS[::3]
    batch = detector.classify(sample)
    for text, verdict in zip(sample, batch, strict=True):
        assert detector.classify([text])[0].as_dict() == verdict.as_dict()


def _plain_contributions(a: features.Analysis, weights: np.ndarray, above: float) -> list[tuple[str, float]]:
    """Every n-gram of two or more characters, weighed and sorted in plain Python."""
    grams = features.HASHING.grams(a.grams)
    weighed = [(-float(weights[features.HASHING.index(g)]), i, g) for i, g in enumerate(grams) if len(g) >= 2]
    out: dict[str, float] = {}
    for weight, _, gram in sorted(weighed):
        if -weight > above and gram not in out and len(gram.strip()) >= 2:
            out[gram] = -weight
    return list(out.items())


@settings(max_examples=100)
@given(st.one_of(TEXTS, WORDED))
def test_heavy_grams_equal_a_plain_sort(text: str) -> None:
    detector = Detector.default()
    weights = detector.model.binary_w
    batch = [features.analyse(t, detector.reputation) for t in (text, *CORPUS[:: len(CORPUS) // 50])]
    features.matrix(batch, detector.reputation)  # the batch's columns, as classify reads them
    heavy = features.heavy_grams(batch, weights, 0.05)
    for a, grams in zip(batch, heavy, strict=True):
        assert list(grams) == _plain_contributions(a, weights, 0.05)
        assert list(features.heavy_grams([a], weights, 0.05)[0]) == _plain_contributions(a, weights, 0.05)


def _plain_gram_spans(a: features.Analysis, heavy: list[tuple[str, float]]) -> list[tuple[int, int, float]]:
    """The phrase spans as first written: two searches per gram and ``Normalised.span``."""
    norm = a.norm.text.lower()
    spans: list[tuple[int, int, float]] = []
    for gram, weight in heavy:
        if len(spans) >= 12:
            break
        start = norm.find(gram)
        if (
            start >= 0
            and re.search(r"[^\W_].*?[^\W_]", gram, re.DOTALL)
            and re.search("[\u4e00-\u9fff]", gram)
        ):
            spans.append((*a.norm.span(start, start + len(gram)), weight))
    return spans


def _assert_plain_gram_spans(texts: list[str]) -> None:
    detector = Detector.default()
    batch = [features.analyse(t, detector.reputation) for t in texts]
    features.matrix(batch, detector.reputation)
    for a, grams in zip(batch, features.heavy_grams(batch, detector.model.binary_w, 0.05), strict=True):
        listed = list(grams)
        assert _gram_spans(a, iter(listed)) == _plain_gram_spans(a, listed)


def test_phrase_spans_equal_the_plain_computation_on_the_corpus() -> None:
    _assert_plain_gram_spans(CORPUS)


@settings(max_examples=100)
@given(st.one_of(TEXTS, WORDED))
def test_phrase_spans_equal_the_plain_computation(text: str) -> None:
    _assert_plain_gram_spans([text, *CORPUS[:: len(CORPUS) // 20]])


@given(
    st.lists(st.sampled_from([*entities.REMOTE_APPS, "向日", "zoo", "共享", "的", " ", "ZOOM"]), max_size=8)
)
def test_one_search_finds_a_text_with_any_remote_app(words: list[str]) -> None:
    lowered = "".join(words).lower()
    assert (entities._ANY_APP.search(lowered) is not None) == any(
        app in lowered for app in entities.REMOTE_APPS
    )


def test_screened_lines_equal_plain_json_of_the_verdicts() -> None:
    rows = [Row(i, f"id{i}", t) for i, t in enumerate(CORPUS[::7])] + [
        Row(0, None, None, "缺少文本字段 text")
    ]
    detector = Detector.default()
    lines, _ = screen_lines(rows, detector)
    plain = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in screen_chunk(rows, detector))
    assert lines == plain
