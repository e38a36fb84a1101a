"""Times are stored in UTC and shown in the display zone (Asia/Shanghai by default)."""

from datetime import UTC, datetime

from fanzha.core.config import get_settings


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Naive datetimes come back from SQLite; they were written as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_local(value: datetime) -> datetime:
    return as_utc(value).astimezone(get_settings().tz)


def format_local(value: datetime | None) -> str:
    if value is None:
        return "—"
    return to_local(value).strftime("%Y-%m-%d %H:%M:%S")
