"""One `/ws/projects/{id}` connection: the client messages it accepts (validated with
pydantic), the viewer it stands for, its subscriptions and its outbox.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.websockets import WebSocket

from twinspace.errors import DomainError, Forbidden, NotFound, Problem, RuleViolation
from twinspace.face.sockets.call_frames import (
    CALL_TYPES,
    CallControl,
    CallJoin,
    CallLeave,
    CallMedia,
    CallPermit,
    CallSignal,
    handle_call,
)
from twinspace.face.sockets.socket_loop import Close, CloseFlag
from twinspace.realtime import close_codes
from twinspace.realtime.limits import KeyedBuckets
from twinspace.realtime.outbox import Outbox
from twinspace.realtime.presence import Location
from twinspace.realtime.project_events import Event, Refresh, encode
from twinspace.realtime.protocol import MalformedMessage, parse_json
from twinspace.services.container import Services
from twinspace.storage.records import ChannelRecord
from twinspace.workspace.access import Access, Action

MAX_SUBSCRIPTIONS = 200
TYPING_EVERY_SECONDS = 2.0

Ids = Annotated[list[Annotated[int, Field(ge=1)]], Field(max_length=MAX_SUBSCRIPTIONS)]
Ref = Annotated[str | None, Field(None, max_length=64)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ref: Ref = None


class Subscribe(_Message):
    type: Literal["subscribe"]
    channels: Ids = Field(default_factory=list)
    boards: Ids = Field(default_factory=list)


class Unsubscribe(_Message):
    type: Literal["unsubscribe"]
    channels: Ids = Field(default_factory=list)
    boards: Ids = Field(default_factory=list)


class Typing(_Message):
    type: Literal["typing"]
    channel_id: int = Field(ge=1)


class LocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["channel", "board", "page"]
    id: int = Field(ge=1)


class PresenceReport(_Message):
    type: Literal["presence"]
    location: LocationIn | None


class Ping(_Message):
    type: Literal["ping"]


ClientMessage = Annotated[
    Subscribe
    | Unsubscribe
    | Typing
    | PresenceReport
    | Ping
    | CallJoin
    | CallLeave
    | CallSignal
    | CallMedia
    | CallControl
    | CallPermit,
    Field(discriminator="type"),
]
_CLIENT_MESSAGE: TypeAdapter[Any] = TypeAdapter(ClientMessage)
CLIENT_TYPES = ("subscribe", "unsubscribe", "typing", "presence", "ping", *CALL_TYPES)


class ProjectConnection:
    """One socket: the viewer it represents, its subscriptions and its bounded send queue."""

    def __init__(
        self,
        websocket: WebSocket,
        services: Services,
        access: Access,
        pupil_class: int | None,
        *,
        session_id: int,
        session_expires_at: datetime,
    ) -> None:
        self.websocket = websocket
        self.services = services
        self.access = access
        self.pupil_class = pupil_class
        self.user_id = access.user.id
        self.project_id = access.project.id
        # the session it was opened with: ending that session closes it (connections.py)
        self.session_id = session_id
        self.session_expires_at = session_expires_at
        self.channels: dict[int, ChannelRecord] = {}
        self.boards: set[int] = set()
        self.scopes: set[str] = set()
        self.position = services.project_events.position(self.project_id)
        self.outbox: Outbox[str] = Outbox(services.settings.ws_send_queue_messages)
        self.close_request: Close | None = None
        self.closed = CloseFlag()
        self.typing = KeyedBuckets(1 / TYPING_EVERY_SECONDS, 1)
        self._tasks: set[asyncio.Task[None]] = set()

    # -- the viewer seen by audiences -----------------------------------------------------

    @property
    def is_teacher(self) -> bool:
        return self.access.is_teacher

    def can_see_channel(self, channel: ChannelRecord) -> bool:
        return self.access.can_see_channel(channel, self.pupil_class)

    # -- outgoing -------------------------------------------------------------------------

    def on_bus(self, message: object) -> None:
        """Bus listener (synchronous): filter, then queue the shared, pre-encoded text."""
        if isinstance(message, Event):
            self.position = message.id
            if message.scope is not None and message.scope not in self.scopes:
                return
            if message.audience.matches(self):
                self.send(message.text)
        elif isinstance(message, Refresh) and message.user_id in (None, self.user_id):
            task = asyncio.create_task(self.refresh())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def send(self, text: str) -> None:
        if not self.closed.is_set() and not self.outbox.put(text):
            self.close(
                close_codes.TRY_AGAIN_LATER,
                "client too slow to read: reconnect with ?since=<last id>",
            )

    def local(self, event_type: str, data: dict[str, Any]) -> None:
        """A reply to this connection only; its id is the stream position, a valid `since`."""
        text = encode(self.position, event_type, data)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate the client sent as a JSON escape (in a `ref` or a key an error
            # names) cannot go out as UTF-8; surrogates only occur inside JSON strings, where
            # the same `\uXXXX` escape is valid JSON for the same value.
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        self.send(text)

    def error(self, code: str, detail: str, ref: str | None = None, **extra: Any) -> None:
        self.local("error", {"code": code, "detail": detail, "ref": ref, **extra})

    def close(self, code: int, reason: str) -> None:
        if not self.closed.is_set():
            self.close_request = Close(code, reason)
            self.closed.set()

    async def refresh(self) -> None:
        """The member's role or the project's state changed: reload access, drop what the
        member may no longer see."""
        try:
            self.access = await self.services.access.project(self.access.user, self.project_id)
            self.pupil_class = await self.services.access.pupil_class(self.access)
        except NotFound:
            self.close(close_codes.FORBIDDEN, "no longer a member")
            return
        dropped = [
            channel_id
            for channel_id, channel in self.channels.items()
            if not self.can_see_channel(channel)
        ]
        for channel_id in dropped:
            self._drop("channel", channel_id)
        self.local(
            "access.changed",
            {
                "role": self.access.role.value,
                "project_state": self.access.project.state.value,
                "subscriptions": self.subscriptions(),
                "dropped": {"channels": dropped},
            },
        )

    def _drop(self, kind: str, item_id: int) -> None:
        self.scopes.discard(f"{kind}:{item_id}")
        if kind == "channel":
            self.channels.pop(item_id, None)
        else:
            self.boards.discard(item_id)

    def subscriptions(self) -> dict[str, list[int]]:
        return {"channels": sorted(self.channels), "boards": sorted(self.boards)}

    # -- incoming -------------------------------------------------------------------------

    async def subscribe(self, channel_ids: list[int], board_ids: list[int]) -> dict[str, list[int]]:
        """Add what this member may see; returns the ids that do not exist for them."""
        wanted = {f"channel:{i}" for i in channel_ids} | {f"board:{i}" for i in board_ids}
        if len(self.scopes | wanted) > MAX_SUBSCRIPTIONS:
            raise RuleViolation(
                f"at most {MAX_SUBSCRIPTIONS} subscriptions per connection",
                problem=Problem.TOO_MANY_SUBSCRIPTIONS,
                maximum=MAX_SUBSCRIPTIONS,
            )
        storage = self.services.storage
        missing: dict[str, list[int]] = {"channels": [], "boards": []}
        for channel_id in dict.fromkeys(channel_ids):
            channel = await storage.channels.get(channel_id)
            if (
                channel is None
                or channel.project_id != self.project_id
                or not self.can_see_channel(channel)
            ):
                missing["channels"].append(channel_id)
                continue
            self.channels[channel_id] = channel
            self.scopes.add(f"channel:{channel_id}")
        for board_id in dict.fromkeys(board_ids):
            board = await storage.boards.get(board_id)
            if board is None or board.project_id != self.project_id:
                missing["boards"].append(board_id)
                continue
            self.boards.add(board_id)
            self.scopes.add(f"board:{board_id}")
        return missing

    async def handle(self, text: str) -> None:
        """One client frame. Every way it can be malformed ends in a 1007 close or an `error`
        event, never a traceback (docs/events-protocol.md, "Close codes")."""
        try:
            raw = parse_json(text)  # also too deep to parse, or NaN/Infinity
        except MalformedMessage:
            raise Close(close_codes.MALFORMED, "messages are JSON objects") from None
        ref = raw.get("ref") if isinstance(raw, dict) else None
        ref = ref if isinstance(ref, str) and len(ref) <= 64 else None
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
            self.error("invalid", "send a JSON object with a string `type`", ref)
            return
        if raw["type"] not in CLIENT_TYPES:
            self.error(
                "unknown-type",
                f"unknown message type {raw['type'][:40]!r}",
                ref,
                known=list(CLIENT_TYPES),
            )
            return
        try:
            message = _CLIENT_MESSAGE.validate_python(raw)
        except ValidationError as exc:
            errors = [
                {"loc": [str(p) for p in e["loc"]], "msg": e["msg"]}
                for e in exc.errors(include_url=False, include_input=False)
            ]
            self.error("invalid", "the message does not match its schema", ref, errors=errors)
            return
        try:
            await self._dispatch(message)
        except DomainError as exc:
            # Throttled and some Unavailable hold it; a call's SignalThrottled sends it as a value
            wait = getattr(exc, "retry_after", None) or exc.extra.get("retry_after")
            retry = {"retry_after": wait} if wait is not None else {}
            # `code` stays the class's (docs/events-protocol.md); a precise code rides in
            # `problem` with its values, for the client to say (docs/i18n.md)
            precise = getattr(exc, "type_code", None)
            if precise is None:
                self.error(exc.code, exc.detail, ref, **retry)
            else:
                values = {k: v for k, v in exc.extra.items() if k != "retry_after"}
                self.error(precise, exc.detail, ref, problem=exc.code, values=values, **retry)

    async def _dispatch(self, message: Any) -> None:
        match message:
            case Subscribe(channels=channels, boards=boards, ref=ref):
                missing = await self.subscribe(channels, boards)
                self.local("subscribed", {**self.subscriptions(), "not_found": missing, "ref": ref})
            case Unsubscribe(channels=channels, boards=boards, ref=ref):
                for channel_id in channels:
                    self._drop("channel", channel_id)
                for board_id in boards:
                    self._drop("board", board_id)
                self.local("unsubscribed", {**self.subscriptions(), "ref": ref})
            case Typing(channel_id=channel_id):
                self._typing(channel_id)
            case PresenceReport(location=location):
                place = await self._location(location) if location else None
                self.services.presence.move(self.project_id, self.user_id, place)
            case Ping(ref=ref):
                self.local("pong", {"ref": ref})
            case (
                CallJoin() | CallLeave() | CallSignal() | CallMedia() | CallControl() | CallPermit()
            ):
                await handle_call(self.services.calls, self.access, self, message)

    def _typing(self, channel_id: int) -> None:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise NotFound("subscribe to the channel first")
        if not self.access.can(Action.POST) or channel.archived_at is not None:
            raise Forbidden("you cannot write in this channel")
        if self.typing.take(channel_id):
            self.services.project_events.publish(
                self.project_id,
                "typing",
                {
                    "channel_id": channel_id,
                    "user": {"id": self.user_id, "display_name": self.access.user.display_name},
                },
                scope=f"channel:{channel_id}",
                durable=False,
            )

    async def _location(self, location: LocationIn) -> Location:
        storage = self.services.storage
        if location.kind == "channel":
            channel = await storage.channels.get(location.id)
            if channel and channel.project_id == self.project_id and self.can_see_channel(channel):
                return Location("channel", channel.id, channel)
        elif location.kind == "board":
            board = await storage.boards.get(location.id)
            if board and board.project_id == self.project_id:
                return Location("board", board.id)
        else:
            page = await storage.pages.get(location.id)
            if page and page.project_id == self.project_id and page.deleted_at is None:
                return Location("page", page.id)
        raise NotFound(f"no such {location.kind}")
