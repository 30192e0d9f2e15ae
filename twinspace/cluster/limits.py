"""Limits that hold across processes, kept in Redis (docs/cluster.md, "Limits across
processes").

Each check is one Lua script (or one `SET NX`), so Redis decides it atomically: two processes
asking at the same moment can never both take the last token, the last connection slot or
the last sign-in try. Every key expires on its own, so a killed process leaves nothing that
blocks anyone for longer than the limit's window. While Redis cannot be reached, each limit
falls back to the embedded mode's in-process one (it then holds per process), and says so in
the log.

- `RedisRateGate`: a token bucket per key (posting rate, join-code tries).
- `RedisSlowMode`: one post per author and space every n seconds (`SET NX PX`).
- `RedisSignInThrottle`: the three sliding windows of `twinspace/accounts/throttle.py`; an
  attempt is counted as a failure when it starts and forgiven when it succeeds, so parallel
  guesses cannot all slip through before the first failure is written.
- `RedisConnectionCap`: a sorted set per user of live connection ids scored by expiry,
  refreshed while they are open.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import secrets

from redis.exceptions import RedisError

from twinspace.accounts.throttle import LoginThrottle
from twinspace.cluster.redis_link import RedisLink
from twinspace.realtime.limits import LocalRateGate, LocalSlowMode
from twinspace.worker import cancel_and_wait

log = logging.getLogger("twinspace.cluster.limits")

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
"""

# KEYS: the bucket. ARGV: tokens per ms, burst. Returns the ms to wait (0: taken).
TAKE_TOKEN = (
    _NOW
    + """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens, stamp = tonumber(state[1]), tonumber(state[2])
if tokens == nil then tokens, stamp = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return wait
"""
)

# KEYS: pair, account, address windows, known-address key.
# ARGV: limits (pair, account, address), window ms, attempt id.
# Returns the ms to wait (0: the attempt is counted in all three windows and may go ahead).
SIGN_IN_ATTEMPT = (
    _NOW
    + """
local window = tonumber(ARGV[4])
local known = redis.call('EXISTS', KEYS[4]) == 1
local wait = 0
for i = 1, 3 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local limit = tonumber(ARGV[i])
  if not (i == 2 and known) then
    local count = redis.call('ZCARD', KEYS[i])
    if count >= limit then
      local oldest = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
      wait = math.max(wait, tonumber(oldest[2]) + window - now, 1)
    end
  end
end
if wait > 0 then return math.ceil(wait) end
for i = 1, 3 do
  redis.call('ZADD', KEYS[i], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[i], window)
end
return 0
"""
)

# KEYS: the user's live connections. ARGV: connection id, limit, ttl ms. Returns 1: admitted.
ENTER = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local limit = tonumber(ARGV[2])
if limit > 0 and redis.call('ZCARD', KEYS[1]) >= limit then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
)

# KEYS: the user's live connections. ARGV: ttl ms, connection ids to keep alive.
REFRESH = (
    _NOW
    + """
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
"""
)


def _digest(text: str) -> str:
    """Key material for personal data (usernames, addresses): not readable from Redis."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class RedisRateGate:
    def __init__(self, link: RedisLink, name: str, rate: float, burst: int) -> None:
        self._link = link
        self._name = name
        self._rate_per_ms = rate / 1000
        self._burst = burst
        self._script = link.client.register_script(TAKE_TOKEN)
        self._local = LocalRateGate(rate, burst)

    async def take(self, key: str) -> float:
        try:
            wait_ms = await self._script(
                keys=[self._link.key("rate", self._name, key)],
                args=[self._rate_per_ms, self._burst],
            )
        except (RedisError, OSError) as exc:
            log.warning(
                "%s rate: Redis unreachable (%s), counting in this process", self._name, exc
            )
            return await self._local.take(key)
        return int(wait_ms) / 1000


class RedisSlowMode:
    def __init__(self, link: RedisLink) -> None:
        self._link = link
        self._local = LocalSlowMode()

    async def claim(self, key: str, seconds: float) -> float:
        name = self._link.key("slow", key)
        try:
            if await self._link.client.set(name, b"1", nx=True, px=max(1, int(seconds * 1000))):
                return 0.0
            left_ms = await self._link.client.pttl(name)
        except (RedisError, OSError) as exc:
            log.warning("slow mode: Redis unreachable (%s), checking in this process", exc)
            return await self._local.claim(key, seconds)
        return max(left_ms, 1) / 1000

    def posted(self, key: str) -> None:
        """`claim` took the slot in Redis; the local fallback remembers it too."""
        self._local.posted(key)


class RedisSignInThrottle:
    def __init__(
        self,
        link: RedisLink,
        *,
        per_account_address: int,
        per_account: int,
        per_address: int,
        window: float,
        known_address_seconds: float,
    ) -> None:
        self._link = link
        self._limits = (per_account_address, per_account, per_address)
        self._window_ms = int(window * 1000)
        self._known_ms = int(known_address_seconds * 1000)
        self._attempt = link.client.register_script(SIGN_IN_ATTEMPT)
        self._pending: dict[tuple[str, str], list[str]] = {}
        # this process's own count, for while Redis cannot be reached
        self._local = LoginThrottle(
            per_account_address=per_account_address,
            per_account=per_account,
            per_address=per_address,
            window=window,
            known_address_seconds=known_address_seconds,
        )

    def _keys(self, username: str, address: str) -> list[str]:
        account, place = _digest(username.casefold()), _digest(address)
        return [
            self._link.key("signin", "pair", account, place),
            self._link.key("signin", "account", account),
            self._link.key("signin", "address", place),
            self._link.key("signin", "known", account, place),
        ]

    async def attempt(self, username: str, address: str) -> int | None:
        token = secrets.token_hex(8)
        try:
            wait_ms = await self._attempt(
                keys=self._keys(username, address), args=[*self._limits, self._window_ms, token]
            )
        except (RedisError, OSError) as exc:
            log.warning("sign-in throttle: Redis unreachable (%s), counting in this process", exc)
            return self._local.retry_after(username, address)
        if int(wait_ms) > 0:
            return max(1, math.ceil(int(wait_ms) / 1000))
        self._pending.setdefault((username.casefold(), address), []).append(token)
        return None

    async def failed(self, username: str, address: str) -> None:
        """In Redis the attempt was counted as a failure when it started."""
        self._take_token(username, address)
        self._local.failed(username, address)

    async def succeeded(self, username: str, address: str) -> None:
        self._local.succeeded(username, address)
        token = self._take_token(username, address)
        pair, account, place, known = self._keys(username, address)
        pipe = self._link.client.pipeline(transaction=True)
        pipe.delete(pair)
        if token is not None:
            pipe.zrem(account, token)
            pipe.zrem(place, token)
        if self._known_ms:
            pipe.set(known, b"1", px=self._known_ms)
        try:
            await pipe.execute()
        except (RedisError, OSError) as exc:  # the failures lapse with their window
            log.warning("sign-in throttle: success not recorded in Redis (%s)", exc)

    def _take_token(self, username: str, address: str) -> str | None:
        key = (username.casefold(), address)
        tokens = self._pending.get(key)
        if not tokens:
            return None
        token = tokens.pop(0)
        if not tokens:
            del self._pending[key]
        return token


class RedisConnectionCap:
    """At most `limit` live sockets per user across the cluster. Each process refreshes the
    expiry of its own sockets' entries every `ttl/3`; a killed process's entries lapse."""

    def __init__(self, link: RedisLink, *, ttl_seconds: float = 30.0) -> None:
        self._link = link
        self._ttl_ms = int(ttl_seconds * 1000)
        self._enter = link.client.register_script(ENTER)
        self._refresh = link.client.register_script(REFRESH)
        self._live: dict[int, set[str]] = {}
        self._task: asyncio.Task[None] | None = None

    def _key(self, user_id: int) -> str:
        return self._link.key("conns", user_id)

    async def enter(self, user_id: int, limit: int) -> str | None:
        """A connection id when admitted, None when the user is at the cap."""
        connection_id = secrets.token_hex(8)
        try:
            admitted = await self._enter(
                keys=[self._key(user_id)], args=[connection_id, limit, self._ttl_ms]
            )
        except (RedisError, OSError) as exc:
            # the registry's own cap of this process still applies
            log.warning("connection cap: Redis unreachable (%s), counting in this process", exc)
            return f"local-{connection_id}"
        if not int(admitted):
            return None
        self._live.setdefault(user_id, set()).add(connection_id)
        self._start()
        return connection_id

    async def leave(self, user_id: int, connection_id: str) -> None:
        if connection_id.startswith("local-"):
            return
        ids = self._live.get(user_id)
        if ids is not None:
            ids.discard(connection_id)
            if not ids:
                del self._live[user_id]
        try:
            await self._link.client.zrem(self._key(user_id), connection_id)
        except RedisError as exc:  # it lapses on its own
            log.warning("could not drop connection %s of user %d: %s", connection_id, user_id, exc)

    def _start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._keep_alive(), name="connection-cap"
            )

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self._ttl_ms / 3000)
            try:
                pipe = self._link.client.pipeline(transaction=False)
                for user_id, ids in list(self._live.items()):
                    await self._refresh(
                        keys=[self._key(user_id)], args=[self._ttl_ms, *ids], client=pipe
                    )
                await pipe.execute()
            except (RedisError, OSError) as exc:
                log.warning("refreshing live connections failed: %s", exc)

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_and_wait(task)
