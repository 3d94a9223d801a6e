"""The agent's handoff notice tells the customer the support team's real hours (the app's settings), and
that nobody is working when they ask outside them, instead of a timetable written into the agent."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncSession

from agents.nodes.respond import HANDOFF_NOTICE, handoff_notice
from tests.factories import auth, make_conversation, make_customer

HOURS = "Mon–Fri 08:00–20:00, Sat 09:00–17:00 (Europe/London time), closed on bank holidays"


def test_the_notice_names_the_hours_it_was_given() -> None:
    assert HOURS in handoff_notice("normal", hours=HOURS, open_now=True)
    assert "as soon as they can" in handoff_notice("normal", hours=HOURS, open_now=True)
    closed = handoff_notice("normal", hours=HOURS, open_now=False)
    assert "Nobody from the team is working right now" in closed
    assert HOURS in closed
    # Urgent handoffs keep their own wording while the team is in; without hours the agent's default stays.
    assert handoff_notice("urgent", hours=HOURS, open_now=True) == HANDOFF_NOTICE["urgent"]
    assert handoff_notice("normal") == HANDOFF_NOTICE["normal"]


@pytest.mark.parametrize(
    ("moment", "expected", "not_expected"),
    [
        # Sunday: the default timetable has the team off.
        (datetime(2026, 11, 29, 12, 0, tzinfo=UTC), "Nobody from the team is working right now", "as soon"),
        # Christmas Day is a bank holiday in England, on a Friday.
        (datetime(2026, 12, 25, 12, 0, tzinfo=UTC), "Nobody from the team is working right now", "as soon"),
        # Monday mid-morning: the team is in.
        (datetime(2026, 11, 30, 10, 0, tzinfo=UTC), "as soon as they can", "Nobody"),
    ],
)
async def test_a_customer_asking_for_a_person_is_told_when_someone_will_answer(
    client: httpx.AsyncClient, session: AsyncSession, moment: datetime, expected: str, not_expected: str
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    await session.commit()
    with time_machine.travel(moment, tick=True):
        response = await client.post(
            f"/v1/conversations/{conversation.id}/messages",
            json={"content": "I'd like to speak to a real person please"},
            headers=auth(customer),
        )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "handoff"
    reply = body["reply"]["content"]
    assert expected in reply
    assert not_expected not in reply
    assert "Mon–Fri 08:00–20:00" in reply
