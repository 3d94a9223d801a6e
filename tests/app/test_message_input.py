"""Bad input gets a clear error and writes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent import AgentAssets
from app.config import Settings
from app.main import create_app
from app.models import AuditEvent, Message
from tests.factories import auth, make_conversation, make_customer


async def _counts(session: AsyncSession) -> tuple[int, int]:
    messages = await session.scalar(select(func.count(Message.id)))
    events = await session.scalar(select(func.count(AuditEvent.seq)))
    await session.commit()
    return int(messages or 0), int(events or 0)


@pytest.mark.parametrize(
    ("raw", "status", "fragment"),
    [
        (b'{"content": ""}', 422, "at least 1 character"),
        (b'{"content": "   \\n\\t  "}', 422, "empty or only whitespace"),
        (b'{"content": "' + b"a" * 4001 + b'"}', 422, "at most 4000 characters"),
        (b'{"content": "abc\\u0000def"}', 422, "NUL"),
        (b'{"content": "\xff\xfe bad bytes"}', 422, "UTF-8"),
        (b'{"content": "\\ud800 lone surrogate"}', 422, "unicode string"),
        (b'{"content": "hi", "customer_id": "someone-else"}', 422, "Extra inputs are not permitted"),
        (b'{"content": 42}', 422, "valid string"),
        (b"{}", 422, "Field required"),
        (b'{"content": "hi"', 400, "not valid JSON"),
        (b"not json at all", 400, "not valid JSON"),
        (b'{"content": "' + b"a" * 70_000 + b'"}', 413, "larger than"),
        # Invisible only: zero-width space, joiners, word joiner, BOM, soft hyphen (issue 11, finding 12).
        ('{"content": "\u200b\u200c\u200d\u2060\ufeff\u00ad"}'.encode(), 422, "invisible"),
        (b'{"content": " \\u200b \\n\\u3164 \\ufe0f"}', 422, "invisible"),
        # Control characters other than tab, newline and carriage return; DEL; C1.
        (b'{"content": "ring \\u0007 the bell"}', 422, "control character U+0007"),
        (b'{"content": "\\u001b[31mred"}', 422, "control character U+001B"),
        (b'{"content": "del\\u007f"}', 422, "control character U+007F"),
        (b'{"content": "next\\u0085line"}', 422, "control character U+0085"),
        # Bidirectional overrides and isolates (Trojan Source).
        (b'{"content": "pay \\u202eLIAME\\u202c now"}', 422, "bidirectional control U+202E"),
        (b'{"content": "\\u2066abc\\u2069"}', 422, "bidirectional control U+2066"),
    ],
)
async def test_bad_message_bodies(
    client: httpx.AsyncClient, session: AsyncSession, raw: bytes, status: int, fragment: str
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    before = await _counts(session)
    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages",
        content=raw,
        headers={**auth(customer), "Content-Type": "application/json"},
    )
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert fragment in r.json()["detail"], r.json()
    assert await _counts(session) == before


async def test_exactly_4000_characters_is_accepted(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages", json={"content": "é" * 4000}, headers=auth(customer)
    )
    assert r.status_code == 201
    assert r.json()["message"]["content"] == "é" * 4000


@pytest.fixture
async def short_client(settings: Settings, agent_assets: AgentAssets) -> AsyncIterator[httpx.AsyncClient]:
    """A deployment that allows 50 characters a message (BANKDESK_MAX_MESSAGE_CHARS=50)."""
    app = create_app(settings.model_copy(update={"max_message_chars": 50}), assets=agent_assets)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            yield c


async def test_the_deployments_message_limit_is_enforced_and_nothing_is_stored(
    short_client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    url = f"/v1/conversations/{conversation.id}/messages"
    before = await _counts(session)
    r = await short_client.post(url, json={"content": "é" * 51}, headers=auth(customer))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert "at most 50 characters (this message has 51)" in problem["detail"]
    assert problem["max_length"] == 50
    assert problem["length"] == 51
    assert problem["errors"][0]["loc"] == ["body", "content"]
    assert await _counts(session) == before
    ok = await short_client.post(url, json={"content": "é" * 50}, headers=auth(customer))
    assert ok.status_code == 201, ok.text
    assert ok.json()["message"]["content"] == "é" * 50  # at the limit: kept whole


def test_the_limit_cannot_exceed_what_the_schema_accepts(settings: Settings) -> None:
    with pytest.raises(ValidationError, match="less than or equal to 4000"):
        Settings(**{**settings.model_dump(), "max_message_chars": 4001})


@pytest.mark.parametrize(
    "content",
    [
        "line one\nline two\r\n\tindented",
        "I am \U0001f469\u200d\U0001f4bb a developer",  # an emoji sequence joined by ZWJ
        "\u0645\u0631\u062d\u0628\u0627 what is my balance",  # right-to-left script without overrides
        "caf\u00e9 \u2014 \u00a3200",
    ],
)
async def test_ordinary_text_with_tabs_newlines_emoji_and_rtl_script_is_accepted(
    client: httpx.AsyncClient, session: AsyncSession, content: str
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages", json={"content": content}, headers=auth(customer)
    )
    assert r.status_code == 201, r.text
    assert r.json()["message"]["content"] == content


async def test_unknown_fields_on_create_conversation(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    r = await client.post("/v1/conversations", json={"customer_id": "x"}, headers=auth(customer))
    assert r.status_code == 422


async def test_malformed_path_id_is_422(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    r = await client.get("/v1/conversations/not-a-uuid", headers=auth(customer))
    assert r.status_code == 422


async def test_agent_failure_rolls_back_the_whole_turn(
    settings: object, session: AsyncSession, agent_assets: object
) -> None:

    from agents.ports import AgentEvent, BankingPort, TurnInput
    from app.config import Settings
    from app.main import create_app

    class BrokenAgent:
        async def pending_confirmation(self, conversation_id: str) -> None:
            return None

        def resume(self, turn: TurnInput, decision: str, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            return self.run_turn(turn, banking)

        async def run_turn(self, turn: TurnInput, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            yield AgentEvent("step", {"node": "broken"})
            raise RuntimeError("model exploded")

    assert isinstance(settings, Settings)
    application = create_app(settings, agent=BrokenAgent(), assets=agent_assets)  # type: ignore[arg-type]
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    before = await _counts(session)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await c.post(
                f"/v1/conversations/{conversation.id}/messages",
                json={"content": "hello"},
                headers=auth(customer),
            )
            assert r.status_code == 500
            assert r.json()["detail"] == "An unexpected error occurred"
            # The retry with an idempotency key is not blocked by a stale in-flight claim.
            for _ in range(2):
                r = await c.post(
                    f"/v1/conversations/{conversation.id}/messages",
                    json={"content": "hello"},
                    headers={**auth(customer), "Idempotency-Key": "k-1"},
                )
                assert r.status_code == 500
    assert await _counts(session) == before
