"""Sign-in throttling that slows guessing without locking the owner out (docs in README,
"Limits and guarantees").

Three sliding windows of failures:

- per (account, address): strict; the address that keeps guessing one account is refused;
- per account across all addresses: a higher bound against guessing from many addresses;
  it never refuses an address that signed in to that account recently (a known address);
- per address across accounts: one address spraying many accounts is refused.

So failures from somewhere else never refuse the owner's correct password from the owner's
own address: their (account, address) window is empty and their address is known.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from typing import Protocol


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
        self._failures: OrderedDict[Hashable, deque[float]] = OrderedDict()

    def _recent(self, key: Hashable) -> deque[float] | None:
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

    def retry_after(self, key: Hashable) -> int | None:
        """Seconds until another attempt is allowed, or None if allowed now."""
        times = self._recent(key)
        if times is None or len(times) < self.limit:
            return None
        oldest_counted = times[len(times) - self.limit]
        return max(1, math.ceil(oldest_counted + self.window - self._clock()))

    def record(self, key: Hashable) -> None:
        times = self._recent(key) or deque()
        times.append(self._clock())
        self._failures[key] = times
        self._failures.move_to_end(key)
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)

    def clear(self, key: Hashable) -> None:
        self._failures.pop(key, None)


class KnownAddresses:
    """(account, address) pairs that signed in successfully within `ttl` seconds; bounded."""

    def __init__(
        self,
        *,
        ttl: float,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_keys = max_keys
        self._clock = clock
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()

    def remember(self, account: str, address: str) -> None:
        key = (account, address)
        self._seen[key] = self._clock()
        self._seen.move_to_end(key)
        while len(self._seen) > self._max_keys:
            self._seen.popitem(last=False)

    def __contains__(self, key: tuple[str, str]) -> bool:
        seen = self._seen.get(key)
        if seen is None:
            return False
        if seen + self._ttl <= self._clock():
            del self._seen[key]
            return False
        return True


class LoginThrottle:
    def __init__(
        self,
        *,
        per_account_address: int,
        per_account: int,
        per_address: int,
        window: float,
        known_address_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pairs = FailureWindow(limit=per_account_address, window=window, clock=clock)
        self._accounts = FailureWindow(limit=per_account, window=window, clock=clock)
        self._addresses = FailureWindow(limit=per_address, window=window, clock=clock)
        self._known = KnownAddresses(ttl=known_address_seconds, clock=clock)

    def retry_after(self, username: str, address: str) -> int | None:
        account = username.casefold()
        checks = [
            self._pairs.retry_after((account, address)),
            self._addresses.retry_after(address),
        ]
        if (account, address) not in self._known:
            checks.append(self._accounts.retry_after(account))
        waits = [wait for wait in checks if wait is not None]
        return max(waits) if waits else None

    def failed(self, username: str, address: str) -> None:
        account = username.casefold()
        self._pairs.record((account, address))
        self._accounts.record(account)
        self._addresses.record(address)

    def succeeded(self, username: str, address: str) -> None:
        """The owner's address is known from now on; failures elsewhere still count."""
        account = username.casefold()
        self._pairs.clear((account, address))
        self._known.remember(account, address)


class SignInThrottle(Protocol):
    """The seam for sign-in throttling: `LoginThrottle` in this process (embedded), or kept
    in Redis so that it holds across processes (twinspace/cluster/limits.py)."""

    async def attempt(self, username: str, address: str) -> int | None:
        """Seconds to wait before trying again, or None: go ahead."""
        ...

    async def failed(self, username: str, address: str) -> None: ...

    async def succeeded(self, username: str, address: str) -> None: ...


class LocalSignInThrottle:
    """`LoginThrottle` behind the `SignInThrottle` seam."""

    def __init__(self, throttle: LoginThrottle) -> None:
        self.throttle = throttle

    async def attempt(self, username: str, address: str) -> int | None:
        return self.throttle.retry_after(username, address)

    async def failed(self, username: str, address: str) -> None:
        self.throttle.failed(username, address)

    async def succeeded(self, username: str, address: str) -> None:
        self.throttle.succeeded(username, address)
