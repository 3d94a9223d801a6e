"""The typed state of a conversation's graph (checkpointed per conversation: never a full PAN or CVV).

Fields marked *turn* are reset by ``screen`` at the start of each customer turn; the others are the
conversation's memory.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


class AgentState(TypedDict, total=False):
    # turn: input (already redacted at the door; see agents.runner)
    text: str
    screening: dict[str, Any]  # {"findings": [...], "flags": [...], "vulnerability": str | None}
    first_reply: bool
    staff_notes: list[str]  # what staff wrote since the agent last spoke (after a handoff is returned)
    today: str  # ISO date, from the app's clock
    tokens_used: int  # the conversation's spend before this turn (the database is the source of truth)
    cost_usd_micros: int

    # memory
    history: Annotated[list[dict[str, str]], operator.add]
    low_confidence_streak: int  # turns in a row not understood (a turn counts once, however many requests)
    streak_counted: bool  # this turn already added one to low_confidence_streak
    procedure: str | None  # a procedure waiting for the customer's answer to a question
    procedure_intent: str | None  # the intent that started it
    slots: dict[str, Any]
    pending_action: dict[str, Any] | None  # a state change waiting for the customer's confirmation
    decision: str | None  # the customer's answer to it: "yes" | "no" | "unclear" | "other" (a new request)
    frame: dict[str, Any]  # the dialogue frame: last answered intent, its procedure, words and facts
    cues: list[str]  # what the conversation has shown so far (urgent, scam, vulnerability kinds...)
    later: list[dict[str, Any]]  # requests to take up once the waiting confirmation is answered
    scam_warned: bool  # the last customer turn was answered with a scam warning (the next may go on with it)
    kb_topic: dict[str, str] | None  # the help-centre article the last answer quoted: {"slug", "said"}
    third_party_told: bool  # the last customer turn was told what we can share about another person's account

    # turn: working values
    triage: dict[str, Any]
    flow: str
    draft: str
    draft_kind: str  # "answer" | "complaint_ack" | "confirmation" | "question" | "support" | ...
    notices: list[str]  # short notes prepended to the reply (e.g. "don't share card details")
    handoff: dict[str, Any] | None  # {"reason": ..., "priority": ...}
    reply: str
    outcome: str  # "reply" | "confirmation_required" | "handoff"
    queue: list[dict[str, Any]]  # the other requests of this message, answered in order: {"text": ...}
    answered: list[str]  # approved replies to this message's earlier requests
    deferred: dict[str, Any] | None  # an earlier request's question or confirmation, asked last
    forced_intent: str | None  # this request's intent when the agent itself queued it (urgent plan)
    urgent: str | None  # this request's urgent intent, when it carries one
    kb_slug: str | None  # this request is a follow-up on that article: answered from it
    complaint_recorded: bool  # a complaint was recorded for this message (one per message, however put)
