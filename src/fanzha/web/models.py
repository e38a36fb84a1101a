"""What the public check page keeps: only a citizen's "this verdict is wrong", never their text."""

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base
from fanzha.core.timeutil import utcnow


class CheckFeedback(Base):
    __tablename__ = "web_check_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # What was checked (text / phone / url / account) and what the detector said about it.
    input_kind: Mapped[str] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(20))
    fraud_type: Mapped[str | None] = mapped_column(String(40))
    # What the citizen thinks it should have been: "fraud" or "not_fraud".
    expected: Mapped[str] = mapped_column(String(20))


class ReportFile(Base):
    """Evidence a citizen uploaded with a report (screenshots, a PDF), kept with the warning it became."""

    __tablename__ = "web_report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(Integer, index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[datetime] = mapped_column(default=utcnow)
