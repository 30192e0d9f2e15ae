"""Throughput of ``scan_text`` (messages/s) on realistic pupil messages, old code against new.

    PYTHONPATH=. .venv/bin/python bench/safety_speed.py                  # this tree only
    PYTHONPATH=. .venv/bin/python bench/safety_speed.py --against d3d0a9d --rounds 7

The messages are the 775 of tests/data/safety_eval (31 languages) and the 807 of
tests/data/moderation_eval.jsonl, every language's lexicons and word lists loaded (the
default configuration). Each measurement is a fresh child process that scans the whole
set ``--passes`` times and reports messages per second of its own CPU time and of wall
time. With ``--against REV`` the same is measured for the filters of that git revision
(exported with ``git archive`` into a temporary directory), and the two trees alternate
round by round (ABAB...), so load from other jobs on a shared machine hits both alike. The
median of the rounds is reported with the load average before and after; see
docs/pupil-safety-evaluation.md ("Speed") for recorded figures.

The filters' caches (normalisation, token views) keep a few hundred messages; the set is
larger than that, so every pass scans every message afresh.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, sys, time
from pathlib import Path
import twinspace.moderation.filters as filters
from twinspace.moderation.filters import scan_text
root = Path(sys.argv[1])
texts = [
    json.loads(line)["text"]
    for path in sorted((root / "tests" / "data" / "safety_eval").glob("*.jsonl"))
    for line in path.read_text("utf-8").splitlines()
]
texts += [
    json.loads(line)["text"]
    for line in (root / "tests/data/moderation_eval.jsonl").read_text("utf-8").splitlines()
]
for text in texts[:300]:  # build every lazily compiled table first
    scan_text(text)
passes = int(sys.argv[2])
wall, cpu = time.perf_counter(), time.process_time()
for _ in range(passes):
    for text in texts:
        scan_text(text)
count = passes * len(texts)
wall, cpu = count / (time.perf_counter() - wall), count / (time.process_time() - cpu)
print(json.dumps({"module": filters.__file__, "messages": len(texts), "wall": wall, "cpu": cpu}))
"""


def _export(revision: str, into: Path) -> Path:
    """The revision's twinspace package under ``into`` (the data sets come from this tree)."""
    archive = into / "tree.tar"
    with archive.open("wb") as out:
        subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision, "twinspace"], check=True, stdout=out
        )
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


def _measure(tree: Path, passes: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-P", "-c", _CHILD, str(ROOT), str(passes)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    result: dict[str, float] = json.loads(done.stdout)
    if not result["module"].startswith(str(tree)):
        raise RuntimeError(f"measured {result['module']}, not the tree {tree}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", help="git revision to compare with (e.g. d3d0a9d)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=3, help="passes over the set per round")
    args = parser.parse_args()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cores = os.cpu_count()
    print(f"{stamp}, {platform.node()}, {platform.machine()}, {cores} cores")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"this tree": ROOT}
        if args.against:
            trees[args.against] = _export(args.against, Path(scratch))
        results: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        started = time.perf_counter()
        for round_number in range(args.rounds):
            order = list(trees.items())
            if round_number % 2:
                order.reverse()
            for name, tree in order:
                results[name].append(_measure(tree, args.passes))
        elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    messages = int(next(iter(results.values()))[0]["messages"])
    print(
        f"{messages} messages x {args.passes} passes, {args.rounds} interleaved rounds "
        f"in {elapsed:.0f} s; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after"
    )
    medians: dict[str, float] = {}
    for name, rounds in results.items():
        cpu = [r["cpu"] for r in rounds]
        wall = [r["wall"] for r in rounds]
        medians[name] = statistics.median(cpu)
        print(
            f"{name:>12}: {statistics.median(cpu):,.0f} messages per CPU second "
            f"(best {max(cpu):,.0f}, worst {min(cpu):,.0f}); "
            f"{statistics.median(wall):,.0f} messages/s wall clock"
        )
    if args.against:
        ratio = medians["this tree"] / medians[args.against]
        print(f"this tree scans {ratio:.2f}x as many messages per CPU second as {args.against}")


if __name__ == "__main__":
    main()
