"""Who is calling: bearer token or session cookie (with CSRF and Origin checks)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.responses import Response

from twinspace.accounts.service import Authenticated, NewSession
from twinspace.config import Settings
from twinspace.errors import Forbidden, Unauthenticated
from twinspace.services.container import Services

SESSION_COOKIE = "twinspace_session"
CSRF_COOKIE = "twinspace_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRejected(Forbidden):
    code, title = "csrf-failed", "Cross-site request refused"


@dataclass(frozen=True, slots=True)
class Caller:
    auth: Authenticated
    via_cookie: bool


def _bearer(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def origin_allowed(conn: HTTPConnection, settings: Settings) -> bool:
    """A missing Origin is allowed (non-browser clients); a foreign one is not."""
    origin = conn.headers.get("origin")
    return origin is None or origin in settings.allowed_origins


async def identify(conn: HTTPConnection, services: Services, *, method: str) -> Caller | None:
    """Resolve the caller; a bad bearer token is an error, never a fall-back to the cookie."""
    token = _bearer(conn)
    if token is not None:
        auth = await services.accounts.authenticate(token)
        if auth is None:
            raise Unauthenticated("the token is unknown or expired")
        caller = Caller(auth, via_cookie=False)
    else:
        cookie = conn.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        auth = await services.accounts.authenticate(cookie)
        if auth is None:
            return None
        caller = Caller(auth, via_cookie=True)
        if method not in SAFE_METHODS:
            sent = conn.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent.encode(), auth.csrf_token.encode()):
                raise CsrfRejected("missing or wrong X-CSRF-Token header")
            if not origin_allowed(conn, services.settings):
                raise CsrfRejected("this Origin may not use the session cookie")
    conn.scope.setdefault("state", {})["user_id"] = caller.auth.user.id
    return caller


def query_token(conn: HTTPConnection) -> str | None:
    return conn.query_params.get("token")


async def identify_websocket(conn: HTTPConnection, services: Services) -> Caller | None:
    """`?token=`, bearer header, or the session cookie with an allowed Origin (no CSWSH)."""
    token = query_token(conn)
    if token is not None:
        auth = await services.accounts.authenticate(token)
        caller = Caller(auth, via_cookie=False) if auth else None
    else:
        try:
            caller = await identify(conn, services, method="GET")
        except Unauthenticated:
            return None
        if caller is not None and caller.via_cookie and not origin_allowed(conn, services.settings):
            raise CsrfRejected("cross-site websocket refused")
    if caller is not None:
        conn.scope.setdefault("state", {})["user_id"] = caller.auth.user.id
    return caller


def set_session_cookies(response: Response, session: NewSession, settings: Settings) -> None:
    max_age = settings.session_ttl_seconds
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        session.csrf_token,
        max_age=max_age,
        httponly=False,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )


def clear_session_cookies(response: Response, settings: Settings) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", secure=settings.cookie_secure, samesite="lax")
