"""Room awareness bookkeeping: y-protocols clock rules, relays, joins, leaves, no leaks."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from twinspace.realtime.awareness import RoomAwareness, with_account_name
from twinspace.realtime.protocol import AwarenessEntry, AwarenessMessage, decode_message


def entries_of(frame: bytes | None) -> tuple[AwarenessEntry, ...]:
    assert frame is not None
    message = decode_message(frame)
    assert isinstance(message, AwarenessMessage)
    return message.entries


def entry(client_id: int, clock: int, state: str = '{"name":"Ada"}') -> AwarenessEntry:
    return AwarenessEntry(client_id, clock, state)


def test_new_state_is_relayed_and_tracked() -> None:
    room = RoomAwareness()
    frame = room.apply("a", [entry(1, 1)])
    assert entries_of(frame) == (entry(1, 1),)
    assert room.clients_of("a") == {1}
    assert room.states() == {1: '{"name":"Ada"}'}
    assert entries_of(room.snapshot()) == (entry(1, 1),)


def test_clock_zero_of_an_unknown_client_is_ignored_like_y_protocols() -> None:
    room = RoomAwareness()
    assert room.apply("a", [entry(1, 0)]) is None  # y-protocols: accept only if 0 < clock
    assert room.is_empty()


def test_stale_and_equal_clocks_are_ignored() -> None:
    room = RoomAwareness()
    room.apply("a", [entry(1, 5)])
    assert room.apply("a", [entry(1, 4, '{"name":"old"}')]) is None
    assert room.apply("a", [entry(1, 5, '{"name":"same clock"}')]) is None
    assert room.states() == {1: '{"name":"Ada"}'}


def test_newer_clock_is_relayed_even_with_the_same_state() -> None:
    room = RoomAwareness()
    room.apply("a", [entry(1, 1)])
    assert entries_of(room.apply("a", [entry(1, 2)])) == (entry(1, 2),)  # keep-alive renewal


def test_removal_at_the_same_clock_removes_a_live_state() -> None:
    room = RoomAwareness()
    room.apply("a", [entry(1, 3)])
    assert entries_of(room.apply("a", [entry(1, 3, "null")])) == (entry(1, 3, "null"),)
    assert room.states() == {}
    assert room.snapshot() is None
    assert room.apply("a", [entry(1, 3, "null")]) is None  # already gone


def test_removal_of_an_unknown_client_is_not_relayed() -> None:
    room = RoomAwareness()
    assert room.apply("a", [entry(9, 4, "null")]) is None
    assert room.disconnect("a") is None
    assert room.is_empty()


def test_only_accepted_entries_are_relayed() -> None:
    room = RoomAwareness()
    room.apply("a", [entry(1, 5)])
    relayed = entries_of(room.apply("a", [entry(1, 2), entry(2, 1)]))
    assert relayed == (entry(2, 1),)


def test_disconnect_removes_with_a_newer_clock_and_forgets() -> None:
    room = RoomAwareness()
    room.apply("a", [entry(1, 3), entry(2, 1)])
    room.apply("b", [entry(3, 7)])
    removal = entries_of(room.disconnect("a"))
    assert removal == (entry(1, 4, "null"), entry(2, 2, "null"))
    assert room.clients_of("a") == frozenset()
    assert entries_of(room.snapshot()) == (entry(3, 7),)
    assert entries_of(room.disconnect("b")) == (entry(3, 8, "null"),)
    assert room.is_empty()


def test_a_newer_entry_from_another_connection_moves_the_client() -> None:
    room = RoomAwareness()
    room.apply("old-socket", [entry(1, 3)])
    room.apply("new-socket", [entry(1, 4)])
    assert room.clients_of("new-socket") == {1}
    assert room.disconnect("old-socket") is None  # no longer its client: nothing to remove
    assert room.states() == {1: '{"name":"Ada"}'}
    assert entries_of(room.disconnect("new-socket")) == (entry(1, 5, "null"),)
    assert room.is_empty()


def test_a_connection_controls_a_bounded_number_of_clients() -> None:
    room = RoomAwareness(max_clients_per_connection=2)
    frame = room.apply("a", [entry(1, 1), entry(2, 1), entry(3, 1)])
    assert [e.client_id for e in entries_of(frame)] == [1, 2]
    assert room.clients_of("a") == {1, 2}
    assert entries_of(room.apply("a", [entry(1, 2)])) == (entry(1, 2),)  # updates still pass


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
    room = RoomAwareness(max_clients_per_connection=3)
    for connection, action in steps:
        if action is None:
            room.disconnect(connection)
        else:
            assert isinstance(action, tuple)
            room.apply(connection, [AwarenessEntry(*action)])
        owned = [room.clients_of(c) for c in "abc"]
        assert sum(len(ids) for ids in owned) == len(set().union(*owned))  # one owner per ID
    for connection in "abc":
        room.disconnect(connection)
    assert room.is_empty()
    assert room.snapshot() is None


def test_carets_carry_the_account_name() -> None:
    posed = AwarenessEntry(7, 3, '{"user":{"name":"Teacher Anna 601 234 567","color":"#c00"}}')
    right = AwarenessEntry(8, 1, '{"user":{"name":"Zosia"},"cursor":null}')
    other = AwarenessEntry(9, 1, '{"n": 1}')
    gone = AwarenessEntry(10, 2, "null")
    stamped = with_account_name([posed, right, other, gone], "Zosia")
    assert json.loads(stamped[0].state_json) == {"user": {"name": "Zosia", "color": "#c00"}}
    assert (stamped[0].client_id, stamped[0].clock) == (7, 3)
    assert stamped[1:] == [right, other, gone], "relayed byte for byte when nothing changes"
