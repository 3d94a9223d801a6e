"""Auditor routes: read-only transcripts, chain verification and streamed export."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from app.audit import repository
from app.audit.charts import AMBER, GREEN, SLATE, Series, bar_chart, column_chart, usd
from app.audit.checkpoint import verify_log
from app.audit.exporting import CsvBuffer, export_conversations
from app.audit.metrics import compute
from app.audit.periods import PeriodQuery, bucket_label
from app.audit.schemas import (
    AuditConversationList,
    AuditEventOut,
    AuditFacets,
    AuditorOut,
    AuditTranscript,
    ChainReport,
    ConversationChainReport,
    ConversationExport,
    ConversationSearch,
    Metrics,
)
from app.audit.service import iter_event_pages, read_heads, verify_conversation
from app.audit.trace import conversation_rows, load_transcript
from app.config import Settings
from app.deps import Auditor, SessionDep, SessionFactoryDep

router = APIRouter(prefix="/v1/audit", tags=["audit"])
EXPORT_COLUMNS = [
    "seq",
    "created_at",
    "conversation_id",
    "kind",
    "actor",
    "payload",
    "chain_id",
    "chain_seq",
    "prev_hash",
    "hash",
]
EXPORT_CHUNK_CHARS = 64 * 1024
# Far beyond any real page; keeps the value inside a 64-bit OFFSET.
MAX_OFFSET = 1_000_000_000


@router.get("/conversations", response_model=AuditConversationList)
async def list_conversations(
    auditor: Auditor,
    session: SessionDep,
    query: Annotated[ConversationSearch, Query()],
) -> AuditConversationList:
    """Search conversations: customer, dates, status, intent, route, flag, compliance finding, variant."""
    rows, total = await repository.search_conversations(
        session, query, limit=query.limit, offset=query.offset
    )
    return AuditConversationList(
        items=await conversation_rows(session, rows), total=total, limit=query.limit, offset=query.offset
    )


@router.get(
    "/conversations/export",
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
    response_class=StreamingResponse,
)
async def export_filtered(
    auditor: Auditor,
    factory: SessionFactoryDep,
    query: Annotated[ConversationExport, Query()],
) -> StreamingResponse:
    """Stream the filtered conversations: JSON lines (one transcript with its step trace per line) or CSV
    (one row per message; cells that a spreadsheet would read as a formula are neutralised)."""
    media = "application/x-ndjson" if query.format == "jsonl" else "text/csv"
    return StreamingResponse(
        export_conversations(factory, query, query.format),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="bankdesk-conversations.{query.format}"'},
    )


@router.get("/me", response_model=AuditorOut)
async def me(auditor: Auditor) -> AuditorOut:
    """Who the token belongs to (auditors and supervisors)."""
    return AuditorOut(id=auditor.id, full_name=auditor.full_name, role=auditor.role)


@router.get("/facets", response_model=AuditFacets)
async def facets(auditor: Auditor, session: SessionDep) -> AuditFacets:
    """The values the filters take: intents, flows, flags, compliance rules and the variants in use."""
    return await repository.facets(session)


@router.get("/conversations/{conversation_id}", response_model=AuditTranscript)
async def get_transcript(
    conversation_id: uuid.UUID, auditor: Auditor, session: SessionDep
) -> AuditTranscript:
    """A transcript with every audit event (in chain order), every model call and the step trace by turn."""
    return await load_transcript(session, conversation_id)


@router.get("/conversations/{conversation_id}/verify", response_model=ConversationChainReport)
async def verify_conversation_chain(
    conversation_id: uuid.UUID, auditor: Auditor, session: SessionDep
) -> ConversationChainReport:
    """Recompute this conversation's hash chain from its first event."""
    await repository.get_conversation(session, conversation_id)
    checked, problems = await verify_conversation(session, conversation_id)
    return ConversationChainReport(
        conversation_id=conversation_id, ok=not problems, checked=checked, problems=problems
    )


@router.get("/metrics", response_model=Metrics)
async def metrics(auditor: Auditor, session: SessionDep, period: Annotated[PeriodQuery, Query()]) -> Metrics:
    """Conversations, resolution without handoff, handoff rate, complaints, cost by variant and by tier."""
    start, end = period.resolve()
    return await compute(session, start=start, end=end, bucket=period.bucket)


class Chart(StrEnum):
    volume = "volume"
    cost_by_variant = "cost-by-variant"
    cost_by_tier = "cost-by-tier"


SVG_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}, "description": "An SVG image"}
}


def svg_response(body: str) -> Response:
    return Response(body, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/metrics/{chart}.svg", response_class=Response, responses=SVG_RESPONSE)
async def metrics_chart(
    chart: Chart, auditor: Auditor, session: SessionDep, period: Annotated[PeriodQuery, Query()]
) -> Response:
    """One of the metrics as a small SVG chart (labels escaped; no script, no external reference)."""
    start, end = period.resolve()
    m = await compute(session, start=start, end=end, bucket=period.bucket)
    if chart is Chart.volume:
        labels = [bucket_label(p.start, period.bucket) for p in m.series]
        body = column_chart(
            "Conversations",
            labels,
            [
                Series("Resolved without handoff", [p.resolved_without_handoff for p in m.series], GREEN),
                Series("Handed off", [p.handed_off for p in m.series], AMBER),
                Series("No customer message", [p.conversations - p.engaged for p in m.series], SLATE),
            ],
        )
    elif chart is Chart.cost_by_variant:
        body = bar_chart(
            "Cost per conversation by variant",
            [(v.variant, v.cost_per_conversation_usd_micros) for v in m.by_variant],
            fmt=usd,
        )
    else:
        body = bar_chart(
            "Cost per conversation by model tier",
            [(t.tier, t.cost_per_conversation_usd_micros) for t in m.by_tier],
            fmt=usd,
        )
    return svg_response(body)


@router.get("/verify", response_model=ChainReport)
async def verify(auditor: Auditor, factory: SessionFactoryDep, request: Request) -> ChainReport:
    """Recompute every chain, check the signed checkpoints and name what is missing or changed."""
    settings: Settings = request.app.state.settings
    verdict = await verify_log(factory, settings)
    return ChainReport(
        ok=verdict.ok,
        checked=verdict.checked,
        first_broken_seq=verdict.first_broken_seq,
        reason=verdict.reason,
        chains=verdict.chains,
        problems=verdict.problems,
        checkpoints_verified=verdict.checkpoints_verified,
        checkpoint=verdict.checkpoint,
    )


@router.get(
    "/export",
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
    response_class=StreamingResponse,
)
async def export(
    auditor: Auditor, factory: SessionFactoryDep, format: Literal["jsonl", "csv"] = "jsonl"
) -> StreamingResponse:
    """Stream every audit event as JSON lines or CSV (the log as it stood when the export began)."""

    async def rows() -> AsyncIterator[str]:
        # Each page is read in its own short transaction, closed before its rows are sent: a client
        # that reads slowly (or never) holds no connection and no transaction.
        out = CsvBuffer()
        if format == "csv":
            out.row(EXPORT_COLUMNS)
            yield out.take()
        heads = await read_heads(factory)
        async for page in iter_event_pages(factory, upto=heads):
            lines: list[str] = []
            for event in page:
                item = AuditEventOut.model_validate(event).model_dump(mode="json")
                if format == "jsonl":
                    lines.append(json.dumps(item, separators=(",", ":")) + "\n")
                else:
                    item["payload"] = json.dumps(item["payload"], separators=(",", ":"))
                    out.row(item[c] for c in EXPORT_COLUMNS)
                    if len(out) >= EXPORT_CHUNK_CHARS:
                        lines.append(out.take())
            lines.append(out.take())
            yield "".join(lines)

    media = "application/x-ndjson" if format == "jsonl" else "text/csv"
    return StreamingResponse(
        rows(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="bankdesk-audit.{format}"'},
    )
