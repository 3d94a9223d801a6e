"""Auditor routes: read-only transcripts, chain verification and streamed export."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from app.audit import repository
from app.audit.checkpoint import verify_log
from app.audit.schemas import (
    AuditConversationList,
    AuditConversationOut,
    AuditEventOut,
    AuditTranscript,
    ChainReport,
    ModelCallOut,
)
from app.audit.service import events_for_conversation, iter_event_pages, read_heads
from app.config import Settings
from app.conversations.repository import list_messages
from app.conversations.schemas import MessageOut
from app.deps import Auditor, SessionDep, SessionFactoryDep
from app.errors import Unprocessable
from app.models import Conversation
from app.models.enums import ConversationStatus

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


def _conversation_out(conversation: Conversation, handed_off: bool) -> AuditConversationOut:
    return AuditConversationOut(
        id=conversation.id,
        status=conversation.status,
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
        customer_id=conversation.customer_id,
        variant=conversation.variant,
        flagged=conversation.flagged,
        handed_off=handed_off,
    )


@router.get("/conversations", response_model=AuditConversationList)
async def list_conversations(
    auditor: Auditor,
    session: SessionDep,
    customer_id: uuid.UUID | None = None,
    created_from: Annotated[datetime | None, Query(alias="from")] = None,
    created_to: Annotated[datetime | None, Query(alias="to")] = None,
    status: ConversationStatus | None = None,
    flagged: bool | None = None,
    handed_off: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> AuditConversationList:
    """Search conversations by customer, dates (`from` inclusive, `to` exclusive), status and flags."""
    for value in (created_from, created_to):
        if value is not None and value.tzinfo is None:
            raise Unprocessable("from/to must carry a timezone, e.g. 2026-11-01T00:00:00Z")
        if value is not None:
            try:
                value.astimezone(UTC)
            except OverflowError:
                raise Unprocessable("from/to is outside the representable range of dates in UTC") from None
    rows = await repository.search_conversations(
        session,
        customer_id=customer_id,
        created_from=created_from,
        created_to=created_to,
        status=status,
        flagged=flagged,
        handed_off=handed_off,
        limit=limit,
        offset=offset,
    )
    return AuditConversationList(items=[_conversation_out(c, h) for c, h in rows])


@router.get("/conversations/{conversation_id}", response_model=AuditTranscript)
async def get_transcript(
    conversation_id: uuid.UUID, auditor: Auditor, session: SessionDep
) -> AuditTranscript:
    """A transcript with every audit event (in chain order) and every model call of the conversation."""
    conversation, handed_off = await repository.get_conversation(session, conversation_id)
    messages = await list_messages(session, conversation_id=conversation_id)
    events = await events_for_conversation(session, conversation_id)
    calls = await repository.model_calls(session, conversation_id)
    return AuditTranscript(
        conversation=_conversation_out(conversation, handed_off),
        messages=[MessageOut.model_validate(m) for m in messages],
        events=[AuditEventOut.model_validate(e) for e in events],
        model_calls=[ModelCallOut.model_validate(c) for c in calls],
    )


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
        if format == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(EXPORT_COLUMNS)
            yield buffer.getvalue()
        heads = await read_heads(factory)
        async for page in iter_event_pages(factory, upto=heads):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for event in page:
                item = AuditEventOut.model_validate(event).model_dump(mode="json")
                if format == "jsonl":
                    buffer.write(json.dumps(item, separators=(",", ":")) + "\n")
                else:
                    item["payload"] = json.dumps(item["payload"], separators=(",", ":"))
                    writer.writerow([item[c] for c in EXPORT_COLUMNS])
                if buffer.tell() >= EXPORT_CHUNK_CHARS:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            if buffer.tell():
                yield buffer.getvalue()

    media = "application/x-ndjson" if format == "jsonl" else "text/csv"
    return StreamingResponse(
        rows(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="bankdesk-audit.{format}"'},
    )
