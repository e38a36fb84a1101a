"""Where a pattern's matches can begin, read from the pattern itself.

Most messages contain none of the words a given pattern looks for, yet a regex search tries
every position of the text (and a pattern that opens with a lookbehind or a group of
alternatives gets no help from the regex engine's own prefix scan). Knowing the first
characters of every match lets a search be skipped when the text has none of them, and lets it
start where the first of them is. Derived from the parsed pattern, so it holds for any pattern
list; a pattern it cannot bound (``.``, ``\\w``, negated classes, IGNORECASE, a pattern that can
match the empty string) gets ``None`` and is always searched in full.
"""

import re
from collections.abc import Iterator, Sequence
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_MAX_CHARS = 4096  # a class wider than this (a whole script) bounds nothing useful
_MAX_PREFIXES = 4096  # more first words than this (surname × title …): bound by fewer characters
PREFIX_LENGTH = 2  # two characters tell far more than one ("加微信" vs every "加")

_SURROGATE = re.compile("[\ud800-\udfff]")
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (c.ASSERT, c.ASSERT_NOT, c.AT)

# What can begin a match: (its first characters, whether they are the whole of it). An empty
# string that is not whole means "anything": the pattern is unbounded.
_Starts = set[tuple[str, bool]]


def prefixes(pattern: re.Pattern[str], length: int = PREFIX_LENGTH) -> frozenset[str] | None:
    """Strings of up to ``length`` characters, one of which begins every match of ``pattern``
    (shorter where the pattern says no more), or None when unbounded."""
    if pattern.flags & re.IGNORECASE:
        return None
    parsed = list(_parser.parse(pattern.pattern, pattern.flags))
    for n in range(length, 0, -1):
        found = _sequence(parsed, n)
        if len(found) <= _MAX_PREFIXES or n == 1:
            if any(not s for s, _ in found):
                return None
            strings = {s for s, _ in found}
            # "念" already begins every match that "念验" begins
            return frozenset(s for s in strings if not any(s[:k] in strings for k in range(1, len(s))))
    return None


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can begin with, or None when unbounded."""
    return prefixes(pattern, 1)


def _sequence(items: Sequence[tuple[Any, Any]], length: int) -> _Starts:
    """What can begin a match of items matched one after another, cut at ``length`` characters."""
    out: _Starts = {("", True)}
    for op, av in items:
        if all(len(s) >= length or not whole for s, whole in out):
            break
        part = _item(op, av, length)
        grown: _Starts = set()
        for s, whole in out:
            if len(s) >= length or not whole:
                grown.add((s, False))
            elif part is None:
                grown.add((s, False))  # then anything
            else:
                grown.update(((s + t)[:length], more) for t, more in part)
        out = grown
        if length > 1 and len(out) > _MAX_PREFIXES:  # ``prefixes`` tries fewer characters
            return {(s, False) for s, _ in out}
    return out


def _item(op: Any, av: Any, length: int) -> _Starts | None:
    if op is c.LITERAL:
        return {(chr(av), True)}
    if op is c.IN:
        chars = _class(av)
        return None if chars is None else {(ch, True) for ch in chars}
    if op is c.BRANCH:
        return set().union(*(_sequence(list(branch), length) for branch in av[1]))
    if op is c.SUBPATTERN:
        return _sequence(list(av[3]), length)
    if op is c.ATOMIC_GROUP:
        return _sequence(list(av), length)
    if op in _REPEATS:
        low, high, body = av
        once = _sequence(list(body), length)
        if low == high == 1:
            return once
        # More may follow what one repetition matched; one that matched nothing leaves the start
        # to the next (a repetition's words) or to what follows the repeat.
        found = {(s, not s and whole) for s, whole in once}
        return found | {("", True)} if low == 0 else found
    if op in _ZERO_WIDTH:
        return {("", True)}
    return None  # any character, a negated literal, a group reference …


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


class Scan:
    """One pass over a text that says, for each of many patterns, where its first match can
    begin: an Aho-Corasick automaton (``ahocorasick_rs``) over every pattern's ``prefixes``.

    Searching each pattern only from there, and only when it has such a place, finds the same
    first match as a plain search (no match begins before it; lookbehinds still see the text
    before ``pos``), instead of about seventy searches of every message.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        import ahocorasick_rs  # a compiled extension, loaded only by what classifies text

        owners: dict[str, list[int]] = {}
        self.unbounded: dict[int, int] = {}
        for i, pattern in enumerate(patterns):
            found = prefixes(pattern)
            if found is None:
                self.unbounded[i] = 0
            for s in sorted(found or ()):
                owners.setdefault(s, []).append(i)
        self.owners = [tuple(ids) for ids in owners.values()]
        self.automaton = ahocorasick_rs.AhoCorasick(
            list(owners), implementation=ahocorasick_rs.Implementation.ContiguousNFA
        )

    def starts(self, text: str) -> dict[int, int]:
        """Pattern index → the earliest position its match can begin at, for the patterns that
        can match ``text`` at all."""
        first = dict(self.unbounded)
        owners = self.owners
        try:
            found = self.automaton.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate (JSON "\ud800"): no first word holds one
            found = self.automaton.find_matches_as_indexes(_SURROGATE.sub("\ufffd", text), overlapping=True)
        for word, start, _ in found:
            for i in owners[word]:
                if first.get(i, start + 1) > start:
                    first[i] = start
        return first
