"""The customer's event stream: history, exact resume with Last-Event-ID, live staff replies, status
changes with opening hours, typing, and object-level authorisation."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from unittest.mock import ANY

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.agent import AgentAssets
from app.audit.service import append_event
from app.auth.tokens import issue_token
from app.banking.seed import list_customers, seed_demo_bank
from app.config import Settings
from app.conversations.events import customer_events
from app.db import create_engine, create_sessionmaker
from app.events.bus import EventBus, InProcessBus, conversation_topic
from app.main import create_app
from app.models import Customer, TurnJournal
from app.models.base import utcnow
from app.models.enums import HandoffPriority, StaffRole
from app.support.hours import load_hours
from tests.factories import (
    SECRET,
    auth,
    make_conversation,
    make_customer,
    make_handoff,
    make_staff,
    token_for,
)

WAIT = 10.0  # seconds: far above a wake-up, far below the stream's 15 s poll


# --- a streaming in-process client ------------------------------------------------------------------------
# httpx's ASGITransport returns a response only once the app has finished it: right for JSON, useless for
# a stream that never ends. This transport hands the body over chunk by chunk and, when the client closes
# the response, tells the app the client has gone (http.disconnect), as a real server would.


class _Body(httpx.AsyncByteStream):
    def __init__(self, chunks: asyncio.Queue[bytes | None], gone: asyncio.Event, task: asyncio.Task[None]):
        self._chunks, self._gone, self._task = chunks, gone, task

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while (chunk := await self._chunks.get()) is not None:
            yield chunk

    async def aclose(self) -> None:
        self._gone.set()
        try:
            await asyncio.wait_for(self._task, 5)
        except TimeoutError:
            self._task.cancel()


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        chunks: asyncio.Queue[bytes | None] = asyncio.Queue()
        started: asyncio.Future[tuple[int, list[tuple[bytes, bytes]]]] = asyncio.Future()
        gone = asyncio.Event()
        sent_body = False

        async def receive() -> dict[str, Any]:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.set_result((message["status"], list(message.get("headers", []))))
            elif message["type"] == "http.response.body":
                if message.get("body"):
                    chunks.put_nowait(message["body"])
                if not message.get("more_body", False):
                    chunks.put_nowait(None)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query,
            "server": (request.url.host, request.url.port),
            "client": ("127.0.0.1", 123),
            "root_path": "",
        }

        async def run() -> None:
            try:
                await self.app(scope, receive, send)  # type: ignore[arg-type]
            finally:
                chunks.put_nowait(None)

        task = asyncio.create_task(run())
        waiters: list[asyncio.Future[Any]] = [task, started]
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        if not started.done():
            task.result()  # the app failed before answering: raise its error
        status, headers = started.result()
        return httpx.Response(status, headers=headers, stream=_Body(chunks, gone, task))


@dataclass
class Event:
    name: str
    data: dict[str, Any]
    id: str | None


class EventReader:
    """Reads Server-Sent Events from an open streamed response."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()

    async def next(self, timeout: float = WAIT) -> Event:
        return await asyncio.wait_for(self._next(), timeout)

    async def _next(self) -> Event:
        name, data, event_id = "message", "", None
        while True:
            line = await anext(self._lines)
            if not line:
                if data:
                    return Event(name, json.loads(data), event_id)
                continue
            if line.startswith(":"):
                continue  # a ping
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data = value if not data else f"{data}\n{value}"
            elif field == "id":
                event_id = value

    async def until(self, name: str, **match: Any) -> list[Event]:
        """Every event up to and including the first ``name`` event whose data has ``match``."""
        seen: list[Event] = []
        while True:
            event = await self.next()
            seen.append(event)
            if event.name == name and all(event.data.get(k) == v for k, v in match.items()):
                return seen


@pytest.fixture
async def stream_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=StreamingASGITransport(app), base_url="http://bankdesk.test") as c:
        yield c


@asynccontextmanager
async def opened(
    client: httpx.AsyncClient, conversation_id: object, headers: dict[str, str]
) -> AsyncIterator[EventReader]:
    async with client.stream("GET", f"/v1/conversations/{conversation_id}/events", headers=headers) as r:
        assert r.status_code == 200, await r.aread()
        assert r.headers["content-type"].startswith("text/event-stream")
        yield EventReader(r)


async def _all(client: httpx.AsyncClient, conversation_id: object, customer: Customer) -> list[Event]:
    async with opened(client, conversation_id, auth(customer)) as reader:
        return await reader.until("typing")


def messages(events: list[Event]) -> list[Event]:
    return [e for e in events if e.name == "message"]


async def say(client: httpx.AsyncClient, cid: str, text: str, headers: dict[str, str]) -> dict[str, Any]:
    r = await client.post(f"/v1/conversations/{cid}/messages", json={"content": text}, headers=headers)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


# --- tests ------------------------------------------------------------------------------------------------


async def test_history_then_resume_with_last_event_id_gets_exactly_the_rest(
    client: httpx.AsyncClient, stream_client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    headers = auth(customer)
    cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
    turns = [await say(client, cid, text, headers) for text in ("hello", "what are your opening hours?")]
    stored = [m for t in turns for m in (t["message"], t["reply"])]

    async with opened(stream_client, cid, headers) as reader:
        history = await reader.until("typing")
    sent = messages(history)
    assert [e.data["id"] for e in sent] == [m["id"] for m in stored]
    assert [e.data["role"] for e in sent] == ["customer", "assistant", "customer", "assistant"]
    assert sent[0].data["content"] == "hello"
    assert history[-1].data == {"active": False}
    ids = [int(e.id or 0) for e in sent]
    assert ids == sorted(ids)
    assert len(set(ids)) == 4

    # Dropped after the second event: the reconnect gets the third and fourth, nothing before them.
    async with opened(stream_client, cid, {**headers, "Last-Event-ID": str(ids[1])}) as reader:
        rest = await reader.until("typing")
        assert [e.data["id"] for e in messages(rest)] == [m["id"] for m in stored[2:]]
        # ... and, still open, what happens next, once.
        turn = await say(client, cid, "thanks", headers)
        live = messages(await reader.until("message", id=turn["reply"]["id"]))
    assert [e.data["id"] for e in live] == [turn["message"]["id"], turn["reply"]["id"]]
    assert int(live[0].id or 0) > ids[-1]

    # Resuming from the newest id: nothing is sent again.
    async with opened(stream_client, cid, {**headers, "Last-Event-ID": live[-1].id or ""}) as reader:
        assert [e.name for e in await reader.until("typing")] == ["typing"]


async def test_another_customers_conversation_is_not_found(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    owner = await make_customer(session)
    other = await make_customer(session, name="Mallory")
    staff = await make_staff(session, role=StaffRole.agent)
    conversation = await make_conversation(session, customer=owner)
    url = f"/v1/conversations/{conversation.id}/events"

    theirs = await client.get(url, headers=auth(other))
    missing = await client.get(f"/v1/conversations/{uuid.uuid4()}/events", headers=auth(other))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"] == missing.json()["detail"]
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=auth(staff))).status_code == 403


async def test_bad_last_event_id_is_refused(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    cid = (await client.post("/v1/conversations", headers=auth(customer))).json()["id"]
    url = f"/v1/conversations/{cid}/events"
    for value in ("abc", "-1", "999"):  # the conversation has one event so far
        r = await client.get(url, headers={**auth(customer), "Last-Event-ID": value})
        assert r.status_code == 422, value
        assert "Last-Event-ID" in r.json()["detail"]


async def test_handoff_claim_staff_reply_and_return_arrive_live(
    client: httpx.AsyncClient, stream_client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    staff = await make_staff(session, role=StaffRole.agent)
    supervisor = await make_staff(session, role=StaffRole.supervisor, name="Sue Pervisor")
    conversation = await make_conversation(session, customer=customer)
    # Another customer's handoff, more urgent, is ahead in the queue.
    await make_handoff(
        session,
        conversation=await make_conversation(session, customer=await make_customer(session)),
        priority=HandoffPriority.urgent,
    )
    handoff = await make_handoff(session, conversation=conversation)

    async with opened(stream_client, conversation.id, auth(customer)) as reader:
        first = await reader.until("typing")
        [opened_event] = [e for e in first if e.name == "status"]
        assert opened_event.data["status"] == "handed_off"
        assert opened_event.data["queue_position"] == 2
        hours = opened_event.data["hours"]
        assert set(hours) >= {"open_now", "next_open_at", "summary", "weekly", "timezone"}
        assert hours["timezone"] == "Europe/London"

        r = await client.post(f"/v1/handoffs/{handoff.id}/claim", headers=auth(staff))
        assert r.status_code == 200
        assert (await reader.until("status")).pop().data["status"] == "claimed"

        r = await client.post(
            f"/v1/handoffs/{handoff.id}/messages",
            json={"content": "Hello, this is Sam from the card team."},
            headers=auth(staff),
        )
        assert r.status_code == 201
        reply = (await reader.until("message")).pop()
        assert reply.data["role"] == "staff"
        assert reply.data["content"] == "Hello, this is Sam from the card team."
        assert reply.data["id"] == r.json()["message"]["id"]

        # A supervisor puts it back in the queue, then gives it to someone: the customer hears both.
        r = await client.post(
            f"/v1/handoffs/{handoff.id}/assign", json={"assignee_id": None}, headers=auth(supervisor)
        )
        assert r.status_code == 200, r.text
        waiting = (await reader.until("status")).pop().data
        assert waiting["status"] == "waiting"
        assert waiting["queue_position"] == 2
        r = await client.post(
            f"/v1/handoffs/{handoff.id}/assign", json={"assignee_id": str(staff.id)}, headers=auth(supervisor)
        )
        assert r.status_code == 200, r.text
        assert (await reader.until("status")).pop().data == {"status": "claimed", "at": ANY}

        r = await client.post(f"/v1/handoffs/{handoff.id}/return", headers=auth(staff))
        assert r.status_code == 200
        assert (await reader.until("status")).pop().data["status"] == "returned"
    # Nothing about who was assigned, or the staff's own notes, reaches the customer.
    everything = await _all(stream_client, conversation.id, customer)
    assert [e.data["status"] for e in everything if e.name == "status"] == [
        "handed_off",
        "claimed",
        "waiting",
        "claimed",
        "returned",
    ]
    assert str(staff.id) not in json.dumps([e.data for e in everything])


async def test_internal_events_never_reach_the_customer(
    client: httpx.AsyncClient,
    stream_client: httpx.AsyncClient,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    app: FastAPI,
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    bus: EventBus = app.state.events
    async with session_factory() as s:
        # What staff write to each other, and the agent's own steps, stay in the audit log.
        await append_event(
            s,
            kind="handoff.note",
            actor="staff:x",
            conversation_id=conversation.id,
            payload={"note": "PRIVATE: customer sounded confused"},
        )
        await append_event(
            s, kind="agent.step", actor="agent", conversation_id=conversation.id, payload={"node": "triage"}
        )
        await bus.notify(s, conversation_topic(conversation.id))
        await s.commit()

    async with opened(stream_client, conversation.id, auth(customer)) as reader:
        seen = await reader.until("typing")
    assert [e.name for e in seen] == ["typing"]
    assert "PRIVATE" not in json.dumps([e.data for e in seen])


async def test_typing_shows_while_a_turn_holds_the_conversation(
    stream_client: httpx.AsyncClient,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    app: FastAPI,
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    bus: EventBus = app.state.events
    async with session_factory() as s:
        s.add(_journal(customer, conversation.id, lease=timedelta(seconds=30)))
        await s.commit()

    async with opened(stream_client, conversation.id, auth(customer)) as reader:
        assert (await reader.next()) == Event("typing", {"active": True}, None)
        async with session_factory() as s:
            await s.execute(delete(TurnJournal).where(TurnJournal.conversation_id == conversation.id))
            await bus.notify(s, conversation_topic(conversation.id))
            await s.commit()
        assert (await reader.next()) == Event("typing", {"active": False}, None)

    # A journal row whose lease ran out belongs to a dead process: nobody is typing.
    async with session_factory() as s:
        s.add(_journal(customer, conversation.id, lease=timedelta(seconds=-1)))
        await s.commit()
    async with opened(stream_client, conversation.id, auth(customer)) as reader:
        assert (await reader.next()) == Event("typing", {"active": False}, None)


def _journal(customer: Customer, conversation_id: uuid.UUID, *, lease: timedelta) -> TurnJournal:
    now = utcnow()
    return TurnJournal(
        conversation_id=conversation_id,
        customer_id=customer.id,
        message_id=uuid.uuid4(),
        kind="message",
        content="hello",
        screening="{}",
        started_at=now,
        lease_until=now + lease,
    )


# --- confirmation and opening hours need their own app ----------------------------------------------------


@asynccontextmanager
async def streaming_app(settings: Settings, assets: AgentAssets) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(settings, assets=assets)
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(
            transport=StreamingASGITransport(application), base_url="http://bankdesk.test"
        ) as c:
            yield c


async def _seeded_headers(database_url: str) -> dict[str, str]:
    engine = create_engine(database_url)
    await seed_demo_bank(engine, customers=3, seed=7)
    async with create_sessionmaker(engine)() as s:
        customer_id = uuid.UUID((await list_customers(s, limit=1))[0]["id"])
    await engine.dispose()
    token = issue_token(SECRET, subject=customer_id, kind="customer", ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


async def test_reply_asking_for_confirmation_carries_it(
    settings: Settings, agent_assets: AgentAssets, database_url: str
) -> None:
    headers = await _seeded_headers(database_url)
    async with streaming_app(settings, agent_assets) as client:
        cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
        body = await say(client, cid, "I lost my card, please report it lost", headers)
        if body["kind"] != "confirmation_required":  # several cards: pick the first
            body = await say(client, cid, "1", headers)
        assert body["kind"] == "confirmation_required", body
        async with opened(client, cid, headers) as reader:
            sent = messages(await reader.until("typing"))
            asked = sent[-1].data
            assert asked["id"] == body["reply"]["id"]
            assert asked["confirmation"]["action_id"] == body["confirmation"]["action_id"]
            assert asked["confirmation"]["summary"]
            assert all(e.data["confirmation"] is None for e in sent[:-1])

            r = await client.post(
                f"/v1/conversations/{cid}/confirm", json={"decision": "yes"}, headers=headers
            )
            assert r.status_code == 201, r.text
            done = messages(await reader.until("message", id=r.json()["reply"]["id"]))
        assert [e.data["role"] for e in done] == ["customer", "assistant"]
        assert done[-1].data["confirmation"] is None
        assert "reported lost" in done[-1].data["content"]


async def test_handoff_event_says_whether_a_person_is_working(
    settings: Settings, agent_assets: AgentAssets, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    await make_handoff(session, conversation=conversation)
    always = settings.model_copy(update={"support_hours": "Mon-Sun 00:00-24:00", "support_holidays": ""})
    never = settings.model_copy(update={"support_hours": "", "support_holidays": ""})
    for configured in (always, never):
        async with streaming_app(configured, agent_assets) as client:
            async with opened(client, conversation.id, auth(customer)) as reader:
                [status] = [e for e in await reader.until("typing") if e.name == "status"]
            public = (await client.get("/v1/support/hours")).json()
        hours = status.data["hours"]
        assert hours["summary"] == public["summary"]
        if configured is always:
            assert hours["open_now"] is True
            assert hours["next_open_at"] is None
            assert hours["closes_at"] is not None
            assert hours["weekly"][0] == {"day": "Monday", "opens": "00:00", "closes": "24:00"}
        else:
            assert hours["open_now"] is False
            assert hours["next_open_at"] is None
            assert hours["weekly"] == []


async def test_the_stream_ends_when_the_token_expires(
    stream_client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    headers = {"Authorization": f"Bearer {token_for(customer, ttl=timedelta(seconds=2))}"}
    async with opened(stream_client, conversation.id, headers) as reader:
        assert (await reader.next()).name == "typing"
        with pytest.raises(StopAsyncIteration):
            await reader.next(timeout=WAIT)  # the server closed the stream; a reconnect needs a new token
    await asyncio.sleep(1.5)
    r = await stream_client.get(f"/v1/conversations/{conversation.id}/events", headers=headers)
    assert r.status_code == 401


async def test_an_open_stream_rides_out_a_process_with_no_free_connection(
    backend: str, database_url: str, session: AsyncSession
) -> None:
    """Overload (every pooled connection busy past the pool timeout) must not cut the customers' open
    streams: each would reconnect at once and add load. The stream waits, reads again, and goes on."""
    if backend == "sqlite":
        pytest.skip("the connection pool's limits are set for Postgres (SQLite has one writer in any case)")
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    await session.commit()
    engine = create_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        factory = create_sessionmaker(engine)
        hours = load_hours("Mon-Fri 08:00-20:00", "Europe/London", "")
        stream = customer_events(
            factory, InProcessBus(), conversation_id=conversation.id, after=0, hours=hours, poll_seconds=0.1
        )
        async with engine.connect():  # a slow request holds the only connection past the timeout
            first = asyncio.ensure_future(anext(stream))
            await asyncio.sleep(0.8)
            assert not first.done()  # still waiting, not failed
        event = await asyncio.wait_for(first, timeout=5)
        assert event.name == "typing"
        assert event.data == {"active": False}
        await stream.aclose()
    finally:
        await engine.dispose()
