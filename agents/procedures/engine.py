"""Runs a declarative procedure one customer turn at a time.

``plan`` collects the slots (asking when something is missing or ambiguous), then either answers a
read-only request or returns a ``Confirm`` holding the ``PendingAction``; it never changes anything.
``execute`` runs a confirmed action exactly once per ``action.id`` (the idempotency key) and words
the outcome. Models play no part here: they only understand and phrase around it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from typing import Any

from agents.kb import KnowledgeBase
from agents.ports import BankingPort, part_key
from agents.procedures.context import ALSO, Run
from agents.procedures.dates import add_working_days, day_of, format_day
from agents.procedures.handlers import ACTION_BUILDERS, PROCEDURE_HANDLERS, READ_HANDLERS, collect_params
from agents.procedures.kbfacts import delivery_terms
from agents.procedures.money import format_money
from agents.procedures.recurring import CANCEL_TOOLS, TARGETS, cancelled_facts
from agents.procedures.render import render
from agents.procedures.results import Answer, Ask, Confirm, PendingAction, Stop, ToolCallLog
from agents.procedures.slots import resolve_account, resolve_card, resolve_transaction
from agents.procedures.spec import ProcedureSpec
from agents.tools.registry import run_tool
from agents.tools.views import clean_name

__all__ = ["Answer", "Ask", "Confirm", "PendingAction", "ToolCallLog", "execute", "plan", "supports"]

RESOLVERS = {"card": resolve_card, "account": resolve_account, "transaction": resolve_transaction}
_TARGETS = {"open_dispute": "that transaction", **TARGETS}


class UnsupportedProcedure(LookupError):
    """A procedure whose tool the engine has no handler for."""


def supports(spec: ProcedureSpec) -> bool:
    """Whether the engine can run ``spec`` (every shipped procedure can; a test checks it)."""
    if spec.state_changing:
        return spec.tool in ACTION_BUILDERS
    if spec.name in PROCEDURE_HANDLERS:
        return True
    return spec.tool in READ_HANDLERS and (spec.tool is not None or bool(spec.kb_slugs))


async def plan(
    spec: ProcedureSpec,
    *,
    text: str,
    slots: dict[str, Any],
    banking: BankingPort,
    action_id: str,
    today: date,
    kb: KnowledgeBase,
) -> Ask | Confirm | Answer:
    """One turn of ``spec``: a question, a confirmation request, or the answer.

    ``text`` is this turn's (redacted) customer message; ``slots`` is what earlier turns of the same
    procedure returned in ``Ask.slots`` (empty on the first turn). ``action_id`` becomes the pending
    action's id and idempotency key. ``kb`` is the deployment's help centre (the graph context's): the
    engine has no copy of its own, so a bank's ``BANKDESK_KB_DIR`` is what replies quote.
    """
    if not supports(spec):
        raise UnsupportedProcedure(
            f"procedure {spec.name!r}: the engine has no handler for tool {spec.tool!r}"
        )
    run = Run(
        spec=spec,
        text=text,
        state=copy.deepcopy(dict(slots)),
        banking=banking,
        today=today,
        kb=kb,
    )
    try:
        collect_params(run)
        resolved: dict[str, Any] = {}
        for slot in spec.slots:
            resolved[slot.name] = await RESOLVERS[slot.kind](run, slot)
        if not spec.state_changing:
            handler = PROCEDURE_HANDLERS.get(spec.name) or READ_HANDLERS[spec.tool]
            return await handler(run, resolved)
        built = await ACTION_BUILDERS[spec.tool or ""](run, resolved)
    except Stop as stop:
        return stop.result
    # Both guaranteed for state-changing procedures by load_procedures.
    assert spec.tool is not None
    assert spec.confirm is not None
    action = PendingAction(
        id=action_id,
        procedure=spec.name,
        tool=spec.tool,
        args=built.args,
        summary=built.summary,
        names=built.names,
    )
    prompt = render(spec.replies[built.confirm] if built.confirm else spec.confirm, built.facts)
    return Confirm(action=action, prompt=prompt, tool_calls=list(run.calls))


def _after_action(tool: str, result: dict[str, Any], kb: KnowledgeBase) -> dict[str, Any]:
    facts: dict[str, Any] = {"replayed": bool(result.get("replayed")), "target_id": result.get("target_id")}
    for key in ("last4", "status", "replacement_last4", "replacement_card_id", "dispute_id"):
        if key in result:
            facts[key] = result[key]
    if tool == "report_card":
        terms = delivery_terms(kb)
        dispatched = day_of(str(result["dispatched_at"]))
        facts.update(
            kind=result["status"],
            dispatched=format_day(dispatched),
            min_days=terms.min_days,
            max_days=terms.max_days,
            expected_by=format_day(add_working_days(dispatched, terms.max_days)),
        )
    if tool == "open_dispute":
        facts.update(
            amount=format_money(abs(int(result["amount_minor"])), str(result["currency"])),
            merchant=clean_name(str(result["merchant"])),
            dispute_ref=str(result["dispute_id"])[:8].upper(),
        )
    if tool in CANCEL_TOOLS:
        facts.update(cancelled_facts(result))
    return facts


async def execute(
    action: PendingAction,
    *,
    confirmed: bool,
    banking: BankingPort,
    procedures: Mapping[str, ProcedureSpec],
    kb: KnowledgeBase,
) -> Answer:
    """Run the confirmed action once (``action.id`` is the idempotency key), or nothing if declined.

    A retry with the same action id does not act again: the port replays the first result and the
    answer's facts say ``replayed``. A card or transaction that is gone (or not the customer's) gives
    outcome ``not_found``; a state that forbids the action gives ``refused``.
    """
    spec = procedures[action.procedure]
    facts: dict[str, Any] = {"procedure": spec.name, "summary": action.summary}
    if not confirmed:
        facts["outcome"] = "declined"
        return Answer(
            draft=render(spec.replies["declined"], facts), outcome="declined", facts=facts, tool_calls=[]
        )
    if action.args.get(ALSO):
        return await _execute_together(action, spec, facts, banking=banking, kb=kb)
    result = await run_tool(action.tool, banking, dict(action.args), idempotency_key=action.id)
    calls = [ToolCallLog(tool=action.tool, arguments=dict(action.args), result=result)]
    if not result.get("ok"):
        outcome = "not_found" if result.get("error") == "not_found" else "refused"
        facts.update(target=_TARGETS.get(action.tool, "that card"), reason=str(result.get("message", "")))
    else:
        facts.update(_after_action(action.tool, result, kb))
        outcome = "already" if result.get("already") and "already" in spec.replies else "ok"
    facts["outcome"] = outcome
    return Answer(draft=render(spec.replies[outcome], facts), outcome=outcome, facts=facts, tool_calls=calls)


async def _execute_together(
    action: PendingAction,
    spec: ProcedureSpec,
    facts: dict[str, Any],
    *,
    banking: BankingPort,
    kb: KnowledgeBase,
) -> Answer:
    """One yes, several cards ("both my cards were in it"): each card's change runs once under its own part
    of the action's key, the further cards first and the first card last under the action's own key, so the
    bank's record of that key means every card was done (what a turn cut short is told from)."""
    others = [str(c) for c in action.args.get(ALSO) or []]
    order = [(card_id, part_key(action.id, n)) for n, card_id in enumerate(others, start=1)]
    order.append((str(action.args["card_id"]), action.id))
    calls: list[ToolCallLog] = []
    done: list[Answer] = []
    for card_id, key in order:
        one = await execute(
            PendingAction(
                id=key,
                procedure=action.procedure,
                tool=action.tool,
                args={"card_id": card_id},
                summary=action.summary,
            ),
            confirmed=True,
            banking=banking,
            procedures={spec.name: spec},
            kb=kb,
        )
        calls.extend(one.tool_calls)
        done.append(one)
    said = [done[-1], *done[:-1]]  # the first card first, as the confirmation named them
    if not all(a.outcome in ("ok", "already") for a in said):
        drafts = dict.fromkeys(a.draft for a in said)  # each card's own outcome, each said once
        return Answer(draft=" ".join(drafts), outcome=said[0].outcome, facts=said[0].facts, tool_calls=calls)
    # Each card as planned: the first card's key is run last, so its record (all a turn cut short is told
    # from) means every card is frozen.
    last4s = [str(n) for n in action.args.get("last4s") or []] or [str(a.facts.get("last4")) for a in said]
    together = {**facts, "outcome": "ok", "last4s": ", ".join(last4s[:-1]) + f" and {last4s[-1]}"}
    draft = render(spec.replies["ok_together"], together)
    return Answer(draft=draft, outcome="ok", facts=together, tool_calls=calls)
