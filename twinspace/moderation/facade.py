"""Moderation, assembled: pipeline, desk, page scanning, privacy and the audit of page actions."""

from __future__ import annotations

from twinspace.accounts.service import AccountService
from twinspace.config import Settings
from twinspace.domain_events import (
    DomainEvent,
    DomainEventBus,
    PageLockChanged,
    PageVersionRestored,
)
from twinspace.moderation.audit import AuditTrail
from twinspace.moderation.desk import ModerationDesk
from twinspace.moderation.filters import FilterConfig, load_wordlists
from twinspace.moderation.filters.lexicon import load_lexicons
from twinspace.moderation.page_scan import PageScanner
from twinspace.moderation.pipeline import ModerationPipeline
from twinspace.moderation.policy_book import PolicyBook
from twinspace.moderation.privacy import PrivacyService
from twinspace.moderation.profiles import ProfileScreen
from twinspace.realtime.project_events import ProjectEventHub
from twinspace.storage import Storage
from twinspace.workspace.access import AccessRules
from twinspace.workspace.documents import DocumentService


class Moderation:
    def __init__(
        self,
        storage: Storage,
        settings: Settings,
        access: AccessRules,
        accounts: AccountService,
        hub: ProjectEventHub,
        documents: DocumentService,
        events: DomainEventBus,
    ) -> None:
        self._storage = storage
        wordlists = load_wordlists(settings.wordlist_dir)
        lexicons = load_lexicons(settings.wordlist_dir)
        self.audit = AuditTrail(storage)
        self.policies = PolicyBook(storage, self.audit)
        self.pipeline = ModerationPipeline(
            storage, settings, access, self.policies, self.audit, wordlists, hub, lexicons, events
        )
        self.desk = ModerationDesk(
            storage, access, hub, self.audit, self.pipeline.handlers, self.policies, events
        )
        self.pages = PageScanner(
            storage,
            documents,
            self.policies,
            hub,
            FilterConfig(wordlists=wordlists, lexicons=lexicons),
        )
        self.profiles = ProfileScreen(wordlists)
        self.privacy = PrivacyService(
            storage, access, accounts, self.audit, events, settings.pupil_retention_days
        )
        self.pages.attach()
        events.subscribe(self.on_event)

    async def on_event(self, event: DomainEvent) -> None:
        if isinstance(event, PageLockChanged):
            actor = await self._storage.users.get(event.actor_id)
            await self.audit.record(
                project_id=event.project_id,
                actor=actor,
                action="page_locked" if event.locked else "page_unlocked",
                item_kind="page",
                item_id=event.page_id,
            )
        elif isinstance(event, PageVersionRestored):
            actor = await self._storage.users.get(event.actor_id)
            await self.audit.record(
                project_id=event.project_id,
                actor=actor,
                action="page_restored",
                item_kind="page",
                item_id=event.page_id,
                details={"version_id": event.version_id, "saved_before_as": event.saved_version_id},
            )

    async def stop(self) -> None:
        await self.pages.stop()
