from __future__ import annotations

from typing import Any

import pytest

from tests.support.world import PASSWORD, World
from twinspace.types import TeacherStatus, UserKind


def registration(username: str, staff_role: str, school: dict[str, Any] | int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "username": username,
        "password": PASSWORD,
        "display_name": username.title(),
        "email": f"{username}@school.example",
        "staff_role": staff_role,
        "subjects": ["history"],
        "languages": ["en", "pl"],
        "age_min": 10,
        "age_max": 14,
    }
    if isinstance(school, int):
        body["school_id"] = school
    else:
        body["new_school"] = school
    return body


def school(
    country: str, type: str = "primary", ownership: str = "public", **extra: Any
) -> dict[str, Any]:
    return {
        "name": f"A {type} school",
        "country": country,
        "city": "Town",
        "type": type,
        "ownership": ownership,
        **extra,
    }


async def test_countries_and_their_status(world: World) -> None:
    async with world.client() as http:
        countries = {c["code"]: c for c in (await http.get("/api/v1/countries")).json()}
    assert len(countries) == 44
    assert countries["PL"]["status"] == countries["TR"]["status"] == "etwinning"
    assert countries["UA"]["status"] == countries["TN"]["status"] == "partner"
    assert "administrative" in countries["PL"]["policy"]["staff_roles"]
    assert "administrative" not in countries["IT"]["policy"]["staff_roles"]
    assert countries["IT"]["policy"]["school_types"]["nursery"] == ["municipal"]


@pytest.mark.parametrize(
    ("country", "role", "school_kw", "ok"),
    [
        ("PL", "pedagogue", {}, True),
        ("PL", "administrative", {}, True),
        ("IT", "technical_practical_teacher", {}, True),
        ("IT", "boarding_educator", {}, True),
        ("IT", "language_assistant", {}, True),
        ("IT", "administrative", {}, False),
        ("IT", "technical", {}, False),
        ("IT", "teacher", {"type": "nursery", "ownership": "municipal"}, True),
        ("PL", "teacher", {"type": "nursery", "ownership": "municipal"}, False),
        ("PL", "teacher", {"ownership": "private_public_rights"}, True),
        ("PL", "teacher", {"ownership": "private"}, False),
        (
            "IT",
            "teacher",
            {
                "type": "vocational",
                "vocational_course_years": 3,
                "open_to_compulsory_schooling": True,
            },
            True,
        ),
        ("IT", "teacher", {"type": "vocational", "vocational_course_years": 2}, False),
    ],
)
async def test_eligibility_follows_country_policy(
    world: World, country: str, role: str, school_kw: dict[str, Any], ok: bool
) -> None:
    body = registration(f"user-{country}-{role}", role, school(country, **school_kw))
    async with world.client() as http:
        response = await http.post("/api/v1/registrations", json=body)
    if ok:
        assert response.status_code == 201, response.text
        assert response.json()["user"]["teacher"]["status"] == "pending"
    else:
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/rule-violation"


async def test_registration_refuses_taken_username_and_weak_password(world: World) -> None:
    existing = await world.teacher("PL")
    async with world.client() as http:
        taken = await http.post(
            "/api/v1/registrations",
            json=registration(existing.user.username, "teacher", school("PL")),
        )
        weak = await http.post(
            "/api/v1/registrations",
            json={**registration("newbie", "teacher", school("PL")), "password": "123"},
        )
        both = await http.post(
            "/api/v1/registrations",
            json={**registration("newbie2", "teacher", school("PL")), "school_id": 1},
        )
    assert taken.status_code == 409
    assert weak.status_code == 422
    assert both.status_code == 422 and both.json()["code"] == "school-choice"


async def test_only_the_nso_of_the_country_validates(world: World) -> None:
    async with world.client() as http:
        created = await http.post(
            "/api/v1/registrations", json=registration("jan", "teacher", school("PL"))
        )
    teacher_id = created.json()["user"]["id"]
    nso_it, nso_pl = await world.staff(UserKind.NSO, "IT"), await world.staff(UserKind.NSO, "PL")
    async with world.client(nso_it) as http:  # another country's registration: 404, no leak
        assert (
            await http.post(f"/api/v1/registrations/{teacher_id}/validate", json={})
        ).status_code == 404
        listed = (await http.get("/api/v1/registrations")).json()
        assert teacher_id not in [t["id"] for t in listed]
    async with world.client(nso_pl) as http:
        listed = (await http.get("/api/v1/registrations")).json()
        assert teacher_id in [t["id"] for t in listed]
        no_reason = await http.post(f"/api/v1/registrations/{teacher_id}/reject", json={})
        assert no_reason.status_code == 422
        ok = await http.post(f"/api/v1/registrations/{teacher_id}/validate", json={})
    assert ok.status_code == 200 and ok.json()["profile"]["status"] == "validated"
    teacher = await world.storage.teachers.get(teacher_id)
    assert teacher is not None and teacher.status is TeacherStatus.VALIDATED
    assert teacher.reviewed_by == nso_pl.id


async def test_teachers_cannot_review_registrations(world: World) -> None:
    teacher = await world.teacher("PL")
    async with world.client(teacher) as http:
        assert (await http.get("/api/v1/registrations")).status_code == 403


async def test_partner_search_filters(world: World) -> None:
    me = await world.teacher("PL")
    it_science = await world.teacher("IT", subjects=("science",), languages=("it", "en"))
    de_art = await world.teacher("DE", subjects=("art",), languages=("de",))
    await world.teacher("IT", status=TeacherStatus.PENDING, subjects=("science",))
    async with world.client(me) as http:
        by_country = (await http.get("/api/v1/teachers", params={"country": "it"})).json()
        by_subject = (await http.get("/api/v1/teachers", params={"subject": "Art"})).json()
        by_language = (await http.get("/api/v1/teachers", params={"language": "it"})).json()
        by_age = (await http.get("/api/v1/teachers", params={"age": 30})).json()
        unknown = await http.get("/api/v1/teachers", params={"country": "US"})
    assert [t["id"] for t in by_country] == [it_science.id], "pending teachers are not listed"
    assert [t["id"] for t in by_subject] == [de_art.id]
    assert [t["id"] for t in by_language] == [it_science.id]
    assert by_age == []
    assert unknown.status_code == 404
    assert "email" not in by_country[0] and "username" not in by_country[0]


async def test_pupils_cannot_search_partners(world: World) -> None:
    pupil = (await world.pupils(await world.teacher(), 1))[0]
    async with world.client(pupil) as http:
        assert (await http.get("/api/v1/teachers")).status_code == 403


async def test_policy_is_data_the_admin_edits(world: World) -> None:
    admin, teacher = await world.staff(UserKind.ADMIN), await world.teacher("PL")
    async with world.client(admin) as http:
        current = (await http.get("/api/v1/countries")).json()
        it = next(c for c in current if c["code"] == "IT")["policy"]
        it["staff_roles"].append("administrative")
        response = await http.put("/api/v1/countries/IT/policy", json=it)
        assert response.status_code == 200
        bad = await http.put("/api/v1/countries/IT/policy", json={**it, "staff_roles": ["x"]})
        assert bad.status_code == 422
    async with world.client(teacher) as http:
        assert (await http.put("/api/v1/countries/IT/policy", json=it)).status_code == 403
    async with world.client() as http:
        response = await http.post(
            "/api/v1/registrations", json=registration("ata", "administrative", school("IT"))
        )
    assert response.status_code == 201


async def test_classes_belong_to_the_teachers_school(world: World) -> None:
    teacher, colleague_elsewhere = await world.teacher("PL"), await world.teacher("PL")
    async with world.client(teacher) as http:
        created = await http.post("/api/v1/classes", json={"name": "5A"})
        assert created.status_code == 201
        duplicate = await http.post("/api/v1/classes", json={"name": "5a"})
        assert duplicate.status_code == 409
    class_id = created.json()["id"]
    async with world.client(colleague_elsewhere) as http:
        assert (await http.get(f"/api/v1/classes/{class_id}/pupils")).status_code == 404
        assert (
            await http.post(f"/api/v1/classes/{class_id}/pupils", json={"names": ["X"]})
        ).status_code == 404


async def test_pending_teachers_see_no_classes_of_their_school(world: World) -> None:
    validated = await world.teacher("PL")
    their_school = await world.storage.schools.get(validated.user.school_id or 0)
    pending = await world.teacher("PL", school=their_school, status=TeacherStatus.PENDING)
    async with world.client(validated) as http:
        assert (await http.post("/api/v1/classes", json={"name": "6B"})).status_code == 201
        assert [c["name"] for c in (await http.get("/api/v1/classes")).json()] == ["6B"]
    async with world.client(pending) as http:
        listed = await http.get("/api/v1/classes")
    assert listed.status_code == 200 and listed.json() == []
