"""`/ws/projects/{project_id}`: a project's JSON event stream (protocol v1).

See docs/events-protocol.md. A connection authenticates like the docs socket, subscribes to
channels and boards, and receives every event whose audience includes it; `?since=<id>` on
connect replays what it missed (or says `reload`). Each connection has a bounded send queue,
a message-rate bucket, a size limit and an idle timeout; breaking one closes that socket only.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.websockets import WebSocket

from twinspace.face.auth import Caller
from twinspace.face.sockets.admission import admit, json_text_frames, serve_registered
from twinspace.face.sockets.project_connection import MAX_SUBSCRIPTIONS, ProjectConnection
from twinspace.face.sockets.socket_loop import run_connection
from twinspace.realtime.project_events import PROTOCOL_VERSION
from twinspace.services.container import Services

log = logging.getLogger("twinspace.realtime.events")


def _query_ids(websocket: WebSocket, name: str) -> list[int]:
    raw = websocket.query_params.get(name, "")
    parts = (part.strip() for part in raw.split(","))
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses
    ids = [int(part) for part in parts if part.isascii() and part.isdigit() and len(part) < 19]
    return ids[:MAX_SUBSCRIPTIONS]


async def project_events_endpoint(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    project_id = websocket.path_params["project_id"]
    assert isinstance(project_id, int)

    async def resolve(caller: Caller) -> tuple[ProjectConnection, dict[str, list[int]]]:
        access = await services.access.project(caller.auth.user, project_id)
        pupil_class = await services.access.pupil_class(access)
        connection = ProjectConnection(
            websocket,
            services,
            access,
            pupil_class,
            session_id=caller.auth.session_id,
            session_expires_at=caller.auth.expires_at,
        )
        missing = await connection.subscribe(
            _query_ids(websocket, "channels"), _query_ids(websocket, "boards")
        )
        return connection, missing

    admitted = await admit(websocket, services, resolve, unknown="unknown project")
    if admitted is not None:
        connection, missing = admitted
        since = websocket.query_params.get("since")
        await serve_registered(
            websocket, services, connection, lambda: _serve(connection, since, missing)
        )


async def _serve(
    connection: ProjectConnection, since: str | None, missing: dict[str, list[int]]
) -> None:
    services = connection.services
    hub = services.project_events
    presence = await services.presence.view(connection.project_id, connection)
    # From here to the greeting and the replay being queued there is no await, so the first
    # live event the listener gets follows them (project_events.attach).
    attached = await hub.attach(connection.project_id, since, connection.on_bus)
    replay = attached.replay
    resumed = replay is not None and replay.reload is None
    events = replay.events if replay is not None and resumed else []
    connection.outbox.limit += len(events) + 2
    head = attached.position
    connection.position = since if resumed and since else head
    connection.local(
        "hello",
        {
            "protocol": PROTOCOL_VERSION,
            "project_id": connection.project_id,
            "user": {
                "id": connection.user_id,
                "display_name": connection.access.user.display_name,
                "role": connection.access.role.value,
            },
            "subscriptions": connection.subscriptions(),
            "not_found": missing,
            "presence": presence,
            "resumed": resumed,
            "replayed": len(events),
            "limits": _limits(services),
        },
    )
    for event in events:
        connection.on_bus(event)
    connection.position = head
    if replay is not None and replay.reload is not None:
        connection.local("reload", {"reason": replay.reload})
    unsubscribe = attached.detach
    services.presence.join(
        connection.project_id,
        connection.user_id,
        connection.access.user.display_name,
        connection.access.role,
    )
    try:
        await run_connection(connection, _receive_loop(connection), connection.websocket.send_text)
    finally:
        unsubscribe()
        services.calls.leave_all(connection)
        services.presence.leave(connection.project_id, connection.user_id)


def _limits(services: Services) -> dict[str, Any]:
    settings = services.settings
    return {
        "max_message_bytes": settings.ws_max_message_bytes,
        "messages_per_second": settings.ws_messages_per_second,
        "burst": settings.ws_message_burst,
        "idle_timeout_seconds": settings.idle_timeout_seconds,
    }


async def _receive_loop(connection: ProjectConnection) -> None:
    def rate_limited(retry_after: float) -> None:
        connection.error("rate-limited", "too many messages: slow down", retry_after=retry_after)

    async for text in json_text_frames(
        connection.websocket, connection.services, rate_limited, connection
    ):
        if connection.closed.is_set():
            return  # closing (e.g. its session ended): nothing more it sends counts
        await connection.handle(text)
