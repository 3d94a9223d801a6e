"""The flows that answer without a banking procedure: knowledge base, small talk, refusals, clarification,
complaints and customers who need support. Wording is grounded in the knowledge base."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

from langgraph.runtime import Runtime

from agents.compliance.advice import advice_refusal, advice_requested
from agents.context import AgentContext
from agents.dialogue.beyond_chat import BeyondChat, beyond_chat
from agents.dialogue.cues import POUND_AMOUNT
from agents.dialogue.descriptions import describe_intent
from agents.dialogue.support_cues import (
    before_paying_rules,
    misstatement_requested,
    scam_received_only,
    scam_rules,
)
from agents.nodes.care import (
    DECLINED_NOT_BLOCKED_OPENING,
    MISTAKEN_BLOCK_OPENING,
    OFFER_PERSON,
    SUPPORT,
    Script,
    banking_question,
    scam_before_paying_script,
    scam_received_script,
    scam_script,
    support_script,
    third_party_script,
)
from agents.nodes.common import customer_messages, emit, emit_step, today_of
from agents.nodes.dialogue import HANDOFF_OFFER
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
MISSTATEMENT_REFUSAL = (
    "I'm sorry, I can't do that. Anything Northbank writes for you, such as a letter confirming your "
    "income or "
    "a statement, has to be accurate, so it can only show the true figures we hold, even when the difference "
    "is small. I can help you get a statement, or a letter with your actual figures, for your broker or "
    "lender."
)
PIN_REFUSAL = (
    "I'm sorry, I can't tell you your PIN: no one at Northbank can see it or give it out, in chat or by "
    "phone, and we will never ask you for it."
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


CARE_ONLY_SECTIONS = frozenset({(SUPPORT, "Self-harm"), (SUPPORT, "Support message")})


_COMPARED = re.compile(
    r"\bdifference between (?:an? )?(?P<first>.+?) and (?:an? )?(?P<second>[^?.!,]+)", re.I
)


def _heading_named(heading: str, words: str) -> bool:
    """Whether a section's heading is what the words name ("Standing orders" for "a standing order")."""
    said = set(re.findall(r"[a-z]+", words.lower()))
    said |= {f"{w}s" for w in said}
    named = [w for w in re.findall(r"[a-z]+", heading.lower()) if len(w) > 2]
    return bool(named) and all(w in said for w in named)


def _compared_section(text: str, top: Any, others: list[Any]) -> Any | None:
    """The section of the same article that the other thing compared names, when the question asks the
    difference between two things and the best section names only one of them; None otherwise."""
    asked = _COMPARED.search(text)
    if asked is None:
        return None
    first, second = asked.group("first"), asked.group("second")
    for named, other in ((first, second), (second, first)):
        if _heading_named(top.heading, named):
            return next(
                (
                    p
                    for p in others
                    if p.slug == top.slug and p.heading != top.heading and _heading_named(p.heading, other)
                ),
                None,
            )
    return None


async def kb_answer(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    kb, text = runtime.context.kb, state.get("text", "")
    # Sections are ranked on the customer's words, with triage's intents as a prior towards the articles
    # and the section that answer them (agents/kb/retrieval.py); the best section is quoted whole.
    # A follow-up on the article the last answer quoted ("and how long does it take to arrive?" after the
    # details a payment abroad needs) is answered from that article (agents.nodes.route).
    slugs = [str(state["kb_slug"])] if state.get("kb_slug") else None
    passages = kb.search(text, k=3 + len(CARE_ONLY_SECTIONS), slugs=slugs, intents=triage_intents(state))
    # The crisis scripts say a person is on the way: only the care node sends them, when a screening cue fired
    # and a handoff goes with them. Quoted on word overlap they would answer "good shout or not?" with the
    # Samaritans' number.
    passages = [p for p in passages if (p.slug, p.heading) not in CARE_ONLY_SECTIONS][:3]
    if not passages or passages[0].score < KB_MIN_SCORE:
        emit_step("kb_answer", "miss", top_score=passages[0].score if passages else 0.0)
        return {"draft": KB_MISS, "draft_kind": "answer"}
    top = passages[0]
    text = top.text if len(top.text) <= KB_MAX_CHARS else top.text[:KB_MAX_CHARS].rsplit(" ", 1)[0] + " ..."
    draft = f"From our help centre ({top.title}, {top.heading}):\n\n{text}"
    if (other := _compared_section(state.get("text", ""), top, passages[1:])) is not None:
        # "the difference between a standing order and a direct debit": both kinds, each in its own words
        more = other.text if len(other.text) <= KB_MAX_CHARS else other.text[:KB_MAX_CHARS].rsplit(" ", 1)[0]
        draft = f"{draft}\n\n{other.heading}: {more}"
    emit_step(
        "kb_answer",
        "answer",
        passages=[{"slug": p.slug, "heading": p.heading, "score": round(p.score, 4)} for p in passages],
    )
    said = customer_messages(state)
    topic = {"slug": top.slug, "said": said[-1] if said else ""}
    return {"draft": draft, "draft_kind": "answer", "kb_topic": topic}


async def smalltalk(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    intent = (state.get("triage") or {}).get("intent")
    draft = THANKS if intent == "thanks" else GREETING
    emit_step("smalltalk", intent or "greeting")
    return {"draft": draft, "draft_kind": "answer"}


# What the chat cannot give, said plainly, then the help centre's section that helps most (slug, heading).
_BEYOND_CHAT: dict[BeyondChat, tuple[str, tuple[str, str] | None]] = {
    BeyondChat.STATEMENT: (
        "I can't produce or send a statement from this chat, and our help centre has no page on getting "
        "one, so I can't tell you the exact steps. A member of our team can help with a statement: just ask "
        "to speak to a person. If it's your recent payments you want to check, I can list them here (for "
        'example "show my transactions for October").',
        None,
    ),
    BeyondChat.MOVE_MONEY: (
        "I can't move money or make payments for you from this chat, but you can do it yourself in the app.",
        ("uk-transfers", "How to send money"),
    ),
    BeyondChat.OVERDRAFT_LIMIT: (
        "I can't see an overdraft limit in the account details I can read, so I can't tell you yours. A "
        "member of our team can check it for you: just ask to speak to a person.",
        ("fees", "Overdraft charges"),
    ),
}
_STATEMENT_FEE = re.compile(r"^- [^\n]*\bstatements?\b[^\n]*$", re.IGNORECASE | re.MULTILINE)


def beyond_chat_answer(what: BeyondChat, runtime: Runtime[AgentContext]) -> str:
    """The honest answer to a request the chat cannot serve (agents.dialogue.beyond_chat): what it cannot do,
    and what the help centre says that helps, quoted (never an offer to act)."""
    said, where = _BEYOND_CHAT[what]
    kb = runtime.context.kb
    if where is not None:
        slug, heading = where
        quoted = kb.section(slug, heading).strip()
        return f"{said}\n\nFrom our help centre ({kb.article(slug).title}, {heading}):\n\n{quoted}"
    fee = _STATEMENT_FEE.search(kb.section("fees", "Other fees"))
    if fee is None:
        return said
    return f"{said}\n\nFrom our help centre ({kb.article('fees').title}, Other fees):\n{fee.group(0).strip()}"


async def out_of_scope(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Refuse only what is refused: advice gets the advice refusal; a request the chat cannot serve (a
    statement, a transfer, an overdraft limit) an honest answer; a banking question (a phone number, a rate, a
    limit, a double charge) is answered from the help centre; anything else a polite decline."""
    text = state.get("text", "")
    asked = advice_requested(text)
    if asked:
        emit_step("out_of_scope", "decline_advice", advice=asked)
        return {"draft": advice_refusal(asked), "draft_kind": "answer"}
    if (what := beyond_chat(text)) is not None:
        emit_step("out_of_scope", "beyond_chat", asked=str(what))
        return {"draft": beyond_chat_answer(what, runtime), "draft_kind": "answer"}
    if banking_question(text):
        emit_step("out_of_scope", "answer_from_kb")
        return await kb_answer(state, runtime)
    emit_step("out_of_scope", "decline")
    return {"draft": OUT_OF_SCOPE, "draft_kind": "answer"}


async def refuse(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    flags = sorted(set((state.get("screening") or {}).get("flags", [])) & {"jailbreak", "prompt_injection"})
    if not flags and misstatement_requested(state.get("text", "")):
        # A letter or statement that would say something untrue: refused, with what we can give instead.
        emit_step("refuse", "misstatement")
        return {"draft": MISSTATEMENT_REFUSAL, "draft_kind": "answer"}
    if not flags:
        # Asked to read out their PIN: refused politely, with what they can do themselves.
        see = runtime.context.kb.section("pin", "See your PIN").strip()
        emit_step("refuse", "pin", kb_sections=["pin#See your PIN"])
        return {"draft": f"{PIN_REFUSAL}\n\n{see}", "draft_kind": "answer"}
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
        return {"draft": "", "draft_kind": "answer", **_complaint_frame(state.get("text", ""))}
    due = record_complaint(state, payment_service=route in PAYMENT_ROUTES)
    ack = runtime.context.kb.section("complaints", "Acknowledgement")
    update: dict[str, Any] = {"draft": ack, "draft_kind": "complaint_ack", "complaint_recorded": True}
    update.update(_complaint_frame(state.get("text", "")))
    if _asks_for_person(state):
        update["handoff"] = handoff
    else:
        # The complaint is recorded either way; a person is offered, not imposed (the customer may only want
        # it on record, or their question answered).
        update.update(offer_person(state, runtime, handoff))
    emit_step("complaint", "recorded", final_response_due=due.isoformat(), offered=not update.get("handoff"))
    return update


def _complaint_frame(text: str) -> dict[str, Any]:
    """What a follow-up of a complaint can refer to (the state's frame), or nothing."""
    if topic := complaint_topic(text):
        # "my rent to Debra failed... I want this logged", then "how much was that payment again?": the
        # follow-up continues the payment or dispute the complaint was about.
        return {"frame": {"intent": topic, "procedure": topic, "text": text, "listed": []}}
    if charged := POUND_AMOUNT.search(text):
        # "you charged me £71.58 for train tickets... I want to complain", then "how much was it in euros?":
        # the follow-up is about the payment of that amount.
        read = "recent_transactions"
        return {
            "frame": {"intent": read, "procedure": read, "text": f"my payment of £{charged[1]}", "listed": []}
        }
    return {}


_DISPUTE_WORDS = re.compile(r"\b(?:dispute|disputed|chargeback|claim)\b", re.IGNORECASE)
_PAYMENT_WORDS = re.compile(
    r"\b(?:paid|pay|sent|send|transfer\w*|payment|rent|standing order|bounced|failed|returned|came back)\b",
    re.IGNORECASE,
)


# Card payments at a shop, told in a complaint ("five payments to a shop in Miami", "the charges from that
# website"): the follow-up ("what did they come to?") reads those payments, not a transfer's status.
_SHOP_PAYMENTS = re.compile(
    r"\b(?:payments?|charges?|transactions?|purchases?|orders?)\b[^.!?]{0,25}?\b(?:to|at|from|with|on|in)\s+"
    r"(?:a |an |the |some |this |that |one )?(?:\w+ )?(?:shop|store|website|site|merchant|retailer|company|"
    r"restaurant|business|seller)\b"
    r"|\b(?:card (?:payments|charges|transactions)|charges|transactions|purchases)\b",
    re.IGNORECASE,
)


def complaint_topic(text: str) -> str | None:
    """The read procedure a complaint is about, for the questions that follow it: a dispute, the card
    payments at a shop, a payment the customer made, or None."""
    if _DISPUTE_WORDS.search(text):
        return "dispute_status"
    if _SHOP_PAYMENTS.search(text):
        return "recent_transactions"
    if _PAYMENT_WORDS.search(text):
        return "payment_status"
    return None


HANDOFF_TOOL = "handoff"


def _asks_for_person(state: AgentState) -> bool:
    from agents.nodes.screen import wants_human  # screen imports this module

    return wants_human(state.get("text", ""))


def offer_person(
    state: AgentState, runtime: Runtime[AgentContext], handoff: dict[str, str]
) -> dict[str, Any]:
    """Offer a person, asked last in the reply: a pending action whose yes hands off at `handoff`'s priority
    (typed or the widget's Yes button, like any confirmation) and whose no keeps the assistant."""
    if state.get("deferred") or state.get("pending_action"):
        return {}  # one question per reply: something else already waits for the customer's answer
    action = {
        "id": f"{runtime.context.conversation_id}:{uuid.uuid4().hex}",
        "procedure": HANDOFF_OFFER,
        "tool": HANDOFF_TOOL,
        "args": dict(handoff),
        "summary": "passed this conversation to a member of our team",
        "prompt": OFFER_PERSON,
        "intent": HANDOFF_OFFER,
        "request": state.get("text", ""),
    }
    return {
        "deferred": {
            "reply": OFFER_PERSON,
            "kind": "confirmation",
            "procedure": None,
            "procedure_intent": None,
            "slots": {},
            "pending_action": action,
        }
    }


def is_handoff_offer(action: dict[str, Any] | None) -> bool:
    return bool(action) and (action or {}).get("procedure") == HANDOFF_OFFER


def _care(node: str, script: Script, draft_kind: str) -> dict[str, Any]:
    emit_step(
        node, script.kind, kb_sections=list(script.sections), handoff=script.handoff, offer=script.offer
    )
    return {"draft": script.draft, "draft_kind": draft_kind, "handoff": script.handoff}


_CARD_STATE = {
    "active": "active (not frozen or blocked)",
    "frozen": "frozen",
    "lost": "cancelled (reported lost)",
    "stolen": "cancelled (reported stolen)",
    "cancelled": "cancelled",
}


async def vulnerability(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Support that fits the kind screening found (agents/nodes/care.py: scripts and priorities)."""
    if is_handoff_offer((state.get("deferred") or {}).get("pending_action")):
        # A later request of a message whose support was given (and a person offered) already: once is enough.
        emit_step("vulnerability", "already_supported")
        return {"draft": "", "draft_kind": "answer"}
    screening = state.get("screening") or {}
    kind = screening.get("vulnerability")
    third_party = "third_party" in screening.get("flags", [])
    script = support_script(runtime.context.kb, kind, third_party=third_party)
    update = _care("vulnerability", script, "support")
    if kind == "mistaken_block":
        # "declined abroad, have you blocked it??": how the cards stand on our side comes first.
        cards = await runtime.context.banking.list_cards()
        states = [
            f"your {c.brand} card ending {c.last4} is {_CARD_STATE.get(c.status, c.status)}" for c in cards
        ]
        if cards and all(c.status == "active" for c in cards):
            # Nothing is blocked: the decline is explained, not a block assumed.
            update["draft"] = update["draft"].replace(MISTAKEN_BLOCK_OPENING, DECLINED_NOT_BLOCKED_OPENING)
        if states:
            update["draft"] = f"On our side, {'; '.join(states)}.\n\n{update['draft']}"
    if script.offer and script.handoff and not _asks_for_person(state):
        update["handoff"] = None
        update.update(offer_person(state, runtime, script.handoff))
    return update


async def scam(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """A scam or coercion: a plain warning, the freeze offer, and an urgent handoff with reason "scam".
    A scam message the customer only received (not clicked, nothing paid or given) gets the warning alone."""
    kind = (state.get("screening") or {}).get("vulnerability")
    if kind not in ("coercion", "self_harm") and scam_received_only(state.get("text", "")):
        return _care("scam", scam_received_script(runtime.context.kb), "answer")
    text = state.get("text", "")
    # "he's ever so polite, he's waiting in his van": the story warned about goes on; its own warning again
    # (the message before this one; a message read again after an offer lapsed is in the history twice).
    before = next((m for m in reversed(customer_messages(state)) if m != text), "")
    unpaid = before_paying_rules(text, before if state.get("scam_warned") else "")
    if kind in (None, "fraud_victim", "distress") and unpaid is not None:
        # Nothing has gone yet (a seller who wants a bank transfer, a fee to release a prize, and the
        # pressure or "proof" that follows): the plain warning of its kind, no card to freeze, a person
        # offered rather than handed the conversation.
        script = scam_before_paying_script(runtime.context.kb, rules=unpaid)
        update = _care("scam", script, "scam_warning")
        if script.handoff and not _asks_for_person(state):
            update["handoff"] = None
            update.update(offer_person(state, runtime, script.handoff))
        return update
    rules = scam_rules(text) or scam_rules(before)
    return _care("scam", scam_script(runtime.context.kb, kind, rules=rules), "scam_warning")


async def third_party(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Someone asking about another person's account: what we can and cannot do; no data, no handoff."""
    return _care("third_party", third_party_script(runtime.context.kb), "answer")


async def degraded(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    emit_step("degraded", "offer_handoff")
    return {"draft": DEGRADED, "draft_kind": "answer"}
