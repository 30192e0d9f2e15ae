"""A real uvicorn server on a free port, in the test's event loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from tests.support import database
from twinspace.app.server import uvicorn_config
from twinspace.config import Settings, load_settings
from twinspace.services.container import Services

FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 64, "argon2_parallelism": 1}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "port": free_port(),
        "room_grace_seconds": 0.2,
        **FAST_HASHING,
    }
    values.update(overrides)
    if database.on_postgres() and "database_url" not in overrides:
        values["database_url"] = database.url_for_data_dir(data_dir)
    return load_settings(environ={}, **values)


@dataclass
class LiveServer:
    settings: Settings
    server: uvicorn.Server

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.settings.port}"

    @property
    def services(self) -> Services:
        app: Any = self.server.config.app
        services: Services = app.state.services
        return services

    def client(self, token: str | None = None, **kw: Any) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=30, **kw)


@asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    config = uvicorn_config(settings)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(20):
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("server stopped during start-up")
            await asyncio.sleep(0.01)
    try:
        yield LiveServer(settings, server)
    finally:
        server.should_exit = True
        async with asyncio.timeout(20):
            await task
