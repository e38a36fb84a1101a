"""FastAPI dependencies: the session, the principal behind a request, permission checks."""

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fanzha.accounts import service
from fanzha.core.db import TransactionOpener, get_session, transaction_opener
from fanzha.core.errors import Forbidden, NotAuthenticated
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm

SESSION_COOKIE = "fanzha_session"
CSRF_HEADER = "x-csrf-token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# scope="function": commit before the response is sent, so a client never sees success
# for a transaction that then fails to commit.
DbSession = Annotated[Session, Depends(get_session, scope="function")]
# Opens gated transactions of a route's own (core.db.gated_session), for routes that must not
# hold one for the whole request.
Opener = Annotated[TransactionOpener, Depends(transaction_opener)]


async def _csrf_ok(request: Request, expected: str) -> bool:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    return sent is not None and hmac.compare_digest(sent, expected)


@dataclass(frozen=True)
class Credential:
    """What a request presents, unchecked: an API key, or the console's session cookie with the
    CSRF header sent beside it."""

    api_key: str | None = None
    cookie: str | None = None
    csrf: str | None = None


def credential_of(request: Request) -> Credential | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return Credential(api_key=auth[7:].strip())
    token = request.cookies.get(SESSION_COOKIE)
    return Credential(cookie=token, csrf=request.headers.get(CSRF_HEADER)) if token else None


def _authenticate(session: Session, credential: Credential) -> Principal | None:
    if credential.api_key is not None:
        return service.principal_from_api_key(session, credential.api_key)
    assert credential.cookie is not None
    return service.principal_from_session_token(session, credential.cookie)


_CSRF_FAILED = "页面已过期（CSRF 校验失败），请刷新后重试"


async def optional_principal(request: Request, session: DbSession) -> Principal | None:
    # Database calls go to the thread pool: on the event loop, a wait for SQLite's write lock
    # (BEGIN IMMEDIATE) would stall the loop, and with it the request holding the lock.
    credential = credential_of(request)
    if credential is None:
        return None
    principal = await run_in_threadpool(_authenticate, session, credential)
    if principal is None or credential.cookie is None:
        return principal
    if request.method not in _SAFE_METHODS and not await _csrf_ok(request, principal.csrf_token or ""):
        raise Forbidden(_CSRF_FAILED)
    return principal


def signed_in(session: Session, credential: Credential, perm: Perm) -> Principal:
    """The principal behind ``credential`` holding ``perm``, for a JSON write that authenticates
    inside a transaction of its own (``presented``): 401, or 403 for a missing CSRF header or
    permission, as ``requires`` answers."""
    principal = _authenticate(session, credential)
    if principal is None:
        raise NotAuthenticated()
    if credential.cookie is not None and not (
        credential.csrf is not None and hmac.compare_digest(credential.csrf, principal.csrf_token or "")
    ):
        raise Forbidden(_CSRF_FAILED)
    principal.require(perm)
    return principal


# Declares in the OpenAPI spec which operations need a signed-in caller (fanzha.apidocs fills
# in the schemes); reading the header is optional_principal's job.
_signed_in = HTTPBearer(auto_error=False, scheme_name="apiKey")


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
    _: Annotated[HTTPAuthorizationCredentials | None, Security(_signed_in)],
) -> Principal:
    if principal is None:
        raise NotAuthenticated()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def requires(perm: Perm) -> Callable[[Principal], Principal]:
    """Dependency factory: the principal, after checking it holds ``perm``."""

    def check(principal: CurrentPrincipal) -> Principal:
        principal.require(perm)
        return principal

    check.__name__ = f"requires_{perm.value.replace('.', '_')}"
    return check


async def presented(request: Request) -> Credential:
    """The caller's credential, unchecked (401 when there is none): for a route that checks it
    with ``signed_in`` in a transaction of its own, so that the request holds no session, slot or
    lock while it waits (the warnings' group commit, which checks it once for a whole batch).
    Such a route declares its sign-in with ``openapi_extra=SIGNED_IN_DOC`` rather than by the
    bearer scheme as a sub-dependency: FastAPI would solve that dependency on every request."""
    credential = credential_of(request)
    if credential is None:
        raise NotAuthenticated()
    return credential


Presented = Annotated[Credential, Depends(presented)]
# The OpenAPI marker the bearer scheme's dependency leaves on an operation (fanzha.apidocs turns it
# into the API's sign-in requirements), for routes that take ``Presented``.
SIGNED_IN_DOC: dict[str, Any] = {"security": [{"apiKey": []}]}
