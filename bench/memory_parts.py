"""Where the memory of an idle TwinSpaces connection goes, part by part (tracemalloc).

A TwinSpaces server runs under tracemalloc (bench/traced_serve.py). After a warm-up room with
two clients, a snapshot is taken; then K idle y-websocket clients (bench/node/idle.mjs, no
presence) join R rooms and a second snapshot is taken. The growth of Python-allocated memory
between the two, divided by the number of new connections, is grouped two ways:

- by part: the file that allocated it (uvicorn's protocol, the websockets parser, asyncio
  tasks and futures, Starlette, TwinSpaces modules ...);
- by the innermost TwinSpaces line on the allocation's stack (which of our calls made it);
- by the allocating line itself (any file);
- by the innermost frames of the allocation's stack (``--depth``, default 3);
- by object type (the objects the garbage collector tracks, counted and sized with
  ``sys.getsizeof``), and what the allocators hold: pymalloc's arenas (used blocks, free
  blocks in used pools) and glibc malloc's heap (in use, free).

RSS per connection is shown too (it includes what tracemalloc cannot see: the transport's
buffers in C, allocator slack, and tracemalloc's own bookkeeping, so compare it with
bench/memory.py's untraced figure, not with the sum of the parts).

    .venv/bin/python bench/memory_parts.py [--connections 1000] [--rooms 100] [--tree PATH]

``--tree`` runs the server from another checkout (e.g. an exported older revision) to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path
from typing import Any

from harness import report
from harness.clients import idle_clients
from harness.procs import Sampler, exit_on_sigterm, free_port, running
from harness.targets import TWINSPACE_ENV, Target, _wait_healthy, seed_twinspace
from memory import settled_rss

HERE = Path(__file__).resolve().parent
KB = 1024

# (part, a path fragment of the allocating file), first match wins
PARTS = (
    ("uvicorn protocol", "/uvicorn/"),
    ("websockets parser/protocol", "/websockets/"),
    ("asyncio (tasks, futures, events, transports)", "/asyncio/"),
    ("starlette (WebSocket, routing, middleware)", "/starlette/"),
    ("outbox", "twinspace/realtime/outbox.py"),
    ("awareness", "twinspace/realtime/awareness.py"),
    ("rooms", "twinspace/realtime/rooms.py"),
    ("doc socket (DocConnection, receive loop)", "twinspace/face/sockets/docs_socket.py"),
    ("socket lifecycle (socket_loop, admission)", "twinspace/face/sockets/"),
    ("auth, sessions, access", "twinspace/face/auth"),
    ("storage (rows, records)", "twinspace/storage/"),
    ("other TwinSpaces", "twinspace/"),
)


def part_of(filename: str) -> str:
    for part, fragment in PARTS:
        if fragment in filename:
            return part
    return "other: " + "/".join(Path(filename).parts[-2:])


def twinspace_line(trace: tracemalloc.Traceback) -> str:
    """The innermost TwinSpaces frame of an allocation (most recent call first)."""
    for frame in reversed(trace):  # tracemalloc keeps the oldest frame first
        if "/twinspace/" in frame.filename and "/bench/" not in frame.filename:
            return f"{frame.filename.split('/twinspace/', 1)[1]}:{frame.lineno}"
    return "(no TwinSpaces frame: " + part_of(trace[-1].filename if len(trace) else "?") + ")"


def snapshot(pid: int, base: Path, index: int) -> tuple[tracemalloc.Snapshot, dict[str, Any]]:
    os.kill(pid, signal.SIGUSR1)
    done = Path(f"{base}.{index}.done")
    deadline = time.monotonic() + 300
    while not done.exists():
        if time.monotonic() > deadline:
            raise SystemExit("the traced server wrote no snapshot")
        time.sleep(0.2)
    census = json.loads(Path(f"{base}.{index}.census.json").read_text())
    return tracemalloc.Snapshot.load(f"{base}.{index}"), census


def stack_of(trace: tracemalloc.Traceback, depth: int) -> str:
    """The innermost `depth` frames of an allocation, innermost first."""
    frames = list(reversed(trace))[:depth]  # tracemalloc keeps the oldest frame first
    return " < ".join(f"{'/'.join(Path(f.filename).parts[-2:])}:{f.lineno}" for f in frames)


def census_growth(
    before: dict[str, Any], after: dict[str, Any], connections: int
) -> dict[str, Any]:
    """Per connection: objects by type (count, bytes), and the allocators' figures."""
    types = {}
    for name, (count, size) in after["types"].items():
        count0, size0 = before["types"].get(name, (0, 0))
        if size != size0 or count != count0:
            types[name] = {
                "count": (count - count0) / connections,
                "bytes": (size - size0) / connections,
            }
    allocators = {
        f"{allocator} {figure}": (after[allocator].get(figure, 0) - value) / connections / KB
        for allocator in ("pymalloc", "malloc")
        for figure, value in before[allocator].items()
    }
    return {
        "types": dict(sorted(types.items(), key=lambda kv: -kv[1]["bytes"])[:30]),
        "allocators_kb": allocators,
    }


def breakdown(
    before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, connections: int, depth: int = 3
) -> dict[str, Any]:
    parts: dict[str, float] = defaultdict(float)
    lines: dict[str, float] = defaultdict(float)
    sites: dict[str, float] = defaultdict(float)
    counts: dict[str, float] = defaultdict(float)
    stacks: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for stat in after.compare_to(before, "traceback"):
        trace = stat.traceback
        innermost = trace[-1].filename if len(trace) else "?"
        parts[part_of(innermost)] += stat.size_diff
        counts[part_of(innermost)] += stat.count_diff
        lines[twinspace_line(trace)] += stat.size_diff
        if len(trace):
            site = trace[-1]
            sites[f"{'/'.join(Path(site.filename).parts[-2:])}:{site.lineno}"] += stat.size_diff
            stack = stacks[stack_of(trace, depth)]
            stack[0] += stat.size_diff
            stack[1] += stat.count_diff
    total = sum(parts.values())
    return {
        "traced_kb_per_connection": total / connections / KB,
        "parts": {
            name: {"kb": size / connections / KB, "blocks": counts[name] / connections}
            for name, size in sorted(parts.items(), key=lambda kv: -kv[1])
        },
        "lines": {
            name: size / connections / KB
            for name, size in sorted(lines.items(), key=lambda kv: -kv[1])[:25]
        },
        "sites": {
            name: size / connections / KB
            for name, size in sorted(sites.items(), key=lambda kv: -kv[1])[:40]
        },
        "stacks": {
            name: {"kb": size / connections / KB, "blocks": count / connections}
            for name, (size, count) in sorted(stacks.items(), key=lambda kv: -kv[1][0])[:40]
        },
    }


def measure(tree: Path, rooms: int, per_room: int, depth: int = 3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="twinspace-memparts-") as folder:
        data_dir = Path(folder) / "data"
        seeded = asyncio.run(seed_twinspace(data_dir, rooms + 1))
        base = Path(folder) / "snapshot"
        port = free_port()
        env = {
            **os.environ,
            **TWINSPACE_ENV,
            "TRACED_SNAPSHOT": str(base),
            "PYTHONPATH": str(tree),
        }
        log = Path(folder) / "server.log"
        command = [sys.executable, str(HERE / "traced_serve.py"), "serve", "--data", str(data_dir)]
        with (
            log.open("wb") as log_file,
            running(
                [*command, "--port", str(port)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            ) as process,
        ):
            _wait_healthy(port, process, log)
            target = Target(
                "twinspace",
                "y-websocket",
                f"ws://127.0.0.1:{port}/ws/docs",
                seeded.rooms,
                process.pid,
                seeded.token,
            )
            warmup, bench_rooms = seeded.rooms[0], seeded.rooms[1 : rooms + 1]
            with (
                Sampler(process.pid) as sampler,
                idle_clients(target, [warmup], 2, awareness=True),
                # one client per room first: what follows is connections, not rooms
                idle_clients(target, bench_rooms, 1),
            ):
                rss_before = settled_rss(sampler)
                first = snapshot(process.pid, base, 0)
                with idle_clients(target, bench_rooms, per_room - 1, sync_timeout=120):
                    rss_after = settled_rss(sampler)
                    second = snapshot(process.pid, base, 1)
    connections = rooms * (per_room - 1)
    return {
        "tree": str(tree),
        "rooms": rooms,
        "connections": connections,
        "rss_kb_per_connection": (rss_after - rss_before) / connections / KB,
        **breakdown(first[0], second[0], connections, depth),
        **census_growth(first[1], second[1], connections),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--tree", type=Path, default=HERE.parent)
    parser.add_argument("--depth", type=int, default=3, help="frames per stack in the stack view")
    args = parser.parse_args(argv)
    per_room = args.connections // args.rooms + 1
    load_before = os.getloadavg()[0]
    result = measure(args.tree.resolve(), args.rooms, per_room, args.depth)
    result["load_average"] = [load_before, os.getloadavg()[0]]
    n = result["connections"]
    print(
        f"\nIdle connections: {n} more in {args.rooms} rooms (server from {result['tree']}); "
        f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}\n"
        f"  traced Python memory {result['traced_kb_per_connection']:.1f} KB per connection; "
        f"RSS {result['rss_kb_per_connection']:.1f} KB (under tracemalloc)\n"
    )
    rows = [[name, v["kb"], v["blocks"]] for name, v in result["parts"].items()]
    print(report.table(("part (allocating file)", "KB / connection", "blocks"), rows))
    print()
    rows = [[name, kb] for name, kb in result["lines"].items()]
    print(report.table(("innermost TwinSpaces line", "KB / connection"), rows))
    print()
    rows = [[name, kb] for name, kb in result["sites"].items()]
    print(report.table(("allocating line", "KB / connection"), rows))
    print()
    rows = [[name, v["kb"], v["blocks"]] for name, v in result["stacks"].items()]
    print(report.table(("stack (innermost first)", "KB / connection", "blocks"), rows))
    print()
    rows = [[name, v["bytes"], v["count"]] for name, v in result["types"].items()]
    print(report.table(("type (gc-tracked, sys.getsizeof)", "bytes / connection", "count"), rows))
    print()
    rows = [[name, kb] for name, kb in result["allocators_kb"].items()]
    print(report.table(("allocator figure", "KB / connection"), rows))
    return result


if __name__ == "__main__":
    exit_on_sigterm()
    found = main()
    print(f"\nresults: {report.save('memory-parts', found)}")
