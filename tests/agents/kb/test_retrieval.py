from __future__ import annotations

import pytest

from agents.kb import KnowledgeBase
from agents.kb.retrieval import MAX_QUERY_CHARS

# Where two articles answer a question (the ATM fee is in "fees" and "cash-withdrawals"), either is right.
CUSTOMER_QUESTIONS: list[tuple[str, tuple[str, ...]] | object] = [
    ("How long does a card take to arrive?", ("card-delivery",)),
    ("My new card still hasn't come, it's been over a week", ("card-delivery",)),
    ("What is the fee for using an ATM abroad?", ("fees", "cash-withdrawals")),
    ("How do I dispute a payment?", ("disputes-and-chargebacks",)),
    ("I want to make a complaint", ("complaints",)),
    ("I lost my card, what should I do?", ("lost-or-stolen-card",)),
    pytest.param(
        "someone stole my wallet with my debit card in it",
        ("lost-or-stolen-card",),
        # "wallet" alone pulls towards Apple Wallet / Google Wallet; the synonym list adds "lost stolen".
    ),
    ("What's the most I can take out of a cash machine in a day?", ("limits", "cash-withdrawals")),
    ("how much can I top up", ("limits", "top-ups")),
    ("Can I send money to a European IBAN?", ("international-payments",)),
    ("what is your BIC / SWIFT code so I can receive money from abroad", ("international-payments",)),
    ("What exchange rate do you use when I pay in euros?", ("exchange-rates-and-currencies",)),
    ("What time does customer support open on Saturday?", ("contact-and-opening-hours",)),
    ("My husband died and I need help with his account", ("support-in-difficulty",)),
    ("I'm struggling to pay my overdraft back", ("support-in-difficulty",)),
    ("How do I close my account?", ("closing-an-account",)),
    ("Why do you need to verify my identity?", ("verifying-your-identity",)),
    ("How do I cancel a direct debit?", ("direct-debits-and-standing-orders",)),
    ("The shop said they refunded me but I can't see the refund", ("refunds",)),
    ("Why was my card declined?", ("declined-payments",)),
    ("I forgot my PIN", ("pin",)),
    ("contactless isn't working on my card", ("contactless",)),
    ("Can I add my card to Apple Pay?", ("apple-pay-and-google-pay",)),
    ("Why is my payment still pending?", ("pending-transactions",)),
    ("The ATM didn't give me the right amount of cash", ("cash-withdrawals",)),
    ("The cash machine swallowed my card", ("cash-withdrawals",)),
    ("How much does a CHAPS payment cost?", ("fees", "uk-transfers")),
    ("how old do I have to be to open an account", ("opening-an-account",)),
]


@pytest.mark.parametrize(("question", "slugs"), CUSTOMER_QUESTIONS)
def test_customer_question_finds_an_answering_article_first(
    kb: KnowledgeBase, question: str, slugs: tuple[str, ...]
) -> None:
    passages = kb.search(question)

    assert passages, question
    assert passages[0].slug in slugs, [(p.slug, p.heading, round(p.score, 3)) for p in passages]


def test_passages_are_ranked_sections_with_scores(kb: KnowledgeBase) -> None:
    passages = kb.search("how do I dispute a payment", k=5)

    assert len(passages) == 5
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < score <= 1.0 for score in scores)
    top = passages[0]
    assert top.text == kb.section(top.slug, top.heading)
    assert top.title == kb.article(top.slug).title


def test_search_is_deterministic(kb: KnowledgeBase) -> None:
    assert kb.search("card fees abroad", k=10) == kb.search("card fees abroad", k=10)


def test_one_per_article_returns_distinct_articles(kb: KnowledgeBase) -> None:
    passages = kb.search("dispute a payment", k=4, one_per_article=True)

    assert len(passages) == 4
    assert len({p.slug for p in passages}) == 4


@pytest.mark.parametrize("query", ["", "   \n\t ", "?!", "zzzqqxv"])
def test_blank_or_meaningless_query_returns_nothing(kb: KnowledgeBase, query: str) -> None:
    assert kb.search(query) == []


def test_non_positive_k_returns_nothing(kb: KnowledgeBase) -> None:
    assert kb.search("card fees", k=0) == []


def test_huge_query_is_truncated_not_refused(kb: KnowledgeBase) -> None:
    query = "I lost my card. " + "blah " * (10 * MAX_QUERY_CHARS)

    passages = kb.search(query)

    assert passages
    assert passages[0].slug == "lost-or-stolen-card"


def test_unrelated_question_scores_low(kb: KnowledgeBase) -> None:
    relevant = kb.search("how do I dispute a card payment")[0].score
    unrelated = kb.search("what is the capital of Mongolia")

    assert all(p.score < relevant / 2 for p in unrelated)
