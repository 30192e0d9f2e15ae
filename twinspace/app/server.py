"""uvicorn configuration from settings (used by the CLI, tests and benchmarks), and one serving
process: `run_server` (a drain on SIGTERM, app/drain.py), on its own port or on a listening
socket inherited from `twinspace serve --workers N` (app/workers.py)."""

from __future__ import annotations

import copy
import logging
import socket
from collections.abc import Awaitable
from typing import Any

import uvicorn
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from twinspace.app.drain import Drain, DrainingServer
from twinspace.app.factory import create_app
from twinspace.config import Settings
from twinspace.face.guard import guarded_protocol
from twinspace.face.sockets.frame_writer import FrameWriterProtocol


async def _rewritten(scope: Any, receive: Any, send: Any) -> None:
    return None


class ForwardedHeaders:
    """uvicorn's ProxyHeadersMiddleware (the client and scheme from X-Forwarded-For and
    X-Forwarded-Proto sent by trusted proxies) without a suspended frame of its own under
    every websocket for the socket's whole life: its rewrite of the scope is run to its end
    here (it awaits nothing but the app, here one that returns at once), then the app's own
    awaitable is returned."""

    def __init__(self, proxy: ProxyHeadersMiddleware) -> None:
        self.app = proxy.app
        self._rewrite = copy.copy(proxy)
        self._rewrite.app = _rewritten

    def __call__(self, scope: Any, receive: Any, send: Any) -> Awaitable[None]:
        step = self._rewrite(scope, receive, send)
        try:
            step.send(None)
        except StopIteration:
            return self.app(scope, receive, send)
        step.close()
        raise RuntimeError("ProxyHeadersMiddleware waited for something")


class TwinSpacesConfig(uvicorn.Config):
    def load(self) -> None:
        super().load()
        if isinstance(self.loaded_app, ProxyHeadersMiddleware):
            self.loaded_app = ForwardedHeaders(self.loaded_app)


def protocol_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's event loop, protocols and their limits for these settings (also what
    bench/floor_server.py serves its bare app with)."""
    return {
        "loop": settings.event_loop,
        "http": guarded_protocol(settings.request_head_timeout_seconds),
        "limit_concurrency": settings.max_open_connections or None,
        "ws": (
            FrameWriterProtocol.with_coalescing(settings.fanout_coalesce_ms)
            if settings.ws_implementation == "websockets-sansio"
            else settings.ws_implementation
        ),
        "ws_max_size": settings.ws_max_message_bytes,
        "ws_per_message_deflate": settings.ws_per_message_deflate,
        "ws_ping_interval": settings.ws_ping_interval_seconds,
        "ws_ping_timeout": settings.ws_ping_interval_seconds,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }


def uvicorn_config(settings: Settings, drain: Drain | None = None) -> uvicorn.Config:
    # uvicorn's access log prints query strings, where `?token=` lives: ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
    return TwinSpacesConfig(
        create_app(settings, drain=drain),
        # the app's __call__ returns an awaitable rather than being a coroutine function
        # (factory.TwinSpacesApp), which uvicorn's guess would take for ASGI 2
        interface="asgi3",
        host=settings.host,
        port=settings.port,
        **protocol_options(settings),
        access_log=False,
        log_config=None,
        timeout_graceful_shutdown=10,
        lifespan="on",
    )


def run_server(settings: Settings, listening: socket.socket | None = None) -> None:
    """Serve until SIGTERM (drained, exit 0) or SIGINT; on `listening` when given (a worker of
    `serve --workers N`), else bound to the settings' host and port."""
    drain = Drain(settings.drain_seconds, settings.drain_close_seconds)
    server = DrainingServer(uvicorn_config(settings, drain), drain)
    server.run(sockets=None if listening is None else [listening])
