"""Search inside a TwinSpace: every content type, every role, only what each may see."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.poll import eventually
from tests.support.server import LiveServer, live_server, make_settings
from tests.support.world import Person, World
from tests.support.yclient import YClient
from twinspace.storage.records import BoardRecord, ChannelRecord, ProjectRecord
from twinspace.types import ChannelKind, Role


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = make_settings(tmp_path / "data", page_settle_seconds=0.2)
    async with live_server(settings) as running:
        yield running


@dataclass
class Space:
    world: World
    project: ProjectRecord
    teacher: Person
    partner: Person
    ana: Person
    ben: Person
    other_class_pupil: Person
    channel: ChannelRecord
    board: BoardRecord


@pytest.fixture
async def space(world: World) -> Space:
    project, teacher, partner = await world.european_project()
    first = await world.school_class(teacher)
    second = await world.school_class(teacher)
    ana, ben = await world.pupils(teacher, 2, first)
    [other] = await world.pupils(teacher, 1, second)
    for pupil in (ana, ben, other):
        await world.join(project, pupil, Role.PUPIL)
    channel = await world.channel(project, teacher, name="general")
    board = await world.board(project, teacher, title="Rivers wall")
    return Space(world, project, teacher, partner, ana, ben, other, channel, board)


async def search(space: Space, person: Person, q: str, **params: Any) -> Any:
    async with space.world.client(person) as http:
        return await http.get(
            f"/api/v1/projects/{space.project.id}/search", params={"q": q, **params}
        )


async def found(space: Space, person: Person, q: str) -> list[tuple[str, int]]:
    answer = await search(space, person, q)
    assert answer.status_code == 200, answer.text
    return [(r["kind"], r["id"]) for r in answer.json()["results"]]


async def post_message(space: Space, person: Person, text: str, channel: int | None = None) -> Any:
    async with space.world.client(person) as http:
        answer = await http.post(
            f"/api/v1/channels/{channel or space.channel.id}/messages", json={"text": text}
        )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_finds_every_content_type(space: Space, server: LiveServer) -> None:
    message = await post_message(space, space.ana, "The Vistula flows through Kraków")
    async with space.world.client(space.ben) as http:
        post = (
            await http.post(
                f"/api/v1/boards/{space.board.id}/posts",
                json={"kind": "text", "title": "Danube delta", "body": "Birds of the delta"},
            )
        ).json()
        comment = (
            await http.post(f"/api/v1/posts/{post['id']}/comments", json={"text": "Pelicans!"})
        ).json()
        upload = (
            await http.post(
                f"/api/v1/boards/{space.board.id}/media",
                files={"file": ("tiber-notes.txt", b"plain notes", "text/plain")},
            )
        ).json()
    async with space.world.client(space.teacher) as http:
        page = (
            await http.post(f"/api/v1/projects/{space.project.id}/pages", json={"title": "Rhône"})
        ).json()
    writer = await YClient.connect(server.ws_url, page["room"], token=space.teacher.token)
    await writer.sync()
    writer.doc.insert_text(0, "Salmon swim up the Loire every spring")
    try:
        wanted = {
            "krakow": ("message", message["id"]),
            "delta": ("post", post["id"]),
            "pelicans": ("comment", comment["id"]),
            "tiber": ("file", upload["id"]),
            "rhone": ("page", page["id"]),
            "salmon": ("page", page["id"]),
        }
        for word, item in wanted.items():
            await eventually(_finds(space, space.partner, word, item))
    finally:
        await writer.close()
    answer = (await search(space, space.partner, "salmon")).json()["results"][0]
    assert answer["room"] == page["room"] and answer["space_name"] == "Rhône"
    assert {"text": "Salmon", "match": True} in answer["snippet"]


async def test_a_page_holding_nul_characters_is_indexed_and_blocks_nothing(
    space: Space, server: LiveServer
) -> None:
    """A client may put U+0000 into a page, which PostgreSQL's text cannot hold: the indexer
    reads it as a space, so the page is found and the marks after it are applied too."""
    async with space.world.client(space.teacher) as http:
        page = (
            await http.post(f"/api/v1/projects/{space.project.id}/pages", json={"title": "Oder"})
        ).json()
    writer = await YClient.connect(server.ws_url, page["room"], token=space.teacher.token)
    await writer.sync()
    writer.doc.insert_text(0, "Storks\x00nest by the Oder")
    try:
        await eventually(_finds(space, space.partner, "storks", ("page", page["id"])))
    finally:
        await writer.close()
    message = await post_message(space, space.ana, "Cranes fly over the Biebrza")
    await eventually(_finds(space, space.partner, "cranes", ("message", message["id"])))


async def _has(space: Space, person: Person, word: str, item: tuple[str, int]) -> bool:
    return item in await found(space, person, word)


def _finds(
    space: Space, person: Person, word: str, item: tuple[str, int]
) -> Callable[[], Awaitable[bool]]:
    return lambda: _has(space, person, word, item)


async def test_case_accents_and_prefixes_do_not_matter(space: Space) -> None:
    message = await post_message(space, space.teacher, "Zürich, Genève and Kraków: rivers")
    item = ("message", message["id"])
    await eventually(lambda: _has(space, space.ana, "ZURICH", item))
    for query in ("geneve", "KRAKOW riv", "Zür", "zur", "GENÈVE"):
        assert item in await found(space, space.ana, query), query
    titles = (await search(space, space.ana, "geneve")).json()["results"][0]["snippet"]
    assert {"text": "Genève", "match": True} in titles


async def test_a_held_item_is_found_only_by_its_author_and_teachers(space: Space) -> None:
    held = await post_message(space, space.ana, "call me about the otters +48 601 234 567")
    assert held["status"] == "held"
    item = ("message", held["id"])
    await eventually(lambda: _has(space, space.teacher, "otters", item))
    assert item in await found(space, space.ana, "otters")
    assert item in await found(space, space.partner, "otters")
    assert item not in await found(space, space.ben, "otters")
    assert item not in await found(space, space.other_class_pupil, "otters")


async def test_pupils_never_find_channels_their_class_cannot_open(space: Space) -> None:
    world = space.world
    staff = await world.channel(space.project, space.teacher, kind=ChannelKind.STAFF, name="s")
    secret = await post_message(space, space.teacher, "beavers meeting at noon", staff.id)
    item = ("message", secret["id"])
    await eventually(lambda: _has(space, space.teacher, "beavers", item))
    assert item not in await found(space, space.ana, "beavers")
    assert item in await found(space, space.partner, "beavers")


async def test_outsiders_get_404_and_bad_queries_a_problem(space: Space, world: World) -> None:
    _project, outsider, _partner = await world.european_project()
    assert (await search(space, outsider, "rivers")).status_code == 404
    empty = await search(space, space.teacher, " ?! ")
    assert empty.status_code == 422
    assert empty.headers["content-type"].startswith("application/problem+json")
    for hostile in ('") OR * NEAR(', "title:x AND", '"', "*", "a" * 200):
        answer = await search(space, space.teacher, hostile)
        assert answer.status_code in (200, 422), (hostile, answer.text)
    assert (await search(space, space.teacher, "x", kinds="page,nothing")).status_code == 422


async def test_deleted_pages_and_removed_items_are_not_found(space: Space) -> None:
    async with space.world.client(space.teacher) as http:
        page = (
            await http.post(f"/api/v1/projects/{space.project.id}/pages", json={"title": "Elbe"})
        ).json()
        item = ("page", page["id"])
        await eventually(lambda: _has(space, space.ana, "elbe", item))
        assert (await http.delete(f"/api/v1/pages/{page['id']}")).status_code == 204
    await eventually(lambda: _absent(space, space.teacher, "elbe", item))


async def _absent(space: Space, person: Person, word: str, item: tuple[str, int]) -> bool:
    return item not in await found(space, person, word)


async def test_marks_survive_a_stopped_indexer_and_posting_never_waits(space: Space) -> None:
    search_service = space.world.services.search
    await search_service.indexer.stop()
    message = await post_message(space, space.teacher, "storks nest on chimneys")
    storage = space.world.services.storage
    assert ("message", message["id"]) in await storage.search.dirty(1000)
    assert ("message", message["id"]) not in await found(space, space.teacher, "storks")
    search_service.indexer.start()
    await eventually(lambda: _has(space, space.teacher, "storks", ("message", message["id"])))
    assert not await storage.search.has_dirty()


async def test_every_ui_language_folds_its_own_letters(space: Space) -> None:
    texts = {
        "Łódź i Wrocław nad Odrą": "lodz wroclaw odra",
        "Ελλάδα και ποτάμια": "ελλαδα ποταμια",
        "Dvořák a Vltava": "dvorak vltava",
        "Øresund og Ærø": "oresund",
        "İstanbul ve Boğaziçi": "istanbul bogazici",
        "Київ та Дніпро": "київ дніпро",
        "Árvíztűrő tükörfúrógép": "arvizturo tukorfurogep",
        "Straße am Rhein": "STRASE rhein",
    }
    for text, query in texts.items():
        message = await post_message(space, space.teacher, text)
        await eventually(_finds(space, space.ana, query, ("message", message["id"])))


async def test_another_twinspace_is_never_found(space: Space, world: World) -> None:
    other_project, other_teacher, _partner = await world.european_project()
    other_channel = await world.channel(other_project, other_teacher, name="elsewhere")
    async with world.client(other_teacher) as http:
        answer = await http.post(
            f"/api/v1/channels/{other_channel.id}/messages", json={"text": "herons everywhere"}
        )
    theirs = ("message", answer.json()["id"])
    ours = ("message", (await post_message(space, space.teacher, "herons at home"))["id"])
    await eventually(_finds(space, space.ana, "herons", ours))

    async def theirs_indexed() -> bool:
        answer = await http_search(world, other_teacher, other_project.id, "herons")
        return [(r["kind"], r["id"]) for r in answer["results"]] == [theirs]

    await eventually(theirs_indexed)
    assert await found(space, space.teacher, "herons") == [ours]


async def http_search(world: World, person: Person, project_id: int, q: str) -> Any:
    async with world.client(person) as http:
        answer = await http.get(f"/api/v1/projects/{project_id}/search", params={"q": q})
    assert answer.status_code == 200
    return answer.json()
