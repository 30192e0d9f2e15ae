"""Generic rate limiters shared by the websocket endpoints: a token bucket, and one per key.

Both are plain, synchronous objects for one event loop; the clock is injectable for tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

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
