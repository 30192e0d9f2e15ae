from __future__ import annotations

import pytest

from tests.support.world import World
from twinspace.domain_events import MemberRemoved
from twinspace.types import ProjectKind, Role, TeacherStatus, UserKind


async def test_european_project_needs_two_countries(world: World) -> None:
    pl1, pl2, it = await world.teacher("PL"), await world.teacher("PL"), await world.teacher("IT")
    async with world.client(pl1) as http:
        same = await http.post(
            "/api/v1/projects",
            json={"title": "Rivers", "kind": "european", "cofounder_ids": [pl2.id]},
        )
        alone = await http.post("/api/v1/projects", json={"title": "Rivers", "kind": "european"})
        ok = await http.post(
            "/api/v1/projects",
            json={"title": "Rivers", "kind": "european", "cofounder_ids": [it.id]},
        )
    assert same.status_code == alone.status_code == 422
    assert same.json()["rule"] == "european-founders"
    assert ok.status_code == 201 and ok.json()["my_role"] == "founder"


async def test_national_project_founders_share_a_country(world: World) -> None:
    pl1, pl2, it = await world.teacher("PL"), await world.teacher("PL"), await world.teacher("IT")
    async with world.client(pl1) as http:
        mixed = await http.post(
            "/api/v1/projects",
            json={"title": "Lakes", "kind": "national", "cofounder_ids": [it.id]},
        )
        ok = await http.post(
            "/api/v1/projects",
            json={"title": "Lakes", "kind": "national", "cofounder_ids": [pl2.id]},
        )
    assert mixed.status_code == 422 and mixed.json()["rule"] == "national-founders"
    assert ok.status_code == 201


async def test_neighbourhood_partners_need_an_etwinning_founder(world: World) -> None:
    ua, ge, pl = await world.teacher("UA"), await world.teacher("GE"), await world.teacher("PL")
    async with world.client(ua) as http:
        only_partners = await http.post(
            "/api/v1/projects",
            json={"title": "Bridges", "kind": "european", "cofounder_ids": [ge.id]},
        )
        with_pl = await http.post(
            "/api/v1/projects",
            json={"title": "Bridges", "kind": "european", "cofounder_ids": [pl.id]},
        )
    assert only_partners.status_code == 422
    assert with_pl.status_code == 201


async def test_unvalidated_teachers_cannot_found_or_cofound(world: World) -> None:
    pending = await world.teacher("PL", status=TeacherStatus.PENDING)
    it, pl = await world.teacher("IT"), await world.teacher("PL")
    async with world.client(pending) as http:
        response = await http.post(
            "/api/v1/projects", json={"title": "X", "kind": "european", "cofounder_ids": [it.id]}
        )
    assert response.status_code == 403
    async with world.client(pl) as http:
        response = await http.post(
            "/api/v1/projects",
            json={"title": "X", "kind": "european", "cofounder_ids": [pending.id]},
        )
    assert response.status_code == 422


async def test_invitation_flow_and_teacher_in_several_projects(world: World) -> None:
    project, pl, it = await world.european_project()
    other_project = await world.project(it, await world.teacher("FR"))
    fi = await world.teacher("FI")
    async with world.client(pl) as http:
        invited = await http.post(
            f"/api/v1/projects/{project.id}/invitations", json={"user_id": fi.id, "role": "teacher"}
        )
        assert invited.status_code == 201
        again = await http.post(
            f"/api/v1/projects/{project.id}/invitations", json={"user_id": fi.id}
        )
        assert again.status_code == 409
    async with world.client(fi) as http:
        assert (await http.get(f"/api/v1/projects/{project.id}")).status_code == 404
        pending = (await http.get("/api/v1/invitations")).json()
        assert [i["project_id"] for i in pending] == [project.id]
        accepted = await http.post(f"/api/v1/invitations/{pending[0]['id']}/accept")
        assert accepted.status_code == 200 and accepted.json()["my_role"] == "teacher"
        assert (
            await http.post(f"/api/v1/invitations/{pending[0]['id']}/accept")
        ).status_code == 409
        assert (await http.get(f"/api/v1/projects/{project.id}")).status_code == 200
    await world.join(other_project, fi, Role.TEACHER)
    async with world.client(fi) as http:
        mine = {p["id"] for p in (await http.get("/api/v1/projects")).json()}
    assert mine == {project.id, other_project.id}


async def test_someone_elses_invitation_is_not_found(world: World) -> None:
    project, pl, _ = await world.european_project()
    fi, intruder = await world.teacher("FI"), await world.teacher("FI")
    async with world.client(pl) as http:
        invitation = (
            await http.post(f"/api/v1/projects/{project.id}/invitations", json={"user_id": fi.id})
        ).json()
    async with world.client(intruder) as http:
        assert (
            await http.post(f"/api/v1/invitations/{invitation['id']}/accept")
        ).status_code == 404


async def test_national_projects_invite_only_their_country(world: World) -> None:
    pl1, pl2, it = await world.teacher("PL"), await world.teacher("PL"), await world.teacher("IT")
    project = await world.project(pl1, pl2, kind=ProjectKind.NATIONAL)
    async with world.client(pl1) as http:
        response = await http.post(
            f"/api/v1/projects/{project.id}/invitations", json={"user_id": it.id}
        )
        guest = await http.post(
            f"/api/v1/projects/{project.id}/invitations", json={"user_id": it.id, "role": "guest"}
        )
    assert response.status_code == 422 and response.json()["rule"] == "national-partner"
    assert guest.status_code == 201, "observers may come from anywhere"


async def test_pupil_reaching_another_project_gets_404(world: World) -> None:
    project_a, pl, _ = await world.european_project()
    project_b, founder_b, _ = await world.european_project()
    pupil = (await world.pupils(pl, 1))[0]
    async with world.client(pl) as http:
        added = await http.post(
            f"/api/v1/projects/{project_a.id}/pupils", json={"user_ids": [pupil.id]}
        )
        assert added.status_code == 200
    access_b = await world.services.access.project(founder_b.user, project_b.id)
    page_b = await world.services.pages.create(access_b, "Secret")
    async with world.client(pupil) as http:
        assert (await http.get(f"/api/v1/projects/{project_a.id}")).status_code == 200
        for path in (
            f"/api/v1/projects/{project_b.id}",
            f"/api/v1/projects/{project_b.id}/members",
            f"/api/v1/projects/{project_b.id}/pages",
            f"/api/v1/pages/{page_b.id}",
            "/api/v1/projects/999999",
        ):
            response = await http.get(path)
            assert response.status_code == 404, path
            assert response.json()["type"] == "/problems/not-found"


async def test_teachers_add_only_their_own_schools_pupils(world: World) -> None:
    project, pl, it = await world.european_project()
    italian_pupil = (await world.pupils(it, 1))[0]
    async with world.client(pl) as http:
        response = await http.post(
            f"/api/v1/projects/{project.id}/pupils", json={"user_ids": [italian_pupil.id]}
        )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "can_create_page", "can_manage_members"),
    [
        (Role.FOUNDER, True, True),
        (Role.TEACHER_ADMIN, True, True),
        (Role.TEACHER, True, False),
        (Role.PUPIL, False, False),
        (Role.GUEST, False, False),
    ],
)
async def test_roles_per_design_table(
    world: World, role: Role, can_create_page: bool, can_manage_members: bool
) -> None:
    project, pl, _ = await world.european_project()
    if role is Role.FOUNDER:
        member = pl
    elif role is Role.PUPIL:
        member = (await world.pupils(pl, 1))[0]
    elif role is Role.GUEST:
        member = await world.staff(UserKind.NSO, "PL")
    else:
        member = await world.teacher("PL")
    if member is not pl:
        await world.join(project, member, role)
    outsider = await world.teacher("DE")
    async with world.client(member) as http:
        page = await http.post(f"/api/v1/projects/{project.id}/pages", json={"title": "P"})
        invite = await http.post(
            f"/api/v1/projects/{project.id}/invitations", json={"user_id": outsider.id}
        )
        pages = await http.get(f"/api/v1/projects/{project.id}/pages")
    assert (page.status_code == 201) is can_create_page and page.status_code in (201, 403)
    assert (invite.status_code == 201) is can_manage_members and invite.status_code in (201, 403)
    assert pages.status_code == 200


async def test_archived_project_is_read_only(world: World) -> None:
    project, pl, _ = await world.european_project()
    async with world.client(pl) as http:
        page = (await http.post(f"/api/v1/projects/{project.id}/pages", json={"title": "A"})).json()
        archived = await http.post(
            f"/api/v1/projects/{project.id}/state", json={"state": "archived"}
        )
        assert archived.status_code == 200 and archived.json()["state"] == "archived"
        refused = await http.post(f"/api/v1/projects/{project.id}/pages", json={"title": "B"})
        assert refused.status_code == 403
        assert (await http.get(f"/api/v1/pages/{page['id']}")).json()["can_edit"] is False
        assert (
            await http.post(f"/api/v1/projects/{project.id}/state", json={"state": "active"})
        ).status_code == 200
        assert (
            await http.post(f"/api/v1/projects/{project.id}/state", json={"state": "closed"})
        ).status_code == 200
        reopen = await http.post(f"/api/v1/projects/{project.id}/state", json={"state": "active"})
    assert reopen.status_code == 422


async def test_removing_a_member_publishes_an_event(world: World) -> None:
    project, _, it = await world.european_project()
    teacher = await world.teacher("PL")
    await world.join(project, teacher, Role.TEACHER)
    seen: list[object] = []
    world.services.events.subscribe(seen.append)
    async with world.client(it) as http:
        assert (
            await http.delete(f"/api/v1/projects/{project.id}/members/{teacher.id}")
        ).status_code == 204
    assert MemberRemoved(project.id, teacher.id) in seen
    async with world.client(teacher) as http:
        assert (await http.get(f"/api/v1/projects/{project.id}")).status_code == 404


async def test_a_project_keeps_a_founder(world: World) -> None:
    pl1, pl2 = await world.teacher("PL"), await world.teacher("PL")
    project = await world.project(pl1, pl2, kind=ProjectKind.NATIONAL)
    async with world.client(pl1) as http:
        assert (
            await http.delete(f"/api/v1/projects/{project.id}/members/{pl2.id}")
        ).status_code == 204
        last = await http.delete(f"/api/v1/projects/{project.id}/members/{pl1.id}")
        demote = await http.patch(
            f"/api/v1/projects/{project.id}/members/{pl1.id}", json={"role": "teacher"}
        )
    assert last.status_code == demote.status_code == 422


async def test_role_changes(world: World) -> None:
    project, pl, _ = await world.european_project()
    teacher, pupil = await world.teacher("PL"), (await world.pupils(pl, 1))[0]
    await world.join(project, teacher, Role.TEACHER)
    await world.join(project, pupil, Role.PUPIL)
    async with world.client(pl) as http:
        promoted = await http.patch(
            f"/api/v1/projects/{project.id}/members/{teacher.id}", json={"role": "teacher_admin"}
        )
        pupil_up = await http.patch(
            f"/api/v1/projects/{project.id}/members/{pupil.id}", json={"role": "teacher"}
        )
    assert promoted.status_code == 200 and promoted.json()["role"] == "teacher_admin"
    assert pupil_up.status_code == 422
    async with world.client(teacher) as http:
        members = (await http.get(f"/api/v1/projects/{project.id}/members")).json()
    assert {m["id"]: m["role"] for m in members}[teacher.id] == "teacher_admin"
