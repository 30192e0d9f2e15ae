"""Idle Yjs clients held open by bench/node/idle.mjs."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from typing import Any

from harness.procs import BenchError, JsonLines, node_command, running
from harness.targets import Target


@contextlib.contextmanager
def idle_clients(
    target: Target,
    rooms: list[str],
    per_room: int,
    sync_timeout: float = 30.0,
    awareness: bool = False,
) -> Iterator[dict[str, Any]]:
    """`per_room` idle clients in each of `rooms`, held until the block ends. Yields idle.mjs's
    "ready" event (clients, connectMs: until all synced, textLength of the first client, ...).
    With `awareness` the clients announce a presence state (and renew it every 15 s)."""
    args = [
        *target.client_args(rooms),
        f"--per-room={per_room}",
        f"--timeout={int(sync_timeout * 1000)}",
    ]
    args += ["--awareness"] if awareness else []
    with running(
        node_command("idle.mjs", *args), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        events = JsonLines(process.stdout)
        ready = events.wait_for("ready", sync_timeout + 60 + 0.02 * len(rooms) * per_room)
        try:
            yield ready
        finally:
            with contextlib.suppress(OSError):
                process.stdin.close()
            with contextlib.suppress(BenchError):
                events.wait_for("closed", 20)
