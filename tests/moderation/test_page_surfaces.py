"""Pages: what a page carries besides its visible text (image titles and alt text, image
sources, link targets and titles) is scanned, and a dismissed finding comes back when its
text is added again after it had left the page."""

from __future__ import annotations

from typing import Any

from tests.moderation.conftest import School
from tests.support.events import events
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.realtime.yjs.prosemirror_json import from_prosemirror_json

PAGE = {
    "type": "doc",
    "content": [
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "Our river trip. "},
                {
                    "type": "text",
                    "text": "See the photos",
                    "marks": [
                        {
                            "type": "link",
                            "attrs": {
                                "href": "https://chat.whatsapp.com/AbCdEf123",
                                "title": "or write zosia.nowak@example.com",
                            },
                        }
                    ],
                },
            ],
        },
        {
            "type": "image",
            "attrs": {
                "src": "/media/1",
                "alt": "ty kurwa",
                "title": "call me +48 601 234 567",
            },
        },
        {"type": "paragraph", "content": [{"type": "text", "text": "The end."}]},
    ],
}


async def new_page(school: School, title: str) -> dict[str, Any]:
    async with school.client(school.teacher) as http:
        response = await http.post(
            f"/api/v1/projects/{school.project.id}/pages", json={"title": title}
        )
    assert response.status_code == 201, response.text
    page: dict[str, Any] = response.json()
    return page


async def page_entries(school: School, page_id: int, state: str = "open") -> list[dict[str, Any]]:
    return [
        e
        for e in await school.queue(state)
        if e["origin"] == "page_scan" and e["item_id"] == page_id
    ]


async def test_image_titles_alt_text_and_link_targets_and_titles_are_scanned(
    school: School,
) -> None:
    page = await new_page(school, "Trip")
    server = school.world.server
    async with (
        events(server, school.project.id, school.teacher.token) as teacher_events,
        await YClient.connect(server.ws_url, page["room"], token=school.pupil.token) as client,
    ):
        await client.sync()
        client.doc.set_page(from_prosemirror_json(PAGE))

        async def entries() -> list[dict[str, Any]]:
            return await page_entries(school, page["id"])

        [entry] = await eventually(entries, within=15)
        # the teacher is told live, and the notice matches the events schema (a finding's
        # `field` included: the events client checks every frame)
        notice = await teacher_events.next(
            "moderation.notice", where=lambda e: e["data"].get("kind") == "page", wait=15
        )
    assert {f["location"].get("field") for f in notice["data"]["flags"]} >= {"link target"}
    by_excerpt = {f["excerpt"]: f for f in entry["flags"]}
    links = [f for f in entry["flags"] if "whatsapp" in f["excerpt"]]
    assert {f["category"] for f in links} == {"external_link", "social_handle"}
    for link in links:
        assert link["location"] == {
            "line": 1,
            "column": 1,
            "start": 0,
            "end": len(link["excerpt"]),
            "field": "link target",
        }
    email = by_excerpt["zosia.nowak@example.com"]
    assert email["category"] == "email" and email["location"]["field"] == "link title"
    [phone] = [f for f in entry["flags"] if f["category"] == "phone"]
    assert "601 234 567" in phone["excerpt"]
    assert phone["location"]["field"] == "image title" and phone["location"]["line"] == 2
    [alt] = [f for f in entry["flags"] if f["category"] == "offensive"]
    assert alt["location"]["line"] == 2 and "field" not in alt["location"], "alt is page text"
    # the page's text itself is unchanged and has none of these
    text = await school.world.services.documents.plain_text(page["room"])
    assert "whatsapp" not in text and "601" not in text


async def test_a_dismissed_finding_is_raised_again_when_the_text_comes_back(
    school: School,
) -> None:
    page = await new_page(school, "Diary")
    storage = school.world.services.storage
    number = "write me +48 601 234 567"
    async with await YClient.connect(
        school.world.server.ws_url, page["room"], token=school.pupil.token
    ) as client:
        await client.sync()
        client.doc.insert_text(0, f"Hello. {number}")

        async def open_entries() -> list[dict[str, Any]]:
            return await page_entries(school, page["id"])

        [first] = await eventually(open_entries, within=15)
        async with school.client(school.teacher) as http:
            dismissed = await http.post(
                f"/api/v1/projects/{school.project.id}/moderation/queue/{first['id']}/dismiss",
                json={"reason": "the school's number"},
            )
        assert dismissed.status_code == 200, dismissed.text
        # other edits while the number stays: the teacher is not asked again
        client.doc.insert_text(0, "Monday. ")
        await eventually(lambda: _text_has(school, page["room"], "Monday. Hello."), within=15)

        # the number leaves the page: the page's finding is forgotten ...
        start = client.doc.text().index(number)
        client.doc.delete_text(start, len(number))

        async def forgotten() -> bool:
            return not await storage.findings.known(page["id"])

        await eventually(forgotten, within=15)
        assert await open_entries() == [], "nothing new while the number stayed"
        # ... and added again later, it is raised again
        client.doc.insert_text(len(client.doc.text()), number)
        [again] = await eventually(open_entries, within=15)
    assert again["id"] != first["id"]
    assert [f["category"] for f in again["flags"]] == ["phone"]


async def _text_has(school: School, room: str, wanted: str) -> bool:
    return wanted in await school.world.services.documents.plain_text(room)
