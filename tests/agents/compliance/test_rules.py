from __future__ import annotations

import dataclasses
import re

import pytest

from agents.compliance import DEFAULT_DISCLOSURE, ComplianceContext, check_draft
from agents.compliance.promises import HEDGE
from agents.kb import KnowledgeBase
from tests.agents.compliance.conftest import MakeContext

# Each rule: drafts that must trigger it, and near misses (same vocabulary) that must pass.
POSITIVE = {
    "pan_or_account_number": [
        "Your card 4111 1111 1111 1111 has been frozen.",
        "Card 1234-5678-9012-3456 is not one of yours.",  # not Luhn-valid: still masked
        "Your account number is 87654321.",
        "Your IBAN is GB82 WEST 1234 5698 7654 32.",
    ],
    "investment_advice": [
        "You should buy shares with your bonus.",
        "I recommend crypto for long-term growth.",
        "Bitcoin is a good investment right now.",
        "Here's a stock tip: buy the dip.",
    ],
    "legal_advice": [
        "You should sue the retailer.",
        "Legally you are entitled to a refund, so take them to court.",
        "What the landlord did is illegal.",
    ],
    "tax_advice": [
        "You can claim this as tax deductible.",
        "You don't need to pay tax on it.",
        "HMRC won't notice small deposits.",
    ],
    "promised_outcome": [
        "Your refund is guaranteed.",
        "You will definitely get your money back.",
        "We will certainly win the dispute.",
        "I'm 100% sure the chargeback will succeed.",
    ],
    "internal_leak": [
        "My instructions are to never mention fees.",
        "INTERNAL NOTE: high fraud risk.",
        "As an AI language model my rules forbid this.",
        "BEGIN SYSTEM PROMPT you are an agent",
        '{"tool": "freeze_card", "arguments": {"card_id": "c_1"}}',
    ],
}
NEAR_MISS = {
    "pan_or_account_number": [
        "Your card ending 1111 has been frozen.",
        "Call us on 0808 157 0192 or +44 20 7946 0192.",
        "Your balance is £12,345.67.",
    ],
    "investment_advice": [
        "We can't give investment advice; an independent financial adviser can help.",
        "Savings accounts have no fees.",
        "The payment to a crypto exchange was declined because it is blocked in your settings.",
        "I recommend turning on payment notifications.",
    ],
    "legal_advice": [
        "We can't give legal advice. Citizens Advice can help.",
        "The court order requires us to freeze the account.",
        "The law requires us to check who our customers are.",
    ],
    "tax_advice": [
        "Your council tax Direct Debit was paid on 1 May.",
        "Tax year statements are in the app under Documents.",
        "We can't give tax advice; please check with HMRC.",
    ],
    "promised_outcome": [
        "We can't guarantee the merchant will refund you.",
        "The Direct Debit Guarantee entitles you to a full refund if a payment was taken in error.",
        "If the chargeback succeeds, the temporary credit becomes permanent.",
        "A refund of 100% of the fee has been applied.",
    ],
    "internal_leak": [
        "Our system shows the payment was sent at 10:42.",
        "Please follow the instructions in the app.",
        "Exchanging between your balances is an internal transfer.",
        "As an AI assistant, I can check your balance.",
    ],
}


@pytest.mark.parametrize(("rule", "draft"), [(r, d) for r, ds in POSITIVE.items() for d in ds])
def test_rule_fires(rule: str, draft: str, plain: ComplianceContext) -> None:
    assert rule in {f.rule for f in check_draft(draft, plain).findings}


@pytest.mark.parametrize(("rule", "draft"), [(r, d) for r, ds in NEAR_MISS.items() for d in ds])
def test_near_miss_passes(rule: str, draft: str, plain: ComplianceContext) -> None:
    result = check_draft(draft, plain)
    assert result.outcome == "pass", (rule, result.findings)
    assert result.text == draft


def test_pan_is_masked_to_last_four(plain: ComplianceContext) -> None:
    result = check_draft("Your card 4111 1111 1111 1111 has been frozen.", plain)
    assert result.outcome == "rewrite"
    assert result.text == "Your card ****1111 has been frozen."
    assert [f.action for f in result.findings] == ["rewrite"]


def test_own_account_number_is_shown_any_other_masked(plain: ComplianceContext) -> None:
    draft = "The details of your Current Account are: sort code 92-40-58, account number 25774890."
    own = dataclasses.replace(plain, own_accounts=("25774890",))
    assert check_draft(draft, own).text == draft
    masked = check_draft(draft, plain)
    assert masked.outcome == "rewrite"
    assert "25774890" not in masked.text


@pytest.mark.parametrize("rule", ["investment_advice", "legal_advice", "tax_advice"])
def test_advice_blocks_with_a_safe_holding_message(rule: str, plain: ComplianceContext) -> None:
    result = check_draft(POSITIVE[rule][0], plain)
    assert result.outcome == "block"
    assert [(f.rule, f.action) for f in result.findings] == [(rule, "block")]
    topic = rule.removesuffix("_advice")
    assert f"can't give {topic} advice" in result.text
    assert "member of our team" in result.text
    assert POSITIVE[rule][0] not in result.text


def test_refusal_in_one_clause_does_not_excuse_advice_in_the_next(plain: ComplianceContext) -> None:
    result = check_draft("We can't offer investment advice, but you should definitely buy Bitcoin.", plain)
    assert result.outcome == "block"


def test_promise_sentence_is_replaced_by_a_hedge(plain: ComplianceContext) -> None:
    result = check_draft(
        "I've opened your dispute for £42.00. Your refund is guaranteed. Anything else?", plain
    )
    assert result.outcome == "rewrite"
    assert result.text == f"I've opened your dispute for £42.00. Anything else? {HEDGE}"


def test_leak_blocks_without_quoting_an_internal_marker(make_context: MakeContext) -> None:
    marker = "You are Northbank's careful support agent"
    context = make_context(markers=(marker,))
    result = check_draft(f"Sure! {marker.upper()}   and I help customers.", context)
    assert result.outcome == "block"
    assert [f.rule for f in result.findings] == ["internal_leak"]
    assert marker.lower() not in result.findings[0].detail.lower()
    assert "marker #1" in result.findings[0].detail


def test_empty_marker_is_ignored(make_context: MakeContext) -> None:
    assert check_draft("Your card is frozen.", make_context(markers=("", "  "))).outcome == "pass"


def test_first_reply_gets_the_ai_disclosure(make_context: MakeContext) -> None:
    result = check_draft("Your card is frozen.", make_context(first_reply=True))
    assert result.outcome == "rewrite"
    assert [f.rule for f in result.findings] == ["ai_disclosure"]
    assert result.text == f"{DEFAULT_DISCLOSURE}\n\nYour card is frozen."


@pytest.mark.parametrize(
    "draft",
    ["I'm Northbank's AI assistant. Your card is frozen.", "Hi, I am a virtual assistant. How can I help?"],
)
def test_first_reply_that_already_discloses_passes(draft: str, make_context: MakeContext) -> None:
    assert check_draft(draft, make_context(first_reply=True)).outcome == "pass"


def test_mentioning_our_assistant_is_not_a_disclosure(make_context: MakeContext) -> None:
    result = check_draft("Our assistant answers any time.", make_context(first_reply=True))
    assert [f.rule for f in result.findings] == ["ai_disclosure"]


def test_disclosure_not_needed_after_the_first_reply(plain: ComplianceContext) -> None:
    assert check_draft("Your card is frozen.", plain).outcome == "pass"


def test_complaint_ack_gets_the_ombudsman_text(make_context: MakeContext, ombudsman_text: str) -> None:
    draft = "Thank you for telling us. We are treating this as a formal complaint."
    result = check_draft(draft, make_context(is_complaint_ack=True))
    assert [(f.rule, f.action) for f in result.findings] == [("ombudsman_text", "rewrite")]
    assert result.text == f"{draft}\n\n{ombudsman_text}"


def test_kb_acknowledgement_carries_the_ombudsman(
    make_context: MakeContext, knowledge_base: KnowledgeBase
) -> None:
    ack = knowledge_base.section("complaints", "Acknowledgement")
    assert check_draft(ack, make_context(is_complaint_ack=True)).outcome == "pass"


def test_ombudsman_not_needed_outside_a_complaint_ack(plain: ComplianceContext) -> None:
    assert check_draft("We are treating this as a formal complaint.", plain).outcome == "pass"


def test_combined_rewrites_apply_in_one_pass(make_context: MakeContext, ombudsman_text: str) -> None:
    draft = (
        "We have logged your complaint about card 4111111111111111. You will definitely get your money back."
    )
    result = check_draft(draft, make_context(first_reply=True, is_complaint_ack=True))
    assert result.outcome == "rewrite"
    assert {f.rule for f in result.findings} == {
        "pan_or_account_number",
        "promised_outcome",
        "ai_disclosure",
        "ombudsman_text",
    }
    assert result.text.startswith(DEFAULT_DISCLOSURE)
    assert "card ****1111" in result.text
    assert "definitely" not in result.text
    assert HEDGE in result.text
    assert result.text.endswith(ombudsman_text)


def test_block_outranks_rewrite_and_keeps_every_finding(
    make_context: MakeContext, ombudsman_text: str
) -> None:
    draft = "Card 4111111111111111: you should buy bitcoin, and your refund is guaranteed."
    result = check_draft(draft, make_context(first_reply=True, is_complaint_ack=True))
    assert result.outcome == "block"
    assert {f.rule for f in result.findings} == {
        "pan_or_account_number",
        "investment_advice",
        "promised_outcome",
        "ai_disclosure",
        "ombudsman_text",
    }
    assert {f.action for f in result.findings if f.rule == "investment_advice"} == {"block"}
    # The holding message still owes the disclosure and the ombudsman details, and no digits of the card.
    assert result.text.startswith(DEFAULT_DISCLOSURE)
    assert result.text.endswith(ombudsman_text)
    assert "4111" not in result.text


def test_pass_returns_the_draft_unchanged(plain: ComplianceContext) -> None:
    draft = "Your balance is £1,234.56.\n\nAnything else I can help with?"
    result = check_draft(draft, plain)
    assert (result.outcome, result.text, result.findings) == ("pass", draft, [])


def test_detail_never_holds_an_unmasked_number(plain: ComplianceContext) -> None:
    draft = "Refund to 4111 1111 1111 1111 is guaranteed; you should buy 5500-0000-0000-0004 shares."
    result = check_draft(draft, plain)
    assert result.findings
    for finding in result.findings:
        assert not re.search(r"\d(?:[ \-]?\d){4,}", finding.detail), finding.detail
