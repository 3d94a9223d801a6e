"""The flows that answer without a banking procedure: knowledge base, small talk, refusals, clarification,
complaints and customers who need support. Wording is grounded in the knowledge base."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.kb.intent_articles import INTENT_ARTICLES
from agents.nodes.common import emit, emit_step
from agents.procedures.dates import add_working_days
from agents.state import AgentState

KB_MIN_SCORE = 0.12
KB_MAX_CHARS = 900
COMPLAINT_WEEKS = 8
PAYMENT_COMPLAINT_BUSINESS_DAYS = 15
PAYMENT_ROUTES = frozenset({"payment_status", "dispute", "card_action"})

GREETING = (
    "Hello! I can help with balances and transactions, cards (lost, stolen, frozen or on their way), "
    "payments, disputes, fees and limits, or a complaint. What can I do for you?"
)
THANKS = "You're welcome. Is there anything else I can help you with?"
OUT_OF_SCOPE = (
    "I'm sorry, I can't help with that here: I can't give investment, legal or tax advice, or help with "
    "things outside your Northbank banking. For free, impartial money guidance you can contact MoneyHelper "
    "(www.moneyhelper.org.uk). Is there anything about your accounts, cards or payments I can help with?"
)
REFUSAL = (
    "I can't help with that request. I can help with your Northbank accounts, cards, payments, disputes, "
    "fees and limits, or put you in touch with a member of our team."
)
DEGRADED = (
    "I'm sorry, I'm having trouble answering right now. Would you like me to connect you with a member of "
    'our team? Just say "speak to a person" and I\'ll pass this conversation on.'
)
KB_MISS = (
    "I couldn't find an answer to that in our help centre. Could you tell me a little more? You can also ask "
    "to speak to a person at any time."
)


def _label(intent: str) -> str:
    return intent.replace("_", " ").replace("?", "").strip().lower()


def final_response_due(received: date, *, payment_service: bool) -> date:
    """The complaints rules: 15 business days (bank holidays excluded) for payment services, otherwise 8
    weeks."""
    if payment_service:
        return add_working_days(received, PAYMENT_COMPLAINT_BUSINESS_DAYS)
    return received + timedelta(weeks=COMPLAINT_WEEKS)


def _today(state: AgentState) -> date:
    return date.fromisoformat(state["today"]) if state.get("today") else date.today()


async def kb_answer(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    kb, text = runtime.context.kb, state.get("text", "")
    # Search the articles that answer the intent triage found first, then the whole help centre.
    slugs = INTENT_ARTICLES.get((state.get("triage") or {}).get("intent", ""))
    passages = kb.search(text, k=3, slugs=slugs) if slugs else []
    if not passages or passages[0].score < KB_MIN_SCORE:
        passages = kb.search(text, k=3, one_per_article=True)
    if not passages or passages[0].score < KB_MIN_SCORE:
        emit_step("kb_answer", "miss", top_score=passages[0].score if passages else 0.0)
        return {"draft": KB_MISS, "draft_kind": "answer"}
    top = passages[0]
    text = top.text if len(top.text) <= KB_MAX_CHARS else top.text[:KB_MAX_CHARS].rsplit(" ", 1)[0] + " ..."
    draft = f"From our help centre ({top.title}, {top.heading}):\n\n{text}"
    emit_step(
        "kb_answer",
        "answer",
        passages=[{"slug": p.slug, "heading": p.heading, "score": round(p.score, 4)} for p in passages],
    )
    return {"draft": draft, "draft_kind": "answer"}


async def smalltalk(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    intent = (state.get("triage") or {}).get("intent")
    draft = THANKS if intent == "thanks" else GREETING
    emit_step("smalltalk", intent or "greeting")
    return {"draft": draft, "draft_kind": "answer"}


async def out_of_scope(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    emit_step("out_of_scope", "decline")
    return {"draft": OUT_OF_SCOPE, "draft_kind": "answer"}


async def refuse(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    flags = sorted(set((state.get("screening") or {}).get("flags", [])) & {"jailbreak", "prompt_injection"})
    emit({"type": "flag", "reasons": flags})
    emit_step("refuse", "refuse", flags=flags)
    return {"draft": REFUSAL, "draft_kind": "answer"}


async def clarify(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    tri = state.get("triage") or {}
    options = [tri.get("intent")] + [a[0] for a in tri.get("alternatives", []) if a]
    labels = [_label(str(o)) for o in options if o and o not in ("out_of_scope",)][:2]
    if labels:
        guess = " or ".join(f'"{label}"' for label in labels)
        draft = f"I'm not sure I understood. Is your question about {guess}? Could you put it another way?"
    else:
        draft = "I'm not sure I understood. Could you put it another way?"
    draft += " You can also ask to speak to a person at any time."
    emit_step("clarify", "ask_again", guesses=labels, streak=state.get("low_confidence_streak", 0))
    return {"draft": draft, "draft_kind": "question"}


async def complaint(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    received = _today(state)
    route = (state.get("triage") or {}).get("route")
    due = final_response_due(received, payment_service=route in PAYMENT_ROUTES)
    emit(
        {"type": "complaint", "summary": state.get("text", "")[:1000], "final_response_due": due.isoformat()}
    )
    emit_step("complaint", "recorded", final_response_due=due.isoformat())
    ack = runtime.context.kb.section("complaints", "Acknowledgement")
    return {
        "draft": ack,
        "draft_kind": "complaint_ack",
        "handoff": {"reason": "complaint", "priority": "high"},
    }


async def vulnerability(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    kind = (state.get("screening") or {}).get("vulnerability")
    heading = "Self-harm" if kind == "self_harm" else "Support message"
    emit_step("vulnerability", kind or "support", kb_section=heading)
    return {
        "draft": runtime.context.kb.section("support-in-difficulty", heading),
        "draft_kind": "support",
        "handoff": {"reason": f"customer may be vulnerable ({kind or 'support'})", "priority": "urgent"},
    }


async def degraded(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    emit_step("degraded", "offer_handoff")
    return {"draft": DEGRADED, "draft_kind": "answer"}
