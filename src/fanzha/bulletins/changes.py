"""Change figures (同比, 环比), declining streaks, shares and rankings.

One implementation for every output: the JSON, the page, the PDF and the spreadsheets all
show the numbers computed here, so a figure cannot differ between them.
"""

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

Number = int | Decimal
NO_CHANGE = "—"
_TENTH = Decimal("0.1")


def pct_change(current: Number, base: Number) -> Decimal | None:
    """Change from ``base`` to ``current`` in percent, one decimal; None when the base is zero."""
    if base == 0:
        return None
    return ((Decimal(current) - Decimal(base)) * 100 / Decimal(base)).quantize(_TENTH, ROUND_HALF_UP)


def format_change(change: Decimal | None) -> str:
    """'+12.5%', '-3.0%', '0.0%'; '—' when there is no base to compare with."""
    if change is None:
        return NO_CHANGE
    sign = "+" if change > 0 else ""
    return f"{sign}{change}%"


def describe_change(word: str, change: Decimal | None) -> str:
    """Bulletin prose: '同比上升12.5%', '环比下降3.0%', '同比持平', '同比无可比数据' (no base)."""
    if change is None:
        return f"{word}无可比数据"
    if change > 0:
        return f"{word}上升{change}%"
    if change < 0:
        return f"{word}下降{-change}%"
    return f"{word}持平"


def ratio(part: Number, whole: Number) -> Decimal | None:
    """``part`` as a percentage of ``whole``, one decimal; None when ``whole`` is zero."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_TENTH, ROUND_HALF_UP)


def format_ratio(value: Decimal | None) -> str:
    return NO_CHANGE if value is None else f"{value}%"


def decline_streak(series: Sequence[Number]) -> int:
    """How many periods in a row, ending with the last, each fell below the one before.

    ``series`` runs oldest → newest; the answer is at most ``len(series) - 1``.
    """
    streak = 0
    for newer, older in zip(reversed(series[1:]), reversed(series[:-1]), strict=True):
        if newer >= older:
            break
        streak += 1
    return streak


T = TypeVar("T")


def competition_ranks(items: Sequence[T], key: Callable[[T], Number | None]) -> list[int | None]:
    """Ranks "1, 2, 2, 4" by ``key`` descending, in the order of ``items``; None stays unranked."""
    values = [key(item) for item in items]
    present = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else present.index(v) + 1 for v in values]
