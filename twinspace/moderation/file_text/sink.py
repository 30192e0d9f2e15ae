"""Where readers put the text they find: bounded in characters, and tells when it is full."""

from __future__ import annotations


class TextFull(Exception):
    """The sink took all it may; readers stop reading."""


class TextSink:
    """Collects text pieces (one per line) up to `limit` characters."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.truncated = False
        self._parts: list[str] = []

    def add(self, value: object) -> None:
        """Take a piece of text (others are ignored); raises `TextFull` past the limit."""
        if not isinstance(value, str):
            return
        piece = value.strip()
        if not piece:
            return
        room = self.limit - self.size
        if len(piece) > room:
            if room > 0:
                self._parts.append(piece[:room])
                self.size = self.limit
            self.truncated = True
            raise TextFull
        self._parts.append(piece)
        self.size += len(piece) + 1

    def text(self) -> str:
        return "\n".join(self._parts)
