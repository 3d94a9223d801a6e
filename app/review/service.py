"""Quality review: draw samples, score them against the rubric, record findings, see the trend.

Every write here is also appended to the audit log's system chain (``review.*`` events, actor ``staff:<id>``),
in the same transaction: a reviewer's record is as tamper-evident as the transcripts it is about. Review
events go to the system chain, not the conversation's, so reviewing a conversation never adds to its
transcript. Nothing here changes a conversation, a message or an audit event.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import repository as audit_repository
from app.audit.periods import Bucket, bucket_start, buckets
from app.audit.service import append_event
from app.audit.trace import conversation_rows
from app.deps import StaffPrincipal
from app.errors import NotFound, Unprocessable
from app.models import Conversation, Message, ReviewFinding, ReviewItem, ReviewSample, ReviewScore
from app.models.base import utcnow
from app.models.review import Severity
from app.review import repository
from app.review.sampling import draw, risk
from app.review.schemas import (
    ConversationReview,
    FindingIn,
    FindingOut,
    FindingsQuery,
    FindingsTrend,
    ItemOut,
    SampleIn,
    SampleOut,
    ScoreIn,
    ScoreOut,
    TrendPoint,
)

MAX_POPULATION = 5000


def _actor(staff: StaffPrincipal) -> str:
    return f"staff:{staff.id}"


async def draw_sample(session: AsyncSession, *, staff: StaffPrincipal, body: SampleIn) -> ReviewSample:
    population = await audit_repository.matching_ids(session, body.filters, cap=MAX_POPULATION)
    if len(population) > MAX_POPULATION:
        raise Unprocessable(
            f"More than {MAX_POPULATION} conversations match; narrow the filters (a date range)"
        )
    if not population:
        raise Unprocessable("No conversation matches the filters; there is nothing to sample")
    seed = body.seed if body.seed is not None else secrets.randbelow(2**31)
    signals = await audit_repository.signals(session, population)
    weighted = {cid: risk(s) for cid, s in signals.items()}
    weights = {cid: w for cid, (w, _) in weighted.items()} if body.method.value == "risk" else {}
    chosen = draw(population, weights, size=body.size, seed=seed)
    filters = body.filters.model_dump(mode="json", by_alias=True, exclude_none=True)
    sample = ReviewSample(
        method=body.method,
        seed=seed,
        size=body.size,
        population=len(population),
        filters=json.dumps(filters, sort_keys=True),
        created_by_id=staff.id,
        created_at=utcnow(),
    )
    session.add(sample)
    await session.flush()
    for position, cid in enumerate(chosen, start=1):
        weight, reasons = weighted[cid]
        session.add(
            ReviewItem(
                sample_id=sample.id,
                conversation_id=cid,
                position=position,
                weight=weight,
                reasons=json.dumps(reasons),
            )
        )
    await session.flush()
    await append_event(
        session,
        kind="review.sample_drawn",
        actor=_actor(staff),
        payload={
            "sample_id": str(sample.id),
            "method": body.method.value,
            "seed": seed,
            "size": body.size,
            "population": len(population),
            "filters": filters,
            "conversation_ids": [str(c) for c in chosen],
        },
    )
    return sample


def _score_out(score: ReviewScore, names: dict[uuid.UUID, str]) -> ScoreOut:
    out = ScoreOut.model_validate(score)
    out.scored_by_name = names.get(score.scored_by_id) if score.scored_by_id else None
    return out


async def sample_out(session: AsyncSession, sample: ReviewSample) -> SampleOut:
    items = await repository.items_of(session, sample.id)
    ids = [i.id for i in items]
    scores = await repository.latest_scores(session, ids)
    counts = await repository.finding_counts(session, ids)
    conversations = []
    for item in items:
        pair = await audit_repository.get_conversation(session, item.conversation_id)
        conversations.append(pair)
    rows = {row.id: row for row in await conversation_rows(session, conversations)}
    names = await repository.staff_names(
        session, {sample.created_by_id, *(s.scored_by_id for s in scores.values())}
    )
    return SampleOut(
        id=sample.id,
        method=sample.method,
        seed=sample.seed,
        size=sample.size,
        population=sample.population,
        filters=json.loads(sample.filters),
        created_by_id=sample.created_by_id,
        created_by_name=names.get(sample.created_by_id) if sample.created_by_id else None,
        created_at=sample.created_at,
        items=[
            ItemOut(
                id=item.id,
                sample_id=item.sample_id,
                position=item.position,
                weight=item.weight,
                reasons=json.loads(item.reasons),
                conversation=rows[item.conversation_id],
                score=_score_out(scores[item.id], names) if item.id in scores else None,
                findings=counts.get(item.id, 0),
            )
            for item in items
        ],
    )


async def get_sample(session: AsyncSession, sample_id: uuid.UUID) -> ReviewSample:
    sample = await repository.get_sample(session, sample_id)
    if sample is None:
        raise NotFound("Sample not found")
    return sample


async def score_item(
    session: AsyncSession, *, staff: StaffPrincipal, item_id: uuid.UUID, body: ScoreIn
) -> ScoreOut:
    item = await repository.get_item(session, item_id)
    if item is None:
        raise NotFound("Sample item not found")
    score = ReviewScore(
        item_id=item.id,
        conversation_id=item.conversation_id,
        accurate=body.accurate,
        compliant=body.compliant,
        fair_treatment=body.fair_treatment,
        vulnerable_customer_handled=body.vulnerable_customer_handled,
        comment=body.comment,
        scored_by_id=staff.id,
        created_at=utcnow(),
    )
    session.add(score)
    await session.flush()
    await append_event(
        session,
        kind="review.scored",
        actor=_actor(staff),
        payload={
            "score_id": str(score.id),
            "sample_id": str(item.sample_id),
            "item_id": str(item.id),
            "conversation_id": str(item.conversation_id),
            **body.model_dump(mode="json"),
        },
    )
    return _score_out(score, {staff.id: staff.full_name})


async def record_finding(session: AsyncSession, *, staff: StaffPrincipal, body: FindingIn) -> FindingOut:
    if await session.get(Conversation, body.conversation_id) is None:
        raise NotFound("Conversation not found")
    message = await session.get(Message, body.message_id)
    if message is None or message.conversation_id != body.conversation_id:
        raise Unprocessable("message_id is not a message of this conversation")
    if body.item_id is not None:
        item = await repository.get_item(session, body.item_id)
        if item is None or item.conversation_id != body.conversation_id:
            raise Unprocessable("item_id is not a sample item of this conversation")
    finding = ReviewFinding(
        conversation_id=body.conversation_id,
        message_id=body.message_id,
        item_id=body.item_id,
        criterion=body.criterion,
        severity=body.severity,
        note=body.note,
        created_by_id=staff.id,
        created_at=utcnow(),
    )
    session.add(finding)
    await session.flush()
    await append_event(
        session,
        kind="review.finding_recorded",
        actor=_actor(staff),
        payload={"finding_id": str(finding.id), **body.model_dump(mode="json")},
    )
    turns = await repository.turn_numbers(session, {body.conversation_id})
    out = FindingOut.model_validate(finding)
    out.turn = turns.get(finding.message_id)
    out.created_by_name = staff.full_name
    return out


async def findings_out(session: AsyncSession, findings: list[ReviewFinding]) -> list[FindingOut]:
    turns = await repository.turn_numbers(session, {f.conversation_id for f in findings})
    names = await repository.staff_names(session, {f.created_by_id for f in findings})
    out = []
    for f in findings:
        item = FindingOut.model_validate(f)
        item.turn = turns.get(f.message_id)
        item.created_by_name = names.get(f.created_by_id) if f.created_by_id else None
        out.append(item)
    return out


async def conversation_review(session: AsyncSession, conversation_id: uuid.UUID) -> ConversationReview:
    await audit_repository.get_conversation(session, conversation_id)
    scores = await repository.scores_of_conversation(session, conversation_id)
    findings, _ = await repository.find_findings(session, conversation_id=conversation_id)
    names = await repository.staff_names(session, {s.scored_by_id for s in scores})
    return ConversationReview(
        conversation_id=conversation_id,
        items=list(await repository.items_of_conversation(session, conversation_id)),
        scores=[_score_out(s, names) for s in scores],
        findings=await findings_out(session, list(findings)),
    )


async def findings_trend(
    session: AsyncSession, *, start: datetime, end: datetime, bucket: Bucket
) -> FindingsTrend:
    findings, _ = await repository.find_findings(session, created_from=start, created_to=end)
    starts = buckets(start, end, bucket)
    per: dict[datetime, Counter[str]] = {s: Counter() for s in starts}
    by_criterion: Counter[str] = Counter()
    for f in findings:
        key = bucket_start(f.created_at, bucket)
        if key in per:
            per[key][f.severity.value] += 1
        by_criterion[f.criterion.value] += 1
    points = [
        TrendPoint(start=s, counts={v.value: per[s][v.value] for v in Severity}, total=sum(per[s].values()))
        for s in starts
    ]
    return FindingsTrend(bucket=bucket, start=start, end=end, points=points, by_criterion=dict(by_criterion))


async def export_records_between(session: AsyncSession, query: FindingsQuery) -> list[dict[str, Any]]:
    """Scores and findings as flat records, oldest first (for JSON lines and CSV)."""
    scores = await repository.scores_between(
        session, created_from=query.created_from, created_to=query.created_to
    )
    if query.conversation_id is not None:
        scores = [s for s in scores if s.conversation_id == query.conversation_id]
    findings, _ = await repository.find_findings(
        session,
        created_from=query.created_from,
        created_to=query.created_to,
        criterion=query.criterion,
        severity=query.severity,
        conversation_id=query.conversation_id,
    )
    names = await repository.staff_names(session, {s.scored_by_id for s in scores})
    records: list[dict[str, Any]] = []
    if query.criterion is None and query.severity is None:
        for score in scores:
            out = _score_out(score, names).model_dump(mode="json")
            records.append({"record": "score", "reviewer": out.pop("scored_by_name"), **out})
    for finding in await findings_out(session, list(findings)):
        out = finding.model_dump(mode="json")
        records.append({"record": "finding", "reviewer": out.pop("created_by_name"), **out})
    records.sort(key=lambda r: (r["created_at"], r["id"]))
    return records
