"""Issue 11, finding 5: card numbers typed in odd forms are stored nowhere: not in messages, handoff or
complaint summaries, nor in the LangGraph checkpoint; and a full card number written to any text column
directly through a session is refused at flush."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from agents.summary import extractive_summary
from app import db
from app.agent import AgentAssets
from app.audit.service import append_event, append_events
from app.handoffs.service import open_handoff
from app.models import AuditEvent, Complaint, Customer, Handoff, Message
from app.models.enums import HandoffPriority, MessageRole
from app.models.pan_guard import FullCardNumberRefused, refuse_full_pans
from tests.agents.safety.pan_forms import any_luhn_run
from tests.factories import make_conversation, make_customer, make_handoff
from tests.scenarios.pan_scan import stored_pans
from tests.scenarios.runner import SCENARIO_DAY, Scenario, world

SPREAD_OUT = "my card is 4111    1111\n\n1111          1111 please help"


def test_extractive_summary_never_collapses_a_spread_out_pan_into_a_clean_one() -> None:
    history = [{"role": "customer", "content": SPREAD_OUT}, {"role": "assistant", "content": "One moment."}]
    summary = extractive_summary(history, reason="customer asked for a person")
    assert any_luhn_run(summary) is None, summary
    assert "[card ending 1111]" in summary


async def test_open_handoff_stores_a_redacted_summary(session: AsyncSession) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    handoff = await open_handoff(
        session,
        conversation_id=conversation.id,
        reason="customer asked for a person",
        priority=HandoffPriority.normal,
        summary="Issue: card ４１１１−１１１１−１１１１−１１１１ declined; cvv 123",
    )
    await session.commit()
    stored = await session.scalar(select(Handoff.summary).where(Handoff.id == handoff.id))
    assert stored is not None
    assert any_luhn_run(stored) is None, stored
    assert "[card ending 1111]" in stored
    assert "123" not in stored


@pytest.mark.parametrize(
    "pan",
    [
        "4111 1111 1111 1111",
        "4111\u200b1111\u200b1111\u200b1111",
        "(4111) 1111 1111 1111",
        "5000 0000 0009",
        "\u2074\u00b9\u00b9\u00b9 \u00b9\u00b9\u00b9\u00b9 \u00b9\u00b9\u00b9\u00b9 \u00b9\u00b9\u00b9\u00b9",
    ],
)
async def test_pan_guard_refuses_a_pan_in_any_text_column(session: AsyncSession, pan: str) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    handoff = await make_handoff(session, conversation=conversation)
    customer_id, conversation_id = customer.id, conversation.id

    handoff.summary = f"customer said {pan}"
    with pytest.raises(FullCardNumberRefused, match=r"handoff\.summary") as refused:
        await session.flush()
    assert "1111" not in str(refused.value)
    assert "0009" not in str(refused.value)
    await session.rollback()

    session.add(
        Complaint(
            customer_id=customer_id,
            conversation_id=conversation_id,
            summary=f"charged twice on {pan}",
            final_response_due=date(2027, 1, 1),
        )
    )
    with pytest.raises(ValueError, match=r"complaint\.summary"):
        await session.flush()
    await session.rollback()

    session.add(Message(conversation_id=conversation_id, role=MessageRole.customer, content=pan))
    with pytest.raises(FullCardNumberRefused):
        await session.commit()
    await session.rollback()


async def test_every_new_session_factory_is_guarded_even_at_a_discarded_ones_address(
    engine: AsyncEngine,
) -> None:
    """A process makes session factories and drops them (every test, every CLI command); a new one is
    often allocated at the address of a dropped one. The guard once asked SQLAlchemy's `event.contains`
    whether it was installed already, and that registry is keyed on id() and never forgets a dead
    factory's id, so such a factory was left unguarded (a CI run stored a PAN in handoff.summary)."""
    for _ in range(50):
        factory = db.create_sessionmaker(engine)
        async with factory() as session:
            session.add(Customer(full_name="4111 1111 1111 1111", email="a@example.test", phone="+44 1"))
            with pytest.raises(FullCardNumberRefused, match=r"customer\.full_name"):
                await session.flush()
        del factory, session  # free the factory now, so the next one can take its address


async def test_pan_guard_reads_audit_payloads_but_not_the_chains_own_digests(session: AsyncSession) -> None:
    """The guard skips only columns the app fills itself in a fixed format (``MACHINE_MADE``: an event's
    hash, previous hash and chain id); an event's payload, which quotes what people wrote, is still read."""
    conversation = await make_conversation(session, customer=await make_customer(session))
    await append_event(
        session, kind="k", actor="a", payload={"said": "4111 1111 1111 1111"}, conversation_id=conversation.id
    )
    with pytest.raises(FullCardNumberRefused, match=r"audit_event\.payload"):
        await session.flush()
    await session.rollback()

    skipped = {c.name for c in AuditEvent.__table__.columns if c.info.get("machine_made")}
    assert skipped == {"hash", "prev_hash", "chain_id"}


async def test_pan_guard_lets_redacted_text_and_lookalikes_through(session: AsyncSession) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    handoff = await make_handoff(session, conversation=conversation)
    handoff.summary = (
        "card ending 4242, call +44 20 7946 0958, paid £1,234.56 on 12/03/2024 [card ending 1111]"
    )
    await session.commit()


ODD_FORMS = [
    "hi my card number is ４１１１\u3000１１１１\u3000１１１１\u3000１１１１, what's my balance",
    "my card\n5500\n0000\n0000\n0004\nexp 12/27 123 what's my balance",
    "card 4111\u200b1111\u200b1111\u200b1111 and the security number 4321 - is my card frozen?",
    "is my card 3782\u2014822463\u201410005 blocked?",
    "my maestro 5000 0000 0009 was declined",
    "card +4111 1111 1111 1111 (4111) 1111 1111 1111 \u2074\u00b9\u00b9\u00b9 \u00b9\u00b9\u00b9\u00b9",
    "IBAN GB82  WEST  1234  5698  7654  32 and sort code 20.00.00 account 12345678",
]
HANDED_OFF = (
    "This is ridiculous, I've been charged twice on card 4111 / 1111 / 1111 / 1111 and nobody has fixed it. "
    "I want to make a complaint."
)
# A complaint is offered a person (issue 12); the customer's yes hands the conversation over, with the card
# number of the complaint in the handoff's summary if redaction failed.
ACCEPTS_A_PERSON = "yes please"


async def test_pans_typed_in_odd_forms_are_stored_nowhere(
    database_url: str, agent_assets: AgentAssets
) -> None:
    import time_machine

    scenario = Scenario(name="pan-odd-forms", description="", customer=2, turns=[])
    with time_machine.travel(SCENARIO_DAY, tick=True):
        async with world(scenario, database_url=database_url, assets=agent_assets) as w:
            url = f"/v1/conversations/{w.conversation_id}/messages"
            for content in [*ODD_FORMS, HANDED_OFF, ACCEPTS_A_PERSON]:
                r = await w.client.post(url, json={"content": content}, headers=w.customer_headers)
                assert r.status_code == 201, r.text
            await w.session.rollback()
            handoffs = (await w.session.scalars(select(Handoff))).all()
            assert handoffs, "the complaint, once the customer accepts a person, hands the conversation over"
            await w.session.rollback()
            found = await stored_pans(w.session)
    assert found == [], [str(f) for f in found]


async def test_rows_a_turn_writes_through_core_are_refused_like_a_flush(session: AsyncSession) -> None:
    """A customer turn writes its messages, audit events and idempotency answer through Core (issue 14),
    where no flush listener runs: the same check refuses a full card number there, and writes nothing."""
    conversation = await make_conversation(session, customer=await make_customer(session))
    with pytest.raises(FullCardNumberRefused, match=r"audit_event\.payload"):
        await append_events(
            session,
            conversation_id=conversation.id,
            events=[("k", "a", {"said": "fine"}), ("k", "a", {"said": "4111 1111 1111 1111"})],
        )
    assert (
        await session.scalar(select(AuditEvent.seq).where(AuditEvent.conversation_id == conversation.id))
        is None
    )
    with pytest.raises(FullCardNumberRefused, match=r"message\.content"):
        refuse_full_pans(
            Message.__table__,  # type: ignore[arg-type]
            [{"content": "ok"}, {"content": "pay 5000 0000 0009 now", "role": MessageRole.customer}],
        )
    refuse_full_pans(AuditEvent.__table__, [{"hash": "4111111111111111", "payload": "{}"}])  # type: ignore[arg-type]
    await session.rollback()
