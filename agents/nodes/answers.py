"""The flows that answer without a banking procedure: knowledge base, small talk, refusals, clarification,
complaints and customers who need support. Wording is grounded in the knowledge base."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from langgraph.runtime import Runtime

from agents.compliance.advice import advice_refusal, advice_requested
from agents.context import AgentContext
from agents.dialogue.descriptions import describe_intent
from agents.nodes.care import (
    Script,
    banking_question,
    scam_script,
    support_script,
    third_party_script,
)
from agents.nodes.common import emit, emit_step, today_of
from agents.procedures.dates import add_working_days
from agents.state import AgentState

# Section scores (agents/kb/retrieval.py): every dev-set question ranked right scored 0.52 or more. A
# question sharing a lone common word scores about 0.2-0.4 ("how are you" 0.32), though one sharing a stem
# can score higher ("a good film": goods, 0.53): triage, not this floor, keeps such questions away. The
# intent prior alone tops out at 0.09, so an answer always needs some of the customer's words.
KB_MIN_SCORE = 0.3
KB_MAX_CHARS = 900
COMPLAINT_WEEKS = 8
PAYMENT_COMPLAINT_BUSINESS_DAYS = 15
PAYMENT_ROUTES = frozenset({"payment_status", "dispute", "card_action"})

GREETING = (
    "Hello! I can help with balances and transactions, cards (lost, stolen, frozen or on their way), "
    "payments, disputes, fees and limits, or a complaint. What can I do for you?"
)
THANKS = "You're welcome. Is there anything else I can help you with?"
# Only for what the assistant cannot help with at all; a request for advice gets `advice_refusal` instead.
OUT_OF_SCOPE = (
    "I'm sorry, I can't help with that here. I can help with your Northbank accounts, cards or payments, "
    "disputes, fees and limits, or put you in touch with a member of our team. Is there anything about your "
    "accounts, cards or payments I can help with?"
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


def final_response_due(received: date, *, payment_service: bool) -> date:
    """The complaints rules: 15 business days (bank holidays excluded) for payment services, otherwise 8
    weeks."""
    if payment_service:
        return add_working_days(received, PAYMENT_COMPLAINT_BUSINESS_DAYS)
    return received + timedelta(weeks=COMPLAINT_WEEKS)


COMPLAINT_ALREADY = "I've recorded your complaint, and a member of our team will take it up with you."


def record_complaint(state: AgentState, *, payment_service: bool, words: str | None = None) -> date:
    """Emit the complaint effect for the customer's words (this turn's by default), with its final-response
    date; return the date."""
    due = final_response_due(today_of(state), payment_service=payment_service)
    summary = state.get("text", "") if words is None else words
    emit({"type": "complaint", "summary": summary[:1000], "final_response_due": due.isoformat()})
    return due


def triage_intents(state: AgentState) -> list[tuple[str, float]]:
    """Triage's best intent and its alternatives as (intent, probability) pairs, best first."""
    tri = state.get("triage") or {}
    alternatives = [tuple(a)[:2] for a in tri.get("alternatives") or []]
    pairs = [(tri.get("intent"), tri.get("confidence")), *alternatives]
    result: list[tuple[str, float]] = []
    for intent, probability in pairs:
        try:
            result.append((str(intent), float(probability)))
        except (TypeError, ValueError):
            continue
    return [(intent, p) for intent, p in result if intent and intent != "None"]


async def kb_answer(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    kb, text = runtime.context.kb, state.get("text", "")
    # Sections are ranked on the customer's words, with triage's intents as a prior towards the articles
    # and the section that answer them (agents/kb/retrieval.py); the best section is quoted whole.
    passages = kb.search(text, k=3, intents=triage_intents(state))
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
    """Refuse only what is refused: advice gets the advice refusal; a banking question (a phone number, a
    rate, a limit, a double charge) is answered from the help centre; anything else a polite decline."""
    text = state.get("text", "")
    asked = advice_requested(text)
    if asked:
        emit_step("out_of_scope", "decline_advice", advice=asked)
        return {"draft": advice_refusal(asked), "draft_kind": "answer"}
    if banking_question(text):
        emit_step("out_of_scope", "answer_from_kb")
        return await kb_answer(state, runtime)
    emit_step("out_of_scope", "decline")
    return {"draft": OUT_OF_SCOPE, "draft_kind": "answer"}


async def refuse(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    flags = sorted(set((state.get("screening") or {}).get("flags", [])) & {"jailbreak", "prompt_injection"})
    emit({"type": "flag", "reasons": flags})
    emit_step("refuse", "refuse", flags=flags)
    return {"draft": REFUSAL, "draft_kind": "answer"}


# Close calls only: an alternative far below the best guess is not worth offering.
CLARIFY_MIN_SHARE = 0.1


async def clarify(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Not sure what the customer wants: offer at most two plausible readings, in their words, or neither."""
    tri = state.get("triage") or {}
    options: list[str] = []
    best = float(tri.get("confidence") or 0.0)
    for option, share in [
        (tri.get("intent"), best),
        *[(a[0], a[1] if len(a) > 1 else 0.0) for a in tri.get("alternatives", []) if a],
    ]:
        try:
            plausible = float(share) >= max(CLARIFY_MIN_SHARE, best / 4)
        except (TypeError, ValueError):
            plausible = False
        described = describe_intent(str(option or ""))
        if plausible and described and described not in options:
            options.append(described)
    options = options[:2]
    if len(options) == 2:
        draft = (
            "I want to make sure I help with the right thing: "
            f"is it about {options[0]}, {options[1]}, or something else?"
        )
    elif options:
        draft = (
            f"I want to make sure I help with the right thing: is it about {options[0]}, or something else?"
        )
    else:
        draft = "I'm not sure I understood. Could you tell me a bit more about what you need?"
    draft += " You can also ask to speak to a person at any time."
    emit_step("clarify", "ask_again", guesses=options, streak=state.get("low_confidence_streak", 0))
    return {"draft": draft, "draft_kind": "question"}


async def complaint(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    route = (state.get("triage") or {}).get("route")
    handoff = {"reason": "complaint", "priority": "high"}
    if state.get("complaint_recorded"):
        # "...never heard of this company, I'm fed up. I want to make a complaint": the complaint was recorded
        # beside the urgent request earlier in this message (and said so). One message, one complaint; the
        # urgent request keeps its place, and its own handoff follows it.
        emit_step("complaint", "already_recorded")
        return {"draft": "", "draft_kind": "answer"}
    due = record_complaint(state, payment_service=route in PAYMENT_ROUTES)
    emit_step("complaint", "recorded", final_response_due=due.isoformat())
    ack = runtime.context.kb.section("complaints", "Acknowledgement")
    return {"draft": ack, "draft_kind": "complaint_ack", "handoff": handoff, "complaint_recorded": True}


def _care(node: str, script: Script, draft_kind: str) -> dict[str, Any]:
    emit_step(node, script.kind, kb_sections=list(script.sections), handoff=script.handoff)
    return {"draft": script.draft, "draft_kind": draft_kind, "handoff": script.handoff}


async def vulnerability(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Support that fits the kind screening found (agents/nodes/care.py: scripts and priorities)."""
    screening = state.get("screening") or {}
    kind = screening.get("vulnerability")
    third_party = "third_party" in screening.get("flags", [])
    script = support_script(runtime.context.kb, kind, third_party=third_party)
    return _care("vulnerability", script, "support")


async def scam(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """A scam or coercion: a plain warning, the freeze offer, and an urgent handoff with reason "scam"."""
    kind = (state.get("screening") or {}).get("vulnerability")
    return _care("scam", scam_script(runtime.context.kb, kind), "scam_warning")


async def third_party(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Someone asking about another person's account: what we can and cannot do; no data, no handoff."""
    return _care("third_party", third_party_script(runtime.context.kb), "answer")


async def degraded(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    emit_step("degraded", "offer_handoff")
    return {"draft": DEGRADED, "draft_kind": "answer"}
