"""Page sockets are served past Starlette's middleware and router (app/factory.py,
TwinSpacesApp) and past a frame of uvicorn's proxy-header middleware (app/server.py): what
those layers did for them still happens."""

from __future__ import annotations

from typing import Any

import pytest
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.pages.conftest import Classroom
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.app.server import ForwardedHeaders
from twinspace.realtime import close_codes
from twinspace.storage.db import StorageError


def _sample(classroom: Classroom, name: str, **labels: str) -> float:
    value = classroom.services.metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else float(value)


async def test_page_sockets_are_counted_and_closed_as_before(classroom: Classroom) -> None:
    open_before = _sample(classroom, "twinspace_websocket_connections", endpoint="docs")
    client = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.teacher.token
    )
    await client.sync()
    assert _sample(classroom, "twinspace_websocket_connections", endpoint="docs") == (
        open_before + 1
    )
    await client.close()
    await eventually(
        lambda: (
            _sample(classroom, "twinspace_websocket_connections", endpoint="docs") == open_before
        )
    )
    # refusals too: an unknown room is accepted and closed with 4404
    stranger = await YClient.connect(
        classroom.world.server.ws_url, "no-such-room", token=classroom.teacher.token
    )
    assert await stranger.wait_closed() == close_codes.UNKNOWN_ROOM
    await eventually(
        lambda: (
            _sample(
                classroom,
                "twinspace_websocket_closed_total",
                endpoint="docs",
                code=str(close_codes.UNKNOWN_ROOM),
            )
            == 1
        )
    )


async def test_a_storage_failure_in_the_handshake_is_answered_with_its_problem(
    classroom: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise StorageError("disk I/O error")

    monkeypatch.setattr(classroom.services.access, "page_by_room", unavailable)
    url = f"{classroom.world.server.ws_url}/ws/docs/{classroom.page.room}"
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"{url}?token={classroom.teacher.token}", open_timeout=10):
            pass
    assert refused.value.response.status_code == 503
    assert refused.value.response.headers["Retry-After"] == "5"


async def test_forwarded_headers_rewrite_the_scope_without_a_frame_of_their_own() -> None:
    seen: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(dict(scope))

    rewrite = ForwardedHeaders(ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1"))
    scope = {
        "type": "websocket",
        "client": ("127.0.0.1", 5000),
        "scheme": "ws",
        "headers": [(b"x-forwarded-for", b"203.0.113.9"), (b"x-forwarded-proto", b"https")],
    }
    awaitable = rewrite(scope, None, None)
    assert scope["client"] == ("203.0.113.9", 0) and scope["scheme"] == "wss"
    await awaitable
    assert seen and seen[0]["client"] == ("203.0.113.9", 0)
    untrusted = {**scope, "client": ("198.51.100.1", 5000), "scheme": "ws"}
    await rewrite(untrusted, None, None)
    assert untrusted["client"] == ("198.51.100.1", 5000) and untrusted["scheme"] == "ws"
