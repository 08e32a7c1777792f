"""Live events for the page: what scans change in the catalog, and their progress.

:class:`EventHub` takes events from any thread (scan jobs, the watcher, thumbnails) and
hands each to every connected ``GET /events`` stream. Everything is bounded: at most
``max_clients`` streams (one more is a ``503``), at most ``backlog`` events waiting for
one stream; a client that falls that far behind (it does not read) is dropped, its stream
ends, and a browser's ``EventSource`` reconnects by itself. Nothing is replayed: after a
reconnect the page reloads what it shows.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from fastapi.sse import ServerSentEvent

from curata.errors import Busy

MAX_CLIENTS = 16
BACKLOG = 256


class Subscriber:
    """One stream's waiting events; touched only on the event loop's thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, backlog: int) -> None:
        self.loop = loop
        self.backlog = backlog
        self.waiting: deque[ServerSentEvent] = deque()
        self.wake = asyncio.Event()
        self.dropped = False

    def offer(self, event: ServerSentEvent) -> None:
        if len(self.waiting) >= self.backlog:
            self.dropped = True
            self.waiting.clear()
        elif not self.dropped:
            self.waiting.append(event)
        self.wake.set()


class EventHub:
    """Fans events out to the connected streams (see the module's description)."""

    def __init__(self, max_clients: int = MAX_CLIENTS, backlog: int = BACKLOG) -> None:
        self.max_clients = max_clients
        self.backlog = backlog
        self._subscribers: set[Subscriber] = set()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    @property
    def clients(self) -> int:
        with self._lock:
            return len(self._subscribers)

    def subscribers(self) -> list[Subscriber]:
        with self._lock:
            return list(self._subscribers)

    def subscribe(self) -> Subscriber:
        """A new stream's subscriber; ``Busy`` (503) when ``max_clients`` are connected."""
        subscriber = Subscriber(asyncio.get_running_loop(), self.backlog)
        with self._lock:
            if len(self._subscribers) >= self.max_clients:
                raise Busy(
                    f"{self.max_clients} event streams are open already; close one and retry",
                    field="events",
                )
            self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(subscriber)

    def publish(self, event: str, data: Any) -> None:
        """Send ``data`` (JSON-serializable or a pydantic model) as ``event``; any thread."""
        with self._lock:
            sse = ServerSentEvent(event=event, id=str(next(self._ids)), data=data)
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber.loop.call_soon_threadsafe(subscriber.offer, sse)
            except RuntimeError:  # its loop is closed: the server is stopping
                self.unsubscribe(subscriber)

    async def stream(self, subscriber: Subscriber) -> AsyncIterator[ServerSentEvent]:
        """The events of one stream, until its client goes or is dropped."""
        try:
            yield ServerSentEvent(event="ready", data={"clients": self.clients}, retry=2000)
            while True:
                await subscriber.wake.wait()
                subscriber.wake.clear()
                if subscriber.dropped:
                    return
                while subscriber.waiting:
                    yield subscriber.waiting.popleft()
                    if subscriber.dropped:
                        return
        finally:
            self.unsubscribe(subscriber)
