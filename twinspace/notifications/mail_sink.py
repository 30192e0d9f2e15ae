"""Where notification e-mail goes: the one method of the mail service this feature uses
(`services.mail.send_to_user`), as a protocol so the feature does not depend on how mail is
sent. The mail service skips pupils and users who unsubscribed."""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger("twinspace.notifications.mail")

URGENT_SAFETY = "urgent_safety"  # params: project, summary, url
DIGEST = "digest"  # params: count, items (one line each), url


class MailSink(Protocol):
    """Hand a mail over (queued in the mail service's outbox); what it returns is not used."""

    async def send_to_user(self, user_id: int, kind: str, params: dict[str, str]) -> object: ...


class MailNotConfigured:
    """No mail service in this build: record that a mail would have gone out, send nothing."""

    def __init__(self) -> None:
        self.skipped = 0

    async def send_to_user(self, user_id: int, kind: str, params: dict[str, str]) -> None:
        self.skipped += 1
        log.info("mail not configured: %s mail for user %d not sent", kind, user_id)
