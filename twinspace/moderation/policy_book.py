"""Where policies live: the project's, and a channel's or board's override on top."""

from __future__ import annotations

from twinspace.clock import utcnow
from twinspace.errors import Problem, RuleViolation
from twinspace.moderation.audit import AuditTrail
from twinspace.moderation.model import SpaceKind
from twinspace.moderation.policy import Policy, PolicyOverride
from twinspace.storage import Storage
from twinspace.workspace.access import Access, Action

PROJECT = "project"
SCOPES = {SpaceKind.CHANNEL: "channel", SpaceKind.BOARD: "board"}


class PolicyBook:
    def __init__(self, storage: Storage, audit: AuditTrail) -> None:
        self._storage = storage
        self._audit = audit

    async def project_policy(self, project_id: int) -> Policy:
        stored = await self._storage.policies.get(PROJECT, project_id)
        return Policy.model_validate_json(stored) if stored else Policy()

    async def override(self, space: SpaceKind, space_id: int) -> PolicyOverride | None:
        scope = SCOPES.get(space)
        if scope is None:
            return None
        stored = await self._storage.policies.get(scope, space_id)
        return PolicyOverride.model_validate_json(stored) if stored else None

    async def effective(self, project_id: int, space: SpaceKind, space_id: int) -> Policy:
        base = await self.project_policy(project_id)
        override = await self.override(space, space_id)
        return override.apply(base) if override else base

    async def set_project_policy(self, access: Access, policy: Policy) -> Policy:
        """Project-wide policy belongs to founders and teacher admins."""
        access.require(Action.SET_MODERATION_POLICY)
        await self._storage.policies.put(
            scope=PROJECT,
            scope_id=access.project.id,
            project_id=access.project.id,
            policy_json=policy.model_dump_json(),
            actor_id=access.user.id,
            now=utcnow(),
        )
        await self._audit.record(
            project_id=access.project.id,
            actor=access.user,
            action="policy_changed",
            details=policy.model_dump(mode="json"),
        )
        return policy

    async def set_override(
        self, access: Access, space: SpaceKind, space_id: int, override: PolicyOverride | None
    ) -> None:
        access.require(Action.SET_MODERATION_POLICY)
        scope = SCOPES.get(space)
        if scope is None:
            raise RuleViolation(
                "policies are set per project, channel or board", problem=Problem.POLICY_SCOPE
            )
        if override is None:
            await self._storage.policies.delete(scope, space_id)
        else:
            await self._storage.policies.put(
                scope=scope,
                scope_id=space_id,
                project_id=access.project.id,
                policy_json=override.model_dump_json(),
                actor_id=access.user.id,
                now=utcnow(),
            )
        await self._audit.record(
            project_id=access.project.id,
            actor=access.user,
            action="policy_changed",
            item_kind=scope,
            item_id=space_id,
            details=override.model_dump(mode="json") if override else {},
        )
