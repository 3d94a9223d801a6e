"""The staff pages' live views: the queue stream and one handoff's stream are database snapshots, woken by
the event bus (in-process on SQLite, LISTEN/NOTIFY across processes on Postgres), resumable by id."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from sse_starlette import ServerSentEvent

from app.agent import AgentAssets
from app.config import Settings
from app.deps import StaffPrincipal
from app.handoffs import stream
from app.main import create_app
from app.models import StaffUser
from app.models.enums import HandoffPriority, StaffRole
from tests.factories import auth, make_conversation, make_customer, make_handoff, make_staff

# Every test here runs with the poll at LONG_POLL, so only a wake-up (or a token's end) brings a change within
# WAKE: a loaded machine that takes seconds to answer decides nothing (a 6 s wake-up once failed a 5 s bound).
LONG_POLL = 600.0
WAKE = 60.0


@pytest.fixture(autouse=True)
def _long_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "POLL_SECONDS", LONG_POLL)


def principal(staff: StaffUser) -> StaffPrincipal:
    return StaffPrincipal(id=staff.id, full_name=staff.full_name, role=staff.role)


async def _next(events: AsyncIterator[ServerSentEvent], timeout: float = WAKE) -> ServerSentEvent:
    return await asyncio.wait_for(anext(events), timeout)


def _items(event: ServerSentEvent) -> list[dict[str, Any]]:
    assert event.event == "queue"
    data = json.loads(str(event.data))
    assert "now" in data
    items: list[dict[str, Any]] = data["items"]
    return items


async def test_queue_stream_sends_a_snapshot_then_every_change_and_resumes_by_id(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    agent = await make_staff(session, role=StaffRole.agent, name="Alex First")
    other = await make_staff(session, role=StaffRole.agent, name="Bo Second")
    first = await make_handoff(session, conversation=await make_conversation(session, customer=customer))
    factory, bus = app.state.session_factory, app.state.events

    events = stream.queue_events(factory, bus, viewer=principal(agent), last_id=None)
    try:
        snapshot = await _next(events)
        assert [i["id"] for i in _items(snapshot)] == [str(first.id)]

        # A new handoff (opened by a customer's turn) arrives at once.
        started = time.monotonic()
        cid = (await client.post("/v1/conversations", headers=auth(customer))).json()["id"]
        r = await client.post(
            f"/v1/conversations/{cid}/messages",
            json={"content": "I want to speak to a person"},
            headers=auth(customer),
        )
        assert r.json()["kind"] == "handoff"
        arrived = await _next(events)
        assert time.monotonic() - started < WAKE
        assert len(_items(arrived)) == 2
        second_id = next(i["id"] for i in _items(arrived) if i["id"] != str(first.id))

        # Someone else claims it: it leaves this agent's queue.
        assert (await client.post(f"/v1/handoffs/{second_id}/claim", headers=auth(other))).status_code == 200
        after_claim = await _next(events)
        assert [i["id"] for i in _items(after_claim)] == [str(first.id)]
        assert after_claim.id != arrived.id
    finally:
        await events.aclose()

    # Reconnecting with the last id sends nothing until the queue changes...
    resumed = stream.queue_events(factory, bus, viewer=principal(agent), last_id=after_claim.id)
    try:
        pending = asyncio.ensure_future(anext(resumed))
        await asyncio.sleep(0.5)
        assert not pending.done()
        # ...then the change, once.
        assert (await client.post(f"/v1/handoffs/{first.id}/claim", headers=auth(agent))).status_code == 200
        change = await asyncio.wait_for(pending, WAKE)
        [mine] = _items(change)
        assert (mine["id"], mine["status"], mine["assignee_name"]) == (str(first.id), "claimed", "Alex First")
    finally:
        await resumed.aclose()


async def test_a_supervisors_stream_shows_the_team_and_a_note_or_reassignment_wakes_it(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    agent = await make_staff(session, role=StaffRole.agent, name="Alex First")
    supervisor = await make_staff(session, role=StaffRole.supervisor, name="Sue Pervisor")
    handoff = await make_handoff(
        session,
        conversation=await make_conversation(session, customer=customer),
        priority=HandoffPriority.urgent,
    )
    assert (await client.post(f"/v1/handoffs/{handoff.id}/claim", headers=auth(agent))).status_code == 200
    events = stream.queue_events(
        app.state.session_factory, app.state.events, viewer=principal(supervisor), last_id=None
    )
    try:
        [item] = _items(await _next(events))
        assert (item["status"], item["assignee_name"]) == ("claimed", "Alex First")
        r = await client.post(
            f"/v1/handoffs/{handoff.id}/assign",
            json={"assignee_id": str(supervisor.id)},
            headers=auth(supervisor),
        )
        assert r.status_code == 200
        [item] = _items(await _next(events))
        assert item["assignee_name"] == "Sue Pervisor"
    finally:
        await events.aclose()


async def test_handoff_stream_follows_the_conversation_and_says_when_it_is_gone(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    agent = await make_staff(session, role=StaffRole.agent, name="Alex First")
    supervisor = await make_staff(session, role=StaffRole.supervisor)
    other = await make_staff(session, role=StaffRole.agent)
    cid = (await client.post("/v1/conversations", headers=auth(customer))).json()["id"]
    url = f"/v1/conversations/{cid}/messages"
    r = await client.post(url, json={"content": "I want to speak to a person"}, headers=auth(customer))
    hid = next(
        i["id"]
        for i in (await client.get("/v1/handoffs", headers=auth(agent))).json()["items"]
        if i["conversation_id"] == cid
    )
    assert (await client.post(f"/v1/handoffs/{hid}/claim", headers=auth(agent))).status_code == 200
    detail = (await client.get(f"/v1/handoffs/{hid}", headers=auth(agent))).json()
    events = stream.detail_events(
        app.state.session_factory,
        app.state.events,
        viewer=principal(agent),
        handoff_id=uuid.UUID(hid),
        conversation_id=uuid.UUID(cid),
        last_id=detail["version"],
    )
    try:
        # Resumed at the version the page has: nothing is sent again.
        pending = asyncio.ensure_future(anext(events))
        await asyncio.sleep(0.5)
        assert not pending.done()
        # The customer writes while staff hold it: the new message arrives (the assistant stays silent).
        r = await client.post(url, json={"content": "are you there?"}, headers=auth(customer))
        assert r.json()["kind"] == "silent"
        event = await asyncio.wait_for(pending, WAKE)
        # A turn is stored in one transaction, but the page may first see its "typing" moment: read on.
        body = json.loads(str(event.data))
        while body["transcript"][-1]["content"] != "are you there?":
            event = await _next(events)
            body = json.loads(str(event.data))
        assert event.event == "handoff"
        assert event.id == body["version"]
        assert body["transcript"][-1]["role"] == "customer"
        # A supervisor gives it to someone else: this agent's view ends with a reason.
        r = await client.post(
            f"/v1/handoffs/{hid}/assign", json={"assignee_id": str(other.id)}, headers=auth(supervisor)
        )
        assert r.status_code == 200
        gone = await _next(events)
        while gone.event != "gone":
            gone = await _next(events)
        assert "holds this handoff" in json.loads(str(gone.data))["detail"]
        with pytest.raises(StopAsyncIteration):
            await _next(events)
    finally:
        await events.aclose()


async def test_a_stream_ends_when_the_readers_token_expires(
    app: FastAPI, stream_client: httpx.AsyncClient, session: AsyncSession
) -> None:
    from app.auth.tokens import issue_token
    from tests.app.test_customer_events import EventReader
    from tests.factories import SECRET

    agent = await make_staff(session, role=StaffRole.agent)
    token = issue_token(SECRET, subject=agent.id, kind="staff", ttl=timedelta(seconds=2))
    started = time.monotonic()
    async with stream_client.stream(
        "GET", "/v1/handoffs/stream", headers={"Authorization": f"Bearer {token}"}
    ) as r:
        assert r.status_code == 200
        reader = EventReader(r)
        assert (await reader.next(WAKE)).name == "queue"
        with pytest.raises(StopAsyncIteration):
            await reader.next(WAKE)  # the response ends at the token's end, without waiting for the poll
    assert time.monotonic() - started < WAKE
    # ...and the page's reconnect is refused.
    await asyncio.sleep(1.1)
    async with stream_client.stream(
        "GET", "/v1/handoffs/stream", headers={"Authorization": f"Bearer {token}"}
    ) as r:
        assert r.status_code == 401


# --- across processes (Postgres LISTEN/NOTIFY) ----------------------------------------------------------


@pytest.fixture
async def second_app(settings: Settings, agent_assets: AgentAssets, backend: str) -> AsyncIterator[FastAPI]:
    """Another app on the same database: its own engine, its own LISTEN connection (another process's)."""
    if backend != "postgres":
        pytest.skip("several app processes share a database only on Postgres")
    application = create_app(settings, assets=agent_assets)
    async with application.router.lifespan_context(application):
        yield application


async def test_a_write_in_one_process_wakes_the_queue_stream_of_another(
    app: FastAPI,
    second_app: FastAPI,
    client: httpx.AsyncClient,
    session: AsyncSession,
) -> None:
    customer = await make_customer(session)
    agent = await make_staff(session, role=StaffRole.agent)
    handoff = await make_handoff(session, conversation=await make_conversation(session, customer=customer))
    assert second_app.state.events is not app.state.events
    events = stream.queue_events(
        second_app.state.session_factory, second_app.state.events, viewer=principal(agent), last_id=None
    )
    try:
        [item] = _items(await _next(events))
        assert item["status"] == "open"
        assert (await client.post(f"/v1/handoffs/{handoff.id}/claim", headers=auth(agent))).status_code == 200
        # woken by NOTIFY: the poll would take LONG_POLL, far beyond this wait
        [item] = _items(await _next(events))
        assert item["status"] == "claimed"
    finally:
        await events.aclose()


# --- over HTTP ---------------------------------------------------------------------------------------------


@pytest.fixture
async def stream_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    from tests.app.test_customer_events import StreamingASGITransport

    async with httpx.AsyncClient(transport=StreamingASGITransport(app), base_url="http://bankdesk.test") as c:
        yield c


async def test_the_stream_routes_answer_sse_resume_by_id_and_refuse_before_streaming(
    client: httpx.AsyncClient, stream_client: httpx.AsyncClient, session: AsyncSession
) -> None:
    from tests.app.test_customer_events import EventReader

    customer = await make_customer(session)
    agent = await make_staff(session, role=StaffRole.agent, name="Alex First")
    other = await make_staff(session, role=StaffRole.agent)
    handoff = await make_handoff(session, conversation=await make_conversation(session, customer=customer))

    async with stream_client.stream("GET", "/v1/handoffs/stream", headers=auth(agent)) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["cache-control"] == "no-store"
        first = await EventReader(r).next(WAKE)
    assert first.name == "queue"
    assert [i["id"] for i in first.data["items"]] == [str(handoff.id)]
    assert first.id

    # A page that reconnects with the id it has sees nothing until the queue changes, then the change.
    headers = auth(agent) | {"Last-Event-ID": str(first.id)}
    async with stream_client.stream("GET", "/v1/handoffs/stream", headers=headers) as r:
        reader = EventReader(r)
        pending = asyncio.ensure_future(reader.next(WAKE))
        await asyncio.sleep(0.5)
        assert not pending.done()
        assert (await client.post(f"/v1/handoffs/{handoff.id}/claim", headers=auth(agent))).status_code == 200
        changed = await pending
    assert changed.data["items"][0]["assignee_name"] == "Alex First"

    async with stream_client.stream("GET", f"/v1/handoffs/{handoff.id}/stream", headers=auth(agent)) as r:
        assert r.status_code == 200
        detail = await EventReader(r).next(WAKE)
    assert detail.name == "handoff"
    assert detail.id == detail.data["version"]
    assert detail.data["handoff"]["status"] == "claimed"

    # Refusals are plain problem answers, before any stream starts.
    for url, who, code in (
        (f"/v1/handoffs/{handoff.id}/stream", other, 403),
        (f"/v1/handoffs/{uuid.uuid4()}/stream", agent, 404),
        ("/v1/handoffs/stream", customer, 403),
    ):
        async with stream_client.stream("GET", url, headers=auth(who)) as r:
            assert r.status_code == code, url
            assert r.headers["content-type"].startswith("application/problem+json")
    async with stream_client.stream("GET", "/v1/handoffs/stream") as r:
        assert r.status_code == 401


async def test_notes_never_reach_the_customers_stream(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    from app.conversations.events import read_events

    customer = await make_customer(session)
    agent = await make_staff(session, role=StaffRole.agent)
    conversation = await make_conversation(session, customer=customer)
    handoff = await make_handoff(session, conversation=conversation)
    url = f"/v1/handoffs/{handoff.id}"
    assert (await client.post(f"{url}/claim", headers=auth(agent))).status_code == 200
    r = await client.post(
        f"{url}/messages", json={"content": "A reply the customer reads"}, headers=auth(agent)
    )
    assert r.status_code == 201
    r = await client.post(f"{url}/notes", json={"content": "PRIVATE-NOTE-TEXT"}, headers=auth(agent))
    assert r.status_code == 201
    r = await client.post(f"{url}/return", json={"note": "NOTE-FOR-THE-ASSISTANT"}, headers=auth(agent))
    assert r.status_code == 200

    async with app.state.session_factory() as reading:
        events, _last, _full = await read_events(
            reading, conversation_id=conversation.id, after=0, hours=app.state.settings.hours()
        )
    seen = json.dumps([e.data for e in events])
    assert "A reply the customer reads" in seen
    assert "PRIVATE-NOTE-TEXT" not in seen
    assert "NOTE-FOR-THE-ASSISTANT" not in seen
    assert [e.data["status"] for e in events if e.name == "status"][-1] == "returned"
