"""Driving procedures turn by turn in tests."""

from __future__ import annotations

import json
import uuid
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from agents.kb import KnowledgeBase, load_kb
from agents.ports import BankingPort
from agents.procedures.engine import Answer, Ask, Confirm, plan
from agents.procedures.spec import ProcedureSpec
from agents.tools import TOOLS
from tests.agents.procedures.seeded import TODAY

KB_DIR = Path(__file__).resolve().parents[3] / "fixtures" / "kb"


@cache
def shipped_kb() -> KnowledgeBase:
    """The help centre the product ships (the engine itself is always handed one)."""
    return load_kb(KB_DIR)


INJECTED_FRAGMENTS = ("ignore your previous instructions", "41234567", "AMZN MKTP REF", "AI assistant")


async def turn(
    spec: ProcedureSpec,
    banking: BankingPort,
    text: str,
    slots: dict[str, Any] | None = None,
    *,
    today: date = TODAY,
    kb: KnowledgeBase | None = None,
) -> Ask | Confirm | Answer:
    result = await plan(
        spec,
        text=text,
        slots=slots or {},
        banking=banking,
        action_id=str(uuid.uuid4()),
        today=today,
        kb=kb or shipped_kb(),
    )
    # Everything the graph will checkpoint must be JSON.
    if isinstance(result, Ask):
        json.dumps(result.slots)
    elif isinstance(result, Confirm):
        json.dumps(result.action.args)
    else:
        json.dumps(result.facts)
    # plan never changes anything, whatever it is asked.
    calls = result.tool_calls if not isinstance(result, Ask) else []
    assert all(TOOLS[c.tool].read_only for c in calls)
    return result


def answer(result: Ask | Confirm | Answer) -> Answer:
    assert isinstance(result, Answer), result
    return result


def ask(result: Ask | Confirm | Answer) -> Ask:
    assert isinstance(result, Ask), result
    return result


def confirm(result: Ask | Confirm | Answer) -> Confirm:
    assert isinstance(result, Confirm), result
    return result


def shown(result: Ask | Confirm | Answer) -> str:
    """What the customer would read."""
    if isinstance(result, Ask):
        return result.question
    if isinstance(result, Confirm):
        return result.prompt
    return result.draft
