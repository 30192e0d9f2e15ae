"""The sweep that keeps open websockets in step with the sessions table.

Domain events close a socket at once when this process ends its session (docs/events-protocol.md,
"Close codes"); the sweep also catches what no event announces: a session deleted or an account
deactivated by another process (the `twinspace` command) or straight in the database. Every
`session_check_seconds` it asks storage which of the open sockets' sessions are still valid and
closes the others with 4401.
"""

from __future__ import annotations

import asyncio
import logging

from twinspace.clock import utcnow
from twinspace.realtime.connections import ConnectionRegistry
from twinspace.storage import Storage

log = logging.getLogger("twinspace.realtime.sessions")


class SessionWatch:
    def __init__(self, registry: ConnectionRegistry, storage: Storage, every: float) -> None:
        self._registry = registry
        self._storage = storage
        self._every = every
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="session-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def sweep(self) -> int:
        """Close the sockets of sessions that are no longer valid; returns how many sessions."""
        open_sessions = self._registry.sessions()
        if not open_sessions:
            return 0
        valid = await self._storage.sessions.still_valid(sorted(open_sessions), utcnow())
        # a socket that opened while the query ran is checked by the next sweep
        ended = open_sessions - valid
        for session_id in ended:
            self._registry.close_session(session_id, "session ended")
        return len(ended)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.sweep()
            except Exception:
                log.exception("checking the sessions of open websockets failed")
