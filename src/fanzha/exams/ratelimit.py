"""The public join is rate-limited per client address, so nobody can farm candidates or codes.

A whole class may join at once from one school network, so the burst is generous; a script
guessing exam codes or student numbers still runs dry within seconds.
"""

from fastapi import Request

from fanzha.core.errors import TooManyRequests
from fanzha.core.ratelimit import TokenBucket

JOIN_BUCKET = TokenBucket(rate=5.0, burst=300.0)


def check_join_rate(request: Request, bucket: TokenBucket = JOIN_BUCKET) -> None:
    client = request.client.host if request.client else "unknown"
    wait = bucket.take(f"exam-join:{client}")
    if wait:
        raise TooManyRequests(f"进入考试的请求过于频繁，请 {int(wait) + 1} 秒后再试", int(wait) + 1)
