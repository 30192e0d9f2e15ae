"""Interop with real Yjs in node: Yjs updates apply in Python, Python updates apply in Yjs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.realtime.samples import SECOND_DOC, TIPTAP_DOC, TIPTAP_HTML, TIPTAP_TEXT
from tests.support.node import DocTool
from twinspace.realtime.crdt import Document, Engine, UpdateEvent, html, merge_updates, plain_text
from twinspace.realtime.yjs.model import Inline, Node, RichText, Run
from twinspace.realtime.yjs.prosemirror_json import from_prosemirror_json
from twinspace.realtime.yjs.reader import read_page

pytestmark = pytest.mark.node


def delta(runs: tuple[Inline, ...] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Yjs delta, adjacent inserts with equal attributes merged (Yjs splits at format items)."""
    ops: list[dict[str, Any]] = []
    for run in runs:
        if isinstance(run, Run):
            insert, attributes = run.text, run.marks
        else:
            assert isinstance(run, dict)
            insert, attributes = run["insert"], run.get("attributes") or {}
        if ops and (ops[-1].get("attributes") or {}) == attributes:
            ops[-1]["insert"] += insert
        else:
            ops.append({"insert": insert, **({"attributes": attributes} if attributes else {})})
    return ops


def tree(nodes: tuple[Node, ...]) -> list[dict[str, Any]]:
    return [
        {"text": delta(node.runs)}
        if isinstance(node, RichText)
        else {"name": node.name, "attrs": node.attrs, "children": tree(node.children)}
        for node in nodes
    ]


def yjs_tree(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"text": delta(node["text"])}
        if "text" in node
        else {"name": node["name"], "attrs": node["attrs"], "children": yjs_tree(node["children"])}
        for node in nodes
    ]


def fresh(tool: DocTool, name: str, client_id: int | None = None) -> str:
    tool.new(name, client_id)
    return name


TEXT_OPS: list[dict[str, Any]] = [
    {"op": "textInsert", "index": 0, "text": "Hello wörld 😀 end"},
    {"op": "textFormat", "index": 0, "length": 5, "attrs": {"bold": True}},
    {"op": "textInsert", "index": 6, "text": "big ", "attrs": {"italic": {}}},
    {"op": "textDelete", "index": 0, "length": 1},
    {"op": "textInsert", "index": 15, "text": "→", "attrs": {"link": {"href": "https://e.eu"}}},
    {"op": "textDelete", "index": 16, "length": 2},  # the emoji: two UTF-16 units in Yjs
]

PAGE_EDITS: list[dict[str, Any]] = [
    {"op": "xmlTextInsert", "path": [1, 0], "index": 3, "text": "really ", "attrs": {"bold": {}}},
    {"op": "xmlTextFormat", "path": [0, 0], "index": 0, "length": 3, "attrs": {"italic": {}}},
    {"op": "setAttribute", "path": [0], "key": "level", "value": 3},
    {"op": "deleteNodes", "path": [], "index": 2, "length": 1},
    {
        "op": "insertNodes",
        "path": [],
        "index": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "new"}]}],
    },
    {"op": "xmlTextDelete", "path": [2, 0], "index": 0, "length": 3},
]


def test_yjs_text_updates_apply_in_python(doc_tool: DocTool, engine: Engine) -> None:
    source = fresh(doc_tool, "text-source", 101)
    updates = doc_tool.ops(source, TEXT_OPS)
    document = Document(engine)
    for update in updates:
        document.apply_update(update)
    expected = doc_tool.text(source)
    assert document.text() == expected["text"] == "ello big wörld → end"
    state = document.encode_state_as_update()
    assert delta(read_page(state).text) == delta(expected["delta"])
    copy = fresh(doc_tool, "text-copy")
    doc_tool.apply(copy, state)
    assert doc_tool.text(copy) == expected


def test_tiptap_fragment_from_yjs_reads_and_renders(doc_tool: DocTool, engine: Engine) -> None:
    source = fresh(doc_tool, "page-source", 102)
    document = Document(engine)
    for update in doc_tool.ops(source, [{"op": "setContent", "content": TIPTAP_DOC["content"]}]):
        document.apply_update(update)
    state = document.encode_state_as_update()
    assert plain_text(state) == TIPTAP_TEXT
    assert html(state) == TIPTAP_HTML
    assert read_page(state).fragment == from_prosemirror_json(TIPTAP_DOC).fragment

    for update in doc_tool.ops(source, PAGE_EDITS):
        document.apply_update(update)
    expected = doc_tool.xml(source)
    state = document.encode_state_as_update()
    assert tree(read_page(state).fragment) == yjs_tree(expected["tree"])
    assert plain_text(state).startswith("Our project\nnew\nreally write together & learn")
    copy = fresh(doc_tool, "page-copy")
    doc_tool.apply(copy, state)
    assert doc_tool.xml(copy)["xml"] == expected["xml"]


def test_python_updates_apply_in_yjs(doc_tool: DocTool, engine: Engine) -> None:
    document = Document(engine)
    events: list[UpdateEvent] = []
    document.on_update(events.append)
    document.insert_text(0, "Grüße 😀 aus Kraków")
    document.insert_text(6, "fett ", attrs={"bold": True})
    document.delete_text(0, 1)
    document.set_page(from_prosemirror_json(TIPTAP_DOC))
    sink = fresh(doc_tool, "python-sink")
    for event in events:
        doc_tool.apply(sink, event.update)
    reference = fresh(doc_tool, "tiptap-reference")
    doc_tool.ops(reference, [{"op": "setContent", "content": TIPTAP_DOC["content"]}])
    assert doc_tool.xml(sink)["xml"] == doc_tool.xml(reference)["xml"]
    assert yjs_tree(doc_tool.xml(sink)["tree"]) == yjs_tree(doc_tool.xml(reference)["tree"])
    assert doc_tool.text(sink)["text"] == document.text() == ""  # the page replaced the text
    second = Document(engine)
    second.insert_text(0, "Grüße 😀 aus Kraków")
    second.insert_text(6, "fett ", attrs={"bold": True})
    text_sink = fresh(doc_tool, "python-text-sink")
    doc_tool.apply(text_sink, second.encode_state_as_update())
    assert doc_tool.text(text_sink)["delta"] == [
        {"insert": "Grüße "},
        {"insert": "fett ", "attributes": {"bold": True}},
        {"insert": "😀 aus Kraków"},
    ]


def test_restore_output_is_ordinary_edits_for_yjs_clients(
    doc_tool: DocTool, engine: Engine
) -> None:
    client = fresh(doc_tool, "restore-client", 103)
    server = Document(engine)
    for update in doc_tool.ops(client, [{"op": "setContent", "content": TIPTAP_DOC["content"]}]):
        server.apply_update(update)
    snapshot = server.encode_state_as_update()
    xml_then = doc_tool.xml(client)["xml"]
    for update in doc_tool.ops(client, PAGE_EDITS):
        server.apply_update(update)
    assert doc_tool.xml(client)["xml"] != xml_then

    restore_update = server.set_page(read_page(snapshot))
    doc_tool.apply(client, restore_update)
    assert doc_tool.xml(client)["xml"] == xml_then
    assert plain_text(server.encode_state_as_update()) == TIPTAP_TEXT


def test_restore_converges_with_a_concurrent_yjs_edit(doc_tool: DocTool, engine: Engine) -> None:
    client = fresh(doc_tool, "concurrent-client", 104)
    server = Document(engine)
    for update in doc_tool.ops(client, [{"op": "setContent", "content": SECOND_DOC["content"]}]):
        server.apply_update(update)
    old = server.encode_state_as_update()
    for update in doc_tool.ops(client, PAGE_EDITS[:1]):
        server.apply_update(update)
    restore_update = server.set_page(read_page(old))
    concurrent = doc_tool.ops(
        client,
        [
            {
                "op": "insertNodes",
                "path": [],
                "index": 2,
                "content": [{"type": "paragraph", "content": [{"type": "text", "text": "late"}]}],
            }
        ],
    )
    doc_tool.apply(client, restore_update)
    for update in concurrent:
        server.apply_update(update)
    state = server.encode_state_as_update()
    assert tree(read_page(state).fragment) == yjs_tree(doc_tool.xml(client)["tree"])
    lines = plain_text(state).split("\n")
    assert sorted(lines) == ["Rewritten", "Something else", "late"]  # where "late" lands is YATA's
    assert lines.index("Rewritten") + 1 == lines.index("Something else")


def test_python_merge_matches_yjs_merge(doc_tool: DocTool, engine: Engine) -> None:
    first, second = fresh(doc_tool, "merge-a", 105), fresh(doc_tool, "merge-b", 106)
    updates = doc_tool.ops(first, [{"op": "setContent", "content": TIPTAP_DOC["content"]}])
    for update in updates:
        doc_tool.apply(second, update)
    updates += doc_tool.ops(first, PAGE_EDITS[:3]) + doc_tool.ops(second, TEXT_OPS)
    ours = merge_updates(updates, engine)
    theirs = doc_tool.merge(updates)
    assert read_page(ours) == read_page(theirs)
    merged = fresh(doc_tool, "merge-check")
    doc_tool.apply(merged, ours)
    for update in updates:
        doc_tool.apply(second, update)
    assert doc_tool.xml(merged) == doc_tool.xml(second)
    assert doc_tool.text(merged) == doc_tool.text(second)
