"""`make bench`: fan-out latency and throughput of TwinSpaces, @y/websocket-server and Hocuspocus
under the same real-Yjs-client workload, chat fan-out on the project events socket, then the
large-page load, idle memory, scale (8,000 idle connections), join/leave churn, the
10-minute soak and the cluster part (bench/cluster.py: needs PostgreSQL and Redis).

    .venv/bin/python bench/run.py                     # everything, default sizes (~20 min)
    .venv/bin/python bench/run.py --quick             # a short smoke run of every part
    .venv/bin/python bench/run.py --parts fanout --only twinspace --docs 5 --seconds 30

Fan-out: D docs x C clients per doc, each client typing R edits/s into a Y.Text; every client
times every remote edit it receives. Server CPU and RSS are sampled with psutil; the load
generator (one node process) reports its own CPU. Results go to bench/results/*.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import chat_fanout
import cluster
import large_page
import memory
import stability
from harness import fanout, report
from harness.procs import BenchError, exit_on_sigterm
from harness.targets import SERVERS, server, settings_env

PARTS = ("fanout", "chat", "large-page", "memory", "scale", "stability", "cluster")
PATTERNS = ("typing", "random", "map", "array", "xml")


def run_fanout(
    names: list[str], workload: fanout.Workload, twinspace_env: dict[str, str], rounds: int = 1
) -> list[dict[str, Any]]:
    """Every server in turn, `rounds` times over (interleaved, so drifting machine load hits
    every server alike)."""
    results = []
    for round_number in range(1, rounds + 1):
        for name in names:
            label = f" (round {round_number} of {rounds})" if rounds > 1 else ""
            print(
                f"fan-out: {name}, {workload.label}, {workload.warmup:g} s warm-up + "
                f"{workload.seconds:g} s measured{label} ...",
                flush=True,
            )
            with server(name, workload.docs, twinspace_env) as target:
                result = fanout.measure(target, workload)
            result["round"] = round_number
            results.append(result)
            time.sleep(1)  # let the machine settle between servers
    return results


def print_fanout(results: list[dict[str, Any]], workload: fanout.Workload) -> None:
    print(
        f"\nFan-out, {workload.docs} docs x {workload.clients} clients x {workload.rate:g} "
        f"edits/s, {workload.pattern} edits, {workload.seconds:g} s measured "
        "(latency = receive - send, every "
        "remote edit at every client)\n"
    )
    print(report.table(fanout.HEADERS, [fanout.row(r) for r in results]))
    rounds = max(r["round"] for r in results)
    for result in results:
        notes = fanout.warnings(result, workload)
        if notes:
            label = f" (round {result['round']})" if rounds > 1 else ""
            print(f"  {result['server']}{label}: " + "; ".join(notes))
    if rounds > 1:
        print("\nMedians over the rounds\n")
        print(report.table(fanout.MEDIAN_HEADERS, fanout.medians(results)))


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10)
    parser.add_argument("--clients", type=int, default=30, help="clients per doc")
    parser.add_argument("--rate", type=float, default=2.0, help="edits/s per client")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds")
    parser.add_argument(
        "--drain",
        type=float,
        default=5.0,
        help="seconds to wait for late deliveries after the window",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run every server this many times, interleaved; adds medians",
    )
    parser.add_argument(
        "--pattern",
        default=",".join(PATTERNS),
        help="comma-separated edit patterns, each measured in turn: typing at "
        "each client's own text with deletes (pages stay small), "
        "random-position inserts (pages grow); see bench/README.md",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="load-generator threads (more only helps with spare cores)",
    )
    parser.add_argument(
        "--only",
        default=",".join(SERVERS),
        help=f"comma-separated servers among {', '.join(SERVERS)}",
    )
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated parts among {', '.join(PARTS)}"
    )
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a TwinSpaces setting for its server, e.g. ws_implementation=websockets (repeatable)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short smoke run: 2 docs x 5 clients, 3 s, small page and memory",
    )
    args = parser.parse_args(argv)
    try:
        settings_env(args.settings)
    except ValueError as exc:
        parser.error(str(exc))
    for option, allowed in (("only", SERVERS), ("parts", PARTS), ("pattern", PATTERNS)):
        chosen = [v.strip() for v in getattr(args, option).split(",") if v.strip()]
        unknown = set(chosen) - set(allowed)
        if unknown or not chosen:
            parser.error(f"--{option}: pick from {', '.join(allowed)}")
        setattr(args, option, chosen)
    if args.quick:
        args.docs, args.clients, args.warmup, args.seconds, args.drain = 2, 5, 1.0, 3.0, 2.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    exit_on_sigterm()
    saved: dict[str, Any] = {"args": vars(args)}
    try:
        if "fanout" in args.parts:
            saved["fanout"] = []
            for pattern in args.pattern:
                workload = fanout.Workload(
                    args.docs,
                    args.clients,
                    args.rate,
                    args.warmup,
                    args.seconds,
                    args.drain,
                    args.workers,
                    pattern,
                )
                results = run_fanout(
                    args.only, workload, settings_env(args.settings), max(1, args.rounds)
                )
                print_fanout(results, workload)
                saved["fanout"] += [{**result, "pattern": pattern} for result in results]
        if "chat" in args.parts:
            print("\nchat fan-out ...", flush=True)
            chat_args = (
                [
                    "--channels",
                    "2",
                    "--members",
                    "5",
                    "--rate",
                    "1",
                    "--duration",
                    "3",
                    "--drain",
                    "2",
                ]
                if args.quick
                else ["--rate", "0.1", "0.3", "1"]
            )
            saved["chat"] = chat_fanout.main(chat_args)
        if "large-page" in args.parts:
            print("\nlarge page ...", flush=True)
            saved["large_page"] = large_page.main(["--quick"] if args.quick else [])
        if "memory" in args.parts:
            print("\nmemory ...", flush=True)
            memory_args = ["--only", ",".join(args.only)]
            memory_args += [f"--set={pair}" for pair in args.settings]
            saved["memory"] = memory.main(memory_args + (["--quick"] if args.quick else []))
        if "scale" in args.parts:
            print("\nscale: idle connections one process holds ...", flush=True)
            scale_args = ["--only", "twinspace", "--connections", "8000", "--rooms", "200"]
            saved["scale"] = memory.main(["--quick"] if args.quick else scale_args)
        if "stability" in args.parts:
            print("\nstability ...", flush=True)
            stability_args = (
                ["--cycles", "600", "--soak-minutes", "0.5", "--docs", "2", "--clients", "5"]
                if args.quick
                else []
            )
            saved["stability"] = stability.main(stability_args)
        if "cluster" in args.parts:
            # needs PostgreSQL and Redis (scripts/ensure-services.sh); bench/cluster.py
            print("\ncluster ...", flush=True)
            if cluster.main(["--quick"] if args.quick else []) != 0:
                raise BenchError("the cluster part failed")
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if len(saved) > 1:
            print(f"\nresults: {report.save('bench', saved)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
