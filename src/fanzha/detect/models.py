"""Detection's table: residents' appeals against public verdicts ("这个结果不对") and their review."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base
from fanzha.core.timeutil import utcnow


class Appeal(Base):
    """What the detector said and what the resident expected. ``text`` only with stated consent;
    ``signals`` are the names of the rules that fired (never words of the message)."""

    __tablename__ = "detect_appeals"
    __table_args__ = (Index("ix_detect_appeals_status_at", "status", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    input_kind: Mapped[str] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(20))
    fraud_type: Mapped[str | None] = mapped_column(String(40))
    expected: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    signals: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | upheld | rejected
    reviewed_at: Mapped[datetime | None]
    reviewer: Mapped[str | None] = mapped_column(String(200))
    review_note: Mapped[str] = mapped_column(String(500), default="")
