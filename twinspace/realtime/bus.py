"""The fan-out seam: topics carry messages between rooms and connections.

In-process by default. A Redis-backed bus would implement the same two methods so several
server processes share rooms and project event streams.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger("twinspace.bus")

Listener = Callable[[Any], None]


class Bus(Protocol):
    def subscribe(self, topic: str, listener: Listener) -> Callable[[], None]:
        """Call `listener(message)` for every message on `topic`; returns an unsubscribe."""
        ...

    def publish(self, topic: str, message: Any) -> None:
        """Deliver to every listener of `topic`; listeners must not block."""
        ...


class LocalBus:
    def __init__(self) -> None:
        self._listeners: defaultdict[str, list[Listener]] = defaultdict(list)

    def subscribe(self, topic: str, listener: Listener) -> Callable[[], None]:
        self._listeners[topic].append(listener)

        def unsubscribe() -> None:
            listeners = self._listeners.get(topic)
            if listeners and listener in listeners:
                listeners.remove(listener)
                if not listeners:
                    del self._listeners[topic]

        return unsubscribe

    def publish(self, topic: str, message: Any) -> None:
        for listener in list(self._listeners.get(topic, ())):
            try:
                listener(message)
            except Exception:
                log.exception("bus listener failed on %s", topic)

    def topic_count(self) -> int:
        return len(self._listeners)
