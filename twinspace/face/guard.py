"""A request-head deadline for uvicorn's h11 protocol: slowloris clients that trickle header
bytes (HTTP requests and websocket handshakes alike) are cut off.

uvicorn has no such timeout, and any byte received cancels its keep-alive timer.

The same protocol hands a websocket handshake that arrives whole in one read straight to the
websocket protocol, which parses it (websockets' own parser and checks, with their limits)
as it does anyway after h11: uvicorn would parse the head with h11, rebuild it from h11's
headers and have websockets parse it again, ~10 % of a reconnect storm's CPU (bench/README.md,
"The storm's CPU"). Only the plainest form is taken so: `GET`, HTTP/1.1, a `Host` header, the
lines `Upgrade: websocket` and `Connection: Upgrade` as browsers and y-websocket send them, the
head no larger than h11 allows and nothing before it on the connection. Anything else takes
uvicorn's way, h11 first.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from h11._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE  # as uvicorn takes it
from uvicorn.protocols.http.h11_impl import H11Protocol

from twinspace.face.sockets.frame_writer import FrameWriterProtocol

# in a lower-cased head (header names are case-insensitive, these two values as sent)
_UPGRADE_LINES = (b"\r\nupgrade: websocket\r\n", b"\r\nconnection: upgrade\r\n")


class HeadDeadlineProtocol(H11Protocol):
    """H11Protocol that closes a connection whose request head is not complete in time."""

    head_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.logger.info(
                "closing a connection whose request head took over %.0fs", self.head_timeout
            )
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if data.startswith(b"GET ") and self._upgrade_at_once(data):
            return
        super().data_received(data)

    def _upgrade_at_once(self, data: bytes) -> bool:
        """Hand a whole websocket handshake (and whatever follows it) to the websocket
        protocol, as uvicorn does once h11 has parsed it; False to let h11 parse it."""
        if (
            self.ws_protocol_class is None
            or not issubclass(self.ws_protocol_class, FrameWriterProtocol)  # lower-cases names
            or self.conn.their_state is not h11.IDLE
            or self.conn.trailing_data[0]
        ):
            return False
        end = data.find(b"\r\n\r\n")
        limit = self.config.h11_max_incomplete_event_size or DEFAULT_MAX_INCOMPLETE_EVENT_SIZE
        if end < 0 or end + 4 > limit:
            return False
        head = data[: end + 2].lower()
        if (
            not head[: head.find(b"\r\n")].endswith(b" http/1.1")
            or b"\r\nhost:" not in head
            or any(line not in head for line in _UPGRADE_LINES)
        ):
            return False
        self._disarm()
        self._unset_keepalive_if_required()
        self.connections.discard(self)
        protocol = self.ws_protocol_class(
            config=self.config, server_state=self.server_state, app_state=self.app_state
        )
        protocol.connection_made(self.transport)
        self.transport.set_protocol(protocol)
        protocol.data_received(data)
        return True

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # the head is complete (or the connection moved on)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on a kept-alive connection gets its own deadline


def guarded_protocol(head_timeout: float) -> type[HeadDeadlineProtocol]:
    return type("GuardedH11Protocol", (HeadDeadlineProtocol,), {"head_timeout": head_timeout})
