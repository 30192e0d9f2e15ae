"""A read-only client cannot silence others, and after an unlock nothing typed is lost
silently: refusals are keyed on the connection's right to write, never on a Yjs client id."""

from __future__ import annotations

from tests.pages.conftest import Classroom
from tests.support.node import Peer
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.face.sockets.docs_socket import DocConnection
from twinspace.realtime import close_codes
from twinspace.realtime.crdt import Document
from twinspace.realtime.protocol import SyncUpdate

WITHIN = 20.0  # generous: a loaded 2-core test machine


def _forged_update(base: bytes, client_id: int, text: str) -> bytes:
    """An edit written under someone else's Yjs client id, at their next clocks."""
    forger = Document(client_id=client_id)
    forger.apply_update(base)
    updates: list[bytes] = []
    forger.on_update(lambda event: updates.append(event.update) if event.local else None)
    forger.insert_text(0, text)
    assert updates
    return updates[-1]


async def _connection_of(classroom: Classroom, user_id: int) -> DocConnection:
    """The user's one open socket in the room (an earlier one may still be leaving)."""
    room = classroom.services.documents.rooms.rooms[classroom.page.room]

    def only_open() -> DocConnection | None:
        found = [
            c
            for c in room.clients
            if c.user_id == user_id and isinstance(c, DocConnection) and not c.closed.is_set()
        ]
        return found[0] if len(found) == 1 else None

    connection: DocConnection | None = await eventually(only_open, within=WITHIN)
    assert connection is not None
    return connection


async def test_a_pupil_writing_under_the_teachers_client_id_cannot_silence_them(
    classroom: Classroom,
) -> None:
    url, room = classroom.url(), classroom.page.room
    pupil = classroom.pupils[0]
    async with (
        await Peer.start(url, room, token=classroom.teacher.token) as teacher,
        await Peer.start(url, room, token=classroom.partner.token) as observer,
        classroom.world.client(classroom.teacher) as http,
    ):
        await teacher.wait_synced()
        await observer.wait_synced()
        await teacher.insert(0, "one ")
        await observer.wait_state(lambda s: s["text"] == "one ")
        assert (await http.post(f"/api/v1/pages/{classroom.page.id}/lock")).status_code == 200
        hostile = await YClient.connect(classroom.world.server.ws_url, room, token=pupil.token)
        await hostile.sync()
        base = hostile.doc.encode_state_as_update()
        await hostile.send(SyncUpdate(_forged_update(base, teacher.client_id, "evil ")))
        connection = await _connection_of(classroom, pupil.id)
        await eventually(lambda: connection.dropped_updates >= 1, within=WITHIN)
        # the teacher's own next edits use exactly the clocks the pupil forged
        await teacher.insert(0, "two ")
        await observer.wait_state(lambda s: s["text"] == "two one ")
        stored = await classroom.services.documents.plain_text(room)
        assert "two" in stored and "evil" not in stored
        # unlocking tells the pupil its refused edit was not saved; the teacher goes on
        assert (await http.delete(f"/api/v1/pages/{classroom.page.id}/lock")).status_code == 200
        assert await hostile.wait_closed() == close_codes.RESYNC
        await teacher.insert(0, "three ")
        await observer.wait_state(lambda s: s["text"] == "three two one ")
        assert "evil" not in (await observer.state())["text"]


async def test_nothing_new_from_a_read_only_client_is_not_a_refusal(
    classroom: Classroom,
) -> None:
    """A read-only client re-sending what the page already has (its sync step 2 after a
    reconnect, deletions included) is not told to rebuild when it may write again."""
    url, room = classroom.url(), classroom.page.room
    async with (
        await Peer.start(url, room, token=classroom.pupils[0].token) as pupil,
        classroom.world.client(classroom.teacher) as http,
    ):
        await pupil.wait_synced()
        await pupil.insert(0, "abcdef")
        await pupil.delete(0, 2)
        await eventually(
            lambda: classroom.services.documents.rooms.rooms[room].doc.text() == "cdef",
            within=WITHIN,
        )
        assert (await http.post(f"/api/v1/pages/{classroom.page.id}/lock")).status_code == 200
        await pupil.disconnect()
        await pupil.connect()
        await pupil.wait_synced()
        connection = await _connection_of(classroom, classroom.pupils[0].id)
        assert (await http.delete(f"/api/v1/pages/{classroom.page.id}/lock")).status_code == 200
        await eventually(lambda: connection.can_write, within=WITHIN)
        assert connection.refused_edits == 0
        await pupil.insert(0, "X")
        await eventually(
            lambda: classroom.services.documents.rooms.rooms[room].doc.text() == "Xcdef",
            within=WITHIN,
        )


async def test_an_edit_built_on_content_the_page_lacks_is_asked_for_and_lands(
    classroom: Classroom,
) -> None:
    """A client whose document holds content the page never got (refused on an earlier,
    read-only socket) and sends only its next edit: the server asks for what it misses
    (sync step 1) and the edit lands instead of waiting unseen for ever."""
    author = Document()
    updates: list[bytes] = []
    author.on_update(lambda event: updates.append(event.update))
    author.insert_text(0, "refused ")
    author.insert_text(8, "later")
    client = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.pupils[0].token
    )
    await client.sync()
    for update in updates:
        client.doc.apply_update(update)  # remote to the client: not sent by itself
    await client.send(SyncUpdate(updates[1]))
    room = classroom.services.documents.rooms.rooms[classroom.page.room]
    await eventually(lambda: room.doc.text() == "refused later", within=WITHIN)
    assert room.doc.pending_updates == ()
    await client.close()
