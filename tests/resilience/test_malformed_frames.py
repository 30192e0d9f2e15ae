"""Every decoder behind the two websockets turns a malformed frame into a clean close (1007) or
an `error` event: never a 1011, never a logged traceback (README "Close codes")."""

from __future__ import annotations

import json
import logging

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.events import events
from tests.support.world import Person, World
from tests.support.yclient import YClient
from twinspace.realtime import close_codes
from twinspace.realtime.protocol import Lib0Encoder
from twinspace.storage.records import PageRecord, ProjectRecord
from twinspace.types import Role

# the server runs on either loop (TWINSPACE_EVENT_LOOP): these run on both
pytestmark = pytest.mark.both_event_loops

DEEP = 100_000  # nesting far beyond any recursion limit


@pytest.fixture
async def place(world: World) -> tuple[ProjectRecord, PageRecord, Person]:
    project, teacher, _ = await world.european_project()
    (pupil,) = await world.pupils(teacher, 1)
    await world.join(project, pupil, Role.PUPIL)
    access = await world.services.access.project(teacher.user, project.id)
    return project, await world.services.pages.create(access, "Frames"), pupil


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not failures, [r.getMessage() for r in failures]


# -- the events socket: JSON text frames ------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        "[" * DEEP + "]" * DEEP,
        '{"type": "ping", "ref": ' + "[" * DEEP + "]" * DEEP + "}",
        '{"type": "ping", "ref": NaN}',
        '{"type": "typing", "channel_id": ' + "9" * 5000 + "}",
        '{"type": "ping"',
    ],
    ids=["deep-array", "deep-member", "nan", "huge-integer", "truncated"],
)
async def test_undecodable_json_closes_the_events_socket_1007(
    world: World,
    place: tuple[ProjectRecord, PageRecord, Person],
    caplog: pytest.LogCaptureFixture,
    frame: str,
) -> None:
    project, _page, pupil = place
    async with events(world.server, project.id, pupil.token) as client:
        await client.send(frame)
        assert await client.closed_with() == close_codes.MALFORMED
    _no_tracebacks(caplog)


async def test_lone_surrogates_get_error_events_not_a_crash(
    world: World,
    place: tuple[ProjectRecord, PageRecord, Person],
    caplog: pytest.LogCaptureFixture,
) -> None:
    project, _page, pupil = place
    async with events(world.server, project.id, pupil.token) as client:
        await client.send('{"type": "ping", "ref": "\\ud800"}')
        refused = (await client.next("error"))["data"]
        assert refused["code"] == "invalid" and refused["ref"] == "\ud800"  # echoed, escaped
        await client.send('{"type": "ping", "\\udfff": 1}')
        assert (await client.next("error"))["data"]["code"] == "invalid"
        await client.send('{"type": "ping", "ref": "after"}')
        assert (await client.next("pong"))["data"]["ref"] == "after"
    _no_tracebacks(caplog)


# -- the page socket: y-websocket frames, Yjs updates, awareness payloads and their JSON -------


def _frame(*parts: tuple[str, object]) -> bytes:
    encoder = Lib0Encoder()
    for kind, value in parts:
        if kind == "uint":
            assert isinstance(value, int)
            encoder.write_var_uint(value)
        elif kind == "bytes":
            assert isinstance(value, bytes)
            encoder.write_var_uint8_array(value)
        else:
            assert isinstance(value, bytes)
            encoder.write_bytes(value)
    return encoder.to_bytes()


def _awareness(state: bytes) -> bytes:
    payload = _frame(("uint", 1), ("uint", 42), ("uint", 1), ("bytes", state))
    return _frame(("uint", 1), ("bytes", payload))


PAGE_FRAMES = {
    "frame-unknown-type": b"\x09",
    "frame-truncated-varint": b"\x00\x80\x80",
    "sync-unknown-subtype": _frame(("uint", 0), ("uint", 7), ("bytes", b"")),
    "sync-length-past-end": b"\x00\x02\x7f\x00",
    "state-vector": _frame(("uint", 0), ("uint", 0), ("bytes", b"\x05\x01")),
    "update-garbage": _frame(("uint", 0), ("uint", 2), ("bytes", b"\xff" * 16)),
    "update-truncated": _frame(("uint", 0), ("uint", 2), ("bytes", b"\x01\x01\x05\x00\x04")),
    "awareness-count": _frame(("uint", 1), ("bytes", b"\x05\x01")),
    "awareness-json-deep": _awareness(b"[" * DEEP + b"]" * DEEP),
    "awareness-json-invalid": _awareness(b"{"),
    "awareness-not-an-object": _awareness(b"[1, 2]"),
    "awareness-not-utf8": _awareness(b'{"a": "\xff"}'),
    "awareness-lone-surrogate": _awareness(b'{"a": "\\ud800"}'),
    "auth-not-utf8": _frame(("uint", 2), ("uint", 0), ("bytes", b"\xc3\x28")),
    "auth-unknown-subtype": _frame(("uint", 2), ("uint", 3)),
}


@pytest.mark.parametrize("frame", list(PAGE_FRAMES.values()), ids=list(PAGE_FRAMES))
async def test_every_page_decoder_closes_1007(
    world: World,
    place: tuple[ProjectRecord, PageRecord, Person],
    caplog: pytest.LogCaptureFixture,
    frame: bytes,
) -> None:
    _project, page, pupil = place
    bystander = await YClient.connect(world.server.ws_url, page.room, token=pupil.token)
    await bystander.sync()
    client = await YClient.connect(world.server.ws_url, page.room, token=pupil.token)
    await client.sync()
    await client.send_raw(frame)
    assert await client.wait_closed() == close_codes.MALFORMED
    bystander.received.clear()
    await bystander.sync()  # the room goes on
    await bystander.close()
    _no_tracebacks(caplog)


# -- the events socket's query string: `since`, `channels`, `boards` ------------------------


@pytest.mark.parametrize(
    "query",
    ["since=abc-%C2%B2", "channels=%C2%B2,1", "boards=%D9%A3%C2%B9", "since=-", "channels=,,,"],
    ids=["since-superscript", "channels-superscript", "boards-non-ascii", "since-dash", "commas"],
)
async def test_odd_query_values_are_ignored_not_a_crash(
    world: World,
    place: tuple[ProjectRecord, PageRecord, Person],
    caplog: pytest.LogCaptureFixture,
    query: str,
) -> None:
    project, _page, pupil = place
    url = f"{world.server.ws_url}/ws/projects/{project.id}?token={pupil.token}&{query}"
    async with connect(url, proxy=None) as ws:
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello"
    _no_tracebacks(caplog)


@pytest.mark.parametrize("token", ["%ED%A0%80", "%FF%FE", "%00", "x" * 5000])
@pytest.mark.parametrize("path", ["/ws/projects/1", "/ws/docs/some-room"])
async def test_undecodable_tokens_are_4401_not_a_crash(
    world: World, caplog: pytest.LogCaptureFixture, token: str, path: str
) -> None:
    async with connect(f"{world.server.ws_url}{path}?token={token}", proxy=None) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == close_codes.NOT_AUTHENTICATED
    _no_tracebacks(caplog)
