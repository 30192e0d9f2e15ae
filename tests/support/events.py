"""A real `websockets` client for `/ws/projects/{id}` that waits for events with timeouts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from twinspace.face.sockets.events_protocol import check_frame

Event = dict[str, Any]


class Endpoint(Protocol):
    """A `LiveServer`, or one process of a cluster (tests/support/cluster.py `Node`)."""

    @property
    def ws_url(self) -> str: ...


WAIT = 5.0


def _described(text: str | bytes) -> Event:
    """A received frame, checked against the protocol's schema (docs/events-protocol.md)."""
    event: Event = json.loads(text)
    check_frame(event)
    return event


class EventsClient:
    """Every frame it reads must match twinspace/face/sockets/events_protocol.py, so each events
    test also proves the schema the web client's types are generated from."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seen: list[Event] = []

    @property
    def last_id(self) -> str:
        return str(self.seen[-1]["id"])

    async def send(self, message: object) -> None:
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def next(
        self,
        event_type: str | None = None,
        *,
        where: Callable[[Event], bool] | None = None,
        wait: float = WAIT,
    ) -> Event:
        """The next event of that type (and matching `where`), skipping others."""
        async with asyncio.timeout(wait):
            while True:
                event = _described(await self.ws.recv())
                self.seen.append(event)
                if (event_type is None or event["type"] == event_type) and (
                    where is None or where(event)
                ):
                    return event

    async def collect(self, event_type: str, count: int, *, wait: float = WAIT) -> list[Event]:
        return [await self.next(event_type, wait=wait) for _ in range(count)]

    async def nothing_more(self, event_type: str, *, within: float = 0.3) -> bool:
        """True when no event of that type arrives within `within` seconds."""
        try:
            await self.next(event_type, wait=within)
        except TimeoutError:
            return True
        return False

    async def closed_with(self, *, wait: float = WAIT) -> int:
        """Read until the server closes; the close code it sent."""
        try:
            async with asyncio.timeout(wait):
                while True:
                    self.seen.append(_described(await self.ws.recv()))
        except ConnectionClosed as closed:
            assert closed.rcvd is not None, "closed without a close frame"
            return closed.rcvd.code


def events_url(
    server: Endpoint,
    project_id: int,
    *,
    token: str | None = None,
    since: str | None = None,
    channels: Iterable[int] = (),
    boards: Iterable[int] = (),
) -> str:
    params = []
    if token:
        params.append(f"token={token}")
    if since:
        params.append(f"since={since}")
    if channels:
        params.append("channels=" + ",".join(map(str, channels)))
    if boards:
        params.append("boards=" + ",".join(map(str, boards)))
    query = "?" + "&".join(params) if params else ""
    return f"{server.ws_url}/ws/projects/{project_id}{query}"


@asynccontextmanager
async def events(
    server: Endpoint,
    project_id: int,
    token: str | None,
    *,
    since: str | None = None,
    channels: Iterable[int] = (),
    boards: Iterable[int] = (),
    hello: bool = True,
    **connect_kw: Any,
) -> AsyncIterator[EventsClient]:
    """Connect (by default waiting for `hello`); the connection closes on exit."""
    url = events_url(server, project_id, token=token, since=since, channels=channels, boards=boards)
    async with connect(url, proxy=None, open_timeout=WAIT, **connect_kw) as ws:
        client = EventsClient(ws)
        if hello:
            await client.next("hello")
        yield client
