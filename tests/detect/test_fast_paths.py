"""The shortcuts that make screening fast change no output: each is checked against the plain
computation it replaces, on the whole project corpus and on generated text made of the very
characters the patterns look for (so the tests hold for any pattern list, retrained or edited)."""

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.detect import Detector, elements, normalise, rules, starts
from fanzha.detect.corpus import project_corpus

CORPUS = [e.text for e in project_corpus(Path(__file__).resolve().parents[2] / "corpus")]
PATTERNS = [r.pattern for r in (*rules.RULES, *elements.ELEMENTS)] + [p for p, _, _ in normalise._STEPS]
# The characters matches start with, plus separators, tags, digits and a little ordinary text.
_STARTS = set().union(*(starts.first_chars(p) or set() for p in PATTERNS if p is not normalise._EMOJI))
ALPHABET = sorted(_STARTS | set("的了我 。，：:【】.-*0123456789AZaz💰🐧👍\u200b"))
TEXTS = st.text(alphabet=st.sampled_from(ALPHABET), max_size=80)


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
@given(TEXTS)
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


def test_batch_verdicts_equal_one_message_at_a_time_on_the_corpus() -> None:
    """Batches use a sparse matrix and vectorised explanations; one message uses plain rows."""
    detector = Detector.default()
    sample = CORPUS[::3]
    batch = detector.classify(sample)
    for text, verdict in zip(sample, batch, strict=True):
        assert detector.classify([text])[0].as_dict() == verdict.as_dict()
