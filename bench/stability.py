"""Leaks and drift: memory after 10,000 join/leave cycles, and a soak at the fan-out load.

    .venv/bin/python bench/stability.py [--cycles 10000] [--soak-minutes 10] [--parts churn,soak]

Churn: real y-websocket clients (bench/node/idle.mjs, with presence) join R rooms and leave
again, round after round, until `--cycles` connections have come and gone; then the rooms'
grace period passes. Reported: the server's RSS after warm-up, after the churn, and its
gauges from /metrics (rooms loaded, room clients, presence states, websockets, event-loop
tasks, bus topics) — everything must be back at its starting level.

Soak: the fan-out load (10 docs x 30 clients x 2 edits/s by default) for `--soak-minutes`, with
edits typed as people type (`--pattern typing`: each client appends to its own text and deletes
its oldest token, so pages stay the same size and memory has a steady state; `random` is the
fan-out benchmark's random-position inserts, whose pages grow all the time). RSS sampled every
10 s; reported: RSS per minute, growth over the second half, server and load-generator CPU,
delivery and latency. Flat memory means the second half grows by less than 2 %.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import subprocess
import sys
import time
import urllib.request
from typing import Any

from harness import fanout, report
from harness.clients import idle_clients
from harness.procs import BenchError, JsonLines, Sampler, exit_on_sigterm, node_command, running
from harness.targets import Target, server

MB = 1024 * 1024
GAUGES = (
    "twinspace_rooms_loaded",
    "twinspace_room_clients",
    "twinspace_awareness_states",
    "twinspace_websocket_users",
    "twinspace_asyncio_tasks",
    "twinspace_bus_topics",
)
GRACE = {"TWINSPACE_MAX_CONNECTIONS_PER_USER": "0", "TWINSPACE_ROOM_GRACE_SECONDS": "1"}


def gauges(target: Target) -> dict[str, float]:
    base = target.url.replace("ws://", "http://").removesuffix("/ws/docs")
    with urllib.request.urlopen(base + "/metrics", timeout=10) as reply:
        text = reply.read().decode()
    found = {}
    for name in GAUGES:
        match = re.search(rf"^{name} ([0-9.e+]+)$", text, re.MULTILINE)
        found[name] = float(match.group(1)) if match else float("nan")
    return found


def settle(target: Target, sampler: Sampler, seconds: float = 8.0) -> tuple[int, dict[str, float]]:
    """Wait out the rooms' grace period and lingering closes; RSS and gauges."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(1.0)
        if gauges(target)["twinspace_rooms_loaded"] == 0:
            break
    time.sleep(1.0)
    return sampler.rss(), gauges(target)


def churn(cycles: int, rooms: int, per_room: int) -> dict[str, Any]:
    with server("twinspace", rooms, GRACE) as target, Sampler(target.pid) as sampler:
        with idle_clients(target, target.rooms, per_room, awareness=True):
            pass  # warm every code path once
        rss_start, start = settle(target, sampler)
        done = 0
        started = time.monotonic()
        while done < cycles:
            with idle_clients(target, target.rooms, per_room, awareness=True) as ready:
                done += int(ready["clients"])
        elapsed = time.monotonic() - started
        rss_end, end = settle(target, sampler)
        peak = sampler.peak_rss
    return {
        "cycles": done,
        "seconds": elapsed,
        "rss_start_mb": rss_start / MB,
        "rss_end_mb": rss_end / MB,
        "peak_mb": peak / MB,
        "start": start,
        "end": end,
    }


def soak(minutes: float, workload: fanout.Workload) -> dict[str, Any]:
    samples: list[tuple[float, int]] = []
    seconds = minutes * 60
    long_run = dataclasses.replace(workload, seconds=seconds)
    with (
        server("twinspace", workload.docs, {"TWINSPACE_MAX_CONNECTIONS_PER_USER": "0"}) as target,
        Sampler(target.pid) as sampler,
        running(
            node_command("load.mjs", *target.client_args(), *long_run.args()),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
        ) as loadgen,
    ):
        assert loadgen.stdout is not None
        events = JsonLines(loadgen.stdout)
        events.wait_for("ready", 120)
        events.wait_for("measure-start", 120)
        started, cpu_start = time.monotonic(), sampler.cpu()
        while time.monotonic() - started < seconds:
            samples.append((time.monotonic() - started, sampler.rss()))
            time.sleep(10)
        cpu = 100 * (sampler.cpu() - cpu_start) / (time.monotonic() - started)
        result = events.wait_for("result", seconds + 120)
        loadgen.wait(30)
    half = [rss for t, rss in samples if t >= seconds / 2]
    growth = (half[-1] - half[0]) / half[0] if len(half) > 1 else 0.0
    per_minute = [rss / MB for t, rss in samples if int(t) % 60 < 10]
    return {
        "minutes": minutes,
        "pattern": workload.pattern,
        "rss_per_minute_mb": per_minute,
        "second_half_growth_percent": 100 * growth,
        "delivered": result["delivery"],
        "p50_ms": result["latencyMs"]["p50"],
        "p99_ms": result["latencyMs"]["p99"],
        "server_cpu_percent": cpu,
        "loadgen_cpu_percent": result["loadgen"]["cpuPercent"],
        "loadgen_delay_p99_ms": result["loadgen"]["loopDelayP99Ms"],
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="churn,soak")
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--per-room", type=int, default=10)
    parser.add_argument("--soak-minutes", type=float, default=10.0)
    parser.add_argument("--docs", type=int, default=10)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--rate", type=float, default=2.0)
    parser.add_argument(
        "--pattern",
        choices=("typing", "random"),
        default="typing",
        help="how soak clients edit (see above)",
    )
    args = parser.parse_args(argv)
    exit_on_sigterm()
    parts = set(args.parts.split(","))
    results: dict[str, Any] = {}
    if "churn" in parts:
        print(f"churn: {args.cycles} join/leave cycles over {args.rooms} rooms ...", flush=True)
        result = churn(args.cycles, args.rooms, args.per_room)
        results["churn"] = result
        print(
            report.table(
                ("", "RSS MB", *(g.removeprefix("twinspace_") for g in GAUGES)),
                [
                    ["start", result["rss_start_mb"], *result["start"].values()],
                    [
                        f"after {result['cycles']} cycles",
                        result["rss_end_mb"],
                        *result["end"].values(),
                    ],
                ],
            )
        )
        print(
            f"  {result['cycles']} cycles in {result['seconds']:.0f} s; "
            f"peak RSS {result['peak_mb']:.0f} MB\n"
        )
    if "soak" in parts:
        workload = fanout.Workload(
            args.docs, args.clients, args.rate, 5.0, 0.0, 5.0, 1, args.pattern
        )
        print(
            f"soak: {workload.label}, {args.pattern}, for {args.soak_minutes:g} min ...", flush=True
        )
        result = soak(args.soak_minutes, workload)
        results["soak"] = result
        print(report.table(("minute", "RSS MB"), list(enumerate(result["rss_per_minute_mb"]))))
        print(
            f"  second-half RSS growth {result['second_half_growth_percent']:+.1f} %; "
            f"delivered {result['delivered']:.4f}; p50 {result['p50_ms']:.1f} ms, "
            f"p99 {result['p99_ms']:.1f} ms; server CPU {result['server_cpu_percent']:.0f} %, "
            f"load generator CPU {result['loadgen_cpu_percent']:.0f} % "
            f"(event-loop delay p99 {result['loadgen_delay_p99_ms']:.0f} ms)\n"
        )
    report.save(
        "stability",
        {k: {kk: vv for kk, vv in v.items() if kk != "samples"} for k, v in results.items()},
    )
    return results


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench: {exc}")
