"""Slow, oversized and non-reading clients are bounded; everyone else goes on."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.support.node import Peer
from tests.support.poll import eventually
from tests.support.server import LiveServer, live_server, make_settings
from tests.support.world import World
from tests.support.yclient import YClient

# the server runs on either loop (TWINSPACE_EVENT_LOOP): these run on both
pytestmark = pytest.mark.both_event_loops


async def _read_until_closed(reader: asyncio.StreamReader, within: float) -> bytes:
    data = b""
    async with asyncio.timeout(within):
        while chunk := await reader.read(65536):
            data += chunk
    return data


async def test_slowloris_request_head_is_cut_off(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", request_head_timeout_seconds=1.0)
    async with live_server(settings) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", settings.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        closed = False
        for n in range(40):  # trickle a header line every 0.1 s, never finishing the head
            try:
                writer.write(f"X-Slow-{n}: y\r\n".encode())
                await writer.drain()
            except ConnectionError:
                closed = True
                break
            try:
                async with asyncio.timeout(0.1):
                    if await reader.read(1) == b"":
                        closed = True
                        break
            except TimeoutError:
                pass
        assert closed, "the server kept a slowloris connection open"
        assert time.monotonic() - started < 3.0
        writer.close()
        # a normal client right after is served at once
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            assert (await http.get("/healthz")).status_code == 200


async def test_slow_websocket_handshake_is_cut_off(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", request_head_timeout_seconds=1.0)
    async with live_server(settings):
        reader, writer = await asyncio.open_connection("127.0.0.1", settings.port)
        writer.write(b"GET /ws/docs/x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n")
        await writer.drain()
        assert await _read_until_closed(reader, within=5) == b""
        writer.close()


async def test_oversized_request_head_is_refused(server: LiveServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.settings.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
    try:
        await writer.drain()
        answer = await _read_until_closed(reader, within=5)
    except ConnectionError:
        answer = b""  # reset: refused before reading it all
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400")
    writer.close()


async def test_stalled_body_gets_408(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", body_idle_timeout_seconds=1.0)
    async with live_server(settings) as server:
        world = World(server)
        teacher = await world.teacher()
        reader, writer = await asyncio.open_connection("127.0.0.1", settings.port)
        writer.write(
            b"POST /api/v1/classes HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer " + teacher.token.encode() + b"\r\n"
            b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na'
        )
        await writer.drain()
        answer = await _read_until_closed(reader, within=8)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b"request-timeout" in answer
        writer.close()


def _handshake(port: int, path: str) -> socket.socket:
    """A raw websocket client with a tiny receive buffer that will never read again."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        f"Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


async def test_a_client_that_never_reads_never_blocks_its_room(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path / "d",
        ws_send_queue_messages=16,
        ws_messages_per_second=10_000.0,
        ws_message_burst=10_000,
    )
    async with live_server(settings) as server:
        world = World(server)
        project, teacher, partner = await world.european_project()
        access = await world.services.access.project(teacher.user, project.id)
        page = await world.services.pages.create(access, "Busy")
        stalled = await asyncio.to_thread(
            _handshake, settings.port, f"/ws/docs/{page.room}?token={partner.token}"
        )
        writer = await YClient.connect(server.ws_url, page.room, token=teacher.token)
        await writer.sync()
        room = world.services.documents.rooms.rooms[page.room]
        async with await Peer.start(
            f"{server.ws_url}/ws/docs", page.room, token=teacher.token
        ) as reader:
            await reader.wait_synced()
            assert {c.user_id for c in room.clients} == {teacher.id, partner.id}
            chunk = "x" * 4000
            for n in range(1500):  # 6 MB to relay: more than the stalled socket can buffer
                writer.doc.insert_text(0, chunk)
                if n % 20 == 0:
                    await asyncio.sleep(0)
            await eventually(lambda: partner.id not in {c.user_id for c in room.clients}, within=20)
            await reader.wait_state(lambda s: len(s["text"]) == 1500 * len(chunk), within=30)
            writer.doc.insert_text(0, "still live")
            await reader.wait_state(lambda s: s["text"].startswith("still live"), within=10)
        stalled.close()
        await writer.close()
