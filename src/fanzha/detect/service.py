"""The detector as the platform uses it: the shipped model plus the reputation list built
from cases and confirmed warnings, refreshed every minute, and a per-client rate limit.

The workflows that know bad identifiers are above the detector: the app hands their reputation
functions (``Capability.reputation``) to ``use_reputation_sources``; this package imports none.
"""

import threading
import time
from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from fanzha.core.errors import TooManyRequests
from fanzha.core.ratelimit import TokenBucket
from fanzha.detect.detector import Detector, Verdict

REFRESH_S = 60.0
# Texts per second per client, with room for one full batch.
BUCKET = TokenBucket(rate=200.0, burst=2000.0)

# (kind, normalised value, label) of identifiers known to be bad, read from one capability.
ReputationSource = Callable[[Session], list[tuple[str, str, str]]]
# (number, owner) of official numbers, read from one capability's register.
WhitelistSource = Callable[[Session], list[tuple[str, str]]]

_lock = threading.Lock()
_cached: tuple[float, Detector] | None = None
_sources: tuple[ReputationSource, ...] = ()
_white: tuple[WhitelistSource, ...] = ()


def use_reputation_sources(
    sources: Iterable[ReputationSource], whitelist: Iterable[WhitelistSource] = ()
) -> None:
    """Where the detector's blacklist and extra official numbers come from; the next
    classification rebuilds it."""
    global _sources, _white, _cached
    with _lock:
        _sources, _white, _cached = tuple(sources), tuple(whitelist), None


def forget_detector() -> None:
    """Rebuild the detector at its next use: a reviewed appeal has changed its lists."""
    global _cached
    with _lock:
        _cached = None


def detector_for(session: Session) -> Detector:
    global _cached
    with _lock:
        if _cached is None or time.monotonic() - _cached[0] > REFRESH_S:
            known = [item for source in _sources for item in source(session)]
            official = [pair for source in _white for pair in source(session)]
            _cached = (time.monotonic(), Detector.default().with_blacklist(known).with_whitelist(official))
        return _cached[1]


def classify_for(
    session: Session,
    client: str,
    texts: list[str],
    bucket: TokenBucket = BUCKET,
    *,
    register: str | None = None,
) -> list[Verdict]:
    """Classify without storing anything, in ``register`` when the client knows it (else each
    text's is inferred); the client pays one token per text."""
    wait = bucket.take(client, cost=float(len(texts)))
    if wait > 0:
        raise TooManyRequests(f"查询过于频繁，请 {int(wait) + 1} 秒后再试", int(wait) + 1)
    return detector_for(session).classify(texts, [register] * len(texts))


def official_owners(session: Session, values: Iterable[str]) -> dict[str, str]:
    """Which of ``values`` (normalised numbers or domains) are official, with their owners: other
    capabilities keep them from counting as a suspect's identifier (a bank's service number)."""
    reputation = detector_for(session).reputation
    return {v: owner for v in values if (owner := reputation.lookup_white(v)) is not None}
