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


def format_local_hm(value: datetime | None) -> str:
    """Hours and minutes in Beijing time (with the date when it is not today)."""
    if value is None:
        return "—"
    local = to_local(value)
    return local.strftime("%H:%M" if local.date() == to_local(utcnow()).date() else "%m-%d %H:%M")


def format_local(value: datetime | None) -> str:
    if value is None:
        return "—"
    return to_local(value).strftime("%Y-%m-%d %H:%M:%S")
