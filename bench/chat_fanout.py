"""Chat fan-out: messages/s delivered and delivery latency with N channels x M members.

Seeds the demo TwinSpace plus N classes of M pupils (one project channel each) into a fresh
data dir, starts `twinspace serve` in its own process (max_connections_per_user=0), connects
one events websocket per member subscribed to its channel, and has every member post over
HTTP at `--rate` messages per second (Poisson arrivals). Every receiver measures latency from
the start of the HTTP POST to the message's arrival. Posts go through the full moderation
pipeline (the demo project's `auto` policy); the per-user posting limit is lifted.

    .venv/bin/python bench/chat_fanout.py --channels 10 --members 30 --rate 0.1 0.3 1

Clients run in this process on one event loop; the "client CPU" column shows when they, not
the server, are the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from twinspace.app.demo import seed_demo
from twinspace.clock import utcnow
from twinspace.config import load_settings
from twinspace.consent.service import ConsentChange
from twinspace.services.container import Services
from twinspace.types import ConsentMethod, ConsentState, Role, UserKind
from twinspace.workspace.spaces import NewChannel

try:
    import psutil
except ImportError:  # the CPU columns stay empty without it
    psutil = None

MARK = "bench"
KEEPALIVE_SECONDS = 4.0  # under uvicorn's timeout_keep_alive (5 s)
# Message texts carry no digits: the moderation filters would take timestamps and ids for phone
# numbers and hold them. Send times stay in this process, keyed by the (unique) text.
LETTERS = "qxzwv"
SENT: dict[str, tuple[int, float]] = {}


def label(n: int) -> str:
    digits = ""
    while True:
        n, digit = divmod(n, len(LETTERS))
        digits = LETTERS[digit] + digits
        if n == 0:
            return digits


@dataclass
class Member:
    user_id: int
    token: str
    channel_id: int


@dataclass
class Plan:
    project_id: int
    members: list[Member]


@dataclass
class Phase:
    rate: float
    posted: int = 0
    post_errors: dict[str, int] = field(default_factory=dict)
    post_latencies: list[float] = field(default_factory=list)
    delivered: int = 0
    latencies: list[float] = field(default_factory=list)
    start: float = 0.0
    end: float = 0.0
    handler_ms: float = float("nan")  # mean time in the server's POST handler
    expected: int | None = None  # deliveries owed, known once posting stops
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def count_delivery(self, latency: float) -> None:
        self.delivered += 1
        self.latencies.append(latency)
        if self.expected is not None and self.delivered >= self.expected:
            self.done.set()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def seed(
    data_dir: Path, channels: int, members: int, database_url: str | None = None
) -> Plan:
    """The demo project plus `channels` classes of `members` pupils, each with a channel."""
    settings = load_settings(
        environ={},
        data_dir=data_dir,
        database_url=database_url,
        argon2_time_cost=1,
        argon2_memory_kib=64,
        argon2_parallelism=1,
    )
    services = await Services.start(settings)
    try:
        demo = await seed_demo(services)
        project_id = int(demo["project"]["id"])
        teacher_id = next(a["user_id"] for a in demo["accounts"] if a["kind"] == "teacher")
        teacher = await services.storage.users.get(teacher_id)
        assert teacher is not None and teacher.kind is UserKind.TEACHER
        access = await services.access.project(teacher, project_id)
        plan = Plan(project_id, [])
        for c in range(channels):
            school_class = await services.registry.create_class(teacher, f"Bench {c}")
            pupils = await services.accounts.create_pupils(
                teacher, school_class, [f"Pupil {c}-{m}" for m in range(members)]
            )
            channel = await services.spaces.create_channel(access, NewChannel(name=f"bench-{c}"))
            for pupil in pupils:
                # pupils write only once a guardian's consent is recorded (docs/consent.md)
                await services.consent.record(
                    teacher,
                    pupil.user.id,
                    ConsentChange(ConsentState.GIVEN, utcnow().date(), ConsentMethod.PAPER_FORM),
                )
                await services.storage.memberships.add(
                    project_id=project_id,
                    user_id=pupil.user.id,
                    role=Role.PUPIL,
                    added_by=teacher.id,
                    now=utcnow(),
                )
                session = await services.accounts.start_session(pupil.user)
                plan.members.append(Member(pupil.user.id, session.token, channel.id))
        return plan
    finally:
        await services.stop()


async def start_server(
    data_dir: Path, port: int, database_url: str | None = None
) -> asyncio.subprocess.Process:
    # The per-user posting limit (30/min) would refuse half the posts at 1 message/s.
    env = {
        **os.environ,
        **({"TWINSPACE_DATABASE_URL": database_url} if database_url else {}),
        "TWINSPACE_MAX_CONNECTIONS_PER_USER": "0",
        "TWINSPACE_POSTS_PER_MINUTE": "1000000",
        "TWINSPACE_POST_BURST": "1000000",
        "TWINSPACE_LOG_LEVEL": "WARNING",
        "TWINSPACE_WS_SEND_QUEUE_MESSAGES": "4096",
    }
    with (data_dir / "server.log").open("wb") as log:
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "twinspace",
            "serve",
            "--data",
            str(data_dir),
            "--port",
            str(port),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                if (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    server.kill()
    raise RuntimeError(f"the server did not start; see {data_dir / 'server.log'}")


async def listen(ws: ClientConnection, phases: list[Phase]) -> None:
    async for frame in ws:
        event = json.loads(frame)
        if event["type"] != "message.created":
            continue
        arrived = time.perf_counter()
        sent = SENT.get(str(event["data"]["text"]))
        if sent is not None:
            phases[sent[0]].count_delivery(arrived - sent[1])


async def keep_alive(ws: ClientConnection, every: float) -> None:
    """Real clients ping; without it the server's idle timeout (4408) ends the run."""
    while True:
        await asyncio.sleep(every)
        await ws.send('{"type":"ping"}')


async def talk(
    http: httpx.AsyncClient, member: Member, phase: Phase, index: int, until: float
) -> None:
    rng = random.Random(member.user_id * 1000 + index)
    headers = {"Authorization": f"Bearer {member.token}"}
    path = f"/api/v1/channels/{member.channel_id}/messages"
    while True:
        pause = rng.expovariate(phase.rate)
        if time.perf_counter() + pause >= until:
            return
        await asyncio.sleep(pause)
        text = f"{MARK} {label(len(SENT))}"
        sent = time.perf_counter()
        SENT[text] = (index, sent)
        try:
            response = await http.post(path, headers=headers, json={"text": text})
            outcome = str(response.status_code)
            if response.status_code == 201:
                status = response.json()["status"]
                outcome = "ok" if status == "published" else status
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
        phase.post_latencies.append(time.perf_counter() - sent)
        if outcome == "ok":
            phase.posted += 1
        else:
            phase.post_errors[outcome] = phase.post_errors.get(outcome, 0) + 1


POST_ROUTE = 'route="/api/v1/channels/{channel_id:id}/messages"'


async def server_post_time(http: httpx.AsyncClient) -> tuple[float, float]:
    """(sum of seconds, count) the server spent in the message POST handler so far."""
    text = (await http.get("/metrics")).text
    total = count = 0.0
    for line in text.splitlines():
        if POST_ROUTE in line and line.startswith("twinspace_http_request_duration_seconds_"):
            name, value = line.rsplit(" ", 1)
            if name.startswith("twinspace_http_request_duration_seconds_sum"):
                total = float(value)
            elif name.startswith("twinspace_http_request_duration_seconds_count"):
                count = float(value)
    return total, count


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="twinspace-bench-") as folder:
        data_dir = Path(folder) / "data"
        print(f"seeding {args.channels} channels x {args.members} members ...", flush=True)
        plan = await seed(data_dir, args.channels, args.members, args.database_url)
        port = free_port()
        server = await start_server(data_dir, port, args.database_url)
        server_proc = psutil.Process(server.pid) if psutil else None
        client_proc = psutil.Process() if psutil else None
        phases = [Phase(rate) for rate in args.rate]
        base_url = f"http://127.0.0.1:{port}"
        # One HTTP client per member, like one browser each: a shared pool queues requests
        # and httpcore's pool assignment then costs more CPU than the server does. Idle
        # connections are dropped before uvicorn's 5 s keep-alive ends, as browsers do: reusing
        # one just as the server closes it fails the post (a ReadError) through no fault of
        # either side.
        limits = httpx.Limits(keepalive_expiry=KEEPALIVE_SECONDS)
        clients = [
            httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) for _ in plan.members
        ]
        try:
            async with contextlib.AsyncExitStack() as stack:
                for client in clients:
                    await stack.enter_async_context(client)
                sockets = [
                    await connect(
                        f"ws://127.0.0.1:{port}/ws/projects/{plan.project_id}?token={m.token}"
                        f"&channels={m.channel_id}",
                        proxy=None,
                        compression=None,
                        max_queue=None,
                    )
                    for m in plan.members
                ]
                listeners = [asyncio.create_task(listen(ws, phases)) for ws in sockets]
                listeners += [asyncio.create_task(keep_alive(ws, 30.0)) for ws in sockets]
                print(f"{len(sockets)} websockets open; measuring", flush=True)
                rows = []
                for index, phase in enumerate(phases):
                    server_cpu = _cpu(server_proc)
                    client_cpu = _cpu(client_proc)
                    handler_before = await server_post_time(clients[0])
                    phase.start = time.perf_counter()
                    until = phase.start + args.duration
                    await asyncio.gather(
                        *(
                            talk(http, m, phase, index, until)
                            for http, m in zip(clients, plan.members, strict=True)
                        )
                    )
                    phase.end = until
                    expected = phase.expected = phase.posted * args.members
                    if phase.delivered >= expected:
                        phase.done.set()
                    try:
                        await asyncio.wait_for(phase.done.wait(), args.drain)
                    except TimeoutError:
                        pass
                    handler_after = await server_post_time(clients[0])
                    handler_count = handler_after[1] - handler_before[1]
                    phase.handler_ms = (
                        1000 * (handler_after[0] - handler_before[0]) / max(1.0, handler_count)
                    )
                    rows.append(
                        _row(
                            args,
                            phase,
                            expected,
                            _cpu(server_proc) - server_cpu,
                            _cpu(client_proc) - client_cpu,
                        )
                    )
                for task in listeners:
                    task.cancel()
                for ws in sockets:
                    await ws.close()
                return rows
        finally:
            server.terminate()
            await asyncio.wait_for(server.wait(), 20)


def _cpu(process: Any) -> float:
    if process is None:
        return float("nan")
    times = process.cpu_times()
    return float(times.user + times.system)


def _row(
    args: argparse.Namespace, phase: Phase, expected: int, server_cpu: float, client_cpu: float
) -> dict[str, Any]:
    elapsed = phase.end - phase.start
    return {
        "rate/member": phase.rate,
        "posted/s": phase.posted / elapsed,
        "post errors": sum(phase.post_errors.values()),
        "delivered/s": phase.delivered / elapsed,
        "delivered %": 100.0 * phase.delivered / expected if expected else float("nan"),
        "p50 ms": 1000 * percentile(phase.latencies, 0.50),
        "p99 ms": 1000 * percentile(phase.latencies, 0.99),
        "max ms": 1000 * max(phase.latencies, default=float("nan")),
        "POST p99 ms": 1000 * percentile(phase.post_latencies, 0.99),
        "handler ms": phase.handler_ms,
        "server CPU %": 100.0 * server_cpu / elapsed,
        "client CPU %": 100.0 * client_cpu / elapsed,
        "errors by cause": phase.post_errors,
    }


def print_table(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    print(
        f"\nchat fan-out: {args.channels} channels x {args.members} members, "
        f"{args.duration:.0f} s per rate, deflate off, "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}\n"
    )
    headers = [h for h in rows[0] if h != "errors by cause"]
    widths = [max(len(h), 9) for h in headers]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    for row in rows:
        cells = [
            f"{v:.2f}"
            if isinstance(v, float) and k == "rate/member"
            else f"{v:.1f}"
            if isinstance(v, float)
            else str(v)
            for k, v in row.items()
            if k in headers
        ]
        print("  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument(
        "--rate",
        type=float,
        nargs="+",
        default=[0.1, 0.3],
        help="messages per second per member (one row each)",
    )
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per rate")
    parser.add_argument(
        "--drain",
        type=float,
        default=10.0,
        help="seconds to wait for late deliveries after each rate",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="an empty PostgreSQL database to use instead of SQLite (bench/cluster.py makes one)",
    )
    parser.add_argument("--json", action="store_true", help="print rows as JSON too")
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args))
    print_table(args, rows)
    if args.json:
        print(json.dumps(rows))
    errors = [row["errors by cause"] for row in rows if row["errors by cause"]]
    if errors:
        print("\nfailed posts by cause:", errors)
    return rows


if __name__ == "__main__":
    main()
