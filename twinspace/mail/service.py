"""The mail service other features call (docs/mail.md, "Service API").

    await services.mail.send_to_user(user_id, kind, params)
    await services.mail.send_to_address(address, language, kind, params)

Both only insert a row in the outbox (migration 019) and nudge the background sender, so a
request never waits for the mail server. This is the one place that enqueues mail: pupils,
disabled accounts, accounts without an address and kinds a user turned off get nothing.
Without `TWINSPACE_SMTP_URL` and `TWINSPACE_MAIL_SENDER` mail is off and nothing is queued.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import quote

from twinspace.clock import utcnow
from twinspace.config import Settings
from twinspace.errors import NotFound, Problem, RuleViolation
from twinspace.mail.kinds import KINDS, USER_KINDS, MailKind
from twinspace.mail.sender import MailSender
from twinspace.mail.smtp import SmtpClient, SmtpTarget
from twinspace.mail.templates import language_of, render
from twinspace.mail.tokens import LinkSigner
from twinspace.mail.views import MailPreferencesView, UnsubscribedView
from twinspace.storage import Storage
from twinspace.storage.mail import OutgoingMail
from twinspace.storage.records import UserRecord
from twinspace.types import UserKind

log = logging.getLogger(__name__)

UNSUBSCRIBE = "unsubscribe"
KEEP_FINISHED_DAYS = 90  # the envelope of a sent or failed mail, for questions about it


class MailService:
    def __init__(self, storage: Storage, settings: Settings) -> None:
        self._storage = storage
        self._origin = settings.link_origin
        self.signer = LinkSigner(storage)
        self.sender: MailSender | None = None
        if settings.smtp_url and settings.mail_sender:
            self.sender = MailSender(
                storage,
                SmtpClient(SmtpTarget.parse(settings.smtp_url), settings.mail_timeout_seconds),
                settings.mail_sender,
                poll=settings.mail_poll_seconds,
                retry_base=settings.mail_retry_base_seconds,
                retry_cap=settings.mail_retry_cap_seconds,
            )

    @property
    def enabled(self) -> bool:
        return self.sender is not None

    def link(self, path: str) -> str:
        """An absolute link to `path` of the web client, for e-mail."""
        return self._origin + path

    def start(self) -> None:
        if self.sender is not None:
            self.sender.start()

    async def stop(self) -> None:
        if self.sender is not None:
            await self.sender.stop()

    # -- sending ---------------------------------------------------------------------------

    async def send_to_user(self, user_id: int, kind: str, params: dict[str, str]) -> bool:
        """Queue `kind` for an account in its language; False when nothing was queued (mail
        off, a pupil, no address, a disabled account, or the user turned `kind` off)."""
        spec = _kind(kind, params)
        if not spec.to_users:
            raise ValueError(f"{kind} is sent to an address, not to an account")
        user = await self._storage.users.get(user_id)
        if not self.enabled or user is None or not _may_receive(user):
            return False
        if not (await self._storage.mail_preferences.of_user(user.id)).get(kind, True):
            return False
        assert user.email is not None
        token = await self.signer.sign(UNSUBSCRIBE, f"{user.id}:{kind}")
        one_click = self.link(f"/api/v1/mail/unsubscribe?token={quote(token)}")
        language = language_of(user.locale)
        text = render(
            kind,
            language,
            params,
            {
                "unsubscribe_url": self.link(f"/unsubscribe?token={quote(token)}"),
                "preferences_url": self.link("/account"),
            },
        )
        headers = {
            "List-Unsubscribe": f"<{one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        return await self._queue(
            OutgoingMail(
                kind, user.id, user.email, language, text.subject, text.body_text, None, headers
            )
        )

    async def send_to_address(
        self, address: str, language: str, kind: str, params: dict[str, str]
    ) -> bool:
        """Queue `kind` for an address that has no account (an invitation to register)."""
        spec = _kind(kind, params)
        if spec.to_users:
            raise ValueError(f"{kind} is sent to accounts: use send_to_user")
        if not self.enabled:
            return False
        if any(u.kind is UserKind.PUPIL for u in await self._storage.users.with_email(address)):
            return False  # a pupil's address (pupils have none today; this keeps it so)
        language = language_of(language)
        text = render(kind, language, params, {})
        return await self._queue(
            OutgoingMail(kind, None, address, language, text.subject, text.body_text, None, {})
        )

    async def _queue(self, mail: OutgoingMail) -> bool:
        mail_id = await self._storage.mail_outbox.add(mail, utcnow())
        log.info("mail %s queued (%s, %s)", mail_id, mail.kind, mail.language)
        if self.sender is not None:
            self.sender.nudge()
        return True

    async def forget_finished(self) -> int:
        """Remove sent and failed mail older than `KEEP_FINISHED_DAYS` (hourly maintenance)."""
        return await self._storage.mail_outbox.forget_finished(
            utcnow() - timedelta(days=KEEP_FINISHED_DAYS)
        )

    # -- preferences -----------------------------------------------------------------------

    async def preferences(self, user: UserRecord) -> MailPreferencesView:
        stored = await self._storage.mail_preferences.of_user(user.id)
        return MailPreferencesView(
            email=user.email,
            language=language_of(user.locale),
            kinds={k: stored.get(k, True) for k in USER_KINDS},
        )

    async def set_preferences(
        self, user: UserRecord, kinds: dict[str, bool]
    ) -> MailPreferencesView:
        unknown = sorted(set(kinds) - set(USER_KINDS))
        if unknown:
            raise RuleViolation(
                f"unknown kinds of e-mail: {', '.join(unknown)}",
                problem=Problem.MAIL_KIND_UNKNOWN,
                known=list(USER_KINDS),
            )
        if user.kind is UserKind.PUPIL:
            raise RuleViolation(
                "pupils receive no e-mail", problem=Problem.PUPIL_NO_MAIL, rule="pupil-no-mail"
            )
        now = utcnow()
        async with self._storage.transaction() as tx:
            for kind, enabled in kinds.items():
                await tx.mail_preferences.set(user.id, kind, enabled, now)
        return await self.preferences(user)

    async def unsubscribe(self, token: str) -> UnsubscribedView:
        """One-click unsubscribe (RFC 8058): a valid token turns one kind off for one user."""
        payload = await self.signer.verify(UNSUBSCRIBE, token)
        user_text, _, kind = (payload or "").partition(":")
        if not user_text.isdigit() or kind not in USER_KINDS:
            raise NotFound("this unsubscribe link is not valid")
        if await self._storage.users.get(int(user_text)) is None:
            raise NotFound("this unsubscribe link is not valid")
        await self._storage.mail_preferences.set(int(user_text), kind, False, utcnow())
        return UnsubscribedView(kind=kind, unsubscribed=True)


def _kind(kind: str, params: dict[str, str]) -> MailKind:
    """The kind, checked against the parameters its templates need."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown kind of e-mail: {kind}")
    missing = spec.params - params.keys()
    if missing:
        raise ValueError(f"{kind} needs {', '.join(sorted(missing))}")
    return spec


def _may_receive(user: UserRecord) -> bool:
    return user.kind is not UserKind.PUPIL and not user.disabled and bool(user.email)
