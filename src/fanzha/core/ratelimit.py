"""Per-client rate limits (token buckets) for lookups that clients could otherwise farm.

In-process: each server process keeps its own buckets, so N processes allow N times the
rate. That is acceptable for abuse protection; a shared limit would live in Redis.
"""

import threading
import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """``rate`` tokens per second up to ``burst``; each request costs ``cost`` tokens."""

    rate: float
    burst: float
    _tokens: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, client: str, now: float | None = None, cost: float = 1.0) -> float:
        """0 when allowed, else the seconds until enough tokens are free."""
        at = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._tokens.get(client, (self.burst, at))
            tokens = min(self.burst, tokens + (at - last) * self.rate)
            if tokens < cost:
                self._tokens[client] = (tokens, at)
                return (cost - tokens) / self.rate
            self._tokens[client] = (tokens - cost, at)
            return 0.0
