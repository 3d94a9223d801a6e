"""The tool layer: schema checks, identity refusal, masking, foreign ids, idempotency keys."""

from __future__ import annotations

import json
import re
import uuid
from typing import Annotated, Any

import pytest
from pydantic import Field

from agents.models.types import ToolSpec
from agents.ports import TransactionQuery
from agents.tools import (
    TOOLS,
    MissingIdempotencyKey,
    ToolArgumentError,
    ToolRefused,
    UnknownToolError,
    run_tool,
    to_tool_specs,
    validate_tool_call,
)
from agents.tools.schema import Absent, Id, ToolArgs, tool_schema, validate_arguments
from tests.agents.procedures.seeded import Bank

READ_ONLY = {
    "list_accounts",
    "list_cards",
    "search_transactions",
    "get_transaction",
    "list_payments",
    "list_disputes",
    "list_direct_debits",
    "list_standing_orders",
    "list_scheduled_payments",
}
STATE_CHANGING = {
    "freeze_card",
    "unfreeze_card",
    "report_card",
    "open_dispute",
    "cancel_direct_debit",
    "cancel_standing_order",
    "cancel_scheduled_payment",
}


def test_catalogue() -> None:
    assert set(TOOLS) == READ_ONLY | STATE_CHANGING
    assert {name for name, tool in TOOLS.items() if tool.read_only} == READ_ONLY
    for tool in TOOLS.values():
        assert len(tool.description) > 60
        assert tool.parameters["additionalProperties"] is False
        assert "customer_id" not in tool.parameters["properties"]
        assert "idempotency_key" not in tool.parameters["properties"]


def test_tool_specs_for_the_gateway() -> None:
    specs = to_tool_specs()
    assert all(isinstance(s, ToolSpec) for s in specs)
    assert {s.name for s in specs} == set(TOOLS)
    assert {s.name for s in to_tool_specs(read_only_only=True)} == READ_ONLY
    json.dumps([s.parameters for s in specs])


@pytest.mark.parametrize(
    ("name", "args", "error", "message"),
    [
        ("list_accounts", {"customer_id": "abc"}, ToolRefused, "refused"),
        ("freeze_card", {"card_id": "x", "customer_id": "abc"}, ToolRefused, "signed-in customer"),
        ("search_transactions", {"user_id": "abc"}, ToolRefused, "refused"),
        ("search_transactions", {"colour": "red"}, ToolArgumentError, "unknown argument"),
        ("freeze_card", {"card_id": "x", "idempotency_key": "k"}, ToolArgumentError, "unknown argument"),
        ("search_transactions", {"limit": 51}, ToolArgumentError, "at most 50"),
        ("search_transactions", {"limit": 0}, ToolArgumentError, "at least 1"),
        ("search_transactions", {"limit": "10"}, ToolArgumentError, "must be an integer"),
        ("search_transactions", {"limit": True}, ToolArgumentError, "must be an integer"),
        ("search_transactions", {"min_amount_minor": 4.5}, ToolArgumentError, "must be an integer"),
        ("search_transactions", {"since": "last week"}, ToolArgumentError, "YYYY-MM-DD"),
        ("search_transactions", {"merchant": ""}, ToolArgumentError, "must not be empty"),
        ("get_transaction", {}, ToolArgumentError, "missing required"),
        ("get_transaction", {"transaction_id": 12}, ToolArgumentError, "must be a string"),
        ("report_card", {"card_id": "x", "kind": "burnt"}, ToolArgumentError, "one of"),
        ("list_cards", ["x"], ToolArgumentError, "JSON object"),
        ("search_transactions", {"limit": None}, ToolArgumentError, "left out rather than null"),
        ("search_transactions", {"since": "2026-2-1"}, ToolArgumentError, "YYYY-MM-DD"),
        ("open_dispute", {"transaction_id": "t", "reason": "no"}, ToolArgumentError, "too short"),
        ("list_direct_debits", {"include_cancelled": "yes"}, ToolArgumentError, "true or false"),
    ],
)
def test_argument_validation(name: str, args: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        validate_tool_call(name, args)


def test_one_pydantic_model_gives_the_schema_offered_and_the_check() -> None:
    class HolidayArgs(ToolArgs):
        card_id: Id
        country: Annotated[str, Field(min_length=2, max_length=2)]
        days: Annotated[int, Field(ge=1, le=90)] | Absent = None

    schema = tool_schema(HolidayArgs)
    assert schema == {
        "type": "object",
        "properties": {
            "card_id": {"type": "string", "minLength": 1, "maxLength": 64},
            "country": {"type": "string", "minLength": 2, "maxLength": 2},
            "days": {"type": "integer", "minimum": 1, "maximum": 90},
        },
        "required": ["card_id", "country"],
        "additionalProperties": False,
    }
    assert validate_arguments("travel", HolidayArgs, {"card_id": "c", "country": "FR"}) == {
        "card_id": "c",
        "country": "FR",
    }  # an absent optional argument stays absent: the tool's own default applies
    with pytest.raises(ToolArgumentError, match="'days' must be at most 90"):
        validate_arguments("travel", HolidayArgs, {"card_id": "c", "country": "FR", "days": 91})
    for tool in TOOLS.values():  # every shipped tool is defined the same way
        assert tool.parameters == tool_schema(tool.args)


def test_unknown_tool() -> None:
    with pytest.raises(UnknownToolError, match="transfer_money"):
        validate_tool_call("transfer_money", {})


async def test_state_changing_tools_need_the_callers_key(bank: Bank) -> None:
    port = bank.port(0)
    card = (await port.list_cards())[0]
    with pytest.raises(MissingIdempotencyKey):
        await run_tool("freeze_card", port, {"card_id": card.id}, idempotency_key=None)
    assert next(c.status for c in await port.list_cards() if c.id == card.id) == card.status


async def test_read_tools_return_masked_json(bank: Bank) -> None:
    port = bank.port(0)
    results = [
        await run_tool("list_accounts", port, {}, idempotency_key=None),
        await run_tool("list_cards", port, {}, idempotency_key=None),
        await run_tool("search_transactions", port, {"limit": 50}, idempotency_key=None),
        await run_tool("list_payments", port, {"limit": 50}, idempotency_key=None),
        await run_tool("list_disputes", port, {}, idempotency_key=None),
    ]
    blob = json.dumps(results)
    assert all(r["ok"] for r in results)
    # No run of 8+ digits outside ids and timestamps: only last fours of card and account numbers.
    without_ids = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "", blob)
    without_times = re.sub(r"\d{4}-\d{2}-\d{2}T[\d:.]+\+00:00", "", without_ids)
    assert not re.search(r"\d{8}", without_times)
    assert "description" not in blob
    assert "ignore your previous instructions" not in blob
    accounts = results[0]["accounts"]
    assert {a["number_last4"] for a in accounts} == {a.number_last4 for a in await port.list_accounts()}
    assert all(len(a["number_last4"]) == 4 for a in accounts)
    assert 0 < results[2]["count"] == len(results[2]["transactions"]) <= 50


async def test_search_transactions_filters(bank: Bank) -> None:
    port = bank.port(0)
    current = next(a for a in await port.list_accounts() if a.kind == "current")
    result = await run_tool(
        "search_transactions",
        port,
        {
            "account_id": current.id,
            "since": "2025-10-01",
            "until": "2025-11-19",
            "merchant": "amazon",
            "min_amount_minor": 1000,
            "max_amount_minor": 3000,
            "limit": 5,
        },
        idempotency_key=None,
    )
    assert result["ok"]
    assert result["transactions"]
    for t in result["transactions"]:
        assert t["account_id"] == current.id
        assert "amazon" in t["merchant"].lower()
        assert 1000 <= abs(t["amount_minor"]) <= 3000
        assert "2025-10-01" <= t["booked_at"][:10] <= "2025-11-19"


async def test_foreign_ids_are_answered_like_missing_ones(bank: Bank) -> None:
    mine, theirs = bank.port(0), bank.port(1)
    their_card = next(c for c in await theirs.list_cards() if c.status == "active")
    their_txn = (await theirs.find_transactions(TransactionQuery(limit=1)))[0]
    their_account = (await theirs.list_accounts())[0]
    random_id = str(uuid.uuid4())
    cases: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("get_transaction", {"transaction_id": their_txn.id}, {"transaction_id": random_id}),
        ("search_transactions", {"account_id": their_account.id}, {"account_id": random_id}),
        ("freeze_card", {"card_id": their_card.id}, {"card_id": random_id}),
        (
            "report_card",
            {"card_id": their_card.id, "kind": "stolen"},
            {"card_id": random_id, "kind": "stolen"},
        ),
        (
            "open_dispute",
            {"transaction_id": their_txn.id, "reason": "not me"},
            {"transaction_id": random_id, "reason": "not me"},
        ),
    ]
    for name, foreign_args, missing_args in cases:
        foreign = await run_tool(name, mine, foreign_args, idempotency_key=str(uuid.uuid4()))
        missing = await run_tool(name, mine, missing_args, idempotency_key=str(uuid.uuid4()))
        assert foreign == missing, name
        assert foreign["ok"] is False
        assert foreign["error"] == "not_found"
    assert next(c.status for c in await theirs.list_cards() if c.id == their_card.id) == "active"
    assert await theirs.list_disputes() == [
        d for d in await theirs.list_disputes() if d.transaction_id != their_txn.id or d.reason != "not me"
    ]


async def test_state_changing_tool_runs_once_per_key(bank: Bank) -> None:
    port = bank.port(0)
    card = next(c for c in await port.list_cards() if c.status == "active")
    first = await run_tool("freeze_card", port, {"card_id": card.id}, idempotency_key="call-1")
    assert first == {
        "ok": True,
        "action": "freeze_card",
        "target_id": card.id,
        "replayed": False,
        "status": "frozen",
        "already": False,
        "last4": card.last4,
    }
    await port.unfreeze_card(card.id, idempotency_key="elsewhere")
    again = await run_tool("freeze_card", port, {"card_id": card.id}, idempotency_key="call-1")
    assert again["replayed"] is True
    assert next(c.status for c in await port.list_cards() if c.id == card.id) == "active"


async def test_refused_actions_are_reported_not_raised(bank: Bank) -> None:
    port = bank.port(2)
    lost = next(c for c in await port.list_cards() if c.status == "lost")
    result = await run_tool("freeze_card", port, {"card_id": lost.id}, idempotency_key="k")
    assert result["ok"] is False
    assert result["error"] == "refused"
    assert f"ending {lost.last4}" in result["message"]
