"""The script's elements and the normaliser: verdicts that hold when the writer changes the
surface (names, numbers, sender tags, width, separators, emoji), and no fraud verdict that a
person cannot read a reason for. The fraud texts here are written for this file."""

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.core.errors import ValidationFailed
from fanzha.detect import Detector, elements
from fanzha.detect.corpus import load
from fanzha.detect.normalise import normalise

FRAUD = (
    "【公安】您名下账户涉嫌洗钱，请立即拨打010-65532871配合调查，否则将冻结。",
    "我是王总，项目急需资金，马上转账20万到6222021001122334455，到账回我。",
    "您的快递丢失，我们是客服，现在给您双倍理赔，请加微信lipei_0921办理退款。",
    "日结兼职刷单返利，一单佣金30元，垫付后立即返还，加QQ 2846519330进群。",
    "恭喜您获得年度幸运用户大奖，领取前需先交手续费800元到指定账户。",
    "您的征信有问题，需要注销校园贷账户，否则影响征信，请下载APP共享屏幕操作。",
    "【检察院】你涉嫌一起洗钱案，请于今日内致电010-65532871配合调查，逾期将依法冻结名下账户。",
    "我是王总，明天到我办公室一趟，先帮我转5万到这个账户6222021001122334455，急用。",
    "支付宝代收，收3000给你1000，当天结算，不用本钱，加微信pf8899详聊。",
    "收卡跑分，一张卡一天300元，轻松躺赚，加微信pf8899。",
)
NAMES = ("王总", "吴总", "孙总", "周总", "郑总", "冯总")
OFF_TOPIC = (
    "y = 2x + 1 是一条直线，斜率为 2，截距为 1。",
    "a + b = c",
    "设函数 f(x) = x² - 3x + 2，求 f(x) = 0 的两个根。",
    "三角形内角和为180度，直角三角形斜边的平方等于两直角边平方和。",
)


def _classify(text: str) -> tuple[bool, float]:
    v = Detector.default().classify([text])[0]
    return v.is_fraud, v.risk


def test_the_written_frauds_are_fraud_with_element_reasons() -> None:
    for verdict in Detector.default().classify(list(FRAUD)):
        assert verdict.is_fraud
        assert any(r.kind == "element" for r in verdict.reasons)


def test_boss_with_any_surname_is_named_as_an_acquaintance_asking_for_money() -> None:
    for name in ("吴总", "孙总", "谢总"):
        text = f"我是{name}，项目急需资金，转账到6222021001122334455，别耽误。"
        v = Detector.default().classify([text])[0]
        assert v.is_fraud, text
        labels = " ".join(r.text for r in v.reasons if r.kind == "element")
        assert "熟人" in labels and "转账" in labels, labels


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(FRAUD), st.sampled_from(NAMES), st.sampled_from(NAMES))
def test_swapping_names_keeps_fraud(text: str, old: str, new: str) -> None:
    assert _classify(text.replace("王总", new).replace(old, new))[0]


_SURNAMES = "王李张刘陈杨赵吴周孙郑冯谢韩曹彭蒋蔡潘邱"
_TITLES = ("总", "局", "主任", "经理", "老师", "处长", "董")


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([t for t in FRAUD if "王总" in t]), st.sampled_from(_SURNAMES), st.sampled_from(_TITLES)
)
def test_any_surname_and_title_keeps_fraud(text: str, surname: str, title: str) -> None:
    """The acquaintance rule once knew only 王总/李总/张总: "我是孙局" passed as normal."""
    changed = text.replace("王总", surname + title)
    v = Detector.default().classify([changed])[0]
    assert v.is_fraud, changed
    assert any("熟人" in r.text for r in v.reasons if r.kind == "element"), changed


_CONTACTS = ("➕V：", "薇信", "VX：", "加v ", "+V：", "威信", "嘉我V ")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([t for t in FRAUD if "加微信" in t]), st.sampled_from(_CONTACTS))
def test_disguised_contact_spellings_keep_fraud(text: str, contact: str) -> None:
    changed = text.replace("加微信", contact)
    v = Detector.default().classify([changed])[0]
    assert v.is_fraud, changed
    assert any("加微信" in r.text for r in v.reasons if r.kind == "element"), changed


_NUMBER_FORMATS = (
    "010-65532871",
    "010 6553 2871",
    "(010)65532871",
    "01065532871",
    "400-820-1234",
    "+86 10 6553 2871",
)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([t for t in FRAUD if "010-65532871" in t]), st.sampled_from(_NUMBER_FORMATS))
def test_number_formats_keep_fraud(text: str, number: str) -> None:
    changed = text.replace("010-65532871", number)
    assert _classify(changed)[0], changed


def _traditional() -> dict[int, str]:
    """Simplified → traditional for the characters OpenCC's table maps one to one."""
    table = {}
    for line in (
        resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8").splitlines()
    ):
        trad, _, simple = line.partition("\t")
        if len(trad) == 1 and len(simple) == 1 and trad != simple:
            table.setdefault(ord(simple), trad)
    return table


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(FRAUD))
def test_traditional_characters_keep_fraud(text: str) -> None:
    changed = text.translate(_traditional())
    assert changed != text and _classify(changed)[0], changed


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(FRAUD), st.randoms(use_true_random=False))
def test_changing_numbers_keeps_fraud(text: str, rnd: object) -> None:
    changed = re.sub(r"\d", lambda m: str(rnd.randint(0, 9)), text)  # type: ignore[attr-defined]
    assert _classify(changed)[0], changed


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(FRAUD),
    st.sampled_from(["【工商银行】", "【京东】", "【中国移动】", "【95588】", "【公安】", ""]),
)
def test_sender_tags_do_not_clear_a_fraud(text: str, tag: str) -> None:
    body = re.sub(r"^【[^】]+】", "", text)
    assert _classify(tag + body)[0]
    assert _classify(body + tag)[0]


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(FRAUD + OFF_TOPIC),
    st.sampled_from(["【工商银行】", "【京东】", "【中国移动】", "【95588】", "【公安】"]),
)
def test_a_sender_tag_does_not_move_the_inferred_register(text: str, tag: str) -> None:
    """Each register has its own threshold: were a tag to move a message to a stricter one, the
    tag would lower its risk."""
    body = re.sub(r"^【[^】]+】", "", text)
    bare, tagged = Detector.default().classify([body, tag + body])
    assert bare.register_inferred and tagged.register == bare.register


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(FRAUD))
def test_claiming_to_be_the_police_never_lowers_the_risk(text: str) -> None:
    _, before = _classify(text)
    _, after = _classify("【公安】" + text)
    assert after >= before - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(FRAUD + OFF_TOPIC + ("晚上回家吃饭吗？我买了鱼。", "您的快递已到驿站，取件码3-2-1108")),
    st.sampled_from(["【公安】", "【检察院】", "【工商银行】", "【95588】", "【中国移动】", "【京东】"]),
    st.booleans(),
)
def test_a_sender_tag_never_lowers_the_risk(text: str, tag: str, at_end: bool) -> None:
    """Anyone can type a tag: in front or at the end, it may raise the risk, never lower it."""
    body = re.sub(r"^【[^】]+】", "", text)
    _, before = _classify(body)
    _, after = _classify(body + tag if at_end else tag + body)
    assert after >= before - 1e-9


_FULL_WIDTH = {
    ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(FRAUD), st.sampled_from(["，", ",", " ", "！", "。"]))
def test_punctuation_and_width_keep_fraud(text: str, comma: str) -> None:
    assert _classify(text.translate(_FULL_WIDTH))[0]
    assert _classify(text.replace("，", comma))[0]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FRAUD), st.sampled_from([".", " ", "*", "·", "🔥", "💰", "✨"]), st.integers(0, 1000))
def test_separators_and_emoji_inside_words_keep_fraud(text: str, sep: str, seed: int) -> None:
    """A separator or emoji after every third Chinese character, starting somewhere."""
    chars = list(text)
    start = seed % 3
    out = []
    for i, ch in enumerate(chars):
        out.append(ch)
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if i % 3 == start and "\u4e00" <= ch <= "\u9fff" and "\u4e00" <= nxt <= "\u9fff":
            out.append(sep)
    assert _classify("".join(out))[0], "".join(out)


def test_disguised_contact_spellings_read_as_the_contact_words() -> None:
    assert normalise("➕V：sd8899").text == "加微信：sd8899"
    assert "QQ群" in normalise("Q裙 2846519").text
    assert "加我" in normalise("想赚钱嘉我").text
    assert "私信我" in normalise("私我领钱").text
    assert normalise("刷.单 返li").text == "刷单返利"
    assert normalise("銀行帳戶凍結，請轉帳").text == "银行账户冻结，请转账"
    assert normalise("ＶＸ：ｓｄ８８８").text == "微信：sd888"


def test_an_action_is_named_only_where_the_text_asks_for_it() -> None:
    """A title ("贷款顾问", "酒店顾问") is who someone says they are, not a request to add them."""
    for text in ("我是您的贷款顾问小王", "我是您的酒店顾问王倩，祝您生活愉快"):
        assert "act.contact" not in {h.rule.code for h in elements.find(normalise(text).text)}, text
    assert "act.contact" in {h.rule.code for h in elements.find("我是贷款顾问，加我微信详聊")}


def test_disguised_recruitment_post_is_fraud() -> None:
    for text in ("刷.单日结，拥金当天返，➕V：sd8899", "兼zhi点攒 一单5元 Q裙 284651933 嘉我"):
        assert _classify(text)[0], text


def test_digits_masked_as_x_read_as_digits() -> None:
    assert normalise("热线xxxxxxxx，x月x日开业").text == "热线00000000，0月0日开业"
    assert normalise("138xxxx5678").text == "13800005678"
    # A word, a size, a name left blank and algebra are not masked digits.
    for text in ("fix the box", "XXL码", "【XX市公安局】提醒", "f(x) = 2x + 1"):
        assert normalise(text).text == text


ADS = (
    "【丽华超市】12月6日至8日全场满199减50，会员再享9.5折，地址：人民路88号，回T退订",
    "我是星辰装饰的小李，本月签约送全屋水电改造，免费上门量房，电话13958862210",
    "【城北驾校】寒假班报名立减300元，周末也能练车，详询0571-86621733，拒收请回复R",
)
# Runs of two or more digits, not inside a Latin id ("pf8899"), where a masked copy has x.
_DIGIT_RUN = re.compile(r"(?<![A-Za-z\d])\d{2,}(?![A-Za-z\d])")
_NUMBERED = [t for t in FRAUD + ADS if _DIGIT_RUN.search(t)]


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(_NUMBERED))
def test_digits_masked_as_x_score_as_digits(text: str) -> None:
    """Data shared with a centre often masks every digit as x; a masked message must score as it
    would with its digits (n-grams read every digit as 0), not as a text with a made-up id."""
    masked = _DIGIT_RUN.sub(lambda m: "x" * len(m[0]), text)
    zeros = _DIGIT_RUN.sub(lambda m: "0" * len(m[0]), text)
    assert _classify(masked) == _classify(zeros)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([t for t in _NUMBERED if t in FRAUD]))
def test_masking_the_digits_keeps_fraud(text: str) -> None:
    masked = _DIGIT_RUN.sub(lambda m: "x" * len(m[0]), text)
    assert _classify(masked)[0], masked


@given(st.text(max_size=60))
def test_normalised_spans_point_into_the_original(text: str) -> None:
    n = normalise(text)
    assert len(n.origin) == len(n.text) + 1
    for i in range(len(n.text)):
        start, end = n.span(i, i + 1)
        assert 0 <= start < end <= len(text)


def test_reasons_quote_the_original_disguised_words() -> None:
    text = "刷.单日结，拥金当天返，➕V：sd8899"
    v = Detector.default().classify([text])[0]
    for r in v.reasons:
        assert text[r.start : r.end] == r.evidence
    assert any("➕V" in r.evidence for r in v.reasons if "微信" in r.text)
    assert any("刷.单" in r.evidence for r in v.reasons if "刷单" in r.text)


def test_off_topic_text_is_not_fraud() -> None:
    assert [v.is_fraud for v in Detector.default().classify(list(OFF_TOPIC))] == [False] * len(OFF_TOPIC)


_WORDS = ("斜率", "直线", "转账", "收益", "老师", "号码", "平台", "我们", "任务", "1", "+", "=", "，")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=12).map("".join) | st.text(max_size=40))
def test_no_fraud_verdict_without_a_readable_reason(text: str) -> None:
    """Phrases the model weighed are not enough: a rule, element, link or list hit must say why."""
    v = Detector.default().classify([text])[0]
    if v.is_fraud:
        assert any(r.raises_risk and r.kind != "phrase" for r in v.reasons), text


def test_registers_come_from_the_kind_or_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "sms.jsonl").write_text(
        json.dumps({"text": "您的验证码是1234", "label": "normal"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "other.jsonl").write_text(
        json.dumps({"text": "报警人称被骗", "label": "fraud", "kind": "narrative"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    assert sorted(e.register or "" for e in load(tmp_path)) == ["report", "sms"]
    (tmp_path / "bad.jsonl").write_text('{"text": "x", "label": "normal", "kind": "fax"}\n', encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        load(tmp_path)
    assert err.value.fields[0].field.endswith(".kind")
