"""What the public pages keep: files a citizen attaches to a report (appeals live in detect.models)."""

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base
from fanzha.core.timeutil import utcnow


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
