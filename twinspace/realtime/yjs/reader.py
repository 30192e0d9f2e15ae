"""Reading a page (Y.XmlFragment and Y.Text) out of update bytes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from twinspace.realtime.yjs.model import (
    ANY,
    BINARY,
    EMBED,
    FORMAT,
    FRAGMENT_ROOT,
    JSON,
    STRING,
    TEXT_ROOT,
    TYPE,
    XML_ELEMENT,
    XML_TEXT,
    Element,
    Embed,
    Inline,
    Node,
    Page,
    RichText,
    Run,
)
from twinspace.realtime.yjs.store import Item, YType, decode_store


def visible_items(start: Item | None) -> Iterator[Item]:
    item = start
    while item is not None:
        if not item.deleted:
            yield item
        item = item.right


def attr_value(item: Item) -> Any:
    if item.ref in (JSON, ANY):
        return item.value[-1]
    if item.ref == STRING:
        return item.value[-1:]
    if item.ref in (BINARY, EMBED):
        return item.value
    return None


def read_inline(kind: YType) -> tuple[Inline, ...]:
    runs: list[Inline] = []
    marks: dict[str, Any] = {}
    for item in visible_items(kind.start):
        if item.ref == FORMAT:
            key, value = item.value
            if value is None:
                marks.pop(key, None)
            else:
                marks[key] = value
        elif item.ref == STRING:
            last = runs[-1] if runs else None
            if isinstance(last, Run) and last.marks == marks:
                runs[-1] = Run(last.text + item.value, last.marks)
            else:
                runs.append(Run(item.value, dict(marks)))
        elif item.ref == EMBED:
            runs.append(Embed(item.value, dict(marks)))
    return tuple(runs)


def read_nodes(kind: YType) -> tuple[Node, ...]:
    nodes: list[Node] = []
    for item in visible_items(kind.start):
        if item.ref != TYPE:
            continue
        child: YType = item.value
        if child.ref == XML_TEXT:
            nodes.append(RichText(read_inline(child)))
        elif child.ref == XML_ELEMENT and child.name is not None:
            attrs = {
                key: attr_value(entry)
                for key, entry in sorted(child.map.items())
                if not entry.deleted and attr_value(entry) is not None
            }
            nodes.append(Element(child.name, attrs, read_nodes(child)))
    return tuple(nodes)


def read_page(update: bytes, *, fragment: str = FRAGMENT_ROOT, text: str = TEXT_ROOT) -> Page:
    """The page held by a document state (or any update); raises ``MalformedUpdate``."""
    store = decode_store(update)
    fragment_root = store.roots.get(fragment)
    text_root = store.roots.get(text)
    return Page(
        fragment=read_nodes(fragment_root) if fragment_root is not None else (),
        text=read_inline(text_root) if text_root is not None else (),
    )


# ---------------------------------------------------------------- writing edits
