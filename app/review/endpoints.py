"""Quality review routes (auditors and supervisors): samples, rubric scores, findings, trend and export.

None of these routes changes a transcript: they add review rows and ``review.*`` audit events only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import Response, StreamingResponse

from app.audit.charts import AMBER, BLUE, RED, Series, column_chart
from app.audit.endpoints import SVG_RESPONSE, svg_response
from app.audit.exporting import CsvBuffer
from app.audit.periods import PeriodQuery, bucket_label
from app.deps import Auditor, SessionDep, SessionFactoryDep
from app.models.review import Severity
from app.review import repository, service
from app.review.sampling import BASE_WEIGHT, LOW_CONFIDENCE_BELOW, RISK_POINTS
from app.review.schemas import (
    ConversationReview,
    FindingIn,
    FindingList,
    FindingOut,
    FindingsSearch,
    FindingsTrend,
    ReviewExport,
    RiskWeights,
    SampleIn,
    SampleList,
    SampleOut,
    SampleSummary,
    ScoreIn,
    ScoreOut,
)

router = APIRouter(prefix="/v1/review", tags=["review"])
EXPORT_COLUMNS = [
    "record",
    "id",
    "created_at",
    "conversation_id",
    "item_id",
    "message_id",
    "turn",
    "criterion",
    "severity",
    "note",
    "accurate",
    "compliant",
    "fair_treatment",
    "vulnerable_customer_handled",
    "comment",
    "reviewer",
]


@router.get("/risk-weights", response_model=RiskWeights)
async def risk_weights(auditor: Auditor) -> RiskWeights:
    """How risk-weighted sampling weighs a conversation."""
    return RiskWeights(base=BASE_WEIGHT, signals=dict(RISK_POINTS), low_confidence_below=LOW_CONFIDENCE_BELOW)


@router.post("/samples", response_model=SampleOut, status_code=status.HTTP_201_CREATED)
async def draw_sample(body: SampleIn, auditor: Auditor, session: SessionDep) -> SampleOut:
    """Draw a random or risk-weighted sample of the filtered conversations (same seed and set, same draw)."""
    sample = await service.draw_sample(session, staff=auditor, body=body)
    return await service.sample_out(session, sample)


@router.get("/samples", response_model=SampleList)
async def list_samples(
    auditor: Auditor,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> SampleList:
    """Samples drawn so far, newest first, with how many of their conversations are scored."""
    rows = await repository.list_samples(session, limit=limit, offset=offset)
    names = await repository.staff_names(session, {s.created_by_id for s, _ in rows})
    return SampleList(
        items=[
            SampleSummary(
                id=s.id,
                method=s.method,
                seed=s.seed,
                size=s.size,
                population=s.population,
                created_by_name=names.get(s.created_by_id) if s.created_by_id else None,
                created_at=s.created_at,
                scored=scored,
            )
            for s, scored in rows
        ]
    )


@router.get("/samples/{sample_id}", response_model=SampleOut)
async def get_sample(sample_id: uuid.UUID, auditor: Auditor, session: SessionDep) -> SampleOut:
    """A sample: each conversation with its risk weight and reasons, newest score and findings count."""
    return await service.sample_out(session, await service.get_sample(session, sample_id))


@router.post("/items/{item_id}/scores", response_model=ScoreOut, status_code=status.HTTP_201_CREATED)
async def score_item(item_id: uuid.UUID, body: ScoreIn, auditor: Auditor, session: SessionDep) -> ScoreOut:
    """Score a sampled conversation against the rubric (a new score supersedes the last; none is changed)."""
    return await service.score_item(session, staff=auditor, item_id=item_id, body=body)


@router.post("/findings", response_model=FindingOut, status_code=status.HTTP_201_CREATED)
async def record_finding(body: FindingIn, auditor: Auditor, session: SessionDep) -> FindingOut:
    """Record a finding about one message (and so its turn) of a conversation."""
    return await service.record_finding(session, staff=auditor, body=body)


@router.get("/findings", response_model=FindingList)
async def list_findings(
    auditor: Auditor,
    session: SessionDep,
    query: Annotated[FindingsSearch, Query()],
) -> FindingList:
    """Findings, newest first, by date range, criterion, severity or conversation."""
    rows, total = await repository.find_findings(
        session,
        created_from=query.created_from,
        created_to=query.created_to,
        criterion=query.criterion,
        severity=query.severity,
        conversation_id=query.conversation_id,
        limit=query.limit,
        offset=query.offset,
    )
    return FindingList(items=await service.findings_out(session, list(rows)), total=total)


@router.get("/findings/trend", response_model=FindingsTrend)
async def findings_trend(
    auditor: Auditor, session: SessionDep, period: Annotated[PeriodQuery, Query()]
) -> FindingsTrend:
    """Findings per day, week or month by severity, and per rubric criterion, over a date range."""
    start, end = period.resolve()
    return await service.findings_trend(session, start=start, end=end, bucket=period.bucket)


@router.get("/findings/trend.svg", response_class=Response, responses=SVG_RESPONSE)
async def findings_chart(
    auditor: Auditor, session: SessionDep, period: Annotated[PeriodQuery, Query()]
) -> Response:
    """The findings trend as a small SVG chart (stacked by severity)."""
    start, end = period.resolve()
    trend = await service.findings_trend(session, start=start, end=end, bucket=period.bucket)
    labels = [bucket_label(p.start, period.bucket) for p in trend.points]
    series = [
        Series(
            f"{severity.value.capitalize()} severity",
            [p.counts[severity.value] for p in trend.points],
            colour,
        )
        for severity, colour in ((Severity.high, RED), (Severity.medium, AMBER), (Severity.low, BLUE))
    ]
    return svg_response(column_chart("Review findings", labels, series))


@router.get("/conversations/{conversation_id}", response_model=ConversationReview)
async def conversation_review(
    conversation_id: uuid.UUID, auditor: Auditor, session: SessionDep
) -> ConversationReview:
    """Every score and finding recorded about one conversation."""
    return await service.conversation_review(session, conversation_id)


@router.get(
    "/export",
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
    response_class=StreamingResponse,
)
async def export(
    auditor: Auditor,
    factory: SessionFactoryDep,
    query: Annotated[ReviewExport, Query()],
) -> StreamingResponse:
    """Scores and findings (oldest first) as JSON lines or CSV (formula-like cells neutralised)."""

    async def body() -> AsyncIterator[str]:
        async with factory() as session:
            records = await service.export_records_between(session, query)
        if query.format == "jsonl":
            yield "".join(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n" for r in records)
            return
        out = CsvBuffer()
        out.row(EXPORT_COLUMNS)
        for r in records:
            out.row(r.get(c, "") for c in EXPORT_COLUMNS)
        yield out.take()

    media = "application/x-ndjson" if query.format == "jsonl" else "text/csv"
    return StreamingResponse(
        body(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="bankdesk-review.{query.format}"'},
    )
