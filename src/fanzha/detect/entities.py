"""Entities in a message: phone numbers, links, bank cards, amounts, codes, chat ids, apps.

Extraction is regular expressions over a lightly de-obfuscated copy of the text, so
positions still point into the original (de-obfuscation never changes the length).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# Banks and the card network by domain word and service number: a lookalike of one of these that
# asks to log in is a phishing page.
BANK_BRANDS = (
    "icbc",
    "ccb",
    "abchina",
    "boc",
    "bankcomm",
    "psbc",
    "cmbchina",
    "cmb",
    "spdb",
    "cib",
    "95588",
    "95533",
    "95599",
    "95566",
    "95555",
    "unionpay",
    "95516",
)
_BRANDS = (
    *BANK_BRANDS,
    "alipay",
    "taobao",
    "tmall",
    "jd",
    "pinduoduo",
    "12306",
    "chsi",
    "weixin",
    "wechat",
    "etc",
    "10086",
    "gov",
    "police",
    "110",
    "court",
    "chinatax",
    "ylb",
    "yibao",
    "shebao",
    "meituan",
    "douyin",
    "kuaishou",
)
SHORTENERS = frozenset(
    {
        "t.cn",
        "dwz.cn",
        "url.cn",
        "suo.im",
        "985.so",
        "bit.ly",
        "tinyurl.com",
        "is.gd",
        "t.ly",
        "w.url.cn",
        "s.tb.cn",
        "m.tb.cn",
        "u.jd.com",
        "t.me",
        "sourl.cn",
    }
)
# Meeting apps and the words for screen sharing: scammers use them to watch a victim's screen.
MEETING_APPS = (
    "腾讯会议",
    "zoom",
    "瞩目",
    "飞书会议",
    "钉钉会议",
    "云视讯",
    "网易会议",
    "华为云会议",
    "屏幕共享",
    "共享屏幕",
)
REMOTE_APPS = ("向日葵", "teamviewer", "todesk", "anydesk", "sunlogin", "quicksupport", *MEETING_APPS)
_ANY_APP = re.compile("|".join(map(re.escape, REMOTE_APPS)))  # one search before a find per app
TLDS = "com|cn|net|org|top|xyz|vip|cc|me|info|shop|club|site|online|ltd|work|link|live|icu|fun|pro|app|io|co|tk|ml"  # noqa: E501

_OBFUSCATED_DOT = re.compile(r"(?<=[A-Za-z0-9])(?:\[\.\]|\(\.\)|。|．|\(dot\)|\[dot\])(?=[A-Za-z0-9])")
_URL = re.compile(
    rf"(?:https?://|hxxps?://)[^\s，。！？、\"'<>）)】]+"
    rf"|(?:www\.)?(?:[A-Za-z0-9-]+\.)+(?:{TLDS})\b(?:[/?#][^\s，。！？、\"'<>）)】]*)?"
    # an address of four numbers, not four of a longer run ("特码 12.25.33.41.05.16" is a list)
    r"|\b(?<!\.)\d{1,3}(?:\.\d{1,3}){3}(?!\d|\.\d)(?::\d{2,5})?(?:/[^\s，。！？]*)?",
    re.IGNORECASE,
)
_MOBILE = re.compile(r"(?<![A-Za-z0-9_])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
_MASKED_MOBILE = re.compile(r"(?<!\d)1[3-9]\d\*{4}\d{4}(?!\d)")
# Not inside a group of digits ("6217 0012 3456 7890" is a card, not +12 3456 7890).
_OVERSEAS = re.compile(r"(?<![\w+])(?<!\d[\s-])(?:\+|00)(?!86)[1-9]\d{0,3}[\s-]?\d{3,4}[\s-]?\d{3,8}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
# Service numbers. A short one is a number only in number-like context ("致电95588", "96110来电"):
# "转账10000元", "120.00元" and "接110指令" are an amount and a word, not China Telecom, an
# ambulance or the police. Emergency numbers are marked: a message that names 110 is not from it.
_SERVICE = re.compile(
    r"(?<![A-Za-z0-9_.,¥￥])(?:400[\s-]?\d{3}[\s-]?\d{4}|95\d{3,4}|96110|12381|12345|12306|1008[0-9]|10010|10000|110|120|119|122)"
    r"(?![\d.,]?\d)(?!\s?(?:万|千|元|块|角|%|％|岁|人|次|个|天|号楼|米))"
)
_NUMBER_BEFORE = re.compile(
    r"(?:拨打|拨|打|致电|电话|热线|来电|回电|回拨|联系|咨询|详询|垂询|号码|客服|专线|短信|发送|回复|call|tel)[:：\s]*(?:\d[\d-]*\s*[或、/]\s*)?$",
    re.IGNORECASE,
)
_NUMBER_AFTER = re.compile(
    r"^\s*(?:热线|客服|电话|专线|短信|号码|来电|发送|提醒|提示|通知|官方|核实|报警|求助)"
)
EMERGENCY = frozenset({"110", "119", "120", "122"})
_CARD = re.compile(r"(?<!\d)(?:\d{4}[\s-]?){3,4}\d{1,4}(?!\d)")
_AMOUNT = re.compile(r"(?:[￥¥]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:万元|万|千元|元|块))")
_CODE = re.compile(r"(?:验证码|校验码|动态码|动态密码)[^\d]{0,6}(\d{4,8})")
_QQ = re.compile(r"(?:QQ|qq|扣扣|企鹅|Q号)[号群]?[:：\s]*(\d{5,11})")
_WECHAT = re.compile(
    r"(?:微信|v信|V信|薇信|威信|vx|VX|Vx|wx|WX|加薇|加v|加V|薇)[号]?[:：\s]*([A-Za-z][-_A-Za-z0-9]{5,19}|\d{6,12})"
)

# What every match needs, so that a text without it is not searched (most Chinese messages have
# no link sign, and most have no three digits in a row): a link has a dot or "://"; an amount
# has a digit; a number, card or code has three in a row. tests/detect/test_entities.py checks it.
_LINK_SIGN = re.compile("[.:]")
_DIGIT = re.compile(r"\d")
_THREE_DIGITS = re.compile(r"\d{3}")
NEEDS: dict[re.Pattern[str], re.Pattern[str]] = {
    _URL: _LINK_SIGN,
    _AMOUNT: _DIGIT,
    **dict.fromkeys(
        (_CARD, _CODE, _QQ, _OVERSEAS, _MOBILE, _MASKED_MOBILE, _LANDLINE, _SERVICE), _THREE_DIGITS
    ),
}


@dataclass(frozen=True)
class Entity:
    kind: str  # phone, service_number, overseas_phone, url, card, amount, code, qq, wechat, app
    text: str
    value: str
    start: int
    end: int
    attrs: tuple[str, ...] = field(default_factory=tuple)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def normalize_phone(text: str) -> str:
    """Chinese numbers as plain digits (no +86), other countries as +<country><number>."""
    digits = re.sub(r"\D", "", text)
    international = text.strip().startswith(("+", "00"))
    if international:
        digits = digits.removeprefix("00")
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return "+" + digits if international else digits


def url_host(url: str) -> str:
    rest = re.sub(r"^(?:https?|hxxps?)://", "", url, flags=re.IGNORECASE)
    return re.split(r"[/?#:]", rest, maxsplit=1)[0].lower().removeprefix("www.")


def normalize_url(url: str) -> str:
    """Host lower-cased, scheme and trailing slash dropped: the form reputation lists use."""
    rest = re.sub(r"^(?:https?|hxxps?)://", "", url.strip(), flags=re.IGNORECASE)
    host, sep, path = rest.partition("/")
    return (host.lower().removeprefix("www.") + sep + path).rstrip("/")


# Letters that digits and letter pairs stand in for in phishing hosts (1cbc, a1ipay, taoba0, vveixin).
_DIGIT_AS_LETTER = (str.maketrans("0135", "oies"), str.maketrans("0135", "oles"))
_LETTER_PAIRS = (("vv", "w"), ("rn", "m"))


def host_spellings(host: str) -> set[str]:
    """The host as written and as read with look-alike digits and pairs turned back into letters.
    A label of digits only (95588, 12306) is a number and stays as it is."""
    spellings = {host}
    labels = re.split(r"([.-])", host)
    for table in _DIGIT_AS_LETTER:
        folded = "".join(x.translate(table) if re.search(r"[a-z]", x) else x for x in labels)
        for pair, letter in _LETTER_PAIRS:
            folded = folded.replace(pair, letter)
        spellings.add(folded)
    return spellings


def names_brand(host: str, brands: tuple[str, ...]) -> bool:
    """A brand as a whole label of the host, or a longer brand anywhere in it, as written or
    spelt with look-alike characters."""
    return any(
        b in re.split(r"[.-]", spelling) or (len(b) > 3 and b in spelling)
        for spelling in host_spellings(host)
        for b in brands
    )


def _url_attrs(host: str, official_domains: frozenset[str]) -> tuple[str, ...]:
    attrs = []
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host):
        attrs.append("ip")
    if host in SHORTENERS:
        attrs.append("shortener")
    official = any(host == d or host.endswith("." + d) for d in official_domains)
    if official:
        attrs.append("official")
    elif names_brand(host, _BRANDS):
        attrs.append("lookalike")
    return tuple(attrs)


def _number_context(text: str, start: int, end: int) -> bool:
    """Words next to a short number that say it is dialled, texted or called from."""
    return bool(
        _NUMBER_BEFORE.search(text[max(0, start - 16) : start]) or _NUMBER_AFTER.match(text[end : end + 6])
    )


def extract(text: str, official_domains: frozenset[str] = frozenset()) -> list[Entity]:
    clean = _OBFUSCATED_DOT.sub(".", text)
    clean = clean[: len(text)]
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, m: re.Match[str], value: str, attrs: tuple[str, ...] = (), group: int = 0) -> None:
        start, end = m.span(group)
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(Entity(kind, text[start:end], value, start, end, attrs))

    has = {need: need.search(clean) is not None for need in (_LINK_SIGN, _DIGIT, _THREE_DIGITS)}

    def each(pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """The pattern's matches; none in a text without what each of them needs (``NEEDS``)."""
        need = NEEDS.get(pattern)
        return pattern.finditer(clean) if need is None or has[need] else iter(())

    for m in each(_URL):
        add("url", m, normalize_url(m.group()), _url_attrs(url_host(m.group()), official_domains))
    # Card-length digit runs before phones: a grouped card holds phone-shaped pieces. One that
    # fails the Luhn check is no card, but still no phone number either.
    for m in each(_CARD):
        digits = re.sub(r"\D", "", m.group())
        if 16 <= len(digits) <= 19:
            if luhn_ok(digits):
                add("card", m, digits)
            else:
                taken.append(m.span())
    for m in each(_CODE):
        add("code", m, m.group(1), group=1)
    for m in each(_QQ):
        add("qq", m, m.group(1), group=1)
    for m in _WECHAT.finditer(clean):
        add("wechat", m, m.group(1).lower(), group=1)
    for m in each(_OVERSEAS):
        add("overseas_phone", m, normalize_phone(m.group()), ("overseas",))
    for m in each(_MOBILE):
        add("phone", m, normalize_phone(m.group()))
    for m in each(_MASKED_MOBILE):
        add("phone", m, m.group(), ("masked",))
    for m in each(_LANDLINE):
        add("phone", m, normalize_phone(m.group()), ("landline",))
    for m in each(_SERVICE):
        value = normalize_phone(m.group())
        if value.startswith("400") or _number_context(clean, m.start(), m.end()):
            add("service_number", m, value, ("emergency",) if value in EMERGENCY else ())
    for m in each(_AMOUNT):
        add("amount", m, m.group().replace(",", "").replace(" ", ""))
    lowered = clean.lower()
    for app in REMOTE_APPS if _ANY_APP.search(lowered) else ():
        start = lowered.find(app)
        if start >= 0:
            end = start + len(app)
            if not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                found.append(Entity("app", text[start:end], app, start, end, ("remote_control",)))
    return sorted(found, key=lambda e: e.start)
