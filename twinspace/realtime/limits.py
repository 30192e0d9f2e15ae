"""Generic rate limiters shared by the websocket endpoints: a token bucket, and one per key.

Both are plain, synchronous objects for one event loop; the clock is injectable for tests.
`RateGate` and `SlowMode` are the seams for limits that must hold across processes: here the
embedded mode's in-process versions, in twinspace/cluster/limits.py the Redis ones.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

Clock = Callable[[], float]


class TokenBucket:
    """`rate` tokens per second, at most `burst` saved up; `take()` spends one if it can."""

    __slots__ = ("_clock", "_stamp", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: int, *, clock: Clock = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs rate > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def take(self, cost: float = 1.0) -> bool:
        self._refill()
        if self._tokens >= cost:
            self._tokens -= cost
            return True
        return False

    def retry_after(self, cost: float = 1.0) -> float:
        """Seconds until `take(cost)` would succeed."""
        self._refill()
        return max(0.0, (cost - self._tokens) / self.rate)


@dataclass
class KeyedBuckets:
    """One token bucket per key (user, channel, ...), created on first use and pruned when full."""

    rate: float
    burst: int
    clock: Clock = time.monotonic
    max_keys: int = 100_000
    _buckets: dict[object, TokenBucket] = field(default_factory=dict)

    def take(self, key: object, cost: float = 1.0) -> bool:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._prune()
            bucket = self._buckets[key] = TokenBucket(self.rate, self.burst, clock=self.clock)
        return bucket.take(cost)

    def retry_after(self, key: object, cost: float = 1.0) -> float:
        bucket = self._buckets.get(key)
        return bucket.retry_after(cost) if bucket else 0.0

    def _prune(self) -> None:
        """Forget buckets that have refilled completely: they hold no state worth keeping."""
        full = [k for k, b in self._buckets.items() if b.retry_after(b.burst) == 0.0]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:
            self._buckets.clear()


class RateGate(Protocol):
    """A per-key rate limit that may live outside this process (the cluster keeps it in
    Redis: docs/cluster.md, "Limits across processes")."""

    async def take(self, key: str) -> float:
        """Spend one token of `key`: 0.0 when allowed, else the seconds until it would be."""
        ...


class LocalRateGate:
    """The embedded mode's `RateGate`: token buckets in this process."""

    def __init__(self, rate: float, burst: int, *, clock: Clock = time.monotonic) -> None:
        self.buckets = KeyedBuckets(rate=rate, burst=burst, clock=clock)

    async def take(self, key: str) -> float:
        if self.buckets.take(key):
            return 0.0
        return max(self.buckets.retry_after(key), 1e-3)


class SlowMode(Protocol):
    """One post per `seconds` per key (author and space)."""

    async def claim(self, key: str, seconds: float) -> float:
        """0.0 when a post may go now, else the seconds until it may. A gate shared between
        processes takes the slot here, atomically; a local one waits for `posted`."""
        ...

    def posted(self, key: str) -> None:
        """The post went through (stored)."""
        ...


class LocalSlowMode:
    def __init__(self, *, max_keys: int = 50_000, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._last: OrderedDict[str, float] = OrderedDict()

    async def claim(self, key: str, seconds: float) -> float:
        last = self._last.get(key)
        return max(0.0, seconds - (self._clock() - last)) if last is not None else 0.0

    def posted(self, key: str) -> None:
        self._last[key] = self._clock()
        self._last.move_to_end(key)
        while len(self._last) > self._max_keys:
            self._last.popitem(last=False)
