"""Fan-out: drive one server with load.mjs and sample the server process meanwhile."""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from harness.procs import JsonLines, Sampler, node_command, running
from harness.targets import Target

MB = 1024 * 1024


@dataclass(frozen=True)
class Workload:
    docs: int
    clients: int
    rate: float
    warmup: float
    seconds: float
    drain: float
    workers: int = 1
    pattern: str = "random"  # or "typing": see bench/node/load-worker.mjs

    @property
    def label(self) -> str:
        return f"{self.docs}x{self.clients}x{self.rate:g}/s"

    def args(self) -> list[str]:
        return [
            "--clients",
            str(self.clients),
            "--rate",
            str(self.rate),
            "--warmup",
            str(self.warmup),
            "--seconds",
            str(self.seconds),
            "--drain",
            str(self.drain),
            "--workers",
            str(self.workers),
            "--pattern",
            self.pattern,
        ]


class Samplers:
    """Several processes sampled as one: CPU seconds and RSS summed."""

    def __init__(self, samplers: list[Sampler]) -> None:
        self.samplers = samplers

    def rss(self) -> int:
        return sum(sampler.rss() for sampler in self.samplers)

    def cpu(self) -> float:
        return sum(sampler.cpu() for sampler in self.samplers)

    def reset_peak(self) -> None:
        for sampler in self.samplers:
            sampler.reset_peak()

    @property
    def peak_rss(self) -> int:
        return sum(sampler.peak_rss for sampler in self.samplers)


def measure(target: Target, workload: Workload, also: Sequence[Sampler] = ()) -> dict[str, Any]:
    """Run the workload against `target`; load.mjs's result plus the server's CPU and RSS
    (summed over a cluster's processes), and the CPU % of each process `also` samples."""
    connect_timeout = 60 + workload.docs * workload.clients * 0.05
    run_timeout = workload.warmup + workload.seconds + 30
    with (
        contextlib.ExitStack() as samplers,
        running(
            node_command("load.mjs", *target.client_args(), *workload.args()),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
        ) as loadgen,
    ):
        server = Samplers([samplers.enter_context(Sampler(pid)) for pid in target.pids])
        assert loadgen.stdout is not None
        events = JsonLines(loadgen.stdout)
        rss_idle = server.rss()
        ready = events.wait_for("ready", connect_timeout)
        rss_connected = server.rss()
        server.reset_peak()
        events.wait_for("measure-start", run_timeout)
        cpu_start, wall_start = server.cpu(), time.monotonic()
        extra_start = [sampler.cpu() for sampler in also]
        events.wait_for("measure-end", run_timeout)
        cpu_end, wall_end = server.cpu(), time.monotonic()
        extra_end = [sampler.cpu() for sampler in also]
        result = events.wait_for("result", workload.drain + 30)
        peak = server.peak_rss
        loadgen.wait(30)
    result.update(
        server=target.name,
        workload=workload.label,
        connect_ms=ready["connectMs"],
        server_cpu_percent=100 * (cpu_end - cpu_start) / (wall_end - wall_start),
        server_rss_idle_mb=rss_idle / MB,
        server_rss_connected_mb=rss_connected / MB,
        server_rss_peak_mb=peak / MB,
        also_cpu_percent=[
            100 * (end - start) / (wall_end - wall_start)
            for start, end in zip(extra_start, extra_end, strict=True)
        ],
    )
    return result


HEADERS = (
    "server",
    "docs x clients x rate",
    "edits/s",
    "delivered",
    "deliveries/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "server CPU %",
    "peak RSS MB",
    "loadgen CPU %",
)


def warnings(result: dict[str, Any], workload: Workload) -> list[str]:
    """What makes a row's figures suspect: a lagging load generator, reconnects, bad tokens."""
    notes = []
    target = workload.docs * workload.clients * workload.rate
    achieved = result["sent"] / result["seconds"]
    if achieved < 0.95 * target:
        notes.append(f"the load generator sent {achieved:.0f} edits/s of {target:.0f}")
    lag = result["loadgen"]["loopDelayP99Ms"]
    if lag > 50:
        notes.append(f"load generator event-loop delay p99 {lag:.0f} ms (latencies include it)")
    if result["reconnects"]:
        notes.append(f"{result['reconnects']} client reconnects")
    if result["malformed"]:
        notes.append(f"{result['malformed']} unreadable edit tokens")
    return notes


def row(result: dict[str, Any]) -> list[Any]:
    latency = result["latencyMs"]
    delivery = result["delivery"]
    return [
        result["server"],
        result["workload"],
        round(result["sent"] / result["seconds"]),
        f"{delivery:.4f}" if delivery is not None else None,
        round(result["observed"] / result["seconds"]),
        latency["p50"],
        latency["p99"],
        latency["max"],
        result["server_cpu_percent"],
        result["server_rss_peak_mb"],
        result["loadgen"]["cpuPercent"],
    ]


MEDIAN_HEADERS = (
    "server",
    "runs",
    "min delivered",
    "p50 ms",
    "p99 ms",
    "max ms",
    "server CPU %",
    "peak RSS MB",
)


def medians(results: list[dict[str, Any]]) -> list[list[Any]]:
    """Per server: the median of each figure over its runs (and the worst delivery)."""
    rows = []
    for name in dict.fromkeys(r["server"] for r in results):
        runs = [r for r in results if r["server"] == name]

        def median(pick: Any, runs: list[dict[str, Any]] = runs) -> float:
            return float(statistics.median(pick(r) for r in runs))

        worst = min(r["delivery"] or 0.0 for r in runs)
        rows.append(
            [
                name,
                len(runs),
                f"{worst:.4f}",
                median(lambda r: r["latencyMs"]["p50"]),
                median(lambda r: r["latencyMs"]["p99"]),
                median(lambda r: r["latencyMs"]["max"]),
                median(lambda r: r["server_cpu_percent"]),
                median(lambda r: r["server_rss_peak_mb"]),
            ]
        )
    return rows
