"""A minimal y-websocket client in Python (websockets + our codec) for protocol-level tests."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Self

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from twinspace.realtime.crdt import Document, Engine, UpdateEvent
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


class YClient:
    def __init__(self, ws: ClientConnection, engine: Engine | None) -> None:
        self.ws = ws
        self.doc = Document(engine)
        self.received: list[Message] = []
        self._sending: set[asyncio.Future[None]] = set()
        self.doc.on_update(self._local_update)
        self._reader = asyncio.create_task(self._read())
        self._changed = asyncio.Event()

    @classmethod
    async def connect(
        cls,
        base: str,
        room: str,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
        engine: Engine | None = None,
        **kw: Any,
    ) -> Self:
        url = f"{base}/ws/docs/{room}" + (f"?token={token}" if token else "")
        ws = await connect(
            url, additional_headers=dict(headers or {}), max_size=None, open_timeout=10, **kw
        )
        return cls(ws, engine)

    def _local_update(self, event: UpdateEvent) -> None:
        if event.local:
            task = asyncio.ensure_future(self.send(SyncUpdate(event.update)))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def send(self, message: Message) -> None:
        await self.ws.send(encode_message(message))

    async def send_raw(self, frame: bytes | str) -> None:
        await self.ws.send(frame)

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                assert isinstance(frame, bytes)
                message = decode_message(frame)
                self.received.append(message)
                if isinstance(message, SyncStep2 | SyncUpdate):
                    self.doc.apply_update(message.update)
                elif isinstance(message, SyncStep1):
                    await self.send(
                        SyncStep2(self.doc.encode_state_as_update(message.state_vector))
                    )
                self._changed.set()
        except ConnectionClosed:
            pass
        finally:
            self._changed.set()

    async def sync(self, within: float = 10) -> None:
        await self.send(SyncStep1(self.doc.state_vector()))
        await self.wait_for(lambda: any(isinstance(m, SyncStep2) for m in self.received), within)

    async def wait_for(self, predicate: Any, within: float = 10) -> None:
        async with asyncio.timeout(within):
            while not predicate():
                if self._reader.done():
                    raise AssertionError("connection closed while waiting")
                self._changed.clear()
                await self._changed.wait()

    async def wait_closed(self, within: float = 10) -> int | None:
        async with asyncio.timeout(within):
            await self.ws.wait_closed()
        return self.ws.close_code

    async def set_awareness(self, client_id: int, clock: int, state: str) -> None:
        await self.send(AwarenessMessage((AwarenessEntry(client_id, clock, state),)))

    def awareness_states(self) -> dict[int, str]:
        states: dict[int, str] = {}
        for message in self.received:
            if isinstance(message, AwarenessMessage):
                for entry in message.entries:
                    states[entry.client_id] = entry.state_json
        return {k: v for k, v in states.items() if v != "null"}

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
