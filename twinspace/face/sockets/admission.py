"""How both websocket endpoints let a connection in, written once: authenticate within the
handshake deadline, resolve what the socket is for, register it under the per-user cap, and
refuse with the documented close code at each step that fails (README "Close codes")."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.websockets import WebSocket, WebSocketDisconnect

from twinspace.errors import Forbidden, NotFound, RuleViolation
from twinspace.face.auth import Caller, identify_websocket
from twinspace.face.sockets.socket_loop import Close, refuse
from twinspace.realtime import close_codes
from twinspace.realtime.connections import Closable, TooManyConnections
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
        services.connections.add(connection)
    except TooManyConnections as exc:
        await refuse(websocket, close_codes.RATE_LIMITED, str(exc))
        return
    try:
        await websocket.accept()
        await serve()
    finally:
        services.connections.remove(connection)


async def receive(websocket: WebSocket, idle_seconds: float, idle_reason: str) -> dict[str, Any]:
    """The next frame; a quiet client is closed with 4408, a gone one ends the loop."""
    try:
        async with asyncio.timeout(idle_seconds):
            message = await websocket.receive()
    except TimeoutError:
        raise Close(close_codes.TIMEOUT, idle_reason) from None
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    return dict(message)
