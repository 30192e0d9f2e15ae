"""peer.mjs and the Python codec against the stock y-websocket server (the reference protocol)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.realtime.samples import TIPTAP_DOC
from tests.support.node import Peer, StockServer
from twinspace.realtime.crdt import Document, UpdateEvent
from twinspace.realtime.protocol import (
    AwarenessEntry,
    AwarenessMessage,
    Message,
    SyncStep1,
    SyncStep2,
    SyncUpdate,
    decode_message,
    encode_message,
)

pytestmark = pytest.mark.node


@pytest.fixture
async def stock() -> AsyncIterator[StockServer]:
    async with await StockServer.start() as server:
        yield server


def event(kind: str, **fields: Any) -> Any:
    return lambda e: e.get("event") == kind and all(e.get(k) == v for k, v in fields.items())


async def test_two_peers_share_text_fragment_and_awareness(stock: StockServer) -> None:
    async with (
        await Peer.start(stock.ws_url, "room-a", token="t1") as alice,
        await Peer.start(stock.ws_url, "room-a", token="t2") as bob,
    ):
        await alice.wait_synced()
        await bob.wait_synced()
        await alice.insert(0, "hello")
        await alice.op({"op": "setContent", "content": TIPTAP_DOC["content"]})
        seen = await bob.wait_state(lambda s: s["text"] == "hello" and s["tree"] != [])
        assert seen["xml"] == (await alice.state())["xml"]
        await alice.set_awareness({"user": {"name": "Alice"}})
        change = await bob.wait_for_event(
            lambda e: (
                e.get("event") == "awareness"
                and e["states"].get(str(alice.client_id)) == {"user": {"name": "Alice"}}
            )
        )
        assert alice.client_id in change["added"] + change["updated"]


async def test_offline_edits_arrive_after_reconnect(stock: StockServer) -> None:
    async with (
        await Peer.start(stock.ws_url, "room-b", max_backoff_ms=200) as alice,
        await Peer.start(stock.ws_url, "room-b", max_backoff_ms=200) as bob,
    ):
        await alice.wait_synced()
        await bob.wait_synced()
        mark = len(alice.events)
        await alice.disconnect()
        await alice.wait_for_event(event("status", status="disconnected"), start=mark)
        await alice.insert(0, "written offline")
        await alice.connect()
        await alice.wait_for_event(event("status", status="connected"), start=mark)
        await bob.wait_state(lambda s: s["text"] == "written offline")


async def test_permanent_close_codes_are_reported_and_stop_reconnecting(
    stock: StockServer,
) -> None:
    async with await Peer.start(stock.ws_url, "close-4403", max_backoff_ms=100) as peer:
        close = await peer.wait_for_event(event("close", code=4403))
        assert close["reason"] == "closed by test hook"
        await peer.wait_for_event(event("closed", code=4403))
        state = await peer.state()
        assert state["status"] == "disconnected" and not state["synced"]


async def test_transient_close_codes_reconnect(stock: StockServer) -> None:
    async with await Peer.start(stock.ws_url, "close-1011", max_backoff_ms=100) as peer:
        first = await peer.wait_for_event(event("close", code=1011))
        await peer.wait_for_event(event("close", code=1011), start=peer.events.index(first) + 1)
        assert not any(e.get("event") == "closed" for e in peer.events)


async def receive(socket: ClientConnection, kind: type[Message]) -> Message:
    async with asyncio.timeout(10):
        while True:
            frame = await socket.recv()
            assert isinstance(frame, bytes)
            message = decode_message(frame)
            if isinstance(message, kind):
                return message


async def test_python_codec_syncs_with_the_stock_server(stock: StockServer) -> None:
    async with await Peer.start(stock.ws_url, "room-c") as alice:
        await alice.wait_synced()
        await alice.insert(0, "from node")
        document = Document()
        sent: list[UpdateEvent] = []
        document.on_update(sent.append)
        async with connect(f"{stock.ws_url}/room-c") as socket:
            server_step1 = await receive(socket, SyncStep1)
            assert isinstance(server_step1, SyncStep1)
            await socket.send(encode_message(SyncStep1(document.state_vector())))
            await socket.send(
                encode_message(
                    SyncStep2(document.encode_state_as_update(server_step1.state_vector))
                )
            )
            step2 = await receive(socket, SyncStep2)
            assert isinstance(step2, SyncStep2)
            document.apply_update(step2.update)
            assert document.text() == "from node"

            document.insert_text(9, " and python")
            await socket.send(encode_message(SyncUpdate(sent[-1].update)))
            await alice.wait_state(lambda s: s["text"] == "from node and python")

            entry = AwarenessEntry(document.client_id, 1, '{"user":{"name":"Py"}}')
            await socket.send(encode_message(AwarenessMessage((entry,))))
            await alice.wait_for_event(
                lambda e: (
                    e.get("event") == "awareness"
                    and e["states"].get(str(document.client_id)) == {"user": {"name": "Py"}}
                )
            )
            await alice.insert(0, "> ")
            while document.text() != "> from node and python":  # the server echoes ours too
                relayed = await receive(socket, SyncUpdate)
                assert isinstance(relayed, SyncUpdate)
                document.apply_update(relayed.update)
