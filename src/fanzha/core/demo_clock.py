"""Where demo events fall in time: relative to the moment the demo is built ("now").

The demo's history ends at ``now`` and reaches back over the current month and the
HISTORY_MONTHS full local-calendar months before it, so that every bulletin of the last year
has a same-period-last-year figure (同比) and the dashboard's today and this-month tiles have
data however early in the day or month the demo is built.
"""

from datetime import datetime, timedelta
from random import Random

from fanzha.core.timeutil import as_utc, to_local

# 13 full months before the current one: the latest complete month and the same month a year earlier.
HISTORY_MONTHS = 13


def local_midnight(now: datetime) -> datetime:
    """Today's start in the city's time zone, as UTC."""
    return as_utc(to_local(now).replace(hour=0, minute=0, second=0, microsecond=0))


def month_start(now: datetime, back: int = 0) -> datetime:
    """The start of the local-calendar month ``back`` months before the current one, as UTC."""
    local = to_local(now)
    index = local.year * 12 + local.month - 1 - back
    start = local.replace(year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0)
    return as_utc(start.replace(microsecond=0))


def history_days(now: datetime) -> float:
    """Days from the start of the history (HISTORY_MONTHS full months back) to ``now``."""
    return (now - month_start(now, HISTORY_MONTHS)).total_seconds() / 86_400


def earlier_today(rng: Random, now: datetime) -> datetime:
    """A moment between today's local midnight and ``now`` (at least the last minute)."""
    span = max(now - local_midnight(now), timedelta(minutes=1))
    return now - span * rng.random()


def year_earlier(now: datetime) -> datetime:
    """The same moment a year before (29 February maps to the 28th)."""
    day = 28 if (now.month, now.day) == (2, 29) else now.day
    return now.replace(year=now.year - 1, day=day)
