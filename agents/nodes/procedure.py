"""procedure / confirm / execute: run a declarative banking procedure deterministically.

Models only understand and phrase: which tool runs, with which ids, is decided here from the procedure's
data and the customer's own accounts. A state change needs the customer's explicit "yes" (a LangGraph
interrupt, resumable from another request or process) and runs once per action id.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agents.context import AgentContext
from agents.dialogue.cues import cards_named_together, requests_after_answer
from agents.nodes.answers import is_handoff_offer
from agents.nodes.common import customer_messages, emit_step, today_of
from agents.nodes.dialogue import composed_reply
from agents.nodes.route import FRAUD_INTENTS
from agents.nodes.screen import handoff_priority
from agents.procedures.context import ALSO
from agents.procedures.engine import Answer, Ask, Confirm, ToolCallLog, execute, plan
from agents.procedures.recorded import pending_action
from agents.procedures.slots import parse_currency
from agents.procedures.textparse import parse_account_kind, parse_card_brand, parse_last4
from agents.state import AgentState


def _tool_log(calls: list[ToolCallLog]) -> list[dict[str, Any]]:
    # Not dataclasses.asdict: its deep copy of every listed transaction cost about a millisecond a turn. The
    # arguments and results are built for this log and never changed after the call.
    return [{f.name: getattr(c, f.name) for f in fields(c)} for c in calls]


def _fraud_handoff(intent: str | None) -> dict[str, str] | None:
    if intent in FRAUD_INTENTS:
        return {"reason": f"possible fraud ({intent})", "priority": "urgent"}
    return None


def _oldest_listed(lines: list[str]) -> str | None:
    """The earliest day a listing shows ("- 16 Nov 2026: Virgin Media, -£56.59"), as an ISO date."""
    days = []
    for line in lines:
        found = re.search(r"\b(\d{1,2} [A-Z][a-z]{2} \d{4})\b", line)
        if found:
            with contextlib.suppress(ValueError):
                days.append(datetime.strptime(found.group(1), "%d %b %Y").date())
    return min(days).isoformat() if days else None


def _frame(
    state: AgentState, name: str, intent: str | None, text: str, facts: dict[str, Any]
) -> dict[str, Any]:
    """What a follow-up can refer to: the request just answered, its words and what the answer listed."""
    lines = [ln[2:] for ln in str(facts.get("lines", "")).splitlines() if ln.startswith("- ")]
    if not lines and name == "income" and facts.get("date") and facts.get("payer") and facts.get("amount"):
        # "did my wages go in?" answered with the latest one: that payment is what "what day did it land"
        # asks about, as a payment line (its day, who paid, how much).
        lines = [f"{facts['date']}: {facts['payer']}, {facts['amount']}"]
    kept = list((state.get("frame") or {}).get("figures") or [])
    if facts.get("outcome") == "direction":
        figures = kept  # "was that a refund?": the same payment again, not another amount to add up
    else:
        figure = _figure(facts, lines)
        figures = [*kept, figure][-FIGURES_KEPT:] if figure else []
    said = (customer_messages(state) or [text])[-1]
    last = state.get("frame") or {}
    # The other requests of the same message, latest first, so a follow-up can go back to one of them ("has
    # my card been sent and what's my balance", then "what day did it go out").
    earlier = (
        [{k: v for k, v in last.items() if k != "earlier"}, *(last.get("earlier") or [])][:EARLIER_KEPT]
        if state.get("answered") and last.get("procedure")
        else []
    )
    return {
        "intent": intent,
        "procedure": name,
        "text": text,
        # The customer's own words, when the request was reworded for its procedure ("last month" stays
        # here for "and the month before?" after the payments to a biller were listed over time).
        "said": said,
        "listed": lines[:10],
        "oldest": facts.get("oldest") or _oldest_listed(lines),
        # What the answer was about, so "the other one" can mean the rest.
        "shown": list(facts.get("card_ids") or ([facts["account_id"]] if facts.get("account_id") else [])),
        # The single amounts of this answer and the ones just before it, for "how much is that altogether?"
        "figures": figures,
        "earlier": earlier,
    }


FIGURES_KEPT = 3
EARLIER_KEPT = 2
_LINE_MONEY = re.compile(r"(?P<label>[^:,£€$]+?)[:,] -?(?P<cur>[£€$])(?P<amount>[\d,]+\.\d{2})")
_CURRENCY_OF = {"£": "GBP", "€": "EUR", "$": "USD"}


def _figure(facts: dict[str, Any], lines: list[str]) -> list[Any] | None:
    """[label, minor units, currency] when the answer came to one amount: a total in one currency, or a
    single payment listed; None otherwise."""
    if facts.get("outcome") in ("sum_of_figures", "share_of_figures"):
        return None
    totals = facts.get("totals_minor")
    if isinstance(totals, dict) and len(totals) == 1 and facts.get("outcome") == "ok":
        ((currency, minor),) = totals.items()
        label = str(facts.get("what") or "").strip().removeprefix("at ").strip() or "that"
        return [label, int(minor), currency]
    minor, currency = facts.get("figure_minor"), facts.get("figure_currency")
    if isinstance(minor, int) and isinstance(currency, str) and not lines:
        # One payment told in words ("your latest salary payment, £2,315.00 from ..."), not listed.
        return [str(facts.get("payer") or "that"), abs(minor), currency]
    if len(lines) == 1 and (m := _LINE_MONEY.search(lines[0])):
        minor = round(float(m.group("amount").replace(",", "")) * 100)
        label = re.sub(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$", "", m.group("label").strip()) or "that"
        return [label, minor, _CURRENCY_OF[m.group("cur")]]
    return None


_SAFE_CARD = re.compile(
    r"\b(?:(?:the|my|our)\s+)?(?P<which>euro|eur|dollar|usd|gbp|sterling|pound|credit|debit|visa|mastercard|"
    r"amex|savings|business|joint|travel|other)\s+(?:one|card|cards)?\s*(?:"
    r"(?:is|was|are|s|'s|’s)\s+(?:still\s+|safe\s+)?(?:[\w']+\s+){0,3}?"
    r"(?:at home|safe|fine|ok|okay|with me|on me|in (?:my|the) (?:drawer|other bag|desk|safe)|"
    # "debit card's in my hand", "the credit card was in my wallet the whole time": never out of reach
    r"in my hands?|the whole time|all along|"
    r"not in it|wasnt in it|was not in it|indoors|in the house)"
    r"|(?:still\s+)?(?:with me|on me))\b"
    r"|\bi (?:still )?(?:have|ve got|got) (?:the|my) (?P<which2>[a-z]+) (?:one|card)\b"
    r"|\bnot (?:the|my) (?P<which3>[a-z]+) (?:one|card)\b",
    re.IGNORECASE,
)


def _describes(word: str, card: Any, account: Any, *, loose: bool = False) -> bool:
    """Whether the customer's word for a card ("euro", "credit", "visa") fits this card; ``loose``: whether
    a phrase names it (its currency, kind or brand anywhere in it)."""
    if loose:
        if (currency := parse_currency(word)) and account is not None:
            return bool(account.currency == currency)
        if (brand := parse_card_brand(word)) is not None:
            return bool(str(brand).lower() in card.brand.lower())
        return False
    word = word.replace(" card", "").strip()
    if (currency := parse_currency(word)) and account is not None:
        return bool(account.currency == currency)
    if (kind := parse_account_kind(word)) and account is not None:
        return bool(account.kind == kind)
    return bool(word) and word.lower() in card.brand.lower()


async def _cards_together(state: AgentState, runtime: Runtime[AgentContext], slots: dict[str, Any]) -> bool:
    """Several cards to freeze on one yes: "both my cards were in it", "freeze all my cards", "the debit and
    the mastercard". The first (the one on a current account) fills the card slot, the others ``also``; the
    confirmation names each of them. False (nothing set) when the message singles out fewer than two of the
    customer's active cards, or keeps one back ("the euro one is at home")."""
    text = state.get("text", "")
    together = cards_named_together(text)
    if not together or slots or parse_last4(text)[0] or _SAFE_CARD.search(text):
        return False
    cards = [c for c in await runtime.context.banking.list_cards() if c.status == "active"]
    accounts = {a.id: a for a in await runtime.context.banking.list_accounts()}
    if together != ("every",):
        cards = [c for c in cards if any(_describes(w, c, accounts.get(c.account_id)) for w in together)]
    if len(cards) < 2:
        return False
    cards.sort(key=lambda c: getattr(accounts.get(c.account_id), "kind", None) != "current")
    slots["card"] = cards[0].id
    slots[ALSO] = [c.id for c in cards[1:]]
    return True


async def _urgent_cards(
    state: AgentState, runtime: Runtime[AgentContext], slots: dict[str, Any]
) -> list[str]:
    """Urgent and no card named: no "which card?" first. A lost or stolen wallet takes every card with it,
    so all are frozen one at a time (the others are returned, to ask next); payments not recognised or card
    details given away are on one card, most likely the debit card, which is offered."""
    text = state.get("text", "")
    if slots or parse_last4(text)[0]:
        return []
    # "the euro one is at home", "debit cards on me": a card the customer still has is named to be left out,
    # not to be frozen; the card named elsewhere in the message ("my euro card was in the pocket") is the one.
    safe = [m.group("which") or m.group("which2") or m.group("which3") for m in _SAFE_CARD.finditer(text)]
    if safe or state.get("urgent"):
        cards = [c for c in await runtime.context.banking.list_cards() if c.status == "active"]
        accounts = {a.id: a for a in await runtime.context.banking.list_accounts()}
    if safe:
        kept = [c for c in cards if not any(_describes(w, c, accounts.get(c.account_id)) for w in safe)]
        named_words = _SAFE_CARD.sub(" ", text)
        chosen = [c for c in kept if _describes(named_words, c, accounts.get(c.account_id), loose=True)]
        if len(kept) == 1 or len(chosen) == 1:
            slots["card"] = (kept if len(kept) == 1 else chosen)[0].id
            return []
    if not state.get("urgent"):
        return []
    named = _SAFE_CARD.sub(" ", text)
    if parse_card_brand(named) or parse_account_kind(named) or parse_currency(named):
        return []  # the card named ("my euro card") is the one the resolver finds
    if len(cards) < 2:
        return []
    # The card on a current account first: it is the one most often in use.
    kinds = {a_id: a.kind for a_id, a in accounts.items()}
    cards.sort(key=lambda c: kinds.get(c.account_id) != "current")
    slots["card"] = cards[0].id
    if state.get("urgent") != "lost_or_stolen_card":
        return []
    return [c.last4 for c in cards[1:]]


async def run_procedure(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    ctx = runtime.context
    name = state.get("procedure") or ""
    spec = ctx.procedures[name]
    # The intent that started the procedure, not this turn's (an answer such as "2" has no intent of its own).
    intent = state.get("procedure_intent") or (state.get("triage") or {}).get("intent")
    today = today_of(state)
    slots = dict(state.get("slots") or {})
    together = spec.name == "freeze_card" and await _cards_together(state, runtime, slots)
    more_cards = (
        await _urgent_cards(state, runtime, slots) if spec.name == "freeze_card" and not together else []
    )
    result = await plan(
        spec,
        text=state.get("text", ""),
        slots=slots,
        banking=ctx.banking,
        action_id=f"{ctx.conversation_id}:{uuid.uuid4().hex}",
        today=today,
        kb=ctx.kb,
    )
    if isinstance(result, Ask):
        emit_step("procedure", "ask", procedure=name, slots=result.slots)
        return {"draft": result.question, "draft_kind": "question", "slots": result.slots}
    if isinstance(result, Confirm):
        action = asdict(result.action)
        action["intent"] = intent
        action["prompt"] = result.prompt
        action["request"] = state.get("text", "")
        emit_step(
            "procedure", "confirm", procedure=name, action=action, tool_calls=_tool_log(result.tool_calls)
        )
        update: dict[str, Any] = {
            "draft": result.prompt,
            "draft_kind": "confirmation",
            "pending_action": action,
            "procedure": None,
            "slots": {},
        }
        earlier = state.get("pending_action")
        same = bool(earlier) and (earlier or {}).get("summary") == action.get("summary")
        if earlier and earlier.get("id") != action["id"] and not same:
            # One confirmation at a time: the newer request replaces the one that was waiting (the same
            # change asked again is simply asked again). Summaries are verb phrases ("freeze your card...").
            update["notices"] = [
                *state.get("notices", []),
                f"I won't {earlier.get('summary', 'make the earlier change')} for now.",
            ]
        if more_cards:
            later = [
                {"text": f"freeze my card ending {last4}", "intent": "freeze_card"} for last4 in more_cards
            ]
            update["later"] = [*later, *(state.get("later") or [])]
            update["draft"] += (
                " (I'll ask about your other card next.)"
                if len(more_cards) == 1
                else " (I'll ask about your other cards next.)"
            )
        return update
    assert isinstance(result, Answer)
    emit_step(
        "procedure",
        result.outcome,
        procedure=name,
        tool_calls=_tool_log(result.tool_calls),
        facts=result.facts,
    )
    update = {
        "draft": result.draft,
        "draft_kind": "answer",
        "procedure": None,
        "slots": {},
        "frame": _frame(state, name, intent, state.get("text", ""), result.facts),
    }
    handoff = _fraud_handoff(intent)
    if handoff and not state.get("later") and not state.get("queue"):
        update["handoff"] = handoff
    return update


# The worry itself is over ("found it", "he's just come through the door with it", "panic over"): not a plain
# "no, leave it", which declines the freeze and leaves the payments the customer doesn't recognise to take up.
_RESOLVED = re.compile(
    r"\b(?:found (?:it|them|the card|my card)|"
    r"(?:come|came|walked|got|arrived) (?:back|in|home|through the door)|turned up|false alarm|"
    r"my (?:mistake|bad)|panic over|(?:he|she|they)(?:'s| has| have| had)? (?:got|brought|found) it|"
    r"it was (?:me|him|her|them) all along)\b",
    re.IGNORECASE,
)
_URGENT_FOLLOW_UPS = frozenset(
    {
        "lost_or_stolen_card",
        "card_payment_not_recognised",
        "cash_withdrawal_not_recognised",
        "compromised_card",
    }
)


async def confirm(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Pause the graph until the customer answers (POST /v1/conversations/{id}/confirm, or a typed message).

    The app reads the answer (agents.dialogue.decision): ``yes`` and ``no`` go to ``execute``; ``unclear``
    asks again; ``other`` is a new request, answered while the action keeps waiting.
    """
    action = state.get("pending_action") or {}
    decision = str(interrupt({"action": action, "prompt": state.get("reply", "")})).strip().lower()
    if decision not in ("yes", "no", "unclear", "other"):
        decision = "unclear"
    if decision == "unclear" and is_handoff_offer(action) and state.get("scam_warned"):
        # "He's ever so polite, he's waiting in his van outside": after a scam warning, a message that neither
        # takes up nor declines the offer of a person goes on with the story; it is read as a message of its
        # own (the offer lapses, and the warning is given again), not answered with the offer repeated.
        decision = "other"
    emit_step("confirm", decision, action_id=action.get("id"))
    update: dict[str, Any] = {"decision": decision}
    if decision == "no" and state.get("later"):
        # "No, I've found it": a declined freeze takes the planned report of a lost card with it; "actually
        # no, leave it, he's just come back with it": the worry is over, and so is what was planned after.
        over = _RESOLVED.search(state.get("text", ""))
        dropped = _URGENT_FOLLOW_UPS if over else {"lost_or_stolen_card"}
        update["later"] = [r for r in state.get("later") or [] if r.get("intent") not in dropped]
    if decision in ("yes", "no"):
        # "Yes please. And what's my balance?": the answer first, then the rest of the message.
        rest = requests_after_answer(state.get("text", ""))
        if rest:
            topic = ACTION_TOPICS.get(str(action.get("procedure") or ""))
            update["queue"] = [{"text": about_action(part, topic)} for part in rest]
    return update


# What "it" or "these" means in a question asked with the answer to a confirmation: the kind of thing the
# action was about, singular and plural ("alright yes. how long do these normally take?" after a dispute).
ACTION_TOPICS: dict[str, tuple[str, str]] = {
    "dispute_transaction": ("the dispute", "disputes"),
}
_POINTER = re.compile(
    r"\b(?:(?P<one>it|this|that|this one|that one)|(?P<many>these|those|they|them))\b", re.I
)
_ASKS_TIME = re.compile(r"^\W*(?:how long|how soon|how quickly|how many (?:days|weeks)|when)\b", re.I)


def about_action(question: str, topic: tuple[str, str] | None) -> str:
    """A question of time asked with the answer ("how long does it take?"), with the word that points back
    at the action named ("how long does the dispute take?"); any other request as it was."""
    if topic is None or not _ASKS_TIME.search(question):
        return question
    found = _POINTER.search(question)
    if found is None:
        return question
    named = topic[0] if found.group("one") else topic[1]
    return f"{question[: found.start()]}{named}{question[found.end() :]}"


async def ask_confirmation(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The approved confirmation question (after this message's other answers) becomes the turn's reply; the
    graph then waits in ``confirm``."""
    reply = composed_reply(state, state.get("reply", ""))
    emit_step(
        "ask_confirmation", "awaiting_customer", action_id=(state.get("pending_action") or {}).get("id")
    )
    return {
        "history": [{"role": "assistant", "content": reply}],
        "reply": reply,
        "answered": [],
        "deferred": None,
        "outcome": "confirmation_required",
    }


OFFER_DECLINED = "Of course. I'm here if there's anything else I can help with."
OFFER_DECLINED_COMPLAINT = (
    "Of course. Your complaint is on record, and we will send you our response in writing. I'm here if "
    "there's anything else I can help with."
)


def _answer_offer(state: AgentState, raw: dict[str, Any]) -> dict[str, Any]:
    """The customer's answer to the offer of a person: yes hands off at the case's priority, no keeps the
    conversation with the assistant. Nothing is done at the bank either way."""
    accepted = state.get("decision") == "yes"
    handoff = dict(raw.get("args") or {}) if accepted else None
    emit_step("execute", "offer_accepted" if accepted else "offer_declined", action_id=raw.get("id"))
    declined = OFFER_DECLINED_COMPLAINT if "complaint" in (state.get("cues") or []) else OFFER_DECLINED
    return {
        "draft": "" if accepted else declined,
        "draft_kind": "answer",
        "pending_action": None,
        "decision": None,
        "notices": [],
        "handoff": handoff,
        "reply": "",
        "outcome": "reply",
    }


async def execute_action(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    raw = dict(state.get("pending_action") or {})
    if is_handoff_offer(raw):
        return _answer_offer(state, raw)
    intent = raw.get("intent")
    action = pending_action(raw)
    confirmed = state.get("decision") == "yes"
    result = await execute(
        action,
        confirmed=confirmed,
        banking=runtime.context.banking,
        procedures=runtime.context.procedures,
        kb=runtime.context.kb,
    )
    emit_step(
        "execute",
        result.outcome,
        action_id=action.id,
        tool=action.tool,
        arguments=action.args,
        tool_calls=_tool_log(result.tool_calls),
        facts=result.facts,
    )
    update: dict[str, Any] = {
        "draft": result.draft,
        "draft_kind": "answer",
        "pending_action": None,
        "decision": None,
        "notices": [],
        "handoff": None,
        "reply": "",
        "outcome": "reply",
    }
    # "now the credit card as well" continues the action just answered.
    acted_on = [str(v) for k, v in action.args.items() if k.endswith("_id")]
    update["frame"] = {
        "intent": intent,
        "procedure": action.procedure,
        "text": "",
        "listed": [],
        "shown": acted_on,
    }
    # "actually no, leave it, he's just come back with it": declined because the worry is over; nothing
    # urgent is left to hand over or take up.
    over = not confirmed and bool(_RESOLVED.search(state.get("text", "")))
    if not state.get("later") and not state.get("queue") and not over:
        # Possible fraud goes to a person, urgently, once the card is safe: they go through the payments
        # and the dispute with the customer. A scam or distress seen in the conversation likewise.
        handoff = (_fraud_handoff(intent) if confirmed else None) or _cue_handoff(state)
        if handoff:
            update["handoff"] = handoff
    if (
        not confirmed
        and not over
        and intent in FRAUD_INTENTS
        and intent != "compromised_card"
        and raw.get("request")
    ):
        # Freeze declined: the payments the customer does not recognise are still taken up.
        update["later"] = [{"text": raw["request"], "intent": intent}, *(state.get("later") or [])]
    return update


def _cue_handoff(state: AgentState) -> dict[str, str] | None:
    cues = list(state.get("cues") or [])
    if "scam" in cues:
        return {"reason": "scam", "priority": "urgent"}
    if handoff_priority(cues) == "urgent" and any(c.startswith("vulnerability") for c in cues):
        return {"reason": "customer may be vulnerable", "priority": "urgent"}
    return None
