"""The events protocol's schema (twinspace/face/sockets/events_protocol.py) against its document and
against frames: what the web client's generated event types are made from. Every frame a real
server sends in the events tests is checked as well (tests/support/events.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from twinspace.face.sockets.events_protocol import EVENT_DATA, check_frame, events_json_schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "events-protocol.md"


def documented_server_types() -> set[str]:
    """Event types named in the first column of the tables under "Frames from the server"."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Frames from the server", 1)[1].split("## Messages from the client")[0]
    types: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            types.update(re.findall(r"`([a-z_.]+)`", first_cell))
    return types


def frame(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "v": 1,
        "id": "k3-7",
        "type": event_type,
        "ts": "2026-03-02T09:15:04.123Z",
        "data": data,
    }


def test_the_schema_names_exactly_the_documented_event_types() -> None:
    documented = documented_server_types()
    assert "message.created" in documented and "session.log" in documented
    assert set(EVENT_DATA) == documented
    schema = events_json_schema()
    assert set(schema["$defs"]["ServerEvents"]["properties"]) == documented
    assert set(schema["$defs"]["ServerEvents"]["required"]) == documented


def test_the_client_messages_in_the_schema_are_the_documented_ones() -> None:
    union = events_json_schema()["$defs"]["ClientMessage"]
    names = {ref["$ref"].rsplit("/", 1)[-1] for ref in union["oneOf"]}
    assert names == {
        "Subscribe",
        "Unsubscribe",
        "Typing",
        "PresenceReport",
        "Ping",
        "CallJoin",
        "CallLeave",
        "CallSignal",
        "CallMedia",
        "CallControl",
        "CallPermit",
    }


def test_a_described_frame_passes() -> None:
    check_frame(frame("post.moved", {"id": 4, "board_id": 2, "section_id": None, "position": 3.5}))
    check_frame(frame("moderation.notice", {"kind": "unmuted", "user_id": 9}))
    check_frame(
        frame("error", {"code": "rate-limited", "detail": "slow", "ref": None, "retry_after": 1.0})
    )


@pytest.mark.parametrize(
    "bad",
    [
        frame("post.wobbled", {"id": 4}),  # a type the protocol does not have
        frame("post.moved", {"id": 4, "board_id": 2, "section_id": None}),  # a key missing
        frame("post.moved", {"id": 4, "board_id": 2, "section_id": None, "position": 1, "x": 1}),
        frame("section.created", {"id": 1, "board_id": 2, "title": "t", "position": 1.0, "x": 1}),
        frame("moderation.notice", {"kind": "unmuted", "user_id": 9, "until": "soon"}),
        frame("moderation.notice", {"kind": "shrugged", "user_id": 9}),
        {**frame("pong", {"ref": None}), "v": 2},
    ],
)
def test_an_undescribed_frame_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        check_frame(bad)


def test_the_schema_is_the_same_every_time() -> None:
    assert events_json_schema() == events_json_schema()
