"""Who is online in a project, across processes (docs/cluster.md, "Project events across
processes").

Each process still counts its own sockets per member (the base `Presence`); what it tells the
others lives in one Redis hash per project, `<prefix>:presence:<project id>`, a field
`<user id>@<process>` per member and process holding the member's name, role and location.
A process marks itself alive (`<prefix>:alive:<process>`, 30 s, renewed every 10 s); entries
of a process that stopped renewing are ignored and dropped. `presence.joined` goes out when a
member's first socket in the whole cluster opens and `presence.left` when the last one closes —
decided by a Lua script that writes this process's entry and counts the member's live entries
of other processes in one step. `hello` lists every process's members.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import TypeAdapter
from redis.exceptions import RedisError

from twinspace.cluster.redis_link import RedisLink
from twinspace.realtime.presence import Location, Member, Presence
from twinspace.realtime.project_events import ProjectEventHub, Viewer
from twinspace.types import Role
from twinspace.worker import cancel_and_wait

log = logging.getLogger("twinspace.cluster.presence")

ALIVE_MS = 30_000
_LOCATION: TypeAdapter[Location] = TypeAdapter(Location)

# Common part: `others` counts the live entries of ARGV[1] (a user id) by other processes.
# KEYS: the project's hash. ARGV: user id, this entry's field, alive-key prefix, [json].
_OTHERS = """
local others = 0
local prefix = ARGV[1] .. '@'
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if field ~= ARGV[2] and string.sub(field, 1, #prefix) == prefix then
    local origin = string.sub(field, #prefix + 1)
    if redis.call('EXISTS', ARGV[3] .. origin) == 1 then
      others = others + 1
    else
      redis.call('HDEL', KEYS[1], field)
    end
  end
end
"""
ENTER = (
    "redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])\n"
    + _OTHERS
    + "redis.call('PEXPIRE', KEYS[1], 86400000)\nreturn others\n"
)
LEAVE = "redis.call('HDEL', KEYS[1], ARGV[2])\n" + _OTHERS + "return others\n"
# KEYS: the project's hash. ARGV: alive-key prefix. Returns the live entries' values.
LIST = """
local out = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local origin = string.match(all[i], '@(.+)$')
  if origin and redis.call('EXISTS', ARGV[1] .. origin) == 1 then
    table.insert(out, all[i + 1])
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return out
"""


class SharedPresence(Presence):
    def __init__(self, hub: ProjectEventHub, link: RedisLink) -> None:
        super().__init__(hub)
        self._link = link
        self.origin = secrets.token_hex(8)
        self._alive_prefix = link.key("alive") + ":"
        self._enter = link.client.register_script(ENTER)
        self._leave = link.client.register_script(LEAVE)
        self._list = link.client.register_script(LIST)
        self._ops: asyncio.Queue[Callable[[], Awaitable[None]]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def _key(self, project_id: int) -> str:
        return self._link.key("presence", project_id)

    def _field(self, user_id: int) -> str:
        return f"{user_id}@{self.origin}"

    # -- this process's sockets -------------------------------------------------------------

    def join(self, project_id: int, user_id: int, display_name: str, role: Role) -> None:
        member = self._connected(project_id, user_id, display_name, role)
        if member is not None:
            copy = Member(user_id, display_name, role, 1, member.location)
            self._do(lambda: self._entered(project_id, copy, announce=True))

    def leave(self, project_id: int, user_id: int) -> None:
        if self._disconnected(project_id, user_id):
            self._do(lambda: self._left(project_id, user_id))

    def move(self, project_id: int, user_id: int, location: Location | None) -> None:
        member = self._projects.get(project_id, {}).get(user_id)
        if member is None or member.location == location:
            return
        member.location = location
        copy = Member(user_id, member.display_name, member.role, 1, location)
        self._do(lambda: self._entered(project_id, copy, announce=False))

    async def _entered(self, project_id: int, member: Member, *, announce: bool) -> None:
        others = await self._enter(
            keys=[self._key(project_id)],
            args=[member.user_id, self._field(member.user_id), self._alive_prefix, _dump(member)],
        )
        if not announce:
            self._publish(project_id, "presence.moved", member)
        elif not int(others):
            self._publish(project_id, "presence.joined", member)

    async def _left(self, project_id: int, user_id: int) -> None:
        others = await self._leave(
            keys=[self._key(project_id)],
            args=[user_id, self._field(user_id), self._alive_prefix],
        )
        if not int(others):
            self._hub.publish(project_id, "presence.left", {"user": {"id": user_id}}, durable=False)

    # -- the cluster's view -----------------------------------------------------------------

    async def view(self, project_id: int, viewer: Viewer) -> list[dict[str, Any]]:
        try:
            raw = await self._list(keys=[self._key(project_id)], args=[self._alive_prefix])
        except (RedisError, OSError) as exc:
            log.warning(
                "presence of project %d not read (%s): this process's only", project_id, exc
            )
            return self.snapshot(project_id, viewer)
        members = dict(self._projects.get(project_id, {}))
        for entry in raw:
            member = _load(entry)
            members.setdefault(member.user_id, member)
        return [member.as_data(viewer) for member in members.values()]

    # -- running ----------------------------------------------------------------------------

    def _do(self, op: Callable[[], Awaitable[None]]) -> None:
        """Redis work in the order the sockets came and went, off the caller's path."""
        self._ops.put_nowait(op)
        if not self._tasks:
            loop = asyncio.get_running_loop()
            self._tasks = [
                loop.create_task(self._alive(), name="presence-alive"),
                loop.create_task(self._run(), name="presence"),
            ]

    async def _alive(self) -> None:
        while True:
            try:
                await self._link.client.set(self._alive_prefix + self.origin, b"1", px=ALIVE_MS)
            except (RedisError, OSError) as exc:
                log.warning("presence heartbeat failed: %s", exc)
            await asyncio.sleep(ALIVE_MS / 3000)

    async def _run(self) -> None:
        while True:
            op = await self._ops.get()
            try:
                await op()
            except (RedisError, OSError) as exc:  # presence is ephemeral: skip, go on
                log.warning("presence change not shared: %s", exc)
            except Exception:
                log.exception("presence change failed")
            finally:
                self._ops.task_done()

    async def stop(self) -> None:
        """Apply what is queued (sockets closed at shutdown), then stop being alive."""
        if not self._tasks:
            return
        alive, worker = self._tasks
        try:
            async with asyncio.timeout(5):
                await self._ops.join()
        except TimeoutError:
            log.warning("presence changes not shared at shutdown")
        await cancel_and_wait(alive, worker)
        self._tasks = []
        try:
            await self._link.client.delete(self._alive_prefix + self.origin)
        except RedisError:
            pass


def _dump(member: Member) -> str:
    location = None if member.location is None else json.loads(_LOCATION.dump_json(member.location))
    return json.dumps(
        {
            "id": member.user_id,
            "name": member.display_name,
            "role": member.role.value,
            "location": location,
        }
    )


def _load(raw: bytes) -> Member:
    data = json.loads(raw)
    location = None if data["location"] is None else _LOCATION.validate_python(data["location"])
    return Member(data["id"], data["name"], Role(data["role"]), 1, location)
