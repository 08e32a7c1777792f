"""Live events: what scans and the watcher change in the catalog, as server-sent events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from curata.server.errors import error_responses
from curata.server.events import EventHub, Subscriber

router = APIRouter(tags=["scans"])


async def _subscription(request: Request) -> AsyncIterator[Subscriber]:
    """A place among the hub's streams (``503`` before the response when none is free),
    given back when the request ends however it ends."""
    hub: EventHub = request.app.state.events
    subscriber = hub.subscribe()
    try:
        yield subscriber
    finally:
        hub.unsubscribe(subscriber)


@router.get(
    "/events",
    response_class=EventSourceResponse,
    responses=error_responses(503, by_reference=True),
    summary="Server-sent events: new, changed, moved and missing assets, scan progress",
)
async def events(
    request: Request, subscriber: Annotated[Subscriber, Depends(_subscription)]
) -> AsyncIterator[ServerSentEvent]:
    """One stream of everything that changes the catalog on this server (scans started
    over HTTP and ``curata serve --watch``):

    - ``ready`` first (``{"clients": n}``);
    - ``changes``: ``{"scan": job id or "watch", "changes": [CatalogChange, ...]}``, once
      per recorded batch (``kind`` new, changed, moved, missing or failed; ``path``;
      ``content_hash``);
    - ``progress``: ``{"scan": ..., "progress": ScanProgress}``;
    - ``scan``: a scan job once it finished (its ``ScanJob``);
    - ``thumbnails``: ``{"done", "made", "cached", "failed"}`` while thumbnails are made.

    A comment line keeps the connection open every 15 s. At most a fixed number of
    streams are open at once (one more is a ``503 busy``); a client that stops reading
    is dropped once 256 events wait for it. Nothing is replayed after a reconnect.
    """
    hub: EventHub = request.app.state.events
    async for event in hub.stream(subscriber):
        yield event
