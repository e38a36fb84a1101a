"""Normal forms of suspect identifiers, so the same phone or card written two ways matches."""

import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

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


def _split_url(value: str) -> SplitResult | None:
    v = value.strip()
    try:
        parts = urlsplit(v if "://" in v else "http://" + v)
    except ValueError:  # e.g. "http://[x]/": an IPv6 host that is not one
        return None
    return parts if parts.netloc else None


def url_problem(value: str) -> str | None:
    """Why ``value`` cannot be a suspect's web address, or None; for validating input."""
    return None if _split_url(value) else "网址格式不正确，请填写完整网址（例：http://example.com/pay）"


def normalise_url(value: str) -> str:
    """Scheme and host are case-insensitive; the path is not, so it is kept as written.
    Text that is no URL (stored before it was checked, or typed in a search) stays as written."""
    parts = _split_url(value)
    if parts is None:
        return value.strip()
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
