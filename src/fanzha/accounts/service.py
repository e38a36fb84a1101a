"""Users, login with throttling, sessions and API keys."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from fanzha.accounts import repository as repo
from fanzha.accounts.models import ApiKey, LoginFailure, LoginSession, User
from fanzha.accounts.schemas import ApiKeyIn, UserIn, UserPatch
from fanzha.audit import service as audit
from fanzha.core.config import get_settings
from fanzha.core.errors import (
    Forbidden,
    NotAuthenticated,
    NotFound,
    TooManyRequests,
    ValidationFailed,
)
from fanzha.core.principal import Principal
from fanzha.core.roles import CLIENT_SCOPES, PII_BY_DEFAULT, ROLE_PERMISSIONS, Perm, Role
from fanzha.core.scope import ancestor_paths
from fanzha.core.security import hash_password, new_token, token_digest, verify_password
from fanzha.core.timeutil import utcnow
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import Unit

LAST_USED_RESOLUTION = timedelta(minutes=1)  # an API key's last_used_at is at most this stale


def principal_for_user(user: User, csrf_token: str | None = None) -> Principal:
    perms = {str(p) for p in ROLE_PERMISSIONS[Role(user.role)]}
    if user.pii_access:
        perms.add(str(Perm.PII_REVEAL))
    return Principal(
        kind="user",
        id=user.id,
        name=user.username,
        role=user.role,
        permissions=frozenset(perms),
        scope_path=user.unit.node.path,
        unit_id=user.unit_id,
        bank_code=user.unit.bank_code,
        csrf_token=csrf_token,
    )


def principal_for_key(key: ApiKey) -> Principal:
    return Principal(
        kind="client",
        id=key.id,
        name=key.name,
        role="client",
        permissions=frozenset(key.scopes),
        scope_path=key.unit.node.path,
        unit_id=key.unit_id,
        bank_code=key.unit.bank_code,
        sources=frozenset(key.sources),
    )


def _unit_in_scope(session: Session, unit_id: int, actor: Principal, field: str = "unit_id") -> Unit:
    unit = jurisdiction.require_unit(session, unit_id)
    if not actor.sees(unit.node.path):
        raise ValidationFailed.on(field, "单位不在您的管辖范围内")
    return unit


def create_user(session: Session, data: UserIn, actor: Principal) -> User:
    unit = _unit_in_scope(session, data.unit_id, actor)
    if data.role == Role.BANK_LIAISON or unit.bank_code:
        jurisdiction.require_bank_authority(actor, "role")
    if repo.user_by_username(session, data.username) is not None:
        raise ValidationFailed.on("username", f"用户名 {data.username} 已被使用")
    pii = data.pii_access if data.pii_access is not None else data.role in PII_BY_DEFAULT
    if pii and not actor.can(Perm.PII_REVEAL) and actor.kind != "system":
        raise Forbidden("您不能授予自己没有的个人信息查看权限")
    user = User(
        username=data.username,
        display_name=data.display_name,
        password_hash=hash_password(data.password),
        role=data.role.value,
        unit_id=data.unit_id,
        pii_access=pii,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor.actor,
        "accounts.user.create",
        "user",
        user.id,
        None,
        {"username": user.username, "role": user.role, "unit_id": user.unit_id, "pii_access": pii},
    )
    return user


def update_user(session: Session, user_id: int, patch: UserPatch, actor: Principal) -> User:
    user = repo.user_by_id(session, user_id)
    if user is None or not actor.sees(user.unit.node.path):
        raise NotFound("用户不存在或不在您的管辖范围内")
    changes = patch.model_dump(exclude_none=True)
    if "role" in changes and (patch.role == Role.BANK_LIAISON or user.unit.bank_code):
        jurisdiction.require_bank_authority(actor, "role")
    if changes.get("pii_access") and not actor.can(Perm.PII_REVEAL) and actor.kind != "system":
        raise Forbidden("您不能授予自己没有的个人信息查看权限")
    before = {k: getattr(user, k) for k in changes}
    for key, value in changes.items():
        setattr(user, key, value.value if isinstance(value, Role) else value)
    session.flush()
    audit.record(session, actor.actor, "accounts.user.update", "user", user.id, before, changes)
    return user


@dataclass(frozen=True)
class LoginResult:
    user: User
    token: str
    csrf_token: str


def login(session: Session, username: str, password: str, ip: str) -> LoginResult:
    """Check the password; too many recent failures lock the name for that address, and an
    address trying many names, for a while.

    A failure is flushed before raising, and the route commits it, so the count holds.
    """
    s = get_settings()
    now = utcnow()
    window = timedelta(minutes=s.login_lockout_minutes)
    since = now - window
    if repo.failures_since(session, since, ip) >= s.login_ip_max_failures:
        raise TooManyRequests(
            f"本地址登录失败次数过多，请 {s.login_lockout_minutes} 分钟后再试", int(window.total_seconds())
        )
    if repo.failures_since(session, since, ip, username) >= s.login_max_failures:
        raise TooManyRequests(
            f"登录失败次数过多，请 {s.login_lockout_minutes} 分钟后再试", int(window.total_seconds())
        )
    user = repo.user_by_username(session, username)
    known = user.password_hash if user is not None and user.active else None
    if not verify_password(known, password) or user is None:
        session.add(LoginFailure(username=username, ip=ip, at=now))
        session.flush()
        raise NotAuthenticated("用户名或密码错误")
    token, csrf = new_token(), new_token(16)
    session.add(
        LoginSession(
            token_digest=token_digest(token),
            csrf_token=csrf,
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=s.session_hours),
        )
    )
    session.flush()
    audit.record(
        session, f"user:{user.id}:{user.username}", "accounts.login", "user", user.id, None, {"ip": ip}
    )
    return LoginResult(user, token, csrf)


def principal_from_session_token(session: Session, token: str) -> Principal | None:
    live = repo.live_session(session, token_digest(token), utcnow())
    if live is None:
        return None
    user = repo.user_by_id(session, live.user_id)
    if user is None or not user.active:
        return None
    return principal_for_user(user, live.csrf_token)


def logout(session: Session, token: str) -> None:
    live = repo.live_session(session, token_digest(token), utcnow())
    if live is not None:
        live.revoked_at = utcnow()
        session.flush()


def principal_from_api_key(session: Session, token: str) -> Principal:
    key = repo.api_key_by_digest(session, token_digest(token))
    if key is None or key.revoked_at is not None:
        raise NotAuthenticated("API 密钥无效或已被吊销")
    now = utcnow()
    # At most once a minute: the UPDATE locks the key's row until the request commits, so a feed
    # sending batches over several connections with one key would otherwise have its requests
    # wait for one another from authentication to commit.
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
    return principal_for_key(key)


def create_api_key(session: Session, data: ApiKeyIn, actor: Principal) -> tuple[ApiKey, str]:
    unit = _unit_in_scope(session, data.unit_id, actor)
    bad = [s for s in data.scopes if s not in CLIENT_SCOPES]
    if bad:
        raise ValidationFailed.on("scopes", f"机器客户端不能持有权限：{', '.join(bad)}")
    if Perm.FUNDS_BANK in data.scopes or unit.bank_code:
        jurisdiction.require_bank_authority(actor, "scopes")
    if Perm.WARNINGS_INTAKE in data.scopes and not data.sources:
        raise ValidationFailed.on("sources", "接收预警的密钥须指定它可提交的预警来源（如 province）")
    if repo.api_key_by_name(session, data.name) is not None:
        raise ValidationFailed.on("name", f"密钥名称 {data.name} 已存在")
    secret = new_token()
    prefix = secret[:8]
    token = f"fz_{prefix}_{secret[8:]}"
    key = ApiKey(
        name=data.name,
        prefix=prefix,
        token_digest=token_digest(token),
        scopes=[s.value for s in data.scopes],
        sources=sorted(set(data.sources)),
        unit_id=data.unit_id,
        created_by=actor.actor,
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        actor.actor,
        "accounts.api_key.create",
        "api_key",
        key.id,
        None,
        {"name": key.name, "scopes": key.scopes, "sources": key.sources, "unit_id": key.unit_id},
    )
    return key, token


def revoke_api_key(session: Session, key_id: int, actor: Principal) -> ApiKey:
    key = repo.api_key_by_id(session, key_id)
    if key is None or not actor.sees(key.unit.node.path):
        raise NotFound("API 密钥不存在或不在您的管辖范围内")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor.actor,
            "accounts.api_key.revoke",
            "api_key",
            key.id,
            {"revoked_at": None},
            {"revoked_at": key.revoked_at},
        )
    return key


def on_duty_users(session: Session, unit_id: int, roles: Sequence[str]) -> Sequence[User]:
    """The unit's active people on duty in these roles, oldest account first (who gets assigned)."""
    return repo.on_duty_users(session, unit_id, roles)


def list_users(session: Session, actor: Principal) -> Sequence[User]:
    return repo.users_within(session, actor.scope_path)


def list_api_keys(session: Session, actor: Principal) -> Sequence[ApiKey]:
    return repo.api_keys_within(session, actor.scope_path)


def display_name(session: Session, user_id: int) -> str | None:
    """A user's name as colleagues and residents know it (None for machine clients)."""
    user = repo.user_by_id(session, user_id)
    return user.display_name if user else None


# What the system principals (CLI, scheduler, demo) are called on a Chinese page.
SYSTEM_NAMES = {
    "system": "系统",
    "cli": "命令行",
    "demo": "演示数据",
    "warnings-scheduler": "超时提醒",
    "public-report": "群众举报",
}


@dataclass(frozen=True)
class Actor:
    """Who an audit actor string (``user:4:police``) is, as a page names them."""

    name: str
    unit_name: str | None = None
    unit_path: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.unit_name}）" if self.unit_name else self.name


def _actor(session: Session, actor: str) -> Actor:
    kind, _, rest = actor.partition(":")
    ident, _, name = rest.partition(":")
    if kind == "user" and ident.isdigit() and (user := repo.user_by_id(session, int(ident))) is not None:
        return Actor(user.display_name, user.unit.name, user.unit.node.path)
    if kind == "client" and ident.isdigit() and (key := repo.api_key_by_id(session, int(ident))) is not None:
        return Actor(f"接口 {key.name}", key.unit.name, key.unit.node.path)
    if kind == "system":
        return Actor(f"系统·{SYSTEM_NAMES.get(name, name)}")
    return Actor(name or actor)


def describe_actors(session: Session, actors: Iterable[str]) -> dict[str, Actor]:
    """Display name, unit and unit path of each audit actor string (unknown ones by their name)."""
    return {actor: _actor(session, actor) for actor in set(actors)}


def actor_labels(session: Session, actors: Iterable[str | None]) -> dict[str, str]:
    """``user:4:police`` → 张三（甲派出所）, for each actor string given (None skipped)."""
    return {a: who.label for a, who in describe_actors(session, [a for a in actors if a]).items()}


def holders_at_or_above(session: Session, perm: Perm, path: str) -> list[User]:
    """Active users holding ``perm`` whose unit sits at ``path`` or above it in the tree."""
    roles = [role.value for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    return list(repo.users_at_nodes(session, ancestor_paths(path), roles))
