"""With the mail server down, invitations and notices queue; when it comes back every mail is
delivered exactly once, even with a second sender (another process) draining the same outbox."""

from __future__ import annotations

from pathlib import Path

from tests.mail.conftest import mail_settings
from tests.support.poll import eventually
from tests.support.server import live_server, make_settings
from tests.support.smtp import SmtpServer
from tests.support.world import World
from twinspace.mail.sender import MailSender
from twinspace.mail.smtp import SmtpClient, SmtpTarget
from twinspace.services.container import storage_for


async def test_mail_queued_while_the_server_is_down_is_delivered_once(tmp_path: Path) -> None:
    smtp = SmtpServer()  # not started: the mail server is down
    settings = make_settings(tmp_path / "data", **mail_settings(smtp))
    async with live_server(settings) as server:
        world = World(server)
        project, founder, _ = await world.european_project()
        partners = [await world.teacher(c) for c in ("DE", "FR", "ES")]
        addresses = [f"new{n}@school.example" for n in range(4)]
        async with world.client(founder) as http:
            for partner in partners:
                sent = await http.post(
                    f"/api/v1/projects/{project.id}/invitations", json={"user_id": partner.id}
                )
                assert sent.status_code == 201, sent.text  # the request did not wait for SMTP
            for address in addresses:
                sent = await http.post(
                    f"/api/v1/projects/{project.id}/invitations", json={"email": address}
                )
                assert sent.status_code == 201, sent.text
        for teacher in (founder, *partners):
            await world.services.mail.send_to_user(
                teacher.id, "urgent_safety", {"project": "P", "summary": "s", "url": "http://x/"}
            )
        expected = len(partners) + len(addresses) + 1 + len(partners)

        async def retried() -> bool:
            rows = await world.storage.executor.fetch_all(
                "SELECT attempts, status, last_error FROM mail_outbox"
            )
            return len(rows) == expected and all(
                r["status"] == "queued" and r["attempts"] >= 2 and r["last_error"] for r in rows
            )

        await eventually(retried, within=20)  # tried and backed off, nothing lost

        # a second process's sender on its own connection drains the same outbox
        other_storage = storage_for(settings)
        await other_storage.connect()
        other = MailSender(
            other_storage,
            SmtpClient(SmtpTarget.parse(smtp.url), 5),
            "other@twinspaces.example",
            poll=0.05,
            retry_base=0.05,
            retry_cap=0.3,
            batch=2,
        )
        other.start()
        smtp.start()
        try:

            async def all_sent() -> bool:
                return await world.storage.mail_outbox.counts() == {"sent": expected}

            await eventually(all_sent, within=30)
            received = smtp.received
            assert len(received) == expected
            assert len({m.message["Message-ID"] for m in received}) == expected
            recipients = sorted(r for m in received for r in m.recipients)
            wanted = sorted(
                [p.user.email or "" for p in partners] * 2 + addresses + [founder.user.email or ""]
            )
            assert recipients == wanted
            app_sender = world.services.mail.sender
            assert app_sender is not None
            assert app_sender.sent + other.sent == expected  # each row sent by one sender once
        finally:
            await other.stop()
            await other_storage.close()
            smtp.stop()
