"""The shape in which a capability hands its records to the series index (clues), so warnings,
fund requests and the like need not know the index: where, when, how much, and the identifiers
the record names, as they were written (the index keeps its own normal forms), and the case it
belongs to, if any (the index then links it to that case's identifiers too)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class ForIndex:
    id: int
    label: str
    node_path: str
    occurred_at: datetime | None
    amount: Decimal | None
    identifiers: tuple[tuple[str, str], ...]  # (kind, as written)
    case_id: int | None = None
