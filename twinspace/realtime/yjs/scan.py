"""Scanning updates (links, clocks, sizes), collecting orphans, trimming what a room knows."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from twinspace.realtime.protocol import (
    Lib0Decoder,
    Lib0Encoder,
    MalformedMessage,
    MalformedUpdate,
)
from twinspace.realtime.yjs.model import ANY, DELETED, GC, ID, JSON, MAX_CLOCK, SKIP, STRING, TYPE
from twinspace.realtime.yjs.store import Item, read_delete_set, read_structs, split_string


@dataclass(frozen=True, slots=True)
class Link:
    """Where an item hangs: its parent, or the neighbours it inherits the parent from."""

    client: int
    clock: int
    length: int
    origin: ID | None
    right_origin: ID | None
    parent: ID | str | None  # a type's ID, a root's name, or None (inherited)


@dataclass(frozen=True, slots=True)
class UpdateScan:
    """What an update holds and what it refers to, without integrating it."""

    starts: dict[int, int]  # per client, the first clock of its structs
    ends: dict[int, int]  # per client, the clock after its last struct
    deletes: dict[int, int]  # per client, the end of the ranges it deletes
    types: frozenset[ID]  # shared types it creates
    dead: tuple[tuple[int, int, int], ...]  # (client, clock, length): GC, deleted, or deletes
    parents: frozenset[ID]  # parents its items name explicitly
    references: frozenset[ID]  # every ID it needs: origins, right origins, parents, skips
    deleted: tuple[tuple[int, int, int], ...]  # the ranges its delete set deletes
    collected: tuple[tuple[int, int, int], ...]  # its GC structs
    links: tuple[Link, ...]  # how each of its items hangs in the document

    @property
    def required(self) -> dict[int, int]:
        """The clock a document must reach, per client, to hold all of the update."""
        needed = dict(self.ends)
        for client, clock in self.deletes.items():
            needed[client] = max(needed.get(client, 0), clock)
        return needed


def scan_update(update: bytes, *, strict: bool = True, links: bool = True) -> UpdateScan:
    """Validate an update (strictly: the guard in front of y-py) and scan it; without
    ``links`` its ``links`` stay empty (only the mirror of y-py's structure reads them)."""
    try:
        decoder = Lib0Decoder(bytes(update))
        refs = read_structs(decoder, strict=strict)
        deleted = read_delete_set(decoder)
        deletes: dict[int, int] = {}
        for client, clock, length in deleted:
            deletes[client] = max(deletes.get(client, 0), clock + length)
    except MalformedUpdate:
        raise
    except (MalformedMessage, ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
        raise MalformedUpdate(f"undecodable update: {exc}") from exc
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    types: set[ID] = set()
    dead: list[tuple[int, int, int]] = list(deleted)
    collected: list[tuple[int, int, int]] = []
    placed: list[Link] = []
    parents: set[ID] = set()
    references: set[ID] = set()
    for client, items in refs.items():
        starts[client] = items[0].clock
        ends[client] = items[-1].clock + items[-1].length
        for item in items:
            if item.ref == SKIP:  # what follows a gap needs the gap filled first
                references.add((client, item.clock + item.length - 1))
                continue
            if item.ref == GC:
                collected.append((client, item.clock, item.length))
            elif links:
                parent = item.parent if isinstance(item.parent, tuple | str) else None
                placed.append(
                    Link(client, item.clock, item.length, item.origin, item.right_origin, parent)
                )
            if item.ref in (GC, DELETED):
                dead.append((client, item.clock, item.length))
            elif item.ref == TYPE:
                types.add((client, item.clock))
            for ref in (item.origin, item.right_origin, item.parent):
                if isinstance(ref, tuple):
                    references.add(ref)
            if isinstance(item.parent, tuple):
                parents.add(item.parent)
    return UpdateScan(
        starts,
        ends,
        deletes,
        frozenset(types),
        tuple(dead),
        frozenset(parents),
        frozenset(references),
        tuple(deleted),
        tuple(collected),
        tuple(placed),
    )


class RangeSet:
    """Clock ranges per client (merged, sorted), e.g. the deleted parts of a document."""

    def __init__(self) -> None:
        self._spans: dict[int, list[tuple[int, int]]] = {}

    def add(self, client: int, clock: int, length: int) -> None:
        spans = self._spans.setdefault(client, [])
        start, end = clock, clock + length
        index = bisect_right(spans, (start, end))
        spans.insert(index, (start, end))
        if index > 0 and spans[index - 1][1] >= start:
            index -= 1
            spans[index] = (spans[index][0], max(spans[index][1], end))
            del spans[index + 1]
        while index + 1 < len(spans) and spans[index + 1][0] <= spans[index][1]:
            spans[index] = (spans[index][0], max(spans[index][1], spans[index + 1][1]))
            del spans[index + 1]

    def __contains__(self, ref: object) -> bool:
        if not isinstance(ref, tuple):
            return False
        spans = self._spans.get(ref[0])
        if not spans:
            return False
        index = bisect_right(spans, (ref[1], MAX_CLOCK + 1)) - 1
        return index >= 0 and spans[index][0] <= ref[1] < spans[index][1]

    def covers(self, client: int, clock: int, length: int) -> bool:
        """True when the whole range is in the set (spans are merged: one span holds it)."""
        spans = self._spans.get(client)
        if not spans:
            return False
        index = bisect_right(spans, (clock, MAX_CLOCK + 1)) - 1
        return index >= 0 and spans[index][0] <= clock and clock + length <= spans[index][1]


def gc_orphans(
    update: bytes, is_dead: Callable[[ID], bool], is_collected: Callable[[ID], bool]
) -> bytes | None:
    """The update with every item whose parent is deleted, or whose neighbour is garbage
    collected (``is_collected``: in the document; or in the update), and every item built on
    such an item, rewritten as a GC struct of the same range, or None when there is none.

    That is what Yjs makes of them; Yrs 0.12 (y-py) instead panics half-way and leaves the
    document unable to encode, e.g. when someone types into an empty paragraph that another
    user deletes at the same time. Expects an update ``scan_update`` accepted.
    """
    decoder = Lib0Decoder(bytes(update))
    spans: list[tuple[Item, int, int]] = []
    sections = read_structs(decoder, spans)
    tail = decoder.position
    # Yjs: an item whose origin or right origin is GC becomes GC; so does one whose parent
    # is GC or deleted. A deleted *origin* is fine: text typed after deleted text is live.
    collected, deleted = RangeSet(), RangeSet()
    for item, _, _ in spans:
        if item.ref in (GC, DELETED):
            (collected if item.ref == GC else deleted).add(item.client, item.clock, item.length)
    doomed: set[int] = set()
    changed = True
    while changed:
        changed = False
        for index, (item, _, _) in enumerate(spans):
            if index in doomed or item.ref in (GC, SKIP):
                continue
            parent = item.parent if isinstance(item.parent, tuple) else None
            neighbours = [ref for ref in (item.origin, item.right_origin) if ref is not None]
            if (
                (parent is not None and (is_dead(parent) or parent in deleted))
                or any(ref in collected for ref in (parent, *neighbours))
                or any(is_collected(ref) for ref in neighbours)
            ):
                doomed.add(index)
                collected.add(item.client, item.clock, item.length)
                changed = True
    if not doomed:
        return None
    out = Lib0Encoder()
    out.write_var_uint(len(sections))
    index = 0
    for client, items in sections.items():
        out.write_var_uint(len(items))
        out.write_var_uint(client)
        out.write_var_uint(items[0].clock)
        for item in items:
            _, start, end = spans[index]
            if index in doomed:
                out.write_uint8(GC)
                out.write_var_uint(item.length)
            else:
                out.write_bytes(update[start:end])
            index += 1
    out.write_bytes(update[tail:])
    return out.to_bytes()


def trim_known(update: bytes, clocks: Mapping[int, int]) -> bytes | None:
    """The update without the structs (or struct prefixes) below ``clocks``, the way Yjs
    encodes a diff, or None when nothing overlaps. Yrs 0.12 mis-integrates overlaps.
    Expects an update ``scan_update`` accepted."""
    decoder = Lib0Decoder(bytes(update))
    spans: list[tuple[Item, int, int]] = []
    sections = read_structs(decoder, spans)
    tail = decoder.position
    if all(items[0].clock >= clocks.get(client, 0) for client, items in sections.items()):
        return None
    kept: list[tuple[int, int, list[bytes]]] = []
    index = 0
    for client, items in sections.items():
        known = clocks.get(client, 0)
        structs: list[bytes] = []
        first = max(items[0].clock, known)
        for item in items:
            _, start, end = spans[index]
            index += 1
            if item.clock + item.length <= known:
                continue
            if item.clock >= known:
                structs.append(update[start:end])
            else:
                structs.append(encode_tail(item, known - item.clock))
        if structs:
            kept.append((client, first, structs))
    out = Lib0Encoder()
    out.write_var_uint(len(kept))
    for client, first, structs in kept:
        out.write_var_uint(len(structs))
        out.write_var_uint(client)
        out.write_var_uint(first)
        for struct in structs:
            out.write_bytes(struct)
    out.write_bytes(update[tail:])
    return out.to_bytes()


def encode_tail(item: Item, offset: int) -> bytes:
    """An item from ``offset`` on, as Yjs' ``Item.write(encoder, offset)`` writes it."""
    out = Lib0Encoder()
    if item.ref in (GC, SKIP):
        out.write_uint8(item.ref)
        out.write_var_uint(item.length - offset)
        return out.to_bytes()
    right = item.right_origin
    out.write_uint8(
        item.ref | 0x80 | (0x40 if right is not None else 0) | (0x20 if item.parent_sub else 0)
    )
    out.write_var_uint(item.client)
    out.write_var_uint(item.clock + offset - 1)
    if right is not None:
        out.write_var_uint(right[0])
        out.write_var_uint(right[1])
    if item.ref == STRING:
        out.write_var_string(split_string(item.value, offset)[1])
    elif item.ref == DELETED:
        out.write_var_uint(item.length - offset)
    elif item.ref == JSON:
        out.write_var_uint(item.length - offset)
        for value in item.value[offset:]:
            out.write_json(value)
    elif item.ref == ANY:
        out.write_var_uint(item.length - offset)
        for value in item.value[offset:]:
            out.write_any(value)
    else:  # every other content is one clock long, so it is never cut
        raise ValueError(f"cannot cut content ref {item.ref}")
    return out.to_bytes()


def required_clocks(update: bytes) -> dict[int, int]:
    """``scan_update(update).required``; raises ``MalformedUpdate``."""
    return scan_update(update).required


# ---------------------------------------------------------------- ProseMirror JSON
