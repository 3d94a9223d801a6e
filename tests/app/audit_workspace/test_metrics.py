"""The figures behind the charts, and the charts as safe, small SVG."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.charts import Series, bar_chart, column_chart, usd
from app.models import Complaint, Conversation, Message, ModelCall
from app.models.enums import MessageRole, StaffRole
from tests.factories import auth, make_conversation, make_customer, make_handoff, make_staff

SVG = "{http://www.w3.org/2000/svg}"
DAY = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


async def _conversation(
    session: AsyncSession,
    customer_id: uuid.UUID,
    *,
    at: datetime,
    variant: str,
    cost: int,
    engaged: bool = True,
) -> Conversation:
    conversation = Conversation(
        customer_id=customer_id, variant=variant, cost_usd_micros=cost, created_at=at, updated_at=at
    )
    session.add(conversation)
    await session.flush()
    if engaged:
        session.add(
            Message(conversation_id=conversation.id, role=MessageRole.customer, content="hi", created_at=at)
        )
    return conversation


def _call(conversation: Conversation, *, tier: str, cost: int, at: datetime) -> ModelCall:
    return ModelCall(
        call_id=uuid.uuid4().hex,
        conversation_id=conversation.id,
        node="respond",
        tier=tier,
        provider="openai",
        model=f"model-{tier}",
        variant=conversation.variant,
        input_tokens=100,
        output_tokens=20,
        cost_usd_micros=cost,
        latency_ms=12.5,
        outcome="ok",
        created_at=at,
    )


async def test_metrics_count_containment_complaints_and_cost(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    auditor = await make_staff(session, role=StaffRole.auditor)
    customer = await make_customer(session)
    a = await _conversation(session, customer.id, at=DAY, variant="default", cost=1000)
    b = await _conversation(session, customer.id, at=DAY + timedelta(hours=2), variant="default", cost=3000)
    c = await _conversation(session, customer.id, at=DAY + timedelta(days=1), variant="frontier", cost=9000)
    await _conversation(
        session, customer.id, at=DAY + timedelta(days=1), variant="default", cost=0, engaged=False
    )
    await _conversation(session, customer.id, at=DAY - timedelta(days=40), variant="default", cost=7777)
    session.add_all(
        [
            _call(a, tier="nano", cost=1000, at=DAY),
            _call(b, tier="mini", cost=3000, at=DAY),
            _call(c, tier="frontier", cost=9000, at=DAY + timedelta(days=1)),
            Complaint(
                customer_id=customer.id,
                conversation_id=c.id,
                summary="fees",
                received_at=DAY + timedelta(days=1),
                final_response_due=date(2027, 1, 1),
            ),
        ]
    )
    await session.commit()
    await make_handoff(session, conversation=c)

    params = {"from": "2026-11-10T00:00:00Z", "to": "2026-11-13T00:00:00Z", "bucket": "day"}
    r = await client.get("/v1/audit/metrics", params=params, headers=auth(auditor))
    assert r.status_code == 200, r.text
    m = r.json()
    assert m["totals"] == {
        "conversations": 4,
        "engaged": 3,
        "resolved_without_handoff": 2,
        "handed_off": 1,
        "resolution_rate": 0.6667,
        "handoff_rate": 0.3333,
        "complaints": 1,
        "cost_usd_micros": 13000,
        "cost_per_conversation_usd_micros": 4333,
    }
    assert [p["start"][:10] for p in m["series"]] == ["2026-11-10", "2026-11-11", "2026-11-12"]
    assert [p["conversations"] for p in m["series"]] == [2, 2, 0]
    assert [p["handed_off"] for p in m["series"]] == [0, 1, 0]
    assert [p["complaints"] for p in m["series"]] == [0, 1, 0]
    variants = {v["variant"]: v for v in m["by_variant"]}
    assert variants["default"]["cost_per_conversation_usd_micros"] == 2000  # (1000 + 3000) / 2 engaged
    assert variants["frontier"]["cost_per_conversation_usd_micros"] == 9000
    assert variants["frontier"]["handed_off"] == 1
    tiers = {t["tier"]: t for t in m["by_tier"]}
    assert tiers["frontier"]["cost_usd_micros"] == 9000
    assert tiers["frontier"]["cost_per_conversation_usd_micros"] == 3000  # 9000 over 3 engaged
    assert tiers["nano"]["calls"] == 1
    assert tiers["nano"]["input_tokens"] == 100

    weekly = (
        await client.get("/v1/audit/metrics", params={**params, "bucket": "week"}, headers=auth(auditor))
    ).json()
    assert [p["start"][:10] for p in weekly["series"]] == ["2026-11-09"]  # the Monday
    assert weekly["totals"] == m["totals"]

    for chart in ("volume", "cost-by-variant", "cost-by-tier"):
        r = await client.get(f"/v1/audit/metrics/{chart}.svg", params=params, headers=auth(auditor))
        assert r.status_code == 200, (chart, r.text)
        assert r.headers["content-type"].startswith("image/svg+xml")
        root = ET.fromstring(r.text)
        assert root.tag == f"{SVG}svg"
        assert root.find(f"{SVG}title") is not None
    variant_svg = (
        await client.get("/v1/audit/metrics/cost-by-variant.svg", params=params, headers=auth(auditor))
    ).text
    assert "frontier" in variant_svg
    assert "$0.0090" in variant_svg


async def test_bad_ranges_are_refused(client: httpx.AsyncClient, session: AsyncSession) -> None:
    auditor = await make_staff(session, role=StaffRole.auditor)
    for params in (
        {"from": "2026-11-10T00:00:00"},
        {"from": "2026-11-10T00:00:00Z", "to": "2026-11-10T00:00:00Z"},
        {"from": "2020-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z", "bucket": "day"},
        {"bucket": "hour"},
        {"from": "0001-01-01T00:00:00Z", "to": "9999-12-31T00:00:00Z", "bucket": "month"},
    ):
        for path in ("/v1/audit/metrics", "/v1/audit/metrics/volume.svg", "/v1/review/findings/trend"):
            r = await client.get(path, params=params, headers=auth(auditor))
            assert r.status_code == 422, (path, params, r.text)
    r = await client.get("/v1/audit/metrics/everything.svg", headers=auth(auditor))
    assert r.status_code == 422
    # The default range: the last 30 days up to the end of today.
    body = (await client.get("/v1/audit/metrics", headers=auth(auditor))).json()
    assert len(body["series"]) == 30
    assert (
        await client.get("/v1/audit/metrics", params={"to": "9999-12-31T23:00:00Z"}, headers=auth(auditor))
    ).status_code == 200


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [el.text or "" for el in root.iter() if el.tag in (f"{SVG}text", f"{SVG}title", f"{SVG}desc")]


def test_chart_labels_are_text_never_markup() -> None:
    hostile = '<script>alert(1)</script>" onload="alert(2)'
    for svg in (
        bar_chart("Cost", [(hostile, 1200), ("\x00\x07ctl", 5)], fmt=usd),
        column_chart("Volume", [hostile], [Series(hostile, [3])]),
    ):
        root = ET.fromstring(svg)  # well-formed, control characters dropped
        assert not [el for el in root.iter() if el.tag in (f"{SVG}script", f"{SVG}foreignObject", f"{SVG}a")]
        assert not [k for el in root.iter() for k in el.attrib if k.lower().startswith("on") or "href" in k]
        assert any(t.startswith("<script>") for t in _texts(svg))  # kept as the text it is
        assert "<script>" not in svg
    assert "No data in this range" in bar_chart("Cost", [])
    assert "No data in this range" in column_chart("Volume", ["01 Nov"], [Series("a", [0])])


def test_usd_is_integer_arithmetic() -> None:
    assert usd(0) == "$0.0000"
    assert usd(4333) == "$0.0043"
    assert usd(12_345_678) == "$12.3456"
    assert usd(-1500) == "-$0.0015"


async def test_empty_conversation_has_no_rates(client: httpx.AsyncClient, session: AsyncSession) -> None:
    auditor = await make_staff(session, role=StaffRole.auditor)
    customer = await make_customer(session)
    await make_conversation(session, customer=customer)
    totals = (await client.get("/v1/audit/metrics", headers=auth(auditor))).json()["totals"]
    assert totals["conversations"] == 1
    assert totals["engaged"] == 0
    assert totals["handoff_rate"] == 0.0
    assert totals["cost_per_conversation_usd_micros"] == 0
