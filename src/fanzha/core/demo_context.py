"""What the demo steps share: the random source, the scale and what the city step built.

It lives in core because every capability's demo step takes it; the tree types it holds are
named for the type checker only, so core still imports nothing above it at run time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fanzha.jurisdiction.models import Node, Unit

DEMO_PASSWORD = "fanzha-demo-2026"


@dataclass
class Street:
    """A road segment inside one grid: routing matches addresses against these."""

    grid_code: str
    road: str
    first_no: int
    last_no: int


@dataclass
class DemoContext:
    rng: random.Random
    scale: int
    now: datetime
    city: Node | None = None
    districts: list[Node] = field(default_factory=list)
    stations: list[Node] = field(default_factory=list)
    grids: list[Node] = field(default_factory=list)
    # unit per node code; bank branches by bank code
    units: dict[str, Unit] = field(default_factory=dict)
    banks: dict[str, Unit] = field(default_factory=dict)
    centre: Unit | None = None
    users: dict[str, int] = field(default_factory=dict)
    api_keys: dict[str, str] = field(default_factory=dict)
    streets: list[Street] = field(default_factory=list)
    # Grid code → community/village name and area phone prefix per district code.
    community: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
