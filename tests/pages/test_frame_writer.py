"""The synchronous frame writer: byte-identical to websockets' framing, used for page updates,
declined where only the async `send` may write (deflate), absent on the legacy protocol."""

from __future__ import annotations

import asyncio
import gc
from collections import Counter
from typing import Any

import pytest
import uvicorn
from uvicorn.server import ServerState
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State

from tests.pages.conftest import Classroom
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.face.sockets.frame_writer import (
    FRAME_WRITER,
    RECEIVE_PAUSE_BYTES,
    RECEIVE_QUEUE_MESSAGES,
    FrameWriterProtocol,
    binary_frame_header,
)


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 65_535, 65_536, 70_000])
def test_frames_match_websockets_own_serialisation(length: int) -> None:
    payload = bytes(range(256)) * (length // 256) + bytes(length % 256)
    expected = Frame(Opcode.BINARY, payload).serialize(mask=False)
    assert binary_frame_header(length) + payload == expected


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> Counter[bool]:
    """How often the writer wrote (True) and declined (False)."""
    outcomes: Counter[bool] = Counter()
    write = FrameWriterProtocol.write_binary

    def counted(self: FrameWriterProtocol, data: bytes) -> bool:
        written = write(self, data)
        outcomes[written] += 1
        return written

    monkeypatch.setattr(FrameWriterProtocol, "write_binary", counted)
    return outcomes


async def _edit_and_watch(classroom: Classroom, **connect: Any) -> None:
    url, room = classroom.world.server.ws_url, classroom.page.room
    writer = await YClient.connect(url, room, token=classroom.teacher.token, **connect)
    reader = await YClient.connect(url, room, token=classroom.partner.token, **connect)
    await writer.sync()
    await reader.sync()
    for n in range(20):
        writer.doc.insert_text(0, f"{n};")
    await reader.wait_for(lambda: reader.doc.text().count(";") == 20)
    big = "x" * 70_000  # a frame with a 64-bit length
    writer.doc.insert_text(0, big)
    await reader.wait_for(lambda: reader.doc.text().startswith(big))
    await writer.close()
    await reader.close()


async def test_page_updates_go_through_the_writer(
    classroom: Classroom, writes: Counter[bool]
) -> None:
    await _edit_and_watch(classroom)
    assert writes[True] >= 21


@pytest.mark.parametrize("settings_overrides", [{"ws_per_message_deflate": True}])
async def test_deflate_connections_are_written_by_send(
    classroom: Classroom, writes: Counter[bool]
) -> None:
    await _edit_and_watch(classroom, compression="deflate")
    assert writes[True] == 0 and writes[False] >= 21


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # websockets' legacy server
@pytest.mark.filterwarnings("ignore:The `websockets` implementation is deprecated")  # uvicorn's
@pytest.mark.parametrize("settings_overrides", [{"ws_implementation": "websockets"}])
async def test_the_legacy_protocol_offers_no_writer(
    classroom: Classroom, writes: Counter[bool]
) -> None:
    await _edit_and_watch(classroom)
    assert not writes


class FakeTransport:
    def __init__(self) -> None:
        self.closing = False
        self.written: list[bytes] = []

    def is_closing(self) -> bool:
        return self.closing

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def close(self) -> None:
        self.closing = True


def _open_protocol(
    kind: type[FrameWriterProtocol] = FrameWriterProtocol,
) -> tuple[FrameWriterProtocol, FakeTransport]:
    async def app(scope: Any, receive: Any, send: Any) -> None: ...

    protocol = kind(config=uvicorn.Config(app), server_state=ServerState(), app_state={})
    transport = FakeTransport()
    protocol.transport = transport  # type: ignore[assignment]
    protocol.handshake_complete = True
    protocol.conn.state = State.OPEN
    return protocol, transport


async def _next_turn() -> None:
    """Let the event loop run what was scheduled so far (the writer's flush) once."""
    await asyncio.sleep(0)


async def test_writes_whole_frames_and_drops_them_once_the_connection_is_lost() -> None:
    protocol, transport = _open_protocol()
    assert protocol.write_binary(b"abc")
    await _next_turn()
    assert transport.written == [b"\x82\x03abc"]
    transport.closing = True  # lost (a reset), and uvicorn has not heard yet
    assert protocol.write_binary(b"def")
    await _next_turn()
    assert transport.written == [b"\x82\x03abc"]


async def test_frames_of_one_turn_leave_in_one_write_in_order() -> None:
    protocol, transport = _open_protocol()
    for payload in (b"a", b"bc", b"x" * 200):
        assert protocol.write_binary(payload)
    assert transport.written == []  # held until the loop's next turn
    await _next_turn()
    assert transport.written == [
        b"\x82\x01a" + b"\x82\x02bc" + binary_frame_header(200) + b"x" * 200
    ]
    assert protocol._corked is None  # nothing held per connection between turns
    assert protocol.write_binary(b"d")
    await _next_turn()
    assert transport.written[1:] == [b"\x82\x01d"]


async def test_frames_soon_after_a_write_wait_for_the_window_and_leave_together() -> None:
    """Nagle's rule: a socket not written to for the window is written on the next turn; one
    written to less than a window ago holds what comes until the shared timer's tick."""
    coalescing = FrameWriterProtocol.with_coalescing(50)
    protocol, transport = _open_protocol(coalescing)
    other, other_transport = _open_protocol(coalescing)
    assert protocol.write_binary(b"a")
    await _next_turn()
    assert transport.written == [b"\x82\x01a"]  # quiet until now: at once
    loop = asyncio.get_running_loop()
    flushed_at = loop.time()
    assert protocol.write_binary(b"b")
    assert other.write_binary(b"z")  # another socket, quiet so far: not held back
    await _next_turn()
    assert other_transport.written == [b"\x82\x01z"]
    assert transport.written == [b"\x82\x01a"]  # within the window: held
    assert protocol.write_binary(b"c")
    await eventually(lambda: len(transport.written) == 2, within=2)
    assert transport.written[1] == b"\x82\x01b\x82\x01c"  # in order, in one write
    assert loop.time() - flushed_at <= 0.05 + 0.5  # the window, with room for a slow machine
    assert protocol._corked is None


async def test_the_window_holds_only_while_most_first_frames_find_it_open() -> None:
    """Holding pays only when a held connection gathers more frames before the tick: once
    most first frames since a flush go to connections quiet for a window, a recently written
    one leaves on the next turn too; once most find their window open again, it holds."""
    coalescing = FrameWriterProtocol.with_coalescing(10_000)
    held, held_transport = _open_protocol(coalescing)
    assert held.write_binary(b"a")
    await _next_turn()
    assert held.write_binary(b"b")  # written to a moment ago, and a new loop holds
    await _next_turn()
    assert held_transport.written == [b"\x82\x01a"]

    connections = [_open_protocol(coalescing) for _ in range(300)]
    for protocol, _ in connections:  # first frames, each to a connection quiet until now
        assert protocol.write_binary(b"q")
    await _next_turn()
    assert all(transport.written == [b"\x82\x01q"] for _, transport in connections)
    recent, recent_transport = connections[0]
    assert recent.write_binary(b"r")  # a window not over, but few find theirs open
    await _next_turn()
    assert recent_transport.written == [b"\x82\x01q", b"\x82\x01r"]

    for protocol, _ in connections[1:]:  # now each is written to again within its window
        assert protocol.write_binary(b"s")
    await _next_turn()
    assert connections[1][1].written == [b"\x82\x01q", b"\x82\x01s"]  # not crowded yet
    assert connections[-1][1].written == [b"\x82\x01q"]  # crowded again: held for the tick
    assert held_transport.written == [b"\x82\x01a"]  # still held: the window is 10 s


async def test_an_answer_leaves_on_the_next_turn_within_the_window() -> None:
    """What the app writes while it handles a message it took (a sync step 2 reply: the
    client waits for it) is not held for the window, nor are frames held before it; what is
    written once the app waits for its next message is held again."""
    protocol, transport = _open_protocol(FrameWriterProtocol.with_coalescing(10_000))
    assert protocol.write_binary(b"a")
    await _next_turn()
    assert transport.written == [b"\x82\x01a"]
    assert protocol.write_binary(b"b")  # within the window: held for the timer
    await _next_turn()
    assert transport.written == [b"\x82\x01a"]
    _received(protocol, b"sync step 1")
    assert (await protocol.receive())["bytes"] == b"sync step 1"
    assert protocol.write_binary(b"c")  # the answer
    await _next_turn()
    assert transport.written == [b"\x82\x01a", b"\x82\x01b\x82\x01c"]
    waiting = asyncio.ensure_future(protocol.receive())  # the app waits for more
    await _next_turn()
    assert protocol.write_binary(b"d")  # a fan-out frame: the window holds it
    await _next_turn()
    assert len(transport.written) == 2
    _received(protocol, b"next")
    assert (await waiting)["bytes"] == b"next"
    assert protocol.write_binary(b"e")  # answers what came: with the held frame
    await _next_turn()
    assert transport.written[2] == b"\x82\x01d\x82\x01e"
    assert protocol._corked is None


async def test_without_a_window_every_frame_leaves_on_the_next_turn() -> None:
    protocol, transport = _open_protocol(FrameWriterProtocol.with_coalescing(0))
    for payload in (b"a", b"b"):
        assert protocol.write_binary(payload)
        await _next_turn()
    assert transport.written == [b"\x82\x01a", b"\x82\x01b"]


async def test_a_close_sent_after_held_frames_follows_them() -> None:
    protocol, transport = _open_protocol()
    assert protocol.write_binary(b"abc")
    await protocol.send({"type": "websocket.close", "code": 1000, "reason": ""})
    assert transport.written[0] == b"\x82\x03abc"
    assert transport.written[1][0] == 0x88  # the close frame, after the data
    await _next_turn()
    assert len(transport.written) == 2


async def test_held_frames_are_dropped_once_the_connection_is_closing() -> None:
    protocol, transport = _open_protocol()
    assert protocol.write_binary(b"abc")
    protocol.conn.state = State.CLOSING  # the client's close was answered meanwhile
    await _next_turn()
    assert transport.written == []  # nothing may follow a close frame


async def test_declines_while_paused_or_after_a_close() -> None:
    protocol, transport = _open_protocol()
    protocol.writable.clear()  # the transport's buffer is over its high-water mark
    assert not protocol.write_binary(b"abc")
    protocol.writable.set()
    protocol.close_sent = True
    assert not protocol.write_binary(b"abc")
    assert transport.written == []


async def test_a_lost_connection_leaves_no_cycle_through_its_scope() -> None:
    protocol, _transport = _open_protocol()
    protocol.scope = {"extensions": {FRAME_WRITER: {"write_binary": protocol.write_binary}}}  # type: ignore[typeddict-item]
    protocol.connections.add(protocol)
    protocol.connection_lost(None)
    assert FRAME_WRITER not in protocol.scope["extensions"]


class HandshakeTransport(FakeTransport):
    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


HANDSHAKE = (
    b"GET /ws/held-request HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Version: 13\r\n\r\n"
)


def _live_requests(path: str) -> list[Request]:
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, Request) and o.path == path]


async def test_the_handshake_request_is_let_go_once_accepted() -> None:
    """websockets' handshake parser keeps the request for the connection's life: it is
    swapped for a frame parser, and frames still arrive whole, control frames answered."""
    received: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        received.set_result(await receive())
        await receive()  # until the connection is lost

    protocol = FrameWriterProtocol(
        config=uvicorn.Config(app), server_state=ServerState(), app_state={}
    )
    transport = HandshakeTransport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    protocol.data_received(HANDSHAKE)
    await eventually(lambda: protocol.handshake_complete)
    assert transport.written[0].startswith(b"HTTP/1.1 101")
    assert _live_requests("/ws/held-request") == []
    # a ping and a binary message split over two reads, as TCP may deliver them
    data = Frame(Opcode.PING, b"p").serialize(mask=True) + Frame(Opcode.BINARY, b"hello").serialize(
        mask=True
    )
    protocol.data_received(data[:5])
    protocol.data_received(data[5:])
    async with asyncio.timeout(5):
        assert (await received)["bytes"] == b"hello"
    assert transport.written[1] == Frame(Opcode.PONG, b"p").serialize(mask=False)
    protocol.connection_lost(None)


def _received(protocol: FrameWriterProtocol, payload: bytes) -> None:
    protocol.frames = [payload]
    protocol.curr_msg_data_type = "bytes"
    protocol.send_receive_event_to_app()


class CountsReadingPauses:
    """Counts the protocol's `pause_reading` and `resume_reading` calls on its transport."""

    pauses = 0
    resumes = 0

    def pause_reading(self) -> None:
        self.pauses += 1

    def resume_reading(self) -> None:
        self.resumes += 1


class PausingTransport(CountsReadingPauses, FakeTransport):
    pass


class CountingTransport(CountsReadingPauses, HandshakeTransport):
    pass


async def test_reading_pauses_only_once_messages_wait_for_the_app() -> None:
    protocol, _ = _open_protocol()
    transport = PausingTransport()
    protocol.transport = transport  # type: ignore[assignment]
    for n in range(20):  # the app keeps up: one message waits at a time
        _received(protocol, b"m%d" % n)
        assert (await protocol.receive())["bytes"] == b"m%d" % n
    assert transport.pauses == transport.resumes == 0
    for n in range(RECEIVE_QUEUE_MESSAGES - 1):  # the app falls behind ...
        _received(protocol, b"w%d" % n)
    assert transport.pauses == 0
    _received(protocol, b"last")  # ... up to the bound: reading pauses
    assert transport.pauses == 1 and protocol.read_paused
    _received(protocol, b"more")  # already read from the socket: queued, no second pause
    assert transport.pauses == 1
    for _ in range(RECEIVE_QUEUE_MESSAGES + 1):
        await protocol.receive()
    assert transport.resumes == 1 and not protocol.read_paused  # empty again: reads resume


async def test_a_large_message_pauses_reading_at_once() -> None:
    protocol, _ = _open_protocol()
    transport = PausingTransport()
    protocol.transport = transport  # type: ignore[assignment]
    _received(protocol, b"x" * RECEIVE_PAUSE_BYTES)
    assert transport.pauses == 1
    assert len((await protocol.receive())["bytes"]) == RECEIVE_PAUSE_BYTES
    assert transport.resumes == 1


def _handshake_protocol(app: Any) -> tuple[FrameWriterProtocol, CountingTransport]:
    protocol = FrameWriterProtocol(
        config=uvicorn.Config(app), server_state=ServerState(), app_state={}
    )
    transport = CountingTransport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    return protocol, transport


async def test_the_101_response_leaves_with_the_frames_written_in_its_turn() -> None:
    """A page socket's sync step 1 follows its accept at once: one write for both."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        write = scope["extensions"][FRAME_WRITER]["write_binary"]
        assert write(b"step1") and write(b"awareness")
        done.set_result(None)
        await receive()

    protocol, transport = _handshake_protocol(app)
    protocol.data_received(HANDSHAKE)
    async with asyncio.timeout(5):
        await done
    await eventually(lambda: bool(transport.written))
    assert len(transport.written) == 1
    head, _, frames = transport.written[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101") and b"\r\nUpgrade: websocket" in head
    assert frames == b"\x82\x05step1" + b"\x82\x09awareness"
    protocol.connection_lost(None)


async def test_a_held_101_response_goes_before_a_close_and_its_frames_do_not() -> None:
    """The client's close arrives while the response is still held (pipelined behind its
    request): the response is written, then the close echo; no frame after the close."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        assert scope["extensions"][FRAME_WRITER]["write_binary"](b"step1")
        protocol.data_received(Frame(Opcode.CLOSE, b"\x03\xe8").serialize(mask=True))
        done.set_result(None)
        await receive()

    protocol, transport = _handshake_protocol(app)
    protocol.data_received(HANDSHAKE)
    async with asyncio.timeout(5):
        await done
    await _next_turn()
    assert transport.written[0].startswith(b"HTTP/1.1 101")
    assert transport.written[0].endswith(b"\r\n\r\n")  # the frame was dropped
    assert transport.written[1][0] == 0x88  # the close echo, after the response
    assert b"step1" not in b"".join(transport.written)


async def test_a_refused_handshake_is_answered_at_once() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.close", "code": 1000})

    protocol, transport = _handshake_protocol(app)
    protocol.data_received(HANDSHAKE)
    await eventually(lambda: bool(transport.written))
    assert transport.written[0].startswith(b"HTTP/1.1 403")
