"""The background sender: drains the outbox over SMTP (docs/mail.md, "Delivery").

Every `poll` seconds (or when nudged by a new mail) it leases a batch of due rows, opens one
SMTP connection and sends them. A row is marked sent right after the server accepted it; a
failure puts it back with the next attempt `base * 2**attempts` seconds later, at most `cap`; a
5xx refusal of that one message marks it failed. While the server is down nothing is lost: the
rows stay queued and are retried. Leases expire, so the rows of a process that died are sent
by another one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import timedelta
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from twinspace.clock import utcnow
from twinspace.mail.smtp import PermanentFailure, SmtpClient
from twinspace.storage import Storage
from twinspace.storage.mail import OutboxRecord
from twinspace.worker import Worker

log = logging.getLogger(__name__)

LEASE_SECONDS = 300


def message_of(record: OutboxRecord, sender: str) -> EmailMessage:
    mail = record.mail
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(addr_spec=mail.address)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(record.created_at)
    message["Message-ID"] = make_msgid(idstring=f"twinspace.{record.id}")
    message["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers.items():
        message[name] = value
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    message["Content-Language"] = mail.language  # after set_content, which clears Content-*
    return message


class MailSender(Worker):
    task_name = "mail-sender"

    def __init__(
        self,
        storage: Storage,
        client: SmtpClient,
        sender: str,
        *,
        poll: float,
        retry_base: float,
        retry_cap: float,
        batch: int = 50,
    ) -> None:
        super().__init__()
        self._storage = storage
        self._client = client
        self._sender = sender
        self._poll = poll
        self._base = retry_base
        self._cap = retry_cap
        self._batch = batch
        self.sent = 0
        self.failures = 0

    def backoff(self, attempts: int) -> float:
        """Seconds before attempt number `attempts + 1`."""
        return float(min(self._cap, self._base * 2 ** min(attempts, 30)))

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()
            self._wake.clear()
            try:
                if await self.run_once() == self._batch:
                    self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the mail sender failed; retrying")

    async def run_once(self) -> int:
        """Lease and try one batch; returns how many rows it took."""
        claim = secrets.token_hex(16)
        now = utcnow()
        rows = await self._storage.mail_outbox.claim_due(
            claim, now, now + timedelta(seconds=LEASE_SECONDS), self._batch
        )
        if not rows:
            return 0
        pending = list(rows)
        try:
            async with self._client.connection() as smtp:
                while pending:
                    record = pending[0]
                    try:
                        message = message_of(record, self._sender)
                    except (ValueError, TypeError, IndexError, MessageError) as exc:
                        pending.pop(0)  # an address or header no server would take
                        self.failures += 1
                        await self._storage.mail_outbox.mark_failed(record.id, claim, str(exc))
                        log.warning("mail %s (%s) cannot be built", record.id, record.mail.kind)
                        continue
                    try:
                        await self._client.send(smtp, message)
                    except PermanentFailure as exc:
                        pending.pop(0)
                        self.failures += 1
                        await self._storage.mail_outbox.mark_failed(record.id, claim, str(exc))
                        log.warning("mail %s (%s) refused for good", record.id, record.mail.kind)
                        continue
                    pending.pop(0)
                    await self._storage.mail_outbox.mark_sent(record.id, claim, utcnow())
                    self.sent += 1
        except Exception as exc:
            # the connection failed or a message got a temporary refusal: the rest wait
            self.failures += 1
            log.warning(
                "mail server unavailable (%s); %d mails wait", type(exc).__name__, len(pending)
            )
            for record in pending:
                retry_at = utcnow() + timedelta(seconds=self.backoff(record.attempts))
                await self._storage.mail_outbox.mark_retry(
                    record.id, claim, f"{type(exc).__name__}: {exc}", retry_at
                )
        return len(rows)
