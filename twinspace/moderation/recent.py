"""A pupil's last few messages in one space, to find contact data split across them.

"601 234" then "567" a few seconds later, or a street in one message and the house number
in the next, pass a filter that reads each message alone. The pipeline keeps each author's
last ``keep`` texts per space for ``window`` seconds (in memory, bounded) and scans them
joined with the new one.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque

Key = tuple[int, str, int]  # author, space kind, space id


class RecentMessages:
    def __init__(self, *, window: float = 120.0, keep: int = 3, max_keys: int = 50_000) -> None:
        self.window = window
        self.keep = keep
        self.max_keys = max_keys
        self._texts: OrderedDict[Key, deque[tuple[float, str]]] = OrderedDict()

    def before(self, key: Key, now: float | None = None) -> list[str]:
        """The author's texts in this space within the window, oldest first."""
        now = time.monotonic() if now is None else now
        texts = self._texts.get(key)
        if not texts:
            return []
        while texts and now - texts[0][0] > self.window:
            texts.popleft()
        return [text for _at, text in texts]

    def add(self, key: Key, text: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        texts = self._texts.get(key)
        if texts is None:
            texts = self._texts[key] = deque(maxlen=self.keep)
        texts.append((now, text))
        self._texts.move_to_end(key)
        while len(self._texts) > self.max_keys:
            self._texts.popitem(last=False)
