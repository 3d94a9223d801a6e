"""Plain helpers for the audit workspace tests: conversations made through the real API and agent."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Literal

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.auth.tokens import issue_token
from app.banking.seed import list_customers, seed_demo_bank
from app.models import Account, Transaction
from tests.factories import SECRET


def bearer(subject_id: uuid.UUID, kind: Literal["customer", "staff"]) -> dict[str, str]:
    token = issue_token(SECRET, subject=subject_id, kind=kind, ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


async def chat(client: httpx.AsyncClient, headers: dict[str, str], *messages: str) -> str:
    """A new conversation with these customer messages, each answered (or not) by the agent."""
    r = await client.post("/v1/conversations", headers=headers)
    assert r.status_code == 201, r.text
    cid: str = r.json()["id"]
    for text in messages:
        r = await client.post(f"/v1/conversations/{cid}/messages", json={"content": text}, headers=headers)
        assert r.status_code == 201, r.text
    return cid


async def seeded_customer(engine: AsyncEngine) -> uuid.UUID:
    """The demo bank's first customer (accounts, cards, transactions)."""
    await seed_demo_bank(engine, customers=1, seed=7)
    from app.db import create_sessionmaker

    async with create_sessionmaker(engine)() as s:
        return uuid.UUID((await list_customers(s, limit=1))[0]["id"])


async def plant_merchant(session: AsyncSession, customer_id: uuid.UUID, text: str) -> None:
    """Make the customer's newest transaction carry ``text`` as merchant and description."""
    newest = await session.scalar(
        select(Transaction)
        .join(Account, Account.id == Transaction.account_id)
        .where(Account.customer_id == customer_id)
        .order_by(Transaction.booked_at.desc())
        .limit(1)
    )
    assert newest is not None
    newest.merchant = text[:120]
    newest.description = text[:500]
    await session.commit()
