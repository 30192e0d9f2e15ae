"""Pages across processes (docs/cluster.md, "Pages across processes"), with real yjs +
y-websocket clients spread over real `twinspace serve` processes on one PostgreSQL database.

Convergence through three processes, lost pub/sub messages (and a bare relay failing the same
test), kill -9 of a process mid-edit, a Redis restart, and the compaction lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import psycopg
import pytest

from tests.cluster.page_scene import converged, page_scene, texts
from tests.support.cluster import running_cluster
from tests.support.node import Peer, require_node
from tests.support.poll import eventually
from tests.support.server import free_port


class Diverged(AssertionError):
    """Clients of one page still show different texts."""


async def _close(peers: list[Peer]) -> None:
    await asyncio.gather(*[p.close() for p in peers], return_exceptions=True)


async def _type_words(peer: Peer, tag: str, count: int, acked: set[str] | None = None) -> None:
    """Type `count` words, each its own edit, waiting for the server's acknowledgement."""
    for n in range(count):
        word = f"{tag}{n}"
        await peer.insert(0, word + " ")
        if await peer.saved(within=10) and acked is not None:
            acked.add(word)


async def test_concurrent_edits_through_three_processes_converge(
    tmp_path: Path, redis_prefix: str
) -> None:
    require_node()
    with running_cluster(tmp_path, 3, redis_prefix) as cluster:
        scene = await page_scene(cluster)
        peers = [await scene.peer(node % 3, who=node) for node in range(6)]
        try:
            words: set[str] = set()
            for round_ in range(8):
                batch = {f"p{i}r{round_}" for i in range(len(peers))}
                words |= batch
                await asyncio.gather(*[p.insert(0, f"p{i}r{round_} ") for i, p in enumerate(peers)])
            text = await eventually(lambda: converged(peers, words), within=20)
            assert text is not None and set(text.split()) == words
            # awareness reaches the other processes too
            await peers[0].set_awareness({"cursor": 7})
            await eventually(
                lambda: _sees_awareness(peers[2], peers[0].client_id, present=True), within=10
            )
            # what is stored is what they see: fresh clients on every process read the same
            fresh = [await scene.peer(node) for node in range(3)]
            try:
                assert await texts(fresh) == [text] * 3
            finally:
                await _close(fresh)
            # a client leaving takes its cursor away on the other processes
            await peers[0].close()
            await eventually(
                lambda: _sees_awareness(peers[2], peers[0].client_id, present=False), within=10
            )
        finally:
            await _close(peers)


async def _sees_awareness(peer: Peer, client_id: int, *, present: bool) -> bool:
    state = await peer.state()
    return (str(client_id) in state["awareness"]) is present


@pytest.mark.parametrize(
    ("drop", "reconcile_seconds"),
    [
        pytest.param("0.5", "1", id="half-lost"),
        pytest.param("1", "1", id="all-lost"),
        pytest.param(
            "0.5",
            "0",
            marks=pytest.mark.xfail(
                strict=True,
                raises=Diverged,
                reason="a bare pub/sub relay (no reconciliation) leaves processes diverged",
            ),
            id="bare-relay",
        ),
    ],
)
async def test_lost_messages_leave_no_lasting_divergence(
    tmp_path: Path, redis_prefix: str, drop: str, reconcile_seconds: str
) -> None:
    """A share of the page-update messages is never published (a fault hook): processes
    still converge within a few seconds of the last edit, from the stored log. The same test
    against a bare relay (reconciliation off) must fail."""
    require_node()
    env = {
        "TWINSPACE_CLUSTER_DROP_PAGE_UPDATES": drop,
        "TWINSPACE_CLUSTER_RECONCILE_SECONDS": reconcile_seconds,
    }
    with running_cluster(tmp_path, 3, redis_prefix, env=env) as cluster:
        scene = await page_scene(cluster)
        writers = [await scene.peer(node, who=node) for node in range(3)]
        readers = [await scene.peer(node, who=node + 1) for node in range(3)]
        everyone = writers + readers
        try:
            words: set[str] = set()
            lags = []
            for round_ in range(3):
                tags = [f"w{i}r{round_}x" for i in range(3)]
                words |= {f"{tag}{n}" for tag in tags for n in range(8)}
                await asyncio.gather(
                    *[_type_words(w, t, 8) for w, t in zip(writers, tags, strict=True)]
                )
                last_edit = time.monotonic()
                try:
                    await eventually(partial(converged, everyone, set(words)), within=6)
                except TimeoutError:
                    seen = [len(text.split()) for text in await texts(everyone)]
                    message = f"words each client shows 6 s after the last edit: {seen}"
                    raise Diverged(message) from None
                lags.append(time.monotonic() - last_edit)
            print(f"\nconverged {', '.join(f'{lag:.2f}' for lag in lags)} s after the last edit")
        finally:
            await _close(everyone)


async def test_kill_9_mid_edit_loses_no_acknowledged_edit(
    tmp_path: Path, redis_prefix: str
) -> None:
    require_node()
    # quick heartbeats: a dead process's cursors must go before clients drop them themselves
    # (y-protocols removes a state not renewed for 30 s; renewals come every 15 s)
    env = {
        "TWINSPACE_CLUSTER_HEARTBEAT_SECONDS": "1",
        "TWINSPACE_CLUSTER_PEER_TIMEOUT_SECONDS": "3",
    }
    with running_cluster(tmp_path, 3, redis_prefix, env=env) as cluster:
        scene = await page_scene(cluster)
        on_doomed = [await scene.peer(0, who=0), await scene.peer(0, who=1)]
        on_other = [await scene.peer(1, who=2)]
        await on_doomed[0].set_awareness({"typing": True})
        await eventually(
            lambda: _sees_awareness(on_other[0], on_doomed[0].client_id, present=True), within=10
        )
        # a process opening the page asks the others for the cursors already there
        newcomer = await scene.peer(2, who=2)
        try:
            await eventually(
                lambda: _sees_awareness(newcomer, on_doomed[0].client_id, present=True), within=8
            )
        finally:
            await newcomer.close()
        acked: set[str] = set()
        stop = asyncio.Event()

        async def write(peer: Peer, tag: str) -> None:
            n = 0
            while not stop.is_set():
                word = f"{tag}{n}"
                try:
                    await peer.insert(0, word + " ")
                    if await peer.saved(within=3):
                        acked.add(word)
                except (TimeoutError, RuntimeError):
                    return
                n += 1

        writing = [
            asyncio.create_task(write(peer, tag))
            for peer, tag in zip([*on_doomed, *on_other], ["a", "b", "c"], strict=True)
        ]
        try:
            await eventually(lambda: sum(w[0] in "ab" for w in acked) >= 40, within=60)
            cluster.kill(0)  # SIGKILL: no flush, no goodbye
            await asyncio.sleep(0)
            stop.set()
            await asyncio.gather(*writing, return_exceptions=True)
            assert any(w[0] in "ab" for w in acked)
            # the dead process's clients' cursors are removed on the others by the servers
            await eventually(
                lambda: _sees_awareness(on_other[0], on_doomed[0].client_id, present=False),
                within=12,
            )
            # a client that never saw the edits, on a process that had not opened the page,
            # reads everything that was acknowledged from the database
            fresh = await scene.peer(2)
            try:
                text = str((await fresh.state())["text"])
                missing = acked - set(text.split())
                assert not missing, f"{len(missing)} of {len(acked)} acknowledged words lost"
            finally:
                await fresh.close()
            # the killed process's clients reconnect elsewhere and everyone converges
            for peer in on_doomed:
                await peer.move_to(scene.url(2))
            everyone = on_doomed + on_other
            await asyncio.gather(*[p.wait_synced(within=30) for p in on_doomed])
            await eventually(lambda: converged(everyone, acked), within=20)
        finally:
            stop.set()
            await _close([*on_doomed, *on_other])


@contextlib.contextmanager
def private_redis(port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = _start_redis(port)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def _start_redis(port: int) -> subprocess.Popen[bytes]:
    server = "/usr/bin/redis-server"
    if not os.path.exists(server):
        pytest.skip("redis-server is not installed")
    process = subprocess.Popen(
        [server, "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            redis.Redis(port=port, socket_connect_timeout=0.5).ping()
            return process
        except redis.RedisError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the private redis-server did not start")


@pytest.mark.parametrize(
    "reconcile_seconds",
    [
        pytest.param("1", id="reconciling"),
        pytest.param(
            "0",
            marks=pytest.mark.xfail(
                strict=True,
                raises=Diverged,
                reason="a bare pub/sub relay loses what was edited while Redis was away",
            ),
            id="bare-relay",
        ),
    ],
)
async def test_redis_restart_mid_session_heals(
    tmp_path: Path, redis_prefix: str, reconcile_seconds: str
) -> None:
    """Edits made while Redis is away reach the other process from the stored log, and
    everything travels again once Redis is back. The same test against a bare relay
    (reconciliation off) must fail."""
    require_node()
    port = free_port()
    with private_redis(port) as first_redis:
        env = {
            "TWINSPACE_REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "TWINSPACE_CLUSTER_RECONCILE_SECONDS": reconcile_seconds,
        }
        with running_cluster(tmp_path, 2, redis_prefix, env=env) as cluster:
            scene = await page_scene(cluster)
            peers = [await scene.peer(0, who=0), await scene.peer(1, who=1)]
            try:
                await _type_words(peers[0], "before", 3)
                await eventually(lambda: converged(peers, {"before0", "before2"}), within=10)
                first_redis.terminate()
                first_redis.wait(timeout=10)
                # while Redis is away, edits are stored and the others read them from the log
                await _type_words(peers[1], "during", 3)
                try:
                    await eventually(lambda: converged(peers, {"during0", "during2"}), within=15)
                except TimeoutError:
                    raise Diverged("the edits made while Redis was away never arrived") from None
                with private_redis(port):
                    # awareness travels by pub/sub only: it arrives again once resubscribed
                    await eventually(
                        lambda: all("pages resubscribed" in cluster.log(i) for i in range(2)),
                        within=20,
                    )
                    await peers[0].set_awareness({"back": True})
                    await eventually(
                        lambda: _sees_awareness(peers[1], peers[0].client_id, present=True),
                        within=10,
                    )
                    await _type_words(peers[0], "after", 3)
                    await eventually(lambda: converged(peers, {"after0", "after2"}), within=10)
            finally:
                await _close(peers)


LEASE_LINE = re.compile(r"compaction lease (taken|ends): (\S+) at ([0-9.]+)")


def _lease_intervals(log: str) -> list[tuple[str, float, float]]:
    intervals, opened = [], {}
    for kind, room, at in LEASE_LINE.findall(log):
        if kind == "taken":
            opened[room] = float(at)
        elif room in opened:
            intervals.append((room, opened.pop(room), float(at)))
    return intervals


async def test_one_compactor_at_a_time_and_a_killed_holder_loses_the_lease(
    tmp_path: Path, redis_prefix: str
) -> None:
    require_node()
    env = {"TWINSPACE_COMPACT_AFTER_UPDATES": "4"}
    with running_cluster(tmp_path, 3, redis_prefix, env=env) as cluster:
        scene = await page_scene(cluster)
        peers = [await scene.peer(node % 3, who=node) for node in range(6)]
        try:
            words: set[str] = set()
            tags = [f"c{i}x" for i in range(len(peers))]
            words = {f"{tag}{n}" for tag in tags for n in range(12)}
            await asyncio.gather(*[_type_words(p, t, 12) for p, t in zip(peers, tags, strict=True)])
            await eventually(lambda: converged(peers, words), within=20)
            by_node = [_lease_intervals(cluster.log(i)) for i in range(3)]
            assert sum(map(len, by_node)) >= 2, "the page was compacted under the lease"
            assert sum(1 for intervals in by_node if intervals) >= 2, "several processes compact"
            for i, mine in enumerate(by_node):
                for j, theirs in enumerate(by_node):
                    if i < j:
                        for room, start, end in mine:
                            for other, o_start, o_end in theirs:
                                overlap = room == other and start < o_end and o_start < end
                                assert not overlap, f"processes {i} and {j} compacted at once"

            # a process holding the lease dies (kill -9): the lease goes with its connection
            holder = await _lease_holder(cluster.database_url, scene.room)
            try:
                before = await _snapshot_upto(cluster.database_url, scene.room)
                await _type_words(peers[0], "held", 10)
                assert await _snapshot_upto(cluster.database_url, scene.room) == before
                holder.send_signal(signal.SIGKILL)
                await asyncio.wait_for(holder.wait(), 10)
            finally:
                if holder.returncode is None:
                    holder.kill()
                    await holder.wait()
            await _type_words(peers[1], "free", 6)
            await eventually(
                lambda: _snapshot_moved(cluster.database_url, scene.room, before), within=15
            )
            fresh = await scene.peer(2)
            try:
                assert {"held9", "free5"} <= set(str((await fresh.state())["text"]).split())
            finally:
                await fresh.close()
        finally:
            await _close(peers)


HOLDER = """
import asyncio, sys
from twinspace.config import Settings
from twinspace.realtime import crdt
from twinspace.realtime.persistence import DocumentPersistence
from twinspace.storage import Storage

async def main(url, room):
    storage = Storage.postgresql(url, pool_size=2)
    await storage.connect()
    settings = Settings(database_url=url, redis_url="redis://127.0.0.1:1/0")
    persistence = DocumentPersistence(storage, settings, crdt.default_engine())
    async with persistence.compaction_lease(room) as documents:
        print("held" if documents is not None else "busy", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def _lease_holder(database_url: str, room: str) -> asyncio.subprocess.Process:
    """A process that takes the room's compaction lease through the server's own code."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, database_url, room, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 30)
    assert line.strip() == b"held", f"the holder could not take the lease: {line!r}"
    return process


async def _snapshot_upto(database_url: str, room: str) -> int:
    def read() -> int:
        with psycopg.connect(database_url) as conn:
            row = conn.execute(
                "SELECT upto_update_id FROM doc_snapshots WHERE room = %s", (room,)
            ).fetchone()
            return int(row[0]) if row else 0

    return await asyncio.to_thread(read)


async def _snapshot_moved(database_url: str, room: str, before: int) -> bool:
    return await _snapshot_upto(database_url, room) > before
