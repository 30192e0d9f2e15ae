"""Large page: load time of a page built from a long editing history, raw log vs snapshot.

Replays the automerge-paper typing trace (259,778 single-character edits, see
/work/shared/data/README.md) into a Y.Text with twinspace.realtime.crdt.Document, one
transaction per edit, collecting every transaction's update. Then, on every available engine:

- fresh Document: apply the raw update log, and the compacted snapshot (one update);
- server path: store the log in a data dir's SQLite through DocumentPersistence (group commit)
  and time RoomManager's room load; then store the snapshot instead (as compaction leaves it)
  and time the load again;
- end to end: a freshly started `twinspace serve` (TWINSPACE_CRDT_ENGINE=engine) whose page
  holds the log, or the snapshot: time from a real y-websocket client's connect to its first
  sync (room load + sync step 2 + the client applying it).

Every load is checked against the trace's final text. The replayed log is cached in
bench/results/cache/ (rebuilt with --rebuild).

    .venv/bin/python bench/large_page.py [--ops N] [--engine y-py|pycrdt] [--rebuild]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from harness import report
from harness.clients import idle_clients
from harness.procs import exit_on_sigterm
from harness.targets import seed_twinspace, serve_twinspace

from twinspace.clock import utcnow
from twinspace.config import load_settings
from twinspace.realtime import crdt
from twinspace.realtime.persistence import DocumentPersistence
from twinspace.realtime.rooms import RoomInfo, RoomManager
from twinspace.storage import Storage

TRACE = Path("/work/shared/data/automerge-paper.json.gz")
CACHE_DIR = report.RESULTS_DIR / "cache"
ROOM = "large-page"
# The typist's Yjs client ID: fixed so that sizes repeat (IDs are written as varints in every
# item), and 32 bits wide like the random IDs real clients pick.
TYPIST = 2_037_564_318
T = TypeVar("T")


@dataclass
class Trace:
    patches: list[tuple[int, int, str]]
    end: str


@dataclass
class History:
    engine: crdt.Engine
    updates: list[bytes]
    snapshot: bytes
    text: str
    build_seconds: float | None  # None when read from the cache


def load_trace(path: Path, ops: int | None) -> Trace:
    data = json.loads(gzip.decompress(path.read_bytes()))
    patches = [(int(p[0]), int(p[1]), str(p[2])) for txn in data["txns"] for p in txn["patches"]]
    if ops is None or ops >= len(patches):
        return Trace(patches, data["endContent"])
    patches = patches[:ops]
    text = list(data["startContent"])  # a prefix: work out its final text by hand
    for position, deleted, inserted in patches:
        text[position : position + deleted] = inserted
    return Trace(patches, "".join(text))


def replay(trace: Trace, engine: crdt.Engine) -> History:
    """Every patch as its own transaction (delete, then insert), as a typist makes them."""
    doc = crdt.Document(engine, client_id=TYPIST)
    updates: list[bytes] = []
    doc.on_update(lambda event: updates.append(event.update))
    started = time.perf_counter()
    for position, deleted, inserted in trace.patches:
        if deleted:
            doc.delete_text(position, deleted)
        if inserted:
            doc.insert_text(position, inserted)
    seconds = time.perf_counter() - started
    return History(engine, updates, doc.encode_state_as_update(), doc.text(), seconds)


def _cache_path(engine: crdt.Engine, ops: int) -> Path:
    return CACHE_DIR / f"automerge-paper-{engine.value}-{ops}-{TYPIST}.log"


def save_history(history: History, ops: int) -> None:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with _cache_path(history.engine, ops).open("wb") as out:
        for blob in (history.snapshot, *history.updates):
            out.write(struct.pack("<I", len(blob)) + blob)


def cached_history(engine: crdt.Engine, ops: int, text: str) -> History | None:
    path = _cache_path(engine, ops)
    if not path.is_file():
        return None
    data, blobs, offset = path.read_bytes(), [], 0
    while offset < len(data):
        (size,) = struct.unpack_from("<I", data, offset)
        blobs.append(data[offset + 4 : offset + 4 + size])
        offset += 4 + size
    return History(engine, blobs[1:], blobs[0], text, None)


def timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def fresh_load(updates: list[bytes], engine: crdt.Engine) -> tuple[str, float]:
    """Apply `updates` into a new Document; (its text, seconds)."""

    def load() -> crdt.Document:
        doc = crdt.Document(engine)
        for update in updates:
            doc.apply_update(update)
        return doc

    doc, seconds = timed(load)
    return doc.text(), seconds


async def server_loads(history: History, engine: crdt.Engine) -> dict[str, Any]:
    """Store the log (then the snapshot) in SQLite the server's way; time RoomManager loads."""
    with tempfile.TemporaryDirectory(prefix="twinspace-large-page-") as folder:
        settings = load_settings(
            environ={},
            data_dir=Path(folder),
            persist_batch_ms=0,
            room_grace_seconds=0,
            compact_after_updates=10**9,
        )
        storage = Storage.sqlite(settings.database_path)
        await storage.connect()
        try:
            persistence = DocumentPersistence(storage, settings, engine)
            started = time.perf_counter()
            for update in history.updates:
                persistence.append(ROOM, update)
            await persistence.flush()
            write_seconds = time.perf_counter() - started
            log_text, log_seconds, log_lag, _ = await _room_load(settings, persistence, engine)
            stored = await storage.documents.load(ROOM)
            async with storage.transaction() as tx:
                await tx.documents.replace_with_snapshot(
                    ROOM, history.snapshot, stored.updates[-1][0], (), utcnow()
                )
            loads = [await _room_load(settings, persistence, engine) for _ in range(3)]
            snap_text, snap_seconds = loads[0][0], min(load[1] for load in loads)
            snap_lag = max(load[2] for load in loads)
            snap_cpu = min(load[3] for load in loads)
            db_bytes = _size(settings.database_path)
        finally:
            await storage.close()
    return {
        "write_log_s": write_seconds,
        "room_load_log_s": log_seconds,
        "room_load_snapshot_s": snap_seconds,
        "room_lag_log_s": log_lag,
        "room_lag_snapshot_s": snap_lag,
        "room_cpu_snapshot_s": snap_cpu,
        "db_bytes_after": db_bytes,
        "room_log_ok": log_text == history.text,
        "room_snapshot_ok": snap_text == history.text,
    }


def _size(database: Path) -> int:
    """Bytes of an SQLite database with its WAL."""
    return sum(p.stat().st_size for p in database.parent.glob(database.name + "*"))


class LoopLag:
    """The longest the event loop went without running a ready task, while entered: a ticker
    task sleeps 1 ms at a time and records how late it woke (the stall other rooms would see).
    """

    TICK = 0.001

    def __init__(self) -> None:
        self.max_seconds = 0.0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LoopLag:
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0)  # let it take its first tick
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.sleep(0)  # the last stall ends when the ticker runs again
        assert self._task is not None
        self._task.cancel()

    async def _tick(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.TICK)
            lag = time.perf_counter() - before - self.TICK
            self.max_seconds = max(self.max_seconds, lag)


async def _room_load(
    settings: Any, persistence: DocumentPersistence, engine: crdt.Engine
) -> tuple[str, float, float, float]:
    """(text, seconds to load the room and encode a new client's sync step 2, max loop lag,
    CPU seconds of this process meanwhile: all threads, the ticker's wake-ups included)."""
    rooms = RoomManager(settings, persistence, engine)
    async with LoopLag() as lag:
        started, cpu_started = time.perf_counter(), time.process_time()
        async with rooms.pinned(RoomInfo(room=ROOM, page_id=1, project_id=1)) as room:
            room.doc.encode_state_as_update(b"\x00")  # what a new client's sync step 1 asks
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            await asyncio.sleep(0)
            text = room.doc.text()
    await rooms.close_all(1001, "bench done")
    return text, seconds, lag.max_seconds, cpu


async def _store_page(data_dir: Path, room: str, history: History, layout: str) -> None:
    """Write the page into a stopped server's data dir: the raw log, or one snapshot."""
    storage = Storage.sqlite(load_settings(environ={}, data_dir=data_dir).database_path)
    await storage.connect()
    try:
        async with storage.transaction() as tx:
            if layout == "log":
                await tx.documents.append([(room, u) for u in history.updates], utcnow())
            else:
                await tx.documents.replace_with_snapshot(room, history.snapshot, 0, (), utcnow())
    finally:
        await storage.close()


def first_sync(history: History, engine: crdt.Engine, layout: str) -> tuple[float, int]:
    """(seconds to a real client's first sync after a server start, its text length)."""
    with tempfile.TemporaryDirectory(prefix="twinspace-large-page-") as folder:
        data_dir = Path(folder) / "data"
        seeded = asyncio.run(seed_twinspace(data_dir, 1))
        asyncio.run(_store_page(data_dir, seeded.rooms[0], history, layout))
        env = {"TWINSPACE_CRDT_ENGINE": engine.value}
        with (
            serve_twinspace(data_dir, seeded, env) as target,
            idle_clients(target, target.rooms, 1, sync_timeout=180) as ready,
        ):
            return ready["connectMs"] / 1000, int(ready["textLength"])


def measure(history: History, engine: crdt.Engine, expected: str) -> dict[str, Any]:
    log_text, log_seconds = fresh_load(history.updates, engine)
    snapshot_runs = [fresh_load([history.snapshot], engine) for _ in range(3)]
    snapshot_text = snapshot_runs[0][0]
    served = asyncio.run(server_loads(history, engine))
    sync_log_s, log_length = first_sync(history, engine, "log")
    sync_snapshot_s, snapshot_length = first_sync(history, engine, "snapshot")
    utf16_length = len(expected.encode("utf-16-le")) // 2
    checks = [
        log_text == expected,
        snapshot_text == expected,
        served.pop("room_log_ok"),
        served.pop("room_snapshot_ok"),
        log_length == utf16_length,
        snapshot_length == utf16_length,
    ]
    return {
        "engine": engine.value,
        "updates": len(history.updates),
        "log_bytes": sum(map(len, history.updates)),
        "snapshot_bytes": len(history.snapshot),
        "fresh_load_log_s": log_seconds,
        "fresh_load_snapshot_s": min(s for _, s in snapshot_runs),
        **served,
        "first_sync_log_s": sync_log_s,
        "first_sync_snapshot_s": sync_snapshot_s,
        "text_ok": all(checks),
    }


LOAD_HEADERS = (
    "engine",
    "updates",
    "log KB",
    "snapshot KB",
    "log -> Document s",
    "snapshot -> Document ms",
)
SERVER_HEADERS = (
    "engine",
    "log -> room s",
    "snapshot -> room ms",
    "CPU ms",
    "stall, log ms",
    "stall, snapshot ms",
    "first sync, log s",
    "first sync, snapshot ms",
    "text ok",
)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trace", type=Path, default=TRACE)
    parser.add_argument("--ops", type=int, default=None, help="replay only the first N edits")
    parser.add_argument(
        "--engine",
        choices=[e.value for e in crdt.Engine],
        default=None,
        help="engine that replays the history (default: the server's)",
    )
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached history")
    parser.add_argument("--quick", action="store_true", help="the first 20,000 edits only")
    args = parser.parse_args(argv)
    if args.quick and args.ops is None:
        args.ops = 20_000
    trace = load_trace(args.trace, args.ops)
    ops = len(trace.patches)
    builder = crdt.Engine(args.engine) if args.engine else crdt.default_engine()
    history = None if args.rebuild else cached_history(builder, ops, trace.end)
    if history is None:
        print(f"replaying {ops} edits with {builder.value} (cached afterwards) ...", flush=True)
        history = replay(trace, builder)
        if history.text != trace.end:
            raise SystemExit("the replayed text differs from the trace's end content")
        save_history(history, ops)
    load_before = os.getloadavg()[0]
    rows = []
    for engine in crdt.available_engines():
        print(f"loading on {engine.value} ...", flush=True)
        rows.append(measure(history, engine, trace.end))
    built = (
        f"built in {history.build_seconds:.1f} s ({ops / history.build_seconds:,.0f} edits/s)"
        if history.build_seconds
        else "read from the cache"
    )
    print(
        f"\nLarge page: {ops:,} edits replayed with {builder.value} as {len(history.updates):,} "
        f"updates ({built}); final text {len(trace.end):,} chars\n"
    )
    print(
        report.table(
            LOAD_HEADERS,
            [
                [
                    r["engine"],
                    r["updates"],
                    r["log_bytes"] / 1024,
                    r["snapshot_bytes"] / 1024,
                    r["fresh_load_log_s"],
                    1000 * r["fresh_load_snapshot_s"],
                ]
                for r in rows
            ],
        )
    )
    print()
    print(
        report.table(
            SERVER_HEADERS,
            [
                [
                    r["engine"],
                    r["room_load_log_s"],
                    1000 * r["room_load_snapshot_s"],
                    1000 * r["room_cpu_snapshot_s"],
                    1000 * r["room_lag_log_s"],
                    1000 * r["room_lag_snapshot_s"],
                    r["first_sync_log_s"],
                    1000 * r["first_sync_snapshot_s"],
                    "yes" if r["text_ok"] else "NO",
                ]
                for r in rows
            ],
        )
    )
    written = ", ".join(f"{r['engine']} {r['write_log_s']:.1f} s" for r in rows)
    print(
        "\n  -> Document: crdt.Document.apply_update, in this process"
        "\n  -> room: RoomManager's load from SQLite (log written in one group commit: "
        f"{written})"
        "\n  CPU ms: this process's CPU time (all threads) during the snapshot -> room load,"
        " best of 3: robust to a busy machine where wall-clock times are not"
        "\n  stall: the longest the event loop went without running (a 1 ms ticker task) during"
        " the room load and a new client's sync step 2 encode"
        "\n  first sync: a y-websocket client's connect to synced, server just started"
        f"\n  load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    return {
        "ops": ops,
        "builder": builder.value,
        "build_seconds": history.build_seconds,
        "rows": rows,
        "load_average": [load_before, os.getloadavg()[0]],
    }


if __name__ == "__main__":
    exit_on_sigterm()
    try:
        found = main()
    except KeyboardInterrupt:
        sys.exit(130)
    print(f"\nresults: {report.save('large-page', found)}")
