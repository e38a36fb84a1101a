"""Entity extraction: cards (Luhn), phone formats, links and their look-alikes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanzha.detect.entities import NEEDS, extract, luhn_ok
from fanzha.detect.reputation import official

OFFICIAL = official().official_domains


def with_luhn(body: str) -> str:
    for check in "0123456789":
        if luhn_ok(body + check):
            return body + check
    raise AssertionError("unreachable")


@given(st.from_regex(r"62\d{13,16}", fullmatch=True), st.booleans())
def test_luhn_valid_cards_are_found_grouped_or_not(body: str, grouped: bool) -> None:
    card = with_luhn(body)
    shown = " ".join(card[i : i + 4] for i in range(0, len(card), 4)) if grouped else card
    found = [e for e in extract(f"请转到卡号{shown}，户名张三") if e.kind == "card"]
    assert [e.value for e in found] == [card]


@given(st.from_regex(r"62\d{14}", fullmatch=True))
def test_luhn_invalid_numbers_are_not_cards(number: str) -> None:
    if not luhn_ok(number):
        assert not [e for e in extract(f"订单号{number}") if e.kind == "card"]


@given(
    st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    st.sampled_from(["", "+86", "+86 ", "86-"]),
    st.sampled_from(["", " ", "-"]),
)
def test_mobile_numbers_normalise_to_eleven_digits(mobile: str, prefix: str, sep: str) -> None:
    shown = f"{prefix}{mobile[:3]}{sep}{mobile[3:7]}{sep}{mobile[7:]}"
    phones = [e for e in extract(f"有事打我电话{shown}谢谢") if e.kind == "phone"]
    assert [e.value for e in phones] == [mobile]


@given(st.sampled_from(["+852", "+63", "00852", "+1", "+855"]), st.from_regex(r"[2-9]\d{7}", fullmatch=True))
def test_overseas_numbers_are_marked(prefix: str, number: str) -> None:
    found = [e for e in extract(f"来电号码 {prefix} {number}") if e.kind == "overseas_phone"]
    assert len(found) == 1 and "overseas" in found[0].attrs


def test_service_numbers_and_chat_ids() -> None:
    kinds = {(e.kind, e.value) for e in extract("致电95588或400-820-8820，加v信 abc_12345 或 QQ：123456789")}
    assert {
        ("service_number", "95588"),
        ("service_number", "4008208820"),
        ("wechat", "abc_12345"),
        ("qq", "123456789"),
    } <= kinds


def test_links_are_classified() -> None:
    found = {
        e.value: e.attrs
        for e in extract(
            "登录 icbc-95588.top 或 http://45.12.3.4:8080/pay ，官网 www.icbc.com.cn ，短链 t.cn/A6x",
            OFFICIAL,
        )
    }
    assert found["icbc-95588.top"] == ("lookalike",)
    assert found["45.12.3.4:8080/pay"] == ("ip",)
    assert found["icbc.com.cn"] == ("official",)
    assert found["t.cn/A6x"] == ("shortener",)


def test_a_run_of_dotted_numbers_is_not_an_ip_link() -> None:
    """Lottery picks and version numbers ("12.25.33.41.05.16") are lists, not an address."""
    for text in ("今晚特码：12.25.33.41.05.16.22", "版本 1.2.3.4.5 已发布"):
        assert not [e for e in extract(text, OFFICIAL) if e.kind == "url"], text


@pytest.mark.parametrize(
    "host", ["1cbc-kefu.top", "a1ipay.vip", "taoba0-tuikuan.com", "vveixin-pay.cn", "p0lice-110.net"]
)
def test_digits_and_pairs_that_spell_a_brand_are_a_lookalike(host: str) -> None:
    """A phishing host swaps letters for digits or pairs (1cbc, a1ipay, vveixin); the plain spelling was
    named as a fake bank's site and the swapped one was not."""
    found = [e for e in extract(f"请登录 {host} 完成认证", OFFICIAL) if e.kind == "url"]
    assert found and found[0].attrs == ("lookalike",)


@pytest.mark.parametrize("host", ["f00d-market.com", "b00king.cn", "mod3rn.cn"])
def test_digits_in_an_ordinary_host_name_no_brand(host: str) -> None:
    found = [e for e in extract(f"详见 {host}", OFFICIAL) if e.kind == "url"]
    assert found and found[0].attrs == ()


def test_obfuscated_dots_still_give_the_link() -> None:
    found = [e for e in extract("打开 icbc-vip[.]top 认证", OFFICIAL) if e.kind == "url"]
    assert found and found[0].attrs == ("lookalike",)


def test_codes_amounts_and_apps() -> None:
    kinds = {(e.kind, e.value) for e in extract("验证码：482913，转账5000元，下载向日葵")}
    assert {("code", "482913"), ("amount", "5000元"), ("app", "向日葵")} <= kinds


def test_grouped_card_number_is_no_overseas_phone() -> None:
    """Issue 12: "6217 0012 3456 7890" (not Luhn-valid) was read as the overseas number 0012 3456 7890;
    a Luhn-valid grouped card "6200 0010 0000 0003" was swallowed the same way."""
    assert not [e for e in extract("请转账到卡号6217 0012 3456 7890，我们马上给您返利") if "phone" in e.kind]
    found = extract("请转到卡号6200 0010 0000 0003，户名张三")
    assert [(e.kind, e.value) for e in found] == [("card", "6200001000000003")]


@given(
    st.text(
        alphabet=st.sampled_from("0123456789١٢+-. :/：@¥￥元万块wwwhttpcom验证码QQ扣微信v号【】的中 \t\n"),
        max_size=60,
    )
)
def test_a_text_without_what_every_match_needs_has_no_match(text: str) -> None:
    """``extract`` does not search a text that lacks it (links: a dot or "://", numbers: a digit)."""
    for pattern, need in NEEDS.items():
        assert pattern.search(text) is None or need.search(text)
        assert pattern.search(need.sub("", text)) is None
