"""Sliding-window counters for failed logins, per account and per client address."""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class FailureWindow:
    """Remembers failure times per key within `window` seconds; bounded in keys."""

    def __init__(
        self,
        *,
        limit: int,
        window: float,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._max_keys = max_keys
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        horizon = self._clock() - self.window
        while times and times[0] <= horizon:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def retry_after(self, key: str) -> int | None:
        """Seconds until another attempt is allowed, or None if allowed now."""
        times = self._recent(key)
        if times is None or len(times) < self.limit:
            return None
        oldest_counted = times[len(times) - self.limit]
        return max(1, math.ceil(oldest_counted + self.window - self._clock()))

    def record(self, key: str) -> None:
        times = self._recent(key) or deque()
        times.append(self._clock())
        self._failures[key] = times
        self._failures.move_to_end(key)
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)

    def clear(self, key: str) -> None:
        self._failures.pop(key, None)


class LoginThrottle:
    def __init__(
        self,
        *,
        per_account: int,
        per_address: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._accounts = FailureWindow(limit=per_account, window=window, clock=clock)
        self._addresses = FailureWindow(limit=per_address, window=window, clock=clock)

    def retry_after(self, username: str, address: str) -> int | None:
        waits = [
            w
            for w in (
                self._accounts.retry_after(username.casefold()),
                self._addresses.retry_after(address),
            )
            if w is not None
        ]
        return max(waits) if waits else None

    def failed(self, username: str, address: str) -> None:
        self._accounts.record(username.casefold())
        self._addresses.record(address)

    def succeeded(self, username: str) -> None:
        self._accounts.clear(username.casefold())
