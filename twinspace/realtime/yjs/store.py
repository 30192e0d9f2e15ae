"""Decoding v1 updates into an item store and integrating them as Yjs does (YATA)."""

from __future__ import annotations

from bisect import bisect_right
from operator import attrgetter
from typing import Any

from twinspace.realtime.protocol import (
    Lib0Decoder,
    MalformedMessage,
    MalformedUpdate,
    parse_json,
)
from twinspace.realtime.yjs.model import (
    ANY,
    BINARY,
    DELETED,
    DOC,
    EMBED,
    FORMAT,
    GC,
    ID,
    JSON,
    MAX_CLOCK,
    SKIP,
    STRING,
    TYPE,
    TYPE_REFS,
    XML_ELEMENT,
    XML_HOOK,
)


class YType:
    """A shared type instance: a linked list of items plus a map of keyed items."""

    __slots__ = ("item", "map", "name", "ref", "start")

    def __init__(self, ref: int, name: str | None) -> None:
        self.ref = ref
        self.name = name
        self.start: Item | None = None
        self.map: dict[str, Item] = {}
        self.item: Item | None = None


class Item:
    """A Yjs struct: an Item, or a GC / Skip range (``ref`` 0 / 10)."""

    __slots__ = (
        "client",
        "clock",
        "deleted",
        "left",
        "length",
        "origin",
        "parent",
        "parent_sub",
        "ref",
        "right",
        "right_origin",
        "value",
    )

    def __init__(
        self,
        client: int,
        clock: int,
        length: int,
        ref: int,
        value: Any = None,
        origin: ID | None = None,
        right_origin: ID | None = None,
        parent: YType | ID | str | None = None,
        parent_sub: str | None = None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.length = length
        self.ref = ref
        self.value = value
        self.origin = origin
        self.right_origin = right_origin
        self.parent = parent
        self.parent_sub = parent_sub
        self.left: Item | None = None
        self.right: Item | None = None
        self.deleted = ref in (GC, DELETED)

    @property
    def last_id(self) -> ID:
        return (self.client, self.clock + self.length - 1)

    @property
    def countable(self) -> bool:
        return self.ref not in (DELETED, FORMAT)


_clock_of = attrgetter("clock")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_string(text: str, offset: int) -> tuple[str, str]:
    """Split at a UTF-16 offset; a cut surrogate pair becomes two U+FFFD, as in Yjs."""
    if len(text) == utf16_len(text):
        return text[:offset], text[offset:]
    units = text.encode("utf-16-le")
    left = units[: 2 * offset].decode("utf-16-le", "surrogatepass")
    right = units[2 * offset :].decode("utf-16-le", "surrogatepass")
    if left and "\ud800" <= left[-1] <= "\udbff":
        left, right = left[:-1] + "\ufffd", "\ufffd" + right[1:]
    return left, right


def split_value(item: Item, offset: int) -> Any:
    """Cut ``item.value`` at ``offset``; keeps the left part, returns the right part."""
    if item.ref == STRING:
        item.value, right = split_string(item.value, offset)
        return right
    if item.ref in (JSON, ANY):
        right = item.value[offset:]
        item.value = item.value[:offset]
        return right
    return None


class Store:
    """Integrated structs by client, sorted by clock, plus the root types by name."""

    def __init__(self) -> None:
        self.clients: dict[int, list[Item]] = {}
        self.roots: dict[str, YType] = {}

    def state(self, client: int) -> int:
        structs = self.clients.get(client)
        if not structs:
            return 0
        last = structs[-1]
        return int(last.clock + last.length)

    def root(self, name: str) -> YType:
        root = self.roots.get(name)
        if root is None:
            root = self.roots[name] = YType(-1, None)
        return root

    def _index(self, client: int, clock: int) -> int:
        structs = self.clients.get(client)
        if not structs or clock >= self.state(client) or clock < 0:
            raise MalformedUpdate(f"reference to missing struct ({client}, {clock})")
        return bisect_right(structs, clock, key=_clock_of) - 1

    def get(self, ref: ID) -> Item:
        return self.clients[ref[0]][self._index(*ref)]

    def clean_start(self, ref: ID) -> Item:
        structs = self.clients.get(ref[0], [])
        index = self._index(*ref)
        item = structs[index]
        if item.clock < ref[1] and item.ref != GC:
            return self._split(structs, index, ref[1] - item.clock)
        return item

    def clean_end(self, ref: ID) -> Item:
        structs = self.clients.get(ref[0], [])
        index = self._index(*ref)
        item = structs[index]
        if ref[1] != item.clock + item.length - 1 and item.ref != GC:
            self._split(structs, index, ref[1] - item.clock + 1)
        return item

    def _split(self, structs: list[Item], index: int, diff: int) -> Item:
        left = structs[index]
        right = Item(
            left.client,
            left.clock + diff,
            left.length - diff,
            left.ref,
            split_value(left, diff),
            (left.client, left.clock + diff - 1),
            left.right_origin,
            left.parent,
            left.parent_sub,
        )
        right.deleted = left.deleted
        right.left = left
        right.right = left.right
        left.right = right
        if right.right is not None:
            right.right.left = right
        parent = right.parent
        if right.parent_sub is not None and right.right is None and isinstance(parent, YType):
            parent.map[right.parent_sub] = right
        left.length = diff
        structs.insert(index + 1, right)
        return right

    def add(self, item: Item) -> None:
        self.clients.setdefault(item.client, []).append(item)


# ---------------------------------------------------------------- decoding


def read_content(decoder: Lib0Decoder, ref: int, strict: bool) -> tuple[Any, int]:
    """Read item content; returns (value, clock length). ``strict`` refuses subdocuments and
    XmlHooks, which TwinSpaces' clients never write and Yrs 0.12 handles poorly."""
    if ref == DELETED:
        return None, decoder.read_var_uint()
    if ref == JSON:
        count = decoder.read_var_uint()
        if count > decoder.remaining:
            raise MalformedUpdate("content count exceeds the data")
        values = []
        for _ in range(count):
            text = decoder.read_var_string()
            values.append(None if text == "undefined" else parse_json(text))
        return values, count
    if ref == BINARY:
        return decoder.read_var_uint8_array(), 1
    if ref == STRING:
        text = decoder.read_var_string()
        return text, utf16_len(text)
    if ref == EMBED:
        return decoder.read_json(), 1
    if ref == FORMAT:
        return (decoder.read_var_string(), decoder.read_json()), 1
    if ref == TYPE:
        type_ref = decoder.read_var_uint()
        if type_ref not in TYPE_REFS and (strict or type_ref != XML_HOOK):
            raise MalformedUpdate(f"unsupported type ref {type_ref}")
        name = decoder.read_var_string() if type_ref in (XML_ELEMENT, XML_HOOK) else None
        return YType(type_ref, name), 1
    if ref == ANY:
        count = decoder.read_var_uint()
        if count > decoder.remaining:
            raise MalformedUpdate("content count exceeds the data")
        return [decoder.read_any() for _ in range(count)], count
    if ref == DOC and not strict:
        return (decoder.read_var_string(), decoder.read_any()), 1
    raise MalformedUpdate(f"unsupported content ref {ref}")


def read_id(decoder: Lib0Decoder, client: int, clock: int, strict: bool) -> ID:
    """An ID an item at (client, clock) refers to: Yjs never names its own present or future
    (engines fed garbage may write that, so only ``strict`` refuses it)."""
    ref = (decoder.read_var_uint(), decoder.read_var_uint())
    if ref[1] > MAX_CLOCK or (strict and ref[0] == client and ref[1] >= clock):
        raise MalformedUpdate(f"item ({client}, {clock}) refers to {ref}")
    return ref


def read_structs(
    decoder: Lib0Decoder,
    spans: list[tuple[Item, int, int]] | None = None,
    *,
    strict: bool = True,
) -> dict[int, list[Item]]:
    """The struct section. ``strict`` holds it to what Yjs writes and refuses the rest, since
    y-py (Yrs 0.12) crashes the process on some malformed structs instead of raising; the
    lenient reading (for what an engine wrote) skips empty structs, which pycrdt may write.
    ``spans`` collects each struct with its byte range, in order."""
    refs: dict[int, list[Item]] = {}
    for _ in range(decoder.read_var_uint()):
        count = decoder.read_var_uint()
        client = decoder.read_var_uint()
        clock = decoder.read_var_uint()
        if client in refs:
            raise MalformedUpdate(f"client {client} has two struct sections")
        structs = refs[client] = []
        for _ in range(count):
            start = decoder.position
            item = read_struct(decoder, client, clock, strict)
            if item is None:
                continue
            if spans is not None:
                spans.append((item, start, decoder.position))
            structs.append(item)
            clock += item.length
            if clock > MAX_CLOCK:
                raise MalformedUpdate("clock beyond 32 bits")
        if not structs:
            del refs[client]
    return refs


def read_struct(decoder: Lib0Decoder, client: int, clock: int, strict: bool) -> Item | None:
    info = decoder.read_uint8()
    ref = info & 0x1F
    if ref in (GC, SKIP):
        length = decoder.read_var_uint()
        if length == 0:
            if strict:
                raise MalformedUpdate("empty struct")
            return None
        return Item(client, clock, length, ref)
    origin = read_id(decoder, client, clock, strict) if info & 0x80 else None
    right_origin = read_id(decoder, client, clock, strict) if info & 0x40 else None
    parent: ID | str | None = None
    parent_sub = None
    if not info & 0xC0:
        parent_info = decoder.read_var_uint()
        if parent_info not in (0, 1):
            raise MalformedUpdate(f"parent info {parent_info}")
        parent = (
            decoder.read_var_string() if parent_info else read_id(decoder, client, clock, strict)
        )
        parent_sub = decoder.read_var_string() if info & 0x20 else None
    value, length = read_content(decoder, ref, strict)
    if length == 0:
        if strict:
            raise MalformedUpdate("empty struct")
        return None
    item = Item(client, clock, length, ref, value, origin, right_origin, parent)
    item.parent_sub = parent_sub
    return item


def read_delete_set(decoder: Lib0Decoder) -> list[tuple[int, int, int]]:
    ranges = []
    for _ in range(decoder.read_var_uint()):
        client = decoder.read_var_uint()
        for _ in range(decoder.read_var_uint()):
            clock = decoder.read_var_uint()
            length = decoder.read_var_uint()
            if length == 0 or clock + length > MAX_CLOCK + 1:
                raise MalformedUpdate(f"delete range ({client}, {clock}, {length})")
            ranges.append((client, clock, length))
    return ranges


# ---------------------------------------------------------------- integration (Yjs' YATA)


class Integrator:
    def __init__(self, store: Store) -> None:
        self.store = store

    def missing(self, item: Item) -> int | None:
        """Client whose struct ``item`` still needs, else resolve left/right/parent."""
        store = self.store
        for ref in (item.origin, item.right_origin, item.parent):
            if isinstance(ref, tuple) and ref[0] != item.client and ref[1] >= store.state(ref[0]):
                return ref[0]
        if item.origin is not None:
            item.left = store.clean_end(item.origin)
            item.origin = item.left.last_id
        if item.right_origin is not None:
            item.right = store.clean_start(item.right_origin)
            item.right_origin = (item.right.client, item.right.clock)
        left, right = item.left, item.right
        if (left is not None and left.ref == GC) or (right is not None and right.ref == GC):
            item.parent = None
        elif item.parent is None:
            source = left if left is not None else right
            if source is not None:
                item.parent = source.parent
                item.parent_sub = source.parent_sub
        elif isinstance(item.parent, str):
            item.parent = store.root(item.parent)
        elif isinstance(item.parent, tuple):
            parent_item = store.get(item.parent)
            if parent_item.ref == GC:
                item.parent = None
            elif parent_item.ref == TYPE:
                item.parent = parent_item.value
            else:
                raise MalformedUpdate("parent is not a shared type")
        return None

    def integrate(self, item: Item, offset: int) -> None:
        store = self.store
        if offset > 0:
            item.clock += offset
            item.left = store.clean_end((item.client, item.clock - 1))
            item.origin = item.left.last_id
            item.value = split_tail(item, offset)
            item.length -= offset
        parent = item.parent
        if not isinstance(parent, YType):
            self._integrate_gc(item)
            return
        if (item.left is None and (item.right is None or item.right.left is not None)) or (
            item.left is not None and item.left.right is not item.right
        ):
            item.left = self._find_left(item, parent)
        if item.left is not None:
            item.right = item.left.right
            item.left.right = item
        elif item.parent_sub is not None:
            item.right = first_of_key(parent, item.parent_sub)
        else:
            item.right = parent.start
            parent.start = item
        if item.right is not None:
            item.right.left = item
        elif item.parent_sub is not None:
            parent.map[item.parent_sub] = item
            if item.left is not None:
                item.left.deleted = True
        store.add(item)
        if item.ref == TYPE:
            item.value.item = item
        owner = parent.item
        if (owner is not None and owner.deleted) or (
            item.parent_sub is not None and item.right is not None
        ):
            item.deleted = True

    def _find_left(self, item: Item, parent: YType) -> Item | None:
        left = item.left
        if left is not None:
            o = left.right
        elif item.parent_sub is not None:
            o = first_of_key(parent, item.parent_sub)
        else:
            o = parent.start
        conflicting: set[Item] = set()
        before_origin: set[Item] = set()
        while o is not None and o is not item.right:
            before_origin.add(o)
            conflicting.add(o)
            if item.origin == o.origin:
                if o.client < item.client:
                    left = o
                    conflicting.clear()
                elif item.right_origin == o.right_origin:
                    break
            elif o.origin is not None and self.store.get(o.origin) in before_origin:
                if self.store.get(o.origin) not in conflicting:
                    left = o
                    conflicting.clear()
            else:
                break
            o = o.right
        return left

    def _integrate_gc(self, item: Item) -> None:
        item.ref = GC
        item.value = None
        item.deleted = True
        item.parent = None
        self.store.add(item)

    def integrate_all(self, refs: dict[int, list[Item]]) -> None:
        """Port of Yjs' ``integrateStructs``; structs whose dependencies are absent are dropped."""
        store = self.store
        cursors = dict.fromkeys(refs, 0)
        order = sorted(refs)
        stack: list[Item] = []

        def take(client: int) -> Item | None:
            structs = refs.get(client, [])
            index = cursors.get(client, len(structs))
            if index >= len(structs):
                return None
            cursors[client] = index + 1
            return structs[index]

        def next_target() -> int | None:
            while order and cursors[order[-1]] >= len(refs[order[-1]]):
                order.pop()
            return order[-1] if order else None

        def drop_stack() -> None:
            for dropped in stack:
                cursors[dropped.client] = len(refs[dropped.client])
            stack.clear()

        target = next_target()
        head = take(target) if target is not None else None
        while head is not None:
            if head.ref != SKIP:
                offset = store.state(head.client) - head.clock
                if offset < 0:
                    stack.append(head)
                    drop_stack()
                else:
                    needed = self.missing(head)
                    if needed is not None:
                        stack.append(head)
                        dependency = take(needed)
                        if dependency is None:
                            drop_stack()
                        else:
                            head = dependency
                            continue
                    elif offset < head.length:
                        self.integrate(head, offset)
            if stack:
                head = stack.pop()
            else:
                head = take(target) if target is not None else None
                if head is None:
                    target = next_target()
                    head = take(target) if target is not None else None

    def delete(self, client: int, clock: int, length: int) -> None:
        """Port of Yjs' ``readAndApplyDeleteSet`` for one range (ranges not yet known are lost)."""
        structs = self.store.clients.get(client)
        end = clock + length
        if not structs or clock >= self.store.state(client):
            return
        index = bisect_right(structs, clock, key=_clock_of) - 1
        item = structs[index]
        if not item.deleted and item.clock < clock:
            self.store._split(structs, index, clock - item.clock)
            index += 1
        while index < len(structs):
            item = structs[index]
            index += 1
            if item.clock >= end:
                break
            if not item.deleted:
                if end < item.clock + item.length:
                    self.store._split(structs, index - 1, end - item.clock)
                item.deleted = True


def split_tail(item: Item, offset: int) -> Any:
    if item.ref == STRING:
        return split_string(item.value, offset)[1]
    if item.ref in (JSON, ANY):
        return item.value[offset:]
    return item.value


def first_of_key(parent: YType, key: str) -> Item | None:
    o = parent.map.get(key)
    while o is not None and o.left is not None:
        o = o.left
    return o


def decode_store(update: bytes) -> Store:
    try:
        decoder = Lib0Decoder(bytes(update))
        refs = read_structs(decoder, strict=False)
        deletes = read_delete_set(decoder)
        store = Store()
        integrator = Integrator(store)
        integrator.integrate_all(refs)
        for client, clock, length in deletes:
            integrator.delete(client, clock, length)
        return store
    except MalformedUpdate:
        raise
    except (MalformedMessage, ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
        raise MalformedUpdate(f"undecodable update: {exc}") from exc


# ---------------------------------------------------------------- reading pages
