"""Normal forms of identifiers for linking records into series (串并案).

The same phone, card or site is written many ways across cases, clues and bank replies:
``+86 139-0000-1111``, ``１３９００００１１１１``, ``6222 0200 0000 1234``, ``https://WWW.Pay-X.com/a``.
Linking needs one form per thing, so each kind keeps only what identifies it: a phone its
mainland digits, an account its digits and letters, a URL its registered domain (the page
path changes every day, the domain is what the gang pays for).
"""

import re
import unicodedata

from fanzha.core.labels import LabelledEnum


class Kind(LabelledEnum):
    PHONE = "phone", "电话号码"
    BANK_ACCOUNT = "bank_account", "银行账户"
    URL = "url", "网址/域名"
    APP = "app", "APP"
    WECHAT = "wechat", "微信号"
    QQ = "qq", "QQ号"
    DEVICE = "device", "设备号"
    DEN = "den", "窝点地址"
    PERSON = "person", "人员"


# Kinds that link records; a den address or a person's name is too loosely written to join on.
LINKING = frozenset({Kind.PHONE, Kind.BANK_ACCOUNT, Kind.URL, Kind.APP, Kind.WECHAT, Kind.QQ, Kind.DEVICE})

# Other packages' identifier kinds that mean one of ours (cases say "other" for anything else).
ALIASES = {"card": Kind.BANK_ACCOUNT, "account": Kind.BANK_ACCOUNT, "domain": Kind.URL, "imei": Kind.DEVICE}

_NOISE = re.compile(r"[\s\-_.·()（）/\\:：,，;；'\"“”]")
# Second-level labels under which the registered domain sits one level deeper (example.com.cn).
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "co"})


def _narrow(value: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def phone(value: str) -> str:
    """Mainland numbers as their digits without +86/0086; others as +<digits>."""
    v = _narrow(value)
    international = v.startswith(("+", "00"))
    digits = "".join(ch for ch in v if ch.isdigit())
    if international:
        digits = digits.removeprefix("00")
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return "+" + digits if international and digits else digits


def account(value: str) -> str:
    """Card and account numbers without the grouping; letters (some accounts have them) upper-cased."""
    return _NOISE.sub("", _narrow(value)).upper()


def domain(value: str) -> str:
    """The registered domain of a URL or host: ``https://m.pay-x.com.cn/a?b`` → ``pay-x.com.cn``.
    An IP address stays whole."""
    v = _narrow(value).lower()
    v = re.sub(r"^[a-z][a-z0-9+.-]*://", "", v)
    host = re.split(r"[/?#]", v, maxsplit=1)[0].rsplit("@", 1)[-1]
    host = re.sub(r":\d*$", "", host).strip(".")
    if not host or re.fullmatch(r"[\d.]+", host):
        return host
    labels = [part for part in host.split(".") if part]
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def plain(value: str) -> str:
    """App names, chat ids and device ids: case and separators mean nothing."""
    return _NOISE.sub("", _narrow(value)).lower()


def kind_of(kind: str) -> Kind | None:
    """Our kind for another package's kind name, or None when it does not link."""
    if kind in ALIASES:
        return ALIASES[kind]
    try:
        return Kind(kind)
    except ValueError:
        return None


def normalise(kind: str, value: str) -> str:
    """The linking form of ``value``; empty when nothing identifying is left."""
    k = kind_of(kind)
    if k is Kind.PHONE:
        return phone(value)
    if k is Kind.BANK_ACCOUNT:
        return account(value)
    if k is Kind.URL:
        return domain(value)
    if k is Kind.DEN or k is Kind.PERSON:
        return " ".join(_narrow(value).split())
    return plain(value)
