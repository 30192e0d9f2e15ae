"""Room awareness bookkeeping: y-protocols clock rules, relays, joins, leaves, no leaks;
identity bound to the account and limits."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinspace.realtime import close_codes
from twinspace.realtime.awareness import (
    AwarenessLimits,
    AwarenessRefused,
    Identity,
    PeerOwner,
    RoomAwareness,
    colour_for,
)
from twinspace.realtime.protocol import (
    AwarenessEntry,
    AwarenessMessage,
    MalformedMessage,
    decode_message,
)

ADA = Identity(7, "Ada", "pupil")
TEACHER = Identity(8, "Anna Nowak", "teacher")


def stamped(state: str, identity: Identity = ADA) -> str:
    if state == "null":
        return state
    value = json.loads(state)
    value["user"] = identity.as_json()
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Room(RoomAwareness):
    """Every apply as ``ADA`` unless told otherwise; relayed states carry her identity."""

    def apply(  # type: ignore[override]
        self,
        connection: Hashable,
        entries: Iterable[AwarenessEntry],
        identity: Identity = ADA,
    ) -> bytes | None:
        return super().apply(connection, identity, entries)


def entries_of(frame: bytes | None) -> tuple[AwarenessEntry, ...]:
    assert frame is not None
    message = decode_message(frame)
    assert isinstance(message, AwarenessMessage)
    return message.entries


def entry(client_id: int, clock: int, state: str = '{"name":"Ada"}') -> AwarenessEntry:
    return AwarenessEntry(client_id, clock, state)


def relayed(client_id: int, clock: int, state: str = '{"name":"Ada"}') -> AwarenessEntry:
    return AwarenessEntry(client_id, clock, stamped(state))


ADA_STATE = stamped('{"name":"Ada"}')


def test_new_state_is_relayed_and_tracked() -> None:
    room = Room()
    frame = room.apply("a", [entry(1, 1)])
    assert entries_of(frame) == (relayed(1, 1),)
    assert room.clients_of("a") == {1}
    assert room.states() == {1: ADA_STATE}
    assert entries_of(room.snapshot()) == (relayed(1, 1),)


def test_clock_zero_of_an_unknown_client_is_ignored_like_y_protocols() -> None:
    room = Room()
    assert room.apply("a", [entry(1, 0)]) is None  # y-protocols: accept only if 0 < clock
    assert room.is_empty()


def test_stale_and_equal_clocks_are_ignored() -> None:
    room = Room()
    room.apply("a", [entry(1, 5)])
    assert room.apply("a", [entry(1, 4, '{"name":"old"}')]) is None
    assert room.apply("a", [entry(1, 5, '{"name":"same clock"}')]) is None
    assert room.states() == {1: ADA_STATE}


def test_newer_clock_is_relayed_even_with_the_same_state() -> None:
    room = Room()
    room.apply("a", [entry(1, 1)])
    assert entries_of(room.apply("a", [entry(1, 2)])) == (relayed(1, 2),)  # keep-alive renewal


def test_removal_at_the_same_clock_removes_a_live_state() -> None:
    room = Room()
    room.apply("a", [entry(1, 3)])
    assert entries_of(room.apply("a", [entry(1, 3, "null")])) == (entry(1, 3, "null"),)
    assert room.states() == {}
    assert room.snapshot() is None
    assert room.apply("a", [entry(1, 3, "null")]) is None  # already gone


def test_removal_of_an_unknown_client_is_not_relayed() -> None:
    room = Room()
    assert room.apply("a", [entry(9, 4, "null")]) is None
    assert room.disconnect("a") is None
    assert room.is_empty()


def test_only_accepted_entries_are_relayed() -> None:
    room = Room()
    room.apply("a", [entry(1, 5)])
    relayed = entries_of(room.apply("a", [entry(1, 2), entry(2, 1)]))
    assert relayed == (AwarenessEntry(2, 1, ADA_STATE),)


def test_disconnect_removes_with_a_newer_clock_and_forgets() -> None:
    room = Room()
    room.apply("a", [entry(1, 3), entry(2, 1)])
    room.apply("b", [entry(3, 7)])
    removal = entries_of(room.disconnect("a"))
    assert removal == (entry(1, 4, "null"), entry(2, 2, "null"))
    assert room.clients_of("a") == frozenset()
    assert entries_of(room.snapshot()) == (relayed(3, 7),)
    assert entries_of(room.disconnect("b")) == (entry(3, 8, "null"),)
    assert room.is_empty()


def test_a_newer_entry_from_another_connection_moves_the_client() -> None:
    room = Room()
    room.apply("old-socket", [entry(1, 3)])
    room.apply("new-socket", [entry(1, 4)])
    assert room.clients_of("new-socket") == {1}
    assert room.disconnect("old-socket") is None  # no longer its client: nothing to remove
    assert room.states() == {1: ADA_STATE}
    assert entries_of(room.disconnect("new-socket")) == (entry(1, 5, "null"),)
    assert room.is_empty()


def test_a_connection_controls_a_bounded_number_of_clients() -> None:
    room = Room(AwarenessLimits(clients_per_connection=2))
    frame = room.apply("a", [entry(1, 1), entry(2, 1)])
    assert [e.client_id for e in entries_of(frame)] == [1, 2]
    assert entries_of(room.apply("a", [entry(1, 2)])) == (relayed(1, 2),)  # updates still pass
    with pytest.raises(AwarenessRefused) as refused:
        room.apply("a", [entry(3, 1)])
    assert refused.value.code == close_codes.POLICY
    assert room.clients_of("a") == {1, 2}


def test_the_account_sets_the_identity_whatever_the_client_claims() -> None:
    room = Room()
    claim = {"user": {"name": "Anna Nowak (teacher)", "role": "teacher", "color": "#000"}}
    frame = room.apply("a", [entry(1, 1, json.dumps({**claim, "cursor": None}))])
    (sent,) = entries_of(frame)
    state = json.loads(sent.state_json)
    assert state == {
        "user": {"id": 7, "name": "Ada", "role": "pupil", "color": colour_for(7)},
        "cursor": None,
    }
    (plain,) = entries_of(room.apply("b", [entry(2, 1, "{}")], TEACHER))
    assert json.loads(plain.state_json)["user"]["name"] == "Anna Nowak"


def test_another_accounts_client_id_cannot_be_taken_over() -> None:
    room = Room()
    room.apply("teacher-socket", [entry(1, 1)], TEACHER)
    assert room.apply("pupil-socket", [entry(1, 9, "{}")]) is None
    assert room.apply("pupil-socket", [entry(1, 9, "null")]) is None
    assert json.loads(room.states()[1])["user"]["name"] == "Anna Nowak"
    assert room.clients_of("teacher-socket") == {1}


@pytest.mark.parametrize("state", ["[1]", '"text"', "42", "true", '{"a": "\\ud800"}'])
def test_a_state_is_a_json_object_of_text(state: str) -> None:
    with pytest.raises(MalformedMessage):
        Room().apply("a", [entry(1, 1, state)])


def test_state_and_connection_sizes_are_bounded() -> None:
    limits = AwarenessLimits(clients_per_connection=4, state_bytes=300, connection_bytes=500)
    room = Room(limits)
    with pytest.raises(AwarenessRefused) as too_big:
        room.apply("a", [entry(1, 1, json.dumps({"name": "x" * 400}))])
    assert too_big.value.code == close_codes.TOO_BIG
    small = json.dumps({"n": "x" * 100})
    room.apply("b", [entry(2, 1, small)])
    room.apply("b", [entry(2, 2, small)])  # replacing a state does not count it twice
    with pytest.raises(AwarenessRefused) as total:
        room.apply("b", [entry(3, 1, small), entry(4, 1, small)])
    assert total.value.code == close_codes.TOO_BIG
    assert room.bytes_of("b") <= limits.connection_bytes


actions = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.one_of(
            st.just(None),  # disconnect
            st.tuples(
                st.integers(0, 4),
                st.integers(0, 6),
                st.sampled_from(["null", '{"x":1}', '{"x":2}']),
            ),
        ),
    ),
    max_size=40,
)


@given(actions)
def test_nothing_leaks_once_every_connection_left(steps: list[tuple[str, object]]) -> None:
    room = Room(AwarenessLimits(clients_per_connection=3))
    for connection, action in steps:
        if action is None:
            room.disconnect(connection)
        else:
            assert isinstance(action, tuple)
            try:
                room.apply(connection, [AwarenessEntry(*action)])
            except AwarenessRefused:
                room.disconnect(connection)  # the socket closes
        owned = [room.clients_of(c) for c in "abc"]
        assert sum(len(ids) for ids in owned) == len(set().union(*owned))  # one owner per ID
    for connection in "abc":
        room.disconnect(connection)
    assert room.is_empty()
    assert room.snapshot() is None


# ---------------------------------------------------------------- other processes (cluster)


def _entries(frame: bytes | None) -> tuple[AwarenessEntry, ...]:
    assert frame is not None
    message = decode_message(frame)
    assert isinstance(message, AwarenessMessage)
    return message.entries


def test_states_from_another_process_are_held_and_go_with_it() -> None:
    room = RoomAwareness()
    other = PeerOwner("host:123:ab")
    state = stamped('{"cursor":1}')
    relay = room.apply_peer(other, ADA.user_id, [AwarenessEntry(5, 1, state)])
    assert [(e.client_id, e.state_json) for e in _entries(relay)] == [(5, state)]
    assert room.states() == {5: state}
    # not this process's own: it does not answer for them when asked
    assert room.local_frames() == []
    # another account cannot take the client id over through a peer either
    assert room.apply_peer(other, TEACHER.user_id, [AwarenessEntry(5, 2, "{}")]) is None
    removal = room.disconnect(other)
    assert [(e.client_id, e.clock, e.removed) for e in _entries(removal)] == [(5, 2, True)]
    assert room.states() == {}


def test_a_client_reconnecting_here_takes_its_state_over_from_the_other_process() -> None:
    room = RoomAwareness()
    other = PeerOwner("elsewhere")
    room.apply_peer(other, ADA.user_id, [AwarenessEntry(5, 1, stamped('{"a":1}'))])
    room.apply("socket", ADA, [AwarenessEntry(5, 2, '{"a":2}')])
    assert room.clients_of("socket") == {5}
    assert room.disconnect(other) is None, "it is not the other process's any more"
    [(user_id, frame)] = room.local_frames()
    assert user_id == ADA.user_id
    assert [e.state_json for e in _entries(frame)] == [stamped('{"a":2}')]
