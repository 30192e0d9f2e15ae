"""The demo TwinSpace at work (issue 20, item 6): what its classes made before you arrive.

`seed_demo` (twinspace/app/demo.py) creates the schools, people, project and empty spaces;
this fills them through the same services a signed-in user's requests go through, as the
demo's own teachers and pupils: pictures uploaded to the board (cleaned, moderated and stored
like any upload) and posted with their captions, chat messages before, during and after a
live session the classes joined with their codes, and pages in English, Polish, Italian and
Finnish written as CRDT documents the web editor opens (`twinspace.realtime.crdt`).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from twinspace.app import demo_pages
from twinspace.app.demo_pictures import PICTURES
from twinspace.boards.views import BoardSettingsPatch, BoardUpdate, MediaRef, NewPost, PostKind
from twinspace.chat.views import NewMessage
from twinspace.clock import utcnow
from twinspace.live_sessions.rules import AgendaItem, NewLiveSession
from twinspace.media.service import IncomingFile
from twinspace.realtime import crdt
from twinspace.realtime.yjs.prosemirror_json import from_prosemirror_json
from twinspace.services.container import Services
from twinspace.storage.records import PageRecord, UserRecord
from twinspace.workspace.access import Access

SESSION_TITLE = "Meet the rivers"


@dataclass
class _Cast:
    """The demo's people by username, and their access to its project."""

    services: Services
    project_id: int
    users: dict[str, UserRecord] = field(default_factory=dict)

    async def access(self, username: str) -> Access:
        user = self.users.get(username)
        if user is None:
            found = await self.services.storage.users.by_username(username)
            assert found is not None, username
            user = self.users[username] = found
        return await self.services.access.project(user, self.project_id)


# (author, text, reply to the message with this index or None)
BEFORE_SESSION: tuple[tuple[str, str, int | None], ...] = (
    (
        "anna.nowak",
        "Welcome to Rivers of Europe! 🌊 Say hello in your own language and tell us one "
        "thing about your river.",
        None,
    ),
    ("zosia.pl", "Cześć! Our river is the Wisła. It is 1047 km long!", None),
    (
        "giulia.it",
        "Ciao a tutti! The Reno is shorter, 212 km, but long ago there were canals "
        "everywhere in Bologna.",
        None,
    ),
    ("eetu.fi", "Moi! Tammerkoski is rapids between two lakes. It makes electricity ⚡", None),
    ("kuba.pl", "Is the water very cold? Can you swim there?", 3),
    ("eetu.fi", "No swimming in the rapids! In summer we swim in the lake.", 3),
    (
        "marco.rossi",
        "Great start! 5A is making the glossary this month: please add your words on the "
        "page Glossario dei fiumi.",
        None,
    ),
    (
        "aino.virtanen",
        "6C started our story Kolme pisaraa (Three drops). Who writes chapter 3 in Polish "
        "or Italian?",
        None,
    ),
    ("sofia.it", "We write it in Italian! 🙋‍♀️", 7),
)
DURING_SESSION: tuple[tuple[str, str, int | None], ...] = (
    ("anna.nowak", "We are live! Show us your drawings on the Photo wall.", None),
    ("maja.pl", "I posted our chart of the water temperatures 📊", None),
    ("matteo.it", "Bello! Our water was 9 degrees.", None),
    ("helmi.fi", "Meillä vain 2 astetta! Only 2 degrees here ❄️", None),
)
AFTER_SESSION: tuple[tuple[str, str, int | None], ...] = (
    (
        "aino.virtanen",
        "Thank you all for today's session! Next time we read the story together.",
        None,
    ),
    ("antek.pl", "Dzięki! See you next month 👋", None),
)
# who joins the session: the teachers and their pupils, but for Antek and Onni (away that day)
SESSION_GUESTS = (
    "anna.nowak",
    "marco.rossi",
    "aino.virtanen",
    "zosia.pl",
    "kuba.pl",
    "maja.pl",
    "giulia.it",
    "luca.it",
    "sofia.it",
    "matteo.it",
    "eetu.fi",
    "aada.fi",
    "helmi.fi",
)
REACTIONS = (
    (0, "marco.rossi", "👏"),
    (1, "giulia.it", "👍"),
    (3, "luca.it", "💡"),
    (3, "zosia.pl", "😮"),
)


async def seed_demo_content(services: Services, demo: dict[str, Any]) -> dict[str, Any]:
    """Fill the seeded demo's spaces; return `demo` with the new pages and the session."""
    project = demo["project"]
    cast = _Cast(services, project["id"])
    board_id = project["boards"][0]["id"]
    channel_id = project["channels"][0]["id"]
    founder = await cast.access("anna.nowak")

    pictures = await _board(services, cast, board_id)
    written = await _pages(services, cast, founder, pictures["wisla"].url)
    sent = await _chat(services, cast, channel_id, BEFORE_SESSION)
    session_id = await _session(services, cast, founder, project, channel_id, board_id)
    sent += await _chat(services, cast, channel_id, DURING_SESSION)
    await _end_session(services, founder, session_id)
    sent += await _chat(services, cast, channel_id, AFTER_SESSION)
    channel = await services.storage.channels.get(channel_id)
    assert channel is not None
    for index, username, emoji in REACTIONS:
        record = await services.chat.record(sent[index])
        await services.chat.react(await cast.access(username), channel, record, emoji)

    known = {page["id"] for page in project["pages"]}
    project["pages"] += [
        {"id": p.id, "title": p.title, "room": p.room} for p in written if p.id not in known
    ]
    project["live_sessions"] = [{"id": session_id, "title": SESSION_TITLE}]
    return demo


async def _upload(services: Services, access: Access, board_id: int, key: str) -> MediaRef:
    picture = PICTURES[key]
    data = await asyncio.to_thread(picture.png)
    board = await services.storage.boards.get(board_id)
    assert board is not None
    path = services.media.store.temp_path()
    await asyncio.to_thread(path.write_bytes, data)
    try:
        incoming = IncomingFile(path, len(data), hashlib.sha256(data).hexdigest(), picture.filename)
        return await services.media.upload(access, board, incoming)
    finally:
        path.unlink(missing_ok=True)


async def _board(services: Services, cast: _Cast, board_id: int) -> dict[str, MediaRef]:
    """Pictures and notes on the Photo wall, posted by the pupils and teachers who made them;
    its teacher lays it out as a wall."""
    board = await services.storage.boards.get(board_id)
    assert board is not None
    await services.boards.update_board(
        await cast.access("anna.nowak"),
        board,
        BoardUpdate(
            description="Drawings and photos of our rivers",
            settings=BoardSettingsPatch(layout="wall"),
        ),
    )
    posts: list[tuple[str, NewPost | str]] = [
        ("zosia.pl", "wisla"),
        (
            "marco.rossi",
            NewPost(
                kind=PostKind.TEXT,
                title="Measuring the water",
                body="Every class measures its river on the same Monday at 10:00: "
                "temperature, colour and how far you can see into the water. "
                "Write your results in the table on the page Our rivers.",
            ),
        ),
        ("luca.it", "reno"),
        ("eetu.fi", "tammerkoski"),
        (
            "aino.virtanen",
            NewPost(
                kind=PostKind.LINK,
                title="Tammerkoski on Wikipedia",
                body="Read about our rapids (in Finnish and English).",
                url="https://fi.wikipedia.org/wiki/Tammerkoski",
            ),
        ),
        ("maja.pl", "chart"),
    ]
    captions = {
        "wisla": ("Wisła i Wawel", "Narysowałam Wisłę pod Wawelem. I drew the Vistula."),
        "reno": ("Il Reno al tramonto", "Il Reno d'estate, con il ponte. The Reno at sunset."),
        "tammerkoski": (
            "Tammerkoski talvella",
            "Koski ei jäädy talvellakaan! The rapids never freeze.",
        ),
        "chart": (
            "Temperatura wody w listopadzie",
            "Kraków 6 °C, Bologna 9 °C, Tampere 2 °C.",
        ),
    }
    # the pictures are cleaned side by side (each in its own decoder process), as uploads are
    uploaders = [(username, post) for username, post in posts if isinstance(post, str)]
    accesses = [await cast.access(username) for username, _ in uploaders]
    uploaded = await asyncio.gather(
        *(
            _upload(services, access, board_id, key)
            for access, (_, key) in zip(accesses, uploaders, strict=True)
        )
    )
    pictures = {key: media for (_, key), media in zip(uploaders, uploaded, strict=True)}
    for username, post in posts:
        if isinstance(post, str):
            title, body = captions[post]
            post = NewPost(kind=PostKind.IMAGE, title=title, body=body, media_id=pictures[post].id)
        await services.boards.create_post(await cast.access(username), board, post)
    return pictures


def _page_update(content: demo_pages.Json, engine: crdt.Engine) -> bytes:
    """The page as one CRDT update: what a client that typed it would have sent."""
    return crdt.Document(engine).set_page(from_prosemirror_json(content))


async def _pages(
    services: Services, cast: _Cast, founder: Access, picture_url: str
) -> list[PageRecord]:
    """The two seeded pages filled, three more created, each stored as its editor's edit."""
    existing = {page.title: page for page in await services.pages.list(founder)}
    documents = services.documents
    written: list[PageRecord] = []
    for spec in (
        demo_pages.welcome(),
        demo_pages.our_rivers(picture_url),
        demo_pages.project_plan(),
        demo_pages.glossary(),
        demo_pages.shared_story(),
    ):
        page = existing.get(spec.title) or await services.pages.create(founder, spec.title)
        update = await asyncio.to_thread(_page_update, spec.content, documents.engine)
        documents.persistence.append(page.room, update)
        editor = await cast.access(spec.editor)
        async with services.storage.transaction() as tx:
            await tx.pages.record_edit(page.id, utcnow(), editor.user.id)
        written.append(page)
    await documents.persistence.flush()
    return written


async def _chat(
    services: Services,
    cast: _Cast,
    channel_id: int,
    script: tuple[tuple[str, str, int | None], ...],
) -> list[int]:
    """Post `script` in the channel; replies name their parent by its index in the script."""
    channel = await services.storage.channels.get(channel_id)
    assert channel is not None
    sent: list[int] = []
    for username, text, parent in script:
        access = await cast.access(username)
        parent_id = sent[parent] if parent is not None else None
        view = await services.chat.post(access, channel, NewMessage(text=text, parent_id=parent_id))
        sent.append(view.id)
    return sent


async def _session(
    services: Services,
    cast: _Cast,
    founder: Access,
    project: dict[str, Any],
    channel_id: int,
    board_id: int,
) -> int:
    """A live session of the three classes on the shared spaces, joined with the class codes
    by most pupils (attendance per school), then ended by its organiser."""
    sessions = services.live_sessions
    classes = await sessions.project_classes(founder)
    now = utcnow()
    river_page = next(p for p in project["pages"] if p["title"] == "Our rivers")
    session = await sessions.schedule(
        founder,
        NewLiveSession(
            title=SESSION_TITLE,
            starts_at=now - timedelta(minutes=40),
            ends_at=now + timedelta(minutes=20),
            class_ids=[c.class_id for c in classes],
            agenda=[
                AgendaItem(title="Hello from each class", minutes=10),
                AgendaItem(title="Our drawings on the Photo wall", minutes=15),
                AgendaItem(title="Water temperatures", minutes=15),
            ],
            page_id=river_page["id"],
            channel_id=channel_id,
            board_id=board_id,
        ),
    )
    entries = await services.storage.live_sessions.classes.of_session(session.id)
    codes = {entry.class_id: entry.code for entry in entries}
    for username in SESSION_GUESTS:
        access = await cast.access(username)
        pupil = await services.storage.pupils.get(access.user.id)
        code = codes.get(pupil.class_id) if pupil and pupil.class_id else None
        session = await sessions.join(access, session, code)
    return session.id


async def _end_session(services: Services, founder: Access, session_id: int) -> None:
    """The organiser ends it: attendance totals are recorded and the page saved as a version."""
    session = await services.storage.live_sessions.get(session_id)
    assert session is not None
    await services.live_sessions.end(founder, session)
