"""The outbox end to end against a real SMTP server: language, plain text, unsubscribe,
preferences, and pupils who never get mail (docs/mail.md)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.support.poll import eventually
from tests.support.smtp import SmtpServer
from tests.support.world import World
from twinspace.clock import to_iso, utcnow
from twinspace.mail.templates import LANGUAGES, check_catalogues, language_of
from twinspace.storage.mail import OutgoingMail


def test_every_language_has_every_kind_with_its_parameters() -> None:
    check_catalogues()
    assert {"en", "pl", "it", "de", "fr", "fi", "es"} <= set(LANGUAGES)
    assert language_of("pl-PL") == "pl"
    assert language_of("pt") == "en"
    assert language_of(None) == "en"


async def test_a_mail_in_the_recipients_language_with_one_click_unsubscribe(
    mail_world: World, smtp: SmtpServer
) -> None:
    teacher = await mail_world.teacher("PL")
    await mail_world.storage.users.update_profile(teacher.id, locale="pl")
    params = {"project": "Rzeki Europy", "summary": "Wiadomość ucznia czeka", "url": "http://x/"}

    assert await mail_world.services.mail.send_to_user(teacher.id, "urgent_safety", params)

    [mail] = await eventually(lambda: smtp.to(teacher.user.email or "-"))
    assert mail.message["Subject"] == "Pilne zgłoszenie dotyczące bezpieczeństwa w „Rzeki Europy”"
    assert mail.message["Content-Language"] == "pl"
    assert mail.message.get_content_type() == "text/plain"
    assert "Wiadomość ucznia czeka" in mail.text
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(mail.message["List-Unsubscribe"]).strip("<>")
    assert link.startswith(mail_world.server.base_url + "/api/v1/mail/unsubscribe?token=")
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert f"/unsubscribe?token={token}" in mail.text.replace("%3D", "=") or token in mail.text

    # what a mail client does for RFC 8058: a POST with this exact body, no cookie, no token
    async with httpx.AsyncClient() as anyone:
        forged = await anyone.post(link[:-3] + "AAA", data={"List-Unsubscribe": "One-Click"})
        assert forged.status_code == 404
        done = await anyone.post(link, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200, done.text
    assert done.json() == {"kind": "urgent_safety", "unsubscribed": True}

    async with mail_world.client(teacher) as http:
        prefs = (await http.get("/api/v1/mail/preferences")).json()
    assert prefs["kinds"] == {"invitation": True, "urgent_safety": False, "digest": True}
    assert not await mail_world.services.mail.send_to_user(teacher.id, "urgent_safety", params)
    assert await mail_world.services.mail.send_to_user(
        teacher.id, "digest", {"count": "2", "items": "- a\n- b", "url": "http://x/"}
    )
    await eventually(lambda: len(smtp.to(teacher.user.email or "-")) == 2)
    assert [m.message["Subject"] for m in smtp.to(teacher.user.email or "-")][1] == (
        "TwinSpaces: 2 nowych powiadomień"
    )


async def test_preferences_are_read_and_changed_by_their_owner_only(mail_world: World) -> None:
    teacher = await mail_world.teacher("IT")
    async with mail_world.client(teacher) as http:
        prefs = (await http.get("/api/v1/mail/preferences")).json()
        assert prefs == {
            "email": teacher.user.email,
            "language": "en",
            "kinds": {"invitation": True, "urgent_safety": True, "digest": True},
        }
        changed = await http.put("/api/v1/mail/preferences", json={"kinds": {"digest": False}})
        assert changed.json()["kinds"]["digest"] is False
        unknown = await http.put("/api/v1/mail/preferences", json={"kinds": {"spam": True}})
        assert unknown.status_code == 422
        assert unknown.headers["content-type"] == "application/problem+json"
    async with mail_world.client() as anonymous:
        assert (await anonymous.get("/api/v1/mail/preferences")).status_code == 401
        assert (await anonymous.post("/api/v1/mail/unsubscribe")).status_code == 422
    assert not await mail_world.services.mail.send_to_user(
        teacher.id, "digest", {"count": "1", "items": "- a", "url": "http://x/"}
    )


async def test_pupils_never_receive_mail(mail_world: World, smtp: SmtpServer) -> None:
    teacher = await mail_world.teacher("PL")
    [pupil] = await mail_world.pupils(teacher, 1)
    params = {"project": "P", "summary": "s", "url": "http://x/"}
    for kind, kind_params in (
        ("urgent_safety", params),
        ("digest", {"count": "1", "items": "- a", "url": "http://x/"}),
        ("invitation", {"project": "P", "inviter": "T", "url": "http://x/"}),
    ):
        assert not await mail_world.services.mail.send_to_user(pupil.id, kind, kind_params)
    assert await mail_world.storage.mail_outbox.counts() == {}
    async with mail_world.client(pupil) as http:
        refused = await http.put("/api/v1/mail/preferences", json={"kinds": {"digest": True}})
    assert refused.status_code == 422
    assert smtp.received == []


async def test_finished_mail_is_forgotten_after_ninety_days(
    mail_world: World, smtp: SmtpServer
) -> None:
    teacher = await mail_world.teacher("IT")
    params = {"project": "P", "summary": "s", "url": "http://x/"}
    for _ in range(2):
        assert await mail_world.services.mail.send_to_user(teacher.id, "urgent_safety", params)

    async def both_sent() -> bool:
        return await mail_world.storage.mail_outbox.counts() == {"sent": 2}

    await eventually(both_sent)
    old = to_iso(utcnow() - timedelta(days=91))
    await mail_world.storage.executor.execute(
        "UPDATE mail_outbox SET created_at = ? WHERE id = (SELECT min(id) FROM mail_outbox)",
        (old,),
    )
    assert await mail_world.services.mail.forget_finished() == 1
    assert await mail_world.storage.mail_outbox.counts() == {"sent": 1}


async def test_a_mail_no_server_would_take_fails_alone(mail_world: World, smtp: SmtpServer) -> None:
    good = await mail_world.teacher("PL")
    bad_id = await mail_world.storage.mail_outbox.add(
        OutgoingMail("digest", None, "not an@@address", "en", "s", "body", None, {}), utcnow()
    )
    params = {"project": "P", "summary": "s", "url": "http://x/"}
    assert await mail_world.services.mail.send_to_user(good.id, "urgent_safety", params)
    await eventually(lambda: smtp.to(good.user.email or "-"))

    async def failed() -> bool:
        record = await mail_world.storage.mail_outbox.get(bad_id)
        return record is not None and record.status == "failed"

    await eventually(failed)
    assert len(smtp.received) == 1
