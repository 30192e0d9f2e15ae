"""Invitations to a TwinSpace sent to an e-mail address that has no account yet (migration 019).

A row is `pending` until a registration presents its link (`claimed`, with the new teacher in
`claimed_by`), then `landed` once the NSO validates that teacher and they join the project, or
`rejected` if the NSO rejects them. Revoking it ends it in every state before `landed`. Only the
SHA-256 of the link's nonce is stored (docs/mail.md, "Invitations by e-mail address").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row
from twinspace.types import Role


@dataclass(frozen=True, slots=True)
class AddressInvitationRecord:
    id: int
    project_id: int
    inviter_id: int | None
    address: str
    role: Role
    message: str
    nonce_hash: str
    status: str
    claimed_by: int | None
    created_at: datetime
    expires_at: datetime
    responded_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> AddressInvitationRecord:
        return cls(
            id=int(row["id"]),
            project_id=int(row["project_id"]),
            inviter_id=row["inviter_id"],
            address=str(row["address"]),
            role=Role(row["role"]),
            message=str(row["message"]),
            nonce_hash=str(row["nonce_hash"]),
            status=str(row["status"]),
            claimed_by=row["claimed_by"],
            created_at=from_iso(row["created_at"]),
            expires_at=from_iso(row["expires_at"]),
            responded_at=from_iso(row["responded_at"]) if row["responded_at"] else None,
        )


class AddressInvitationRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self,
        *,
        project_id: int,
        inviter_id: int,
        address: str,
        role: Role,
        message: str,
        nonce_hash: str,
        now: datetime,
        expires_at: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO address_invitations (project_id, inviter_id, address, role, message,"
            " nonce_hash, status, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            (
                project_id,
                inviter_id,
                address,
                role.value,
                message,
                nonce_hash,
                to_iso(now),
                to_iso(expires_at),
            ),
        )

    async def get(self, invitation_id: int) -> AddressInvitationRecord | None:
        row = await self._ex.fetch_one(
            "SELECT * FROM address_invitations WHERE id = ?", (invitation_id,)
        )
        return AddressInvitationRecord.from_row(row) if row else None

    async def of_project(self, project_id: int) -> list[AddressInvitationRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM address_invitations WHERE project_id = ? ORDER BY id", (project_id,)
        )
        return [AddressInvitationRecord.from_row(r) for r in rows]

    async def open_for(self, project_id: int, address: str) -> AddressInvitationRecord | None:
        row = await self._ex.fetch_one(
            "SELECT * FROM address_invitations WHERE project_id = ? AND lower(address) = lower(?)"
            " AND status IN ('pending', 'claimed') ORDER BY id DESC LIMIT 1",
            (project_id, address),
        )
        return AddressInvitationRecord.from_row(row) if row else None

    async def claim(self, invitation_id: int, user_id: int, now: datetime) -> int:
        """Mark a pending, unexpired invitation as used by a registration (once: 1 or 0)."""
        return await self._ex.execute(
            "UPDATE address_invitations SET status = 'claimed', claimed_by = ?, responded_at = ?"
            " WHERE id = ? AND status = 'pending' AND expires_at > ?",
            (user_id, to_iso(now), invitation_id, to_iso(now)),
        )

    async def claimed_by(self, user_id: int) -> list[AddressInvitationRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM address_invitations WHERE claimed_by = ? AND status = 'claimed'"
            " ORDER BY id",
            (user_id,),
        )
        return [AddressInvitationRecord.from_row(r) for r in rows]

    async def finish(self, invitation_id: int, status: str, now: datetime) -> int:
        """`landed` or `rejected` a claimed invitation (1 when it was still claimed)."""
        return await self._ex.execute(
            "UPDATE address_invitations SET status = ?, responded_at = ?"
            " WHERE id = ? AND status = 'claimed'",
            (status, to_iso(now), invitation_id),
        )

    async def revoke(self, invitation_id: int, now: datetime) -> int:
        return await self._ex.execute(
            "UPDATE address_invitations SET status = 'revoked', responded_at = ?"
            " WHERE id = ? AND status IN ('pending', 'claimed')",
            (to_iso(now), invitation_id),
        )
