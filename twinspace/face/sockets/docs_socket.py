"""`/ws/docs/{room}`: the y-websocket protocol, unchanged, for one page per socket."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from enum import Enum
from functools import partial
from typing import Any, cast

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from twinspace.face.auth import Caller
from twinspace.face.sockets.admission import admit, answer_exception, serve_registered
from twinspace.face.sockets.frame_writer import frame_writer_of
from twinspace.face.sockets.socket_loop import Close, CloseFlag, IdleDeadline, run_connection
from twinspace.realtime import close_codes, crdt
from twinspace.realtime.awareness import AwarenessRefused, Identity
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


_OPEN = ConnectionState.OPEN  # read per frame of a fan-out: a global is cheaper (~70 ns)


class DocConnection:
    """One client socket in one room: who it is, the session it was opened with, its right
    to write, its outbox and a close request."""

    __slots__ = (
        "acknowledger",
        "can_write",
        "close_request",
        "closed",
        "dropped_updates",
        "held_replies",
        "identity",
        "info",
        "outbox",
        "project_id",
        "refused_edits",
        "session_expires_at",
        "session_id",
        "state",
        "unsaved",
        "user_id",
        "websocket",
    )

    def __init__(
        self,
        websocket: WebSocket,
        *,
        identity: Identity,
        project_id: int,
        session_id: int,
        session_expires_at: datetime,
        can_write: bool,
        queue_size: int,
        info: RoomInfo,
    ) -> None:
        self.websocket = websocket
        self.info = info  # the page this socket edits
        self.identity = identity
        self.user_id = identity.user_id
        self.project_id = project_id
        self.session_id = session_id
        self.session_expires_at = session_expires_at
        self.can_write = can_write
        self.state = ConnectionState.OPEN
        self.outbox: Outbox[bytes] = Outbox(queue_size)
        self.close_request: Close | None = None
        self.closed = CloseFlag()
        self.dropped_updates = 0  # every update dropped while it could not write
        self.refused_edits = 0  # those of them that held something new (rooms.py)
        # Acknowledgements wait for durability (docs/cluster.md, "Acknowledged means
        # stored"): the persistence sequence number its edits reached, and sync step 2
        # replies held until that is committed, in the order their probes came (made when
        # first needed: an idle connection keeps no queue, docs/architecture.md "Memory per
        # connection").
        self.unsaved = 0
        self.held_replies: deque[tuple[int, bytes]] | None = None
        self.acknowledger: asyncio.Task[None] | None = None

    def send(self, frame: bytes) -> None:
        if self.state is _OPEN and not self.outbox.put(frame):
            self.close(close_codes.TRY_AGAIN_LATER, "client too slow to read")

    def close(self, code: int, reason: str) -> None:
        if self.state is ConnectionState.OPEN:
            self.state = ConnectionState.CLOSING
            self.can_write = False  # nothing it still sends is applied
            self.close_request = Close(code, reason)
            self.closed.set()

    def allow_writing(self, allowed: bool) -> None:
        """Apply a recomputed write right. A connection whose edits were refused while it was
        read-only holds content the page never got, and later edits of its own build on it:
        when it may write again it is closed with 4409, and the client rebuilds from the
        server's copy (docs/events-protocol.md, "Page sockets")."""
        if allowed and not self.can_write and self.refused_edits:
            self.close(close_codes.RESYNC, "edits made while read-only were not saved: reload")
        elif self.state is ConnectionState.OPEN:
            self.can_write = allowed


class DocsSocket:
    """The ASGI app of `/ws/docs/{room}`. Update frames go to the server's synchronous frame
    writer when it offers one, else straight to its `send`, past Starlette's per-message
    wrappers: fan-out writes one frame per client per update."""

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # returns the endpoint's coroutine: one suspended frame less per connection
        frames = FrameSink(receive, send, frame_writer_of(scope))
        return docs_endpoint(WebSocket(scope, receive, send), frames)


class FrameSink:
    """How a doc socket's frames come and go: the ASGI `receive` and `send` (the receive loop
    reads the first straight, past Starlette's `WebSocket.receive`, one suspended frame less
    while it waits), and the server's synchronous writer if it offers one."""

    __slots__ = ("asgi_send", "receive", "write")

    def __init__(self, receive: Receive, send: Send, write: Callable[[bytes], bool] | None):
        self.receive = receive
        self.asgi_send = send
        self.write = write

    def send(self, frame: bytes) -> Coroutine[Any, Any, None]:
        # the ASGI servers' `send` is a coroutine function (the outbox steps it)
        return cast(
            Coroutine[Any, Any, None], self.asgi_send({"type": "websocket.send", "bytes": frame})
        )


async def docs_endpoint(websocket: WebSocket, frames: FrameSink) -> None:
    # No closures: the variables a nested function captures become cells of this frame, which
    # lives as long as the socket (five objects more per socket for the collector to scan,
    # bench/README.md "The storm's CPU").
    services: Services = websocket.app.state.services
    try:
        connection = await admit(
            websocket,
            services,
            partial(_resolve, websocket, services, str(websocket.path_params["room"])),
            unknown="unknown room",
        )
        if connection is not None:
            await serve_registered(
                websocket, services, connection, partial(_serve, services, connection, frames)
            )
    except Exception as exc:
        # served past Starlette's exception middleware (app/factory.py): answered as it would
        if not await answer_exception(websocket.scope, frames.receive, frames.asgi_send, exc):
            raise


async def _resolve(
    websocket: WebSocket, services: Services, room_name: str, caller: Caller
) -> DocConnection:
    access, page = await services.access.page_by_room(caller.auth.user, room_name)
    user = caller.auth.user
    return DocConnection(
        websocket,
        identity=Identity(user.id, user.display_name, access.role.value),
        project_id=page.project_id,
        session_id=caller.auth.session_id,
        session_expires_at=caller.auth.expires_at,
        can_write=await services.documents.write_rules.allowed(access, page),
        queue_size=services.settings.ws_send_queue_messages,
        info=room_info(page),
    )


async def _serve(services: Services, connection: DocConnection, frames: FrameSink) -> None:
    rooms = services.documents.rooms
    info = connection.info
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
            connection,
            _receive_loop(services, room, connection, frames.receive),
            frames.send,
            frames.write,
        )
    finally:
        if connection.acknowledger is not None:
            connection.acknowledger.cancel()
        rooms.leave(room, connection)


async def _receive_loop(
    services: Services, room: Room, connection: DocConnection, receive: Receive
) -> None:
    """Frames until the client goes (WebSocketDisconnect) or one must end the connection
    (Close); a client quiet for `idle_timeout_seconds` is closed with 4408."""
    settings = services.settings
    bucket = TokenBucket(settings.ws_messages_per_second, settings.ws_message_burst)
    idle = IdleDeadline(settings.idle_timeout_seconds, connection, "idle for too long")
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                # as Starlette's WebSocket.receive would have noted it
                connection.websocket.client_state = WebSocketState.DISCONNECTED
                raise WebSocketDisconnect(message.get("code", 1000))
            idle.touch()
            frame = message.get("bytes")
            if frame is None:
                raise Close(close_codes.MALFORMED, "this protocol uses binary frames")
            if not bucket.take():
                raise Close(close_codes.RATE_LIMITED, "too many messages")
            if connection.state is not ConnectionState.OPEN:
                return  # closing (e.g. its session ended): nothing more it sends counts
            _handle(services, room, connection, frame)
    finally:
        idle.cancel()


def _handle(services: Services, room: Room, connection: DocConnection, frame: bytes) -> None:
    """One frame. Every way it can be malformed ends in a close code, never a traceback
    (README "Close codes")."""
    try:
        message = decode_message(frame)
        match message:
            case SyncStep1(state_vector=state_vector):
                reply = encode_message(SyncStep2(room.doc.encode_state_as_update(state_vector)))
                _acknowledge(services, connection, reply)
            case SyncStep2(update=update) | SyncUpdate(update=update):
                waiting = room.doc.pending_count
                if not services.documents.rooms.apply_client_update(room, connection, update):
                    connection.dropped_updates += 1
                    return
                connection.unsaved = services.documents.persistence.appended
                if room.doc.pending_count > waiting:
                    # It builds on content the page lacks (e.g. refused on an earlier, read-only
                    # socket): ask for everything the page misses, so its edits land instead
                    # of waiting unseen (a y-websocket client answers with sync step 2).
                    connection.send(encode_message(SyncStep1(room.doc.state_vector())))
            case AwarenessMessage(entries=entries):
                relay = room.awareness.apply(connection, connection.identity, entries)
                if relay is not None:
                    # Echoed to the sender too, as the y-websocket server does: a client alone
                    # on a page otherwise hears nothing and reconnects every 30 s.
                    services.documents.rooms.relay_awareness(room, relay, connection.user_id)
            case QueryAwareness():
                snapshot = room.awareness.snapshot()
                if snapshot is not None:
                    connection.send(snapshot)
            case PermissionDenied():
                pass
    except (MalformedMessage, crdt.MalformedUpdate) as exc:
        raise Close(close_codes.MALFORMED, "malformed message") from exc
    except AwarenessRefused as exc:
        raise Close(exc.code, exc.reason) from exc
    except DocumentTooLarge as exc:
        raise Close(close_codes.TOO_BIG, str(exc)) from exc
    except StoreBackedUp as exc:
        raise Close(close_codes.TRY_AGAIN_LATER, str(exc)) from exc


def _acknowledge(services: Services, connection: DocConnection, reply: bytes) -> None:
    """Send a sync step 2 reply once every edit the connection sent before it is committed.

    The web client's "Saved" follows this reply (web/src/editor/saveState.ts): it must never
    arrive before the edits it acknowledges are in the database."""
    persistence = services.documents.persistence
    if not connection.held_replies and persistence.is_durable(connection.unsaved):
        connection.send(reply)
        return
    if connection.held_replies is None:
        connection.held_replies = deque()
    connection.held_replies.append((connection.unsaved, reply))
    if connection.acknowledger is None or connection.acknowledger.done():
        connection.acknowledger = asyncio.create_task(_send_held_replies(services, connection))


async def _send_held_replies(services: Services, connection: DocConnection) -> None:
    persistence = services.documents.persistence
    held = connection.held_replies
    while held:
        sequence, reply = held[0]
        await persistence.wait_durable(sequence)
        held.popleft()
        connection.send(reply)
