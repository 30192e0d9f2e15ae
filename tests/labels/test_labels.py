from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.support.world import Person, World
from twinspace.clock import to_iso, utcnow
from twinspace.labels.service import edition_cutoff, latest_edition
from twinspace.storage.records import ProjectRecord
from twinspace.types import Role, SchoolType, UserKind

STATEMENTS = {
    "pedagogical_innovation": "Pupils designed their own river experiments.",
    "curriculum_integration": "Geography, biology and English in one plan.",
    "communication": "Weekly video calls and a shared diary between the schools.",
    "collaboration": "Mixed-nationality teams wrote every chapter together.",
    "use_of_technology": "Shared pages, boards and a sensor data sheet.",
}
SCORES = dict.fromkeys(STATEMENTS, 8)


def bearer(person: Person) -> dict[str, str]:
    return {"Authorization": f"Bearer {person.token}"}


async def apply(
    http: httpx.AsyncClient, teacher: Person, project: ProjectRecord, **overrides: Any
) -> httpx.Response:
    body = {"project_id": project.id, "statements": STATEMENTS, **overrides}
    return await http.post("/api/v1/labels/applications", json=body, headers=bearer(teacher))


async def review(
    http: httpx.AsyncClient, reviewer: Person, application_id: int, **body: Any
) -> httpx.Response:
    payload = {"decision": "award", "scores": SCORES, **body}
    return await http.post(
        f"/api/v1/labels/applications/{application_id}/review",
        json=payload,
        headers=bearer(reviewer),
    )


async def award_nql(
    http: httpx.AsyncClient,
    teacher: Person,
    project: ProjectRecord,
    nso: Person,
    *,
    nominate: bool = False,
) -> None:
    applied = await apply(http, teacher, project)
    assert applied.status_code == 201, applied.text
    reviewed = await review(http, nso, applied.json()["id"], nominate=nominate)
    assert reviewed.status_code == 200, reviewed.text


async def test_applying_needs_a_teacher_role_in_the_project(world: World) -> None:
    project, pl, it = await world.european_project()
    outsider, guest = await world.teacher("PL"), await world.teacher("FR")
    await world.join(project, guest, Role.GUEST)
    pupil = (await world.pupils(pl, 1))[0]
    await world.join(project, pupil, Role.PUPIL)
    async with world.server.client() as http:
        assert (await apply(http, outsider, project)).status_code == 404
        assert (await apply(http, guest, project)).status_code == 403
        assert (await apply(http, pupil, project)).status_code == 403
        partial = {k: v for k, v in STATEMENTS.items() if k != "use_of_technology"}
        assert (await apply(http, pl, project, statements=partial)).status_code == 422
        too_long = {**STATEMENTS, "communication": "x" * 2001}
        assert (await apply(http, pl, project, statements=too_long)).status_code == 422

        first = await apply(http, pl, project)
        assert first.status_code == 201 and first.json()["status"] == "submitted"
        assert (first.json()["country"], first.json()["school_id"]) == ("PL", pl.user.school_id)
        assert (await apply(http, pl, project)).status_code == 409, "one open application"
        assert (await apply(http, it, project)).status_code == 201, "per teacher"
        withdrawn = await http.delete(
            f"/api/v1/labels/applications/{first.json()['id']}", headers=bearer(pl)
        )
        assert withdrawn.status_code == 204
        assert (await apply(http, pl, project)).status_code == 201
        mine = (await http.get("/api/v1/labels/applications", headers=bearer(pl))).json()
    assert sorted(a["status"] for a in mine) == ["submitted", "withdrawn"]


async def test_only_the_nso_of_the_teachers_country_reviews(world: World) -> None:
    project, pl, it = await world.european_project()
    pl_nso, it_nso = await world.staff(UserKind.NSO, "PL"), await world.staff(UserKind.NSO, "IT")
    admin = await world.staff(UserKind.ADMIN)
    async with world.server.client() as http:
        application = (await apply(http, pl, project)).json()
        for intruder in (admin, pl):
            refused = await review(http, intruder, application["id"])
            assert refused.status_code == 403, intruder.user.kind
        # another country's NSO learns nothing, not even that the id exists
        assert (await review(http, it_nso, application["id"])).status_code == 404
        assert (await review(http, it, application["id"])).status_code == 404
        assert (
            await http.get(
                f"/api/v1/labels/applications/{application['id']}", headers=bearer(it_nso)
            )
        ).status_code == 404
        italian_queue = (
            await http.get("/api/v1/labels/applications", headers=bearer(it_nso))
        ).json()
        assert italian_queue == []
        polish_queue = (
            await http.get("/api/v1/labels/applications", headers=bearer(pl_nso))
        ).json()
        assert [a["id"] for a in polish_queue] == [application["id"]]

        no_reason = await review(http, pl_nso, application["id"], decision="reject")
        nominated_reject = await review(
            http, pl_nso, application["id"], decision="reject", reason="thin", nominate=True
        )
        out_of_range = await review(
            http, pl_nso, application["id"], scores={**SCORES, "collaboration": 11}
        )
        assert [r.status_code for r in (no_reason, nominated_reject, out_of_range)] == [422] * 3

        awarded = await review(http, pl_nso, application["id"], nominate=True)
        assert awarded.status_code == 200
        assert awarded.json()["status"] == "awarded" and awarded.json()["nominated"] is True
        assert awarded.json()["scores"] == SCORES
        assert (await review(http, pl_nso, application["id"])).status_code == 409
        assert (await apply(http, pl, project)).status_code == 409, "already holds the NQL"

        rejected_app = (await apply(http, it, project)).json()
        rejected = await review(
            http,
            it_nso,
            rejected_app["id"],
            decision="reject",
            reason="The collaboration is not visible yet.",
        )
        assert rejected.json()["status"] == "rejected"
        labels = (
            await http.get(f"/api/v1/projects/{project.id}/labels", headers=bearer(it))
        ).json()
    assert [(label["teacher_id"], label["level"]) for label in labels] == [(pl.id, "national")]


async def backdate_national_labels(world: World, when: datetime) -> None:
    """Say the NQLs awarded so far were awarded at `when` (before an edition's cut-off)."""
    await world.storage.executor.execute(
        "UPDATE quality_labels SET awarded_at = ? WHERE level = 'national'", (to_iso(when),)
    )


def an_open_edition() -> int:
    """The newest edition whose October has come; NQLs backdated before it count for it."""
    return latest_edition(utcnow())


async def _project_with(world: World, founders: list[Person]) -> ProjectRecord:
    return await world.project(founders[0], *founders[1:])


async def test_european_label_rule_and_idempotent_editions(world: World) -> None:
    nsos = {c: await world.staff(UserKind.NSO, c) for c in ("PL", "IT")}
    admin = await world.staff(UserKind.ADMIN)
    # 1: two NQL schools, both Polish, one nominated: no EQL.
    pl_a, pl_b, it_1 = (
        await world.teacher("PL"),
        await world.teacher("PL"),
        await world.teacher("IT"),
    )
    one_country = await _project_with(world, [pl_a, it_1])
    await world.join(one_country, pl_b, Role.TEACHER)
    # 2: Polish and Italian NQL schools, nobody nominated: no EQL.
    pl_c, it_2 = await world.teacher("PL"), await world.teacher("IT")
    no_nomination = await _project_with(world, [pl_c, it_2])
    # 3: Polish and Italian NQL schools, the Italian one nominated: EQL for both; a partner
    # without an NQL gets nothing.
    pl_d, it_3, it_plain = (
        await world.teacher("PL"),
        await world.teacher("IT"),
        await world.teacher("IT"),
    )
    qualifying = await _project_with(world, [pl_d, it_3, it_plain])
    async with world.server.client() as http:
        await award_nql(http, pl_a, one_country, nsos["PL"], nominate=True)
        await award_nql(http, pl_b, one_country, nsos["PL"])
        await award_nql(http, pl_c, no_nomination, nsos["PL"])
        await award_nql(http, it_2, no_nomination, nsos["IT"])
        await award_nql(http, pl_d, qualifying, nsos["PL"])
        await award_nql(http, it_3, qualifying, nsos["IT"], nominate=True)

        year = an_open_edition()
        await backdate_national_labels(world, edition_cutoff(year) - timedelta(days=30))
        run = f"/api/v1/labels/editions/{year}/run"
        assert (await http.post(run, headers=bearer(nsos["PL"]))).status_code == 403
        past = await http.post(f"/api/v1/labels/editions/{year - 1}/run", headers=bearer(admin))
        assert past.status_code == 200 and past.json()["created"] == 0, (
            "NQLs awarded after an edition's date wait for the next edition"
        )
        too_far = await http.post(f"/api/v1/labels/editions/{year + 1}/run", headers=bearer(admin))
        assert too_far.status_code == 422

        first = await http.post(run, headers=bearer(admin))
        assert first.status_code == 200, first.text
        assert first.json()["created"] == 2 and first.json()["qualifying_projects"] == 1
        assert first.json()["edition_date"].startswith(f"{year}-10-01T00:00:00")
        assert sorted(r["teacher_id"] for r in first.json()["recipients"]) == sorted(
            [pl_d.id, it_3.id]
        )
        second = await http.post(run, headers=bearer(admin))
        assert (second.json()["created"], second.json()["recipients"]) == (0, [])
        assert second.json()["qualifying_projects"] == 1

        labels = {}
        for project in (one_country, no_nomination, qualifying):
            response = await http.get(
                f"/api/v1/projects/{project.id}/labels",
                headers=bearer(
                    pl_a
                    if project is one_country
                    else pl_c
                    if project is no_nomination
                    else it_plain
                ),
            )
            labels[project.id] = [(x["teacher_id"], x["level"]) for x in response.json()]
    assert sorted(labels[one_country.id]) == sorted([(pl_a.id, "national"), (pl_b.id, "national")])
    assert sorted(labels[no_nomination.id]) == sorted(
        [(pl_c.id, "national"), (it_2.id, "national")]
    )
    european = sorted(t for t, level in labels[qualifying.id] if level == "european")
    assert european == sorted([pl_d.id, it_3.id])


async def test_labels_on_profiles_and_competition_lists(world: World) -> None:
    pl_nso, it_nso = await world.staff(UserKind.NSO, "PL"), await world.staff(UserKind.NSO, "IT")
    admin = await world.staff(UserKind.ADMIN)
    secondary = await world.school("PL", type=SchoolType.SECONDARY)
    pl = await world.teacher("PL", school=secondary)
    it, outsider = await world.teacher("IT"), await world.teacher("FR")
    project = await world.project(pl, it)
    pupil = (await world.pupils(pl, 1))[0]
    await world.join(project, pupil, Role.PUPIL)
    async with world.server.client() as http:
        await award_nql(http, pl, project, pl_nso, nominate=True)
        await award_nql(http, it, project, it_nso)
        year = an_open_edition()
        await backdate_national_labels(world, edition_cutoff(year) - timedelta(days=1))
        run = await http.post(f"/api/v1/labels/editions/{year}/run", headers=bearer(admin))
        assert run.json()["created"] == 2

        profile = (
            await http.get(f"/api/v1/teachers/{pl.id}/labels", headers=bearer(outsider))
        ).json()
        assert sorted(x["level"] for x in profile) == ["european", "national"]
        national = next(x for x in profile if x["level"] == "national")
        assert national["school_name"] == secondary.name and national["nominated"] is True
        assert national["project_title"] == project.title
        assert (
            await http.get(f"/api/v1/teachers/{pl.id}/labels", headers=bearer(pupil))
        ).status_code == 403
        assert (
            await http.get(f"/api/v1/projects/{project.id}/labels", headers=bearer(pupil))
        ).status_code == 200
        assert (
            await http.get(f"/api/v1/projects/{project.id}/labels", headers=bearer(outsider))
        ).status_code == 404

        competitions = "/api/v1/labels/competitions"
        pl_national = (
            await http.get(competitions, params={"level": "national"}, headers=bearer(pl_nso))
        ).json()
        assert [e["teacher_id"] for e in pl_national] == [pl.id]
        assert (
            await http.get(
                competitions, params={"level": "national", "country": "IT"}, headers=bearer(pl_nso)
            )
        ).status_code == 403
        european = (
            await http.get(competitions, params={"level": "european"}, headers=bearer(admin))
        ).json()
        assert sorted(e["teacher_id"] for e in european) == sorted([pl.id, it.id])
        assert all(len(e["labels"]) == 1 for e in european)
        italian = (
            await http.get(
                competitions, params={"level": "european", "country": "it"}, headers=bearer(admin)
            )
        ).json()
        assert [e["teacher_id"] for e in italian] == [it.id]
        own_country = await http.get(competitions, params={"level": "national"}, headers=bearer(pl))
        assert [e["teacher_id"] for e in own_country.json()] == [pl.id], "teachers see it"
        assert (
            await http.get(
                competitions, params={"level": "national", "country": "IT"}, headers=bearer(pl)
            )
        ).status_code == 403
        assert (
            await http.get(competitions, params={"level": "national"}, headers=bearer(pupil))
        ).status_code == 403
        assert (
            await http.get(competitions, params={"level": "galactic"}, headers=bearer(admin))
        ).status_code == 422
