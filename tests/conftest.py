from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.server import LiveServer, live_server, make_settings
from tests.support.world import World


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    async with live_server(make_settings(tmp_path / "data")) as running:
        yield running


@pytest.fixture
def world(server: LiveServer) -> World:
    return World(server)
