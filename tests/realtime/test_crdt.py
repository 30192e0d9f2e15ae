"""The CRDT engine contract, run against every installed engine (y-py and pycrdt)."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.realtime.samples import SECOND_DOC, TIPTAP_DOC, TIPTAP_HTML, TIPTAP_TEXT
from tests.realtime.sessions import native_page, normal, random_edit, sync
from twinspace.realtime.crdt import (
    Document,
    Engine,
    MalformedUpdate,
    MissingDependencies,
    UpdateEvent,
    available_engines,
    compact,
    default_engine,
    html,
    merge_updates,
    plain_text,
    restore,
)
from twinspace.realtime.protocol import decode_state_vector
from twinspace.realtime.yjs.prosemirror_json import from_prosemirror_json
from twinspace.realtime.yjs.reader import read_page
from twinspace.realtime.yjs.scan import scan_update


def edited(engine: Engine, *edits: tuple[int, str], client_id: int = 1) -> Document:
    document = Document(engine, client_id=client_id)
    for index, value in edits:
        document.insert_text(index, value)
    return document


def recorder(document: Document) -> list[UpdateEvent]:
    events: list[UpdateEvent] = []
    document.on_update(events.append)
    return events


def test_default_engine_is_pycrdt_where_it_installs() -> None:
    expected = Engine.PYCRDT if Engine.PYCRDT in available_engines() else Engine.Y_PY
    assert default_engine() is expected
    assert Document().engine is expected


def test_state_round_trips_between_documents(engine: Engine) -> None:
    source = edited(engine, (0, "hello"), (5, " wörld 😀"))
    source.insert_text(0, ">", attrs={"bold": True})
    source.delete_text(1, 1)
    copy = Document(engine)
    copy.apply_update(source.encode_state_as_update())
    assert copy.text() == source.text() == ">ello wörld 😀"
    assert decode_state_vector(copy.state_vector()) == decode_state_vector(source.state_vector())


def test_diff_against_a_state_vector_brings_a_peer_up_to_date(engine: Engine) -> None:
    source = edited(engine, (0, "abc"))
    peer = Document(engine)
    peer.apply_update(source.encode_state_as_update())
    source.insert_text(3, "def")
    diff = source.encode_state_as_update(peer.state_vector())
    assert len(diff) < len(source.encode_state_as_update())
    peer.apply_update(diff)
    assert peer.text() == "abcdef"


def test_concurrent_edits_converge(engine: Engine) -> None:
    left, right = edited(engine, client_id=1), edited(engine, client_id=2)
    base = edited(engine, (0, "base"), client_id=3).encode_state_as_update()
    left.apply_update(base)
    right.apply_update(base)
    left.insert_text(0, "L")
    right.insert_text(4, "R")
    left.apply_update(right.encode_state_as_update(left.state_vector()))
    right.apply_update(left.encode_state_as_update(right.state_vector()))
    assert left.text() == right.text() == "LbaseR"


def test_observer_reports_local_and_remote_updates(engine: Engine) -> None:
    source = Document(engine)
    local = recorder(source)
    source.insert_text(0, "ab")
    source.delete_text(0, 1)
    assert [e.local for e in local] == [True, True]
    sink = Document(engine)
    remote = recorder(sink)
    for event in local:
        sink.apply_update(event.update)
    assert sink.text() == "b"
    assert [e.local for e in remote] == [False, False]
    replay = Document(engine)
    for event in remote:
        replay.apply_update(event.update)
    assert replay.text() == "b"


def test_unsubscribed_and_empty_transactions_report_nothing(engine: Engine) -> None:
    document = Document(engine)
    events = recorder(document)
    document.apply_update(b"\x00\x00")
    assert events == []
    stop = document.on_update(events.append)
    stop()
    document.insert_text(0, "x")
    assert len(events) == 1


def test_an_empty_update_never_reaches_the_engine(engine: Engine, monkeypatch: Any) -> None:
    """A y-websocket client's answer to sync step 1 when it has nothing new (every socket of
    a reconnect storm): no scan, no engine call, nothing held or reported."""
    source = edited(engine, (0, "ab"))
    document = Document(engine)
    later = source.encode_state_as_update()
    source.insert_text(2, "c")
    document.apply_update(source.encode_state_as_update(decode_vector_of(later, engine)))
    held = document.pending_updates
    assert held  # waits for "ab"
    events = recorder(document)

    def refuse(*args: object) -> None:
        raise AssertionError("the engine was called")

    monkeypatch.setattr(document, "_engine_apply", refuse)
    document.apply_update(b"\x00\x00")
    assert events == [] and document.pending_updates == held


def decode_vector_of(update: bytes, engine: Engine) -> bytes:
    """The state vector of a document holding `update`."""
    holder = Document(engine)
    holder.apply_update(update)
    return holder.state_vector()


@pytest.mark.parametrize(
    "update",
    [
        b"",
        b"\x01",
        b"\xff\xff\xff\xff",
        b"\x01\x01\x05\x00\x04\x01\x04text\x02\xc3\x28\x00",  # a string that is not UTF-8
        b"\x01\x01\x05\x00\x04\x01\x04text\x09abc",  # string longer than the data
        b"\x01\x01\x05\x00\x1f",  # unknown content ref
    ],
)
def test_malformed_updates_raise_and_leave_the_document_usable(
    engine: Engine, update: bytes
) -> None:
    document = edited(engine, (0, "kept"))
    with pytest.raises(MalformedUpdate):
        document.apply_update(update)
    document.insert_text(4, "!")
    assert document.text() == "kept!"
    other = Document(engine)
    other.apply_update(document.encode_state_as_update())
    assert other.text() == "kept!"


TEXT_AB = b"\x01\x01\x05\x00\x04\x01\x04text\x02ab\x00"  # client 5 writes "ab" into "text"


@pytest.mark.parametrize(
    ("update", "y_py_only"),
    [
        (b"\x01\x01\x06\x00\x04\x00\x05\x00\x01x\x00", False),  # parent (5, 0) is text
        (b"\x01\x02\x07\x00\x04\x01\x04text\x01a\x04\x00\x07\x00\x01b\x00", False),  # inside
        (b"\x01\x01\x06\x00\x04\x02\x04text\x01x\x00", False),  # parent info neither 0 nor 1
        (b"\x01\x01\x06\x00\x84\x06\x00\x01x\x00", True),  # an item whose origin is itself
        (b"\x02\x01\x06\x00\x00\x01\x01\x06\x01\x00\x01\x00", False),  # client 6 twice
        (b"\x01\x01\x06\x00\x00\x00\x00", True),  # an empty GC struct
        (b"\x01\x01\x06\x00\x07\x01\x04text\x05\x01h\x00", True),  # an XmlHook
    ],
)
def test_updates_that_crash_old_yrs_are_refused(
    engine: Engine, update: bytes, y_py_only: bool
) -> None:
    document = Document(engine)
    document.apply_update(TEXT_AB)
    if y_py_only and engine is not Engine.Y_PY:
        document.apply_update(update)  # current Yrs copes; only y-py needs the strict guard
    else:
        with pytest.raises(MalformedUpdate):
            document.apply_update(update)
    document.insert_text(2, "c")
    assert document.text() == "abc"


def test_edits_inside_a_concurrently_deleted_paragraph_are_accepted(engine: Engine) -> None:
    import pycrdt  # stands in for two browsers

    alice: pycrdt.Doc[Any] = pycrdt.Doc(client_id=2)

    bob: pycrdt.Doc[Any] = pycrdt.Doc(client_id=3)
    paragraph = alice.get("default", type=pycrdt.XmlFragment).children.append(
        pycrdt.XmlElement("paragraph", {}, [pycrdt.XmlText("x")])
    )
    bob.apply_update(alice.get_update())
    del bob.get("default", type=pycrdt.XmlFragment).children[0]
    server = Document(engine)
    server.apply_update(alice.get_update())
    server.apply_update(bob.get_update(alice.get_state()))
    reloaded = Document(engine)  # knows the paragraph only as a deleted range
    reloaded.apply_update(server.encode_state_as_update())
    loaded = Document(engine)  # as a room loads it from storage
    loaded.load([server.encode_state_as_update()])
    before = alice.get_state()
    paragraph.children[0].insert(0, "y")
    paragraph.children.insert(0, pycrdt.XmlText("z"))
    late = alice.get_update(before)
    for document in (server, reloaded, loaded):
        document.apply_update(late)
        assert document.pending_updates == ()
        assert plain_text(document.encode_state_as_update()) == ""


def test_a_loaded_document_takes_edits_inside_its_paragraphs(engine: Engine) -> None:
    import pycrdt

    alice: pycrdt.Doc[Any] = pycrdt.Doc(client_id=2)
    paragraph = alice.get("default", type=pycrdt.XmlFragment).children.append(
        pycrdt.XmlElement("paragraph", {}, [pycrdt.XmlText("ab")])
    )
    stored = Document(engine)
    stored.apply_update(alice.get_update())
    server = Document(engine)
    events = recorder(server)
    server.load([stored.encode_state_as_update()])
    assert len(events) == 1 and not events[0].local
    before = alice.get_state()
    paragraph.children[0].insert(2, "c")  # its parent is a type only the stored state names
    server.apply_update(alice.get_update(before))
    assert server.pending_updates == ()
    assert plain_text(server.encode_state_as_update()) == "abc"


def test_a_loaded_document_knows_what_is_news(engine: Engine) -> None:
    source = edited(engine, (0, "hello world"), client_id=7)
    events = recorder(source)
    source.delete_text(0, 6)
    deletion = events[-1].update
    state = source.encode_state_as_update()
    server = Document(engine)
    server.load([edited(engine, (0, "x"), client_id=8).encode_state_as_update(), state])
    assert server.text() in ("xworld", "worldx")
    assert not server.holds_news(state)  # its deletions too are known, though never scanned
    assert not server.holds_news(deletion)
    source.delete_text(0, 1)
    assert server.holds_news(events[-1].update)
    server.apply_update(events[-1].update)
    assert not server.holds_news(events[-1].update)
    assert server.text() in ("xorld", "orldx")


@pytest.mark.parametrize("reload", [False, True], ids=["live", "reloaded"])
def test_typing_into_an_empty_paragraph_someone_deletes(engine: Engine, reload: bool) -> None:
    import pycrdt

    alice: pycrdt.Doc[Any] = pycrdt.Doc(client_id=2)

    bob: pycrdt.Doc[Any] = pycrdt.Doc(client_id=3)
    fragment = alice.get("default", type=pycrdt.XmlFragment)
    fragment.children.append(pycrdt.XmlElement("paragraph", {}, [pycrdt.XmlText("keep")]))
    empty = fragment.children.append(pycrdt.XmlElement("paragraph"))
    bob.apply_update(alice.get_update())
    del bob.get("default", type=pycrdt.XmlFragment).children[1]
    server = Document(engine)
    server.apply_update(alice.get_update())
    server.apply_update(bob.get_update(alice.get_state()))
    if reload:
        server, old = Document(engine), server
        server.apply_update(old.encode_state_as_update())
    before = alice.get_state()
    empty.children.insert(0, pycrdt.XmlText("typed"))
    empty.children[0].insert(5, " more")
    server.apply_update(alice.get_update(before))
    bob.apply_update(alice.get_update())
    state = server.encode_state_as_update()  # Yrs 0.12 could not encode after this
    assert plain_text(state) == "keep"
    assert str(bob.get("default", type=pycrdt.XmlFragment)) == "<paragraph>keep</paragraph>"
    copy: pycrdt.Doc[Any] = pycrdt.Doc()
    copy.apply_update(state)
    copy.apply_update(bob.get_update())  # a peer that saw everything adds nothing visible
    assert str(copy.get("default", type=pycrdt.XmlFragment)) == "<paragraph>keep</paragraph>"
    assert server.pending_updates == ()


def test_typing_at_the_start_of_a_paragraph_someone_replaced(engine: Engine) -> None:
    import pycrdt

    alice: pycrdt.Doc[Any] = pycrdt.Doc(client_id=3)
    bob: pycrdt.Doc[Any] = pycrdt.Doc(client_id=1)
    fragment = alice.get("default", type=pycrdt.XmlFragment)
    fragment.children.append(pycrdt.XmlElement("paragraph", {}, [pycrdt.XmlText("old")]))
    bob.apply_update(alice.get_update())
    server = Document(engine)
    server.apply_update(alice.get_update())
    before = alice.get_state()
    del fragment.children[0]
    fragment.children.insert(0, pycrdt.XmlElement("paragraph", {}, [pycrdt.XmlText("new")]))
    server.apply_update(alice.get_update(before))
    before = bob.get_state()
    bob.get("default", type=pycrdt.XmlFragment).children[0].children[0].insert(0, "x")
    server.apply_update(bob.get_update(before))  # its right neighbour is garbage by now
    assert plain_text(server.encode_state_as_update()) == "new"  # y-py alone printed ""


def test_malformed_state_vector_is_refused(engine: Engine) -> None:
    with pytest.raises(MalformedUpdate):
        edited(engine, (0, "x")).encode_state_as_update(b"\x05\x01")


SOURCE = edited(default_engine(), (0, "hello "), (6, "world"), client_id=11)
SOURCE.insert_text(0, "*", attrs={"bold": True})
SOURCE.delete_text(2, 2)
VALID_UPDATES = [SOURCE.encode_state_as_update()]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_updates_never_escape_as_other_errors(data: st.DataObject) -> None:
    for engine in available_engines():
        update = bytearray(data.draw(st.sampled_from(VALID_UPDATES)))
        for _ in range(data.draw(st.integers(1, 4))):
            update[data.draw(st.integers(0, len(update) - 1))] = data.draw(st.integers(0, 255))
        document = edited(engine, (0, "base"), client_id=99)
        try:
            document.apply_update(bytes(update))
        except MalformedUpdate:
            pass
        document.insert_text(0, "+")
        assert document.text().startswith("+")
        copy = Document(engine)
        copy.apply_update(document.encode_state_as_update())
        assert copy.text() == document.text()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_server_document_follows_real_sessions_in_any_order(data: st.DataObject) -> None:
    """Three pycrdt "browsers" edit a Tiptap page concurrently; the server receives every
    update they produce, shuffled, and must show what the browsers converge to."""
    import pycrdt

    browsers: list[pycrdt.Doc[Any]] = [pycrdt.Doc(client_id=client) for client in (1, 2, 3)]
    updates: list[bytes] = []
    for browser in browsers:
        browser.observe(lambda event: updates.append(bytes(event.update)))
    for _ in range(data.draw(st.integers(1, 20))):
        random_edit(data.draw(st.sampled_from(browsers)), data)
        if data.draw(st.booleans()):
            sync(data.draw(st.sampled_from(browsers)), data.draw(st.sampled_from(browsers)))
    for source in browsers:
        for target in browsers:
            sync(source, target)
    expected = native_page(browsers[0])
    delivered = data.draw(st.permutations(updates))
    for engine in available_engines():
        server = Document(engine)
        for update in delivered:
            server.apply_update(update)
        assert server.pending_updates == ()
        state = server.encode_state_as_update()
        assert normal(read_page(state).fragment) == normal(expected.fragment)
        copy: pycrdt.Doc[Any] = pycrdt.Doc()
        copy.apply_update(state)
        assert normal(native_page(copy).fragment) == normal(expected.fragment)


def test_a_document_refuses_other_threads(engine: Engine) -> None:
    document = edited(engine, (0, "x"))
    errors: list[BaseException] = []

    def touch() -> None:
        try:
            document.text()
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=touch)
    worker.start()
    worker.join(5)
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError)


def test_updates_applied_before_their_dependencies_are_held_then_integrated(
    engine: Engine,
) -> None:
    source = Document(engine, client_id=5)
    events = recorder(source)
    source.insert_text(0, "abc")
    source.insert_text(3, "def")
    source.delete_text(0, 1)
    sink = Document(engine)
    sink.apply_update(events[2].update)
    sink.apply_update(events[1].update)
    assert sink.text() == ""
    assert len(sink.pending_updates) == 2
    sink.apply_update(events[0].update)
    assert sink.text() == "bcdef"
    assert not sink.pending_updates


def test_merge_updates_equals_applying_them_all(engine: Engine) -> None:
    left, right = Document(engine, client_id=1), Document(engine, client_id=2)
    events_left, events_right = recorder(left), recorder(right)
    left.insert_text(0, "one ")
    right.apply_update(left.encode_state_as_update())
    right.insert_text(4, "two ")
    left.insert_text(0, "zero ")
    left.delete_text(0, 2)
    updates = [e.update for e in events_left + events_right]
    merged = merge_updates(updates, engine)
    replay = Document(engine)
    for update in updates:
        replay.apply_update(update)
    fresh = Document(engine)
    fresh.apply_update(merged)
    assert fresh.text() == replay.text() == "ro one two "
    assert len(merged) < sum(len(u) for u in updates)


def test_merge_refuses_to_drop_updates_with_missing_dependencies(engine: Engine) -> None:
    source = Document(engine)
    events = recorder(source)
    source.insert_text(0, "abc")
    source.insert_text(3, "def")
    with pytest.raises(MissingDependencies) as caught:
        merge_updates([events[1].update], engine)
    assert caught.value.leftover == (events[1].update,)
    result = compact([events[1].update], engine)
    assert result.leftover == (events[1].update,)
    with pytest.raises(MalformedUpdate):
        merge_updates([b"\x01\x02"], engine)


def test_merge_can_run_in_a_worker_thread(engine: Engine) -> None:
    updates = [edited(engine, (0, "x"), client_id=c).encode_state_as_update() for c in (1, 2)]
    results: list[bytes] = []
    worker = threading.Thread(target=lambda: results.append(merge_updates(updates, engine)))
    worker.start()
    worker.join(10)
    document = Document(engine)
    document.apply_update(results[0])
    assert document.text() == "xx"


def test_plain_text_and_html_of_a_tiptap_page(engine: Engine) -> None:
    document = Document(engine)
    document.set_page(from_prosemirror_json(TIPTAP_DOC))
    state = document.encode_state_as_update()
    assert plain_text(state) == TIPTAP_TEXT
    assert html(state) == TIPTAP_HTML


def test_plain_text_includes_a_text_root(engine: Engine) -> None:
    document = edited(engine, (0, "first line\nsecond"))
    document.insert_text(6, "bold ", attrs={"bold": True})
    state = document.encode_state_as_update()
    assert plain_text(state) == "first bold line\nsecond"
    assert html(state) == "<p>first <strong>bold </strong>line</p><p>second</p>"
    with pytest.raises(MalformedUpdate):
        plain_text(b"\x01\x01")


def test_restore_makes_the_page_equal_to_the_old_state(engine: Engine) -> None:
    document = Document(engine)
    document.set_page(from_prosemirror_json(TIPTAP_DOC))
    document.insert_text(0, "simple client text")
    old_state = document.encode_state_as_update()
    peer = Document(engine)
    peer.apply_update(old_state)

    peer.apply_update(document.set_page(from_prosemirror_json(SECOND_DOC)))
    assert document.text() == ""  # a page replacement covers the text root as well
    document.insert_text(0, "later text")
    peer.apply_update(document.encode_state_as_update(peer.state_vector()))
    assert plain_text(peer.encode_state_as_update()) == "Rewritten\nSomething else\nlater text"

    events = recorder(document)
    update = restore(document, old_state)
    assert document.page() == read_page(old_state)
    assert plain_text(document.encode_state_as_update()) == plain_text(old_state)
    assert [e.local for e in events] == [True]
    peer.apply_update(update)  # a connected client receives ordinary edits
    assert peer.page() == read_page(old_state)
    assert peer.text() == document.text() == "simple client text"


def test_local_edit_errors_are_value_errors(engine: Engine) -> None:
    document = edited(engine, (0, "abc"))
    with pytest.raises(ValueError):
        document.delete_text(2, 10)


def test_restore_twice_and_across_engines(engine: Engine) -> None:
    other = next((e for e in available_engines() if e is not engine), engine)
    old = Document(other)
    old.set_page(from_prosemirror_json(SECOND_DOC))
    document = Document(engine)
    document.set_page(from_prosemirror_json(TIPTAP_DOC))
    restore(document, old.encode_state_as_update())
    restore(document, old.encode_state_as_update())
    assert document.page() == old.page()
    assert html(document.encode_state_as_update()) == (
        "<h1>Rewritten</h1><p>Something <em>else</em></p>"
    )


def test_random_client_ids_fit_every_engine() -> None:
    """IDs are 32 bits, as Yjs picks them: y-py cuts wider ones and then holds their updates."""
    for writer_engine in available_engines():
        for reader_engine in available_engines():
            writer, reader = Document(writer_engine), Document(reader_engine)
            assert writer.client_id < 2**32
            events = recorder(writer)
            writer.insert_text(0, "ab")
            writer.insert_text(2, "c")
            for event in events:
                reader.apply_update(event.update)
            assert reader.pending_updates == ()
            assert reader.text() == "abc"


def test_a_scan_without_links_differs_only_by_them(engine: Engine) -> None:
    """pycrdt pages are scanned without the links only y-py's mirror reads; every other
    field is what the full scan finds."""
    document = edited(engine, (0, "hello"), (5, " world"))
    document.delete_text(1, 2)
    document.set_page(from_prosemirror_json(TIPTAP_DOC))
    state = document.encode_state_as_update()
    full = scan_update(state)
    lean = scan_update(state, links=False)
    assert full.links and lean.links == ()
    assert dataclasses.replace(full, links=()) == lean
