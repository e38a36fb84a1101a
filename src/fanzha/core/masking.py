"""Masking of personal data. Everything is masked unless a permitted read is audited."""

import re

_DIGITS = re.compile(r"\d")


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    digits = value.strip()
    if len(digits) >= 11:
        return f"{digits[:-8]}****{digits[-4:]}"
    if len(digits) > 4:
        return f"{'*' * (len(digits) - 4)}{digits[-4:]}"
    return "*" * len(digits)


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return f"{v[:4]}{'*' * (len(v) - 8)}{v[-4:]}"


def mask_card(value: str | None) -> str | None:
    if not value:
        return value
    v = value.replace(" ", "")
    if len(v) <= 8:
        return "*" * len(v)
    return f"{v[:4]} **** **** {v[-4:]}"


def mask_name(value: str | None) -> str | None:
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"


def mask_address(value: str | None) -> str | None:
    """Keep the area (enough to route and brief), hide the door: digits and the tail."""
    if not value:
        return value
    keep = max(6, len(value) // 2)
    head = _DIGITS.sub("*", value[:keep])
    return head + "*" * min(6, len(value) - keep)
