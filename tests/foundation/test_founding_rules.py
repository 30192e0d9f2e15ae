"""Founding with co-founders and keeping a European TwinSpace European (issue 22, items 4, 5)."""

from __future__ import annotations

from tests.support.world import World
from twinspace.types import Role


async def test_cofounders_accept_and_the_project_starts_when_the_founding_rule_is_met(
    world: World,
) -> None:
    """Polish seed: "Collaboration can be started with any teacher registered in eTwinning",
    and eTwinning gathers "schools and kindergartens from all over Europe cooperating by
    electronic media", while "it is also possible to run projects only with partners from the
    same country".

    Starting a collaboration takes both sides: named co-founders receive an invitation and
    become founders when they accept; the European project is active once a co-founder from
    another country has accepted.
    """
    pl, pl2, it = await world.teacher("PL"), await world.teacher("PL"), await world.teacher("IT")
    async with world.client(pl) as http:
        created = await http.post(
            "/api/v1/projects",
            json={"title": "Rivers", "kind": "european", "cofounder_ids": [pl2.id, it.id]},
        )
        assert created.status_code == 201, created.text
        project = created.json()
        assert project["state"] == "founding"
        members = (await http.get(f"/api/v1/projects/{project['id']}/members")).json()
        assert [(m["id"], m["role"]) for m in members] == [(pl.id, "founder")]
        page = await http.post(f"/api/v1/projects/{project['id']}/pages", json={"title": "A"})
        assert page.status_code == 403, "nothing is built before the project is founded"
        forced = await http.post(
            f"/api/v1/projects/{project['id']}/state", json={"state": "active"}
        )
        assert forced.status_code == 422 and forced.json()["rule"] == "founding"
    async with world.client(it) as http:
        hidden = await http.get(f"/api/v1/projects/{project['id']}")
        assert hidden.status_code == 404, "an invited co-founder is not a member yet"
    async with world.client(pl2) as http:
        invitations = (await http.get("/api/v1/invitations")).json()
        assert [(i["project_id"], i["role"]) for i in invitations] == [(project["id"], "founder")]
        accepted = await http.post(f"/api/v1/invitations/{invitations[0]['id']}/accept")
        assert accepted.status_code == 200 and accepted.json()["my_role"] == "founder"
        assert accepted.json()["state"] == "founding", "two Polish founders found no European one"
    async with world.client(it) as http:
        invitation = (await http.get("/api/v1/invitations")).json()[0]
        accepted = await http.post(f"/api/v1/invitations/{invitation['id']}/accept")
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["state"] == "active" and accepted.json()["my_role"] == "founder"
    async with world.client(pl) as http:
        page = await http.post(f"/api/v1/projects/{project['id']}/pages", json={"title": "A"})
        assert page.status_code == 201
        members = (await http.get(f"/api/v1/projects/{project['id']}/members")).json()
    assert sorted((m["id"], m["role"]) for m in members) == sorted(
        [(pl.id, "founder"), (pl2.id, "founder"), (it.id, "founder")]
    )

    # A national project's founder alone meets its rule; the co-founder is still asked.
    async with world.client(pl) as http:
        national = await http.post(
            "/api/v1/projects",
            json={"title": "Lakes", "kind": "national", "cofounder_ids": [pl2.id]},
        )
    assert national.json()["state"] == "active"
    pending = await world.storage.invitations.pending_for(national.json()["id"], pl2.id)
    assert pending is not None and pending.role is Role.FOUNDER


async def test_a_european_twinspace_stays_european_unless_the_founder_turns_it_national(
    world: World,
) -> None:
    """Polish seed: "It is also possible to run projects only with partners from the same
    country" (national eTwinning), next to European projects with partners from other
    countries.

    Removing the last partner from another country would leave a "European" project with one
    country: refused (409) unless a founder explicitly turns the project national.
    """
    pl, pl2, it = await world.teacher("PL"), await world.teacher("PL"), await world.teacher("IT")
    fr = await world.teacher("FR")
    project = await world.project(pl, it)
    await world.join(project, pl2, Role.TEACHER)
    async with world.client(pl) as http:
        invited = await http.post(
            f"/api/v1/projects/{project.id}/invitations", json={"user_id": fr.id, "role": "teacher"}
        )
        assert invited.status_code == 201
    members = f"/api/v1/projects/{project.id}/members"
    async with world.client(it) as http:
        leaving = await http.delete(f"{members}/{it.id}")
    assert leaving.status_code == 409 and leaving.json()["rule"] == "european-partners"
    assert leaving.headers["content-type"].startswith("application/problem+json")
    async with world.client(pl) as http:
        refused = await http.delete(f"{members}/{it.id}")
        assert refused.status_code == 409 and refused.json()["countries_left"] == ["PL"]
        demoted = await http.patch(f"{members}/{it.id}", json={"role": "guest"})
        assert demoted.status_code == 409, "a guest is no partner school"
        assert (await http.get(f"/api/v1/projects/{project.id}")).json()["kind"] == "european"
        assert (await http.delete(f"{members}/{pl2.id}")).status_code == 204, "PL stays"
        await world.join(project, pl2, Role.TEACHER)
    async with world.client(pl2) as http:
        not_founder = await http.delete(f"{members}/{it.id}", params={"turn_national": "true"})
    assert not_founder.status_code == 403
    async with world.client(pl) as http:
        turned = await http.delete(f"{members}/{it.id}", params={"turn_national": "true"})
        assert turned.status_code == 204, turned.text
        after = (await http.get(f"/api/v1/projects/{project.id}")).json()
        left = [m["id"] for m in (await http.get(members)).json()]
        invitations = (await http.get(f"/api/v1/projects/{project.id}/invitations")).json()
    assert after["kind"] == "national"
    assert it.id not in left
    assert [i["status"] for i in invitations if i["invitee_id"] == fr.id] == ["revoked"], (
        "a national project's partners come from its country"
    )
