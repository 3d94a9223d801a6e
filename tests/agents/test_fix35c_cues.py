"""Set 32/33, group C: money-mule recruitment, a job that wants a fee first, a buyer's link to "receive" money
with card details, a friend's tip on an investment asked as a verdict, and support cues told in plain words
(a first Christmas without someone, low mood) beside a question that is answered."""

from __future__ import annotations

import pytest

from agents.compliance.advice import advice_requested
from agents.dialogue.support_cues import (
    concrete_requests,
    gave_card_details,
    investment_opinion_only,
    purchase_scam_before_paying,
    scam_rules,
)
from agents.nodes.care import JOB_FEE_WARNING, MONEY_MULE_WARNING, RECEIVE_LINK_WARNING, kind_warning
from agents.safety.flags import vulnerability_kinds


@pytest.mark.parametrize(
    "text",
    [
        "someone on snapchat said if i let 1500 from his cousins company drop into my account and i "
        "transfer it straight on to another account he'll pay me 150",
        "a girl on tiktok will give me £250 to use my bank account for the weekend",
        "a bloke on facebook is offering 200 quid to borrow my account for a few days",
    ],
)
def test_money_mule_recruitment(text: str) -> None:
    assert "money_mule" in scam_rules(text)
    assert kind_warning(scam_rules(text)) == MONEY_MULE_WARNING


@pytest.mark.parametrize(
    "text",
    [
        "my flatmate pays his rent into my account and i send it on to the landlord",
        "my salary goes into my account and i transfer 200 to savings",
        "my mum sent money into my account by mistake, how do i send it back",
    ],
)
def test_own_money_moved_on_is_no_mule(text: str) -> None:
    assert "money_mule" not in scam_rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "got offered a warehouse job through an agency, they need £95 for my training course and a "
        "police check paid before i start next week",
        "i've been hired as a care assistant, the recruiter says i need to send 120 for a dbs and my "
        "uniform to her account first",
    ],
)
def test_job_fee_is_a_scam_before_paying(text: str) -> None:
    assert scam_rules(text) == {"job_upfront_fee"}
    assert purchase_scam_before_paying(text)
    assert kind_warning(scam_rules(text)) == JOB_FEE_WARNING


@pytest.mark.parametrize(
    "text",
    [
        "I bought a uniform for my new job, can I see the payment?",
        "my new job paid for my dbs check, when does my first wage come in",
    ],
)
def test_job_without_a_fee_asked_is_no_scam(text: str) -> None:
    assert "job_upfront_fee" not in scam_rules(text)


def test_buyer_link_for_card_details() -> None:
    text = (
        "someone wants my old ps4 on facebook marketplace and sent me a link to get paid, it asks for my "
        "card number, expiry and cvv. is this right?"
    )
    assert scam_rules(text) == {"receive_payment_link"}
    assert purchase_scam_before_paying(text)
    assert kind_warning(scam_rules(text)) == RECEIVE_LINK_WARNING


def test_card_details_asked_for_are_not_given() -> None:
    asked = "the buyer says i have to click her link and put my card number in to get paid"
    assert not gave_card_details(asked)
    assert gave_card_details("i clicked the link and put my card number in")
    assert gave_card_details("i have already typed my card details into the page")


def test_investment_tip_is_advice_not_a_scam() -> None:
    tip = "my brother says ethereum will double next year so i should put 5k of my savings in. yes or no"
    assert investment_opinion_only(tip)
    assert advice_requested(tip) == ["investment_advice"]
    pitch = "a mate doubled his money in 2 weeks on this crypto platform, should i?"
    assert not investment_opinion_only(pitch)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("It's my first Christmas without Ron and I'm finding it hard", "bereavement"),
        ("the doctor says it's low mood", "health"),
        ("I've not been myself lately", "health"),
    ],
)
def test_plain_words_support_cues(text: str, kind: str) -> None:
    assert kind in vulnerability_kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "my first Christmas without work in years",
        "my balance is really low on payday",
        "I'm feeling down on my luck",
    ],
)
def test_not_support_cues(text: str) -> None:
    assert not vulnerability_kinds(text) & {"bereavement", "health"}


def test_question_with_an_adverb_is_a_request() -> None:
    text = "He saw to the bills. I don't really know what comes out of my account each month."
    assert concrete_requests(text) == ["I don't really know what comes out of my account each month"]
