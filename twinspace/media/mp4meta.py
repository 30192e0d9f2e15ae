"""Blank the metadata boxes of MP4/MOV/M4A files in place (phones store GPS in them).

`udta`, `meta` and `uuid` (XMP) boxes at the top level, in `moov` and in each `trak` become
`free` boxes full of zeros: sizes and offsets stay the same, so the media still plays, and
the location text is gone from the bytes, not just hidden.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

_METADATA = frozenset({b"udta", b"meta", b"uuid"})
_CONTAINERS = {b"moov": 1, b"trak": 2}  # container -> nesting depth where it may appear
MAX_BOXES = 10_000
_ZEROS = bytes(64 * 1024)


class BadContainer(ValueError):
    """The box structure is broken; the caller refuses the upload."""


def _boxes(handle: BinaryIO, start: int, end: int) -> list[tuple[int, int, bytes, int]]:
    """(offset, size, type, header length) of each box between `start` and `end`."""
    found = []
    offset = start
    while offset + 8 <= end:
        handle.seek(offset)
        header = handle.read(8)
        size, kind = struct.unpack(">I4s", header)
        header_len = 8
        if size == 1:
            large = handle.read(8)
            if len(large) != 8:
                raise BadContainer("truncated box header")
            size = struct.unpack(">Q", large)[0]
            header_len = 16
        elif size == 0:
            size = end - offset
        if size < header_len or offset + size > end:
            raise BadContainer("a box runs past its container")
        found.append((offset, size, kind, header_len))
        if len(found) > MAX_BOXES:
            raise BadContainer("too many boxes")
        offset += size
    return found


def _blank(handle: BinaryIO, offset: int, size: int, header_len: int) -> None:
    handle.seek(offset + 4)
    handle.write(b"free")
    remaining = size - 8
    handle.seek(offset + 8)
    while remaining > 0:
        chunk = min(remaining, len(_ZEROS))
        handle.write(_ZEROS[:chunk])
        remaining -= chunk
    if header_len == 16:  # keep the 64-bit size the zeros just overwrote
        handle.seek(offset + 8)
        handle.write(struct.pack(">Q", size))


def scrub(path: Path) -> int:
    """Blank every metadata box; returns how many were blanked."""
    blanked = 0
    with path.open("r+b") as handle:
        handle.seek(0, 2)
        end = handle.tell()
        pending = [(0, end, 0)]
        while pending:
            start, stop, depth = pending.pop()
            for offset, size, kind, header_len in _boxes(handle, start, stop):
                if kind in _METADATA:
                    _blank(handle, offset, size, header_len)
                    blanked += 1
                elif _CONTAINERS.get(kind) == depth + 1:
                    pending.append((offset + header_len, offset + size, depth + 1))
    return blanked
