"""Where notification e-mail goes: the one method of the mail service this feature uses
(`services.mail.send_to_user`), as a protocol so the feature does not depend on how mail is
sent. The mail service skips pupils and users who unsubscribed."""

from __future__ import annotations

from typing import Protocol

URGENT_SAFETY = "urgent_safety"  # params: project, summary, url
DIGEST = "digest"  # params: count, items (one line each), url


class MailSink(Protocol):
    """Hand a mail over (queued in the mail service's outbox); what it returns is not used."""

    async def send_to_user(self, user_id: int, kind: str, params: dict[str, str]) -> object: ...
