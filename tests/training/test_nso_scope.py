"""Who organises which training (issue 22, item 7)."""

from __future__ import annotations

from tests.support.world import World
from tests.training.events import bearer, create_event, enrol, event_body, nso
from twinspace.types import UserKind


async def test_an_nso_organises_training_for_its_own_country_only(world: World) -> None:
    """Polish seed: "National trainings, conferences, national seminars" and "Regional
    trainings - workshops organised directly in schools or in the given voivodeship" are the
    National Support Organisation's; "International trainings, workshops and contact seminars"
    are European.

    The Polish NSO creates events for Poland only; Europe-wide and Italy-only events are refused
    to it and left to the central admin.
    """
    pl_nso, admin = await nso(world, "PL"), await world.staff(UserKind.ADMIN)
    pl_teacher, it_teacher = await world.teacher("PL"), await world.teacher("IT")
    async with world.client() as http:
        europe_wide = await http.post(
            "/api/v1/training/events",
            json=event_body(audience_countries=[]) | {"audience_countries": []},
            headers=bearer(pl_nso),
        )
        italy_only = await http.post(
            "/api/v1/training/events",
            json=event_body(audience_countries=["IT"]),
            headers=bearer(pl_nso),
        )
        mixed = await http.post(
            "/api/v1/training/events",
            json=event_body(audience_countries=["PL", "IT"]),
            headers=bearer(pl_nso),
        )
    assert europe_wide.status_code == 201, "no audience: the NSO's own country"
    assert europe_wide.json()["audience_countries"] == ["PL"]
    assert italy_only.status_code == 403 and italy_only.json()["rule"] == "nso-own-country"
    assert mixed.status_code == 403

    national = await create_event(world, pl_nso, audience_countries=["PL"])
    european = await create_event(world, admin, kind="international_training")
    assert european["audience_countries"] == [] and european["organiser_country"] is None
    async with world.client() as http:
        widen = await http.patch(
            f"/api/v1/training/events/{national['id']}",
            json={"audience_countries": ["PL", "IT"]},
            headers=bearer(pl_nso),
        )
        assert widen.status_code == 403
        assert (await enrol(http, national["id"], it_teacher)).status_code == 422
        assert (await enrol(http, national["id"], pl_teacher)).status_code == 201
        assert (await enrol(http, european["id"], it_teacher)).status_code == 201
