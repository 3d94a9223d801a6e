from __future__ import annotations

import pytest

from agents.kb import KnowledgeBase

REQUIRED_SLUGS = {
    "fees",
    "limits",
    "card-delivery",
    "lost-or-stolen-card",
    "disputes-and-chargebacks",
    "international-payments",
    "complaints",
    "support-in-difficulty",
    "contact-and-opening-hours",
    "exchange-rates-and-currencies",
    "top-ups",
    "opening-an-account",
    "closing-an-account",
    "verifying-your-identity",
    "direct-debits-and-standing-orders",
    "refunds",
    "declined-payments",
    "pin",
    "contactless",
    "apple-pay-and-google-pay",
    "pending-transactions",
    "cash-withdrawals",
}

OMBUDSMAN_FACTS = (
    "Financial Ombudsman Service",
    "Exchange Tower, London E14 9SR",
    "0800 023 4567",
    "www.financial-ombudsman.org.uk",
    "six months",
)


def test_loads_every_article_with_sections(kb: KnowledgeBase) -> None:
    assert len(kb.articles) >= 20
    assert REQUIRED_SLUGS <= set(kb.slugs)
    assert all(len(article.sections) >= 2 for article in kb.articles)


@pytest.mark.parametrize(
    ("slug", "heading", "facts"),
    [
        ("fees", "Spending in a foreign currency", ("2.75%",)),
        ("fees", "ATM and cash withdrawal fees", ("£1.50",)),
        ("fees", "Card replacement fees", ("£5", "£7.50")),
        ("fees", "Payment and transfer fees", ("CHAPS", "£25")),
        ("fees", "Overdraft charges", ("EAR",)),
        ("limits", "Cash withdrawal limits", ("£500",)),
        ("limits", "Contactless limits", ("£100",)),
        ("limits", "Top-up limits", ("£2,000",)),
        ("card-delivery", "How long delivery takes", ("3 to 5 working days",)),
        ("card-delivery", "If your card has not arrived", ("7 working days",)),
        ("lost-or-stolen-card", "Freeze your card", ("Freeze",)),
        ("lost-or-stolen-card", "Recurring payments and subscriptions", ("new card number",)),
        ("disputes-and-chargebacks", "Time limits", ("120 days",)),
        ("disputes-and-chargebacks", "What happens next", ("45 days", "temporary credit")),
        ("international-payments", "Details you need", ("IBAN", "BIC")),
        ("complaints", "How long it takes", ("8 weeks", "15 business days")),
        ("complaints", "What happens next", ("1 working day",)),
        (
            "contact-and-opening-hours",
            "Chat with us",
            ("8am to 8pm Monday to Friday", "9am to 5pm on Saturday"),
        ),
        ("contact-and-opening-hours", "Phone", ("24 hours a day, 7 days a week",)),
        ("support-in-difficulty", "Financial difficulty", ("MoneyHelper", "StepChange")),
    ],
)
def test_required_topics_state_concrete_facts(
    kb: KnowledgeBase, slug: str, heading: str, facts: tuple[str, ...]
) -> None:
    text = kb.section(slug, heading)

    for fact in facts:
        assert fact in text


@pytest.mark.parametrize("heading", ["Ombudsman", "Acknowledgement"])
def test_complaint_texts_carry_the_ombudsman_details(kb: KnowledgeBase, heading: str) -> None:
    text = kb.section("complaints", heading)

    for fact in OMBUDSMAN_FACTS:
        assert fact in text


def test_acknowledgement_is_sendable_verbatim(kb: KnowledgeBase) -> None:
    acknowledgement = kb.section("complaints", "Acknowledgement")

    assert "\n" not in acknowledgement
    assert "{" not in acknowledgement
    assert "#" not in acknowledgement
    assert "8 weeks" in acknowledgement
    assert "15 business days" in acknowledgement


def test_support_message_signposts_help(kb: KnowledgeBase) -> None:
    message = kb.section("support-in-difficulty", "Support message")

    for fact in ("Samaritans", "116 123", "MoneyHelper", "StepChange", "call 999"):
        assert fact in message


def test_self_harm_message_points_to_emergency_help(kb: KnowledgeBase) -> None:
    message = kb.section("support-in-difficulty", "Self-harm")

    for fact in ("999", "Samaritans", "116 123", "85258"):
        assert fact in message


def test_unknown_slug_or_heading_raises_key_error_naming_alternatives(kb: KnowledgeBase) -> None:
    with pytest.raises(KeyError, match="no article with slug 'mortgages'.*complaints"):
        kb.article("mortgages")
    with pytest.raises(KeyError, match="no section 'Nope'.*'Acknowledgement'"):
        kb.section("complaints", "Nope")


def test_article_lookup_returns_the_article(kb: KnowledgeBase) -> None:
    article = kb.article("complaints")

    assert article.title == "How to make a complaint"
    assert article.source.name == "complaints.md"
    assert "## Ombudsman" in article.text
