"""`/ws/docs/{room}`: the y-websocket protocol, unchanged, for one page per socket."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from twinspace.errors import Forbidden, NotFound
from twinspace.face.auth import identify_websocket
from twinspace.face.sockets.frame_writer import frame_writer_of
from twinspace.face.sockets.socket_loop import Close, refuse, run_connection
from twinspace.realtime import close_codes, crdt
from twinspace.realtime.awareness import with_account_name
from twinspace.realtime.connections import TooManyConnections
from twinspace.realtime.limits import TokenBucket
from twinspace.realtime.outbox import Outbox
from twinspace.realtime.protocol import (
    AwarenessMessage,
    MalformedMessage,
    PermissionDenied,
    QueryAwareness,
    SyncStep1,
    SyncStep2,
    SyncUpdate,
    decode_message,
    encode_message,
)
from twinspace.realtime.rooms import DocumentTooLarge, Room, RoomInfo, StoreBackedUp
from twinspace.services.container import Services
from twinspace.workspace.documents import room_info

log = logging.getLogger("twinspace.realtime.docs")


class ConnectionState(Enum):
    OPEN = "open"
    CLOSING = "closing"


class DocConnection:
    """One client socket in one room: its outbox and a close request."""

    def __init__(
        self,
        websocket: WebSocket,
        *,
        user_id: int,
        project_id: int,
        can_write: bool,
        queue_size: int,
        display_name: str = "",
    ) -> None:
        self.websocket = websocket
        self.user_id = user_id
        self.display_name = display_name
        self.project_id = project_id
        self.can_write = can_write
        self.state = ConnectionState.OPEN
        self.outbox: Outbox[bytes] = Outbox(queue_size)
        self.close_request: Close | None = None
        self.closed = asyncio.Event()
        self.dropped_updates = 0

    def send(self, frame: bytes) -> None:
        if self.state is ConnectionState.OPEN and not self.outbox.put(frame):
            self.close(close_codes.TRY_AGAIN_LATER, "client too slow to read")

    def close(self, code: int, reason: str) -> None:
        if self.state is ConnectionState.OPEN:
            self.state = ConnectionState.CLOSING
            self.close_request = Close(code, reason)
            self.closed.set()


class DocsSocket:
    """The ASGI app of `/ws/docs/{room}`. Update frames go to the server's synchronous frame
    writer when it offers one, else straight to its `send`, past Starlette's per-message
    wrappers: fan-out writes one frame per client per update."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        def send_frame(frame: bytes) -> Coroutine[Any, Any, None]:
            # the ASGI servers' `send` is a coroutine function (the outbox steps it)
            return cast(Coroutine[Any, Any, None], send({"type": "websocket.send", "bytes": frame}))

        frames = FrameSink(send_frame, frame_writer_of(scope))
        await docs_endpoint(WebSocket(scope, receive, send), frames)


@dataclass(frozen=True, slots=True)
class FrameSink:
    """How a doc socket's frames leave: the async `send`, and a synchronous writer if any."""

    send: Callable[[bytes], Coroutine[Any, Any, None]]
    write: Callable[[bytes], bool] | None


async def docs_endpoint(websocket: WebSocket, frames: FrameSink) -> None:
    services: Services = websocket.app.state.services
    settings = services.settings
    room_name = str(websocket.path_params["room"])
    try:
        async with asyncio.timeout(settings.handshake_timeout_seconds):
            caller = await identify_websocket(websocket, services)
            if caller is None:
                await refuse(websocket, close_codes.NOT_AUTHENTICATED, "sign in first")
                return
            access, page = await services.access.page_by_room(caller.auth.user, room_name)
    except TimeoutError:
        await refuse(websocket, close_codes.TIMEOUT, "handshake took too long")
        return
    except Forbidden as exc:
        await refuse(websocket, close_codes.FORBIDDEN, exc.detail)
        return
    except NotFound:
        await refuse(websocket, close_codes.UNKNOWN_ROOM, "unknown room")
        return
    connection = DocConnection(
        websocket,
        user_id=caller.auth.user.id,
        display_name=caller.auth.user.display_name,
        project_id=page.project_id,
        can_write=await services.documents.write_rules.allowed(access, page),
        queue_size=settings.ws_send_queue_messages,
    )
    try:
        services.connections.add(connection)
    except TooManyConnections as exc:
        await refuse(websocket, close_codes.RATE_LIMITED, str(exc))
        return
    try:
        await websocket.accept()
        await _serve(services, connection, room_info(page), frames)
    finally:
        services.connections.remove(connection)


async def _serve(
    services: Services, connection: DocConnection, info: RoomInfo, frames: FrameSink
) -> None:
    rooms = services.documents.rooms
    try:
        room = await rooms.join(info, connection)
    except Exception:
        log.exception("loading room %s failed", info.room)
        await connection.websocket.close(close_codes.INTERNAL, "could not load the page")
        return
    try:
        connection.send(encode_message(SyncStep1(room.doc.state_vector())))
        snapshot = room.awareness.snapshot()
        if snapshot is not None:
            connection.send(snapshot)
        await run_connection(
            connection, _receive_loop(services, room, connection), frames.send, frames.write
        )
    finally:
        rooms.leave(room, connection)


async def _receive_loop(services: Services, room: Room, connection: DocConnection) -> None:
    settings = services.settings
    bucket = TokenBucket(settings.ws_messages_per_second, settings.ws_message_burst)
    while True:
        try:
            async with asyncio.timeout(settings.idle_timeout_seconds):
                message = await connection.websocket.receive()
        except TimeoutError:
            raise Close(close_codes.TIMEOUT, "idle for too long") from None
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        frame = message.get("bytes")
        if frame is None:
            raise Close(close_codes.MALFORMED, "this protocol uses binary frames")
        if not bucket.take():
            raise Close(close_codes.RATE_LIMITED, "too many messages")
        _handle(services, room, connection, frame)


def _handle(services: Services, room: Room, connection: DocConnection, frame: bytes) -> None:
    try:
        message = decode_message(frame)
        match message:
            case SyncStep1(state_vector=state_vector):
                reply = room.doc.encode_state_as_update(state_vector)
                connection.send(encode_message(SyncStep2(reply)))
            case SyncStep2(update=update) | SyncUpdate(update=update):
                if not services.documents.rooms.apply_client_update(room, connection, update):
                    connection.dropped_updates += 1
            case AwarenessMessage(entries=entries):
                named = with_account_name(entries, connection.display_name)
                relay = room.awareness.apply(connection, named)
                if relay is not None:
                    # Echoed to the sender too, as the y-websocket server does: a client alone
                    # on a page otherwise hears nothing and reconnects every 30 s.
                    room.broadcast(relay)
            case QueryAwareness():
                snapshot = room.awareness.snapshot()
                if snapshot is not None:
                    connection.send(snapshot)
            case PermissionDenied():
                pass
    except (MalformedMessage, crdt.MalformedUpdate) as exc:
        raise Close(close_codes.MALFORMED, "malformed message") from exc
    except DocumentTooLarge as exc:
        raise Close(close_codes.TOO_BIG, str(exc)) from exc
    except StoreBackedUp as exc:
        raise Close(close_codes.TRY_AGAIN_LATER, str(exc)) from exc
