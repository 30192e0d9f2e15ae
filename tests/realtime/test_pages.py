"""The pure-Python page reader/writer, checked against Yrs itself and by its renderings."""

from __future__ import annotations

from typing import Any

import pycrdt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.realtime.samples import TIPTAP_DOC
from tests.realtime.sessions import WORDS, merged_runs, native_page, normal, random_edit, sync
from twinspace.realtime.crdt import Engine, available_engines
from twinspace.realtime.protocol import MalformedUpdate
from twinspace.realtime.yjs.export import page_html, page_text
from twinspace.realtime.yjs.model import Element, Inline, Node, Page, RichText, Run
from twinspace.realtime.yjs.prosemirror_json import from_prosemirror_json
from twinspace.realtime.yjs.reader import read_page
from twinspace.realtime.yjs.scan import RangeSet, gc_orphans, required_clocks
from twinspace.realtime.yjs.writer import replacement_update

EMPTY = b"\x00\x00"


# ---------------------------------------------------------------- Yrs as the oracle


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_reader_matches_yrs_on_concurrent_sessions(data: st.DataObject) -> None:
    docs: list[pycrdt.Doc[Any]] = [pycrdt.Doc(client_id=client) for client in (1, 2, 3)]
    for _ in range(data.draw(st.integers(1, 25))):
        doc = data.draw(st.sampled_from(docs))
        random_edit(doc, data)
        if data.draw(st.booleans()):
            sync(data.draw(st.sampled_from(docs)), data.draw(st.sampled_from(docs)))
    for doc in docs:  # every partial state reads like Yrs reads it
        expected = native_page(doc)
        got = read_page(doc.get_update())
        assert normal(got.fragment) == normal(expected.fragment)
        assert merged_runs(got.text) == merged_runs(expected.text)
    for source in docs:
        for target in docs:
            sync(source, target)
    final = read_page(docs[0].get_update())
    assert normal(final.fragment) == normal(native_page(docs[1]).fragment)


@pytest.mark.skipif(Engine.Y_PY not in available_engines(), reason="y-py is not installed")
@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),
            st.integers(0, 40),
            st.sampled_from(WORDS),
            st.integers(0, 3),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_reader_matches_y_py_text(steps: list[tuple[int, int, str, int, bool]]) -> None:
    from twinspace.realtime.crdt import Document

    docs = [Document(Engine.Y_PY, client_id=client) for client in (7, 8, 9)]
    for who, position, word, length, share in steps:
        doc = docs[who]
        size = len(doc.text())
        doc.insert_text(min(position, size), word, attrs={"bold": True} if length == 3 else None)
        if length and size:
            start = min(position, size - 1)
            doc.delete_text(start, min(length, size - start))
        if share:
            other = docs[(who + 1) % 3]
            other.apply_update(doc.encode_state_as_update(other.state_vector()))
    for doc in docs:
        state = doc.encode_state_as_update()
        assert "".join(r.text for r in read_page(state).text if isinstance(r, Run)) == doc.text()


# ---------------------------------------------------------------- writing


def test_written_pages_read_back_identically() -> None:
    page = from_prosemirror_json(TIPTAP_DOC)
    update = replacement_update(EMPTY, page, client_id=42)
    assert read_page(update) == page
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    doc.apply_update(update)
    assert native_page(doc).fragment == page.fragment


def test_replacement_appends_after_live_content_and_deletes_it() -> None:
    doc: pycrdt.Doc[Any] = pycrdt.Doc(client_id=1)
    fragment = doc.get("default", type=pycrdt.XmlFragment)
    fragment.children.append(pycrdt.XmlElement("paragraph", {}, [pycrdt.XmlText("old")]))
    page = Page(fragment=(Element("paragraph", {}, (RichText((Run("new", {"bold": {}}),)),)),))
    update = replacement_update(doc.get_update(), page, client_id=2)
    doc.apply_update(update)
    assert str(fragment) == "<paragraph><bold>new</bold></paragraph>"
    with pytest.raises(ValueError):
        replacement_update(doc.get_update(), page, client_id=1)


def test_from_prosemirror_json_groups_text_nodes_like_y_prosemirror() -> None:
    page = from_prosemirror_json(TIPTAP_DOC)
    paragraph = page.fragment[1]
    assert isinstance(paragraph, Element)
    assert [type(child).__name__ for child in paragraph.children] == [
        "RichText",
        "Element",
        "RichText",
    ]
    first = paragraph.children[0]
    assert isinstance(first, RichText)
    assert first.runs[1] == Run("together", {"bold": {}})
    table = page.fragment[-2]
    assert isinstance(table, Element) and isinstance(table.children[0], Element)
    header = table.children[0].children[1]
    assert isinstance(header, Element)
    assert header.attrs == {"colspan": 2, "rowspan": 1}  # null attrs are not stored


def test_required_clocks_covers_structs_and_deletions() -> None:
    doc: pycrdt.Doc[Any] = pycrdt.Doc(client_id=5)
    text = doc.get("text", type=pycrdt.Text)
    text += "abcdef"
    del text[1:3]
    assert required_clocks(doc.get_update()) == {5: 6}
    assert required_clocks(EMPTY) == {}


def test_range_set_merges_and_answers_membership() -> None:
    ranges = RangeSet()
    for client, clock, length in [(1, 5, 3), (1, 8, 2), (1, 0, 1), (2, 0, 10), (1, 20, 1)]:
        ranges.add(client, clock, length)
    assert [(1, k) in ranges for k in (0, 1, 4, 5, 9, 10, 20, 21)] == [
        True,
        False,
        False,
        True,
        True,
        False,
        True,
        False,
    ]
    assert (2, 9) in ranges and (3, 0) not in ranges and None not in ranges


def paragraph_with_edits() -> pycrdt.Doc[Any]:
    doc: pycrdt.Doc[Any] = pycrdt.Doc(client_id=1)
    fragment = doc.get("default", type=pycrdt.XmlFragment)
    paragraph = fragment.children.append(pycrdt.XmlElement("paragraph"))
    text = paragraph.children.append(pycrdt.XmlText())
    text.insert(0, "abc")
    del text[1:2]  # "b" becomes a deleted struct that "c" names as its origin
    return doc


def test_gc_orphans_rewrites_what_hangs_under_a_dead_parent() -> None:
    state = paragraph_with_edits().get_update()
    never = lambda _ref: False  # noqa: E731
    assert gc_orphans(state, never, never) is None  # deleted origins keep text alive
    paragraph_id = (1, 0)
    rewritten = gc_orphans(state, lambda ref: ref == paragraph_id, never)
    assert rewritten is not None
    assert required_clocks(rewritten) == required_clocks(state)
    assert read_page(rewritten) == Page(fragment=(Element("paragraph"),))
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    doc.apply_update(rewritten)
    assert str(doc.get("default", type=pycrdt.XmlFragment)) == "<paragraph></paragraph>"
    first = (1, 2)  # "a"; the deleted "b" names it as origin, and "c" names "b"
    collected = gc_orphans(state, never, lambda ref: ref == first)
    assert collected is not None
    assert plain_text_of(collected) == "a"  # what hangs on a collected neighbour goes


def plain_text_of(update: bytes) -> str:
    return page_text(read_page(update))


# ---------------------------------------------------------------- rendering


def page_of(*nodes: Node, text: tuple[Inline, ...] = ()) -> Page:
    return Page(fragment=nodes, text=text)


def para(*runs: Inline) -> Element:
    return Element("paragraph", {}, (RichText(runs),))


def test_html_escapes_text_and_attributes() -> None:
    page = page_of(
        para(Run("<script>alert(1)</script>"), Run("x", {"link--a1b2": {"href": 'j"s'}})),
        Element("image", {"src": "a.png", "alt": '"><img onerror=x>'}),
    )
    assert page_html(page) == (
        '<p>&lt;script&gt;alert(1)&lt;/script&gt;<a href="j&quot;s">x</a></p>'
        '<img src="a.png" alt="&quot;&gt;&lt;img onerror=x&gt;">'
    )


def test_unknown_nodes_and_marks_keep_their_text_only() -> None:
    page = page_of(
        Element("callout", {"tone": "red"}, (para(Run("inside", {"glitter": {}})),)),
        Element("heading", {"level": 9}, (RichText((Run("deep"),)),)),
    )
    assert page_html(page) == "<p>inside</p><h6>deep</h6>"
    assert page_text(page) == "inside\ndeep"


def test_text_root_renders_as_paragraphs() -> None:
    page = page_of(text=(Run("one\ntwo "), Run("bold", {"bold": True}), Run("\n")))
    assert page_text(page) == "one\ntwo bold\n"
    assert page_html(page) == "<p>one</p><p>two <strong>bold</strong></p><p></p>"


def test_empty_page() -> None:
    assert read_page(EMPTY) == Page()
    assert page_text(Page()) == "" and page_html(Page()) == ""


@given(st.binary(max_size=80))
def test_random_bytes_only_ever_raise_malformed_update(data: bytes) -> None:
    for read in (read_page, required_clocks):
        try:
            read(data)
        except MalformedUpdate:
            pass
