"""Verification tables: issued contact codes (only their keyed hash), lookups, official numbers."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, node_path_type
from fanzha.core.timeutil import utcnow


class ContactCode(Base):
    """One outbound contact (call, SMS, visit) on a warning and the code the resident may check.

    The code itself is never stored: ``code_hash`` is HMAC-SHA256 of it under the server secret.
    The public answer is built from the unit, role, masked name and time kept here, never from
    the warning, so a lookup cannot reach the case or the victim."""

    __tablename__ = "verification_codes"
    __table_args__ = (Index("ix_verification_codes_hash_expires", "code_hash", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    warning_id: Mapped[int] = mapped_column(Integer, index=True)
    # The warning's node, so officers see lookups only inside their part of the tree.
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    officer_id: Mapped[int] = mapped_column(Integer, index=True)
    officer_label: Mapped[str] = mapped_column(String(80))
    unit_name: Mapped[str] = mapped_column(String(100))
    contacted_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class CodeLookup(Base):
    """Every lookup, hit or miss: ``code_id`` is null for a wrong or expired code."""

    __tablename__ = "verification_lookups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("verification_codes.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # A keyed hash of the client address: enough to count one client's guesses, not to identify them.
    client: Mapped[str] = mapped_column(String(16))


class OfficialNumber(Base):
    """An official outgoing number or SMS sender id of the centre or a unit (96110, a station's
    landline, the 12381 sender). The detector's whitelist reads this register too."""

    __tablename__ = "verification_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # phone | sms_sender
    owner: Mapped[str] = mapped_column(String(100))
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
