"""Pages cannot be held (they are CRDT documents): once edits settle, their text, image titles
and sources and link targets and titles are scanned and new findings are flagged to teachers
with their location. Nothing is changed in the page.

A finding is flagged once while it stays in the page (a teacher who dismissed it is not asked
again at every edit); once the text is gone from the page it is forgotten, so the same text
added again later is flagged again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass

from twinspace.clock import utcnow
from twinspace.moderation.filters import FilterConfig, Finding, scan_text
from twinspace.moderation.filters.normalize import normalize
from twinspace.moderation.policy_book import PolicyBook
from twinspace.realtime.crdt import PageExtra
from twinspace.realtime.project_events import Audience, ProjectEventHub
from twinspace.realtime.rooms import RoomInfo
from twinspace.storage import Storage
from twinspace.workspace.documents import DocumentService

log = logging.getLogger("twinspace.moderation.pages")


def fingerprint(finding: Finding) -> str:
    """The same finding at another place in the page is the same finding."""
    key = f"{finding.category.value}:{normalize(finding.excerpt).text}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class ScanText:
    """The page's plain text followed by one line per `PageExtra`."""

    text: str
    body_end: int  # the plain text is text[:body_end]
    extras: list[tuple[int, PageExtra]]  # (offset in text, extra)

    @classmethod
    def of(cls, body: str, extras: list[PageExtra]) -> ScanText:
        parts, placed, offset = [body], [], len(body)
        for extra in extras:
            offset += 1
            placed.append((offset, extra))
            parts.append(extra.text)
            offset += len(extra.text)
        return cls("\n".join(parts), len(body), placed)

    def location(self, finding: Finding) -> dict[str, int | str]:
        """Line and column in the page's text, or the line and field of an extra."""
        placed = [(offset, extra) for offset, extra in self.extras if offset <= finding.start]
        if finding.start < self.body_end or not placed:
            return dict(location(self.text[: self.body_end], finding))
        offset, extra = placed[-1]
        return {
            "line": extra.line,
            "column": finding.start - offset + 1,
            "start": finding.start - offset,
            "end": finding.end - offset,
            "field": extra.field,
        }


def location(text: str, finding: Finding) -> dict[str, int]:
    """1-based line (block) and column of a finding in the page's plain text."""
    before = text[: finding.start]
    line = before.count("\n") + 1
    column = finding.start - (before.rfind("\n") + 1) + 1
    return {"line": line, "column": column, "start": finding.start, "end": finding.end}


class PageScanner:
    def __init__(
        self,
        storage: Storage,
        documents: DocumentService,
        policies: PolicyBook,
        hub: ProjectEventHub,
        config: FilterConfig,
    ) -> None:
        self._storage = storage
        self._documents = documents
        self._policies = policies
        self._hub = hub
        self._config = config
        self._tasks: dict[str, asyncio.Task[int]] = {}
        self._again: set[str] = set()  # settled while being scanned: scan once more

    def attach(self) -> None:
        self._documents.on_settled(self.settled)

    def settled(self, info: RoomInfo) -> None:
        if info.room in self._tasks:
            self._again.add(info.room)
            return
        task = asyncio.create_task(self.scan(info), name=f"page-scan:{info.room}")
        self._tasks[info.room] = task
        task.add_done_callback(lambda _t: self._done(info))

    def _done(self, info: RoomInfo) -> None:
        self._tasks.pop(info.room, None)
        if info.room in self._again:
            self._again.discard(info.room)
            self.settled(info)

    async def stop(self) -> None:
        self._again.clear()
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def scan(self, info: RoomInfo) -> int:
        """Flag findings not flagged before; returns how many were new."""
        try:
            policy = await self._policies.project_policy(info.project_id)
            body, extras = await self._documents.scan_view(info.room)
            page_text = ScanText.of(body, extras)
            text = page_text.text
            config = FilterConfig(
                allowed_domains=set(self._config.allowed_domains) | set(policy.link_allowlist),
                wordlists=self._config.wordlists,
            )
            findings = await asyncio.to_thread(scan_text, text, config=config)
            present = {fingerprint(f) for f in findings}
            # what left the page is forgotten: added again later, it is flagged again
            await self._storage.findings.forget_absent(info.page_id, present)
            known = await self._storage.findings.known(info.page_id)
            fresh = [f for f in findings if fingerprint(f) not in known]
            if not fresh:
                return 0
            page = await self._storage.pages.get(info.page_id)
            title = page.title if page else ""
            now = utcnow()
            flags = [
                {
                    "category": f.category.value,
                    "reason": f.rule,
                    "start": f.start,
                    "end": f.end,
                    "excerpt": f.excerpt,
                    "location": page_text.location(f),
                }
                for f in fresh
            ]
            async with self._storage.transaction() as tx:
                queue_id = await tx.queue.add(
                    project_id=info.project_id,
                    item_kind="page",
                    item_id=info.page_id,
                    author_id=None,
                    origin="page_scan",
                    reason=f"{len(fresh)} new finding(s) on the page {title!r}",
                    flags=flags,
                    excerpt=", ".join(f.excerpt for f in fresh)[:500],
                    now=now,
                )
                for finding in fresh:
                    await tx.findings.add(
                        page_id=info.page_id,
                        fingerprint=fingerprint(finding),
                        queue_id=queue_id,
                        now=now,
                    )
            self._hub.publish(
                info.project_id,
                "moderation.notice",
                {
                    "kind": "page",
                    "queue_id": queue_id,
                    "item": "page",
                    "item_id": info.page_id,
                    "page_title": title,
                    "flags": flags,
                },
                audience=Audience.teachers(),
            )
            return len(fresh)
        except Exception:
            log.exception("scanning page %s failed", info.page_id)
            return 0
