from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from agents.triage.data import DEFAULT_DATA_DIR
from agents.triage.routes import EXTRA_INTENTS, ROUTES, Route, render_routes_markdown, route_for

REPO_ROOT = Path(__file__).resolve().parents[3]
ROUTES_MD = REPO_ROOT / "agents" / "triage" / "ROUTES.md"
ACCOUNT_ACTION_INTENTS = (
    "check_balance",
    "recent_transactions",
    "freeze_card",
    "unfreeze_card",
    "dispute_transaction",
    "payment_status",
)


def test_every_intent_has_a_route() -> None:
    banking77 = json.loads((DEFAULT_DATA_DIR / "banking77" / "categories.json").read_text())
    assert set(ROUTES) == set(banking77) | set(EXTRA_INTENTS)
    assert len(ROUTES) == 77 + 12


def test_routes_are_the_agreed_strings() -> None:
    assert {info.route.value for info in ROUTES.values()} == {
        "kb_answer",
        "account_lookup",
        "card_action",
        "payment_status",
        "dispute",
        "complaint",
        "handoff",
        "smalltalk",
        "out_of_scope",
    }


def test_urgent_intents_are_exactly_the_dangerous_ones() -> None:
    urgent = {intent for intent, info in ROUTES.items() if info.urgent}
    assert urgent == {
        "lost_or_stolen_card",
        "lost_or_stolen_phone",
        "compromised_card",
        "card_payment_not_recognised",
        "direct_debit_payment_not_recognised",
        "cash_withdrawal_not_recognised",
        "vulnerability",
    }


@pytest.mark.parametrize(
    ("intent", "route"),
    [
        ("greeting", Route.SMALLTALK),
        ("thanks", Route.SMALLTALK),
        ("human_request", Route.HANDOFF),
        ("vulnerability", Route.HANDOFF),
        ("complaint", Route.COMPLAINT),
        ("out_of_scope", Route.OUT_OF_SCOPE),
        ("pending_transfer", Route.PAYMENT_STATUS),
        ("transaction_charged_twice", Route.DISPUTE),
        ("check_balance", Route.ACCOUNT_LOOKUP),
        ("recent_transactions", Route.ACCOUNT_LOOKUP),
        ("freeze_card", Route.CARD_ACTION),
        ("unfreeze_card", Route.CARD_ACTION),
        ("dispute_transaction", Route.DISPUTE),
        ("payment_status", Route.PAYMENT_STATUS),
    ],
)
def test_route_for_known_intents(intent: str, route: Route) -> None:
    assert route_for(intent).route is route


def test_account_action_intents_are_ones_the_procedures_are_keyed_on() -> None:
    # These intents exist only to start a banking procedure; a renamed one would silently never run.
    spec = yaml.safe_load((REPO_ROOT / "agents" / "procedures" / "procedures.yaml").read_text())
    keyed = {intent for procedure in spec["procedures"].values() for intent in procedure.get("intents", [])}
    assert set(ACCOUNT_ACTION_INTENTS) <= keyed


def test_unknown_intent_is_out_of_scope() -> None:
    assert route_for("make_me_a_sandwich").route is Route.OUT_OF_SCOPE


def test_routes_markdown_is_generated_from_the_table() -> None:
    assert ROUTES_MD.read_text(encoding="utf-8") == render_routes_markdown()
    assert render_routes_markdown().count("\n| `") == len(ROUTES)
