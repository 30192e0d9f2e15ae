"""Storage: every SQL statement of TwinSpaces lives in this package.

`Storage` is the seam the domain uses: repositories bound to autocommit reads/writes, and
`transaction()` for writes that belong together. The backend is SQLite (aiosqlite, the embedded
default) or PostgreSQL (psycopg 3), chosen by `TWINSPACE_DATABASE_URL`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from twinspace.storage.accounts import PupilRepo, SessionRepo, TeacherRepo, UserRepo
from twinspace.storage.address_invitations import AddressInvitationRepo
from twinspace.storage.boards import BoardContentRepo
from twinspace.storage.calendar import CalendarFeedRepo
from twinspace.storage.chat import MessageRepo, ReadRepo
from twinspace.storage.competitions import CompetitionRepo
from twinspace.storage.consent import ConsentRepo
from twinspace.storage.db import (
    Backend,
    Database,
    Executor,
    SchemaTooNew,
    StorageError,
    ValueOutOfRange,
)
from twinspace.storage.documents import DocumentRepo
from twinspace.storage.labels import LabelRepo
from twinspace.storage.live_sessions import LiveSessionRepo
from twinspace.storage.mail import MailKeyRepo, MailPreferenceRepo, OutboxRepo
from twinspace.storage.media import MediaRepo
from twinspace.storage.moderation import (
    ActivityRepo,
    AuditRepo,
    FindingRepo,
    MuteRepo,
    PolicyRepo,
    QueueRepo,
    ReportRepo,
)
from twinspace.storage.notifications import NotificationRepo
from twinspace.storage.plan import PlanRepo
from twinspace.storage.projects import InvitationRepo, MembershipRepo, ProjectRepo
from twinspace.storage.registry import ClassRepo, CountryRepo, SchoolRepo
from twinspace.storage.search import SearchRepo
from twinspace.storage.spaces import BoardRepo, ChannelRepo, PageRepo
from twinspace.storage.sql import Dialect
from twinspace.storage.training import TrainingRepo

__all__ = [
    "Backend",
    "Database",
    "Repositories",
    "SchemaTooNew",
    "Storage",
    "StorageError",
    "ValueOutOfRange",
]


class Repositories:
    """Every repository, bound to one executor (autocommit or one transaction)."""

    def __init__(self, ex: Executor) -> None:
        self.executor = ex
        self.users = UserRepo(ex)
        self.teachers = TeacherRepo(ex)
        self.pupils = PupilRepo(ex)
        self.sessions = SessionRepo(ex)
        self.countries = CountryRepo(ex)
        self.schools = SchoolRepo(ex)
        self.classes = ClassRepo(ex)
        self.projects = ProjectRepo(ex)
        self.memberships = MembershipRepo(ex)
        self.invitations = InvitationRepo(ex)
        self.pages = PageRepo(ex)
        self.channels = ChannelRepo(ex)
        self.boards = BoardRepo(ex)
        self.training = TrainingRepo(ex)
        self.calendar_feeds = CalendarFeedRepo(ex)
        self.labels = LabelRepo(ex)
        self.documents = DocumentRepo(ex)
        self.policies = PolicyRepo(ex)
        self.mutes = MuteRepo(ex)
        self.queue = QueueRepo(ex)
        self.reports = ReportRepo(ex)
        self.findings = FindingRepo(ex)
        self.audit = AuditRepo(ex)
        self.activity = ActivityRepo(ex)
        self.messages = MessageRepo(ex)
        self.reads = ReadRepo(ex)
        self.board_content = BoardContentRepo(ex)
        self.media = MediaRepo(ex)
        self.live_sessions = LiveSessionRepo(ex)
        self.search = SearchRepo(ex)
        self.plan = PlanRepo(ex)
        self.competitions = CompetitionRepo(ex)
        self.mail_outbox = OutboxRepo(ex)
        self.mail_preferences = MailPreferenceRepo(ex)
        self.mail_keys = MailKeyRepo(ex)
        self.address_invitations = AddressInvitationRepo(ex)
        self.notifications = NotificationRepo(ex)
        self.consent = ConsentRepo(ex)


class Storage(Repositories):
    def __init__(self, db: Backend) -> None:
        super().__init__(db.autocommit)
        self.db = db

    @classmethod
    def sqlite(cls, path: Path, *, busy_timeout_ms: int = 5000) -> Storage:
        return cls(Database(path, busy_timeout_ms=busy_timeout_ms))

    @classmethod
    def postgresql(
        cls, url: str, *, pool_size: int = 10, acquire_timeout_ms: int = 5000
    ) -> Storage:
        from twinspace.storage.postgres import PostgresDatabase  # psycopg only when asked for

        return cls(
            PostgresDatabase(url, pool_size=pool_size, acquire_timeout_ms=acquire_timeout_ms)
        )

    @property
    def dialect(self) -> Dialect:
        return self.executor.dialect

    async def connect(self) -> None:
        await self.db.connect()

    async def close(self) -> None:
        await self.db.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repositories]:
        async with self.db.transaction() as ex:
            yield Repositories(ex)
