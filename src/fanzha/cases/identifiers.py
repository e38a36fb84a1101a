"""Normal forms of suspect identifiers, so the same phone or card written two ways matches."""

import re
from urllib.parse import urlsplit, urlunsplit

_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalise_phone(value: str) -> str:
    """Digits only, without the +86 / 0086 country prefix (a mainland number keeps its 11 digits)."""
    v = _SEPARATORS.sub("", value.strip())
    if v.startswith("+"):
        v = v[1:]
    if v.startswith("0086"):
        v = v[4:]
    elif v.startswith("86") and len(v) == 13:
        v = v[2:]
    return v


def normalise_account(value: str) -> str:
    """Bank card or account numbers are printed in groups; the groups mean nothing."""
    return _SEPARATORS.sub("", value.strip()).upper()


def normalise_url(value: str) -> str:
    """Scheme and host are case-insensitive; the path is not, so it is kept as written."""
    v = value.strip()
    if "://" not in v:
        v = "http://" + v
    parts = urlsplit(v)
    path = "" if parts.path == "/" else parts.path
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def normalise(kind: str, value: str) -> str:
    if kind == "phone":
        return normalise_phone(value)
    if kind == "bank_account":
        return normalise_account(value)
    if kind == "url":
        return normalise_url(value)
    if kind == "qq":
        return _SEPARATORS.sub("", value.strip())
    return value.strip().lower() if kind == "wechat" else value.strip()
