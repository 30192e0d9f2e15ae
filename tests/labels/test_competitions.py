"""Competitions and prizes for Quality Label holders (issue 22, item 3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.labels.test_labels import award_nql, bearer
from tests.support.world import World
from twinspace.clock import utcnow
from twinspace.types import Role, UserKind


def competition_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "level": "national",
        "title": "eTwinning Prize 2027",
        "description": "For the best projects of the year.",
        "categories": ["Primary schools", "Secondary schools"],
        "entries_close_at": (utcnow() + timedelta(days=30)).isoformat(),
        "prizes_per_category": 1,
    }
    body.update(overrides)
    return body


async def test_label_holders_enter_competitions_a_jury_scores_and_winners_are_shown(
    world: World,
) -> None:
    """Polish seed: "The Labels entitle teachers to take part in the competitions, national
    and European respectively." Italian seed: "participating in a system of certifications and
    prizes at national and European level for teachers and schools".

    An NSO opens a national competition (the central admin a European one) with categories, a
    deadline and a named jury; eligible label holders enter a TwinSpace; the jury scores; the
    winners are announced and shown on the teachers' profiles and the TwinSpace.
    """
    pl_nso, it_nso = await world.staff(UserKind.NSO, "PL"), await world.staff(UserKind.NSO, "IT")
    admin = await world.staff(UserKind.ADMIN)
    juror_teacher, other_teacher = await world.teacher("PL"), await world.teacher("FR")
    winner_project, pl, it = await world.european_project()
    runner_up_project, pl2, _ = await world.european_project()
    pupil = (await world.pupils(pl, 1))[0]
    await world.join(winner_project, pupil, Role.PUPIL)
    async with world.server.client() as http:
        await award_nql(http, pl, winner_project, pl_nso)
        await award_nql(http, it, winner_project, it_nso)
        await award_nql(http, pl2, runner_up_project, pl_nso)

        jury = [juror_teacher.id, pl_nso.id]
        for intruder, body in (
            (pl_nso, competition_body(level="european", jury_ids=jury)),
            (pl_nso, competition_body(country="IT", jury_ids=jury)),
            (pl, competition_body(jury_ids=jury)),
        ):
            refused = await http.post("/api/v1/competitions", json=body, headers=bearer(intruder))
            assert refused.status_code == 403, refused.text
        pupil_juror = await http.post(
            "/api/v1/competitions",
            json=competition_body(jury_ids=[pupil.id]),
            headers=bearer(pl_nso),
        )
        assert pupil_juror.status_code == 422 and pupil_juror.json()["rule"] == "juror"
        european = await http.post(
            "/api/v1/competitions",
            json=competition_body(level="european", jury_ids=[juror_teacher.id]),
            headers=bearer(admin),
        )
        assert european.status_code == 201 and european.json()["country"] is None
        opened = await http.post(
            "/api/v1/competitions", json=competition_body(jury_ids=jury), headers=bearer(pl_nso)
        )
        assert opened.status_code == 201, opened.text
        competition = opened.json()
        assert competition["country"] == "PL" and competition["entries_open"] is True
        base = f"/api/v1/competitions/{competition['id']}"
        primary = competition["categories"][0]["id"]

        # Teachers see who may enter and their own eligibility.
        eligible = (await http.get(f"{base}/eligible", headers=bearer(other_teacher))).json()
        assert sorted(e["teacher_id"] for e in eligible) == sorted([pl.id, pl2.id])
        mine = (await http.get(f"{base}/eligibility", headers=bearer(pl))).json()
        assert [(e["label"]["project_id"], e["entered"]) for e in mine] == [
            (winner_project.id, False)
        ]
        assert (await http.get(f"{base}/eligibility", headers=bearer(it))).json() == [], (
            "an Italian label does not open the Polish national competition"
        )
        assert (await http.get(f"{base}/eligible", headers=bearer(pupil))).status_code == 403

        entry = {"project_id": winner_project.id, "category_id": primary, "statement": "Rivers"}
        not_holder = await http.post(f"{base}/entries", json=entry, headers=bearer(it))
        assert not_holder.status_code == 422 and not_holder.json()["rule"] == "label-holder"
        outsider = await http.post(f"{base}/entries", json=entry, headers=bearer(other_teacher))
        assert outsider.status_code == 404
        entered = await http.post(f"{base}/entries", json=entry, headers=bearer(pl))
        assert entered.status_code == 201, entered.text
        assert (await http.post(f"{base}/entries", json=entry, headers=bearer(pl))).status_code == (
            409
        )
        second = await http.post(
            f"{base}/entries",
            json={"project_id": runner_up_project.id, "category_id": primary},
            headers=bearer(pl2),
        )
        assert second.status_code == 201
        early = await http.put(
            f"{base}/entries/{entered.json()['id']}/score",
            json={"score": 90},
            headers=bearer(juror_teacher),
        )
        assert early.status_code == 422 and early.json()["rule"] == "entries-open"
        assert (await http.post(f"{base}/close", headers=bearer(pl))).status_code == 403
        closed = await http.post(f"{base}/close", headers=bearer(pl_nso))
        assert closed.status_code == 200 and closed.json()["entries_open"] is False
        late = await http.post(
            f"{base}/entries",
            json={"project_id": winner_project.id, "category_id": primary},
            headers=bearer(pl),
        )
        assert late.status_code in (409, 422)

        # The jury sees the TwinSpaces' work and scores; the announcement waits for all scores.
        work = await http.get(
            f"{base}/entries/{entered.json()['id']}/work", headers=bearer(juror_teacher)
        )
        assert work.status_code == 200
        assert sorted(s["country"] for s in work.json()["work"]["schools"]) == ["IT", "PL"]
        assert (
            await http.get(f"{base}/entries/{entered.json()['id']}/work", headers=bearer(pl2))
        ).status_code == 403
        not_juror = await http.put(
            f"{base}/entries/{entered.json()['id']}/score",
            json={"score": 100},
            headers=bearer(pl2),
        )
        assert not_juror.status_code == 403
        scores = {
            (entered.json()["id"], juror_teacher.id): 90,
            (entered.json()["id"], pl_nso.id): 80,
            (second.json()["id"], juror_teacher.id): 70,
        }
        for (entry_id, juror_id), value in scores.items():
            juror = juror_teacher if juror_id == juror_teacher.id else pl_nso
            scored = await http.put(
                f"{base}/entries/{entry_id}/score", json={"score": value}, headers=bearer(juror)
            )
            assert scored.status_code == 200, scored.text
        incomplete = await http.post(f"{base}/announce", headers=bearer(pl_nso))
        assert incomplete.status_code == 409 and incomplete.json()["missing_scores"] == 1
        await http.put(
            f"{base}/entries/{second.json()['id']}/score",
            json={"score": 60},
            headers=bearer(pl_nso),
        )
        before = (await http.get(f"{base}/entries", headers=bearer(other_teacher))).json()
        assert before == [], "entries stay with the jury until the announcement"
        announced = await http.post(f"{base}/announce", headers=bearer(pl_nso))
        assert announced.status_code == 200, announced.text
        places = {e["project_id"]: (e["place"], e["mean_score"]) for e in announced.json()}
        assert places == {winner_project.id: (1, 85.0), runner_up_project.id: (2, 65.0)}
        assert (await http.post(f"{base}/announce", headers=bearer(pl_nso))).status_code == 409

        public = (await http.get(f"{base}/entries", headers=bearer(other_teacher))).json()
        assert [(e["project_id"], e["place"], e["scores"]) for e in public] == [
            (winner_project.id, 1, []),
            (runner_up_project.id, 2, []),
        ]
        on_profile = (
            await http.get(f"/api/v1/teachers/{pl.id}/prizes", headers=bearer(other_teacher))
        ).json()
        assert [(p["competition_title"], p["place"], p["project_id"]) for p in on_profile] == [
            ("eTwinning Prize 2027", 1, winner_project.id)
        ]
        assert (
            await http.get(f"/api/v1/teachers/{pl2.id}/prizes", headers=bearer(other_teacher))
        ).json() == []
        assert (
            await http.get(f"/api/v1/teachers/{it.id}/prizes", headers=bearer(other_teacher))
        ).json() == [], "the Polish prize goes to the Polish label holders"
        in_twinspace = await http.get(
            f"/api/v1/projects/{winner_project.id}/prizes", headers=bearer(pupil)
        )
        assert [p["teacher_ids"] for p in in_twinspace.json()] == [[pl.id]]
        assert (
            await http.get(
                f"/api/v1/projects/{winner_project.id}/prizes", headers=bearer(other_teacher)
            )
        ).status_code == 404
