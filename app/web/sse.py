"""Server-Sent Events for the live pages, through sse-starlette (framing, pings, disconnects).

Browsers read these streams with ``fetch`` (``app/web/static/api.js``), because ``EventSource`` cannot send
the bearer token; the reader sends ``Last-Event-ID`` when it reconnects, like EventSource would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from sse_starlette import EventSourceResponse, ServerSentEvent

PING_SECONDS = 15
MAX_EVENT_ID_CHARS = 100


def last_event_id(request: Request) -> str | None:
    """The ``Last-Event-ID`` a reconnecting reader sent, or None (blank or oversized values count as none)."""
    value = request.headers.get("last-event-id", "").strip()
    return value if value and len(value) <= MAX_EVENT_ID_CHARS else None


def sse(events: AsyncIterator[ServerSentEvent]) -> EventSourceResponse:
    """Serve ``events``; a comment ping every 15 s keeps proxies from closing an idle stream."""
    return EventSourceResponse(
        events,
        ping=PING_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
