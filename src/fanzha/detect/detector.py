"""The detector: features → linear model → reputation checks → a verdict that explains itself."""

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from fanzha.core.vocab import FraudType, TechniqueTag
from fanzha.detect import elements, features
from fanzha.detect.entities import BANK_BRANDS, MEETING_APPS, Entity, host_spellings, url_host
from fanzha.detect.model import TYPES, LinearModel
from fanzha.detect.registers import REGISTERS, parse_register
from fanzha.detect.reputation import Reputation, official

# Up to this many messages, scoring row by row beats building a sparse matrix.
_ROW_PATH_MAX = 8
_BLACKLIST_BOOST = 6.0
_LOOKALIKE_BOOST = 4.0
_ENTITY_TAGS = {"overseas_phone": TechniqueTag.OVERSEAS_CALL}
_REASON_WEIGHT = 0.05  # a rule or element weighing less than this explains nothing
_PHRASE_WEIGHT = 0.05  # nor does an n-gram
_ELEMENT_REASONS = 4
_PAIR_SPAN = 40  # characters: a pair further apart than this is quoted by its action only
_UNSUPPORTED_RISK = 0.45
_URL_TAG_ATTRS = ("lookalike", "ip", "shortener")
_TWO_ALNUM = re.compile(r"[^\W_].*?[^\W_]", re.DOTALL)  # two letters or digits (str.isalnum)
_HANZI = re.compile("[\u4e00-\u9fff]")


class Reason(NamedTuple):
    """One thing that explains a verdict. A named tuple: a message makes several, and a frozen
    dataclass took three times as long to make."""

    kind: str  # rule | element | phrase | entity | reputation
    text: str  # what it means, in Chinese, for the officer or the resident
    evidence: str  # the words in the message
    start: int
    end: int
    raises_risk: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "evidence": self.evidence,
            "span": [self.start, self.end],
            "raises_risk": self.raises_risk,
        }


@dataclass(frozen=True)
class Verdict:
    is_fraud: bool
    risk: float
    fraud_type: FraudType | None
    tags: list[str]
    reasons: list[Reason]
    entities: list[Entity] = field(default_factory=list)
    # The register whose threshold judged the message (sms, social, chat, call, report): the
    # caller's, or the register head's guess (``register_inferred``); None for a model without one.
    register: str | None = None
    register_inferred: bool = False

    def as_dict(self, id: object = None) -> dict[str, Any]:
        return {
            "id": id,
            "is_fraud": self.is_fraud,
            "risk": round(self.risk, 4),
            "fraud_type": self.fraud_type.value if self.fraud_type else None,
            "tags": self.tags,
            "reasons": [r.as_dict() for r in self.reasons],
            "register": self.register,
            "register_inferred": self.register_inferred,
        }


def _sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-min(max(x, -30.0), 30.0))))


@lru_cache(maxsize=1 << 14)
def _quotable(gram: str) -> bool:
    """Two letters or digits and a Chinese character: the same heavy n-grams recur from message
    to message, and the two searches cost more than the cache."""
    return bool(_TWO_ALNUM.search(gram) and _HANZI.search(gram))


def _gram_spans(a: features.Analysis, heavy: Iterator[tuple[str, float]]) -> list[tuple[int, int, float]]:
    """The original text's spans of the first dozen heavy n-grams found in it that can be quoted,
    with their weights, in the order given."""
    norm, origin = a.norm.text.lower(), a.norm.origin
    spans: list[tuple[int, int, float]] = []
    for gram, weight in heavy:
        start = norm.find(gram)
        if start >= 0 and _quotable(gram):
            # ``a.norm.span`` of the gram (never empty), without the call: a dozen per message
            spans.append((origin[start], origin[start + len(gram) - 1] + 1, weight))
            if len(spans) == 12:
                break
    return spans


def _phrases(a: features.Analysis, heavy: Iterator[tuple[str, float]], limit: int = 3) -> list[Reason]:
    """The message's strongest n-grams (``features.heavy_grams``), located in the original text
    and merged into phrases."""
    text = a.text
    spans = sorted(_gram_spans(a, heavy))
    merged: list[list[float]] = []
    for start, end, weight in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] += weight
        else:
            merged.append([start, end, weight])
    merged.sort(key=lambda m: -m[2])
    reasons: list[Reason] = []
    for s, e, _ in merged:
        if len(reasons) == limit:
            break
        start, end = _trimmed(text, int(s), int(e))
        words = text[start:end]
        if len(words) >= 2 and not set(words) <= _FUNCTION_CHARS:
            reasons.append(Reason("phrase", "模型认为可疑的措辞", words, start, end))
    return reasons


_LOGIN_WORDS = ("登录", "登陆", "激活", "验证", "认证", "解冻", "输入")


def _bank_phishing(a: features.Analysis) -> bool:
    """A link dressed as a bank's that asks to log in is phishing (其他), whatever the words
    around it resemble (the model alone read a fake bank login page as fake shopping)."""
    bank_lookalike = any(
        e.kind == "url"
        and "lookalike" in e.attrs
        and any(b in spelling for spelling in host_spellings(url_host(e.text)) for b in BANK_BRANDS)
        for e in a.entities
    )
    return bank_lookalike and any(w in a.text for w in _LOGIN_WORDS)


# Characters of function words ("我们", "您的", "的了"): a phrase made only of them says nothing.
_FUNCTION_CHARS = frozenset("我你您他她它们的了是在有和就都也要这那个吗呢吧啊")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without punctuation or spaces at its edges ("，我们马上" → "我们马上")."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


class Detector:
    def __init__(self, model: LinearModel, reputation: Reputation | None = None) -> None:
        self.model = model
        self.reputation = reputation or official()
        offset = features.N_HASH
        extra = {name: float(model.binary_w[offset + i]) for i, name in enumerate(features.EXTRA)}
        self._rule_weight = {n.removeprefix("rule:"): w for n, w in extra.items() if n.startswith("rule:")}
        self._element_weight = {
            n.split(":", 1)[1]: w for n, w in extra.items() if n.startswith(("element:", "pair:"))
        }

    @classmethod
    def default(cls) -> "Detector":
        return _default()

    @classmethod
    def from_file(cls, path: Path, reputation: Reputation | None = None) -> "Detector":
        return cls(LinearModel.load(path), reputation)

    def with_blacklist(self, items: Iterable[tuple[str, str, str]]) -> "Detector":
        return Detector(self.model, self.reputation.with_blacklist(items))

    def with_whitelist(self, items: Iterable[tuple[str, str]]) -> "Detector":
        return Detector(self.model, self.reputation.with_whitelist(items))

    def classify(self, texts: Sequence[str], registers: Sequence[str | None] | None = None) -> list[Verdict]:
        """One verdict per text. ``registers`` says, per text, how it was written where the caller
        knows (an operator's SMS feed: "sms"; None: let the register head infer it); each register
        has its own decision threshold. Raises ValueError for a register that does not exist."""
        given = [parse_register(r) for r in registers] if registers is not None else [None] * len(texts)
        if len(given) != len(texts):
            raise ValueError("one register (or None) per text")
        analyses = [features.analyse(t, self.reputation) for t in texts]
        if not analyses:
            return []
        infer = self.model.knows_registers and None in given
        if len(analyses) <= _ROW_PATH_MAX:
            rows = [features.row(a, self.reputation) for a in analyses]
            scored = [self.model.score_row(*r) for r in rows]
            guessed = [
                self.model.register_row(*r) if infer and g is None else None
                for r, g in zip(rows, given, strict=True)
            ]
            logits = np.array([logit for logit, _ in scored])
            type_scores = np.array([types for _, types in scored])
        else:
            x = features.matrix(analyses, self.reputation)
            logits = self.model.fraud_logits(x)
            type_scores = self.model.type_scores(x)
            guessed = list(self.model.register_scores(x)) if infer else [None] * len(analyses)
        verdicts = []
        for i, a in enumerate(analyses):
            scores = guessed[i]
            register = given[i] or (REGISTERS[int(np.argmax(scores))] if scores is not None else None)
            inferred = not given[i] and register is not None
            threshold = self.model.threshold(register, inferred)
            verdicts.append(
                self._verdict(a, float(logits[i]) - threshold, type_scores[i], register, inferred)
            )
        # The phrases come last in a fraud verdict's reasons: read for all of the batch's at once.
        fraud = [i for i, v in enumerate(verdicts) if v.is_fraud]
        heavy = features.heavy_grams([analyses[i] for i in fraud], self.model.binary_w, _PHRASE_WEIGHT)
        for i, grams in zip(fraud, heavy, strict=True):
            verdicts[i].reasons.extend(_phrases(analyses[i], grams))
        return verdicts

    def _reputation(self, a: features.Analysis) -> tuple[float, list[Reason]]:
        boost, reasons = 0.0, []
        for e in a.entities:
            bad = self.reputation.lookup_black(e.value)
            if bad:
                boost = max(boost, _BLACKLIST_BOOST)
                reasons.append(Reason("reputation", f"命中涉诈名单：{bad}", e.text, e.start, e.end))
            elif e.kind == "url" and "lookalike" in e.attrs:
                boost = max(boost, _LOOKALIKE_BOOST)
                reasons.append(
                    Reason("entity", "仿冒银行或平台的网址（不是官方域名）", e.text, e.start, e.end)
                )
            elif e.kind == "url" and "ip" in e.attrs:
                reasons.append(
                    Reason("entity", "直接用 IP 地址的链接，正规机构不会这样发", e.text, e.start, e.end)
                )
            elif e.kind == "url" and "shortener" in e.attrs:
                reasons.append(Reason("entity", "短链接，看不到真实去向", e.text, e.start, e.end))
            elif e.kind == "overseas_phone":
                reasons.append(Reason("entity", "境外号码", e.text, e.start, e.end))
            elif e.kind == "app":
                reasons.append(
                    Reason("entity", "远程控制或会议软件（常用于共享屏幕）", e.text, e.start, e.end)
                )
            elif self.reputation.vouches_for(e):
                good = self.reputation.lookup_white(e.value)
                reasons.append(Reason("reputation", f"官方号码或网址：{good}", e.text, e.start, e.end, False))
        return boost, reasons

    def _tags(self, a: features.Analysis) -> list[str]:
        tags = {h.rule.tag for h in a.hits if h.rule.tag}  # asked only for fraud verdicts
        for e in a.entities:
            if e.kind in _ENTITY_TAGS:
                tags.add(_ENTITY_TAGS[e.kind])
            if e.kind == "url" and any(attr in e.attrs for attr in _URL_TAG_ATTRS):
                tags.add(TechniqueTag.PHISHING_LINK)
            if e.kind == "app":
                tags.add(
                    TechniqueTag.SCREEN_SHARING
                    if e.value in MEETING_APPS
                    else TechniqueTag.REMOTE_CONTROL_APP
                )
        return sorted(t.value for t in tags if t is not None)

    def _verdict(
        self,
        a: features.Analysis,
        logit: float,
        type_scores: np.ndarray,
        register: str | None,
        inferred: bool,
    ) -> Verdict:
        if not _TWO_ALNUM.search(a.text):  # nothing to judge: blank or punctuation only
            return Verdict(False, 0.0, None, [], [], a.entities, register, inferred)
        boost, reasons = self._reputation(a)
        logit += boost
        risk = _sigmoid(logit)
        is_fraud = risk >= 0.5
        reasons += self._elements(a) if is_fraud else []
        for h in a.hits:
            weight = self._rule_weight.get(h.rule.code, 0.0)
            # A taught rule that fired is a reason for a fraud verdict whatever its learned
            # weight (it shares the credit with the elements); a context rule only lowers.
            raises = is_fraud and not h.rule.code.startswith("ctx.")
            if raises or (not is_fraud and weight < -_REASON_WEIGHT):
                reasons.append(Reason("rule", h.rule.label, a.text[h.start : h.end], h.start, h.end, raises))
        if is_fraud and not any(r.raises_risk for r in reasons):
            # Nothing a person can read supports it (a maths formula, a list of words): the
            # model's n-grams alone never make a message fraud.
            is_fraud, risk = False, min(risk, _UNSUPPORTED_RISK)
        if not is_fraud:
            return Verdict(False, risk, None, [], reasons, a.entities, register, inferred)
        # Rules are features of the type head too: it learnt which type each one points to.
        fraud_type = FraudType.OTHER if _bank_phishing(a) else TYPES[int(np.argmax(type_scores))]
        return Verdict(True, risk, fraud_type, self._tags(a), reasons, a.entities, register, inferred)

    def _elements(self, a: features.Analysis) -> list[Reason]:
        """The script's elements and pairs found, strongest first, by their names (their weights
        are never negative: each is on the side of the verdict)."""
        spans = {f.rule.code: (f.start, f.end) for f in a.found}
        weighed = [(self._element_weight.get(f.rule.code, 0.0), f.rule.code) for f in a.found]
        weighed += [(self._element_weight.get(p, 0.0), p) for p in a.pairs]
        reasons: list[Reason] = []
        named: set[str] = set()
        for _, code in sorted(weighed, reverse=True):
            if len(reasons) == _ELEMENT_REASONS:
                break
            parts = code.split("×")
            if set(parts) <= named:
                continue
            named.update(parts)
            start = min(spans[p][0] for p in parts)
            end = max(spans[p][1] for p in parts)
            if end - start > _PAIR_SPAN:  # far apart: point at the action, the name says the rest
                start, end = spans[parts[-1]]
            reasons.append(Reason("element", elements.label(code), a.text[start:end], start, end))
        return reasons


@lru_cache
def _default() -> Detector:
    return Detector(LinearModel.shipped())
