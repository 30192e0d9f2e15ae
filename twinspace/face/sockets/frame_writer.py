"""uvicorn's sans-I/O websocket protocol plus a synchronous writer of binary messages, offered
to the app as the ASGI scope extension `twinspace.frame_writer`.

Fan-out writes one frame per client per update. Through ASGI each costs a coroutine, the
middleware chain and websockets' `Frame` objects: several times the system call itself. The
writer frames the message by hand (a server frame is a 2-10 byte header, RFC 6455 §5.2: too
small to be worth a dependency) and declines whenever only the async `send` may write: before
the handshake, after a close, while the transport is paused, or when an extension such as
permessage-deflate transforms frames. A frame for a connection that is already lost is
dropped.

Frames written to a connection leave together, in one system call: the first is held
(corked) and every frame written until the connection's flush joins it. A connection that has
not been written to for `coalesce_seconds` is flushed on the next turn of the event loop (an
edit in a quiet room goes out at once); one written to more recently waits until the next
tick of a shared timer, at most `coalesce_seconds` away, as Nagle's algorithm does for TCP.
The window opens only while most first frames since a flush find it open (`FlushSchedule`'s
`crowded`, a moving share): only then does a held connection usually gather more frames
before the tick. With fewer writes per connection, holding saves few system calls and only
adds its wait to a frame's latency (bench/README.md, "The window opens only when crowded").
A page update fans out to each client of its room, so in a busy room this turns several
`send` calls per client into one, the largest cost of fan-out (bench/README.md, "CPU per
delivery"); one `FlushSchedule` per event loop holds the connections waiting and runs one
callback for all of them. Anything written another way (the async `send`: text frames, a
close) first writes what is held, so frames never change order; frames still held when the
connection stops being open are dropped, as nothing may follow a close frame (RFC 6455
§5.5.1).

The handshake's 101 response is held the same way: a page socket sends sync step 1 (and the
room's presence) as soon as it is accepted, so the response and those frames leave in one
system call, one `send` per connecting socket fewer in a reconnect storm (bench/README.md,
"The storm's CPU"). Whatever uvicorn writes itself (pongs, a close echo, keepalive pings, a
shutdown's close) writes what is held first; if the connection closed meanwhile, the held
response still goes and the frames are dropped.

uvicorn stops reading a socket after each message it queues for the app and reads again once
the app took it: two `epoll_ctl` calls per message received. Here reading stops only once
`RECEIVE_QUEUE_MESSAGES` wait for the app, or one of `RECEIVE_PAUSE_BYTES` or more.

The protocol also holds less per idle connection (bench/memory_parts.py): its receive queue and
its writable flag are made without an ``asyncio.Queue`` (four deques and an ``Event``) and an
``asyncio.Event`` (a deque), and the handshake's request and response objects (with their
``Headers``) are let go once the handshake is complete: uvicorn's references, and the one the
websockets parser keeps (its generator for the handshake holds the request in a local for
the whole connection; once the handshake is done it is swapped for a plain frame parser at the
same point of the stream).
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Callable
from typing import Any, Generic, TypedDict, TypeVar

from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request
from websockets.protocol import Protocol, State

from twinspace.clock import QUIET_CONTEXT

Item = TypeVar("Item")

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


# Reading from a socket pauses once this many messages wait for the app, or one this large
RECEIVE_QUEUE_MESSAGES = 8
RECEIVE_PAUSE_BYTES = 64 * 1024
_OPEN = State.OPEN  # an enum member read from its class costs ~70 ns on Python 3.11
_last_framed: list[bytes] = [b"", binary_frame_header(0)]  # the last message and its frame


def _framed(data: bytes) -> bytes:
    """`data` as a frame; a room's fan-out writes the same message to every client in a row,
    so the last one is framed once (one header and one copy per update, not per client)."""
    if data is _last_framed[0]:
        return _last_framed[1]
    frame = binary_frame_header(len(data)) + data
    _last_framed[0], _last_framed[1] = data, frame
    return frame


class ReceiveQueue(Generic[Item]):
    """What uvicorn's protocol asks of its receive queue (``put_nowait``, ``get``, ``empty``,
    ``qsize``), holding nothing while empty: an idle connection's queue is empty."""

    __slots__ = ("_getters", "_items")

    def __init__(self) -> None:
        self._items: list[Item] | None = None  # a few at most: reading pauses at 8
        self._getters: list[asyncio.Future[None]] | None = None

    def put_nowait(self, item: Item) -> None:
        if self._items is None:
            self._items = []
        self._items.append(item)
        if self._getters:
            for getter in self._getters:
                if not getter.done():
                    getter.set_result(None)
                    break

    def empty(self) -> bool:
        return not self._items

    def take(self) -> Item:
        """The first item (the queue must not be empty)."""
        assert self._items
        item = self._items.pop(0)
        if not self._items:
            self._items = None
        return item

    def arrival(self, loop: asyncio.AbstractEventLoop | None = None) -> asyncio.Future[None]:
        """A future done when an item is put; `forget` it once awaited."""
        getter = (loop or asyncio.get_running_loop()).create_future()
        if self._getters is None:
            self._getters = []
        self._getters.append(getter)
        return getter

    def forget(self, getter: asyncio.Future[None]) -> None:
        if self._getters is not None and getter in self._getters:
            self._getters.remove(getter)
            if not self._getters:
                self._getters = None

    def qsize(self) -> int:
        return len(self._items) if self._items else 0

    async def get(self) -> Item:
        while not self._items:
            getter = self.arrival()
            try:
                await getter
            finally:
                self.forget(getter)
        return self.take()


class WritableFlag:
    """What uvicorn's protocol asks of its ``writable`` event (``set``, ``clear``,
    ``is_set``, ``wait``), with no waiter deque until a send has to wait."""

    __slots__ = ("_value", "_waiters")

    def __init__(self) -> None:
        self._value = False
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._value

    def set(self) -> None:
        self._value = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._value = False

    async def wait(self) -> bool:
        if self._value:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)
        return True


# How much one first frame moves `FlushSchedule.crowded`: it follows about the last 256
CROWDED_WEIGHT = 1 / 256


class FlushSchedule:
    """The connections of one event loop holding frames: those due on the next turn of the
    loop, and those waiting for the shared timer's tick (written to less than a window ago,
    while the loop is crowded). One callback per turn and one timer serve them all.

    `crowded` is the moving share of first frames since a flush (answers aside) that came
    less than a window after their connection's last flush. Only while it is at least a half
    does the window hold frames: then a held connection usually gathers more before the tick
    (a Poisson stream that fills half of its windows brings ~1.35 frames per held flush), and
    holding saves system calls. Below a half, holding mostly delays one frame for nothing.
    It starts at 1 (holding), and a few hundred frames correct it either way."""

    __slots__ = (
        "_later",
        "_later_timer",
        "_loop",
        "_soon",
        "_soon_handle",
        "crowded",
        "window",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop, window: float) -> None:
        self._loop = loop
        self.window = window
        self.crowded = 1.0
        self._soon: list[FrameWriterProtocol] = []
        self._soon_handle: asyncio.Handle | None = None
        self._later: list[FrameWriterProtocol] = []
        self._later_timer: asyncio.TimerHandle | None = None

    def hold(self, protocol: FrameWriterProtocol) -> None:
        """`protocol` holds its first frame since its last flush: schedule that flush. An
        answer (written while the app handles a message it just took) goes on the next turn
        whatever the window: the client waits for it."""
        if protocol._answering:
            self.soon(protocol)
            return
        recent = self._loop.time() - protocol._flushed_at < self.window
        crowded = self.crowded + ((1.0 if recent else 0.0) - self.crowded) * CROWDED_WEIGHT
        self.crowded = crowded
        if not recent or crowded < 0.5:
            self.soon(protocol)
        else:
            self._later.append(protocol)
            if self._later_timer is None:
                self._later_timer = self._loop.call_later(
                    self.window, self._flush_later, context=QUIET_CONTEXT
                )

    def soon(self, protocol: FrameWriterProtocol) -> None:
        """Flush `protocol` on the next turn (also when it already waits for the timer: the
        second flush of the two finds nothing held)."""
        self._soon.append(protocol)
        if self._soon_handle is None:
            self._soon_handle = self._loop.call_soon(self._flush_soon, context=QUIET_CONTEXT)

    def _flush_soon(self) -> None:
        self._soon_handle = None
        due, self._soon = self._soon, []
        now = self._loop.time()
        for protocol in due:
            protocol._uncork(now)

    def _flush_later(self) -> None:
        self._later_timer = None
        due, self._later = self._later, []
        now = self._loop.time()
        for protocol in due:
            protocol._uncork(now)


class FrameWriterProtocol(WebSocketsSansIOProtocol):
    # uvicorn's protocol sets 37 attributes on each instance: past the 30 that CPython keeps
    # as a compact array beside a shared key table, it gets a dict of its own (1.6 KB). As
    # slots of this class (a data descriptor wins over the instance dict when uvicorn sets
    # them) they cost 8 bytes each (docs/architecture.md, "Memory per connection"). Any
    # attribute a later uvicorn adds goes to the instance dict as before.
    __slots__ = (
        "_answering",  # the app handles a message it took from `receive` (FlushSchedule.hold)
        "_corked",  # frames written since the last flush, not yet handed to the transport
        "_flushed_at",  # the event loop's time of the last flush
        "_head_corked",  # the first of them is the handshake's 101 response
        "app",
        "app_state",
        "asgi_version",
        "client",
        "close_sent",
        "close_timeout",
        "close_timer",
        "config",
        "conn",
        "connections",
        "curr_msg_data_type",
        "default_headers",
        "disconnected",
        "frames",
        "handshake_complete",
        "handshake_initiated",
        "initial_response",
        "last_ping_rtt",
        "logger",
        "loop",
        "pending_ping_payload",
        "ping_interval",
        "ping_sent_at",
        "ping_timeout",
        "ping_timer",
        "pong_timer",
        "queue",
        "read_paused",
        "request",
        "response",
        "root_path",
        "scheme",
        "scope",
        "server",
        "tasks",
        "transport",
        "writable",
    )

    # The longest a frame waits for the frames after it (the server's `fanout_coalesce_ms`;
    # `with_coalescing` makes the subclass that sets it). 0: flushed on the next turn.
    coalesce_seconds: float = 0.0
    _schedule: FlushSchedule | None = None  # the running loop's, made by its first connection

    @classmethod
    def with_coalescing(cls, milliseconds: int) -> type[FrameWriterProtocol]:
        return type(
            "CoalescingFrameWriterProtocol",
            (cls,),
            {"__slots__": (), "coalesce_seconds": milliseconds / 1000, "_schedule": None},
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._corked: list[bytes] | None = None
        self._answering = False
        self._flushed_at = -self.coalesce_seconds
        self._head_corked = False
        self.queue: Any = ReceiveQueue()
        self.writable: Any = WritableFlag()
        self.writable.set()

    async def send(self, message: Any) -> None:
        if message["type"] == "websocket.accept" and self._may_hold_response():
            self._accept(message)
        else:
            self._uncork()  # what was written before goes first
            await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # only the handshake reads them (a refusal before it still answers with them)
            for handshake in ("request", "response"):
                if hasattr(self, handshake):
                    delattr(self, handshake)
            _drop_handshake_parser(self.conn)

    def _may_hold_response(self) -> bool:
        """Whether uvicorn's `send` would answer an accept at once with the 101 response."""
        return (
            not self.handshake_complete
            and self.initial_response is None
            and not self.disconnected
            and self.writable.is_set()
            and not self.transport.is_closing()
        )

    def _accept(self, message: Any) -> None:
        """uvicorn's answer to `websocket.accept` (its `send`, websockets_sansio_impl.py), the
        101 response held to leave with the frames that follow it in this turn."""
        self.logger.info(
            '%s - "WebSocket %s" [accepted]',
            get_client_addr(self.scope),
            get_path_with_query_string(self.scope),
        )
        headers = [
            (name.decode("latin-1").lower(), value.decode("latin-1"))
            for name, value in (self.default_headers + list(message.get("headers", [])))
        ]
        subprotocol = message.get("subprotocol")
        if subprotocol:
            headers.append(("Sec-WebSocket-Protocol", subprotocol))
        del self.response.headers["Date"]
        self.response.headers.update(headers)
        self.handshake_complete = True
        self.conn.send_response(self.response)
        self._hold(b"".join(self.conn.data_to_send()))
        self._head_corked = True
        self.start_keepalive()

    # What uvicorn writes to the transport itself goes after what is held.

    def handle_events(self) -> None:
        if self._corked is not None:
            self._uncork()
        super().handle_events()

    def send_keepalive_ping(self) -> None:
        self._uncork()
        super().send_keepalive_ping()

    def keepalive_timeout(self) -> None:
        self._uncork()
        super().keepalive_timeout()

    def shutdown(self) -> None:
        self._uncork()
        super().shutdown()

    def send_receive_event_to_app(self) -> None:
        """uvicorn's, pausing reading only once messages wait for the app: uvicorn pauses at
        every message and resumes when the app takes it, two `epoll_ctl` calls and their
        bookkeeping per message received while the app keeps up. Reading pauses at
        `RECEIVE_QUEUE_MESSAGES` waiting, or at one of `RECEIVE_PAUSE_BYTES` or more, so what
        a client can make the server hold stays bounded (docs/architecture.md)."""
        if self.read_paused:
            super().send_receive_event_to_app()
            return
        size = sum(len(frame) for frame in self.frames)
        self.read_paused = True  # so uvicorn's method does not pause ...
        try:
            super().send_receive_event_to_app()
        finally:
            self.read_paused = False
        if size >= RECEIVE_PAUSE_BYTES or self.queue.qsize() >= RECEIVE_QUEUE_MESSAGES:
            self.read_paused = True  # ... unless the bound is reached
            self.transport.pause_reading()

    async def receive(self) -> Any:
        """uvicorn's `receive`, waiting on the queue's future itself: an idle connection's
        chain of suspended frames is one shorter than with the queue's `get`.

        From the moment it returns until it is called again, what the app writes answers
        the message it returned, and leaves on the next turn of the loop instead of waiting
        out the coalescing window (a sync step 2 reply: the client waits for it)."""
        self._answering = False
        queue = self.queue
        while queue.empty():
            getter = queue.arrival(self.loop)
            try:
                await getter
            finally:
                queue.forget(getter)
        message = queue.take()
        if self.read_paused and queue.empty():
            self.read_paused = False
            self.transport.resume_reading()
        self._answering = True
        return message

    def schedule_ping(self) -> None:
        # uvicorn's, in the shared empty context: no context copied per ping (clock.py)
        assert self.ping_interval is not None
        delay = max(0.0, self.ping_interval - self.last_ping_rtt)
        self.ping_timer = self.loop.call_later(
            delay, self.send_keepalive_ping, context=QUIET_CONTEXT
        )

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # None when the handshake was refused
            # ASGI wants header names lower-cased. uvicorn takes them as websockets parsed
            # them, which after h11 they were; a handshake handed over whole (face/guard.py)
            # keeps the client's case.
            scope["headers"] = [(name.lower(), value) for name, value in scope["headers"]]
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
        corked = self._corked
        if corked is not None and not self._head_corked:
            # Checked when the first frame was held (the 101 response is no frame: a deflate
            # connection must decline); `_uncork` checks again before writing.
            self._hold(_framed(data))
            return True
        if self.disconnected or self.transport.is_closing():
            # Lost before uvicorn heard of it: writing would only make asyncio warn.
            return True
        conn = self.conn
        if (
            not self.handshake_complete
            or self.close_sent
            or self.initial_response is not None
            or not self.writable.is_set()
            or conn.extensions
            or conn.state is not _OPEN
        ):
            return False
        self._hold(_framed(data))
        return True

    def _hold(self, data: bytes) -> None:
        corked = self._corked
        if corked is None:
            self._corked = [data]
            self._flush_schedule().hold(self)
        else:
            corked.append(data)
            if self._answering:
                self._flush_schedule().soon(self)

    def _flush_schedule(self) -> FlushSchedule:
        schedule = type(self)._schedule
        if schedule is None or schedule._loop is not self.loop:
            schedule = FlushSchedule(self.loop, self.coalesce_seconds)
            type(self)._schedule = schedule
        return schedule

    def _uncork(self, now: float | None = None) -> None:
        """Hand every held frame to the transport in one write (dropped once the connection is
        no longer open: nothing may follow a close frame)."""
        corked = self._corked
        if corked is None:
            return
        self._corked = None
        self._flushed_at = self.loop.time() if now is None else now
        head, self._head_corked = self._head_corked, False
        if self.disconnected or self.transport.is_closing():
            return
        if self.conn.state is not _OPEN:
            if not head:
                return
            corked = corked[:1]  # the 101 response goes, before whatever closes
        self.transport.write(corked[0] if len(corked) == 1 else b"".join(corked))


def _drop_handshake_parser(conn: Protocol) -> None:
    """Replace the parser generator of a server connection whose handshake is done by a fresh
    frame parser, when the old one waits at a frame boundary (nothing buffered, no frame begun:
    the client may only send frames once it has the 101 response, written just now). The old
    generator, `ServerProtocol.parse`, holds the handshake request (and its headers) until the
    connection ends."""
    outer = conn.parser
    inner = getattr(outer, "gi_yieldfrom", None)  # Protocol.parse, inside ServerProtocol.parse
    waiting = getattr(inner, "gi_yieldfrom", None)
    if (
        conn.state is not State.OPEN
        or conn.reader.buffer
        or conn.events
        or getattr(inner, "__qualname__", None) != "Protocol.parse"
        or getattr(waiting, "__qualname__", None) != "StreamReader.at_eof"
    ):
        return
    parser = Protocol.parse(conn)
    next(parser)  # to its first wait for data, as the connection does with its own
    conn.parser = parser
    outer.close()


def frame_writer_of(scope: object) -> Callable[[bytes], bool] | None:
    """The connection's synchronous binary writer, when the server offers one."""
    if not isinstance(scope, dict):
        return None
    extension = (scope.get("extensions") or {}).get(FRAME_WRITER)
    return None if extension is None else extension["write_binary"]
