"""Build a `World` (schools, people, projects) in a running cluster's PostgreSQL database.

The builder is an embedded-mode `Services` on the cluster's database (no Redis, no serving):
what it writes the cluster's processes read, and the session tokens it starts are valid on
every process. Talk to a given process with `node.base_url` / `node.ws_url`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import httpx

from tests.support.cluster import Cluster, Node
from tests.support.server import LiveServer, make_settings
from tests.support.world import World
from twinspace.services.container import Services


class ClusterBuilder:
    def __init__(self, services: Services, node: Node) -> None:
        self._services = services
        self.node = node

    @property
    def services(self) -> Services:
        return self._services

    def client(self, token: str | None = None, **kw: Any) -> httpx.AsyncClient:
        return node_client(self.node, token, **kw)


def node_client(node: Node, token: str | None = None, **kw: Any) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(base_url=node.base_url, headers=headers, timeout=30, **kw)


@asynccontextmanager
async def cluster_world(cluster: Cluster) -> AsyncIterator[World]:
    settings = make_settings(cluster.data_dir, database_url=cluster.database_url)
    services = await Services.start(settings)
    try:
        # a World uses only `services` and `client` of its server
        yield World(cast(LiveServer, ClusterBuilder(services, cluster.nodes[0])))
    finally:
        await services.stop()
