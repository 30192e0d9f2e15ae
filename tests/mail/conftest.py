from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support.server import LiveServer, live_server, make_settings
from tests.support.smtp import SmtpServer
from tests.support.world import World


def mail_settings(smtp: SmtpServer) -> dict[str, object]:
    return {
        "smtp_url": smtp.url,
        "mail_sender": "TwinSpaces <noreply@twinspaces.example>",
        "mail_poll_seconds": 0.1,
        "mail_retry_base_seconds": 0.05,
        "mail_retry_cap_seconds": 0.3,
        "mail_timeout_seconds": 5,
    }


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def mail_server(tmp_path: Path, smtp: SmtpServer) -> AsyncIterator[LiveServer]:
    async with live_server(make_settings(tmp_path / "data", **mail_settings(smtp))) as running:
        yield running


@pytest.fixture
def mail_world(mail_server: LiveServer) -> World:
    return World(mail_server)
