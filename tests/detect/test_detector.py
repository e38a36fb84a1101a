"""The shipped detector on the cases people rely on, and the Python interface."""

import math
from pathlib import Path

import numpy as np
import pytest

from fanzha.core.vocab import FraudType
from fanzha.detect import Detector
from fanzha.detect.model import LinearModel
from fanzha.detect.registers import REGISTERS

NOTICE = "【工商银行】您尾号6688的信用卡本期账单已出，应还款3,560.00元，到期还款日11月25日。详询95588"
LOOKALIKE = "【工商银行】您尾号6688的信用卡积分即将清零，请登录 icbc-95588.top 兑换礼品。详询95588"


def test_official_notice_without_link_is_not_fraud() -> None:
    verdict = Detector.default().classify([NOTICE])[0]
    assert not verdict.is_fraud
    assert verdict.fraud_type is None
    assert any(r.kind == "reputation" and "工商银行" in r.text for r in verdict.reasons)


def test_same_notice_with_lookalike_link_is_fraud() -> None:
    verdict = Detector.default().classify([LOOKALIKE])[0]
    assert verdict.is_fraud
    assert "phishing_link" in verdict.tags
    link = next(r for r in verdict.reasons if r.evidence == "icbc-95588.top")
    assert LOOKALIKE[link.start : link.end] == "icbc-95588.top"


def test_lookalike_spelt_with_a_digit_is_named() -> None:
    """A "1cbc" for "icbc": the same page with one letter swapped for a digit must keep its reason."""
    text = LOOKALIKE.replace("icbc-95588.top", "1cbc-95588.top")
    verdict = Detector.default().classify([text])[0]
    assert verdict.is_fraud and "phishing_link" in verdict.tags
    assert any(r.evidence == "1cbc-95588.top" and "仿冒" in r.text for r in verdict.reasons)


def test_warnings_about_fraud_are_not_fraud() -> None:
    texts = [
        "【XX市反诈中心】凡是索要验证码的都是骗子，公检法不会要求转账到安全账户，请勿上当。",
        "妈，刚才有人打电话说我快递丢了要理赔，让我共享屏幕，我直接挂了。",
    ]
    assert [v.is_fraud for v in Detector.default().classify(texts)] == [False, False]


def test_clear_fraud_gets_type_reasons_and_bounded_risk() -> None:
    text = "您好，这里是市公安局，您的银行卡涉嫌洗钱，请将资金转入安全账户配合调查，不要告诉家人。"
    v = Detector.default().classify([text])[0]
    assert v.is_fraud and 0.5 <= v.risk <= 1.0
    assert v.fraud_type is not None and v.fraud_type.value == "impersonate_authority"
    assert "safe_account" in v.tags
    assert any("安全账户" in r.text for r in v.reasons if r.kind == "rule")


def test_reputation_hit_becomes_a_reason() -> None:
    detector = Detector.default().with_blacklist([("phone", "+86 170 1234 5678", "案件 AJ1 涉案号码")])
    v = detector.classify(["有空回个电话 17012345678"])[0]
    assert v.is_fraud
    assert any(r.text == "命中涉诈名单：案件 AJ1 涉案号码" for r in v.reasons)


def test_a_masked_number_is_shown_as_written_and_never_matched() -> None:
    """The normaliser reads "138xxxx5678" as digits for the model, but those zeros are no one's number."""
    detector = Detector.default().with_blacklist([("phone", "13800005678", "案件 AJ2 涉案号码")])
    v = detector.classify(["有空回个电话 138xxxx5678"])[0]
    assert [(e.kind, e.value, e.attrs) for e in v.entities] == [("phone", "138xxxx5678", ("masked",))]
    assert not any("命中涉诈名单" in r.text for r in v.reasons)


def test_shipped_model_loads_from_package_data() -> None:
    model = LinearModel.shipped()
    assert model.binary_w.ndim == 1 and "project corpus" in model.about


def test_single_message_path_agrees_with_batch_path() -> None:
    texts = [NOTICE, LOOKALIKE, "日结兼职点赞关注，一单3元", "晚上回家吃饭吗", "您的验证码是482913，请勿泄露"]
    detector = Detector.default()
    one_by_one = [detector.classify([t])[0] for t in texts]
    batch = detector.classify(texts * 4)[: len(texts)]
    for a, b in zip(one_by_one, batch, strict=True):
        assert abs(a.risk - b.risk) < 1e-6
        assert (a.is_fraud, a.fraud_type, a.tags) == (b.is_fraud, b.fraud_type, b.tags)


def test_empty_and_whitespace_messages_are_normal() -> None:
    assert [v.is_fraud for v in Detector.default().classify(["", "   "])] == [False, False]


def test_fake_bank_login_link_is_phishing_not_shopping() -> None:
    """Issue 12: the look-alike bank login page was typed as fake shopping (兑换礼品)."""
    for text in (LOOKALIKE, "您的建行账户被冻结，点击 ccb-login.vip 登录解冻"):
        verdict = Detector.default().classify([text])[0]
        assert verdict.is_fraud and verdict.fraud_type == FraudType.OTHER, text
        assert "phishing_link" in verdict.tags


def test_evidence_phrases_are_words_not_punctuation_or_function_words() -> None:
    """Issue 12: fragments like "，我们" were quoted as evidence."""
    texts = [
        "请转账到卡号6217 0012 3456 7890，我们马上给您返利",
        "您好，我们是淘宝客服，您的订单异常，我们会给您退款，请下载会议软件",
        "亲，我们这边刷单返利，您的任务佣金已到账，我们需要您先垫付",
    ]
    for verdict in Detector.default().classify(texts):
        phrases = [r.evidence for r in verdict.reasons if r.kind == "phrase"]
        assert verdict.is_fraud and phrases
        for phrase in phrases:
            assert phrase[0].isalnum() and phrase[-1].isalnum(), phrase
            assert phrase not in {"我们", "您的", "我们的"}, phrase


def test_each_register_is_judged_by_its_own_threshold() -> None:
    """The same text in two registers: the risks differ by exactly the two thresholds."""
    detector = Detector.default()
    model = detector.model
    text = "您好，这里是市公安局，您的银行卡涉嫌洗钱，请将资金转入安全账户配合调查。"
    risks = {r: detector.classify([text], [r])[0].risk for r in REGISTERS}
    logit = {r: math.log(p / (1 - p)) for r, p in risks.items()}
    assert len(set(model.register_thresholds)) > 1  # the shipped model has registers of its own
    for a in REGISTERS:
        for b in REGISTERS:
            assert logit[a] - logit[b] == pytest.approx(model.threshold(b) - model.threshold(a), abs=1e-6)
    batch = detector.classify([text] * 10, ["sms"] * 10)  # the batch path uses the same threshold
    assert batch[0].risk == pytest.approx(risks["sms"], abs=1e-6)


def test_the_register_is_inferred_when_not_given() -> None:
    verdicts = Detector.default().classify(
        [
            "【招商银行】您尾号1234的信用卡本期账单已出，应还款2,000.00元。",
            "报警人张某称其于3月2日被骗，共计损失5万元。",
        ]
    )
    assert [(v.register, v.register_inferred) for v in verdicts] == [("sms", True), ("report", True)]


def test_a_model_saved_before_registers_loads_with_one_threshold(tmp_path: Path) -> None:
    path = tmp_path / "old.npz"
    Detector.default().model.save(path)
    with np.load(path) as z:
        old = {k: z[k] for k in z.files if not k.startswith("register")}
    np.savez_compressed(path, **old)  # type: ignore[arg-type]
    model = LinearModel.load(path)
    assert not model.knows_registers
    assert {model.threshold(r) for r in REGISTERS} == {model.threshold_logit}
    verdict = Detector(model).classify([NOTICE])[0]
    assert verdict.register is None and not verdict.register_inferred
    with pytest.raises(ValueError):
        Detector(model).classify([NOTICE], ["fax"])


def test_a_guessed_register_does_not_move_the_threshold() -> None:
    """Only a caller who states the register gets that register's threshold; a guess gets the
    global one, so a guess that flips with a word's spelling cannot flip the verdict."""
    detector = Detector.default()
    model = detector.model
    texts = [
        NOTICE,
        "日结兼职点赞关注，一单3元，先垫付后返佣金",
        "晚上回家吃饭吗，我买了鱼",
        "报警人张某称其被骗5万元",
    ]
    for text in texts:
        guessed = detector.classify([text])[0]
        said = detector.classify([text], [guessed.register])[0]
        assert guessed.register_inferred and not said.register_inferred
        own, overall = model.threshold(guessed.register), model.threshold_logit
        shift = math.log(said.risk / (1 - said.risk)) - math.log(guessed.risk / (1 - guessed.risk))
        assert shift == pytest.approx(overall - own, abs=1e-6), text
    assert len({model.threshold(r) for r in REGISTERS}) > 1  # the shipped registers' thresholds differ
