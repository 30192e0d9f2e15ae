"""Cluster benchmark: the fan-out workload against the embedded default and the clustered mode
on 1, 2 and 3 processes, and the chat posting path on PostgreSQL against SQLite.

    .venv/bin/python bench/cluster.py                          # every row (~5 min)
    .venv/bin/python bench/cluster.py --processes 1,2 --docs 5 --seconds 10
    .venv/bin/python bench/cluster.py --quick                  # smoke run

Fan-out rows (bench/README.md, "Cluster"): `embedded` (SQLite, in-process bus), `postgresql`
(one process on PostgreSQL, no Redis), then `cluster xN` (N processes on PostgreSQL and Redis;
each room's clients are dealt over the N processes in turn, so with N > 1 most deliveries cross
between processes). `µs CPU/delivery` is the servers' CPU (all N processes) over the deliveries
in the measured window; `redis CPU %` is the local redis-server's. The Redis hop is the
difference between `cluster x1` and `postgresql`: the same single process, once with its
fan-out going through Redis.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator
from typing import Any

import chat_fanout
from harness import fanout, report
from harness.cluster import fresh_database, redis_sampler, twinspace_cluster
from harness.procs import BenchError, Sampler, exit_on_sigterm
from harness.targets import Target, twinspace

HEADERS = (
    "setup",
    "edits/s",
    "delivered",
    "deliveries/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "server CPU %",
    "µs CPU/delivery",
    "redis CPU %",
    "loadgen CPU %",
)


def setups(processes: list[int]) -> list[str]:
    return ["embedded", "postgresql", *(f"cluster x{n}" for n in processes)]


def start(setup: str, docs: int, env: dict[str, str]) -> contextlib.AbstractContextManager[Target]:
    if setup == "embedded":
        return twinspace(docs, env)
    if setup == "postgresql":
        return twinspace_cluster(1, docs, env, redis_bus=False)
    return twinspace_cluster(int(setup.removeprefix("cluster x")), docs, env)


@contextlib.contextmanager
def sampling_redis() -> Iterator[list[Sampler]]:
    sampler = redis_sampler()
    if sampler is None:
        yield []
        return
    with sampler:
        yield [sampler]


def run_fanout(
    names: list[str], workload: fanout.Workload, env: dict[str, str], rounds: int
) -> list[dict[str, Any]]:
    results = []
    for round_number in range(1, rounds + 1):
        for setup in names:
            print(f"cluster fan-out: {setup}, {workload.label} ...", flush=True)
            with start(setup, workload.docs, env) as target, sampling_redis() as redis:
                result = fanout.measure(target, workload, redis)
            result.update(setup=setup, round=round_number)
            results.append(result)
            time.sleep(1)
    return results


def row(result: dict[str, Any]) -> list[Any]:
    observed = result["observed"]
    seconds = result["seconds"]
    cpu_seconds = result["server_cpu_percent"] / 100 * seconds
    redis_cpu = result["also_cpu_percent"]
    return [
        result["setup"],
        round(result["sent"] / seconds),
        f"{result['delivery']:.4f}" if result["delivery"] is not None else None,
        round(observed / seconds),
        result["latencyMs"]["p50"],
        result["latencyMs"]["p99"],
        result["latencyMs"]["max"],
        result["server_cpu_percent"],
        1e6 * cpu_seconds / observed if observed else None,
        redis_cpu[0] if redis_cpu else None,
        result["loadgen"]["cpuPercent"],
    ]


def redis_hop(results: list[dict[str, Any]]) -> str | None:
    """What one process pays for sending its fan-out through Redis (median over rounds)."""
    by_setup: dict[str, list[list[Any]]] = {}
    for result in results:
        by_setup.setdefault(result["setup"], []).append(row(result))
    if "postgresql" not in by_setup or "cluster x1" not in by_setup:
        return None

    def median(setup: str, column: int) -> float:
        values = sorted(float(r[column]) for r in by_setup[setup] if r[column] is not None)
        return values[len(values) // 2] if values else float("nan")

    cpu = median("cluster x1", 8) - median("postgresql", 8)
    p50 = median("cluster x1", 4) - median("postgresql", 4)
    return f"Redis hop (cluster x1 - postgresql): {cpu:+.1f} µs CPU per delivery, {p50:+.1f} ms p50"


def run_chat(quick: bool) -> list[dict[str, Any]]:
    """chat_fanout.py on SQLite, then on a fresh PostgreSQL database, with `synchronous_commit`
    on (PostgreSQL's default: a commit waits for the disk) and off (a commit waits for no
    flush, closer to what SQLite's WAL with `synchronous=NORMAL` does)."""
    chat_args = (
        ["--channels", "2", "--members", "5", "--rate", "1", "--duration", "3", "--drain", "2"]
        if quick
        else ["--rate", "0.3", "1"]
    )
    rows = [{**r, "database": "sqlite"} for r in chat_fanout.main(chat_args)]
    for synchronous_commit in (True, False):
        label = "postgresql" + ("" if synchronous_commit else " (synchronous_commit off)")
        print(f"\n{label}:", flush=True)
        with fresh_database(synchronous_commit=synchronous_commit) as url:
            on_postgres = chat_fanout.main([*chat_args, "--database-url", url])
        rows += [{**r, "database": label} for r in on_postgres]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="1,2,3", help="cluster sizes, comma-separated")
    parser.add_argument("--docs", type=int, default=10)
    parser.add_argument("--clients", type=int, default=30, help="clients per doc")
    parser.add_argument("--rate", type=float, default=2.0, help="edits/s per client")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--drain", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pattern", default="typing", choices=("typing", "random"))
    parser.add_argument("--workers", type=int, default=1, help="load-generator threads")
    parser.add_argument("--parts", default="fanout,chat", help="fanout, chat or both")
    parser.add_argument("--quick", action="store_true", help="2 docs x 6 clients, 3 s")
    args = parser.parse_args(argv)
    if args.quick:
        args.docs, args.clients, args.warmup, args.seconds, args.drain = 2, 6, 1.0, 3.0, 2.0
    processes = [int(n) for n in args.processes.split(",") if n.strip()]
    parts = {p.strip() for p in args.parts.split(",")}
    exit_on_sigterm()
    saved: dict[str, Any] = {"args": vars(args)}
    env = {"TWINSPACE_LOG_LEVEL": "WARNING"}
    try:
        if "fanout" in parts:
            workload = fanout.Workload(
                args.docs,
                args.clients,
                args.rate,
                args.warmup,
                args.seconds,
                args.drain,
                args.workers,
                args.pattern,
            )
            results = run_fanout(setups(processes), workload, env, max(1, args.rounds))
            saved["fanout"] = results
            print(
                f"\nCluster fan-out, {workload.label}, {args.pattern} edits, "
                f"{args.seconds:g} s measured\n"
            )
            print(report.table(HEADERS, [row(r) for r in results]))
            for result in results:
                notes = fanout.warnings(result, workload)
                if notes:
                    print(f"  {result['setup']}: " + "; ".join(notes))
            hop = redis_hop(results)
            if hop:
                print(hop)
        if "chat" in parts:
            print("\nchat posting path, SQLite then PostgreSQL ...", flush=True)
            saved["chat"] = run_chat(args.quick)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if len(saved) > 1:
            print(f"\nresults: {report.save('cluster', saved)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
