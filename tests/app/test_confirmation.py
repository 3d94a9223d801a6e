"""State-changing actions need the customer's yes; they resume from another process and run exactly once."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent import AgentAssets
from app.auth.tokens import issue_token
from app.banking.ports import Consent, SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.config import Settings
from app.conversations import idempotency, service
from app.db import create_engine, create_sessionmaker
from app.main import create_app
from app.models import AuditEvent, Card, IdempotencyRecord, Message, ToolAction, TurnJournal
from app.models.base import utcnow
from app.models.enums import CardStatus
from tests.factories import SECRET


@asynccontextmanager
async def running_app(settings: Settings, assets: AgentAssets) -> AsyncIterator[httpx.AsyncClient]:
    """One 'process': its own app, engine, checkpointer connection and agent."""
    application = create_app(settings, assets=assets)
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://t"
        ) as c:
            yield c


async def _seeded_customer(database_url: str) -> tuple[uuid.UUID, dict[str, str]]:
    engine = create_engine(database_url)
    await seed_demo_bank(engine, customers=3, seed=7)
    async with create_sessionmaker(engine)() as s:
        customer_id = uuid.UUID((await list_customers(s, limit=1))[0]["id"])
    await engine.dispose()
    token = issue_token(SECRET, subject=customer_id, kind="customer", ttl=timedelta(hours=1))
    return customer_id, {"Authorization": f"Bearer {token}"}


async def _ask_to_report_lost(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> tuple[str, dict[str, object]]:
    cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
    body = (
        await client.post(
            # Asked for in so many words: a lost card on its own is offered a freeze first (issue 12).
            f"/v1/conversations/{cid}/messages",
            json={"content": "I lost my card, please report it lost"},
            headers=headers,
        )
    ).json()
    if body["kind"] != "confirmation_required":  # the customer has several cards: pick the first
        body = (
            await client.post(f"/v1/conversations/{cid}/messages", json={"content": "1"}, headers=headers)
        ).json()
    assert body["kind"] == "confirmation_required", body
    assert body["status"] == "awaiting_customer"
    assert body["confirmation"]["action_id"]
    return cid, body


async def _statuses(session: AsyncSession, customer_id: uuid.UUID) -> list[str]:
    rows = (await session.scalars(select(Card.status).where(Card.customer_id == customer_id))).all()
    await session.rollback()
    return sorted(str(r) for r in rows)


async def _actions(session: AsyncSession) -> int:
    count = await session.scalar(select(func.count(ToolAction.id)))
    await session.rollback()
    return int(count or 0)


async def test_confirmation_resumes_in_another_process_and_acts_once(
    settings: Settings, agent_assets: AgentAssets, session: AsyncSession, database_url: str
) -> None:
    customer_id, headers = await _seeded_customer(database_url)
    before = await _statuses(session, customer_id)
    async with running_app(settings, agent_assets) as first:
        cid, asked = await _ask_to_report_lost(first, headers)
    # Nothing happened yet: the card is untouched until the customer says yes.
    assert await _statuses(session, customer_id) == before
    assert await _actions(session) == 0

    async with running_app(settings, agent_assets) as second:  # a new process, after a restart
        url = f"/v1/conversations/{cid}/confirm"
        h = {**headers, "Idempotency-Key": "confirm-1"}
        done = await second.post(url, json={"decision": "yes"}, headers=h)
        assert done.status_code == 201, done.text
        assert done.json()["kind"] == "reply"
        assert "reported lost" in done.json()["reply"]["content"]
        again = await second.post(url, json={"decision": "yes"}, headers=h)  # a retried request
        assert again.json() == done.json()
        # Without the key, a second yes finds nothing waiting.
        assert (await second.post(url, json={"decision": "yes"}, headers=headers)).status_code == 409
    assert await _actions(session) == 1
    after = await _statuses(session, customer_id)
    assert after.count("lost") == before.count("lost") + 1


async def test_declined_confirmation_changes_nothing(
    settings: Settings, agent_assets: AgentAssets, session: AsyncSession, database_url: str
) -> None:
    customer_id, headers = await _seeded_customer(database_url)
    before = await _statuses(session, customer_id)
    async with running_app(settings, agent_assets) as client:
        cid, _ = await _ask_to_report_lost(client, headers)
        r = await client.post(f"/v1/conversations/{cid}/confirm", json={"decision": "no"}, headers=headers)
        assert r.status_code == 201
        assert r.json()["status"] == "active"
        bad = await client.post(
            f"/v1/conversations/{cid}/confirm", json={"decision": "maybe"}, headers=headers
        )
        assert bad.status_code == 422
    assert await _statuses(session, customer_id) == before
    assert await _actions(session) == 0


async def test_action_that_ran_before_a_crash_is_not_repeated(
    settings: Settings, agent_assets: AgentAssets, session: AsyncSession, database_url: str
) -> None:
    """The tool ran (and committed) but the process died before the turn was stored: the retry replays it."""
    customer_id, headers = await _seeded_customer(database_url)
    async with running_app(settings, agent_assets) as client:
        cid, asked = await _ask_to_report_lost(client, headers)
    action_id = str(asked["confirmation"]["action_id"])  # type: ignore[index]
    engine = create_engine(database_url)
    port = SqlBankingPort(
        create_sessionmaker(engine), customer_id=customer_id, conversation_id=uuid.UUID(cid)
    )
    cards = [c for c in await port.list_cards() if c.status == "active"]
    first = await port.report_card(cards[0].id, kind="lost", idempotency_key=action_id)
    await engine.dispose()
    assert not first.replayed
    assert await _actions(session) == 1

    async with running_app(settings, agent_assets) as client:
        r = await client.post(f"/v1/conversations/{cid}/confirm", json={"decision": "yes"}, headers=headers)
        assert r.status_code == 201, r.text
        assert "reported lost" in r.json()["reply"]["content"]
    assert await _actions(session) == 1
    lost = (await session.scalars(select(Card).where(Card.status == CardStatus.lost))).all()
    assert len([c for c in lost if c.customer_id == customer_id]) >= 1


async def test_typed_yes_answers_the_pending_confirmation(
    settings: Settings, agent_assets: AgentAssets, session: AsyncSession, database_url: str
) -> None:
    _, headers = await _seeded_customer(database_url)
    async with running_app(settings, agent_assets) as client:
        cid, _ = await _ask_to_report_lost(client, headers)
        r = await client.post(
            f"/v1/conversations/{cid}/messages", json={"content": "Yes please"}, headers=headers
        )
        assert "reported lost" in r.json()["reply"]["content"]
    assert await _actions(session) == 1


async def test_confirm_without_pending_action_is_409(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    from tests.factories import auth, make_customer

    customer = await make_customer(session)
    cid = (await client.post("/v1/conversations", headers=auth(customer))).json()["id"]
    r = await client.post(
        f"/v1/conversations/{cid}/confirm", json={"decision": "yes"}, headers=auth(customer)
    )
    assert r.status_code == 409
    other = await make_customer(session, name="Other")
    r = await client.post(f"/v1/conversations/{cid}/confirm", json={"decision": "yes"}, headers=auth(other))
    assert r.status_code == 404


async def test_a_cut_short_turn_settled_by_two_at_once_is_stored_once(
    settings: Settings, agent_assets: AgentAssets, session: AsyncSession, database_url: str
) -> None:
    """A process died after the bank froze the card and before the turn was stored. The sweep and the
    customer's retry (here both at once, as they met in CI) each settle it: it is stored exactly once, and
    the retry is answered with what the bank did, never a 500."""
    customer_id, headers = await _seeded_customer(database_url)
    application = create_app(settings, assets=agent_assets)
    async with application.router.lifespan_context(application):
        services: service.TurnServices = application.state.turn_services
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://t"
        ) as client:
            cid, asked = await _ask_to_report_lost(client, headers)
            conversation_id = uuid.UUID(cid)
            pending = await services.agent.pending_confirmation(cid)
            assert pending is not None
            action = dict(pending["action"])
            # The dead process's turn: its journal row (lease run out), its idempotency claim, and the
            # action it ran with the customer's consent, committed.
            message_id = uuid.uuid4()
            key = "confirm-after-crash"
            scope = f"conversation:{cid}:confirm"
            async with services.factory() as s:
                s.add(
                    IdempotencyRecord(
                        customer_id=customer_id,
                        scope=scope,
                        key=key,
                        request_hash=idempotency.request_fingerprint(scope, "yes"),
                        state="in_flight",
                    )
                )
                s.add(
                    TurnJournal(
                        conversation_id=conversation_id,
                        customer_id=customer_id,
                        message_id=message_id,
                        kind="confirm",
                        content="Yes, go ahead.",
                        screening="{}",
                        idempotency_scope=scope,
                        idempotency_key=key,
                        action=json.dumps(action),
                        decision="yes",
                        started_at=utcnow() - timedelta(seconds=40),
                        lease_until=utcnow() - timedelta(seconds=5),
                    )
                )
                await s.commit()
            port = SqlBankingPort(
                services.factory,
                customer_id=customer_id,
                conversation_id=conversation_id,
                consent=Consent(str(action["id"]), message_id, "Yes, go ahead.", "confirm"),
                require_consent=True,
            )
            cards = [c for c in await port.list_cards() if c.status == "active"]
            await port.report_card(cards[0].id, kind="lost", idempotency_key=str(action["id"]))

            settled = await asyncio.gather(
                service.recover_conversation(services, conversation_id),
                service.recover_stale_turns(services),
                service.recover_conversation(services, conversation_id),
            )
            # The sweep lists stale turns first and settles them after: on Postgres a racing
            # recover_conversation may have settled this one before the sweep's listing (count 0) or
            # after it (count 1). Either way the turn must be stored exactly once (checked below).
            assert settled[1] in (0, 1)
            retried = await client.post(
                f"/v1/conversations/{cid}/confirm",
                json={"decision": "yes"},
                headers={**headers, "Idempotency-Key": key},
            )
            assert retried.status_code == 201, retried.text
            assert "reported lost" in retried.json()["reply"]["content"]
    stored = (
        await session.scalars(select(Message.id).where(Message.conversation_id == conversation_id))
    ).all()
    recovered = await session.scalar(
        select(func.count(AuditEvent.seq)).where(
            AuditEvent.conversation_id == conversation_id, AuditEvent.kind == "turn.recovered"
        )
    )
    journals = await session.scalar(select(func.count()).select_from(TurnJournal))
    await session.rollback()
    assert stored.count(message_id) == 1
    assert recovered == 1
    assert journals == 0
    assert await _actions(session) == 1


async def test_one_idempotency_key_for_the_question_and_its_answer_is_two_requests(
    settings: Settings, agent_assets: AgentAssets, session: AsyncSession, database_url: str
) -> None:
    """Idempotency-Keys are per scope (a conversation's messages, its confirmations): a client that reuses its
    message's key for the confirmation that follows gets both done. Found by the API fuzz test: both stored
    customer messages carried the raw key, and the second broke the unique (conversation, key) constraint
    with a 500 after the agent had run."""
    customer_id, headers = await _seeded_customer(database_url)
    before = await _statuses(session, customer_id)
    async with running_app(settings, agent_assets) as client:
        cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
        keyed = {**headers, "Idempotency-Key": "same-key"}
        asked = await client.post(
            f"/v1/conversations/{cid}/messages",
            json={"content": "I lost my card, please report it lost"},
            headers=keyed,
        )
        assert asked.status_code == 201, asked.text
        if asked.json()["kind"] != "confirmation_required":  # several cards: pick the first (new key)
            picked = await client.post(
                f"/v1/conversations/{cid}/messages", json={"content": "1"}, headers=headers
            )
            assert picked.json()["kind"] == "confirmation_required", picked.text
        declined = await client.post(
            f"/v1/conversations/{cid}/confirm", json={"decision": "no"}, headers=keyed
        )
        assert declined.status_code == 201, declined.text
        again = await client.post(f"/v1/conversations/{cid}/confirm", json={"decision": "no"}, headers=keyed)
        assert again.json() == declined.json()  # the confirmation's own retry is still a replay
    assert await _statuses(session, customer_id) == before
    assert await _actions(session) == 0
