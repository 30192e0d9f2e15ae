"""The search index of TwinSpaces: items marked dirty by triggers, their words in FTS5.

Migration 014 creates the tables and the triggers. The indexer (`twinspace/search/indexer.py`)
reads marks in batches, looks each item up where it lives and writes or removes its entry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from twinspace.storage.db import Executor

RANK_WINDOW = 2000


@dataclass(frozen=True, slots=True)
class SearchSource:
    """An item as the index needs it; `text` is None for a page (its words live in its document)."""

    kind: str
    item_id: int
    project_id: int
    space_kind: str
    space_id: int
    parent_id: int | None
    author_id: int | None
    status: str
    updated_at: str
    title: str
    text: str | None
    room: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str
    item_id: int
    space_kind: str
    space_id: int
    parent_id: int | None
    author_id: int | None
    status: str
    updated_at: str
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Visibility:
    """What one viewer may find: pupils see published items and their own pending ones."""

    viewer_id: int
    is_teacher: bool
    hidden_channels: frozenset[int]


_SOURCES: dict[str, str] = {
    "message": """SELECT 'message' AS kind, m.id AS item_id, m.project_id, 'channel' AS space_kind,
        m.channel_id AS space_id, m.parent_id, m.author_id, m.status,
        COALESCE(m.edited_at, m.created_at) AS updated_at, '' AS title, m.text, NULL AS room
        FROM messages m WHERE m.id IN ({ids})""",
    "post": """SELECT 'post' AS kind, p.id AS item_id, p.project_id, 'board' AS space_kind,
        p.board_id AS space_id, NULL AS parent_id, p.author_id, p.status,
        COALESCE(p.edited_at, p.created_at) AS updated_at, p.title,
        p.body || CASE WHEN p.url IS NULL THEN '' ELSE ' ' || p.url END AS text, NULL AS room
        FROM board_posts p WHERE p.id IN ({ids})""",
    "comment": """SELECT 'comment' AS kind, c.id AS item_id, c.project_id, 'board' AS space_kind,
        c.board_id AS space_id, c.post_id AS parent_id, c.author_id, c.status,
        c.created_at AS updated_at, '' AS title, c.text, NULL AS room
        FROM post_comments c WHERE c.id IN ({ids})""",
    "file": """SELECT 'file' AS kind, f.id AS item_id, f.project_id, 'board' AS space_kind,
        COALESCE(f.board_id, 0) AS space_id, NULL AS parent_id, f.uploader_id AS author_id,
        f.status, f.created_at AS updated_at, f.original_name AS title, '' AS text, NULL AS room
        FROM media f WHERE f.id IN ({ids})""",
    "page": """SELECT 'page' AS kind, g.id AS item_id, g.project_id, 'page' AS space_kind,
        g.id AS space_id, NULL AS parent_id, g.created_by AS author_id,
        CASE WHEN g.deleted_at IS NULL THEN 'published' ELSE 'deleted' END AS status,
        g.updated_at, g.title, NULL AS text, g.room
        FROM pages g WHERE g.id IN ({ids})""",
}


class SearchRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def dirty(self, limit: int) -> list[tuple[str, int]]:
        rows = await self._ex.fetch_all(
            "SELECT kind, item_id FROM search_dirty ORDER BY kind, item_id LIMIT ?", (limit,)
        )
        return [(str(r["kind"]), int(r["item_id"])) for r in rows]

    async def has_dirty(self) -> bool:
        return await self._ex.fetch_one("SELECT 1 AS one FROM search_dirty LIMIT 1") is not None

    async def mark(self, kind: str, item_id: int) -> None:
        await self._ex.execute(
            "INSERT INTO search_dirty (kind, item_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (kind, item_id),
        )

    async def lock_index(self) -> None:
        """Serialise index writers across processes (clustered mode: each process runs an
        indexer; two writing one item's entry at once would collide on its unique key)."""
        await self._ex.lock("search_index", 0)

    async def clear(self, marks: Sequence[tuple[str, int]]) -> None:
        await self._ex.execute_many(
            "DELETE FROM search_dirty WHERE kind = ? AND item_id = ?", list(marks)
        )

    async def sources(self, kind: str, ids: Sequence[int]) -> list[SearchSource]:
        if not ids:
            return []
        sql = _SOURCES[kind].format(ids=",".join("?" * len(ids)))
        return [SearchSource(**_source_row(r)) for r in await self._ex.fetch_all(sql, tuple(ids))]

    async def remove(self, kind: str, item_id: int) -> None:
        row = await self._ex.fetch_one(
            "SELECT id FROM search_entries WHERE kind = ? AND item_id = ?", (kind, item_id)
        )
        if row is None:
            return
        await self._ex.execute("DELETE FROM search_text WHERE rowid = ?", (row["id"],))
        await self._ex.execute("DELETE FROM search_entries WHERE id = ?", (row["id"],))

    async def put(self, source: SearchSource, body: str, folded: tuple[str, str]) -> None:
        """Write (or rewrite) one item's entry, its text and its folded words."""
        await self.remove(source.kind, source.item_id)
        entry_id = await self._ex.execute(
            """INSERT INTO search_entries (kind, item_id, project_id, space_kind, space_id,
                parent_id, author_id, status, updated_at, title, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                source.kind,
                source.item_id,
                source.project_id,
                source.space_kind,
                source.space_id,
                source.parent_id,
                source.author_id,
                source.status,
                source.updated_at,
                source.title,
                body,
            ),
        )
        await self._ex.execute(
            "INSERT INTO search_text (rowid, title, body, scope) VALUES (?, ?, ?, ?)",
            (entry_id, *folded, f"p{source.project_id}"),
        )

    async def query(
        self,
        project_id: int,
        match: str,
        seen: Visibility,
        *,
        kinds: Sequence[str],
        limit: int,
    ) -> list[SearchHit]:
        """Best matches first (bm25, titles weigh more), only what `seen` may find.

        Ranking reads every match's positions, so it looks at the newest RANK_WINDOW matches
        of the project: a word found in 20,000 messages ranks the latest 2,000 of them.
        """
        matches, match_params, rank, rank_params = self._matching(project_id, match)
        cutoff = await self._ex.fetch_one(
            f"SELECT rowid FROM search_text WHERE {matches} ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (*match_params, RANK_WINDOW - 1),
        )
        where = [matches, "e.project_id = ?", "e.status <> 'deleted'"]
        params: list[Any] = [*match_params, project_id]
        if cutoff is not None:
            where.append("search_text.rowid >= ?")
            params.append(cutoff["rowid"])
        where.append(f"e.kind IN ({','.join('?' * len(kinds))})")
        params.extend(kinds)
        if not seen.is_teacher:
            where.append(
                "(e.status = 'published' OR (e.author_id = ? AND e.status IN ('held', 'blocked')))"
            )
            params.append(seen.viewer_id)
        if seen.hidden_channels:
            hidden = ",".join("?" * len(seen.hidden_channels))
            where.append(f"NOT (e.space_kind = 'channel' AND e.space_id IN ({hidden}))")
            params.extend(sorted(seen.hidden_channels))
        params.extend(rank_params)  # ORDER BY comes after WHERE
        params.append(limit)
        rows = await self._ex.fetch_all(
            f"""SELECT e.kind, e.item_id, e.space_kind, e.space_id, e.parent_id, e.author_id,
                e.status, e.updated_at, e.title, e.body
            FROM search_text JOIN search_entries e ON e.id = search_text.rowid
            WHERE {" AND ".join(where)}
            ORDER BY {rank}, e.updated_at DESC
            LIMIT ?""",
            tuple(params),
        )
        return [
            SearchHit(
                kind=str(r["kind"]),
                item_id=int(r["item_id"]),
                space_kind=str(r["space_kind"]),
                space_id=int(r["space_id"]),
                parent_id=None if r["parent_id"] is None else int(r["parent_id"]),
                author_id=None if r["author_id"] is None else int(r["author_id"]),
                status=str(r["status"]),
                updated_at=str(r["updated_at"]),
                title=str(r["title"]),
                body=str(r["body"]),
            )
            for r in rows
        ]

    def _matching(self, project_id: int, match: str) -> tuple[str, list[Any], str, list[Any]]:
        """(condition, its parameters, rank expression, its parameters) selecting the
        project's `search_text` rows that match `match` (`"word" "word"*`, search/query.py).

        SQLite: FTS5 with bm25 (titles weigh 4, scope 0). PostgreSQL (migration
        postgresql/014): a tsvector of title (weight A) and body (B), ts_rank with the same
        4:1 weights; scope is a plain column there."""
        if self._ex.dialect.name == "sqlite":
            scoped = f'scope:"p{project_id}" AND {{title body}}: ({match})'
            return "search_text MATCH ?", [scoped], "search_text.rank", []
        terms = []
        for word, prefix in _FTS_TERM.findall(match):
            lexeme = "'" + word.replace("'", "''") + "'"
            terms.append(lexeme + (":*" if prefix else ""))
        tsquery = " & ".join(terms) or "''"
        return (
            "search_text.scope = ? AND search_text.words @@ to_tsquery('simple', ?)",
            [f"p{project_id}", tsquery],
            "ts_rank('{0, 0, 0.25, 1}', search_text.words, to_tsquery('simple', ?)) DESC",
            [tsquery],
        )

    async def pages(self, page_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Title and room of these pages."""
        if not page_ids:
            return {}
        rows = await self._ex.fetch_all(
            f"SELECT id, title, room FROM pages WHERE id IN ({','.join('?' * len(page_ids))})",
            tuple(page_ids),
        )
        return {int(r["id"]): (str(r["title"]), str(r["room"])) for r in rows}

    async def entry_count(self, project_id: int) -> int:
        row = await self._ex.fetch_one(
            "SELECT COUNT(*) AS n FROM search_entries WHERE project_id = ?", (project_id,)
        )
        return int(row["n"]) if row else 0


_FTS_TERM = re.compile(r'"([^"]*)"(\*?)')


def _source_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": str(row["kind"]),
        "item_id": int(row["item_id"]),
        "project_id": int(row["project_id"]),
        "space_kind": str(row["space_kind"]),
        "space_id": int(row["space_id"]),
        "parent_id": None if row["parent_id"] is None else int(row["parent_id"]),
        "author_id": None if row["author_id"] is None else int(row["author_id"]),
        "status": str(row["status"]),
        "updated_at": str(row["updated_at"]),
        "title": str(row["title"] or ""),
        "text": None if row["text"] is None else str(row["text"]),
        "room": None if row["room"] is None else str(row["room"]),
    }
