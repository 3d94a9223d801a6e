"""The event bus behind the live pages (the widget's stream, the staff queue).

A bus carries no data, only the name of what changed: ``conversation:<id>`` or ``handoffs``. Readers keep
the id of the last event they sent and, when woken, read the rows newer than it from the database. So a
lost wake-up costs at most one poll interval, a reconnect with ``Last-Event-ID`` misses nothing, and
several app processes agree because the database is the only source of truth.

A writer calls ``await bus.notify(session, topic)`` inside its transaction: subscribers are woken once that
transaction commits and never if it rolls back.

* ``PostgresBus``: ``pg_notify`` in the writer's transaction (Postgres delivers it at commit, to every
  process) and one ``LISTEN`` connection per process that wakes local subscribers; it reconnects when the
  server restarts and then wakes everyone, since notifications may have been missed meanwhile.
* ``InProcessBus``: SQLite has no NOTIFY and serves one process; an ``after_commit`` hook on the session
  wakes local subscribers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.turn_statements import NOTIFY, Pipeline, pipeline

logger = logging.getLogger(__name__)

CHANNEL = "bankdesk_events"
HANDOFFS_TOPIC = "handoffs"
_PENDING = "bankdesk.events.pending"
_HOOKED = "bankdesk.events.hooked"


def conversation_topic(conversation_id: uuid.UUID) -> str:
    return f"conversation:{conversation_id}"


class Subscription:
    """Woken when its topic changes; ``wait`` reports whether that happened since the last call."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self._event = asyncio.Event()
        self._loop = asyncio.get_running_loop()

    def wake(self) -> None:
        # Wakes may come from a commit hook running in another thread (aiosqlite's worker).
        self._loop.call_soon_threadsafe(self._event.set)

    async def wait(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        self._event.clear()
        return True


class EventBus(Protocol):
    async def notify(self, session: AsyncSession, topic: str) -> None:
        """Wake subscribers of ``topic`` once ``session``'s transaction commits (never if it rolls back)."""
        ...

    def notify_in(self, p: Pipeline, topic: str) -> None:
        """``notify`` for the transaction of ``p``, sent with the pipeline's other statements."""
        ...

    def subscribe(self, topic: str) -> contextlib.AbstractAsyncContextManager[Subscription]:
        """``async with bus.subscribe(topic) as sub: await sub.wait(15)``."""
        ...


class _LocalSubscribers:
    def __init__(self) -> None:
        self._by_topic: dict[str, set[Subscription]] = {}

    def wake(self, topic: str) -> None:
        for sub in list(self._by_topic.get(topic, ())):
            sub.wake()

    def wake_all(self) -> None:
        for subs in list(self._by_topic.values()):
            for sub in list(subs):
                sub.wake()

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[Subscription]:
        sub = Subscription(topic)
        self._by_topic.setdefault(topic, set()).add(sub)
        try:
            yield sub
        finally:
            subs = self._by_topic.get(topic)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._by_topic[topic]


class InProcessBus(_LocalSubscribers):
    """One process (SQLite): topics are collected on the session and delivered by its commit hook."""

    async def notify(self, session: AsyncSession, topic: str) -> None:
        self._collect(session, topic)

    def notify_in(self, p: Pipeline, topic: str) -> None:
        self._collect(p.session, topic)

    def _collect(self, session: AsyncSession, topic: str) -> None:
        sync: Session = session.sync_session
        sync.info.setdefault(_PENDING, set()).add(topic)
        if not sync.info.get(_HOOKED):
            sync.info[_HOOKED] = True
            event.listen(sync, "after_commit", self._after_commit)
            event.listen(sync, "after_soft_rollback", _forget)

    def _after_commit(self, sync: Session) -> None:
        for topic in sync.info.pop(_PENDING, set()):
            self.wake(topic)


def _forget(sync: Session, _previous_transaction: Any) -> None:
    sync.info.pop(_PENDING, None)


class PostgresBus(_LocalSubscribers):
    """Several processes on one Postgres database: NOTIFY in the writer's transaction, LISTEN here."""

    def __init__(self, url: URL, *, retry_seconds: float = 1.0) -> None:
        super().__init__()
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._retry = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

    async def notify(self, session: AsyncSession, topic: str) -> None:
        async with await pipeline(session) as p:
            self.notify_in(p, topic)

    def notify_in(self, p: Pipeline, topic: str) -> None:
        p.add(NOTIFY, {"channel": CHANNEL, "topic": topic})

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="bankdesk-events-listen")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.listening.wait(), 10)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen(self) -> None:
        import psycopg

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self.wake_all()  # anything sent while we were not listening is read now
                    async for note in conn.notifies():
                        self.wake(note.payload)
            except asyncio.CancelledError:
                raise
            except Exception:  # the server restarted or the network dropped: listen again
                self.listening.clear()
                logger.warning("event bus: LISTEN connection lost; reconnecting", exc_info=True)
                await asyncio.sleep(self._retry)


@asynccontextmanager
async def event_bus(url: URL) -> AsyncIterator[EventBus]:
    """The bus for the database at ``url``, running for the duration of the block."""
    if url.get_backend_name() == "postgresql":
        bus = PostgresBus(url)
        await bus.start()
        try:
            yield bus
        finally:
            await bus.stop()
    else:
        yield InProcessBus()
