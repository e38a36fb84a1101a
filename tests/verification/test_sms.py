"""Dissuasion SMS: every level and fraud type carries the code and never a link, and the
detector does not mistake the centre's own warning for fraud."""

import pytest

from fanzha.core.vocab import FraudType
from fanzha.detect.detector import Detector
from fanzha.detect.entities import extract
from fanzha.verification.sms import LEVEL_OPENINGS, render

CASES = [(level, t.value) for level in LEVEL_OPENINGS for t in FraudType]


@pytest.mark.parametrize(("level", "fraud_type"), CASES)
def test_every_template_has_the_code_and_no_link(level: str, fraud_type: str) -> None:
    text = render("测试市公安局甲派出所", level, fraud_type, "482913")
    assert text.startswith("【测试市公安局甲派出所】") and "核验码482913" in text
    assert not [e for e in extract(text) if e.kind == "url"]
    assert "http" not in text.lower() and "www" not in text.lower()


def test_the_centres_own_warnings_are_not_read_as_fraud() -> None:
    texts = [render("测试市公安局甲派出所", level, fraud_type, "482913") for level, fraud_type in CASES]
    assert not [t for t, v in zip(texts, Detector.default().classify(texts), strict=True) if v.is_fraud]
