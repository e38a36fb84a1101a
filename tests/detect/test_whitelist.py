"""The official-number whitelist speaks only for numbers written as numbers, never for amounts,
words or emergency numbers that scammers quote."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanzha.detect.detector import Detector
from fanzha.detect.entities import extract
from fanzha.detect.reputation import Reputation, official

DETECTOR = Detector.default()
# The same model with an empty whitelist: what the risk would be if no number were official.
NO_WHITELIST = Detector(DETECTOR.model, Reputation({}, {}, official().official_domains))

FRAUD = [
    "您好，我是客服，您的订单异常，请先转账10000元到安全账户进行验证，否则将冻结。",
    "我是公安局民警，你涉嫌洗钱，我们接110指令，请配合调查，把钱转到安全账户。",
    "你涉嫌洗钱，如不配合我们将拨打110报警，请立即把资金转入安全账户核查。",
    "恭喜中奖，需先缴纳手续费120.00元，添加客服微信领取奖品。",
    "您的ETC已失效，请缴纳122.44元年费，点击链接重新认证。",
]
NOTICE = "【工商银行】您尾号1234的储蓄卡于11月30日支出500.00元，如有疑问请致电95588。"


@pytest.mark.parametrize("text", FRAUD)
def test_amounts_and_quoted_emergency_numbers_do_not_lower_risk(text: str) -> None:
    verdict = DETECTOR.classify([text])[0]
    assert verdict.risk == NO_WHITELIST.classify([text])[0].risk
    assert not [r for r in verdict.reasons if r.text.startswith("官方号码")]


def test_a_genuine_bank_notice_still_passes_and_its_number_vouches_for_it() -> None:
    verdict = DETECTOR.classify([NOTICE])[0]
    assert not verdict.is_fraud
    assert verdict.risk < NO_WHITELIST.classify([NOTICE])[0].risk
    assert any(r.text == "官方号码或网址：工商银行客服" and r.evidence == "95588" for r in verdict.reasons)


@given(
    st.sampled_from(["10000", "110", "120", "119", "122", "95588", "12381"]),
    st.sampled_from(["", ".00", ".44", ",000"]),
    st.sampled_from(["元", "块", "万元", " 元", "%", "人"]),
)
def test_a_number_with_an_amount_or_unit_is_not_a_service_number(number: str, cents: str, unit: str) -> None:
    found = extract(f"请向对方转账{number}{cents}{unit}完成验证")
    assert not [e for e in found if e.kind == "service_number"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("如有疑问请致电95588", "95588"),
        ("96110来电请接听", "96110"),
        ("详询客服 10000。", "10000"),
        ("致电95588或96110", "96110"),
    ],
)
def test_numbers_in_number_like_context_are_found(text: str, number: str) -> None:
    assert number in [e.value for e in extract(text) if e.kind == "service_number"]


def test_a_register_number_joins_the_whitelist() -> None:
    station = "0791-86660110"
    rep = official().with_whitelist([(station, "洪城市公安局城南派出所")])
    text = f"我是城南派出所民警，请回拨 {station} 核实"
    phone = next(e for e in extract(text) if e.value == "079186660110")
    assert rep.vouches_for(phone) and not official().vouches_for(phone)
