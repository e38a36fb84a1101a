"""Runs the demo steps in order: the city first, then each registered capability's steps."""

import random
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from fanzha.capabilities import CAPABILITIES
from fanzha.core.demo_context import DemoContext
from fanzha.core.registry import load
from fanzha.core.timeutil import utcnow
from fanzha.demo import city

Step = Callable[[Session, DemoContext], None]

# (label shown in the progress bar, step). Order matters: later steps use earlier data.
STEPS: list[tuple[str, Step]] = [
    ("辖区、单位与用户", city.build),
    *((step.label, load(step.target)) for capability in CAPABILITIES for step in capability.demo),
]


def build_demo(
    session: Session,
    seed: int = 2026,
    scale: int = 1,
    on_step: Callable[[str], None] | None = None,
    now: datetime | None = None,
) -> DemoContext:
    """The demo city with its history up to ``now`` (default: the moment it is built); the same
    seed and ``now`` always give the same city and history."""
    ctx = DemoContext(rng=random.Random(seed), scale=scale, now=now or utcnow())
    for label, step in STEPS:
        if on_step is not None:
            on_step(label)
        step(session, ctx)
        session.flush()
    return ctx
