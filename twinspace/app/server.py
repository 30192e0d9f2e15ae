"""uvicorn configuration from settings (used by the CLI, tests and benchmarks), and one serving
process: `run_server` (a drain on SIGTERM, app/drain.py), on its own port or on a listening
socket inherited from `twinspace serve --workers N` (app/workers.py)."""

from __future__ import annotations

import logging
import socket

import uvicorn

from twinspace.app.drain import Drain, DrainingServer
from twinspace.app.factory import create_app
from twinspace.config import Settings
from twinspace.face.guard import guarded_protocol
from twinspace.face.sockets.frame_writer import FrameWriterProtocol


def uvicorn_config(settings: Settings, drain: Drain | None = None) -> uvicorn.Config:
    # uvicorn's access log prints query strings, where `?token=` lives: ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
    return uvicorn.Config(
        create_app(settings, drain=drain),
        host=settings.host,
        port=settings.port,
        http=guarded_protocol(settings.request_head_timeout_seconds),
        limit_concurrency=settings.max_open_connections or None,
        ws=(
            FrameWriterProtocol
            if settings.ws_implementation == "websockets-sansio"
            else settings.ws_implementation
        ),
        ws_max_size=settings.ws_max_message_bytes,
        ws_per_message_deflate=settings.ws_per_message_deflate,
        ws_ping_interval=settings.ws_ping_interval_seconds,
        ws_ping_timeout=settings.ws_ping_interval_seconds,
        access_log=False,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=10,
        lifespan="on",
    )


def run_server(settings: Settings, listening: socket.socket | None = None) -> None:
    """Serve until SIGTERM (drained, exit 0) or SIGINT; on `listening` when given (a worker of
    `serve --workers N`), else bound to the settings' host and port."""
    drain = Drain(settings.drain_seconds, settings.drain_close_seconds)
    server = DrainingServer(uvicorn_config(settings, drain), drain)
    server.run(sockets=None if listening is None else [listening])
