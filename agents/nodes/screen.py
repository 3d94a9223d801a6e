"""screen: act on what screening found in the raw text (redaction already happened at the door).

The pure screening (agents.safety.screen) runs before the graph, so the raw text never enters the state or
a checkpoint; this node turns its result into decisions: notices, flags and the flows that bypass triage.
"""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.nodes.common import emit_step
from agents.nodes.language import screen_language
from agents.state import AgentState

CARD_NOTICE = (
    "For your security, please don't share card numbers or security codes in chat: I've removed them from "
    "this conversation, and we will never ask for them."
)
CANCELLED_NOTICE = "I haven't made the change I asked you to confirm earlier."

# A request for a person is honoured in every phrasing, even with every model provider down, so it is a rule.
_HUMAN = re.compile(
    r"\b(?:(?:speak|talk|chat|connect|put|transfer|pass)\w*\b.{0,30}\b"
    r"(?:human|person|someone|somebody|agent|advis[eo]r|representative|operator|staff|people|colleague|manager)"
    r"|real (?:person|human|people)|human (?:being|agent|please)|live (?:agent|person|chat)"
    r"|customer (?:service|support) (?:agent|rep|representative|person)"
    r"|not (?:a|another) (?:bot|robot|machine)"
    r"|stop (?:being a |talking to a )?(?:bot|robot)|(?:get|give) me (?:a|an|someone) (?:human|person|agent)"
    r"|\bhuman\b\W*$|^\W*(?:agent|operator|representative|human)\W*(?:please)?\W*$)",
    re.IGNORECASE,
)
_PII_TYPES = {"card_number", "cvv"}
FLOW_BY_FLAG = (  # first match wins: safety before service
    ("vulnerability", "vulnerability"),
    ("jailbreak", "refuse"),
    ("prompt_injection", "refuse"),
)


def wants_human(text: str) -> bool:
    return bool(_HUMAN.search(text))


async def screen(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    text = state.get("text", "")
    screening = state.get("screening") or {}
    flags = set(screening.get("flags", []))
    findings = screening.get("findings", [])
    notices: list[str] = []
    if any(f.get("type") in _PII_TYPES for f in findings):
        notices.append(CARD_NOTICE)
    history = [{"role": "staff", "content": note} for note in state.get("staff_notes", [])]
    history.append({"role": "customer", "content": text})
    update: dict[str, Any] = {
        "history": history,
        "notices": notices,
        "draft": "",
        "draft_kind": "answer",
        "handoff": None,
        "reply": "",
        "outcome": "reply",
        "triage": {},
        "flow": "",
    }
    if state.get("pending_action"):
        # The customer wrote something instead of answering the confirmation: nothing is done.
        update["pending_action"] = None
        notices.append(CANCELLED_NOTICE)
    flow = next((f for flag, f in FLOW_BY_FLAG if flag in flags), "")
    if not flow:  # another language: after the safety flags, before the complaint and person rules
        language = screen_language(text, screening, runtime.context.settings)
        flow, text = language.flow, language.text
        notices.extend([language.notice] if language.notice else [])
        update["text"] = text
    if not flow and wants_human(text):
        flow = "handoff"
        update["handoff"] = {"reason": "customer asked for a person", "priority": "normal"}
    if not flow and "complaint" in flags:
        flow = "complaint"
    if flow:
        update["procedure"] = None
        update["slots"] = {}
    update["flow"] = flow
    emit_step(
        "screen",
        flow or "triage",
        findings=[{"type": f.get("type"), "start": f.get("start"), "end": f.get("end")} for f in findings],
        flags=sorted(flags),
        vulnerability=screening.get("vulnerability"),
    )
    return update
