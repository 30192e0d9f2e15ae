"""The y-websocket wire protocol: lib0 primitives, message frames and the awareness payload.

Frame layout (y-protocols): ``varUint type`` then the body.

* ``0`` sync: ``varUint subtype`` (0 step1 + state vector, 1 step2 + update, 2 update) and one
  ``varUint8Array``.
* ``1`` awareness: one ``varUint8Array`` holding ``varUint count`` and per entry ``varUint
  clientID``, ``varUint clock``, ``varString`` JSON state (``"null"`` removes the client).
* ``2`` auth: ``varUint`` 0 (permission denied) and a ``varString`` reason.
* ``3`` queryAwareness: no body.

Trailing bytes after a complete message are ignored, exactly as y-protocols' readers do (they
read one message and never look at the rest of the frame); ``encode_message`` never writes any,
so re-encoding a decoded message drops them. Unknown types and subtypes are malformed.
"""

# Hand-written: a tiny lib0 framing layer that the Python CRDT bindings do not expose uniformly.

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any, Final

MAX_SAFE_INTEGER: Final = 2**53 - 1
_BITS31: Final = 2**31 - 1
_MAX_ANY_DEPTH: Final = 128
_MAX_VAR_SHIFT: Final = 49  # a 53-bit value fits in 8 varint bytes; a 9th byte is overlong

MESSAGE_SYNC: Final = 0
MESSAGE_AWARENESS: Final = 1
MESSAGE_AUTH: Final = 2
MESSAGE_QUERY_AWARENESS: Final = 3
SYNC_STEP1: Final = 0
SYNC_STEP2: Final = 1
SYNC_UPDATE: Final = 2
AUTH_PERMISSION_DENIED: Final = 0


class MalformedMessage(ValueError):
    """A frame or payload that does not follow the y-websocket / lib0 encoding."""


class MalformedUpdate(Exception):
    """Bytes that are not a Yjs update the CRDT engine can apply."""


class Lib0Decoder:
    """Strict reader over lib0-encoded bytes: every overrun raises ``MalformedMessage``."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    @property
    def remaining(self) -> int:
        return len(self._data) - self._pos

    @property
    def position(self) -> int:
        return self._pos

    def read_uint8(self) -> int:
        if self._pos >= len(self._data):
            raise MalformedMessage("unexpected end of data")
        value = self._data[self._pos]
        self._pos += 1
        return value

    def read_bytes(self, length: int) -> bytes:
        if length > self.remaining:
            raise MalformedMessage(f"length {length} exceeds the {self.remaining} bytes left")
        start = self._pos
        self._pos += length
        return self._data[start : self._pos]

    def read_var_uint(self) -> int:
        # Inlined (no call per byte): Yjs client ids take 5-8 bytes, and an update names its
        # client several times; this is most of scanning an update (bench/README.md).
        data = self._data
        pos = self._pos
        end = len(data)
        value = 0
        shift = 0
        while pos < end:
            byte = data[pos]
            pos += 1
            if byte < 0x80:
                value |= byte << shift
                if value > MAX_SAFE_INTEGER:
                    raise MalformedMessage("varUint exceeds 53 bits")
                self._pos = pos
                return value
            if shift >= _MAX_VAR_SHIFT:
                raise MalformedMessage("varUint exceeds 53 bits")
            value |= (byte & 0x7F) << shift
            shift += 7
        self._pos = pos
        raise MalformedMessage("unexpected end of data")

    def read_var_int(self) -> int:
        byte = self.read_uint8()
        value = byte & 0x3F
        negative = bool(byte & 0x40)
        shift = 6
        while byte & 0x80:
            byte = self.read_uint8()
            value |= (byte & 0x7F) << shift
            if value > MAX_SAFE_INTEGER or (byte & 0x80 and shift >= _MAX_VAR_SHIFT - 1):
                raise MalformedMessage("varInt exceeds 53 bits")
            shift += 7
        return -value if negative else value

    def read_var_uint8_array(self) -> bytes:
        return self.read_bytes(self.read_var_uint())

    def read_var_string(self) -> str:
        raw = self.read_var_uint8_array()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedMessage("string is not valid UTF-8") from exc

    def read_json(self) -> Any:
        """A ``varString`` holding JSON (lib0's ``readJSON`` as Yjs uses it)."""
        return parse_json(self.read_var_string())

    def read_any(self, depth: int = 0) -> Any:
        """lib0 ``readAny``: JS values tagged by type; ``undefined`` reads as ``None``."""
        if depth > _MAX_ANY_DEPTH:
            raise MalformedMessage("value nested too deeply")
        tag = self.read_uint8()
        if tag in (127, 126):
            return None
        if tag == 125:
            return self.read_var_int()
        if tag == 124:
            return float(struct.unpack(">f", self.read_bytes(4))[0])
        if tag == 123:
            return float(struct.unpack(">d", self.read_bytes(8))[0])
        if tag == 122:
            return int(struct.unpack(">q", self.read_bytes(8))[0])
        if tag in (121, 120):
            return tag == 120
        if tag == 119:
            return self.read_var_string()
        if tag == 118:
            count = self._read_count()
            return {self.read_var_string(): self.read_any(depth + 1) for _ in range(count)}
        if tag == 117:
            return [self.read_any(depth + 1) for _ in range(self._read_count())]
        if tag == 116:
            return self.read_var_uint8_array()
        raise MalformedMessage(f"unknown lib0 any tag {tag}")

    def _read_count(self) -> int:
        count = self.read_var_uint()
        if count > self.remaining:  # every element takes at least one byte
            raise MalformedMessage(f"count {count} exceeds the {self.remaining} bytes left")
        return count


class Lib0Encoder:
    """Writer for the lib0 encodings that ``Lib0Decoder`` reads."""

    __slots__ = ("_out",)

    def __init__(self) -> None:
        self._out = bytearray()

    def to_bytes(self) -> bytes:
        return bytes(self._out)

    def write_uint8(self, value: int) -> None:
        self._out.append(value)

    def write_bytes(self, data: bytes) -> None:
        self._out += data

    def write_var_uint(self, value: int) -> None:
        if not 0 <= value <= MAX_SAFE_INTEGER:
            raise ValueError(f"varUint out of range: {value}")
        while value > 0x7F:
            self._out.append(0x80 | (value & 0x7F))
            value >>= 7
        self._out.append(value)

    def write_var_int(self, value: int) -> None:
        magnitude = abs(value)
        if magnitude > MAX_SAFE_INTEGER:
            raise ValueError(f"varInt out of range: {value}")
        first = magnitude & 0x3F
        if value < 0:
            first |= 0x40
        magnitude >>= 6
        self._out.append(first | (0x80 if magnitude else 0))
        while magnitude:
            byte = magnitude & 0x7F
            magnitude >>= 7
            self._out.append(byte | (0x80 if magnitude else 0))

    def write_var_uint8_array(self, data: bytes) -> None:
        self.write_var_uint(len(data))
        self._out += data

    def write_var_string(self, text: str) -> None:
        self.write_var_uint8_array(text.encode("utf-8"))

    def write_json(self, value: Any) -> None:
        self.write_var_string(json.dumps(value, separators=(",", ":"), ensure_ascii=False))

    def write_any(self, value: Any) -> None:
        """lib0 ``writeAny`` with JavaScript's choice of number encodings."""
        if value is None:
            self._out.append(126)
        elif value is True or value is False:
            self._out.append(120 if value else 121)
        elif isinstance(value, str):
            self._out.append(119)
            self.write_var_string(value)
        elif isinstance(value, int) and abs(value) <= _BITS31:
            self._out.append(125)
            self.write_var_int(value)
        elif isinstance(value, int | float):
            self._write_number(float(value))
        elif isinstance(value, bytes | bytearray):
            self._out.append(116)
            self.write_var_uint8_array(bytes(value))
        elif isinstance(value, list | tuple):
            self._out.append(117)
            self.write_var_uint(len(value))
            for element in value:
                self.write_any(element)
        elif isinstance(value, dict):
            self._out.append(118)
            self.write_var_uint(len(value))
            for key, element in value.items():
                self.write_var_string(str(key))
                self.write_any(element)
        else:
            raise TypeError(f"cannot lib0-encode {type(value).__name__}")

    def _write_number(self, value: float) -> None:
        try:
            as_float32 = struct.unpack(">f", struct.pack(">f", value))[0]
        except OverflowError:
            as_float32 = None
        if as_float32 == value:
            self._out.append(124)
            self._out += struct.pack(">f", value)
        else:
            self._out.append(123)
            self._out += struct.pack(">d", value)


def _reject_constant(name: str) -> Any:
    raise MalformedMessage(f"{name} is not JSON")


def parse_json(text: str) -> Any:
    """``JSON.parse`` semantics: no NaN/Infinity; any failure is ``MalformedMessage``."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, MalformedMessage):
            raise
        raise MalformedMessage("invalid JSON") from exc


@dataclass(frozen=True, slots=True)
class AwarenessEntry:
    """One client's awareness state; ``state_json`` is relayed verbatim (``"null"`` = gone)."""

    client_id: int
    clock: int
    state_json: str

    @property
    def removed(self) -> bool:
        return self.state_json == "null"

    def state(self) -> Any:
        return json.loads(self.state_json)


@dataclass(frozen=True, slots=True)
class SyncStep1:
    state_vector: bytes


@dataclass(frozen=True, slots=True)
class SyncStep2:
    update: bytes


@dataclass(frozen=True, slots=True)
class SyncUpdate:
    update: bytes


@dataclass(frozen=True, slots=True)
class AwarenessMessage:
    entries: tuple[AwarenessEntry, ...]


@dataclass(frozen=True, slots=True)
class QueryAwareness:
    pass


@dataclass(frozen=True, slots=True)
class PermissionDenied:
    reason: str


Message = SyncStep1 | SyncStep2 | SyncUpdate | AwarenessMessage | QueryAwareness | PermissionDenied


def decode_state_vector(data: bytes) -> dict[int, int]:
    """Yjs state vector: ``varUint count`` then ``(client, clock)`` pairs of varUints."""
    decoder = Lib0Decoder(data)
    count = decoder.read_var_uint()
    if count > decoder.remaining // 2:
        raise MalformedMessage("state vector count exceeds the data")
    return {decoder.read_var_uint(): decoder.read_var_uint() for _ in range(count)}


def encode_state_vector(clocks: dict[int, int]) -> bytes:
    encoder = Lib0Encoder()
    encoder.write_var_uint(len(clocks))
    for client, clock in sorted(clocks.items(), reverse=True):
        encoder.write_var_uint(client)
        encoder.write_var_uint(clock)
    return encoder.to_bytes()


def _read_awareness(decoder: Lib0Decoder) -> tuple[AwarenessEntry, ...]:
    count = decoder.read_var_uint()
    if count > decoder.remaining // 3:  # an entry takes at least three bytes
        raise MalformedMessage("awareness entry count exceeds the data")
    entries = []
    for _ in range(count):
        client_id = decoder.read_var_uint()
        clock = decoder.read_var_uint()
        state_json = decoder.read_var_string()
        if parse_json(state_json) is None:
            state_json = "null"
        entries.append(AwarenessEntry(client_id, clock, state_json))
    return tuple(entries)


def decode_awareness_update(payload: bytes) -> tuple[AwarenessEntry, ...]:
    """Decode the payload that y-protocols' ``encodeAwarenessUpdate`` produces."""
    return _read_awareness(Lib0Decoder(payload))


def encode_awareness_update(entries: tuple[AwarenessEntry, ...] | list[AwarenessEntry]) -> bytes:
    encoder = Lib0Encoder()
    encoder.write_var_uint(len(entries))
    for entry in entries:
        encoder.write_var_uint(entry.client_id)
        encoder.write_var_uint(entry.clock)
        encoder.write_var_string(entry.state_json)
    return encoder.to_bytes()


def decode_message(frame: bytes) -> Message:
    """Decode one websocket frame; raises ``MalformedMessage`` and nothing else."""
    try:
        return _decode_message(Lib0Decoder(bytes(frame)))
    except MalformedMessage:
        raise
    except Exception as exc:  # a decoder bug must still surface as a protocol error
        raise MalformedMessage(f"undecodable frame: {type(exc).__name__}") from exc


def _decode_message(decoder: Lib0Decoder) -> Message:
    kind = decoder.read_var_uint()
    if kind == MESSAGE_SYNC:
        subtype = decoder.read_var_uint()
        body = decoder.read_var_uint8_array()
        if subtype == SYNC_STEP1:
            decode_state_vector(body)
            return SyncStep1(body)
        if subtype == SYNC_STEP2:
            return SyncStep2(body)
        if subtype == SYNC_UPDATE:
            return SyncUpdate(body)
        raise MalformedMessage(f"unknown sync message type {subtype}")
    if kind == MESSAGE_AWARENESS:
        return AwarenessMessage(decode_awareness_update(decoder.read_var_uint8_array()))
    if kind == MESSAGE_AUTH:
        subtype = decoder.read_var_uint()
        if subtype != AUTH_PERMISSION_DENIED:
            raise MalformedMessage(f"unknown auth message type {subtype}")
        return PermissionDenied(decoder.read_var_string())
    if kind == MESSAGE_QUERY_AWARENESS:
        return QueryAwareness()
    raise MalformedMessage(f"unknown message type {kind}")


def encode_message(message: Message) -> bytes:
    encoder = Lib0Encoder()
    match message:
        case SyncStep1(state_vector=body):
            _write_sync(encoder, SYNC_STEP1, body)
        case SyncStep2(update=body):
            _write_sync(encoder, SYNC_STEP2, body)
        case SyncUpdate(update=body):
            _write_sync(encoder, SYNC_UPDATE, body)
        case AwarenessMessage(entries=entries):
            encoder.write_var_uint(MESSAGE_AWARENESS)
            encoder.write_var_uint8_array(encode_awareness_update(entries))
        case QueryAwareness():
            encoder.write_var_uint(MESSAGE_QUERY_AWARENESS)
        case PermissionDenied(reason=reason):
            encoder.write_var_uint(MESSAGE_AUTH)
            encoder.write_var_uint(AUTH_PERMISSION_DENIED)
            encoder.write_var_string(reason)
    return encoder.to_bytes()


def _write_sync(encoder: Lib0Encoder, subtype: int, body: bytes) -> None:
    encoder.write_var_uint(MESSAGE_SYNC)
    encoder.write_var_uint(subtype)
    encoder.write_var_uint8_array(body)
