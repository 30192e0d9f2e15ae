"""SQL text shared by both backends: the dialect hooks and the placeholder translation.

Repositories write SQLite-style statements (`?` or `:name` placeholders) in SQL both engines
understand (see docs/architecture.md, "Portable SQL"). The few constructs that differ are asked of
the executor's `Dialect`. PostgreSQL's driver wants `%s` / `%(name)s`, so each statement string is
translated once and cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

_NAMED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between the engines, as SQL fragments."""

    name: Literal["sqlite", "postgresql"]

    def json_each(self, json_text: str) -> str:
        """A FROM item over the elements of a JSON text array, one `value` column (text)."""
        if self.name == "sqlite":
            return f"json_each({json_text})"
        return f"json_array_elements_text(({json_text})::json) AS json_each(value)"

    def json_array_agg(self, expression: str) -> str:
        """An aggregate of `expression` over the group as a JSON text array ('[]' for none)."""
        if self.name == "sqlite":
            return f"json_group_array({expression})"
        return f"coalesce(json_agg({expression})::text, '[]')"


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")


@lru_cache(maxsize=4096)
def to_pyformat(sql: str) -> str:
    """`?` -> `%s`, `:name` -> `%(name)s`, `%` -> `%%`, outside quotes and comments."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:  # '' or "" escape
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        elif ch == ":" and sql.startswith("::", i):
            out.append("::")  # a PostgreSQL cast, not a parameter
            i += 2
        elif ch == ":" and (match := _NAMED.match(sql, i + 1)):
            out.append(f"%({match.group()})s")
            i = match.end()
        else:
            out.append(ch)
            i += 1
    return "".join(out)


_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def insert_target(sql: str) -> str | None:
    """The table an INSERT without its own RETURNING clause writes to, else None."""
    match = _INSERT_INTO.match(sql)
    if match is None or _RETURNING.search(sql):
        return None
    return match.group(1).lower()


def has_returning(sql: str) -> bool:
    return _RETURNING.search(sql) is not None
