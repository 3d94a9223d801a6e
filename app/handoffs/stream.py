"""The staff pages' live views: the queue, and one handoff, as Server-Sent Events.

Both are snapshots read from the database, never deltas held in memory: on every wake-up (the bus in
``app.events.bus``: another process's write, via Postgres NOTIFY, or this one's) and at least every
``POLL_SECONDS``, the reader re-reads what the page shows and sends it if it differs from what it last sent.
The event id is a fingerprint of the snapshot (``service.version_of``): the same state has the same id in
every process, so a page that reconnects with ``Last-Event-ID`` gets nothing until something changed, and
never misses a change, whichever process serves it. The subscription is taken before the first read, so a
commit between a read and the wait still wakes the reader. A stream ends when the reader's token expires.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncGenerator
from datetime import UTC, datetime

import jwt
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sse_starlette import ServerSentEvent

from app.deps import StaffPrincipal
from app.errors import Forbidden, NotFound
from app.events.bus import HANDOFFS_TOPIC, EventBus, conversation_topic
from app.handoffs import repository, service
from app.handoffs.schemas import HandoffList
from app.models.base import utcnow

POLL_SECONDS = 15.0  # a lost wake-up costs at most this long


def token_expiry(token: str) -> datetime:
    """When a token (already verified by the route's dependency) runs out: the stream ends then, and the
    page's reconnect needs a valid token."""
    return datetime.fromtimestamp(int(jwt.decode(token, options={"verify_signature": False})["exp"]), UTC)


def _wait_for(until: datetime | None) -> float:
    """How long to wait for a wake-up: the poll interval, or less when the reader's token ends sooner."""
    if until is None:
        return POLL_SECONDS
    return min(POLL_SECONDS, (until - utcnow()).total_seconds())


async def queue_events(
    factory: async_sessionmaker[AsyncSession],
    events: EventBus,
    *,
    viewer: StaffPrincipal,
    last_id: str | None,
    until: datetime | None = None,
) -> AsyncGenerator[ServerSentEvent]:
    """``queue`` events: ``{"items": [...], "now": ...}``; ``now`` (the server's clock) is not in the id."""
    sent = last_id
    async with events.subscribe(HANDOFFS_TOPIC) as subscription:
        while True:
            async with factory() as session:
                items = HandoffList(items=await repository.queue(session, viewer=viewer, status=None))
            version = service.version_of(items.model_dump_json())
            if version != sent:
                data = items.model_dump(mode="json") | {"now": utcnow().isoformat()}
                yield ServerSentEvent(id=version, event="queue", data=json.dumps(data))
                sent = version
            if (wait := _wait_for(until)) <= 0:
                return
            await subscription.wait(wait)


async def detail_events(
    factory: async_sessionmaker[AsyncSession],
    events: EventBus,
    *,
    viewer: StaffPrincipal,
    handoff_id: uuid.UUID,
    conversation_id: uuid.UUID,
    last_id: str | None,
    until: datetime | None = None,
) -> AsyncGenerator[ServerSentEvent]:
    """``handoff`` events carry the whole detail (as ``GET /v1/handoffs/{id}``); ``gone`` ends the stream
    when the viewer may no longer see it (a supervisor gave it to someone else)."""
    sent = last_id
    async with events.subscribe(conversation_topic(conversation_id)) as subscription:
        while True:
            try:
                async with factory() as session:
                    body = await service.detail(session, handoff_id=handoff_id, viewer=viewer)
            except (Forbidden, NotFound) as exc:
                yield ServerSentEvent(event="gone", data=json.dumps({"detail": exc.detail}))
                return
            if body.version != sent:
                yield ServerSentEvent(id=body.version, event="handoff", data=body.model_dump_json())
                sent = body.version
            if (wait := _wait_for(until)) <= 0:
                return
            await subscription.wait(wait)
