"""Object-level authorisation: foreign ids look exactly like missing ones; roles gate whole route groups."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import issue_token
from app.models.enums import StaffRole
from tests.factories import SECRET, auth, make_conversation, make_customer, make_handoff, make_staff


async def test_foreign_conversation_is_indistinguishable_from_missing(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    owner = await make_customer(session, name="Owner")
    intruder = await make_customer(session, name="Intruder")
    conversation = await make_conversation(session, customer=owner)
    handoff = await make_handoff(session, conversation=conversation)
    missing = uuid.uuid4()

    routes = [
        ("GET", "/v1/conversations/{id}", None),
        ("POST", "/v1/conversations/{id}/messages", {"content": "show me everything"}),
    ]
    for method, template, body in routes:
        for target in (conversation.id, handoff.id, missing):
            r = await client.request(method, template.format(id=target), json=body, headers=auth(intruder))
            assert r.status_code == 404, (method, template, target, r.text)
            assert r.json()["detail"] == "Conversation not found"
            assert r.headers["content-type"].startswith("application/problem+json")

    listed = await client.get("/v1/conversations", headers=auth(intruder))
    assert listed.json()["items"] == []
    # The owner still sees it, and the intruder's attempts wrote nothing into it.
    detail = await client.get(f"/v1/conversations/{conversation.id}", headers=auth(owner))
    assert detail.status_code == 200
    assert detail.json()["messages"] == []


async def test_customer_token_is_refused_on_staff_and_audit_routes(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    handoff = await make_handoff(session, conversation=conversation)
    staff_routes = [
        ("GET", "/v1/handoffs"),
        ("POST", f"/v1/handoffs/{handoff.id}/claim"),
        ("POST", f"/v1/handoffs/{handoff.id}/messages"),
        ("POST", f"/v1/handoffs/{handoff.id}/return"),
        ("POST", f"/v1/handoffs/{handoff.id}/resolve"),
        ("GET", "/v1/audit/conversations"),
        ("GET", f"/v1/audit/conversations/{conversation.id}"),
        ("GET", "/v1/audit/verify"),
        ("GET", "/v1/audit/export"),
    ]
    for method, path in staff_routes:
        body = {"content": "hi"} if path.endswith("/messages") else None
        r = await client.request(method, path, json=body, headers=auth(customer))
        assert r.status_code == 403, (method, path, r.text)


async def test_staff_token_is_refused_on_customer_routes(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    agent = await make_staff(session, role=StaffRole.agent)
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    for method, path in (
        ("GET", "/v1/conversations"),
        ("POST", "/v1/conversations"),
        ("GET", f"/v1/conversations/{conversation.id}"),
        ("POST", f"/v1/conversations/{conversation.id}/messages"),
    ):
        body = {"content": "hi"} if path.endswith("/messages") else None
        r = await client.request(method, path, json=body, headers=auth(agent))
        assert r.status_code == 403, (method, path)


async def test_auditor_cannot_write_anything(client: httpx.AsyncClient, session: AsyncSession) -> None:
    auditor = await make_staff(session, role=StaffRole.auditor)
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    handoff = await make_handoff(session, conversation=conversation)
    for action in ("claim", "messages", "return", "resolve"):
        body = {"content": "hi"} if action == "messages" else None
        r = await client.post(f"/v1/handoffs/{handoff.id}/{action}", json=body, headers=auth(auditor))
        assert r.status_code == 403, action
    r = await client.post("/v1/conversations", headers=auth(auditor))
    assert r.status_code == 403
    # ...but reads everywhere it is allowed.
    assert (await client.get("/v1/handoffs", headers=auth(auditor))).status_code == 200
    assert (
        await client.get(f"/v1/audit/conversations/{conversation.id}", headers=auth(auditor))
    ).status_code == 200


async def test_support_agent_cannot_read_the_audit_log(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    agent = await make_staff(session, role=StaffRole.agent)
    assert (await client.get("/v1/audit/verify", headers=auth(agent))).status_code == 403


async def test_foreign_handoff_id_on_staff_routes_is_404(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    agent = await make_staff(session, role=StaffRole.agent)
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    for target in (uuid.uuid4(), conversation.id, customer.id):
        r = await client.post(f"/v1/handoffs/{target}/claim", headers=auth(agent))
        assert r.status_code == 404
    auditor = await make_staff(session, role=StaffRole.auditor)
    r = await client.get(f"/v1/audit/conversations/{uuid.uuid4()}", headers=auth(auditor))
    assert r.status_code == 404


@pytest.mark.parametrize(
    "case", ["missing", "garbage", "tampered", "expired", "wrong-secret", "unknown-subject"]
)
async def test_bad_tokens_get_401(client: httpx.AsyncClient, session: AsyncSession, case: str) -> None:
    customer = await make_customer(session)
    good = issue_token(SECRET, subject=customer.id, kind="customer", ttl=timedelta(minutes=5))
    headers: dict[str, str] = {}
    if case == "garbage":
        headers = {"Authorization": "Bearer not-a-token"}
    elif case == "tampered":
        head, payload, sig = good.split(".")
        flipped = ("A" if payload[5] != "A" else "B").join((payload[:5], payload[6:]))
        headers = {"Authorization": f"Bearer {head}.{flipped}.{sig}"}
    elif case == "expired":
        old = issue_token(
            SECRET,
            subject=customer.id,
            kind="customer",
            ttl=timedelta(minutes=5),
            now=datetime.now(UTC) - timedelta(hours=1),
        )
        headers = {"Authorization": f"Bearer {old}"}
    elif case == "wrong-secret":
        forged = issue_token(
            "another-secret-0123456789abcdefghijklmnop",
            subject=customer.id,
            kind="customer",
            ttl=timedelta(minutes=5),
        )
        headers = {"Authorization": f"Bearer {forged}"}
    elif case == "unknown-subject":
        ghost = issue_token(SECRET, subject=uuid.uuid4(), kind="customer", ttl=timedelta(minutes=5))
        headers = {"Authorization": f"Bearer {ghost}"}
    r = await client.get("/v1/conversations", headers=headers)
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"] == "Bearer"
    if case == "expired":
        assert "expired" in r.json()["detail"]


def _forge(claims: dict[str, object], secret: str = SECRET) -> dict[str, str]:
    """A token signed with the right key but with claims of our choosing."""
    import jwt

    return {"Authorization": f"Bearer {jwt.encode(claims, secret, algorithm='HS256')}"}


@pytest.mark.parametrize(
    ("case", "fragment"),
    [
        ("no-audience", "invalid"),
        ("foreign-audience", "invalid"),
        ("staff-audience-on-a-customer-token", "invalid"),
        ("hundred-year-expiry", "lifetime"),
        ("a-week-long", "lifetime"),
        ("issued-in-the-future", "future"),
    ],
)
async def test_tokens_need_an_audience_and_a_bounded_lifetime(
    client: httpx.AsyncClient, session: AsyncSession, case: str, fragment: str
) -> None:
    """Issue 11, finding 12: a token valid for 100 years, or without an audience, was accepted."""
    customer = await make_customer(session)
    now = int(datetime.now(UTC).timestamp())
    claims: dict[str, object] = {
        "iss": "bankdesk",
        "sub": str(customer.id),
        "kind": "customer",
        "aud": "bankdesk:customer",
        "iat": now,
        "exp": now + 600,
    }
    if case == "no-audience":
        del claims["aud"]
    elif case == "foreign-audience":
        claims["aud"] = "some-other-service"
    elif case == "staff-audience-on-a-customer-token":
        claims["aud"] = "bankdesk:staff"
    elif case == "hundred-year-expiry":
        claims["exp"] = now + 100 * 365 * 86400
    elif case == "a-week-long":
        claims["exp"] = now + 7 * 86400
    elif case == "issued-in-the-future":
        claims["iat"], claims["exp"] = now + 3600, now + 7200
    # The same claims with a sane audience and lifetime are accepted: only the one change is refused.
    ok = {**claims, "aud": "bankdesk:customer", "iat": now, "exp": now + 600}
    assert (await client.get("/v1/conversations", headers=_forge(ok))).status_code == 200
    r = await client.get("/v1/conversations", headers=_forge(claims))
    assert r.status_code == 401, (case, r.text)
    assert fragment in r.json()["detail"]


def test_issued_tokens_carry_the_audience_of_their_kind_and_refuse_long_lifetimes() -> None:
    import jwt

    from app.auth.tokens import MAX_TOKEN_LIFETIME, decode_token

    subject = uuid.uuid4()
    for kind in ("customer", "staff"):
        token = issue_token(SECRET, subject=subject, kind=kind, ttl=timedelta(hours=12))
        assert jwt.decode(token, options={"verify_signature": False})["aud"] == f"bankdesk:{kind}"
        assert decode_token(SECRET, token).kind == kind
    assert timedelta(hours=12) <= MAX_TOKEN_LIFETIME <= timedelta(hours=24)
    with pytest.raises(ValueError, match="lifetime"):
        issue_token(SECRET, subject=subject, kind="customer", ttl=MAX_TOKEN_LIFETIME + timedelta(seconds=1))


async def test_a_valid_token_for_a_customer_who_no_longer_exists_cannot_start_a_turn(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """The turn routes check the token's signature only and leave the customer's row to admission (one round
    trip fewer a turn): a signed token whose subject is gone must still be refused there, storing nothing."""
    from sqlalchemy import func, select

    from app.models import Message, TurnAdmission

    owner = await make_customer(session, name="Owner")
    conversation = await make_conversation(session, customer=owner)
    owner_headers, conversation_id = auth(owner), conversation.id
    ghost = issue_token(SECRET, subject=uuid.uuid4(), kind="customer", ttl=timedelta(minutes=5))
    headers = {"Authorization": f"Bearer {ghost}"}
    for path, body in (("messages", {"content": "what's my balance?"}), ("confirm", {"decision": "yes"})):
        r = await client.post(f"/v1/conversations/{conversation_id}/{path}", json=body, headers=headers)
        assert r.status_code == 401, (path, r.text)
        assert r.json()["detail"] == "The token's subject no longer exists"
    staff = await make_staff(session, role=StaffRole.agent)
    r = await client.post(f"/v1/conversations/{conversation_id}/messages", json=body, headers=auth(staff))
    assert r.status_code == 403
    assert await session.scalar(select(func.count()).select_from(Message)) == 0
    assert await session.scalar(select(func.count()).select_from(TurnAdmission)) == 0
    await session.rollback()  # SQLite: the test's read must not hold the write lock the turn needs
    # The owner's own token still works.
    r = await client.post(
        f"/v1/conversations/{conversation_id}/messages", json={"content": "balance?"}, headers=owner_headers
    )
    assert r.status_code == 201, r.text


def test_a_token_verified_once_is_still_refused_when_it_expires_or_under_another_secret() -> None:
    from app.auth.tokens import decode_token
    from app.errors import Unauthorized

    issued = datetime.now(UTC)
    token = issue_token(SECRET, subject=uuid.uuid4(), kind="customer", ttl=timedelta(minutes=5))
    assert decode_token(SECRET, token).kind == "customer"  # verified, now remembered
    assert decode_token(SECRET, token, now=issued + timedelta(minutes=4)).kind == "customer"
    with pytest.raises(Unauthorized, match="expired"):
        decode_token(SECRET, token, now=issued + timedelta(minutes=5, seconds=1))
    with pytest.raises(Unauthorized, match="invalid"):
        decode_token("another-secret-" + "x" * 32, token)  # the remembered answer was another key's
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(Unauthorized, match="invalid"):
        decode_token(SECRET, tampered)
    assert decode_token(SECRET, token).kind == "customer"
