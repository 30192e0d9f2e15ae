"""Memory per idle room and per idle connection: TwinSpaces, @y/websocket-server, Hocuspocus.

For each server: one warm-up room with two clients (so lazily built code paths are in memory),
then server RSS is read (a) before, (b) after one idle client joined each of R rooms,
(c) after K-1 more clients joined each room. Then

    KB per connection = (c - b) / (R x (K-1))
    KB per idle room  = (b - a) / R - KB per connection

Clients are real WebsocketProvider / HocuspocusProvider clients in one node process
(bench/node/idle.mjs); they sync and then stay silent: no presence state unless --awareness
(renewed every 15 s, it is traffic rather than idleness), and their provider's reconnect after
30 s without a message is turned off. Rooms hold an empty page.

    .venv/bin/python bench/memory.py [--connections 1000] [--rooms 100] [--only twinspace]

`--only twinspace,hocuspocus,floor` adds the protocol stack's floor (bench/floor_server.py:
TwinSpaces' uvicorn configuration serving a bare y-websocket app), to tell what the stack costs
per socket from what TwinSpaces' own work adds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from harness import report
from harness.clients import idle_clients
from harness.procs import BenchError, Sampler, exit_on_sigterm
from harness.targets import OTHER_SERVERS, SERVERS, Target, server, settings_env

KB = 1024


def settled_rss(sampler: Sampler, timeout: float = 10.0) -> int:
    """RSS once it has stopped moving (< 0.5 % over a second), or after `timeout`."""
    deadline = time.monotonic() + timeout
    previous = sampler.rss()
    while time.monotonic() < deadline:
        time.sleep(1.0)
        current = sampler.rss()
        if abs(current - previous) <= 0.005 * previous:
            return current
        previous = current
    return sampler.rss()


def measure(target: Target, rooms: int, per_room: int, awareness: bool) -> dict[str, Any]:
    warmup_room, bench_rooms = target.rooms[0], target.rooms[1 : rooms + 1]
    with Sampler(target.pid) as sampler, idle_clients(target, [warmup_room], 2, awareness=True):
        before = settled_rss(sampler)
        with idle_clients(target, bench_rooms, 1, awareness=awareness) as first:
            one_each = settled_rss(sampler)
            cpu_before = sampler.cpu()
            with idle_clients(target, bench_rooms, per_room - 1, awareness=awareness) as rest:
                storm_cpu = sampler.cpu() - cpu_before
                full = settled_rss(sampler)
    per_connection = (full - one_each) / (rooms * (per_room - 1))
    per_room_bytes = (one_each - before) / rooms - per_connection
    return {
        "server": target.name,
        "rooms": rooms,
        "connections": rooms * per_room,
        "rss_before_mb": before / KB / KB,
        "rss_one_per_room_mb": one_each / KB / KB,
        "rss_all_mb": full / KB / KB,
        "kb_per_connection": per_connection / KB,
        "kb_per_room": per_room_bytes / KB,
        "reconnects": first["reconnects"] + rest["reconnects"],
        # the storm: the last (per_room - 1) x rooms clients opened, 100 at a time, and synced
        "connect_s": rest["connectMs"] / 1000,
        # the server's CPU seconds for that wave (robust to a busy machine, unlike the time)
        "connect_cpu_s": storm_cpu,
        "client_rss_mb": rest["rssMB"],
    }


HEADERS = (
    "server",
    "rooms",
    "connections",
    "RSS before MB",
    "RSS after MB",
    "KB / connection",
    "KB / idle room",
    "connect s",
    "connect CPU s",
)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000, help="total, up to 8000")
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument(
        "--only", default=",".join(SERVERS), help=f"of {', '.join(SERVERS + OTHER_SERVERS)}"
    )
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a TwinSpaces setting, e.g. ws_implementation=websockets (repeatable)",
    )
    parser.add_argument(
        "--awareness",
        action="store_true",
        help="clients announce a presence state (renewed every 15 s)",
    )
    parser.add_argument("--quick", action="store_true", help="40 connections in 4 rooms")
    args = parser.parse_args(argv)
    if args.quick:
        args.connections, args.rooms = 40, 4
    per_room = args.connections // args.rooms
    if per_room < 2:
        parser.error("need at least two connections per room")
    results = []
    for name in [n.strip() for n in args.only.split(",") if n.strip()]:
        print(
            f"memory: {name}, {args.rooms * per_room} idle connections in {args.rooms} rooms",
            flush=True,
        )
        with server(name, args.rooms + 1, settings_env(args.settings)) as target:
            results.append(measure(target, args.rooms, per_room, args.awareness))
    presence = "with" if args.awareness else "without"
    print(
        f"\nMemory, idle Yjs clients {presence} presence (RSS deltas; one client per room "
        f"first, then {per_room - 1} more per room)\n"
    )
    print(
        report.table(
            HEADERS,
            [
                [
                    r["server"],
                    r["rooms"],
                    r["connections"],
                    r["rss_before_mb"],
                    r["rss_all_mb"],
                    r["kb_per_connection"],
                    r["kb_per_room"],
                    r["connect_s"],
                    r["connect_cpu_s"],
                ]
                for r in results
            ],
        )
    )
    print(
        "  connect s: the time the second wave of clients (all but the first per room) took to"
        f" connect, authenticate and sync; load average now {os.getloadavg()[0]:.1f}"
    )
    for r in results:
        if r["reconnects"]:
            print(f"  {r['server']}: {r['reconnects']} client reconnects during the run")
    return results


if __name__ == "__main__":
    exit_on_sigterm()
    try:
        found = main()
    except BenchError as exc:
        sys.exit(f"bench failed: {exc}")
    print(f"\nresults: {report.save('memory', found)}")
