"""How both websocket endpoints let a connection in, written once: authenticate within the
handshake deadline, resolve what the socket is for, register it under the per-user cap, and
refuse with the documented close code at each step that fails (README "Close codes")."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException, WebSocketException
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from twinspace.errors import Forbidden, NotFound, RuleViolation
from twinspace.face.auth import Caller, identify_websocket
from twinspace.face.sockets.socket_loop import Close, Closes, IdleDeadline, refuse
from twinspace.realtime import close_codes
from twinspace.realtime.connections import Closable, TooManyConnections
from twinspace.realtime.limits import TokenBucket
from twinspace.services.container import Services

Admitted = TypeVar("Admitted")


async def admit(
    websocket: WebSocket,
    services: Services,
    resolve: Callable[[Caller], Awaitable[Admitted]],
    *,
    unknown: str,
) -> Admitted | None:
    """`resolve(caller)` for an authenticated caller; None once the socket has been refused."""
    try:
        async with asyncio.timeout(services.settings.handshake_timeout_seconds):
            caller = await identify_websocket(websocket, services)
            if caller is None:
                await refuse(websocket, close_codes.NOT_AUTHENTICATED, "sign in first")
                return None
            return await resolve(caller)
    except TimeoutError:
        await refuse(websocket, close_codes.TIMEOUT, "handshake took too long")
    except Forbidden as exc:
        await refuse(websocket, close_codes.FORBIDDEN, exc.detail)
    except NotFound:
        await refuse(websocket, close_codes.UNKNOWN_ROOM, unknown)
    except RuleViolation as exc:
        await refuse(websocket, close_codes.RATE_LIMITED, exc.detail)
    return None


async def serve_registered(
    websocket: WebSocket,
    services: Services,
    connection: Closable,
    serve: Callable[[], Awaitable[None]],
) -> None:
    """Accept and serve `connection` while it counts towards its user's cap."""
    try:
        await services.connections.admit(connection)
    except TooManyConnections as exc:
        await refuse(websocket, close_codes.RATE_LIMITED, str(exc))
        return
    try:
        await websocket.accept()
        forget_handshake(websocket)
        await serve()
    finally:
        await services.connections.release(connection)


def forget_handshake(websocket: WebSocket) -> None:
    """Drop what only admission read, kept otherwise for the socket's life: the request's
    headers (in the ASGI scope the server, Starlette and the middleware share) and Starlette's
    parsed headers, cookies and query (the session token among them)."""
    websocket.scope["headers"] = []
    for cached in ("_headers", "_cookies", "_query_params", "_url"):
        websocket.__dict__.pop(cached, None)


async def json_text_frames(
    websocket: WebSocket,
    services: Services,
    rate_limited: Callable[[float], None],
    connection: Closes,
) -> AsyncIterator[str]:
    """The text frames of a JSON events socket (/ws/projects, /ws/me) that pass its caps: a
    quiet client is closed with 4408, a binary frame with 1007, an oversized one with 1009;
    over the rate the first refused frame is answered (`rate_limited(retry_after)`), the
    rest dropped, and a flood beyond the burst closes with 4429 (README "Close codes")."""
    settings = services.settings
    bucket = TokenBucket(settings.ws_messages_per_second, settings.ws_message_burst)
    refused = 0
    idle = IdleDeadline(settings.idle_timeout_seconds, connection, "idle for too long: send a ping")
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000))
            idle.touch()
            text = message.get("text")
            if text is None:
                raise Close(close_codes.MALFORMED, "this protocol uses JSON text frames")
            if (
                len(text) > settings.ws_max_message_bytes
                or len(text.encode()) > settings.ws_max_message_bytes
            ):
                raise Close(close_codes.TOO_BIG, "message too big")
            if not bucket.take():
                refused += 1
                if refused == 1:
                    rate_limited(round(bucket.retry_after(), 3))
                elif refused > settings.ws_message_burst:
                    raise Close(close_codes.RATE_LIMITED, "message flood")
                continue
            refused = 0
            yield text
    finally:
        idle.cancel()


async def answer_exception(scope: Scope, receive: Receive, send: Send, exc: Exception) -> bool:
    """Answer an exception out of a websocket endpoint served past Starlette's exception
    middleware (the page socket, app/factory.py) as that middleware would: with the app's
    handler for it (a status handler for an HTTPException first), or for a WebSocketException
    a close with its code. The handler for Exception (and 500) is the error middleware's, which
    answers no websocket. False when nothing answers it: it is the server's to log."""
    handlers = {
        key: handler
        for key, handler in scope["app"].exception_handlers.items()
        if key not in (500, Exception)
    }
    handler = None
    if isinstance(exc, HTTPException):
        handler = handlers.get(exc.status_code)
    if handler is None:
        handler = next((handlers[c] for c in type(exc).__mro__ if c in handlers), None)
    websocket = WebSocket(scope, receive, send)
    if handler is None:
        if not isinstance(exc, WebSocketException):
            return False
        await websocket.close(code=exc.code, reason=exc.reason)
        return True
    if inspect.iscoroutinefunction(handler):
        response = await handler(websocket, exc)
    else:
        response = await run_in_threadpool(handler, websocket, exc)
    if response is not None:
        await response(scope, receive, send)
    return True
