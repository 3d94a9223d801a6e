from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import auth, make_customer


async def test_customer_can_chat(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    r = await client.post("/v1/conversations", headers=auth(customer))
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    r = await client.post(
        f"/v1/conversations/{cid}/messages", json={"content": "hello"}, headers=auth(customer)
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["message"]["content"] == "hello"
    assert body["reply"]["role"] == "assistant"
