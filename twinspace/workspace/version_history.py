"""Page history within bounds: byte budgets per page and per project, automatic versions only
when the content changed, and fewer old automatic versions the older they are (README,
"Limits and guarantees").

- A new automatic version is skipped when the page shows exactly what its newest version
  shows (`crdt.content_fingerprint`).
- Automatic versions are thinned as they age: all of the last hour, the newest of each hour
  for a day, of each day for 30 days, of each ISO week after that.
- A new version that would exceed the page's or the project's budget first makes room by
  dropping the oldest automatic versions (of the page, then of the project). If that is not
  enough, an automatic version is skipped and any other (named, before-restore, live
  session) is refused with `VersionBudgetReached` (413 problem JSON); nothing is dropped then.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from twinspace.clock import utcnow
from twinspace.errors import PayloadTooLarge
from twinspace.storage import Storage
from twinspace.storage.documents import DocumentRepo, StoredVersion

log = logging.getLogger(__name__)

KEEP_ALL_FOR = timedelta(hours=1)
HOURLY_FOR = timedelta(days=1)
DAILY_FOR = timedelta(days=30)


class VersionBudgetReached(PayloadTooLarge):
    code, title = "version-budget", "Version history is full"


@dataclass(frozen=True, slots=True)
class VersionBudgets:
    page_bytes: int
    project_bytes: int


def _bucket(created_at: datetime, age: timedelta) -> tuple[object, ...]:
    if age < HOURLY_FOR:
        return ("hour", created_at.replace(minute=0, second=0, microsecond=0))
    if age < DAILY_FOR:
        return ("day", created_at.date())
    week = created_at.isocalendar()
    return ("week", week.year, week.week)


def thinned(versions: Sequence[StoredVersion], now: datetime) -> list[int]:
    """Ids of automatic versions to drop: every version of the last hour stays, then the
    newest one of each hour (for a day), of each day (for 30 days), of each week."""
    kept: set[tuple[object, ...]] = set()
    drop: list[int] = []
    for version in sorted(versions, key=lambda v: (v.created_at, v.id), reverse=True):
        age = now - version.created_at
        if age < KEEP_ALL_FOR:
            continue
        bucket = _bucket(version.created_at, age)
        if bucket in kept:
            drop.append(version.id)
        else:
            kept.add(bucket)
    return drop


class VersionHistory:
    def __init__(self, storage: Storage, budgets: VersionBudgets) -> None:
        self._storage = storage
        self.budgets = budgets

    async def add(
        self,
        *,
        page_id: int,
        project_id: int,
        kind: str,
        name: str | None,
        data: bytes,
        content_hash: str | None,
        created_by: int | None,
        unless_since: datetime | None = None,
    ) -> int | None:
        """Store a version; None when an automatic one was skipped (no change, no room, or,
        with `unless_since`, the page got a version since then: in a cluster another process
        may have versioned it a moment ago, docs/cluster.md)."""
        now = utcnow()
        async with self._storage.transaction() as tx:
            docs = tx.documents
            # the no-change check, thinning and both budgets read what they then write: one
            # writer per project across processes (an advisory lock on PostgreSQL; SQLite has one
            # writer), as the project's budget is shared by its pages
            await docs.lock_versions(project_id)
            if kind == "auto":
                if unless_since is not None:
                    latest = await docs.latest_version_at(page_id)
                    if latest is not None and latest > unless_since:
                        return None
                if content_hash is not None and content_hash == await docs.latest_content_hash(
                    page_id
                ):
                    return None
                await docs.delete_versions(
                    thinned(await docs.automatic_versions(page_id=page_id), now)
                )
            evict = await self._room_for(docs, page_id, project_id, len(data), kind)
            if evict is None:
                log.info("page %s: automatic version skipped, its history budget is full", page_id)
                return None
            await docs.delete_versions(evict)
            return await docs.add_version(
                page_id=page_id,
                kind=kind,
                name=name,
                data=data,
                created_by=created_by,
                now=now,
                content_hash=content_hash,
            )

    async def _room_for(
        self, docs: DocumentRepo, page_id: int, project_id: int, size: int, kind: str
    ) -> list[int] | None:
        """Oldest automatic versions to drop so that `size` more bytes fit both budgets;
        None (automatic) or `VersionBudgetReached` (others) when they cannot."""
        evict: list[int] = []
        freed_in_project = 0
        scopes = (
            ("page", self.budgets.page_bytes, {"page_id": page_id}),
            ("project", self.budgets.project_bytes, {"project_id": project_id}),
        )
        for scope, budget, where in scopes:
            used = await docs.version_bytes(**where) - freed_in_project
            if used + size <= budget:
                continue
            for old in await docs.automatic_versions(**where):
                if used + size <= budget:
                    break
                if old.id in evict:
                    continue
                evict.append(old.id)
                used -= old.size
                freed_in_project += old.size
            if used + size > budget:
                if kind == "auto":
                    return None
                raise VersionBudgetReached(
                    f"the {scope}'s version history is full: versions that are kept use its"
                    f" budget of {budget} bytes and this one ({size} bytes) does not fit",
                    scope=scope,
                    budget_bytes=budget,
                    used_bytes=used,
                    version_bytes=size,
                )
        return evict
