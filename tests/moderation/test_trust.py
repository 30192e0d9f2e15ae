"""Trust (issue 15): pupil accounts belong to their class's teachers, moderation authority,
and the small leaks (audit of member changes, JSON audit details, no-store on API answers,
404 for another country's NSO)."""

from __future__ import annotations

import csv
import io
import json

from tests.moderation.conftest import School
from tests.support.world import Person
from twinspace.storage.records import SchoolRecord
from twinspace.types import Role, TeacherStatus, UserKind


async def _school_of(school: School, person: Person) -> SchoolRecord:
    assert person.user.school_id is not None
    return await school.world.services.registry.school(person.user.school_id)


async def _audit(school: School, reader: Person) -> list[dict[str, object]]:
    async with school.client(reader) as http:
        response = await http.get(f"/api/v1/projects/{school.project.id}/audit")
    assert response.status_code == 200, response.text
    entries: list[dict[str, object]] = response.json()
    return entries


# -- 1. pupil accounts --------------------------------------------------------------------


async def test_partner_founder_cannot_reset_export_or_erase_a_pupil(school: School) -> None:
    """The Finnish founder shares a TwinSpace with the Polish pupil: still 404 for the pupil's
    account, and the pupil's session lives on."""
    pupil = school.pupil
    async with school.client(school.partner) as http:
        reset = await http.post(f"/api/v1/pupils/{pupil.id}/password")
        export = await http.get(f"/api/v1/pupils/{pupil.id}/export")
        erase = await http.delete(f"/api/v1/pupils/{pupil.id}")
    assert (reset.status_code, export.status_code, erase.status_code) == (404, 404, 404)
    assert reset.headers["content-type"] == "application/problem+json"
    async with school.client(pupil) as http:
        assert (await http.get("/api/v1/me")).status_code == 200, "the pupil is still signed in"
    assert await school.world.storage.users.get(pupil.id) is not None


async def test_a_new_colleague_is_responsible_only_once_added(school: School) -> None:
    world = school.world
    colleague = await world.teacher("PL", school=await _school_of(school, school.teacher))
    record = await world.storage.pupils.get(school.pupil.id)
    assert record is not None and record.class_id is not None
    class_id = record.class_id
    async with world.client(colleague) as http:
        classes = (await http.get("/api/v1/classes")).json()
        listed = await http.get(f"/api/v1/classes/{class_id}/pupils")
        refused = await http.post(f"/api/v1/pupils/{school.pupil.id}/password")
        export = await http.get(f"/api/v1/pupils/{school.pupil.id}/export")
        new_pupils = await http.post(
            f"/api/v1/classes/{class_id}/pupils", json={"names": ["Ola Nowak"]}
        )
        self_added = await http.post(
            f"/api/v1/classes/{class_id}/teachers", json={"user_id": colleague.id}
        )
        candidates_refused = await http.get(f"/api/v1/classes/{class_id}/colleagues")
    assert [c["can_manage"] for c in classes if c["id"] == class_id] == [False]
    assert listed.status_code == 200
    assert {p["id"]: p["can_manage"] for p in listed.json()}[school.pupil.id] is False
    assert refused.status_code == 403, refused.text
    assert refused.json()["rule"] == "class-teacher"
    assert export.status_code == 403 and new_pupils.status_code == 403
    assert self_added.status_code == 403, "a colleague cannot make themselves responsible"
    assert candidates_refused.status_code == 403

    async with world.client(school.teacher) as http:
        candidates = await http.get(f"/api/v1/classes/{class_id}/colleagues")
        assert [p["id"] for p in candidates.json()] == [colleague.id]
        added = await http.post(
            f"/api/v1/classes/{class_id}/teachers", json={"user_id": colleague.id}
        )
        again = await http.post(
            f"/api/v1/classes/{class_id}/teachers", json={"user_id": colleague.id}
        )
        partner = await http.post(
            f"/api/v1/classes/{class_id}/teachers", json={"user_id": school.partner.id}
        )
    assert added.status_code == 201, added.text
    assert [t["id"] for t in added.json()] == [school.teacher.id, colleague.id]
    assert again.status_code == 409
    assert partner.status_code == 404, "only colleagues of the same school"

    async with world.client(colleague) as http:
        classes = (await http.get("/api/v1/classes")).json()
        listed = await http.get(f"/api/v1/classes/{class_id}/pupils")
        reset = await http.post(f"/api/v1/pupils/{school.pupil.id}/password")
    assert [c["can_manage"] for c in classes if c["id"] == class_id] == [True]
    assert {p["id"]: p["can_manage"] for p in listed.json()}[school.pupil.id] is True
    assert reset.status_code == 200, reset.text

    async with world.client(colleague) as http:
        removed = await http.delete(f"/api/v1/classes/{class_id}/teachers/{school.teacher.id}")
        last = await http.delete(f"/api/v1/classes/{class_id}/teachers/{colleague.id}")
    assert removed.status_code == 204
    assert last.status_code == 422 and last.json()["rule"] == "last-class-teacher"
    async with world.client(school.teacher) as http:
        assert (await http.post(f"/api/v1/pupils/{school.pupil.id}/password")).status_code == 403


async def test_reset_export_and_erase_are_audited(school: School) -> None:
    async with school.client(school.teacher) as http:
        reset = await http.post(f"/api/v1/pupils/{school.pupil.id}/password")
        export = await http.get(f"/api/v1/pupils/{school.pupil.id}/export")
        erase = await http.delete(f"/api/v1/pupils/{school.classmate.id}")
    assert (reset.status_code, export.status_code, erase.status_code) == (200, 200, 204)
    entries = await _audit(school, school.partner)
    seen = {(e["action"], e["subject_user_id"], e["actor_id"]) for e in entries}
    assert ("pupil_password_reset", school.pupil.id, school.teacher.id) in seen
    assert ("pupil_exported", school.pupil.id, school.teacher.id) in seen
    assert ("pupil_erased", school.classmate.id, school.teacher.id) in seen
    assert reset.json()["password"] not in json.dumps(entries), "no secret in the audit"


# -- 8. moderation authority --------------------------------------------------------------


async def _partner_staff(school: School) -> tuple[Person, Person]:
    """A plain teacher and a teacher admin of the Finnish founder's school, members of A."""
    finnish = await _school_of(school, school.partner)
    plain = await school.world.teacher("FI", school=finnish)
    admin = await school.world.teacher("FI", school=finnish)
    await school.world.join(school.project, plain, Role.TEACHER)
    await school.world.join(school.project, admin, Role.TEACHER_ADMIN)
    return plain, admin


async def test_only_founders_and_teacher_admins_set_the_moderation_policy(
    school: School,
) -> None:
    plain, admin = await _partner_staff(school)
    url = f"/api/v1/projects/{school.project.id}/moderation/policy"
    async with school.client(plain) as http:
        switched_off = await http.put(url, json={"mode": "off"})
        channel_off = await http.put(
            f"/api/v1/channels/{school.channel.id}/moderation/policy", json={"mode": "off"}
        )
        readable = await http.get(url)
    assert switched_off.status_code == 403, switched_off.text
    assert channel_off.status_code == 403, channel_off.text
    assert readable.status_code == 200 and readable.json()["mode"] == "auto"
    async with school.client(admin) as http:
        assert (await http.put(url, json={"mode": "pre"})).status_code == 200
    policy_changes = [
        e for e in await _audit(school, school.teacher) if e["action"] == "policy_changed"
    ]
    assert [e["actor_id"] for e in policy_changes] == [admin.id]


async def test_a_pupils_held_item_is_decided_by_their_school(school: School) -> None:
    plain, admin = await _partner_staff(school)
    held = await school.post(school.pupil, "write to me at zosia@example.com")
    assert held.json()["status"] == "held"
    base = f"/api/v1/projects/{school.project.id}/moderation"
    async with school.client(admin) as http:
        queue = (await http.get(base + "/queue")).json()
        [entry] = [q for q in queue if q["item_id"] == held.json()["id"]]
        approve = await http.post(base + f"/queue/{entry['id']}/approve", json={})
        dismiss = await http.post(base + f"/queue/{entry['id']}/dismiss", json={})
    assert entry["can_decide"] is False
    assert approve.status_code == 403 and approve.json()["rule"] == "pupil-item-deciders"
    assert dismiss.status_code == 403
    assert "zosia@example.com" not in await school.visible_texts(school.finn)

    async with school.client(plain) as http:
        hidden = await http.post(
            base + f"/items/message/{held.json()['id']}/hide", json={"reason": "safety"}
        )
        restore = await http.post(base + f"/items/message/{held.json()['id']}/restore", json={})
    assert hidden.status_code == 200, "taking an item out of view is every teacher's right"
    assert restore.status_code == 403

    async with school.client(school.teacher) as http:
        queue = (await http.get(base + "/queue", params={"state": "all"})).json()
        assert all(q["can_decide"] for q in queue)
        restored = await http.post(base + f"/items/message/{held.json()['id']}/restore", json={})
    assert restored.status_code == 200
    assert "write to me at zosia@example.com" in await school.visible_texts(school.finn)

    # the founders open decisions to every teacher of the project
    second = await school.post(school.classmate, "call me on 601 234 567")
    async with school.client(school.partner) as http:
        policy = (await http.get(base + "/policy")).json()
        policy["pupil_item_deciders"] = "any_teacher"
        assert (await http.put(base + "/policy", json=policy)).status_code == 200
    async with school.client(plain) as http:
        queue = (await http.get(base + "/queue")).json()
        [entry] = [q for q in queue if q["item_id"] == second.json()["id"]]
        approved = await http.post(base + f"/queue/{entry['id']}/approve", json={})
    assert entry["can_decide"] is True and approved.status_code == 200, approved.text


# -- 10. small leaks ------------------------------------------------------------------------


async def test_member_changes_and_added_pupils_are_audited_as_json(school: School) -> None:
    world = school.world
    teacher = await world.teacher("PL")
    await world.join(school.project, teacher, Role.TEACHER)
    [newcomer] = await world.pupils(school.teacher, 1)
    base = f"/api/v1/projects/{school.project.id}"
    async with school.client(school.teacher) as http:
        promoted = await http.patch(f"{base}/members/{teacher.id}", json={"role": "teacher_admin"})
        added = await http.post(f"{base}/pupils", json={"user_ids": [newcomer.id]})
        removed = await http.delete(f"{base}/members/{teacher.id}")
        archived = await http.post(f"{base}/state", json={"state": "archived"})
        exported = await http.get(f"{base}/audit.csv")
    assert [promoted.status_code, added.status_code, removed.status_code] == [200, 200, 204]
    assert archived.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    by_action = {row["action"]: row for row in rows}
    role = by_action["member_role_changed"]
    assert role["subject_user_id"] == str(teacher.id)
    assert json.loads(role["details"]) == {"from": "teacher", "to": "teacher_admin"}
    assert by_action["pupil_added"]["subject_user_id"] == str(newcomer.id)
    assert json.loads(by_action["member_removed"]["details"]) == {"role": "teacher_admin"}
    assert json.loads(by_action["project_state_changed"]["details"])["to"] == "archived"
    for row in rows:
        json.loads(row["details"])  # every details cell is JSON, never a Python repr


async def test_api_answers_with_personal_data_are_not_stored(school: School) -> None:
    async with school.client(school.teacher) as http:
        me = await http.get("/api/v1/me")
        members = await http.get(f"/api/v1/projects/{school.project.id}/members")
        export = await http.get(f"/api/v1/pupils/{school.pupil.id}/export")
        missing = await http.get("/api/v1/projects/999999")
        countries = await http.get("/api/v1/countries")
        schools = await http.get("/api/v1/schools", params={"country": "PL"})
    for response in (me, members, export, missing):
        assert response.headers["cache-control"] == "no-store", response.request.url
    for response in (countries, schools):
        assert response.headers["cache-control"] != "no-store", "the public catalogue"
    async with school.world.client() as http:
        login = await http.post(
            "/api/v1/session", json={"username": school.teacher.user.username, "password": "x"}
        )
    assert login.headers["cache-control"] == "no-store"


async def test_another_countrys_nso_gets_404_for_registrations(school: School) -> None:
    world = school.world
    french_nso = await world.staff(UserKind.NSO, "FR")
    pending = await world.teacher("PL", status=TeacherStatus.PENDING)
    async with world.client(french_nso) as http:
        validate = await http.post(f"/api/v1/registrations/{pending.id}/validate", json={})
        missing = await http.post("/api/v1/registrations/999999/validate", json={})
    assert validate.status_code == missing.status_code == 404
