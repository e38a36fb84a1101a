"""Runs the demo steps in order: the city first, then each registered capability's steps."""

import random
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from fanzha.capabilities import CAPABILITIES
from fanzha.core.demo_context import DemoContext
from fanzha.core.registry import load
from fanzha.demo import city

Step = Callable[[Session, DemoContext], None]

# (label shown in the progress bar, step). Order matters: later steps use earlier data.
STEPS: list[tuple[str, Step]] = [
    ("辖区、单位与用户", city.build),
    *((step.label, load(step.target)) for capability in CAPABILITIES for step in capability.demo),
]

# The demo's "now": fixed so the same seed always gives the same city and history.
DEMO_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def build_demo(
    session: Session,
    seed: int = 2026,
    scale: int = 1,
    on_step: Callable[[str], None] | None = None,
    now: datetime = DEMO_NOW,
) -> DemoContext:
    ctx = DemoContext(rng=random.Random(seed), scale=scale, now=now)
    for label, step in STEPS:
        if on_step is not None:
            on_step(label)
        step(session, ctx)
        session.flush()
    return ctx
