from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from agents.kb import KnowledgeBase
from agents.procedures.engine import supports
from agents.procedures.spec import (
    ProcedureSpec,
    ProcedureSpecError,
    load_procedures,
    parse_procedures,
    procedure_for_intent,
)
from agents.triage.routes import ROUTES

REQUIRED = {
    "check_balance",
    "account_details",
    "recent_transactions",
    "card_arrival",
    "freeze_card",
    "unfreeze_card",
    "report_lost_stolen",
    "payment_status",
    "dispute_transaction",
    "fees_and_limits",
    "recurring_payments",
    "income",
    "regular_money",
    "spending",
    "affordability",
    "cancel_direct_debit",
    "cancel_standing_order",
    "cancel_scheduled_payment",
    "card_status",
    "dispute_status",
}


def test_shipped_procedures_are_complete_and_runnable(procedures: dict[str, ProcedureSpec]) -> None:
    assert set(procedures) == REQUIRED
    for spec in procedures.values():
        assert supports(spec), spec.name
        assert spec.state_changing == (spec.confirm is not None)
    assert {name for name, spec in procedures.items() if spec.state_changing} == {
        "freeze_card",
        "unfreeze_card",
        "report_lost_stolen",
        "dispute_transaction",
        "cancel_direct_debit",
        "cancel_standing_order",
        "cancel_scheduled_payment",
    }
    assert procedures["fees_and_limits"].tool is None


def test_kb_slugs_exist(procedures: dict[str, ProcedureSpec], kb: KnowledgeBase) -> None:
    for spec in procedures.values():
        for slug in spec.kb_slugs:
            assert slug in kb.slugs, (spec.name, slug)
    assert procedures["fees_and_limits"].kb_slugs == ("fees", "limits")


def test_banking77_intents_map_to_known_triage_intents(procedures: dict[str, ProcedureSpec]) -> None:
    for spec in procedures.values():
        for intent in spec.intents:
            assert intent in ROUTES or intent in REQUIRED, (spec.name, intent)


def test_procedure_for_intent(procedures: dict[str, ProcedureSpec]) -> None:
    assert procedure_for_intent("lost_or_stolen_card", procedures) == procedures["report_lost_stolen"]
    assert procedure_for_intent("card_arrival", procedures) == procedures["card_arrival"]
    assert procedure_for_intent("freeze_card", procedures) == procedures["freeze_card"]
    assert procedure_for_intent("greeting", procedures) is None


def test_a_deposit_not_showing_is_answered_from_the_help_centre(procedures: dict[str, ProcedureSpec]) -> None:
    # A cheque or cash paid in that is not showing is not in the records yet: the balance cannot say how long
    # it takes to clear; the help centre's "Cash or cheque deposit not showing" does.
    assert procedure_for_intent("balance_not_updated_after_cheque_or_cash_deposit", procedures) is None
    assert procedure_for_intent("check_balance", procedures) == procedures["check_balance"]


def _one(**body: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"description": "d", "replies": {"ok": "fine"}}
    return {"procedures": {"p": {**base, **body}}}


ACTION_REPLIES = {"ok": "a", "declined": "b", "refused": "c", "not_found": "d"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (_one(tool="transfer_money"), "unknown tool 'transfer_money'"),
        (_one(tool="freeze_card", state_changing=True, replies=ACTION_REPLIES), "needs a 'confirm' prompt"),
        (_one(tool="freeze_card", replies=ACTION_REPLIES), "calls the state-changing tool"),
        (_one(tool="list_cards", confirm="sure?"), "not state_changing"),
        (
            _one(slots=[{"name": "x", "kind": "pet", "ask": "?"}]),
            "unknown kind 'pet'",
        ),
        (
            _one(slots=[{"name": "c", "kind": "card", "statuses": ["shiny"], "ask": "?"}]),
            "unknown card status",
        ),
        (_one(slots=[{"name": "c", "kind": "card"}]), "needs an 'ask' question"),
        (_one(replies={"ok": "{card.number}"}), "only plain {name} fields"),
        (_one(replies={"none": "x"}), "including 'ok'"),
        (
            _one(tool="freeze_card", state_changing=True, confirm="ok?", replies={"ok": "a"}),
            "need replies for",
        ),
        (_one(colour="red"), "unknown field"),
        ({"procs": {}}, "top-level 'procedures'"),
    ],
)
def test_validation_errors_are_clear(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ProcedureSpecError, match=message.replace("(", r"\(").replace("{", r"\{")):
        parse_procedures(raw)


def test_an_intent_belongs_to_one_procedure() -> None:
    raw = {
        "procedures": {
            "a": {"description": "d", "intents": ["x"], "replies": {"ok": "a"}},
            "b": {"description": "d", "intents": ["x"], "replies": {"ok": "b"}},
        }
    }
    with pytest.raises(ProcedureSpecError, match="claimed by both"):
        parse_procedures(raw)


def test_load_procedures_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(_one(tool="no_such_tool")))
    with pytest.raises(ProcedureSpecError, match=str(path).replace("\\", "\\\\")):
        load_procedures(path)
