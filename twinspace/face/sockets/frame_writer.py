"""uvicorn's sans-I/O websocket protocol plus a synchronous writer of binary messages, offered
to the app as the ASGI scope extension `twinspace.frame_writer`.

Fan-out writes one frame per client per update. Through ASGI each costs a coroutine, the
middleware chain and websockets' `Frame` objects: several times the system call itself. The
writer frames the message by hand (a server frame is a 2-10 byte header, RFC 6455 §5.2: too
small to be worth a dependency) and declines whenever only the async `send` may write: before
the handshake, after a close, while the transport is paused, or when an extension such as
permessage-deflate transforms frames. A frame for a connection that is already lost is
dropped.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TypedDict

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request
from websockets.protocol import State

FRAME_WRITER = "twinspace.frame_writer"
FIN_BINARY = 0x82  # FIN bit and opcode 2 (binary): one whole message per frame


class FrameWriterExtension(TypedDict):
    write_binary: Callable[[bytes], bool]


def binary_frame_header(length: int) -> bytes:
    """The header of an unmasked (server-to-client) final binary frame of `length` bytes."""
    if length < 126:
        return struct.pack("!BB", FIN_BINARY, length)
    if length < 1 << 16:
        return struct.pack("!BBH", FIN_BINARY, 126, length)
    return struct.pack("!BBQ", FIN_BINARY, 127, length)


class FrameWriterProtocol(WebSocketsSansIOProtocol):
    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # None when the handshake was refused
            extension: FrameWriterExtension = {"write_binary": self.write_binary}
            scope["extensions"][FRAME_WRITER] = extension

    def connection_lost(self, exc: Exception | None) -> None:
        # The scope holds the writer, a bound method of this protocol: break the cycle.
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"].pop(FRAME_WRITER, None)
        super().connection_lost(exc)

    def write_binary(self, data: bytes) -> bool:
        """Write `data` as one binary message now, or drop it when the connection is already
        going away (nothing more can reach the client); False when the async `send` must."""
        if self.disconnected or self.transport.is_closing():
            # Lost before uvicorn heard of it: writing would only make asyncio warn.
            return True
        if (
            not self.handshake_complete
            or self.close_sent
            or self.initial_response is not None
            or not self.writable.is_set()
            or self.conn.state is not State.OPEN
            or self.conn.extensions
        ):
            return False
        self.transport.write(binary_frame_header(len(data)) + data)
        return True


def frame_writer_of(scope: object) -> Callable[[bytes], bool] | None:
    """The connection's synchronous binary writer, when the server offers one."""
    if not isinstance(scope, dict):
        return None
    extension = (scope.get("extensions") or {}).get(FRAME_WRITER)
    return None if extension is None else extension["write_binary"]
