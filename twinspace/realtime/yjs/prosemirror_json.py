"""ProseMirror JSON (what the Tiptap editor saves) to the page model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from twinspace.realtime.yjs.model import Element, Inline, Node, Page, RichText, Run


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
