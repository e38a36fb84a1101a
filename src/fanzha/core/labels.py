"""Codes with the Chinese label people read, declared together: ``RECEIVED = "received", "已接收"``.

Every vocabulary in fanzha is a ``LabelledEnum``: the code is what the API, files, models and
statistics use (the member is a ``str`` equal to it), ``.label`` is what a page or a bulletin shows.
One declaration instead of an enum plus a parallel dict that could miss a member.
"""

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        # ``label`` defaults only for the type checker: looking a member up by its code, ``Kind("x")``,
        # never reaches ``__new__``; declaring one without a label is refused below.
        if not label:
            raise TypeError(f"{cls.__name__}.{value} needs a label")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Code → label of every member, in declaration order (for selects and legends)."""
        return {member.value: member.label for member in cls}
