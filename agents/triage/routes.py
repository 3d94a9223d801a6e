"""Where each triage intent goes next, and whether it jumps the queue.

The table is data: one row per intent, 77 Banking77 intents (Casanueva et al. 2020, CC BY 4.0) plus the
twelve support intents Banking77 lacks (conversation handling and the account actions the banking
procedures are keyed on). `render_routes_markdown()` generates `ROUTES.md` from it, and a test
keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class Route(StrEnum):
    KB_ANSWER = "kb_answer"
    ACCOUNT_LOOKUP = "account_lookup"
    CARD_ACTION = "card_action"
    PAYMENT_STATUS = "payment_status"
    DISPUTE = "dispute"
    COMPLAINT = "complaint"
    HANDOFF = "handoff"
    SMALLTALK = "smalltalk"
    OUT_OF_SCOPE = "out_of_scope"


ROUTE_DESCRIPTIONS: Mapping[Route, str] = MappingProxyType(
    {
        Route.KB_ANSWER: "answer from the knowledge base",
        Route.ACCOUNT_LOOKUP: "look up the customer's account, profile or verification state",
        Route.CARD_ACTION: "act on a card (freeze, replace, order, activate, PIN)",
        Route.PAYMENT_STATUS: "status of a payment, transfer, top-up or withdrawal",
        Route.DISPUTE: "dispute or query a transaction the customer does not accept",
        Route.COMPLAINT: "record a complaint and follow the complaints procedure",
        Route.HANDOFF: "hand the conversation to a human",
        Route.SMALLTALK: "greeting or thanks; reply briefly",
        Route.OUT_OF_SCOPE: "politely decline: not something a bank assistant may advise on",
    }
)


@dataclass(frozen=True)
class RouteInfo:
    route: Route
    urgent: bool = False


EXTRA_INTENTS: tuple[str, ...] = (
    "greeting",
    "thanks",
    "human_request",
    "complaint",
    "out_of_scope",
    "vulnerability",
    "check_balance",
    "recent_transactions",
    "freeze_card",
    "unfreeze_card",
    "dispute_transaction",
    "payment_status",
)

_KB = RouteInfo(Route.KB_ANSWER)
_LOOKUP = RouteInfo(Route.ACCOUNT_LOOKUP)
_CARD = RouteInfo(Route.CARD_ACTION)
_PAYMENT = RouteInfo(Route.PAYMENT_STATUS)
_DISPUTE = RouteInfo(Route.DISPUTE)
# Urgent: money or access may be leaving the customer's control right now, or the customer is vulnerable.
_CARD_URGENT = RouteInfo(Route.CARD_ACTION, urgent=True)
_DISPUTE_URGENT = RouteInfo(Route.DISPUTE, urgent=True)

ROUTES: Mapping[str, RouteInfo] = MappingProxyType(
    {
        # Banking77, grouped by route.
        "age_limit": _KB,
        "apple_pay_or_google_pay": _KB,
        "atm_support": _KB,
        "automatic_top_up": _KB,
        "card_acceptance": _KB,
        "card_delivery_estimate": _KB,
        "card_linking": _KB,
        "card_payment_fee_charged": _KB,
        "cash_withdrawal_charge": _KB,
        "country_support": _KB,
        "disposable_card_limits": _KB,
        "exchange_charge": _KB,
        "exchange_rate": _KB,
        "exchange_via_app": _KB,
        "fiat_currency_support": _KB,
        "receiving_money": _KB,
        "supported_cards_and_currencies": _KB,
        "top_up_by_bank_transfer_charge": _KB,
        "top_up_by_card_charge": _KB,
        "top_up_by_cash_or_cheque": _KB,
        "top_up_limits": _KB,
        "topping_up_by_card": _KB,
        "transfer_fee_charged": _KB,
        "transfer_into_account": _KB,
        "transfer_timing": _KB,
        "verify_my_identity": _KB,
        "verify_source_of_funds": _KB,
        "verify_top_up": _KB,
        "visa_or_mastercard": _KB,
        "why_verify_identity": _KB,
        "balance_not_updated_after_bank_transfer": _LOOKUP,
        "balance_not_updated_after_cheque_or_cash_deposit": _LOOKUP,
        "card_arrival": _LOOKUP,
        "edit_personal_details": _LOOKUP,
        "passcode_forgotten": _LOOKUP,
        "terminate_account": _LOOKUP,
        "unable_to_verify_identity": _LOOKUP,
        "activate_my_card": _CARD,
        "card_about_to_expire": _CARD,
        "card_not_working": _CARD,
        "card_swallowed": _CARD,
        "change_pin": _CARD,
        "contactless_not_working": _CARD,
        "get_disposable_virtual_card": _CARD,
        "get_physical_card": _CARD,
        "getting_spare_card": _CARD,
        "getting_virtual_card": _CARD,
        "order_physical_card": _CARD,
        "pin_blocked": _CARD,
        "virtual_card_not_working": _CARD,
        "compromised_card": _CARD_URGENT,
        "lost_or_stolen_card": _CARD_URGENT,
        # A lost phone holds an unlocked banking app: treat it as a compromised account and freeze cards.
        "lost_or_stolen_phone": _CARD_URGENT,
        "Refund_not_showing_up": _PAYMENT,
        "beneficiary_not_allowed": _PAYMENT,
        "cancel_transfer": _PAYMENT,
        "declined_card_payment": _PAYMENT,
        "declined_cash_withdrawal": _PAYMENT,
        "declined_transfer": _PAYMENT,
        "failed_transfer": _PAYMENT,
        "pending_card_payment": _PAYMENT,
        "pending_cash_withdrawal": _PAYMENT,
        "pending_top_up": _PAYMENT,
        "pending_transfer": _PAYMENT,
        "reverted_card_payment?": _PAYMENT,
        "top_up_failed": _PAYMENT,
        "top_up_reverted": _PAYMENT,
        "transfer_not_received_by_recipient": _PAYMENT,
        "card_payment_wrong_exchange_rate": _DISPUTE,
        "extra_charge_on_statement": _DISPUTE,
        "request_refund": _DISPUTE,
        "transaction_charged_twice": _DISPUTE,
        "wrong_amount_of_cash_received": _DISPUTE,
        "wrong_exchange_rate_for_cash_withdrawal": _DISPUTE,
        "card_payment_not_recognised": _DISPUTE_URGENT,
        "cash_withdrawal_not_recognised": _DISPUTE_URGENT,
        "direct_debit_payment_not_recognised": _DISPUTE_URGENT,
        # Support intents written for Bankdesk (fixtures/triage/extra_train.csv).
        "greeting": RouteInfo(Route.SMALLTALK),
        "thanks": RouteInfo(Route.SMALLTALK),
        "human_request": RouteInfo(Route.HANDOFF),
        "complaint": RouteInfo(Route.COMPLAINT),
        "out_of_scope": RouteInfo(Route.OUT_OF_SCOPE),
        "vulnerability": RouteInfo(Route.HANDOFF, urgent=True),
        "check_balance": _LOOKUP,
        "recent_transactions": _LOOKUP,
        # A freeze is the customer's own reversible choice; a lost, stolen or compromised card is the
        # urgent case and has its own Banking77 intents.
        "freeze_card": _CARD,
        "unfreeze_card": _CARD,
        "dispute_transaction": _DISPUTE,
        "payment_status": _PAYMENT,
    }
)


def route_for(intent: str) -> RouteInfo:
    """The route of `intent`; an intent the table does not know is treated as out of scope."""
    return ROUTES.get(intent, ROUTES["out_of_scope"])


def render_routes_markdown() -> str:
    """The table as Markdown, grouped by route; `ROUTES.md` is this function's output."""
    lines = [
        "# Triage routes",
        "",
        "Generated from `agents/triage/routes.py` by `render_routes_markdown()`; do not edit by hand.",
        "Regenerate with `python -m agents.triage.routes > agents/triage/ROUTES.md`.",
        "",
        "Urgent intents (money or access may be leaving the customer's control, or the customer is",
        "vulnerable) jump the queue and are never left to a low-confidence automated answer.",
        "",
        "| Route | What happens | Intent | Urgent |",
        "|---|---|---|---|",
    ]
    for route in Route:
        for intent in sorted(name for name, info in ROUTES.items() if info.route is route):
            urgent = "yes" if ROUTES[intent].urgent else ""
            lines.append(f"| `{route.value}` | {ROUTE_DESCRIPTIONS[route]} | `{intent}` | {urgent} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_routes_markdown())
