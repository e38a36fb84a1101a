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


# Personal numbers as they appear inside free text (log lines, URLs): the longest first, so an
# ID number is not taken for a card number, nor a card number for a phone number.
ID_NUMBER_IN_TEXT = re.compile(r"(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])", re.ASCII)
CARD_IN_TEXT = re.compile(r"(?<!\d)\d{16,19}(?!\d)", re.ASCII)
PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)", re.ASCII)


def mask_in_text(text: str) -> str:
    """Masks every ID number, bank card and mobile number found in ``text``."""
    text = ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group()) or "", text)
    text = CARD_IN_TEXT.sub(lambda m: mask_card(m.group()) or "", text)
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group()) or "", text)


def mask_route_reason(value: str | None) -> str | None:
    """The routing reason quotes the address (house number) or the phone prefix it matched: hide
    its digits as the address and phone are hidden; the matched area's names stay readable."""
    if not value:
        return value
    return _DIGITS.sub("*", value)
