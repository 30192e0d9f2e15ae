"""The service container: one instance per running app, built at startup."""

from __future__ import annotations

from dataclasses import dataclass

from twinspace.accounts.service import AccountService
from twinspace.config import Settings
from twinspace.events import EventHub
from twinspace.metrics import Metrics
from twinspace.registry import RegistryService
from twinspace.storage import Storage
from twinspace.workspace.access import AccessRules
from twinspace.workspace.pages import PageService
from twinspace.workspace.projects import ProjectService
from twinspace.workspace.spaces import SpaceService


@dataclass
class Services:
    settings: Settings
    storage: Storage
    events: EventHub
    metrics: Metrics
    accounts: AccountService
    registry: RegistryService
    access: AccessRules
    projects: ProjectService
    pages: PageService
    spaces: SpaceService

    @classmethod
    async def start(cls, settings: Settings, metrics: Metrics | None = None) -> Services:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        storage = Storage.sqlite(settings.database_path)
        await storage.connect()
        events = EventHub()
        accounts = AccountService(storage, settings, events)
        registry = RegistryService(storage, accounts)
        access = AccessRules(storage)
        return cls(
            settings=settings, storage=storage, events=events, metrics=metrics or Metrics(),
            accounts=accounts, registry=registry, access=access,
            projects=ProjectService(storage, access, registry, events),
            pages=PageService(storage, events), spaces=SpaceService(storage),
        )

    async def stop(self) -> None:
        await self.storage.close()
