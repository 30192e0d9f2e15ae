"""Inviting partner teachers and telling them by e-mail (docs/mail.md, "Invitations by e-mail
address").

An invitation to a user (by id, or by an address that belongs to an account) is the normal
invitation (`ProjectService.invite`) plus an e-mail. An address with no account gets an
address invitation and an e-mail whose link carries a signed token through registration: the
registration claims it (once, before it expires), and when the NSO validates the new teacher
they join the TwinSpace at once with the invited role, because following the link and
registering was their acceptance. Revoking the invitation makes the link worthless; the token
itself is never stored or logged (only the SHA-256 of its nonce).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta
from urllib.parse import quote

from twinspace.clock import utcnow
from twinspace.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    Problem,
    RuleViolation,
    Unavailable,
)
from twinspace.mail.service import MailService
from twinspace.storage import Storage
from twinspace.storage.address_invitations import AddressInvitationRecord
from twinspace.storage.records import InvitationRecord, UserRecord
from twinspace.types import ProjectKind, Role, UserKind
from twinspace.workspace.access import Access, Action
from twinspace.workspace.projects import ProjectService

log = logging.getLogger(__name__)

PURPOSE = "invitation"
ADDRESS_ROLES = frozenset({Role.TEACHER_ADMIN, Role.TEACHER, Role.GUEST})


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("ascii")).hexdigest()


class EmailInvitations:
    def __init__(
        self, storage: Storage, projects: ProjectService, mail: MailService, link_days: int
    ) -> None:
        self._storage = storage
        self._projects = projects
        self._mail = mail
        self._link_days = link_days

    async def invite_user(
        self, access: Access, invitee_id: int, role: Role, message: str
    ) -> InvitationRecord:
        """The normal invitation, and an e-mail to the invitee (by their preferences)."""
        invitation = await self._projects.invite(access, invitee_id, role, message)
        await self._mail.send_to_user(
            invitee_id,
            "invitation",
            {
                "project": access.project.title,
                "inviter": access.user.display_name,
                "url": self._mail.link("/"),
            },
        )
        return invitation

    async def invite_address(
        self, access: Access, address: str, role: Role, message: str, language: str
    ) -> InvitationRecord | AddressInvitationRecord:
        """Invite whoever has `address`: an account gets the normal invitation, an unknown
        address an invitation to register."""
        accounts = [u for u in await self._storage.users.with_email(address) if not u.disabled]
        teachers = [u for u in accounts if u.kind is not UserKind.PUPIL]
        if teachers:
            return await self.invite_user(access, teachers[0].id, role, message)
        if accounts:
            raise NotFound("no such teacher")
        access.require(Action.MANAGE_MEMBERS)
        if access.read_only_project:
            raise Forbidden(
                f"the project is {access.project.state.value} (read-only)",
                problem=Problem.PROJECT_READ_ONLY,
            )
        if role not in ADDRESS_ROLES:
            raise RuleViolation(
                "an invitation by e-mail address is for teacher_admin, teacher or guest;"
                " co-founders are invited once they have an account",
                problem=Problem.ADDRESS_INVITATION_ROLE,
                rule="address-invitation-role",
            )
        if not self._mail.enabled:
            raise Unavailable(
                "this server sends no e-mail (TWINSPACE_SMTP_URL is not set)",
                problem=Problem.MAIL_NOT_CONFIGURED,
            )
        if await self._storage.address_invitations.open_for(access.project.id, address):
            raise Conflict(
                "an invitation to this address is already open",
                problem=Problem.ADDRESS_INVITATION_OPEN,
            )
        nonce = secrets.token_urlsafe(24)
        now = utcnow()
        invitation_id = await self._storage.address_invitations.create(
            project_id=access.project.id,
            inviter_id=access.user.id,
            address=address,
            role=role,
            message=message,
            nonce_hash=_digest(nonce),
            now=now,
            expires_at=now + timedelta(days=self._link_days),
        )
        token = await self._mail.signer.sign(PURPOSE, f"{invitation_id}.{nonce}")
        await self._mail.send_to_address(
            address,
            language,
            "invitation_signup",
            {
                "project": access.project.title,
                "inviter": access.user.display_name,
                "url": self._mail.link(f"/register?invitation={quote(token)}"),
                "days": str(self._link_days),
            },
        )
        await self._storage.audit.record(
            project_id=access.project.id,
            now=now,
            actor=access.user,
            action="address_invited",
            details={"invitation": invitation_id, "role": role.value},
        )
        found = await self._storage.address_invitations.get(invitation_id)
        assert found is not None
        return found

    async def of_project(self, access: Access) -> list[AddressInvitationRecord]:
        access.require(Action.MANAGE_MEMBERS)
        return await self._storage.address_invitations.of_project(access.project.id)

    async def revoke(self, access: Access, invitation_id: int) -> None:
        access.require(Action.MANAGE_MEMBERS)
        found = await self._storage.address_invitations.get(invitation_id)
        if found is None or found.project_id != access.project.id:
            raise NotFound("no such invitation")
        if await self._storage.address_invitations.revoke(invitation_id, utcnow()) != 1:
            raise Conflict(
                f"the invitation is {found.status}",
                problem=Problem.INVITATION_NOT_OPEN,
                state=found.status,
            )

    # -- the link ---------------------------------------------------------------------------

    async def open_link(self, token: str) -> AddressInvitationRecord:
        """The pending invitation a link token stands for; 404 for anything else (a forged,
        used, revoked or unknown token all look the same), 410 when it has expired."""
        payload = await self._mail.signer.verify(PURPOSE, token)
        id_text, _, nonce = (payload or "").partition(".")
        found = (
            await self._storage.address_invitations.get(int(id_text)) if id_text.isdigit() else None
        )
        if (
            found is None
            or found.status != "pending"
            or not hmac.compare_digest(found.nonce_hash, _digest(nonce))
        ):
            raise NotFound("this invitation link is not valid (used, withdrawn or mistyped)")
        if found.expires_at <= utcnow():
            raise Conflict(
                "this invitation link has expired; ask for a new one",
                rule="expired",
                problem=Problem.INVITATION_EXPIRED,
            )
        return found

    async def claim(self, user: UserRecord, token: str) -> AddressInvitationRecord:
        """A registration used the link: the invitation waits for the NSO's validation."""
        found = await self.open_link(token)
        if await self._storage.address_invitations.claim(found.id, user.id, utcnow()) != 1:
            raise NotFound("this invitation link is not valid (used, withdrawn or mistyped)")
        return found

    async def reviewed(self, teacher_id: int, validated: bool) -> None:
        """RegistryService.on_reviewed listener: a validated teacher lands in the TwinSpaces
        whose invitation they registered with; a rejected one does not."""
        for found in await self._storage.address_invitations.claimed_by(teacher_id):
            if not validated:
                await self._storage.address_invitations.finish(found.id, "rejected", utcnow())
                continue
            try:
                await self._land(found, teacher_id)
            except DomainError:
                # the validation stands; this invitation stays claimed for the founders to see
                log.warning("address invitation %s did not land", found.id, exc_info=True)

    async def _land(self, found: AddressInvitationRecord, teacher_id: int) -> None:
        user = await self._storage.users.get(teacher_id)
        project = await self._storage.projects.get(found.project_id)
        assert user is not None
        if project is None or found.inviter_id is None:
            await self._storage.address_invitations.finish(found.id, "rejected", utcnow())
            return
        if project.kind is ProjectKind.NATIONAL and found.role is not Role.GUEST:
            countries = {c for _, c in await self._storage.memberships.school_countries(project.id)}
            if countries and user.country not in countries:
                log.info("address invitation %s: partner from another country", found.id)
                await self._storage.address_invitations.finish(found.id, "rejected", utcnow())
                return
        if await self._storage.memberships.get(project.id, teacher_id) is None:
            pending = await self._storage.invitations.pending_for(project.id, teacher_id)
            invitation_id = (
                pending.id
                if pending is not None
                else await self._storage.invitations.create(
                    project_id=project.id,
                    inviter_id=found.inviter_id,
                    invitee_id=teacher_id,
                    role=found.role,
                    message=found.message,
                    now=utcnow(),
                )
            )
            try:
                await self._projects.accept(user, invitation_id)
            except Conflict:
                # the project takes no new members now: the invitation stays on their dashboard
                log.info("address invitation %s: project not open, left pending", found.id)
        await self._storage.address_invitations.finish(found.id, "landed", utcnow())
