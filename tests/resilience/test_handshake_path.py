"""Websocket handshakes that arrive whole go to the websocket protocol without h11's parse
(face/guard.py); every other form takes h11's way, with the same answers as before."""

from __future__ import annotations

import asyncio
import base64
import os
from collections import Counter

import pytest
from websockets.http11 import Request

from tests.support.server import LiveServer
from twinspace.face.guard import HeadDeadlineProtocol
from twinspace.face.sockets.frame_writer import FrameWriterProtocol


@pytest.fixture
def h11_parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many heads h11 parsed, by what the server answered."""
    seen: Counter[str] = Counter()
    handle = HeadDeadlineProtocol.handle_events

    def counted(self: HeadDeadlineProtocol) -> None:
        seen["h11"] += 1
        handle(self)

    monkeypatch.setattr(HeadDeadlineProtocol, "handle_events", counted)
    return seen


def _head(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _upgrade(
    path: str = "/ws/docs/no-such-room", *extra: str, connection: str = "Upgrade"
) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return _head(
        f"GET {path} HTTP/1.1",
        "Host: x",
        "Upgrade: websocket",
        f"Connection: {connection}",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        *extra,
    )


async def _answer(server: LiveServer, *chunks: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.settings.port)
    try:
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(0.05)  # separate reads on the server
        async with asyncio.timeout(5):
            head = await reader.readuntil(b"\r\n\r\n")
    finally:
        writer.close()
    return head


async def test_a_whole_handshake_skips_h11(server: LiveServer, h11_parses: Counter[str]) -> None:
    assert (await _answer(server, _upgrade())).startswith(b"HTTP/1.1 101")
    assert h11_parses["h11"] == 0


@pytest.mark.parametrize(
    "request_head",
    [
        _upgrade(connection="keep-alive, Upgrade"),  # as Firefox sends it
        _upgrade().replace(b"HTTP/1.1\r\n", b"HTTP/1.0\r\n"),
    ],
    ids=["connection-list", "http-1.0"],
)
async def test_other_forms_take_h11s_way(
    server: LiveServer, h11_parses: Counter[str], request_head: bytes
) -> None:
    answer = await _answer(server, request_head)
    assert h11_parses["h11"] >= 1
    assert answer.startswith(b"HTTP/1.1 ")


async def test_a_handshake_in_two_reads_is_parsed_by_h11(
    server: LiveServer, h11_parses: Counter[str]
) -> None:
    handshake = _upgrade()
    answer = await _answer(server, handshake[:30], handshake[30:])
    assert answer.startswith(b"HTTP/1.1 101") and h11_parses["h11"] >= 1


async def test_a_handshake_without_host_is_refused_by_h11(
    server: LiveServer, h11_parses: Counter[str]
) -> None:
    handshake = _upgrade().replace(b"Host: x\r\n", b"")
    assert (await _answer(server, handshake)).startswith(b"HTTP/1.1 400")
    assert h11_parses["h11"] >= 1


async def test_an_oversized_handshake_head_is_refused(
    server: LiveServer, h11_parses: Counter[str]
) -> None:
    handshake = _upgrade("/ws/docs/x", "X-Big: " + "a" * 20_000)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.settings.port)
    writer.write(handshake)
    await writer.drain()
    async with asyncio.timeout(5):
        answer = await reader.read()
    writer.close()
    assert not answer.startswith(b"HTTP/1.1 101")
    assert h11_parses["h11"] >= 1


async def test_header_names_reach_the_app_lower_cased(
    server: LiveServer, h11_parses: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scopes: list[dict[str, object]] = []
    connect = FrameWriterProtocol.handle_connect

    def kept(self: FrameWriterProtocol, event: Request) -> None:
        connect(self, event)
        scopes.append(dict(self.scope))

    monkeypatch.setattr(FrameWriterProtocol, "handle_connect", kept)
    answer = await _answer(server, _upgrade("/ws/docs/x", "X-Mixed-Case: Value"))
    assert answer.startswith(b"HTTP/1.1 101") and h11_parses["h11"] == 0
    headers = scopes[0]["headers"]
    assert isinstance(headers, list)
    assert (b"x-mixed-case", b"Value") in headers
    assert all(name == name.lower() for name, _ in headers)
