"""Pages as Tiptap stores them in Yjs, read from and written to update bytes in pure Python.

A page is what Tiptap's Collaboration extension (y-prosemirror) writes: a ``Y.XmlFragment``
named ``default`` holding one ``Y.XmlElement`` per ProseMirror node (attributes = node attrs)
and one ``Y.XmlText`` per run of text nodes, whose formatting attributes are the marks
(``{"bold": {}}``, ``{"link": {"href": ...}}``). Simple clients may use a ``Y.Text`` named
``text`` instead; a page carries both.

Neither binding can do all of this: y-py has no XmlFragment, no formatted XmlText and only
string attributes, so this module decodes the v1 update format and replays Yjs' integration
(YATA) itself, and writes new edits as update bytes any engine (and any Yjs peer) applies.
Everything here is bytes in, values out: safe in a worker thread.
"""

from __future__ import annotations

import html as _html
import random
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Final

from twinspace.realtime.protocol import (
    Lib0Decoder,
    Lib0Encoder,
    MalformedMessage,
    MalformedUpdate,
    parse_json,
)

FRAGMENT_ROOT: Final = "default"
TEXT_ROOT: Final = "text"

ID = tuple[int, int]

# item content refs (Yjs contentRefs) and shared type refs (Yjs typeRefs)
_GC, _DELETED, _JSON, _BINARY, _STRING, _EMBED, _FORMAT, _TYPE, _ANY, _DOC, _SKIP = range(11)
_XML_ELEMENT, _XML_FRAGMENT, _XML_HOOK, _XML_TEXT = 3, 4, 5, 6
_TYPE_REFS: Final = frozenset({0, 1, 2, _XML_ELEMENT, _XML_FRAGMENT, _XML_TEXT})  # no XmlHook
_MAX_CLOCK: Final = 2**32 - 1  # Yrs keeps clocks in u32


# ---------------------------------------------------------------- the page model


@dataclass(frozen=True, slots=True)
class Run:
    """Text with the formatting attributes (y-prosemirror: marks) that apply to it."""

    text: str
    marks: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Embed:
    """A non-text insert in a text type (Quill-style embeds); kept so a restore keeps it."""

    value: Any
    marks: dict[str, Any] = field(default_factory=dict)


Inline = Run | Embed


@dataclass(frozen=True, slots=True)
class RichText:
    """A ``Y.XmlText``: consecutive ProseMirror text nodes."""

    runs: tuple[Inline, ...] = ()


@dataclass(frozen=True, slots=True)
class Element:
    """A ``Y.XmlElement``: one ProseMirror node that is not text."""

    name: str
    attrs: dict[str, Any] = field(default_factory=dict)
    children: tuple[Node, ...] = ()


Node = Element | RichText


@dataclass(frozen=True, slots=True)
class Page:
    """The ``default`` fragment and the ``text`` root of a document."""

    fragment: tuple[Node, ...] = ()
    text: tuple[Inline, ...] = ()


# ---------------------------------------------------------------- the struct store


class _Type:
    """A shared type instance: a linked list of items plus a map of keyed items."""

    __slots__ = ("item", "map", "name", "ref", "start")

    def __init__(self, ref: int, name: str | None) -> None:
        self.ref = ref
        self.name = name
        self.start: _Item | None = None
        self.map: dict[str, _Item] = {}
        self.item: _Item | None = None


class _Item:
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
        parent: _Type | ID | str | None = None,
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
        self.left: _Item | None = None
        self.right: _Item | None = None
        self.deleted = ref in (_GC, _DELETED)

    @property
    def last_id(self) -> ID:
        return (self.client, self.clock + self.length - 1)

    @property
    def countable(self) -> bool:
        return self.ref not in (_DELETED, _FORMAT)


_clock_of = attrgetter("clock")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _split_string(text: str, offset: int) -> tuple[str, str]:
    """Split at a UTF-16 offset; a cut surrogate pair becomes two U+FFFD, as in Yjs."""
    if len(text) == _utf16_len(text):
        return text[:offset], text[offset:]
    units = text.encode("utf-16-le")
    left = units[: 2 * offset].decode("utf-16-le", "surrogatepass")
    right = units[2 * offset :].decode("utf-16-le", "surrogatepass")
    if left and "\ud800" <= left[-1] <= "\udbff":
        left, right = left[:-1] + "\ufffd", "\ufffd" + right[1:]
    return left, right


def _split_value(item: _Item, offset: int) -> Any:
    """Cut ``item.value`` at ``offset``; keeps the left part, returns the right part."""
    if item.ref == _STRING:
        item.value, right = _split_string(item.value, offset)
        return right
    if item.ref in (_JSON, _ANY):
        right = item.value[offset:]
        item.value = item.value[:offset]
        return right
    return None


class _Store:
    """Integrated structs by client, sorted by clock, plus the root types by name."""

    def __init__(self) -> None:
        self.clients: dict[int, list[_Item]] = {}
        self.roots: dict[str, _Type] = {}

    def state(self, client: int) -> int:
        structs = self.clients.get(client)
        if not structs:
            return 0
        last = structs[-1]
        return int(last.clock + last.length)

    def root(self, name: str) -> _Type:
        root = self.roots.get(name)
        if root is None:
            root = self.roots[name] = _Type(-1, None)
        return root

    def _index(self, client: int, clock: int) -> int:
        structs = self.clients.get(client)
        if not structs or clock >= self.state(client) or clock < 0:
            raise MalformedUpdate(f"reference to missing struct ({client}, {clock})")
        return bisect_right(structs, clock, key=_clock_of) - 1

    def get(self, ref: ID) -> _Item:
        return self.clients[ref[0]][self._index(*ref)]

    def clean_start(self, ref: ID) -> _Item:
        structs = self.clients.get(ref[0], [])
        index = self._index(*ref)
        item = structs[index]
        if item.clock < ref[1] and item.ref != _GC:
            return self._split(structs, index, ref[1] - item.clock)
        return item

    def clean_end(self, ref: ID) -> _Item:
        structs = self.clients.get(ref[0], [])
        index = self._index(*ref)
        item = structs[index]
        if ref[1] != item.clock + item.length - 1 and item.ref != _GC:
            self._split(structs, index, ref[1] - item.clock + 1)
        return item

    def _split(self, structs: list[_Item], index: int, diff: int) -> _Item:
        left = structs[index]
        right = _Item(
            left.client,
            left.clock + diff,
            left.length - diff,
            left.ref,
            _split_value(left, diff),
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
        if right.parent_sub is not None and right.right is None and isinstance(parent, _Type):
            parent.map[right.parent_sub] = right
        left.length = diff
        structs.insert(index + 1, right)
        return right

    def add(self, item: _Item) -> None:
        self.clients.setdefault(item.client, []).append(item)


# ---------------------------------------------------------------- decoding


def _read_content(decoder: Lib0Decoder, ref: int, strict: bool) -> tuple[Any, int]:
    """Read item content; returns (value, clock length). ``strict`` refuses subdocuments and
    XmlHooks, which TwinSpaces' clients never write and Yrs 0.12 handles poorly."""
    if ref == _DELETED:
        return None, decoder.read_var_uint()
    if ref == _JSON:
        count = decoder.read_var_uint()
        if count > decoder.remaining:
            raise MalformedUpdate("content count exceeds the data")
        values = []
        for _ in range(count):
            text = decoder.read_var_string()
            values.append(None if text == "undefined" else parse_json(text))
        return values, count
    if ref == _BINARY:
        return decoder.read_var_uint8_array(), 1
    if ref == _STRING:
        text = decoder.read_var_string()
        return text, _utf16_len(text)
    if ref == _EMBED:
        return decoder.read_json(), 1
    if ref == _FORMAT:
        return (decoder.read_var_string(), decoder.read_json()), 1
    if ref == _TYPE:
        type_ref = decoder.read_var_uint()
        if type_ref not in _TYPE_REFS and (strict or type_ref != _XML_HOOK):
            raise MalformedUpdate(f"unsupported type ref {type_ref}")
        name = decoder.read_var_string() if type_ref in (_XML_ELEMENT, _XML_HOOK) else None
        return _Type(type_ref, name), 1
    if ref == _ANY:
        count = decoder.read_var_uint()
        if count > decoder.remaining:
            raise MalformedUpdate("content count exceeds the data")
        return [decoder.read_any() for _ in range(count)], count
    if ref == _DOC and not strict:
        return (decoder.read_var_string(), decoder.read_any()), 1
    raise MalformedUpdate(f"unsupported content ref {ref}")


def _read_id(decoder: Lib0Decoder, client: int, clock: int, strict: bool) -> ID:
    """An ID an item at (client, clock) refers to: Yjs never names its own present or future
    (engines fed garbage may write that, so only ``strict`` refuses it)."""
    ref = (decoder.read_var_uint(), decoder.read_var_uint())
    if ref[1] > _MAX_CLOCK or (strict and ref[0] == client and ref[1] >= clock):
        raise MalformedUpdate(f"item ({client}, {clock}) refers to {ref}")
    return ref


def _read_structs(
    decoder: Lib0Decoder,
    spans: list[tuple[_Item, int, int]] | None = None,
    *,
    strict: bool = True,
) -> dict[int, list[_Item]]:
    """The struct section. ``strict`` holds it to what Yjs writes and refuses the rest, since
    y-py (Yrs 0.12) crashes the process on some malformed structs instead of raising; the
    lenient reading (for what an engine wrote) skips empty structs, which pycrdt may write.
    ``spans`` collects each struct with its byte range, in order."""
    refs: dict[int, list[_Item]] = {}
    for _ in range(decoder.read_var_uint()):
        count = decoder.read_var_uint()
        client = decoder.read_var_uint()
        clock = decoder.read_var_uint()
        if client in refs:
            raise MalformedUpdate(f"client {client} has two struct sections")
        structs = refs[client] = []
        for _ in range(count):
            start = decoder.position
            item = _read_struct(decoder, client, clock, strict)
            if item is None:
                continue
            if spans is not None:
                spans.append((item, start, decoder.position))
            structs.append(item)
            clock += item.length
            if clock > _MAX_CLOCK:
                raise MalformedUpdate("clock beyond 32 bits")
        if not structs:
            del refs[client]
    return refs


def _read_struct(decoder: Lib0Decoder, client: int, clock: int, strict: bool) -> _Item | None:
    info = decoder.read_uint8()
    ref = info & 0x1F
    if ref in (_GC, _SKIP):
        length = decoder.read_var_uint()
        if length == 0:
            if strict:
                raise MalformedUpdate("empty struct")
            return None
        return _Item(client, clock, length, ref)
    origin = _read_id(decoder, client, clock, strict) if info & 0x80 else None
    right_origin = _read_id(decoder, client, clock, strict) if info & 0x40 else None
    parent: ID | str | None = None
    parent_sub = None
    if not info & 0xC0:
        parent_info = decoder.read_var_uint()
        if parent_info not in (0, 1):
            raise MalformedUpdate(f"parent info {parent_info}")
        parent = (
            decoder.read_var_string() if parent_info else _read_id(decoder, client, clock, strict)
        )
        parent_sub = decoder.read_var_string() if info & 0x20 else None
    value, length = _read_content(decoder, ref, strict)
    if length == 0:
        if strict:
            raise MalformedUpdate("empty struct")
        return None
    item = _Item(client, clock, length, ref, value, origin, right_origin, parent)
    item.parent_sub = parent_sub
    return item


def _read_delete_set(decoder: Lib0Decoder) -> list[tuple[int, int, int]]:
    ranges = []
    for _ in range(decoder.read_var_uint()):
        client = decoder.read_var_uint()
        for _ in range(decoder.read_var_uint()):
            clock = decoder.read_var_uint()
            length = decoder.read_var_uint()
            if length == 0 or clock + length > _MAX_CLOCK + 1:
                raise MalformedUpdate(f"delete range ({client}, {clock}, {length})")
            ranges.append((client, clock, length))
    return ranges


# ---------------------------------------------------------------- integration (Yjs' YATA)


class _Integrator:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def missing(self, item: _Item) -> int | None:
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
        if (left is not None and left.ref == _GC) or (right is not None and right.ref == _GC):
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
            if parent_item.ref == _GC:
                item.parent = None
            elif parent_item.ref == _TYPE:
                item.parent = parent_item.value
            else:
                raise MalformedUpdate("parent is not a shared type")
        return None

    def integrate(self, item: _Item, offset: int) -> None:
        store = self.store
        if offset > 0:
            item.clock += offset
            item.left = store.clean_end((item.client, item.clock - 1))
            item.origin = item.left.last_id
            item.value = _split_tail(item, offset)
            item.length -= offset
        parent = item.parent
        if not isinstance(parent, _Type):
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
            item.right = _first_of_key(parent, item.parent_sub)
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
        if item.ref == _TYPE:
            item.value.item = item
        owner = parent.item
        if (owner is not None and owner.deleted) or (
            item.parent_sub is not None and item.right is not None
        ):
            item.deleted = True

    def _find_left(self, item: _Item, parent: _Type) -> _Item | None:
        left = item.left
        if left is not None:
            o = left.right
        elif item.parent_sub is not None:
            o = _first_of_key(parent, item.parent_sub)
        else:
            o = parent.start
        conflicting: set[_Item] = set()
        before_origin: set[_Item] = set()
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

    def _integrate_gc(self, item: _Item) -> None:
        item.ref = _GC
        item.value = None
        item.deleted = True
        item.parent = None
        self.store.add(item)

    def integrate_all(self, refs: dict[int, list[_Item]]) -> None:
        """Port of Yjs' ``integrateStructs``; structs whose dependencies are absent are dropped."""
        store = self.store
        cursors = dict.fromkeys(refs, 0)
        order = sorted(refs)
        stack: list[_Item] = []

        def take(client: int) -> _Item | None:
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
            if head.ref != _SKIP:
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


def _split_tail(item: _Item, offset: int) -> Any:
    if item.ref == _STRING:
        return _split_string(item.value, offset)[1]
    if item.ref in (_JSON, _ANY):
        return item.value[offset:]
    return item.value


def _first_of_key(parent: _Type, key: str) -> _Item | None:
    o = parent.map.get(key)
    while o is not None and o.left is not None:
        o = o.left
    return o


def _decode_store(update: bytes) -> _Store:
    try:
        decoder = Lib0Decoder(bytes(update))
        refs = _read_structs(decoder, strict=False)
        deletes = _read_delete_set(decoder)
        store = _Store()
        integrator = _Integrator(store)
        integrator.integrate_all(refs)
        for client, clock, length in deletes:
            integrator.delete(client, clock, length)
        return store
    except MalformedUpdate:
        raise
    except (MalformedMessage, ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
        raise MalformedUpdate(f"undecodable update: {exc}") from exc


# ---------------------------------------------------------------- reading pages


def _visible(start: _Item | None) -> Iterator[_Item]:
    item = start
    while item is not None:
        if not item.deleted:
            yield item
        item = item.right


def _attr_value(item: _Item) -> Any:
    if item.ref in (_JSON, _ANY):
        return item.value[-1]
    if item.ref == _STRING:
        return item.value[-1:]
    if item.ref in (_BINARY, _EMBED):
        return item.value
    return None


def _read_inline(kind: _Type) -> tuple[Inline, ...]:
    runs: list[Inline] = []
    marks: dict[str, Any] = {}
    for item in _visible(kind.start):
        if item.ref == _FORMAT:
            key, value = item.value
            if value is None:
                marks.pop(key, None)
            else:
                marks[key] = value
        elif item.ref == _STRING:
            last = runs[-1] if runs else None
            if isinstance(last, Run) and last.marks == marks:
                runs[-1] = Run(last.text + item.value, last.marks)
            else:
                runs.append(Run(item.value, dict(marks)))
        elif item.ref == _EMBED:
            runs.append(Embed(item.value, dict(marks)))
    return tuple(runs)


def _read_nodes(kind: _Type) -> tuple[Node, ...]:
    nodes: list[Node] = []
    for item in _visible(kind.start):
        if item.ref != _TYPE:
            continue
        child: _Type = item.value
        if child.ref == _XML_TEXT:
            nodes.append(RichText(_read_inline(child)))
        elif child.ref == _XML_ELEMENT and child.name is not None:
            attrs = {
                key: _attr_value(entry)
                for key, entry in sorted(child.map.items())
                if not entry.deleted and _attr_value(entry) is not None
            }
            nodes.append(Element(child.name, attrs, _read_nodes(child)))
    return tuple(nodes)


def read_page(update: bytes, *, fragment: str = FRAGMENT_ROOT, text: str = TEXT_ROOT) -> Page:
    """The page held by a document state (or any update); raises ``MalformedUpdate``."""
    store = _decode_store(update)
    fragment_root = store.roots.get(fragment)
    text_root = store.roots.get(text)
    return Page(
        fragment=_read_nodes(fragment_root) if fragment_root is not None else (),
        text=_read_inline(text_root) if text_root is not None else (),
    )


# ---------------------------------------------------------------- writing edits


class _Writer:
    """Encodes new items for one fresh client, clocks from 0, plus a delete set."""

    def __init__(self, client: int) -> None:
        self.client = client
        self.clock = 0
        self.count = 0
        self.body = Lib0Encoder()
        self.deletes: dict[int, list[tuple[int, int]]] = {}

    def item(
        self,
        ref: int,
        length: int,
        *,
        origin: ID | None = None,
        parent: str | ID | None = None,
        parent_sub: str | None = None,
    ) -> ID:
        """Write an item header; the caller writes the content right after. Returns its id."""
        info = ref | (0x80 if origin is not None else 0) | (0x20 if parent_sub is not None else 0)
        out = self.body
        out.write_uint8(info)
        if origin is not None:
            out.write_var_uint(origin[0])
            out.write_var_uint(origin[1])
        else:
            if isinstance(parent, str):
                out.write_var_uint(1)
                out.write_var_string(parent)
            elif parent is not None:
                out.write_var_uint(0)
                out.write_var_uint(parent[0])
                out.write_var_uint(parent[1])
            else:
                raise ValueError("an item needs an origin or a parent")
            if parent_sub is not None:
                out.write_var_string(parent_sub)
        first = (self.client, self.clock)
        self.clock += length
        self.count += 1
        return first

    def delete(self, item: _Item) -> None:
        self.deletes.setdefault(item.client, []).append((item.clock, item.length))

    def to_bytes(self) -> bytes:
        out = Lib0Encoder()
        if self.count:
            out.write_var_uint(1)
            out.write_var_uint(self.count)
            out.write_var_uint(self.client)
            out.write_var_uint(0)
            out.write_bytes(self.body.to_bytes())
        else:
            out.write_var_uint(0)
        out.write_var_uint(len(self.deletes))
        for client, ranges in sorted(self.deletes.items()):
            merged: list[list[int]] = []
            for clock, length in sorted(ranges):
                if merged and merged[-1][0] + merged[-1][1] >= clock:
                    merged[-1][1] = max(merged[-1][1], clock + length - merged[-1][0])
                else:
                    merged.append([clock, length])
            out.write_var_uint(client)
            out.write_var_uint(len(merged))
            for clock, length in merged:
                out.write_var_uint(clock)
                out.write_var_uint(length)
        return out.to_bytes()

    # content --------------------------------------------------------------

    def element(self, node: Element, origin: ID | None, parent: str | ID) -> ID:
        element_id = self.item(_TYPE, 1, origin=origin, parent=parent)
        self.body.write_var_uint(_XML_ELEMENT)
        self.body.write_var_string(node.name)
        for key, value in sorted(node.attrs.items()):
            if value is not None:
                self.item(_ANY, 1, parent=element_id, parent_sub=key)
                self.body.write_var_uint(1)
                self.body.write_any(value)
        self.nodes(node.children, None, element_id)
        return element_id

    def rich_text(self, node: RichText, origin: ID | None, parent: str | ID) -> ID:
        text_id = self.item(_TYPE, 1, origin=origin, parent=parent)
        self.body.write_var_uint(_XML_TEXT)
        self.inline(node.runs, None, text_id)
        return text_id

    def nodes(self, nodes: Sequence[Node], origin: ID | None, parent: str | ID) -> None:
        for node in nodes:
            if isinstance(node, Element):
                origin = self.element(node, origin, parent)
            else:
                origin = self.rich_text(node, origin, parent)

    def inline(self, runs: Sequence[Inline], origin: ID | None, parent: str | ID) -> None:
        """Formatted text the way Yjs' ``insertText`` lays it out: format items around text."""
        current: dict[str, Any] = {}
        for run in runs:
            if isinstance(run, Run) and not run.text:
                continue
            wanted = {key: value for key, value in run.marks.items() if value is not None}
            for key in sorted(current.keys() | wanted.keys()):
                if current.get(key) != wanted.get(key):
                    origin = self._format(key, wanted.get(key), origin, parent)
            current = wanted
            if isinstance(run, Run):
                origin = self.item(_STRING, _utf16_len(run.text), origin=origin, parent=parent)
                self.body.write_var_string(run.text)
            else:
                origin = self.item(_EMBED, 1, origin=origin, parent=parent)
                self.body.write_json(run.value)
            origin = (origin[0], self.clock - 1)
        for key in sorted(current):
            origin = self._format(key, None, origin, parent)

    def _format(self, key: str, value: Any, origin: ID | None, parent: str | ID) -> ID:
        item_id = self.item(_FORMAT, 1, origin=origin, parent=parent)
        self.body.write_var_string(key)
        self.body.write_json(value)
        return item_id


def _replace_list(writer: _Writer, root: _Type | None) -> ID | None:
    """Delete the visible items of ``root``; returns the id to append after (its last item)."""
    last: _Item | None = None
    item = root.start if root is not None else None
    while item is not None:
        if not item.deleted:
            writer.delete(item)
        last = item
        item = item.right
    return last.last_id if last is not None and last.ref != _GC else None


def replacement_update(
    live_state: bytes,
    page: Page,
    client_id: int | None = None,
    *,
    avoid_clients: Collection[int] = (),
    fragment: str = FRAGMENT_ROOT,
    text: str = TEXT_ROOT,
) -> bytes:
    """Update bytes that turn ``live_state`` into ``page``: delete what is visible in both
    roots and append ``page`` as new items of a client ID that has no structs in the state
    (``client_id``, or a random 32-bit one not in ``avoid_clients``, as Yjs picks them).
    """
    store = _decode_store(live_state)
    if client_id is None:
        client_id = _fresh_client(store, avoid_clients)
    elif store.state(client_id) != 0:
        raise ValueError(f"client {client_id} already has structs in this document")
    writer = _Writer(client_id)
    fragment_root = store.roots.get(fragment)
    origin = _replace_list(writer, fragment_root)
    writer.nodes(page.fragment, origin, fragment)
    text_root = store.roots.get(text)
    if text_root is not None or page.text:
        origin = _replace_list(writer, text_root)
        writer.inline(page.text, origin, text)
    return writer.to_bytes()


def _fresh_client(store: _Store, avoid: Collection[int]) -> int:
    while True:
        candidate = random.getrandbits(32)
        if candidate not in store.clients and candidate not in avoid:
            return candidate


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


def scan_update(update: bytes, *, strict: bool = True) -> UpdateScan:
    """Validate an update (strictly: the guard in front of y-py) and scan it."""
    try:
        decoder = Lib0Decoder(bytes(update))
        refs = _read_structs(decoder, strict=strict)
        deleted = _read_delete_set(decoder)
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
    links: list[Link] = []
    parents: set[ID] = set()
    references: set[ID] = set()
    for client, items in refs.items():
        starts[client] = items[0].clock
        ends[client] = items[-1].clock + items[-1].length
        for item in items:
            if item.ref == _SKIP:  # what follows a gap needs the gap filled first
                references.add((client, item.clock + item.length - 1))
                continue
            if item.ref == _GC:
                collected.append((client, item.clock, item.length))
            else:
                parent = item.parent if isinstance(item.parent, tuple | str) else None
                links.append(
                    Link(client, item.clock, item.length, item.origin, item.right_origin, parent)
                )
            if item.ref in (_GC, _DELETED):
                dead.append((client, item.clock, item.length))
            elif item.ref == _TYPE:
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
        tuple(links),
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
        index = bisect_right(spans, (ref[1], _MAX_CLOCK + 1)) - 1
        return index >= 0 and spans[index][0] <= ref[1] < spans[index][1]


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
    spans: list[tuple[_Item, int, int]] = []
    sections = _read_structs(decoder, spans)
    tail = decoder.position
    # Yjs: an item whose origin or right origin is GC becomes GC; so does one whose parent
    # is GC or deleted. A deleted *origin* is fine: text typed after deleted text is live.
    collected, deleted = RangeSet(), RangeSet()
    for item, _, _ in spans:
        if item.ref in (_GC, _DELETED):
            (collected if item.ref == _GC else deleted).add(item.client, item.clock, item.length)
    doomed: set[int] = set()
    changed = True
    while changed:
        changed = False
        for index, (item, _, _) in enumerate(spans):
            if index in doomed or item.ref in (_GC, _SKIP):
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
                out.write_uint8(_GC)
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
    spans: list[tuple[_Item, int, int]] = []
    sections = _read_structs(decoder, spans)
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
                structs.append(_encode_tail(item, known - item.clock))
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


def _encode_tail(item: _Item, offset: int) -> bytes:
    """An item from ``offset`` on, as Yjs' ``Item.write(encoder, offset)`` writes it."""
    out = Lib0Encoder()
    if item.ref in (_GC, _SKIP):
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
    if item.ref == _STRING:
        out.write_var_string(_split_string(item.value, offset)[1])
    elif item.ref == _DELETED:
        out.write_var_uint(item.length - offset)
    elif item.ref == _JSON:
        out.write_var_uint(item.length - offset)
        for value in item.value[offset:]:
            out.write_json(value)
    elif item.ref == _ANY:
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


def from_prosemirror_json(doc: Mapping[str, Any]) -> Page:
    """A page from ProseMirror / Tiptap JSON (``editor.getJSON()``), as y-prosemirror maps it."""
    return Page(fragment=_pm_children(doc.get("content") or ()))


def _pm_children(content: Sequence[Mapping[str, Any]]) -> tuple[Node, ...]:
    nodes: list[Node] = []
    runs: list[Inline] = []
    for node in content:
        if node.get("type") == "text":
            marks = {
                str(mark["type"]): dict(mark.get("attrs") or {}) for mark in node.get("marks") or ()
            }
            runs.append(Run(str(node.get("text", "")), marks))
            continue
        if runs:
            nodes.append(RichText(tuple(runs)))
            runs = []
        attrs = {k: v for k, v in (node.get("attrs") or {}).items() if v is not None}
        nodes.append(Element(str(node["type"]), attrs, _pm_children(node.get("content") or ())))
    if runs:
        nodes.append(RichText(tuple(runs)))
    return tuple(nodes)


# ---------------------------------------------------------------- rendering

_TEXTBLOCKS: Final = frozenset({"paragraph", "heading", "codeBlock"})
_SIMPLE_TAGS: Final = {
    "paragraph": "p",
    "blockquote": "blockquote",
    "bulletList": "ul",
    "listItem": "li",
    "taskList": "ul",
    "taskItem": "li",
    "tableRow": "tr",
}
_MARK_TAGS: Final = (
    ("bold", "strong"),
    ("italic", "em"),
    ("underline", "u"),
    ("strike", "s"),
    ("subscript", "sub"),
    ("superscript", "sup"),
    ("code", "code"),
)


def _mark_name(key: str) -> str:
    return key.split("--", 1)[0]  # y-prosemirror keys overlapping marks as "name--hash"


def _inline_text(nodes: Sequence[Node]) -> str:
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, RichText):
            parts.extend(run.text for run in node.runs if isinstance(run, Run))
        elif node.name == "hardBreak":
            parts.append("\n")
        elif node.name == "image":
            parts.append(str(node.attrs.get("alt") or ""))
        else:
            parts.append(_inline_text(node.children))
    return "".join(parts)


def _is_textblock(node: Element) -> bool:
    return node.name in _TEXTBLOCKS or any(isinstance(c, RichText) for c in node.children)


def _text_lines(nodes: Sequence[Node], lines: list[str]) -> None:
    for node in nodes:
        if isinstance(node, RichText) or _is_textblock(node):
            lines.append(
                _inline_text([node]) if isinstance(node, RichText) else _inline_text(node.children)
            )
        elif node.name == "image":
            if node.attrs.get("alt"):
                lines.append(str(node.attrs["alt"]))
        elif node.name == "hardBreak":
            lines.append("")
        else:
            _text_lines(node.children, lines)


def page_text(page: Page) -> str:
    """Plain text, one line per block (paragraph, heading, list item's paragraphs, cells…)."""
    lines: list[str] = []
    _text_lines(page.fragment, lines)
    if page.text:
        lines.append("".join(run.text for run in page.text if isinstance(run, Run)))
    return "\n".join(lines)


def _esc(value: Any) -> str:
    return _html.escape(str(value), quote=True)


def _run_html(run: Inline) -> str:
    if not isinstance(run, Run):
        return ""
    out = _esc(run.text).replace("\n", "<br>")
    marks = {
        _mark_name(key): value for key, value in run.marks.items() if value not in (None, False)
    }
    for name, tag in reversed(_MARK_TAGS):
        if name in marks:
            out = f"<{tag}>{out}</{tag}>"
    link = marks.get("link")
    href = link.get("href") if isinstance(link, dict) else link
    if isinstance(href, str) and href:
        out = f'<a href="{_esc(href)}">{out}</a>'
    return out


def _int_attr(node: Element, key: str, default: int) -> int:
    value = node.attrs.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _node_html(node: Node) -> str:
    if isinstance(node, RichText):
        return "".join(_run_html(run) for run in node.runs)
    inner = "".join(_node_html(child) for child in node.children)
    name = node.name
    if name in _SIMPLE_TAGS:
        tag = _SIMPLE_TAGS[name]
        return f"<{tag}>{inner}</{tag}>"
    if name == "heading":
        level = min(max(_int_attr(node, "level", 1), 1), 6)
        return f"<h{level}>{inner}</h{level}>"
    if name == "orderedList":
        start = _int_attr(node, "start", 1)
        return f'<ol start="{start}">{inner}</ol>' if start != 1 else f"<ol>{inner}</ol>"
    if name == "codeBlock":
        return f"<pre><code>{_esc(_inline_text(node.children))}</code></pre>"
    if name == "hardBreak":
        return "<br>"
    if name == "horizontalRule":
        return "<hr>"
    if name == "image":
        attrs = "".join(
            f' {key}="{_esc(node.attrs[key])}"'
            for key in ("src", "alt", "title")
            if node.attrs.get(key)
        )
        return f"<img{attrs}>"
    if name == "table":
        return f"<table><tbody>{inner}</tbody></table>"
    if name in ("tableCell", "tableHeader"):
        tag = "th" if name == "tableHeader" else "td"
        spans = "".join(
            f' {key}="{_int_attr(node, key, 1)}"'
            for key in ("colspan", "rowspan")
            if _int_attr(node, key, 1) > 1
        )
        return f"<{tag}{spans}>{inner}</{tag}>"
    return inner  # unknown node: keep its content, drop the wrapper


def page_html(page: Page) -> str:
    """Structural HTML (no styles, no scripts); callers still sanitise it."""
    parts = [_node_html(node) for node in page.fragment]
    if page.text:
        paragraph: list[str] = []
        for run in page.text:
            if not isinstance(run, Run):
                continue
            pieces = run.text.split("\n")
            for index, piece in enumerate(pieces):
                if index:
                    parts.append(f"<p>{''.join(paragraph)}</p>")
                    paragraph = []
                if piece:
                    paragraph.append(_run_html(Run(piece, run.marks)))
        parts.append(f"<p>{''.join(paragraph)}</p>")
    return "".join(parts)
