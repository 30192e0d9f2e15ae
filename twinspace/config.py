"""Settings: `TWINSPACE_<NAME>` environment variables, overridden by CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

ENV_PREFIX = "TWINSPACE_"


class ConfigError(ValueError):
    """A setting has a bad value; the message names the variable."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    public_origins: tuple[str, ...] = ()
    cookie_secure: bool = False
    log_format: Literal["plain", "json"] = "plain"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    metrics_token: str | None = None
    forwarded_allow_ips: str = "127.0.0.1"
    web_dir: Path | None = None

    # accounts
    session_ttl_seconds: int = Field(14 * 24 * 3600, ge=60)
    session_check_seconds: float = Field(1.0, gt=0, le=60)
    argon2_time_cost: int = Field(3, ge=1, le=20)
    argon2_memory_kib: int = Field(65536, ge=8, le=4 * 1024 * 1024)
    argon2_parallelism: int = Field(4, ge=1, le=64)
    login_failures_per_account_address: int = Field(5, ge=1)
    login_failures_per_account: int = Field(50, ge=1)
    login_failures_per_address: int = Field(30, ge=1)
    login_window_seconds: int = Field(900, ge=1)
    login_known_address_days: int = Field(30, ge=0, le=365)

    # HTTP limits
    request_head_timeout_seconds: float = Field(10.0, gt=0)
    body_idle_timeout_seconds: float = Field(30.0, gt=0)
    max_open_connections: int = Field(0, ge=0)
    max_body_bytes: int = Field(256 * 1024, ge=1024)
    max_upload_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    project_quota_bytes: int = Field(1024 * 1024 * 1024, ge=1024)

    # websocket limits
    ws_max_message_bytes: int = Field(1024 * 1024, ge=1024)
    max_document_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    ws_messages_per_second: float = Field(100.0, gt=0)
    ws_message_burst: int = Field(200, ge=1)
    max_connections_per_user: int = Field(20, ge=0)
    handshake_timeout_seconds: float = Field(10.0, gt=0)
    idle_timeout_seconds: float = Field(120.0, gt=0)
    ws_per_message_deflate: bool = False
    ws_implementation: Literal["websockets-sansio", "websockets"] = "websockets-sansio"
    # uvicorn's event loop: "auto" takes uvloop when it is installed, else asyncio's own
    event_loop: Literal["auto", "asyncio", "uvloop"] = "auto"
    ws_ping_interval_seconds: float = Field(20.0, gt=0)
    ws_send_queue_messages: int = Field(1024, ge=1)
    # The longest an outgoing frame waits for later ones to the same socket, so that they leave
    # in one system call; a socket not written to for this long is flushed at once
    # (face/sockets/frame_writer.py). 0: flushed on the next turn of the event loop.
    fanout_coalesce_ms: int = Field(16, ge=0, le=200)
    awareness_state_bytes: int = Field(2048, ge=256, le=1024 * 1024)
    awareness_connection_bytes: int = Field(4096, ge=256, le=4 * 1024 * 1024)
    awareness_clients_per_connection: int = Field(4, ge=1, le=64)

    # storage
    database_url: str | None = None
    database_pool_size: int = Field(10, ge=1, le=1000)
    db_busy_timeout_ms: int = Field(5000, ge=0, le=600_000)
    persist_max_queued_bytes: int = Field(64 * 1024 * 1024, ge=1024)

    # clustered mode (docs/cluster.md): several processes share PostgreSQL and Redis
    redis_url: str | None = None
    # every Redis key and channel starts with `<prefix>:`, so several TwinSpaces (or test runs)
    # can share one Redis
    redis_prefix: str = Field(
        "twinspace", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$"
    )
    # pages across processes (docs/cluster.md, "Pages across processes"): how often each
    # process compares its open pages with the stored update log (0: never, i.e. a bare
    # pub/sub relay; only the fault tests use 0, to show that it loses edits), how often it
    # tells the others it is alive, and after how long without a word its clients' awareness
    # (cursors) is removed on the others
    cluster_reconcile_seconds: float = Field(1.0, ge=0, le=60)
    cluster_heartbeat_seconds: float = Field(2.0, gt=0, le=60)
    cluster_peer_timeout_seconds: float = Field(10.0, gt=0, le=600)
    # fault injection for the tests only: the share of page-update messages not published
    cluster_drop_page_updates: float = Field(0.0, ge=0, le=1)

    # SIGTERM: seconds `/readyz` answers 503 (the load balancer takes the process out) before
    # sockets close with 1012 and the process exits (app/drain.py)
    drain_seconds: float = Field(0.0, ge=0, le=600)
    # ... then the websockets are closed over this many seconds, not all at once
    drain_close_seconds: float = Field(0.0, ge=0, le=300)

    # realtime
    crdt_engine: Literal["y-py", "pycrdt"] | None = None
    room_grace_seconds: float = Field(10.0, ge=0)
    # Group-commit window of page updates; None: 100 ms embedded, 20 ms clustered (there an
    # update reaches the other processes only once committed: docs/cluster.md)
    persist_batch_ms: int | None = Field(None, ge=0, le=5000)
    compact_after_updates: int = Field(500, ge=2)
    version_interval_seconds: int = Field(600, ge=1)
    version_page_budget_bytes: int = Field(64 * 1024 * 1024, ge=1024)
    version_project_budget_bytes: int = Field(512 * 1024 * 1024, ge=1024)
    page_settle_seconds: float = Field(5.0, ge=0)
    # how often pages' last-edited time and editor are written (one transaction for all pages)
    page_edit_record_seconds: float = Field(2.0, gt=0)

    # project events socket, chat, boards and uploads
    events_replay_events: int = Field(1000, ge=0, le=100_000)
    events_replay_seconds: float = Field(600.0, ge=0, le=86_400)
    max_image_pixels: int = Field(50_000_000, ge=10_000, le=500_000_000)
    image_keep_pixels: int = Field(12_500_000, ge=10_000, le=500_000_000)
    image_decode_concurrency: int = Field(2, ge=1, le=64)
    image_decode_wait_seconds: float = Field(120.0, gt=0, le=600)
    uploads_per_minute: float = Field(20.0, gt=0)
    upload_burst: int = Field(10, ge=1)

    # moderation
    wordlist_dir: Path | None = None
    posts_per_minute: float = Field(30.0, gt=0)
    post_burst: int = Field(10, ge=1)
    upload_text_timeout_seconds: float = Field(30.0, gt=0, le=600)
    upload_text_max_chars: int = Field(200_000, ge=1_000, le=10_000_000)
    upload_text_max_pages: int = Field(500, ge=1, le=100_000)
    upload_text_memory_mb: int = Field(1024, ge=256, le=65_536)
    tesseract: str = "tesseract"
    ocr_languages: tuple[str, ...] = ("eng",)

    # class-to-class video (docs/events-protocol.md, "Calls"): STUN/TURN URLs handed to browsers,
    # and the secret coturn's `static-auth-secret` holds, from which short-lived TURN
    # credentials are derived (live_sessions/ice.py)
    ice_servers: tuple[str, ...] = ()
    turn_secret: SecretStr | None = None
    turn_ttl_seconds: int = Field(3600, ge=60, le=86_400)
    ice_transport_policy: Literal["all", "relay"] = "all"

    # privacy
    pupil_retention_days: int = Field(365, ge=0)

    # e-mail (docs/mail.md)
    smtp_url: str | None = None
    mail_sender: str | None = None
    mail_poll_seconds: float = Field(5.0, gt=0, le=3600)
    mail_retry_base_seconds: float = Field(10.0, gt=0, le=3600)
    mail_retry_cap_seconds: float = Field(900.0, gt=0, le=86_400)
    mail_timeout_seconds: float = Field(30.0, gt=0, le=600)
    invitation_link_days: int = Field(14, ge=1, le=365)
    # notifications (docs/notifications.md)
    notification_tick_seconds: float = Field(30.0, gt=0, le=3600)
    digest_hour_utc: int = Field(16, ge=0, le=23)

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("is not a postgresql:// URL (leave it unset to use SQLite)")
        return value or None

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                "is not a redis://, rediss:// or unix:// URL (leave it unset for one process)"
            )
        return value or None

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("smtp://", "smtps://")):
            raise ValueError("is not an smtp:// or smtps:// URL (leave it unset to send no mail)")
        return value or None

    @field_validator("mail_sender")
    @classmethod
    def _sender(cls, value: str | None) -> str | None:
        if value and "@" not in value:
            raise ValueError("is not an e-mail address (Name <address@example.org> or address)")
        return value or None

    @field_validator("public_origins")
    @classmethod
    def _origins_are_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for origin in value:
            if not origin.startswith(("http://", "https://")) or origin.endswith("/"):
                raise ValueError(f"{origin!r} is not an origin like https://school.example")
        return value

    @field_validator("ice_servers")
    @classmethod
    def _ice_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            if not url.startswith(("stun:", "stuns:", "turn:", "turns:")) or len(url) > 512:
                raise ValueError(f"{url!r} is not a stun:, stuns:, turn: or turns: URL")
        return value

    @model_validator(mode="after")
    def _turn_needs_secret(self) -> Settings:
        if self.turn_secret is None and any(u.startswith("turn") for u in self.ice_servers):
            raise ValueError("turn: URLs need TWINSPACE_TURN_SECRET (coturn's static-auth-secret)")
        return self

    @model_validator(mode="after")
    def _cluster_needs_shared_storage(self) -> Settings:
        if self.redis_url is not None and self.database_url is None:
            raise ValueError(
                "TWINSPACE_REDIS_URL (clustered mode) needs TWINSPACE_DATABASE_URL: processes "
                "of a cluster share one PostgreSQL database, never a SQLite file"
            )
        return self

    @property
    def clustered(self) -> bool:
        """Several processes share PostgreSQL and Redis (docs/cluster.md)."""
        return self.redis_url is not None

    @property
    def persist_batch_seconds(self) -> float:
        """The group-commit window of page updates (`persist_batch_ms`, or the mode's)."""
        if self.persist_batch_ms is not None:
            return self.persist_batch_ms / 1000
        return 0.02 if self.clustered else 0.1

    @property
    def database_path(self) -> Path:
        return self.data_dir / "twinspace.sqlite3"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def link_origin(self) -> str:
        """The origin links in e-mail point to: the first public origin, else host and port."""
        if self.public_origins:
            return self.public_origins[0]
        return f"http://{self.host}:{self.port}"

    @property
    def allowed_origins(self) -> frozenset[str]:
        """Origins trusted for cookie-authenticated requests and websockets."""
        if self.public_origins:
            return frozenset(self.public_origins)
        return frozenset(
            {
                f"http://{self.host}:{self.port}",
                f"http://localhost:{self.port}",
                f"http://127.0.0.1:{self.port}",
            }
        )


_LIST_FIELDS = {"public_origins", "ocr_languages", "ice_servers"}


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from the environment, then apply non-None overrides (CLI flags)."""
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    for name in Settings.model_fields:
        key = ENV_PREFIX + name.upper()
        if key in environ:
            value: Any = environ[key]
            if name in _LIST_FIELDS:
                value = tuple(part.strip() for part in value.split(",") if part.strip())
            raw[name] = value
    raw.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            if not error["loc"]:  # a rule between settings names them in its message
                problems.append(error["msg"])
                continue
            field = str(error["loc"][0])
            problems.append(f"{ENV_PREFIX}{field.upper()}: {error['msg']}")
        raise ConfigError("invalid settings: " + "; ".join(problems)) from None
