"""ASGI middleware: request/websocket logging and metrics, body limits, security headers."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from twinspace.errors import PayloadTooLarge, Problem, RequestTimeout
from twinspace.face.problems import problem
from twinspace.metrics import Metrics

log = logging.getLogger("twinspace.access")

API_CSP = "default-src 'none'; frame-ancestors 'none'"
WEB_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self' ws: wss:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


# Public catalogue answers (no personal data) that shared caches may keep; every other API
# answer carries personal data or depends on who asks and is never stored (`no-store`).
PUBLIC_CATALOGUE = re.compile(r"^/api/v1/(countries|schools(/\d+)?|openapi\.json)$")


SECRET_IN_PATH = re.compile(r"^(/api/v1/calendar/feeds/)[^/]+(\.ics)$")


def loggable_path(path: str) -> str:
    """The path as logs may keep it: a calendar feed's token (its only authentication) is
    replaced by `***`."""
    return SECRET_IN_PATH.sub(r"\1***\2", path)


def api_cache_control(method: str, path: str) -> bytes | None:
    """The Cache-Control an API answer gets when its handler set none."""
    if not path.startswith("/api/"):
        return None
    if method in ("GET", "HEAD") and PUBLIC_CATALOGUE.match(path):
        return b"no-cache"
    return b"no-store"


def _state(scope: Scope) -> dict[str, Any]:
    state: dict[str, Any] = scope.setdefault("state", {})
    return state


class ObservabilityMiddleware:
    """One log line per request and per websocket open/close, with user id and duration."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Not a coroutine itself: a websocket's stack of suspended frames, held for its whole
        # life, is one frame shorter (docs/architecture.md, "Memory per connection").
        if scope["type"] == "http":
            return self._http(scope, receive, send)
        if scope["type"] == "websocket":
            return self._websocket(scope, receive, send)
        return self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            state = _state(scope)
            route = state.get("route", "other")
            self.metrics.http_requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.http_duration.labels(route).observe(elapsed)
            path = loggable_path(scope["path"])
            log.info(
                "%s %s %s %.1fms user=%s",
                scope["method"],
                path,
                status,
                elapsed * 1000,
                state.get("user_id", "-"),
                extra={
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                    "user_id": state.get("user_id"),
                },
            )

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        watch = _SocketWatch(self.metrics, scope, receive, send)
        try:
            await self.app(scope, watch.receive, watch.send)
        finally:
            watch.closed()


class _SocketWatch:
    """One websocket's open and close, for the log and the metrics: what it sends and
    receives passes through `send` and `receive`. An object rather than two closures: a
    socket holds it for its whole life (docs/architecture.md, "Memory per connection")."""

    __slots__ = ("_receive", "_send", "accepted", "code", "endpoint", "metrics", "scope", "start")

    def __init__(self, metrics: Metrics, scope: Scope, receive: Receive, send: Send) -> None:
        self.metrics = metrics
        self.scope = scope
        self._receive = receive
        self._send = send
        self.start = time.perf_counter()
        path = scope["path"]
        self.endpoint = path.split("/")[2] if path.count("/") >= 2 else "other"
        self.accepted = False
        self.code: int | None = None

    async def send(self, message: Message) -> None:
        if message["type"] == "websocket.accept" and not self.accepted:
            self.accepted = True
            self.metrics.ws_open.labels(self.endpoint).inc()
            scope = self.scope
            log.info(
                "ws open %s user=%s",
                scope["path"],
                _state(scope).get("user_id", "-"),
                extra={
                    "path": scope["path"],
                    "user_id": _state(scope).get("user_id"),
                    "event": "ws_open",
                },
            )
        elif message["type"] == "websocket.close" and self.code is None:
            self.code = int(message.get("code", 1000))
        await self._send(message)

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "websocket.disconnect" and self.code is None:
            self.code = int(message.get("code", 1005))
        return message

    def closed(self) -> None:
        scope = self.scope
        elapsed = time.perf_counter() - self.start
        final = self.code if self.code is not None else 1006
        if self.accepted:
            self.metrics.ws_open.labels(self.endpoint).dec()
        self.metrics.ws_closed.labels(self.endpoint, str(final)).inc()
        log.info(
            "ws close %s code=%s %.1fs user=%s",
            scope["path"],
            final,
            elapsed,
            _state(scope).get("user_id", "-"),
            extra={
                "path": scope["path"],
                "close_code": final,
                "event": "ws_close",
                "duration_ms": round(elapsed * 1000, 1),
                "user_id": _state(scope).get("user_id"),
            },
        )


class BodyLimitMiddleware:
    """Refuse bodies above the limit before reading them; count streamed bytes too; a body
    that stalls longer than `idle_timeout` between chunks gets 408."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        upload_limit: int,
        is_upload: Callable[[str], bool],
        idle_timeout: float,
    ) -> None:
        self.app = app
        self.idle_timeout = idle_timeout
        self.limit = limit
        self.upload_limit = upload_limit
        self.is_upload = is_upload

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http":
            return self.app(scope, receive, send)  # no frame of ours under a websocket
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.upload_limit if self.is_upload(scope["path"]) else self.limit
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = True
            if too_big:
                response = problem(
                    413, f"the body may have at most {limit} bytes", code="too-large"
                )
                await response(scope, receive, send)
                return
        received = 0
        body_done = False

        async def counting_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # e.g. waiting for a disconnect while streaming a response
                return await receive()
            try:
                async with asyncio.timeout(self.idle_timeout):
                    message = await receive()
            except TimeoutError:
                raise RequestTimeout(
                    f"the body stalled for over {self.idle_timeout:.0f}s"
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(
                        f"the body may have at most {limit} bytes",
                        problem=Problem.BODY_TOO_LARGE,
                        max_bytes=limit,
                    )
                body_done = not message.get("more_body", False)
            return message

        await self.app(scope, counting_receive, send)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http":
            return self.app(scope, receive, send)  # no frame of ours under a websocket
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        is_web = not scope["path"].startswith(("/api/", "/media/", "/metrics", "/healthz"))
        cache_control = api_cache_control(scope["method"], scope["path"])

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                defaults = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", (WEB_CSP if is_web else API_CSP).encode()),
                ]
                if cache_control is not None:
                    defaults.append((b"cache-control", cache_control))
                headers.extend((k, v) for k, v in defaults if k not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)
