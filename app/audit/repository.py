"""Read-only queries for auditors.

Filters on what the agent logged (intent, route, flags, compliance findings) read the audit events' payloads.
Payloads are canonical JSON (``app.audit.chain.canonical_json``: sorted keys, no spaces), so a key and its
value appear as the exact text ``"key":"value"``; a quote inside a string value is always escaped, so no text
a customer typed can imitate that sequence. Matching that text (``LIKE``, wildcards escaped) works the same
on SQLite and Postgres and never fails on a row that is not JSON (a tampered row is the verifier's to report,
not a reason for search to break).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from agents.compliance.rules import RULES
from agents.ports import Flow
from agents.triage.routes import ROUTES
from app.audit.schemas import AuditFacets, AuditFlag, ComplianceOutcome, ConversationFilters
from app.errors import NotFound
from app.models import AuditEvent, Complaint, Conversation, Customer, Handoff, Message, ModelCall, StaffUser
from app.models.enums import MessageRole
from app.models.review import ReviewFinding

RowT = TypeVar("RowT", bound=Any)
STEP = "agent.step"
RECEIVED = ("message.received", "confirmation.received")


def pair(key: str, value: str) -> str:
    """How ``"key": value`` appears inside a canonical JSON payload."""
    return f'"{key}":{json.dumps(value, ensure_ascii=False)}'


def _event(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(AuditEvent.conversation_id == Conversation.id, *conditions)


def _has(text: str) -> ColumnElement[bool]:
    return AuditEvent.payload.contains(text, autoescape=True)


def _step(node: str, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return _event(AuditEvent.kind == STEP, _has(pair("node", node)), *conditions)


def _received_flag(name: str) -> ColumnElement[bool]:
    # message.received payloads hold message_id, redaction spans, the sorted flag list and a decision:
    # a quoted flag name can only be an element of "flags".
    return _event(AuditEvent.kind.in_(RECEIVED), _has(json.dumps(name)))


def flag_condition(flag: AuditFlag) -> ColumnElement[bool]:
    if flag is AuditFlag.jailbreak:
        return _received_flag("jailbreak")
    if flag is AuditFlag.injection:
        # In the customer's words, or a tool the model asked for without being offered it (an instruction
        # injected through data it read).
        return or_(
            _received_flag("prompt_injection"),
            _event(AuditEvent.kind == "conversation.flagged", _has('"tool_not_offered"')),
        )
    if flag is AuditFlag.scam:
        return or_(
            _received_flag("scam"),
            exists().where(Handoff.conversation_id == Conversation.id, Handoff.reason == "scam"),
        )
    if flag is AuditFlag.complaint:
        return or_(
            _received_flag("complaint"),
            exists().where(Complaint.conversation_id == Conversation.id),
        )
    return _received_flag("vulnerability")


def _handed() -> ColumnElement[bool]:
    return exists().where(Handoff.conversation_id == Conversation.id)


def filtered(query: Select[RowT], f: ConversationFilters) -> Select[RowT]:
    conditions: list[ColumnElement[bool]] = []
    if f.customer_id is not None:
        conditions.append(Conversation.customer_id == f.customer_id)
    if f.customer is not None:
        needle = f.customer.lower()
        conditions.append(
            exists().where(
                Customer.id == Conversation.customer_id,
                or_(
                    func.lower(Customer.full_name).contains(needle, autoescape=True),
                    func.lower(Customer.email).contains(needle, autoescape=True),
                ),
            )
        )
    if f.created_from is not None:
        conditions.append(Conversation.created_at >= f.created_from)
    if f.created_to is not None:
        conditions.append(Conversation.created_at < f.created_to)
    if f.status is not None:
        conditions.append(Conversation.status == f.status)
    if f.flagged is not None:
        conditions.append(Conversation.flagged.is_(f.flagged))
    if f.handed_off is not None:
        conditions.append(_handed() if f.handed_off else ~_handed())
    if f.variant is not None:
        conditions.append(Conversation.variant == f.variant)
    if f.intent is not None:
        conditions.append(_step("triage", _has(pair("intent", f.intent))))
    if f.route is not None:
        route = _has(pair("decision", f.route))
        conditions.append(or_(_step("route", route), _step("screen", route)))
    if f.flag is not None:
        conditions.append(flag_condition(f.flag))
    if f.compliance is not None:
        if f.compliance is ComplianceOutcome.any:
            outcome = or_(_has(pair("decision", "rewrite")), _has(pair("decision", "block")))
        else:
            outcome = _has(pair("decision", f.compliance.value))
        conditions.append(_step("compliance", outcome))
    if f.compliance_rule is not None:
        conditions.append(_step("compliance", _has(pair("rule", f.compliance_rule))))
    if f.review_finding is not None:
        found = exists().where(ReviewFinding.conversation_id == Conversation.id)
        conditions.append(found if f.review_finding else ~found)
    return query.where(and_(*conditions)) if conditions else query


async def search_conversations(
    session: AsyncSession, filters: ConversationFilters, *, limit: int = 100, offset: int = 0
) -> tuple[Sequence[tuple[Conversation, bool]], int]:
    """A page of matching conversations, newest first, each with whether it was handed off; and the total."""
    query = filtered(select(Conversation), filters)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    page = query.add_columns(_handed().label("handed_off")).order_by(
        Conversation.created_at.desc(), Conversation.id
    )
    rows = (await session.execute(page.limit(limit).offset(offset))).all()
    return [(row[0], bool(row[1])) for row in rows], int(total or 0)


async def conversations_after(
    session: AsyncSession,
    filters: ConversationFilters,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    upto: datetime,
    limit: int,
) -> Sequence[tuple[Conversation, bool]]:
    """Matching conversations in (created_at, id) order after a keyset position, created before ``upto``.

    Export walks the set this way: a conversation started during the walk is not in it, and none repeats.
    """
    query = filtered(select(Conversation), filters).where(Conversation.created_at < upto)
    if after is not None:
        query = query.where(
            or_(
                Conversation.created_at > after[0],
                and_(Conversation.created_at == after[0], Conversation.id > after[1]),
            )
        )
    page = query.add_columns(_handed().label("handed_off")).order_by(Conversation.created_at, Conversation.id)
    rows = (await session.execute(page.limit(limit))).all()
    return [(row[0], bool(row[1])) for row in rows]


async def matching_ids(session: AsyncSession, filters: ConversationFilters, *, cap: int) -> list[uuid.UUID]:
    """Ids of every matching conversation, in id order (a stable population for seeded sampling)."""
    query = filtered(select(Conversation.id), filters).order_by(Conversation.id).limit(cap + 1)
    return list((await session.scalars(query)).all())


async def get_conversation(session: AsyncSession, conversation_id: uuid.UUID) -> tuple[Conversation, bool]:
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("Conversation not found")
    handed = await session.scalar(select(exists().where(Handoff.conversation_id == conversation_id)))
    return conversation, bool(handed)


async def model_calls(session: AsyncSession, conversation_id: uuid.UUID) -> Sequence[ModelCall]:
    result = await session.scalars(
        select(ModelCall).where(ModelCall.conversation_id == conversation_id).order_by(ModelCall.created_at)
    )
    return result.all()


async def messages(session: AsyncSession, conversation_id: uuid.UUID) -> Sequence[Message]:
    result = await session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    )
    return result.all()


async def handoffs(session: AsyncSession, conversation_id: uuid.UUID) -> Sequence[Handoff]:
    result = await session.scalars(
        select(Handoff).where(Handoff.conversation_id == conversation_id).order_by(Handoff.created_at)
    )
    return result.all()


async def staff_names(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = (
        await session.execute(select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(ids)))
    ).all()
    return {row[0]: row[1] for row in rows}


async def customer_names(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = (await session.execute(select(Customer.id, Customer.full_name).where(Customer.id.in_(ids)))).all()
    return {row[0]: row[1] for row in rows}


@dataclass
class Signals:
    """What the log says about a conversation, for list rows and for risk-weighted sampling."""

    turns: int = 0
    intents: list[str] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    compliance: set[str] = field(default_factory=set)
    """Compliance outcomes other than "pass" (rewrite, block)."""
    compliance_rules: set[str] = field(default_factory=set)
    handed_off: bool = False
    complaint: bool = False


def _json(payload: str) -> dict[str, object]:
    try:
        value = json.loads(payload)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


async def signals(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Signals]:
    """Turns, intents, triage confidences, flags and compliance outcomes of each conversation, in batches."""
    out: dict[uuid.UUID, Signals] = {cid: Signals() for cid in ids}
    for start in range(0, len(ids), 500):
        batch = list(ids[start : start + 500])
        events = await session.execute(
            select(AuditEvent.conversation_id, AuditEvent.kind, AuditEvent.payload)
            .where(
                AuditEvent.conversation_id.in_(batch),
                or_(
                    AuditEvent.kind.in_(RECEIVED),
                    AuditEvent.kind == "conversation.flagged",
                    and_(
                        AuditEvent.kind == STEP,
                        or_(_has(pair("node", "triage")), _has(pair("node", "compliance"))),
                    ),
                ),
            )
            .order_by(AuditEvent.seq)
        )
        for cid, kind, payload in events:
            if cid not in out:
                continue
            s = out[cid]
            data = _json(payload)
            if kind in RECEIVED:
                s.turns += 1
                flags = data.get("flags")
                for flag in flags if isinstance(flags, list) else []:
                    if flag == "prompt_injection":
                        s.flags.add(AuditFlag.injection.value)
                    elif flag in AuditFlag.__members__:
                        s.flags.add(str(flag))
            elif kind == "conversation.flagged":
                reasons = data.get("reasons")
                if isinstance(reasons, list) and "tool_not_offered" in reasons:
                    s.flags.add(AuditFlag.injection.value)
            elif data.get("node") == "triage":
                intent = data.get("intent")
                if isinstance(intent, str) and intent not in s.intents:
                    s.intents.append(intent)
                confidence = data.get("confidence")
                if isinstance(confidence, int | float) and not isinstance(confidence, bool):
                    s.confidences.append(float(confidence))
            elif data.get("node") == "compliance":
                decision = data.get("decision")
                if isinstance(decision, str) and decision != "pass":
                    s.compliance.add(decision)
                findings = data.get("findings")
                for finding in findings if isinstance(findings, list) else []:
                    if isinstance(finding, dict) and isinstance(finding.get("rule"), str):
                        s.compliance_rules.add(finding["rule"])
        handed = await session.execute(
            select(Handoff.conversation_id, Handoff.reason).where(Handoff.conversation_id.in_(batch))
        )
        for cid, reason in handed:
            out[cid].handed_off = True
            if reason == "scam":
                out[cid].flags.add(AuditFlag.scam.value)
        complained = await session.scalars(
            select(Complaint.conversation_id).where(Complaint.conversation_id.in_(batch)).distinct()
        )
        for cid in complained:
            if cid is not None:
                out[cid].complaint = True
                out[cid].flags.add(AuditFlag.complaint.value)
    return out


async def staff_message_authors(session: AsyncSession, conversation_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await session.scalars(
        select(Message.author_staff_id).where(
            Message.conversation_id == conversation_id,
            Message.role == MessageRole.staff,
            Message.author_staff_id.is_not(None),
        )
    )
    return {r for r in rows if r is not None}


async def facets(session: AsyncSession) -> AuditFacets:
    variants = await session.scalars(select(Conversation.variant).distinct().order_by(Conversation.variant))
    return AuditFacets(
        intents=sorted(ROUTES),
        routes=sorted(f.value for f in Flow),
        flags=list(AuditFlag),
        compliance_rules=sorted({*RULES, "llm_review"}),
        variants=list(variants.all()),
    )
