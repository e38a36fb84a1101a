"""Verification lookups: a right, a wrong and an expired code must take the same time.

Usage: python -m benchmarks.bench_verify [N_PER_KIND] [DATABASE_URL]   (default: 500, temp SQLite)
Fills 2,000 live and 2,000 expired codes, then times ``verification.service.verify`` (HMAC, index
probe, lookup row, audit entry, commit) for right, wrong and expired codes, interleaved at random
so drift hits all three alike. The right code is the baseline of the ratios.
"""

import random
import sys
import tempfile
import time
from datetime import timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from benchmarks.common import machine, summary_ms
from fanzha.core.db import make_engine
from fanzha.core.ratelimit import TokenBucket
from fanzha.core.timeutil import utcnow
from fanzha.migrations.runner import upgrade
from fanzha.verification import service
from fanzha.verification.models import ContactCode

LIVE = 2_000


def _rows(codes: list[str], expired: bool) -> list[dict[str, object]]:
    now = utcnow()
    at = now - timedelta(hours=30 if expired else 1)
    return [
        {
            "code_hash": service.code_hash(code),
            "warning_id": i,
            "node_path": "/369900/369901/369901001/",
            "channel": "call",
            "officer_id": 1,
            "officer_label": "社区民警 张某某",
            "unit_name": "洪城市公安局城南派出所",
            "contacted_at": at,
            "expires_at": at + timedelta(hours=24),
        }
        for i, code in enumerate(codes)
    ]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tempfile.mkdtemp()}/verify.db"
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(7)
    drawn = rng.sample(range(10**6), 2 * LIVE + n)
    live = [f"{c:06d}" for c in drawn[:LIVE]]
    expired = [f"{c:06d}" for c in drawn[LIVE : 2 * LIVE]]
    wrong = [f"{c:06d}" for c in drawn[2 * LIVE :]]
    with engine.begin() as conn:
        conn.execute(insert(ContactCode), _rows(live, False) + _rows(expired, True))
    limits = service.Limits(TokenBucket(rate=1e6, burst=1e9), TokenBucket(rate=1e6, burst=1e9))
    trials = [("right", c) for c in rng.choices(live, k=n)] + [("wrong", c) for c in wrong]
    trials += [("expired", c) for c in rng.choices(expired, k=n)]
    rng.shuffle(trials)
    print(f"bench_verify on {engine.dialect.name}: {LIVE:,} live + {LIVE:,} expired codes; {machine()}")
    for _kind, code in trials[:50]:  # warm-up
        with Session(engine) as s, s.begin():
            service.verify(s, code, "bench", limits)
    samples: dict[str, list[float]] = {"right": [], "wrong": [], "expired": []}
    for kind, code in trials:
        t = time.perf_counter()
        with Session(engine) as s, s.begin():
            answer = service.verify(s, code, "bench", limits)
        samples[kind].append(time.perf_counter() - t)
        assert answer.found == (kind == "right")
    base = sorted(samples["right"])[len(samples["right"]) // 2]
    for kind, values in samples.items():
        median = sorted(values)[len(values) // 2]
        print(f"  {kind:>7}: {summary_ms(values)}  median {median / base:.2f}x right")


if __name__ == "__main__":
    main()
