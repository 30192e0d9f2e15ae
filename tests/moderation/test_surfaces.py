"""Every other place a pupil writes goes through the filters: board post titles, bodies and
links (also when edited), comments, and names shown to partner schools."""

from __future__ import annotations

from typing import Any

import pytest

from tests.moderation.conftest import School

PHONE = "+48 601 234 567"


async def post(school: School, **body: Any) -> dict[str, Any]:
    async with school.client(school.pupil) as http:
        response = await http.post(
            f"/api/v1/boards/{school.board.id}/posts", json={"kind": "text", **body}
        )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def entry_for(school: School, kind: str, item_id: int) -> dict[str, Any]:
    [entry] = [
        e for e in await school.queue() if e["item_kind"] == kind and e["item_id"] == item_id
    ]
    return entry


@pytest.mark.parametrize(
    ("body", "category", "excerpt"),
    [
        ({"title": f"Call {PHONE}"}, "phone", PHONE),
        ({"title": "Our trip", "body": "write to zosia.nowak@example.com"}, "email", ""),
        ({"title": "Our trip", "body": "add me on insta @zosia_2014"}, "social_handle", ""),
    ],
)
async def test_board_post_titles_and_bodies_are_held(
    school: School, body: dict[str, str], category: str, excerpt: str
) -> None:
    created = await post(school, **body)
    assert created["status"] == "held" and created["pending"] is True
    entry = await entry_for(school, "post", created["id"])
    assert category in {f["category"] for f in entry["flags"]}
    assert any(excerpt in f["excerpt"] for f in entry["flags"])
    async with school.client(school.classmate) as http:
        board = (await http.get(f"/api/v1/boards/{school.board.id}")).json()
    assert created["id"] not in [p["id"] for p in board["posts"]]


async def test_a_link_posts_target_is_held(school: School) -> None:
    created = await post(school, kind="link", title="Our chat", url="https://discord.gg/abcd")
    assert created["status"] == "held"
    entry = await entry_for(school, "post", created["id"])
    assert any("discord.gg" in f["excerpt"] for f in entry["flags"])


async def test_an_edited_post_is_checked_again(school: School) -> None:
    created = await post(school, title="Our trip", body="It was fun")
    assert created["status"] == "published"
    async with school.client(school.pupil) as http:
        edited = await http.patch(
            f"/api/v1/posts/{created['id']}", json={"body": f"It was fun, call {PHONE}"}
        )
    assert edited.status_code == 200, edited.text
    assert edited.json()["status"] == "held"
    entry = await entry_for(school, "post", created["id"])
    assert [f["category"] for f in entry["flags"]] == ["phone"]


async def test_comments_are_held(school: School) -> None:
    async with school.client(school.teacher) as http:
        teachers = await http.post(
            f"/api/v1/boards/{school.board.id}/posts", json={"kind": "text", "title": "Rivers"}
        )
    comments = f"/api/v1/posts/{teachers.json()['id']}/comments"
    async with school.client(school.pupil) as http:
        comment = await http.post(comments, json={"text": f"text me {PHONE}"})
    assert comment.status_code == 201, comment.text
    assert comment.json()["status"] == "held"
    entry = await entry_for(school, "comment", comment.json()["id"])
    assert [f["category"] for f in entry["flags"]] == ["phone"]
    async with school.client(school.classmate) as http:
        seen = (await http.get(comments)).json()
    assert PHONE not in str(seen)


async def test_pupils_names_carry_no_contact_details(school: School) -> None:
    """Names are shown to partner schools: the teacher who types one is told what to leave out;
    a pupil cannot change their own."""
    async with school.client(school.teacher) as http:
        school_class = await http.post("/api/v1/classes", json={"name": "6c"})
        classes = f"/api/v1/classes/{school_class.json()['id']}/pupils"
        refused = await http.post(
            classes,
            json={"names": ["Zosia", f"Ola {PHONE}", "Kuba kuba.k@example.com", "Dick Smith"]},
        )
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert problem["type"] == "/problems/name-refused"
        assert [(n["index"], n["categories"]) for n in problem["names"]] == [
            (1, ["phone"]),
            (2, ["email"]),
        ]
        listed = await http.get(classes)
        assert listed.json() == [], "nothing is created when a name is refused"
        created = await http.post(classes, json={"names": ["Zosia", "Dick Smith", "Ola Nowak"]})
        assert created.status_code == 201, "real names pass, whatever they mean elsewhere"
    async with school.client(school.pupil) as http:
        own = await http.patch("/api/v1/me", json={"display_name": f"Zosia {PHONE}"})
    assert own.status_code == 403
