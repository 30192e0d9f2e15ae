"""The Quality Label rules of the seeds and the project traits a label points to (issue 22,
items 1, 2 and 8)."""

from __future__ import annotations

from datetime import timedelta

from tests.labels.test_labels import SCORES, apply, award_nql, bearer, review
from tests.support.world import World
from twinspace.clock import to_iso, utcnow
from twinspace.labels.service import edition_cutoff, latest_edition
from twinspace.types import Role, UserKind


async def test_the_national_label_needs_the_high_level_in_scores(world: World) -> None:
    """Polish seed: "The National Quality Label is awarded by the National eTwinning Bureau to
    those teachers whose work in a project has reached a defined, high level", judged on
    "pedagogical innovation and creativity, curriculum integration, communication and exchange
    between partner schools, collaboration between partner schools, use of technology".

    The NSO's scores gate the award against its country's thresholds (policy data), and the
    NSO sees the TwinSpace's actual work beside the applicant's statements.
    """
    project, pl, it = await world.european_project()
    pl_nso, it_nso = await world.staff(UserKind.NSO, "PL"), await world.staff(UserKind.NSO, "IT")
    admin = await world.staff(UserKind.ADMIN)
    page = await world.services.pages.create(
        await world.services.access.project(pl.user, project.id), "Our river diary"
    )
    board = await world.board(project, pl, "Photos of the river")
    channel = await world.channel(project, it, name="hello")
    async with world.server.client() as http:
        said = await http.post(
            f"/api/v1/channels/{channel.id}/messages",
            json={"text": "Ciao from Bologna!"},
            headers=bearer(it),
        )
        assert said.status_code == 201 and said.json()["status"] == "published"
        posted = await http.post(
            f"/api/v1/boards/{board.id}/posts",
            json={"kind": "text", "title": "The bridge", "body": "Built in 1890."},
            headers=bearer(pl),
        )
        assert posted.status_code == 201, posted.text
        application = (await apply(http, pl, project)).json()

        work = await http.get(
            f"/api/v1/labels/applications/{application['id']}/work", headers=bearer(pl_nso)
        )
        assert work.status_code == 200, work.text
        shown = work.json()
        assert [p["title"] for p in shown["work"]["pages"]] == [page.title]
        assert [(b["title"], b["items"]) for b in shown["work"]["boards"]] == [
            ("Photos of the river", 1)
        ]
        assert shown["work"]["messages"] == 1 and shown["work"]["board_posts"] == 1
        assert sorted(s["country"] for s in shown["work"]["schools"]) == ["IT", "PL"]
        assert shown["policy"] == {"min_per_criterion": 6, "min_total": 35}
        assert (
            await http.get(
                f"/api/v1/labels/applications/{application['id']}/work", headers=bearer(it_nso)
            )
        ).status_code == 404, "another country's NSO does not see it"

        ones = dict.fromkeys(SCORES, 1)
        refused = await review(http, pl_nso, application["id"], scores=ones)
        assert refused.status_code == 422, "1/10 on every criterion is no high level"
        assert refused.json()["rule"] == "nql-threshold"
        assert refused.json()["total"] == 5
        one_weak = await review(
            http, pl_nso, application["id"], scores={**SCORES, "use_of_technology": 5}
        )
        assert one_weak.status_code == 422
        assert one_weak.json()["below_minimum"] == {"use_of_technology": 5}
        rejected_low = await review(
            http, pl_nso, application["id"], decision="reject", scores=ones, reason="thin"
        )
        assert rejected_low.status_code == 200, "low scores may still reject"

        # Thresholds are each country's data: Poland raises its bar, Italy keeps the default.
        policy = {"min_per_criterion": 9, "min_total": 45}
        assert (
            await http.put("/api/v1/labels/policies/PL", json=policy, headers=bearer(pl_nso))
        ).status_code == 403
        changed = await http.put("/api/v1/labels/policies/pl", json=policy, headers=bearer(admin))
        assert changed.status_code == 200 and changed.json() == policy
        assert (await http.get("/api/v1/labels/policies/PL")).json() == policy
        again = (await apply(http, pl, project)).json()
        assert (await review(http, pl_nso, again["id"])).status_code == 422, "8s are not 9s"
        assert (await review(http, pl_nso, again["id"], scores=dict.fromkeys(SCORES, 9))).json()[
            "status"
        ] == "awarded"
        italian = (await apply(http, it, project)).json()
        assert (await review(http, it_nso, italian["id"])).json()["status"] == "awarded"


async def test_the_european_label_comes_in_the_next_october_edition(world: World) -> None:
    """Polish seed: "If in a project at least two partner schools from different countries
    received National Quality Labels and at least one of them was nominated for the European
    Quality Label, they will receive this Label in the next edition in October."

    An edition runs in October of its year, or later for a missed run, never before; it takes
    the national labels awarded up to its cut-off and is idempotent.
    """
    nsos = {c: await world.staff(UserKind.NSO, c) for c in ("PL", "IT")}
    admin = await world.staff(UserKind.ADMIN)
    early, pl_a, it_a = await world.european_project()
    late, pl_b, it_b = await world.european_project()
    year = latest_edition(utcnow())
    async with world.server.client() as http:
        await award_nql(http, pl_a, early, nsos["PL"], nominate=True)
        await award_nql(http, it_a, early, nsos["IT"])
        await world.storage.executor.execute(
            "UPDATE quality_labels SET awarded_at = ? WHERE project_id = ?",
            (to_iso(edition_cutoff(year) - timedelta(days=3)), early.id),
        )
        await award_nql(http, pl_b, late, nsos["PL"], nominate=True)
        await award_nql(http, it_b, late, nsos["IT"])

        ahead = await http.post(f"/api/v1/labels/editions/{year + 1}/run", headers=bearer(admin))
        assert ahead.status_code == 422, "the next edition waits for its October"
        assert ahead.json()["rule"] == "edition-not-open"
        assert ahead.json()["opens_at"].startswith(f"{year + 1}-10-01")
        assert (await http.get(f"/api/v1/projects/{late.id}/labels", headers=bearer(pl_b))).json()[
            0
        ]["level"] == "national", "nothing was issued ahead of the edition"

        ran = await http.post(f"/api/v1/labels/editions/{year}/run", headers=bearer(admin))
        assert ran.status_code == 200, ran.text
        assert ran.json()["qualifying_projects"] == 1
        assert sorted(r["teacher_id"] for r in ran.json()["recipients"]) == sorted(
            [pl_a.id, it_a.id]
        ), "labels awarded after the cut-off wait for the next edition"
        rerun = await http.post(f"/api/v1/labels/editions/{year}/run", headers=bearer(admin))
        assert rerun.json()["created"] == 0
        european = (
            await http.get(f"/api/v1/projects/{early.id}/labels", headers=bearer(it_a))
        ).json()
    assert {(x["teacher_id"], x["edition"]) for x in european if x["level"] == "european"} == {
        (pl_a.id, year),
        (it_a.id, year),
    }


async def test_a_twinspace_has_a_joint_plan_and_results_the_label_points_to(
    world: World,
) -> None:
    """Polish seed: "Collaboration - activities are based on a jointly developed plan, aimed
    at close cooperation and at creating results that are the effect of the work of all the
    partners."

    A TwinSpace gets a plan (activities with dates and responsible partner schools) and a
    results section; the label application points to them and the reviewer sees them.
    """
    from twinspace.workspace.plan import ResultForm  # the module is item 8 itself

    project, pl, it = await world.european_project()
    other_project, other_pl, other_it = await world.european_project()
    pupil = (await world.pupils(pl, 1))[0]
    await world.join(project, pupil, Role.PUPIL)
    stranger_school = await world.school("FR")
    pl_nso = await world.staff(UserKind.NSO, "PL")
    page = await world.services.pages.create(
        await world.services.access.project(pl.user, project.id), "River guide"
    )
    assert pl.user.school_id is not None and it.user.school_id is not None
    both = [pl.user.school_id, it.user.school_id]
    activity = {
        "title": "Measure the river",
        "description": "Each class measures its river's temperature for a week.",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-07",
        "school_ids": both,
    }
    async with world.client(pl) as http:
        added = await http.post(f"/api/v1/projects/{project.id}/plan", json=activity)
        assert added.status_code == 201, added.text
        assert sorted(s["country"] for s in added.json()["schools"]) == ["IT", "PL"]
        backwards = await http.post(
            f"/api/v1/projects/{project.id}/plan",
            json={**activity, "starts_on": "2027-03-08"},
        )
        assert backwards.status_code == 422
        foreign = await http.post(
            f"/api/v1/projects/{project.id}/plan",
            json={**activity, "school_ids": [stranger_school.id]},
        )
        assert foreign.status_code == 422 and foreign.json()["rule"] == "partner-school"
        result = await http.post(
            f"/api/v1/projects/{project.id}/results",
            json={"title": "The river guide", "page_id": page.id, "school_ids": both},
        )
        assert result.status_code == 201, result.text
        assert other_pl.user.school_id is not None and other_it.user.school_id is not None
        other_result = (
            await world.services.plan.add_result(
                await world.services.access.project(other_pl.user, other_project.id),
                ResultForm(
                    title="Theirs",
                    school_ids=[other_pl.user.school_id, other_it.user.school_id],
                ),
            )
        ).id
        stray = await http.post(
            "/api/v1/labels/applications",
            json={
                "project_id": project.id,
                "statements": {k: "Done together." for k in SCORES},
                "result_ids": [other_result],
            },
        )
        assert stray.status_code == 422 and stray.json()["rule"] == "evidence-of-project"
        applied = await http.post(
            "/api/v1/labels/applications",
            json={
                "project_id": project.id,
                "statements": {k: "Done together." for k in SCORES},
                "plan_activity_ids": [added.json()["id"]],
                "result_ids": [result.json()["id"]],
            },
        )
        assert applied.status_code == 201, applied.text
        assert applied.json()["plan_activity_ids"] == [added.json()["id"]]
    async with world.client(pupil) as http:
        plan = (await http.get(f"/api/v1/projects/{project.id}/plan")).json()
        results = (await http.get(f"/api/v1/projects/{project.id}/results")).json()
        pupil_edit = await http.post(f"/api/v1/projects/{project.id}/plan", json=activity)
    assert [a["title"] for a in plan] == ["Measure the river"]
    assert [(r["title"], r["page_id"]) for r in results] == [("The river guide", page.id)]
    assert pupil_edit.status_code == 403
    async with world.client(pl_nso) as http:
        work = (await http.get(f"/api/v1/labels/applications/{applied.json()['id']}/work")).json()
    assert [a["starts_on"] for a in work["plan"]] == ["2027-03-01"]
    assert [r["title"] for r in work["results"]] == ["The river guide"]
