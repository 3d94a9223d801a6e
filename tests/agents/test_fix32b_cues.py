"""fix32B patterns: a support cue needs a real cue (a hospice shop, someone else falling ill are none); a card
given away inside a coat or read out to a caller is at risk and its freeze offered; a yes with an exclamation
after it is a yes; a rental let unseen, paid by transfer, is a scam; "which is smarter, pick one for me" is
advice; "n in my current" is a follow-up; the interest "has it been paid" is the interest, not the salary;
"will the sky and the tv licence go out ok" is checked against the balance, and "them two together" added
up."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import (
    card_given_away,
    explicit_action,
    follow_up,
    status_question,
    urgent_intent,
)
from agents.dialogue.decision import Decision, read_decision
from agents.dialogue.recurring_cues import recurring_intent
from agents.dialogue.regular_money import read_regular
from agents.dialogue.spending_cues import spending_intent
from agents.dialogue.support_cues import concrete_requests
from agents.safety.flags import explain_flags, vulnerability_kind


@pytest.mark.parametrize(
    "text",
    [
        "I gave a bag of old clothes to the hospice shop this morning",
        "did the hospice fun run on saturday",
        "bought a ticket in the hospice raffle",
        "the tenor fell ill and the concert was cancelled",
        "the plumber fell ill and never turned up",
    ],
)
def test_a_hospice_shop_or_someone_elses_illness_is_no_health_cue(text: str) -> None:
    assert vulnerability_kind(text) != "health"


@pytest.mark.parametrize(
    "text",
    ["my mum is in a hospice now", "I fell ill last week", "my husband fell seriously ill in october"],
)
def test_a_hospice_stay_or_the_customers_own_illness_still_is(text: str) -> None:
    assert vulnerability_kind(text) == "health"


@pytest.mark.parametrize(
    "text",
    [
        "I gave a bag of old clothes to the hospice shop and my euro card was in the pocket of one of the "
        "jackets. Can you stop that card?",
        "took a bag of old coats to the charity shop and my visa card was still in the pocket of my parka",
        "sold my handbag on vinted and posted it off, my card was still in the inside zip pocket",
    ],
)
def test_a_card_given_away_inside_something_is_lost(text: str) -> None:
    assert card_given_away(text)
    assert urgent_intent(text) == "lost_or_stolen_card"


def test_a_card_in_a_coat_at_home_is_not_given_away() -> None:
    assert not card_given_away("my card was in the pocket of my coat all along, panic over")


def test_card_details_read_to_a_caller_from_a_firm_are_compromised() -> None:
    text = (
        "A man rang from Amazon Prime and said my membership would renew unless I cancelled it. To cancel it "
        "I read him the long number on my card, the dates, and the three little numbers on the back. My "
        "granddaughter says that was a trick. What do I do?"
    )
    assert urgent_intent(text) == "compromised_card"
    assert status_question(text) is None  # "cancelled" in the story is no question about the card's state
    assert explicit_action(text) is None  # "to cancel it" is why the details were read, not a request


def test_cancelling_the_card_is_still_asked_for() -> None:
    assert explicit_action("lost my card, please cancel it") == "report"
    assert explicit_action("I want to cancel my card and get a new one") == "report"


@pytest.mark.parametrize(
    "text", ["yes freeze it asap omg", "yes block it now jeez", "yes freeze it ffs", "yes please oh my god"]
)
def test_a_yes_with_an_exclamation_after_it_is_a_yes(text: str) -> None:
    assert read_decision(text) is Decision.YES


def test_a_no_with_an_exclamation_after_it_is_a_no() -> None:
    assert read_decision("no omg") is Decision.NO


@pytest.mark.parametrize(
    "text",
    [
        "found a cheap 1 bed on a listings site. landlord says hes working on the rigs so cant show me round "
        "but if i bank transfer the deposit n first month today he'll post me the keys",
        "room going cheap on a listings app. the landlord is off on the rigs so cant show me round, wants "
        "the first month by transfer tonight and he'll post me the keys",
        "Found a flat on SpareRoom. The landlady is abroad so she can't show me around, but she wants the "
        "deposit by bank transfer and then she'll courier the keys",
    ],
)
def test_a_home_let_unseen_for_a_transfer_is_a_scam(text: str) -> None:
    assert "scam" in explain_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "klarna in 3 or get a credit card for it, which is smarter? just pick one for me",
        "clearpay or stick it on my credit card, which is cheaper? just choose for me",
        "PayPal Credit or a personal loan for the new boiler, which is the smarter option?",
    ],
)
def test_which_credit_to_use_is_advice(text: str) -> None:
    assert "advice" in explain_flags(text)


def test_which_card_to_freeze_is_no_advice() -> None:
    assert "advice" not in explain_flags("can you pick one for me, which card to freeze")


@pytest.mark.parametrize("text", ["n in my current", "nd the current one", "n in the saver?"])
def test_texted_and_opens_a_follow_up(text: str) -> None:
    found = follow_up(text, {"procedure": "check_balance", "text": "what have i got in my saver"})
    assert found is not None
    assert found.kind == "refine"


@pytest.mark.parametrize(
    "text",
    ["has the interest on my savings been paid this quarter?", "Has it been paid? (interest)"],
)
def test_interest_paid_is_the_interest_not_the_salary(text: str) -> None:
    assert recurring_intent(text) != "income"
    ask = read_regular(text)
    assert ask is not None
    assert ask.subject == "interest"


def test_the_salary_paid_is_still_the_salary() -> None:
    assert recurring_intent("have I been paid my wages yet") == "income"


def test_has_it_come_in_leans_on_what_was_named_before() -> None:
    text = "My mother passed away in the summer. The saver pays interest every quarter. Has it come in yet?"
    assert concrete_requests(text) == ["Has it come in yet?, The saver pays interest every quarter"]


@pytest.mark.parametrize(
    "text",
    [
        "will the sky and the tv licence go out ok next month or are they gonna bounce",
        "will the mortgage and sky go out alright next month?",
    ],
)
def test_whether_payments_will_bounce_is_affordability(text: str) -> None:
    assert spending_intent(text) == "affordability"


def test_them_two_together_after_a_check_of_two_payments_is_their_total() -> None:
    frame = {
        "procedure": "affordability",
        "text": "will sky and bt go out ok (£59.16 for Sky and BT together)",
    }
    found = follow_up("how much are them two together", frame)
    assert found is not None
    assert found.kind == "total"
