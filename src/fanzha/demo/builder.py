"""Runs the demo steps in order. Each capability appends its own step to ``STEPS``."""

import random
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from fanzha.cases import demo as cases_demo
from fanzha.demo import city
from fanzha.demo.context import DemoContext
from fanzha.funds import demo as funds_demo
from fanzha.warnings import demo as warnings_demo

Step = Callable[[Session, DemoContext], None]

# (label shown in the progress bar, step). Order matters: later steps use earlier data.
STEPS: list[tuple[str, Step]] = [
    ("辖区、单位与用户", city.build),
    ("预警指令与劝阻（约 95,000 条）", warnings_demo.build),
    ("报案登记的案件", cases_demo.build),
    ("流水、止付冻结与断卡名单", funds_demo.build),
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
