"""`/ws/me`: the signed-in user's own event stream, the user channel (docs/events-protocol.md,
"The user channel").

It carries what concerns the user wherever they are in the client: each new `notification`
with the unread count, and `notifications.unread` when the count changes otherwise (read on
another device). It authenticates like the project socket, counts towards the per-user
connection cap, follows its session (4401 when it ends), closes a quiet client (4408), a
flood (4429), a frame that is not JSON text (1007) or too big (1009). There is no replay:
on (re)connecting the client reads its list over HTTP; the first frame is the unread count.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from starlette.websockets import WebSocket

from twinspace.face.auth import Caller
from twinspace.face.sockets.admission import admit, json_text_frames, serve_registered
from twinspace.face.sockets.socket_loop import Close, CloseFlag, run_connection
from twinspace.notifications.service import UserPush
from twinspace.realtime import close_codes
from twinspace.realtime.outbox import Outbox
from twinspace.realtime.project_events import encode
from twinspace.realtime.protocol import MalformedMessage, parse_json
from twinspace.services.container import Services

NO_PROJECT = 0  # the user channel belongs to no project (membership removals leave it open)
CLIENT_TYPES = ("ping",)


class UserConnection:
    def __init__(
        self,
        websocket: WebSocket,
        services: Services,
        user_id: int,
        *,
        session_id: int,
        session_expires_at: datetime,
    ) -> None:
        self.websocket = websocket
        self.services = services
        self.user_id = user_id
        self.project_id = NO_PROJECT
        self.session_id = session_id
        self.session_expires_at = session_expires_at
        self.outbox: Outbox[str] = Outbox(services.settings.ws_send_queue_messages)
        self.close_request: Close | None = None
        self.closed = CloseFlag()
        self._ids = itertools.count(1)

    def close(self, code: int, reason: str) -> None:
        if not self.closed.is_set():
            self.close_request = Close(code, reason)
            self.closed.set()

    def local(self, event_type: str, data: dict[str, Any]) -> None:
        text = encode(f"me-{next(self._ids)}", event_type, data)
        if not self.closed.is_set() and not self.outbox.put(text):
            self.close(close_codes.TRY_AGAIN_LATER, "client too slow to read: reconnect")

    def on_bus(self, message: object) -> None:
        if isinstance(message, UserPush):
            self.local(message.type, message.data)

    def error(self, code: str, detail: str, ref: str | None, **extra: Any) -> None:
        self.local("error", {"code": code, "detail": detail, "ref": ref, **extra})

    def handle(self, text: str) -> None:
        try:
            raw = parse_json(text)
        except MalformedMessage:
            raise Close(close_codes.MALFORMED, "messages are JSON objects") from None
        ref = raw.get("ref") if isinstance(raw, dict) else None
        ref = ref if isinstance(ref, str) and len(ref) <= 64 else None
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
            self.error("invalid", "send a JSON object with a string `type`", ref)
        elif raw["type"] not in CLIENT_TYPES:
            self.error(
                "unknown-type",
                f"unknown message type {raw['type'][:40]!r}",
                ref,
                known=list(CLIENT_TYPES),
            )
        elif set(raw) - {"type", "ref"}:
            self.error("invalid", "a ping has only `type` and `ref`", ref)
        else:
            self.local("pong", {"ref": ref})


async def user_events_endpoint(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services

    async def resolve(caller: Caller) -> UserConnection:
        return UserConnection(
            websocket,
            services,
            caller.auth.user.id,
            session_id=caller.auth.session_id,
            session_expires_at=caller.auth.expires_at,
        )

    connection = await admit(websocket, services, resolve, unknown="unknown user")
    if connection is not None:
        await serve_registered(websocket, services, connection, lambda: _serve(connection))


async def _serve(connection: UserConnection) -> None:
    services = connection.services
    # subscribe before counting: a notification in between is then counted or pushed, or both
    unsubscribe = services.notifications.subscribe(connection.user_id, connection.on_bus)
    try:
        unread = await services.storage.notifications.unread_count(connection.user_id)
        connection.local("notifications.unread", {"unread": unread})
        await run_connection(connection, _receive_loop(connection), connection.websocket.send_text)
    finally:
        unsubscribe()


async def _receive_loop(connection: UserConnection) -> None:
    def rate_limited(retry_after: float) -> None:
        connection.error(
            "rate-limited", "too many messages: slow down", None, retry_after=retry_after
        )

    async for text in json_text_frames(
        connection.websocket, connection.services, rate_limited, connection
    ):
        if connection.closed.is_set():
            return
        connection.handle(text)
