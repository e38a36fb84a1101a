"""Password hashing (argon2) and opaque tokens for sessions and API keys."""

import hashlib
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from fanzha.core.config import get_settings


@lru_cache
def _hasher() -> PasswordHasher:
    s = get_settings()
    return PasswordHasher(time_cost=s.password_time_cost, memory_cost=s.password_memory_cost_kib)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@lru_cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str | None, password: str) -> bool:
    """None (no such user) is checked against a throwaway hash, so a wrong username takes as
    long as a wrong password and the answer time does not tell which names exist."""
    if password_hash is None:
        _check(_dummy_hash(), password)
        return False
    return _check(password_hash, password)


def _check(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """Sessions and API keys are high-entropy, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()
