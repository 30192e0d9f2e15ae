"""Reads by key that arrive together answered by one query (docs/architecture.md, "Storage").

A reconnect storm authenticates and resolves thousands of sockets within seconds, each with the
same two reads (its session and user; its page, project and membership). Each read alone is a
round trip to the database (on SQLite, through aiosqlite's one thread: a queue, a wake-up of the
event loop and a future per read). `BatchedReads` collects the keys asked for in one turn of the
event loop, and while a batch is being read, and reads them with one query: a storm's reads
cost one round trip per batch. A read is never answered from an earlier one: nothing is cached,
every key is read after it was asked for.

Only for reads outside a transaction (the autocommit executor): the batch runs in a task of its
own, on whatever connection the executor lends it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")

# keys per query: SQLite builds older than 3.32 allow 999 parameters in a statement
MAX_KEYS = 200


class BatchedReads(Generic[Key, Value]):
    """`get(key)` answered by `read(keys)`, one call for the keys asked for together; a key
    missing from its answer is None. A failed read fails every caller of its batch."""

    def __init__(
        self,
        read: Callable[[Sequence[Key]], Awaitable[Mapping[Key, Value]]],
        *,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self._read = read
        self._max_keys = max_keys
        self._waiting: dict[Key, list[asyncio.Future[Value | None]]] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def get(self, key: Key) -> Value | None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # first use, or a new loop (tests): nothing carries over
            self._loop, self._waiting, self._reader = loop, None, None
        if self._waiting is None:
            self._waiting = {}
        answer: asyncio.Future[Value | None] = loop.create_future()
        self._waiting.setdefault(key, []).append(answer)
        if self._reader is None:
            # its first step comes in the next turn: every key asked for in this one joins
            self._reader = loop.create_task(self._read_batches())
        return await answer

    async def _read_batches(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, None
                keys = list(batch)
                try:
                    found: dict[Key, Value] = {}
                    for start in range(0, len(keys), self._max_keys):
                        found.update(await self._read(keys[start : start + self._max_keys]))
                except asyncio.CancelledError:
                    _cancel(batch)  # the server is stopping
                    raise
                except Exception as exc:
                    for answers in batch.values():
                        for answer in answers:
                            if not answer.done():  # a caller that gave up (a timeout) is done
                                answer.set_exception(exc)
                    continue
                for key, answers in batch.items():
                    value = found.get(key)
                    for answer in answers:
                        if not answer.done():
                            answer.set_result(value)
        finally:
            self._reader = None
            if self._waiting:  # cancelled with more waiting
                _cancel(self._waiting)
                self._waiting = None


def _cancel(batch: Mapping[Key, list[asyncio.Future[Value | None]]]) -> None:
    for answers in batch.values():
        for answer in answers:
            answer.cancel()
