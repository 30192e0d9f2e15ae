"""The service container: one instance per running app, built at startup."""

from __future__ import annotations

from dataclasses import dataclass

from twinspace.accounts.service import AccountService
from twinspace.boards.service import BoardService
from twinspace.calendar.service import CalendarService
from twinspace.chat.service import ChatService
from twinspace.cluster.node import ClusterNode
from twinspace.cluster.page_relay import PageRelay
from twinspace.config import Settings
from twinspace.consent.service import ConsentService
from twinspace.domain_events import DomainEventBus
from twinspace.labels.competitions import CompetitionService
from twinspace.labels.service import LabelService
from twinspace.live_sessions.calls import CallService
from twinspace.live_sessions.service import (
    JOIN_ATTEMPT_BURST,
    JOIN_ATTEMPTS_PER_MINUTE,
    LiveSessionService,
)
from twinspace.mail.service import MailService
from twinspace.media.decoding import DecodeSlots, ImageLimits
from twinspace.media.service import MediaService
from twinspace.metrics import Metrics
from twinspace.moderation.facade import Moderation
from twinspace.moderation.file_text.service import FileTextReader, ReadLimits
from twinspace.notifications.from_events import NotificationWriter
from twinspace.notifications.scheduler import NotificationScheduler
from twinspace.notifications.service import NotificationService
from twinspace.realtime.bus import LocalBus
from twinspace.realtime.connections import ConnectionRegistry
from twinspace.realtime.limits import KeyedBuckets
from twinspace.realtime.presence import Presence
from twinspace.realtime.project_events import ProjectEventHub
from twinspace.realtime.session_watch import SessionWatch
from twinspace.registry.service import RegistryService
from twinspace.search.service import SearchService
from twinspace.storage import Storage
from twinspace.training.service import TrainingService
from twinspace.workspace.access import AccessRules
from twinspace.workspace.documents import DocumentService
from twinspace.workspace.email_invitations import EmailInvitations
from twinspace.workspace.pages import PageService
from twinspace.workspace.plan import PlanService
from twinspace.workspace.projects import ProjectService
from twinspace.workspace.spaces import SpaceService


def storage_for(settings: Settings) -> Storage:
    """PostgreSQL when `TWINSPACE_DATABASE_URL` is set, else SQLite in the data dir."""
    if settings.database_url:
        return Storage.postgresql(
            settings.database_url,
            pool_size=settings.database_pool_size,
            acquire_timeout_ms=settings.db_busy_timeout_ms,
        )
    return Storage.sqlite(settings.database_path, busy_timeout_ms=settings.db_busy_timeout_ms)


@dataclass
class Services:
    settings: Settings
    storage: Storage
    events: DomainEventBus
    metrics: Metrics
    accounts: AccountService
    registry: RegistryService
    access: AccessRules
    projects: ProjectService
    pages: PageService
    spaces: SpaceService
    training: TrainingService
    calendar: CalendarService
    labels: LabelService
    connections: ConnectionRegistry
    documents: DocumentService
    bus: LocalBus
    moderation: Moderation
    project_events: ProjectEventHub
    presence: Presence
    chat: ChatService
    boards: BoardService
    media: MediaService
    live_sessions: LiveSessionService
    search: SearchService
    session_watch: SessionWatch
    plan: PlanService
    competitions: CompetitionService
    notifications: NotificationService
    notification_writer: NotificationWriter
    notification_scheduler: NotificationScheduler
    calls: CallService
    mail: MailService
    email_invitations: EmailInvitations
    consent: ConsentService
    # clustered mode only (TWINSPACE_REDIS_URL, docs/cluster.md): project events, limits and
    # domain events (cluster), pages (page_relay), over the cluster's one Redis link
    cluster: ClusterNode | None = None
    page_relay: PageRelay | None = None

    @classmethod
    async def start(cls, settings: Settings, metrics: Metrics | None = None) -> Services:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        storage = storage_for(settings)
        await storage.connect()
        events = DomainEventBus()
        cluster = ClusterNode.from_settings(settings)
        accounts = AccountService(storage, settings, events)
        registry = RegistryService(storage, accounts, events)
        access = AccessRules(storage)
        bus = LocalBus()
        project_events = (
            cluster.project_events
            if cluster is not None
            else ProjectEventHub(
                bus,
                replay_events=settings.events_replay_events,
                replay_seconds=settings.events_replay_seconds,
            )
        )
        documents = DocumentService(storage, settings, access, events)
        moderation = Moderation(
            storage, settings, access, accounts, project_events, documents, events
        )
        hook = moderation.pipeline
        # before live sessions: a pupil without consent hears about consent first
        consent = ConsentService(storage, access, events, moderation.privacy, project_events)
        boards = BoardService(storage, project_events, hook, access)
        presence = cluster.presence if cluster is not None else Presence(project_events)
        pages = PageService(storage, events)
        spaces = SpaceService(storage)
        connections = ConnectionRegistry(
            settings, cluster.connection_cap if cluster is not None else None
        )
        metrics = metrics or Metrics()
        mail = MailService(storage, settings)
        projects = ProjectService(storage, access, registry, events)
        email_invitations = EmailInvitations(
            storage, projects, mail, link_days=settings.invitation_link_days
        )
        registry.on_reviewed(email_invitations.reviewed)
        file_text = FileTextReader(
            ReadLimits(
                timeout_seconds=settings.upload_text_timeout_seconds,
                max_chars=settings.upload_text_max_chars,
                max_pages=settings.upload_text_max_pages,
                memory_bytes=settings.upload_text_memory_mb * 1024 * 1024,
                tesseract=settings.tesseract,
                ocr_languages=settings.ocr_languages,
            ),
            metrics.registry,
        )
        await file_text.probe_ocr()
        notifications = NotificationService(
            storage,
            cluster.user_bus if cluster is not None else bus,
            mail,
            settings.public_origins[0] if settings.public_origins else "",
        )
        live_sessions = LiveSessionService(
            storage, access, events, project_events, presence, documents, pages, spaces
        )
        services = cls(
            settings=settings,
            storage=storage,
            events=events,
            metrics=metrics,
            accounts=accounts,
            registry=registry,
            access=access,
            projects=projects,
            pages=pages,
            spaces=spaces,
            training=TrainingService(storage, registry, events),
            calendar=CalendarService(storage),
            labels=LabelService(storage, access, registry, events),
            connections=connections,
            documents=documents,
            bus=bus,
            moderation=moderation,
            project_events=project_events,
            presence=presence,
            chat=ChatService(storage, project_events, hook, access),
            boards=boards,
            media=MediaService(
                storage,
                project_events,
                hook,
                access,
                boards,
                media_dir=settings.media_dir,
                quota_bytes=settings.project_quota_bytes,
                image_limits=ImageLimits(settings.max_image_pixels, settings.image_keep_pixels),
                decode_slots=DecodeSlots(
                    concurrency=settings.image_decode_concurrency,
                    wait_seconds=settings.image_decode_wait_seconds,
                ),
                upload_rate=KeyedBuckets(
                    rate=settings.uploads_per_minute / 60, burst=settings.upload_burst
                ),
                file_text=file_text,
            ),
            live_sessions=live_sessions,
            search=SearchService(storage, access, documents),
            session_watch=SessionWatch(connections, storage, settings.session_check_seconds),
            plan=PlanService(storage),
            competitions=CompetitionService(storage, access, registry),
            notifications=notifications,
            notification_writer=NotificationWriter(storage, access, notifications),
            notification_scheduler=NotificationScheduler(storage, notifications, settings),
            calls=CallService(
                storage,
                access,
                project_events,
                live_sessions,
                ice_servers=settings.ice_servers,
                turn_secret=settings.turn_secret,
                turn_ttl_seconds=settings.turn_ttl_seconds,
                ice_transport_policy=settings.ice_transport_policy,
                share=cluster.calls if cluster is not None else None,
            ),
            mail=mail,
            email_invitations=email_invitations,
            consent=consent,
            cluster=cluster,
        )
        if cluster is not None:
            accounts.throttle = cluster.sign_in
            moderation.pipeline.share_limits(cluster.post_rate, cluster.slow_mode)
            live_sessions.share_join_attempts(
                cluster.join_attempts(JOIN_ATTEMPTS_PER_MINUTE, JOIN_ATTEMPT_BURST)
            )
            services.page_relay = PageRelay(
                cluster.link, documents.rooms, documents.persistence, storage, settings
            )
        events.subscribe(services.connections.on_event)
        events.subscribe(services.documents.on_event)
        events.subscribe(project_events.on_domain_event)
        events.subscribe(services.notification_writer.on_event)
        events.subscribe(services.calls.on_event)
        if cluster is not None:
            # what the others' socket-closing events do here (twinspace/cluster/domain_relay.py)
            relay = cluster.relay_domain_events(
                [
                    services.connections.on_event,
                    services.documents.on_event,
                    project_events.reapply,
                    services.calls.on_event,
                ]
            )
            events.subscribe(relay.on_event)
        return services

    def start_background(self) -> None:
        """Start the tasks a serving app needs (the CLI's one-shot commands skip them)."""
        self.documents.start()
        rooms, persistence = self.documents.rooms, self.documents.persistence
        relay = self.page_relay
        if relay is not None:
            relay.start()
            self.metrics.gauge(
                "twinspace_cluster_page_updates_reconciled",
                "Page updates that reached this process through the stored log, not pub/sub",
                lambda: relay.stats()["reconciled_updates"],
            )
            self.metrics.gauge(
                "twinspace_cluster_peers",
                "Other processes heard from",
                lambda: relay.stats()["peers"],
            )
        self.metrics.watch_event_loop()
        self.metrics.gauge(
            "twinspace_rooms_loaded", "Page rooms loaded", lambda: rooms.stats()["rooms"]
        )
        self.metrics.gauge(
            "twinspace_room_clients", "Clients in page rooms", lambda: rooms.stats()["clients"]
        )
        self.metrics.gauge(
            "twinspace_awareness_states",
            "Awareness states held",
            lambda: rooms.stats()["awareness_clients"],
        )
        self.metrics.gauge(
            "twinspace_websocket_users", "Open websockets (both endpoints)", self.connections.count
        )
        self.metrics.gauge(
            "twinspace_persist_queued_bytes",
            "Page updates not yet stored",
            lambda: persistence.queued_bytes,
        )
        self.metrics.gauge(
            "twinspace_bus_topics", "Fan-out topics with listeners", self.bus.topic_count
        )
        self.live_sessions.start()
        self.search.start()
        self.metrics.gauge(
            "twinspace_search_indexed", "Search marks applied", lambda: self.search.indexer.indexed
        )
        self.session_watch.start()
        self.mail.start()
        self.notification_scheduler.start()
        if self.cluster is not None:
            self.cluster.start()
            self._cluster_gauges(self.cluster)

    def _cluster_gauges(self, cluster: ClusterNode) -> None:
        self.metrics.gauge(
            "twinspace_cluster_streams_followed",
            "Redis streams this process reads (projects, users, domain events)",
            cluster.reader.followed,
        )
        self.metrics.gauge(
            "twinspace_cluster_stream_backlog",
            "Stream entries waiting to be written to Redis",
            lambda: cluster.writer.queued,
        )
        self.metrics.gauge(
            "twinspace_cluster_redis_errors",
            "Failed Redis stream reads and writes since start",
            lambda: cluster.reader.errors + cluster.writer.errors,
        )

    async def stop(self) -> None:
        await self.notification_scheduler.stop()
        await self.notification_writer.idle()
        await self.mail.stop()
        await self.session_watch.stop()
        await self.search.stop()
        await self.live_sessions.stop()
        await self.moderation.stop()
        await self.documents.stop()
        if self.page_relay is not None:
            await self.page_relay.stop()
        if self.cluster is not None:
            await self.cluster.stop()  # closes the Redis link last
        self.media.close()
        await self.storage.close()
