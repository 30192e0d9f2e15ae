"""Inviting partner teachers by e-mail address: through registration and NSO validation into
the TwinSpace; links are single-use, expire and die with a revoked invitation (docs/mail.md)."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial
from urllib.parse import unquote

import httpx
import pytest

from tests.support.poll import eventually
from tests.support.smtp import SmtpServer
from tests.support.world import World
from twinspace.clock import to_iso, utcnow
from twinspace.types import UserKind

LINK = re.compile(r"(http://\S+/register\?invitation=(\S+))")


def registration(
    username: str, address: str, school_id: int, token: str | None
) -> dict[str, object]:
    return {
        "username": username,
        "password": "a long and honest passphrase",
        "display_name": "Aino Virtanen",
        "email": address,
        "staff_role": "teacher",
        "school_id": school_id,
        "invitation_token": token,
    }


async def test_an_unknown_address_registers_through_the_link_and_lands_after_validation(
    mail_world: World, smtp: SmtpServer
) -> None:
    project, founder, _ = await mail_world.european_project()
    address = "aino@koulu.example"
    async with mail_world.client(founder) as http:
        sent = await http.post(
            f"/api/v1/projects/{project.id}/invitations",
            json={"email": address, "language": "fi", "message": "Tervetuloa!"},
        )
        assert sent.status_code == 201, sent.text
        assert sent.json()["address"] == address
        assert sent.json()["status"] == "pending"
        again = await http.post(
            f"/api/v1/projects/{project.id}/invitations", json={"email": address}
        )
        assert again.status_code == 409

    [mail] = await eventually(lambda: smtp.to(address))
    assert mail.message["Content-Language"] == "fi"
    assert "kutsuu sinut" in str(mail.message["Subject"])
    assert "List-Unsubscribe" not in mail.message  # no account to unsubscribe
    link, token = LINK.search(mail.text).groups()  # type: ignore[union-attr]
    assert link.startswith(mail_world.server.base_url)
    token = unquote(token)

    async def sent_rows() -> list[dict[str, object]]:
        return await mail_world.storage.executor.fetch_all(
            "SELECT body_text, headers FROM mail_outbox WHERE status = 'sent'"
        )

    # once sent, the database keeps no copy of the link (its token)
    for row in await eventually(sent_rows):
        assert row == {"body_text": "", "headers": "{}"}

    school = await mail_world.school("FI")
    async with mail_world.client() as anonymous:
        shown = await anonymous.get("/api/v1/invitation-links", params={"token": token})
        assert shown.status_code == 200
        assert shown.json()["project_title"] == project.title
        forged = await anonymous.get("/api/v1/invitation-links", params={"token": token + "x"})
        assert forged.status_code == 404
        bad = await anonymous.post(
            "/api/v1/registrations", json=registration("aino2", address, school.id, token[:-2])
        )
        assert bad.status_code == 404
        assert await mail_world.storage.users.with_email(address) == []  # nothing created
        done = await anonymous.post(
            "/api/v1/registrations", json=registration("aino", address, school.id, token)
        )
        assert done.status_code == 201, done.text
        reused = await anonymous.post(
            "/api/v1/registrations", json=registration("aino3", "x@y.example", school.id, token)
        )
        assert reused.status_code == 404
    aino_id = done.json()["user"]["id"]
    assert await mail_world.storage.memberships.get(project.id, aino_id) is None

    nso = await mail_world.staff(UserKind.NSO, "FI")
    async with mail_world.client(nso) as http:
        validated = await http.post(f"/api/v1/registrations/{aino_id}/validate", json={})
        assert validated.status_code == 200, validated.text
    membership = await mail_world.storage.memberships.get(project.id, aino_id)
    assert membership is not None and membership.role.value == "teacher"
    async with mail_world.client(founder) as http:
        listed = (await http.get(f"/api/v1/projects/{project.id}/address-invitations")).json()
    assert [(i["address"], i["status"], i["claimed_by"]) for i in listed] == [
        (address, "landed", aino_id)
    ]
    assert "nonce" not in str(listed) and token not in str(listed)


async def test_a_revoked_or_expired_link_does_nothing(mail_world: World, smtp: SmtpServer) -> None:
    project, founder, _ = await mail_world.european_project()
    async with mail_world.client(founder) as http:
        first = (
            await http.post(
                f"/api/v1/projects/{project.id}/invitations", json={"email": "one@x.example"}
            )
        ).json()
        await http.post(
            f"/api/v1/projects/{project.id}/invitations", json={"email": "two@x.example"}
        )
        gone = await http.delete(f"/api/v1/projects/{project.id}/address-invitations/{first['id']}")
        assert gone.status_code == 204
    tokens = {}
    for address in ("one@x.example", "two@x.example"):
        [mail] = await eventually(partial(smtp.to, address))
        found = LINK.search(mail.text)
        assert found is not None
        tokens[address] = unquote(found.group(2))
    await mail_world.storage.executor.execute(
        "UPDATE address_invitations SET expires_at = ? WHERE address = ?",
        (to_iso(utcnow() - timedelta(minutes=1)), "two@x.example"),
    )
    async with httpx.AsyncClient(base_url=mail_world.server.base_url) as anonymous:
        revoked = await anonymous.get(
            "/api/v1/invitation-links", params={"token": tokens["one@x.example"]}
        )
        assert revoked.status_code == 404
        expired = await anonymous.get(
            "/api/v1/invitation-links", params={"token": tokens["two@x.example"]}
        )
        assert expired.status_code == 409
        assert expired.json()["rule"] == "expired"


async def test_an_address_of_a_registered_teacher_gets_the_normal_invitation_and_a_mail(
    mail_world: World, smtp: SmtpServer
) -> None:
    project, founder, _ = await mail_world.european_project()
    partner = await mail_world.teacher("DE")
    await mail_world.storage.users.update_profile(partner.id, locale="de")
    assert partner.user.email is not None
    async with mail_world.client(founder) as http:
        sent = await http.post(
            f"/api/v1/projects/{project.id}/invitations",
            json={"email": partner.user.email.upper()},
        )
    assert sent.status_code == 201, sent.text
    assert sent.json()["invitee_id"] == partner.id
    [mail] = await eventually(lambda: smtp.to(partner.user.email or "-"))
    assert str(mail.message["Subject"]).endswith(f"lädt Sie in den TwinSpace „{project.title}“ ein")
    async with mail_world.client(partner) as http:
        mine = (await http.get("/api/v1/invitations")).json()
    assert [i["project_id"] for i in mine] == [project.id]


async def test_only_project_managers_invite_and_outsiders_get_404(mail_world: World) -> None:
    project, founder, _ = await mail_world.european_project()
    outsider = await mail_world.teacher("PL")
    async with mail_world.client(outsider) as http:
        denied = await http.post(
            f"/api/v1/projects/{project.id}/invitations", json={"email": "z@x.example"}
        )
        assert denied.status_code == 404
        listed = await http.get(f"/api/v1/projects/{project.id}/address-invitations")
        assert listed.status_code == 404
    async with mail_world.client(founder) as http:
        both = await http.post(
            f"/api/v1/projects/{project.id}/invitations",
            json={"email": "z@x.example", "user_id": outsider.id},
        )
        assert both.status_code == 422
        cofounder = await http.post(
            f"/api/v1/projects/{project.id}/invitations",
            json={"email": "z@x.example", "role": "founder"},
        )
        assert cofounder.status_code == 422


async def test_a_rejected_registration_does_not_join(mail_world: World, smtp: SmtpServer) -> None:
    project, founder, _ = await mail_world.european_project()
    address = "maybe@school.example"
    async with mail_world.client(founder) as http:
        await http.post(f"/api/v1/projects/{project.id}/invitations", json={"email": address})
    [mail] = await eventually(partial(smtp.to, address))
    found = LINK.search(mail.text)
    assert found is not None
    school = await mail_world.school("PL")
    async with mail_world.client() as anonymous:
        done = await anonymous.post(
            "/api/v1/registrations",
            json=registration("maybe", address, school.id, unquote(found.group(2))),
        )
    assert done.status_code == 201, done.text
    user_id = done.json()["user"]["id"]
    nso = await mail_world.staff(UserKind.NSO, "PL")
    async with mail_world.client(nso) as http:
        rejected = await http.post(
            f"/api/v1/registrations/{user_id}/reject", json={"reason": "not a teacher"}
        )
        assert rejected.status_code == 200
    assert await mail_world.storage.memberships.get(project.id, user_id) is None
    async with mail_world.client(founder) as http:
        listed = (await http.get(f"/api/v1/projects/{project.id}/address-invitations")).json()
    assert [i["status"] for i in listed] == ["rejected"]


async def test_the_service_api_refuses_unknown_kinds_and_missing_parameters(
    mail_world: World,
) -> None:
    teacher = await mail_world.teacher("PL")
    mail = mail_world.services.mail
    with pytest.raises(ValueError, match="unknown kind"):
        await mail.send_to_user(teacher.id, "newsletter", {})
    with pytest.raises(ValueError, match="needs summary"):
        await mail.send_to_user(teacher.id, "urgent_safety", {"project": "P", "url": "u"})
    with pytest.raises(ValueError, match="send_to_user"):
        await mail.send_to_address(
            "a@b.example", "en", "digest", {"count": "1", "items": "", "url": ""}
        )
    assert await mail_world.storage.mail_outbox.counts() == {}
