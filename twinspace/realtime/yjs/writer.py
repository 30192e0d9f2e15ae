"""Writing a page as update bytes that replace the current content (any Yjs peer applies them)."""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from typing import Any

from twinspace.realtime.protocol import (
    Lib0Encoder,
)
from twinspace.realtime.yjs.model import (
    ANY,
    EMBED,
    FORMAT,
    FRAGMENT_ROOT,
    GC,
    ID,
    STRING,
    TEXT_ROOT,
    TYPE,
    XML_ELEMENT,
    XML_TEXT,
    Element,
    Inline,
    Node,
    Page,
    RichText,
    Run,
)
from twinspace.realtime.yjs.store import Item, Store, YType, decode_store, utf16_len


class Writer:
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

    def delete(self, item: Item) -> None:
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
        element_id = self.item(TYPE, 1, origin=origin, parent=parent)
        self.body.write_var_uint(XML_ELEMENT)
        self.body.write_var_string(node.name)
        for key, value in sorted(node.attrs.items()):
            if value is not None:
                self.item(ANY, 1, parent=element_id, parent_sub=key)
                self.body.write_var_uint(1)
                self.body.write_any(value)
        self.nodes(node.children, None, element_id)
        return element_id

    def rich_text(self, node: RichText, origin: ID | None, parent: str | ID) -> ID:
        text_id = self.item(TYPE, 1, origin=origin, parent=parent)
        self.body.write_var_uint(XML_TEXT)
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
                origin = self.item(STRING, utf16_len(run.text), origin=origin, parent=parent)
                self.body.write_var_string(run.text)
            else:
                origin = self.item(EMBED, 1, origin=origin, parent=parent)
                self.body.write_json(run.value)
            origin = (origin[0], self.clock - 1)
        for key in sorted(current):
            origin = self._format(key, None, origin, parent)

    def _format(self, key: str, value: Any, origin: ID | None, parent: str | ID) -> ID:
        item_id = self.item(FORMAT, 1, origin=origin, parent=parent)
        self.body.write_var_string(key)
        self.body.write_json(value)
        return item_id


def replace_list(writer: Writer, root: YType | None) -> ID | None:
    """Delete the visible items of ``root``; returns the id to append after (its last item)."""
    last: Item | None = None
    item = root.start if root is not None else None
    while item is not None:
        if not item.deleted:
            writer.delete(item)
        last = item
        item = item.right
    return last.last_id if last is not None and last.ref != GC else None


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
    store = decode_store(live_state)
    if client_id is None:
        client_id = fresh_client(store, avoid_clients)
    elif store.state(client_id) != 0:
        raise ValueError(f"client {client_id} already has structs in this document")
    writer = Writer(client_id)
    fragment_root = store.roots.get(fragment)
    origin = replace_list(writer, fragment_root)
    writer.nodes(page.fragment, origin, fragment)
    text_root = store.roots.get(text)
    if text_root is not None or page.text:
        origin = replace_list(writer, text_root)
        writer.inline(page.text, origin, text)
    return writer.to_bytes()


def fresh_client(store: Store, avoid: Collection[int]) -> int:
    while True:
        candidate = random.getrandbits(32)
        if candidate not in store.clients and candidate not in avoid:
            return candidate
