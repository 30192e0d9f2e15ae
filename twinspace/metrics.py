"""Prometheus metrics, one registry per app instance."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

PROCESS_LABEL = "process"


class _ProcessLabelled(Collector):
    """Every sample of `registry`, with the label `process="<id>"` added."""

    def __init__(self, registry: CollectorRegistry, process: str) -> None:
        self.registry = registry
        self.process = process

    def collect(self) -> Iterator[Metric]:
        for family in self.registry.collect():
            labelled = Metric(family.name, family.documentation, family.type, family.unit)
            for sample in family.samples:
                labelled.add_sample(
                    sample.name,
                    {**sample.labels, PROCESS_LABEL: self.process},
                    sample.value,
                    sample.timestamp,
                    sample.exemplar,
                )
            yield labelled


class Metrics:
    """One registry per app. In clustered mode, `process` names this process (docs/cluster.md,
    "Running a cluster") and every exported sample carries it as the label `process`: several
    processes behind one port or one load balancer stay apart in Prometheus."""

    def __init__(self, process: str | None = None) -> None:
        self.registry = CollectorRegistry()
        self.process = process
        self._exported: CollectorRegistry = self.registry
        if process is not None:
            self._exported = CollectorRegistry(auto_describe=False)
            self._exported.register(_ProcessLabelled(self.registry, process))
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

    def exposition(self) -> bytes:
        """The Prometheus text served at /metrics."""
        return generate_latest(self._exported)

    def gauge(self, name: str, description: str, read: Callable[[], float]) -> None:
        """A gauge read at scrape time (rooms loaded, tasks, queued bytes...)."""
        Gauge(name, description, registry=self.registry).set_function(read)

    def watch_event_loop(self) -> None:
        self.gauge(
            "twinspace_asyncio_tasks",
            "Tasks alive on the event loop",
            lambda: len(asyncio.all_tasks()),
        )
