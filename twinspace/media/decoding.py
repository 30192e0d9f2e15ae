"""Image decoding with bounded memory, off the server process: a few decodes at a time.

A 7000 x 7000 PNG of 200 KB decodes to 150 MB of pixels, so the number of images being
decoded at once, not the number of uploads, decides the memory spent. `DecodeSlots` runs at
most `concurrency` decodes at once, each in a fresh worker process forked from a
`forkserver` that has the image code loaded already:

- the server's own memory never holds decoded pixels, and a worker's memory goes back to
  the operating system entirely when it exits after its one image;
- Pillow's encoders hold the GIL (a 12 Mpx JPEG with `optimize` for half a second), which
  would stall the event loop if they ran in a thread of the server;
- the workers run at a lower scheduling priority, so requests are answered first when
  cores are scarce;
- a decoder that crashes takes only its worker down: the upload answers 415 and the pool
  is rebuilt.

An upload that waits longer than `wait_seconds` for a slot answers 503 with `Retry-After`
(README, "Limits and guarantees").
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from twinspace.errors import Problem, Unavailable, UnsupportedMedia
from twinspace.moderation.filters.images import SanitizedImage, sanitize_image

T = TypeVar("T")
WORKER_NICENESS = 10
PRELOADED = [__name__]  # the worker's code and Pillow


@dataclass(frozen=True, slots=True)
class ImageLimits:
    max_pixels: int  # larger images are refused
    keep_pixels: int  # larger images are scaled down to this before re-encoding


def sanitize_file(path: Path, limits: ImageLimits, max_bytes: int) -> SanitizedImage:
    """Re-encode through moderation's image filter (orientation applied, every metadata block
    dropped, pixels bounded and scaled down to the kept size, a thumbnail).

    Blocking, CPU-heavy and memory-hungry: `DecodeSlots` runs it in a worker process.
    """
    return sanitize_image(
        path.read_bytes(),
        max_bytes=max_bytes,
        max_pixels=limits.max_pixels,
        max_total_pixels=limits.max_pixels,
        keep_pixels=limits.keep_pixels,
    )


class DecodersBusy(Unavailable):
    code, title = "decoders-busy", "Busy re-encoding images"


def _start_worker() -> None:
    try:
        os.nice(WORKER_NICENESS)
    except OSError:
        pass  # not permitted here: run at normal priority


class DecodeSlots:
    def __init__(self, *, concurrency: int, wait_seconds: float) -> None:
        self.concurrency = concurrency
        self._wait_seconds = wait_seconds
        self._slots = asyncio.Semaphore(concurrency)
        self._pool: ProcessPoolExecutor | None = None
        self.active = 0  # decodes running now
        self.decoded = 0  # decodes started since the start

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOADED)
            self._pool = ProcessPoolExecutor(
                max_workers=self.concurrency,
                mp_context=context,
                initializer=_start_worker,
                max_tasks_per_child=1,
            )
        return self._pool

    async def run(self, work: Callable[..., T], *args: object) -> T:
        """`work(*args)` in a worker process when a slot is free (a module-level function
        and picklable arguments); 503 after waiting too long for a slot."""
        try:
            async with asyncio.timeout(self._wait_seconds):
                await self._slots.acquire()
        except TimeoutError:
            raise DecodersBusy(
                "the server is busy re-encoding other images; try again in a moment",
                retry_after=max(1, round(self._wait_seconds)),
            ) from None
        self.active += 1
        self.decoded += 1
        try:
            pool = self._workers()
            try:
                # starting a worker talks to the forkserver (and starts it the first time):
                # never on the event loop
                future = await asyncio.to_thread(pool.submit, work, *args)
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                self._discard(pool)
                raise UnsupportedMedia(
                    "the image could not be decoded", problem=Problem.FILE_DAMAGED
                ) from None
        finally:
            self.active -= 1
            self._slots.release()

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is pool:
            self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._pool is not None:
            self._discard(self._pool)
