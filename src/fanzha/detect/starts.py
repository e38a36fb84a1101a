"""The characters a pattern's matches can begin with, read from the pattern itself.

Most messages contain none of the words a given pattern looks for, yet a regex search tries
every position of the text (and a pattern that opens with a lookbehind or a group of
alternatives gets no help from the regex engine's own prefix scan). Knowing the characters
every match starts with lets a search be skipped when the text has none of them, and lets a
scan jump from one such character to the next. Derived from the parsed pattern, so it holds for
any pattern list; a pattern it cannot bound (``.``, ``\\w``, negated classes, IGNORECASE, a
pattern that can match the empty string) gets ``None`` and is always searched in full.
"""

import re
from collections.abc import Iterator
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_MAX_CHARS = 4096  # a class wider than this (a whole script) bounds nothing useful

_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (c.ASSERT, c.ASSERT_NOT, c.AT)


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can begin with, or None when unbounded."""
    if pattern.flags & re.IGNORECASE:
        return None
    chars, nullable = _sequence(list(_parser.parse(pattern.pattern, pattern.flags)))
    return None if chars is None or nullable else frozenset(chars)


def _sequence(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """(first characters, can match empty) of items matched one after another."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _item(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _item(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        return _class(av), False
    if op is c.BRANCH:
        out: set[str] = set()
        nullable = False
        for branch in av[1]:
            chars, empty = _sequence(list(branch))
            if chars is None:
                return None, False
            out |= chars
            nullable = nullable or empty
        return out, nullable
    if op is c.SUBPATTERN:
        return _sequence(list(av[3]))
    if op is c.ATOMIC_GROUP:
        return _sequence(list(av))
    if op in _REPEATS:
        low, _, body = av
        chars, nullable = _sequence(list(body))
        return chars, nullable or low == 0
    if op in _ZERO_WIDTH:
        return set(), True
    return None, False  # any character, a negated literal, a group reference …


def _class(items: Any) -> set[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            out.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < _MAX_CHARS:
            out.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None  # negated, a category (\d, \s), or too wide
    return out


def starts_pattern(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern matching one of ``pattern``'s first characters, or None when unbounded."""
    chars = first_chars(pattern)
    if chars is None:
        return None
    points = sorted(map(ord, chars))
    ranges: list[list[int]] = []
    for point in points:  # as ranges: a class listing thousands of characters searches slowly
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


def finditer(pattern: re.Pattern[str], starts: re.Pattern[str] | None, text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying ``pattern`` only where ``starts`` matches.

    A match can only begin at one of its first characters, so trying those positions left to
    right finds the same leftmost, non-overlapping matches (``first_chars`` never bounds a
    pattern that can match the empty string; lookbehinds still see the text before ``pos``).
    """
    if starts is None:
        yield from pattern.finditer(text)
        return
    pos = 0
    while (at := starts.search(text, pos)) is not None:
        m = pattern.match(text, at.start())
        if m is None:
            pos = at.start() + 1
        else:
            yield m
            pos = m.end()
