"""Pages for citizens, no login: the privacy statement and the large-text switch."""

from fastapi import APIRouter, Request, Response

from fanzha.accounts.deps import OptionalPrincipal
from fanzha.web.render import LARGE_TEXT_COOKIE, page, redirect, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/privacy")
def privacy(request: Request, principal: OptionalPrincipal) -> Response:
    return page(request, "public/privacy.html", principal)


@router.get("/large-text")
def large_text(on: bool = True, back: str | None = None) -> Response:
    """A cookie, not a script: the large-text mode works in any browser and survives a reload."""
    response = redirect(safe_next(back))
    if on:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 86400, samesite="lax")
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE)
    return response
