"""The escalation rule that moved a model call up a tier is stored with the call (model_call.escalation)."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ModelCall
from tests.factories import auth, make_conversation, make_customer


async def test_a_low_confidence_escalation_is_stored_with_its_call(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)

    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages",
        json={"content": "hmm not sure"},  # the triage model is unsure: the default policy asks mini
        headers=auth(customer),
    )

    assert r.status_code == 201
    rows = (
        await session.execute(
            select(ModelCall.node, ModelCall.tier, ModelCall.escalation).order_by(ModelCall.created_at)
        )
    ).all()
    triage = [(tier, escalation) for node, tier, escalation in rows if node == "triage"]
    assert triage == [("nano", None), ("mini", "low_confidence")]
    assert all(escalation is None for node, _, escalation in rows if node != "triage")
