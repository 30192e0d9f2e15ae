"""Prometheus metrics, one registry per app instance."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "twinspace_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_duration = Histogram(
            "twinspace_http_request_duration_seconds",
            "HTTP request duration",
            ["route"],
            registry=self.registry,
        )
        self.ws_open = Gauge(
            "twinspace_websocket_connections",
            "Open websocket connections",
            ["endpoint"],
            registry=self.registry,
        )
        self.ws_closed = Counter(
            "twinspace_websocket_closed_total",
            "Closed websocket connections by close code",
            ["endpoint", "code"],
            registry=self.registry,
        )

    def gauge(self, name: str, description: str, read: Callable[[], float]) -> None:
        """A gauge read at scrape time (rooms loaded, tasks, queued bytes...)."""
        Gauge(name, description, registry=self.registry).set_function(read)

    def watch_event_loop(self) -> None:
        self.gauge(
            "twinspace_asyncio_tasks",
            "Tasks alive on the event loop",
            lambda: len(asyncio.all_tasks()),
        )
