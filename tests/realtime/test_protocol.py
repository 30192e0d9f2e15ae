"""The y-websocket codec: lib0 primitives, frames and awareness payloads, strict on bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinspace.realtime.protocol import (
    MAX_SAFE_INTEGER,
    AwarenessEntry,
    AwarenessMessage,
    Lib0Decoder,
    Lib0Encoder,
    MalformedMessage,
    Message,
    PermissionDenied,
    QueryAwareness,
    SyncStep1,
    SyncStep2,
    SyncUpdate,
    decode_awareness_update,
    decode_message,
    decode_state_vector,
    encode_awareness_update,
    encode_message,
    encode_state_vector,
)


def var_uint(value: int) -> bytes:
    encoder = Lib0Encoder()
    encoder.write_var_uint(value)
    return encoder.to_bytes()


# ---------------------------------------------------------------- lib0 primitives


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, b"\x00"),
        (127, b"\x7f"),
        (128, b"\x80\x01"),
        (300, b"\xac\x02"),
        (2**32, b"\x80\x80\x80\x80\x10"),
        (MAX_SAFE_INTEGER, b"\xff\xff\xff\xff\xff\xff\xff\x0f"),
    ],
)
def test_var_uint_matches_lib0(value: int, encoded: bytes) -> None:
    assert var_uint(value) == encoded
    decoder = Lib0Decoder(encoded)
    assert decoder.read_var_uint() == value
    assert decoder.remaining == 0


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x80",  # continuation bit set, then nothing
        b"\xff\xff\xff\xff\xff\xff\xff\x1f",  # 2**53: one bit too many
        b"\x80\x80\x80\x80\x80\x80\x80\x80\x00",  # 9 bytes: overlong even though the value is 0
    ],
)
def test_var_uint_refuses_truncated_and_overlong(data: bytes) -> None:
    with pytest.raises(MalformedMessage):
        Lib0Decoder(data).read_var_uint()


@pytest.mark.parametrize("value", [0, 1, -1, 63, -63, 64, -64, 8191, -8192, 2**31, -(2**40)])
def test_var_int_round_trip(value: int) -> None:
    encoder = Lib0Encoder()
    encoder.write_var_int(value)
    assert Lib0Decoder(encoder.to_bytes()).read_var_int() == value


def test_var_int_matches_lib0_sign_bit() -> None:
    encoder = Lib0Encoder()
    encoder.write_var_int(-1)
    assert encoder.to_bytes() == b"\x41"  # lib0: 0x40 is the sign, low six bits the value


def test_var_string_round_trip_and_refusals() -> None:
    encoder = Lib0Encoder()
    encoder.write_var_string("grüß 😀")
    data = encoder.to_bytes()
    assert data[0] == len("grüß 😀".encode())
    assert Lib0Decoder(data).read_var_string() == "grüß 😀"
    with pytest.raises(MalformedMessage):
        Lib0Decoder(b"\x02\xc3\x28").read_var_string()  # not UTF-8
    with pytest.raises(MalformedMessage):
        Lib0Decoder(b"\x05abc").read_var_string()  # length beyond the buffer


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (None, b"\x7e"),
        (True, b"\x78"),
        (False, b"\x79"),
        (1, b"\x7d\x01"),
        ("a", b"\x77\x01a"),
        (1.5, b"\x7c\x3f\xc0\x00\x00"),  # exact in float32
        ({"level": 2}, b"\x76\x01\x05level\x7d\x02"),
        ([1, "x"], b"\x75\x02\x7d\x01\x77\x01x"),
        (b"\x01\x02", b"\x74\x02\x01\x02"),
    ],
)
def test_any_matches_lib0(value: Any, encoded: bytes) -> None:
    encoder = Lib0Encoder()
    encoder.write_any(value)
    assert encoder.to_bytes() == encoded
    assert Lib0Decoder(encoded).read_any() == value


def test_any_uses_float64_when_float32_loses_precision() -> None:
    encoder = Lib0Encoder()
    encoder.write_any(0.1)
    data = encoder.to_bytes()
    assert data[0] == 123 and len(data) == 9
    assert Lib0Decoder(data).read_any() == 0.1


def test_any_refuses_unknown_tags_and_deep_nesting() -> None:
    with pytest.raises(MalformedMessage):
        Lib0Decoder(b"\x10").read_any()
    with pytest.raises(MalformedMessage):
        Lib0Decoder(b"\x75\x01" * 500 + b"\x7e").read_any()


# ---------------------------------------------------------------- frames


ENTRY = AwarenessEntry(client_id=7, clock=3, state_json='{"user":{"name":"Ada"}}')


@pytest.mark.parametrize(
    ("message", "frame"),
    [
        (SyncStep1(b"\x00"), b"\x00\x00\x01\x00"),
        (SyncStep2(b"\x00\x00"), b"\x00\x01\x02\x00\x00"),
        (SyncUpdate(b"\x00\x00"), b"\x00\x02\x02\x00\x00"),
        (QueryAwareness(), b"\x03"),
        (PermissionDenied("no"), b"\x02\x00\x02no"),
        (
            AwarenessMessage((ENTRY,)),
            b"\x01" + bytes([27]) + b"\x01\x07\x03" + bytes([23]) + ENTRY.state_json.encode(),
        ),
    ],
)
def test_frames_match_y_protocols(message: Message, frame: bytes) -> None:
    assert encode_message(message) == frame
    assert decode_message(frame) == message


@pytest.mark.parametrize(
    "frame",
    [
        b"",
        b"\x07",  # unknown message type
        b"\x00\x03\x00",  # unknown sync subtype
        b"\x00\x00",  # sync step 1 without its state vector
        b"\x00\x02\x05\x00\x00",  # update shorter than its length
        b"\x00\x00\x03\x05\x01\x01",  # state vector claims five entries
        b"\x02\x01\x00",  # unknown auth subtype
        b"\x01\x05\x01\x01\x01\x01{",  # awareness state is not JSON
        b"\x01\x07\x01\x01\x01\x03NaN",  # JSON.parse refuses NaN
        b"\x01\x06\x01\x01\x01\x02\xc3\x28",  # state is not UTF-8
        b"\x01\x04\x05\x01\x01\x00",  # awareness count beyond the payload
    ],
)
def test_malformed_frames_are_refused(frame: bytes) -> None:
    with pytest.raises(MalformedMessage):
        decode_message(frame)


def test_deeply_nested_awareness_json_is_malformed_not_recursion_error() -> None:
    state = ("[" * 100_000).encode()
    payload = b"\x01\x01\x01" + var_uint(len(state)) + state
    frame = b"\x01" + var_uint(len(payload)) + payload
    with pytest.raises(MalformedMessage):
        decode_message(frame)


def test_trailing_bytes_are_ignored_like_y_protocols() -> None:
    frame = b"\x00\x02\x02\x00\x00" + b"\xff\xff"
    assert decode_message(frame) == SyncUpdate(b"\x00\x00")
    assert encode_message(decode_message(frame)) == b"\x00\x02\x02\x00\x00"
    assert decode_message(b"\x03\x99") == QueryAwareness()


def test_awareness_null_state_is_canonical_removal() -> None:
    payload = b"\x01\x09\x04\x06 null "
    (entry,) = decode_awareness_update(payload)
    assert entry == AwarenessEntry(9, 4, "null")
    assert entry.removed
    live = AwarenessEntry(9, 5, '{"a":1}')
    assert not live.removed and live.state() == {"a": 1}


def test_state_vector_codec() -> None:
    clocks = {1: 5, 2**32: 0, 77: 2**40}
    assert decode_state_vector(encode_state_vector(clocks)) == clocks
    assert decode_state_vector(b"\x00") == {}


# ---------------------------------------------------------------- properties

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=8,
)
entries = st.builds(
    AwarenessEntry,
    st.integers(0, MAX_SAFE_INTEGER),
    st.integers(0, MAX_SAFE_INTEGER),
    json_values.map(lambda value: json.dumps(value, separators=(",", ":"))),
)
messages: st.SearchStrategy[Message] = st.one_of(
    st.builds(
        SyncStep1,
        st.dictionaries(st.integers(0, 2**32), st.integers(0, 2**31)).map(encode_state_vector),
    ),
    st.builds(SyncStep2, st.binary()),
    st.builds(SyncUpdate, st.binary()),
    st.builds(QueryAwareness),
    st.builds(PermissionDenied, st.text()),
    st.builds(AwarenessMessage, st.lists(entries, max_size=4).map(tuple)),
)

DECODERS: list[Callable[[bytes], object]] = [
    decode_message,
    decode_awareness_update,
    decode_state_vector,
]


@given(messages)
def test_messages_round_trip(message: Message) -> None:
    assert decode_message(encode_message(message)) == message


@given(messages)
def test_every_truncation_of_a_frame_is_malformed(message: Message) -> None:
    frame = encode_message(message)
    for cut in range(len(frame)):
        with pytest.raises(MalformedMessage):
            decode_message(frame[:cut])


@given(st.binary(max_size=64))
def test_random_bytes_only_ever_raise_malformed(data: bytes) -> None:
    for decode in DECODERS:
        try:
            decode(data)
        except MalformedMessage:
            pass


@given(messages, st.data())
def test_mutated_frames_only_ever_raise_malformed(message: Message, data: st.DataObject) -> None:
    frame = bytearray(encode_message(message))
    for _ in range(data.draw(st.integers(1, 3))):
        if frame:
            frame[data.draw(st.integers(0, len(frame) - 1))] = data.draw(st.integers(0, 255))
    for decode in DECODERS:
        try:
            decode(bytes(frame))
        except MalformedMessage:
            pass


@given(st.lists(entries, max_size=5))
def test_awareness_payload_round_trip(items: list[AwarenessEntry]) -> None:
    payload = encode_awareness_update(items)
    decoded = decode_awareness_update(payload)
    assert decoded == tuple(
        AwarenessEntry(e.client_id, e.clock, "null") if e.state_json == "null" else e for e in items
    )
