"""The figures behind the auditor's charts: volume, containment, complaints, cost by bucket, variant, tier.

Rows are read once per request and counted here (not with dialect-specific date functions), so SQLite and
Postgres give the same buckets; the range is capped by ``periods.MAX_BUCKETS``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.periods import Bucket, bucket_start, buckets
from app.audit.schemas import MetricPoint, Metrics, MetricTotals, TierCost, VariantCost
from app.models import Complaint, Conversation, Handoff, Message, ModelCall
from app.models.enums import MessageRole


def _per(cost: int, count: int) -> int:
    return (cost + count // 2) // count if count else 0


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


async def compute(session: AsyncSession, *, start: datetime, end: datetime, bucket: Bucket) -> Metrics:
    starts = buckets(start, end, bucket)
    handed = exists().where(Handoff.conversation_id == Conversation.id)
    engaged = exists().where(Message.conversation_id == Conversation.id, Message.role == MessageRole.customer)
    rows = (
        await session.execute(
            select(
                Conversation.created_at,
                Conversation.variant,
                Conversation.cost_usd_micros,
                handed.label("handed"),
                engaged.label("engaged"),
            ).where(Conversation.created_at >= start, Conversation.created_at < end)
        )
    ).all()
    complaint_times = (
        await session.scalars(
            select(Complaint.received_at).where(Complaint.received_at >= start, Complaint.received_at < end)
        )
    ).all()
    tiers = (
        await session.execute(
            select(
                ModelCall.tier,
                func.count(),
                func.coalesce(func.sum(ModelCall.input_tokens), 0),
                func.coalesce(func.sum(ModelCall.output_tokens), 0),
                func.coalesce(func.sum(ModelCall.cost_usd_micros), 0),
            )
            .where(ModelCall.created_at >= start, ModelCall.created_at < end)
            .group_by(ModelCall.tier)
            .order_by(ModelCall.tier)
        )
    ).all()

    points: dict[datetime, Counter[str]] = {s: Counter() for s in starts}
    variants: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    for created_at, variant, cost, was_handed, was_engaged in rows:
        counts = Counter(
            conversations=1,
            engaged=int(bool(was_engaged)),
            handed_off=int(bool(was_handed)),
            resolved_without_handoff=int(bool(was_engaged) and not was_handed),
            cost_usd_micros=int(cost),
        )
        totals.update(counts)
        points.setdefault(bucket_start(created_at, bucket), Counter()).update(counts)
        variants.setdefault(variant, Counter()).update(counts)
    for received_at in complaint_times:
        totals["complaints"] += 1
        points.setdefault(bucket_start(received_at, bucket), Counter())["complaints"] += 1

    engaged_total = totals["engaged"]
    return Metrics(
        start=start,
        end=end,
        bucket=bucket,
        totals=MetricTotals(
            conversations=totals["conversations"],
            engaged=engaged_total,
            resolved_without_handoff=totals["resolved_without_handoff"],
            handed_off=totals["handed_off"],
            resolution_rate=_rate(totals["resolved_without_handoff"], engaged_total),
            handoff_rate=_rate(totals["handed_off"], engaged_total),
            complaints=totals["complaints"],
            cost_usd_micros=totals["cost_usd_micros"],
            cost_per_conversation_usd_micros=_per(totals["cost_usd_micros"], engaged_total),
        ),
        series=[
            MetricPoint(
                start=s,
                conversations=points[s]["conversations"],
                engaged=points[s]["engaged"],
                resolved_without_handoff=points[s]["resolved_without_handoff"],
                handed_off=points[s]["handed_off"],
                complaints=points[s]["complaints"],
                cost_usd_micros=points[s]["cost_usd_micros"],
            )
            for s in starts
        ],
        by_variant=[
            VariantCost(
                variant=name,
                conversations=c["conversations"],
                handed_off=c["handed_off"],
                cost_usd_micros=c["cost_usd_micros"],
                cost_per_conversation_usd_micros=_per(c["cost_usd_micros"], c["engaged"]),
            )
            for name, c in sorted(variants.items())
        ],
        by_tier=[
            TierCost(
                tier=tier,
                calls=int(calls),
                input_tokens=int(tin),
                output_tokens=int(tout),
                cost_usd_micros=int(cost),
                cost_per_conversation_usd_micros=_per(int(cost), engaged_total),
            )
            for tier, calls, tin, tout, cost in tiers
        ],
    )
