"""`@username` mentions in chat messages, board posts and comments.

A mention is `@` followed by a username (letters, digits, `.`, `_`, `-`, as usernames are
made: twinspace/registry/service.py `Username`), not preceded by a word character, so an
e-mail address (`anna@school.eu`) mentions nobody; a trailing `.`, `-` or `_` is sentence
punctuation, not part of the name. Matching is case-insensitive, against the project's
members only.
"""

from __future__ import annotations

import re

_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][A-Za-z0-9._-]{1,63})")
MAX_MENTIONS = 20  # a message naming the whole school notifies its first 20 names only


def mentioned_usernames(text: str) -> list[str]:
    """The distinct usernames mentioned, lower-cased, in order of appearance."""
    found: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip("._-").lower()
        if len(name) >= 3:
            found.setdefault(name, None)
        if len(found) >= MAX_MENTIONS:
            break
    return list(found)
