"""Queries on the accounts tables."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from fanzha.accounts.models import ApiKey, LoginFailure, LoginSession, User
from fanzha.core.scope import within
from fanzha.jurisdiction.models import Node, Unit


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def users_within(session: Session, path: str) -> Sequence[User]:
    stmt = (
        select(User)
        .join(Unit, User.unit_id == Unit.id)
        .join(Node, Unit.node_id == Node.id)
        .where(within(Node.path, path))
        .order_by(User.username)
    )
    return session.scalars(stmt).all()


def users_at_nodes(session: Session, paths: Sequence[str], roles: Sequence[str]) -> Sequence[User]:
    """Active users of these roles in units placed exactly at these node paths."""
    stmt = (
        select(User)
        .join(Unit, User.unit_id == Unit.id)
        .join(Node, Unit.node_id == Node.id)
        .where(Node.path.in_(paths), User.role.in_(roles), User.active.is_(True))
        .order_by(Node.path, User.username)
    )
    return session.scalars(stmt).all()


def on_duty_users(session: Session, unit_id: int, roles: Sequence[str]) -> Sequence[User]:
    stmt = select(User).where(
        User.unit_id == unit_id, User.on_duty.is_(True), User.active.is_(True), User.role.in_(roles)
    )
    return session.scalars(stmt.order_by(User.id)).all()


def live_session(session: Session, digest: str, now: datetime) -> LoginSession | None:
    stmt = select(LoginSession).where(
        LoginSession.token_digest == digest,
        LoginSession.revoked_at.is_(None),
        LoginSession.expires_at > now,
    )
    return session.scalars(stmt).one_or_none()


def failures_since(session: Session, since: datetime, ip: str, username: str | None = None) -> int:
    """Failed logins from ``ip`` since ``since``: for one name, or for any when it is None."""
    stmt = select(func.count()).where(LoginFailure.ip == ip, LoginFailure.at >= since)
    if username is not None:
        stmt = stmt.where(LoginFailure.username == username)
    return session.scalar(stmt) or 0


# Built once: every request with an API key (each warning batch) looks its key up.
_KEY_BY_DIGEST = select(ApiKey).where(ApiKey.token_digest == bindparam("digest"))


def api_key_by_digest(session: Session, digest: str) -> ApiKey | None:
    return session.scalars(_KEY_BY_DIGEST, {"digest": digest}).one_or_none()


def api_key_by_id(session: Session, key_id: int) -> ApiKey | None:
    return session.get(ApiKey, key_id)


def api_key_by_name(session: Session, name: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.name == name)).one_or_none()


def api_keys_within(session: Session, path: str) -> Sequence[ApiKey]:
    stmt = (
        select(ApiKey)
        .join(Unit, ApiKey.unit_id == Unit.id)
        .join(Node, Unit.node_id == Node.id)
        .where(within(Node.path, path))
        .order_by(ApiKey.name)
    )
    return session.scalars(stmt).all()
