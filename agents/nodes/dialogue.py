"""The conversation around the flows: several requests in one message, a confirmation asked again when the
answer was unclear, and a waiting confirmation kept (and recalled) while the customer asks something else.

A message's requests are answered in order. A question or confirmation one of them needs is asked after the
others have been answered (``deferred``); a second state change waits in ``later`` until the first has been
answered, because state changes are confirmed one at a time.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.nodes.care import INVITE_PERSON
from agents.nodes.common import emit_step
from agents.state import AgentState

UNCLEAR = "Sorry, I didn't quite catch that."
STILL_WAITING = "I still need your answer on this:"
HANDOFF_OFFER = "handoff_offer"  # the procedure name of agents.nodes.answers.offer_person's pending action
NOTHING_DONE_YET = "Nothing has changed yet."


def turn_reset(text: str) -> dict[str, Any]:
    """The working values of one request, cleared before the next one of the same message is handled."""
    return {
        "text": text,
        "draft": "",
        "draft_kind": "answer",
        "reply": "",
        "triage": {},
        "flow": "",
        "notices": [],
        "urgent": None,
        "forced_intent": None,
        "kb_slug": None,
    }


def _this_request(state: AgentState) -> dict[str, Any]:
    return {"text": state.get("text", ""), "intent": state.get("forced_intent")}


def _already_said(reply: str, answered: list[str]) -> bool:
    """This answer was already given for an earlier request of the message (it may follow the disclosure
    the first answer opens with)."""
    return any(earlier.strip().endswith(reply.strip()) for earlier in answered if reply.strip())


def has_more(state: AgentState) -> bool:
    if state.get("queue"):
        return True
    # A request set aside behind a confirmation can start once nothing waits.
    return bool(state.get("later")) and not state.get("pending_action") and not state.get("deferred")


async def next_request(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Keep this request's approved reply and take up the next request of the message."""
    answered = list(state.get("answered") or [])
    update: dict[str, Any] = {}
    reply = state.get("reply", "")
    waits = state.get("draft_kind") in ("confirmation", "question")
    deferred = state.get("deferred")
    if waits and deferred is None:
        # Ask it last, so the other requests are answered first; remember what the question belongs to.
        update["deferred"] = {
            "reply": reply,
            "kind": state.get("draft_kind"),
            "procedure": state.get("procedure"),
            "procedure_intent": state.get("procedure_intent"),
            "slots": state.get("slots") or {},
            "pending_action": state.get("pending_action"),
        }
    elif waits:
        # One question or confirmation per reply: this request waits for the next turn.
        update["later"] = [*(state.get("later") or []), _this_request(state)]
        update["pending_action"] = deferred.get("pending_action") if deferred else None
    elif reply and not _already_said(reply, answered):
        # Two requests of one message with the same answer ("what I spent at Tesco and how much in total")
        # are answered once.
        answered.append(reply)
    queue = list(state.get("queue") or [])
    if not queue:
        queue = list(state.get("later") or [])
        update["later"] = []
    nxt = queue.pop(0)
    update.update(turn_reset(str(nxt.get("text", ""))))
    update["forced_intent"] = nxt.get("intent")
    update["first_reply"] = False  # the disclosure opens the message once, not every answer in it
    update["queue"] = queue
    update["answered"] = answered
    if not waits:
        update["procedure"] = None
        update["slots"] = {}
    emit_step(
        "next_request", "continue", remaining=len(queue), deferred=bool(update.get("deferred") or deferred)
    )
    return update


def restore_deferred(state: AgentState) -> dict[str, Any]:
    """The deferred question or confirmation, back in charge once the other requests are answered."""
    deferred = state.get("deferred") or {}
    if not deferred:
        return {}
    return {
        "procedure": deferred.get("procedure"),
        "procedure_intent": deferred.get("procedure_intent"),
        "slots": deferred.get("slots") or {},
        "pending_action": deferred.get("pending_action"),
        "draft_kind": deferred.get("kind") or "answer",
    }


async def finish_deferred(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Every request of the message answered: the deferred question or confirmation is asked last."""
    deferred = state.get("deferred") or {}
    answered = list(state.get("answered") or [])
    update = restore_deferred(state)
    if state.get("draft_kind") in ("confirmation", "question"):
        # This request also needed an answer from the customer: it waits for the next turn.
        update["later"] = [*(state.get("later") or []), _this_request(state)]
    elif state.get("reply") and not _already_said(state.get("reply", ""), answered):
        answered.append(state.get("reply", ""))
    last = str(deferred.get("reply", ""))
    offer = deferred.get("pending_action") or {}
    if offer.get("procedure") == HANDOFF_OFFER and len(answered) > 1 and "later" not in update:
        # Support, and the question that came with it answered: a person is offered in words, not asked for
        # a yes (a bereaved customer who asked when the mortgage goes has their answer; nothing waits).
        last = INVITE_PERSON
        update["pending_action"] = None
        update["draft_kind"] = "answer"
    update["reply"] = "\n\n".join([*answered, last]).strip()
    update["answered"] = []
    update["deferred"] = None
    emit_step("finish_deferred", str(deferred.get("kind")), answered=len(answered))
    return update


def composed_reply(state: AgentState, reply: str) -> str:
    """This message's earlier answers, then ``reply`` (and a deferred question or confirmation last)."""
    parts = [*(state.get("answered") or [])]
    deferred = state.get("deferred") or {}
    if reply and not _already_said(reply, parts):
        parts.append(reply)
    if deferred.get("reply") and deferred.get("reply") != reply:
        parts.append(str(deferred["reply"]))
    return "\n\n".join(p for p in parts if p)


def _prompt(action: dict[str, Any]) -> str:
    """The waiting action's own confirmation question (older checkpoints carry only its summary)."""
    summary = action.get("summary", "go ahead")
    return str(action.get("prompt") or f"Shall I {summary}? Please reply yes or no.")


async def reask(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The answer to a confirmation was neither yes nor no: ask again, in full."""
    action = state.get("pending_action") or {}
    prompt = _prompt(action)
    emit_step("reask", "ask_again", action_id=action.get("id"))
    return {"draft": f"{UNCLEAR} {NOTHING_DONE_YET} {prompt}", "draft_kind": "confirmation", "decision": None}


async def remind(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The customer asked something else while an action waited: answer, then recall the action."""
    action = state.get("pending_action") or {}
    prompt = _prompt(action)
    emit_step("remind", "still_waiting", action_id=action.get("id"))
    reply = composed_reply(state, state.get("reply", ""))
    return {
        "reply": f"{reply}\n\n{STILL_WAITING} {prompt}".strip(),
        "answered": [],
        "deferred": None,
        "decision": None,
        "draft_kind": "confirmation",
    }
