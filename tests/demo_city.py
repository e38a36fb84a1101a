"""The demo city as the README builds it, shared by the tests that need a whole city."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.jurisdiction.models import Node

# 00:20 on 1 April in the city (UTC+8): the hardest moment for "today" and "this month".
DEMO_NOW = datetime(2027, 3, 31, 16, 20, tzinfo=UTC)


@dataclass(frozen=True)
class DemoCity:
    path: Path
    url: str
    now: datetime
    built: "subprocess.CompletedProcess[str]"

    @contextmanager
    def session(self) -> Iterator[Session]:
        engine = db.make_engine(self.url)
        try:
            with Session(engine) as s:
                yield s
        finally:
            engine.dispose()

    def city(self, session: Session) -> Node:
        return session.scalars(select(Node).where(Node.level == 1)).one()


def build_demo_city(path: Path) -> DemoCity:
    """``fanzha demo --now DEMO_NOW`` into ``path``, in a process of its own as a user runs it."""
    url = f"sqlite:///{path}"
    built = subprocess.run(
        [sys.executable, "-m", "fanzha", "demo", "--now", DEMO_NOW.isoformat()],
        env={**os.environ, "FANZHA_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=900,
    )
    return DemoCity(path=path, url=url, now=DEMO_NOW, built=built)
