"""Poll a condition with a deadline: for state that has no event to wait on."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")


@overload
async def eventually(
    check: Callable[[], Awaitable[T]], *, within: float = 10.0, every: float = 0.02
) -> T: ...


@overload
async def eventually(check: Callable[[], T], *, within: float = 10.0, every: float = 0.02) -> T: ...


async def eventually(check: Callable[[], Any], *, within: float = 10.0, every: float = 0.02) -> Any:
    """Return `check()`'s first truthy result; TimeoutError after `within` seconds."""
    async with asyncio.timeout(within):
        while True:
            result = check()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return result
            await asyncio.sleep(every)
