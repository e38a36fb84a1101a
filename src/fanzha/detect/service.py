"""The detector as the platform uses it: the shipped model plus the reputation list built
from cases and confirmed warnings, refreshed every minute, and a per-client rate limit."""

import threading
import time

from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.core.errors import TooManyRequests
from fanzha.core.ratelimit import TokenBucket
from fanzha.detect.detector import Detector, Verdict
from fanzha.warnings import service as warnings

REFRESH_S = 60.0
# Texts per second per client, with room for one full batch.
BUCKET = TokenBucket(rate=200.0, burst=2000.0)

_lock = threading.Lock()
_cached: tuple[float, Detector] | None = None


def detector_for(session: Session) -> Detector:
    global _cached
    with _lock:
        if _cached is None or time.monotonic() - _cached[0] > REFRESH_S:
            known = cases.reputation_identifiers(session) + warnings.confirmed_identifiers(session)
            _cached = (time.monotonic(), Detector.default().with_blacklist(known))
        return _cached[1]


def classify_for(
    session: Session, client: str, texts: list[str], bucket: TokenBucket = BUCKET
) -> list[Verdict]:
    """Classify without storing anything; the client pays one token per text."""
    wait = bucket.take(client, cost=float(len(texts)))
    if wait > 0:
        raise TooManyRequests(f"查询过于频繁，请 {int(wait) + 1} 秒后再试", int(wait) + 1)
    return detector_for(session).classify(texts)
