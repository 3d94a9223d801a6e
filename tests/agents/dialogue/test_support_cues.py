"""Support cues: the concrete request beside a complaint or a hard time, scam messages only received, and a
request to be told the PIN."""

from __future__ import annotations

import pytest

from agents.dialogue.decision import Decision, read_decision
from agents.dialogue.support_cues import (
    asks_only_how_to,
    complains_of_merchant_only,
    concrete_requests,
    gave_card_details,
    how_to_question,
    pin_requested,
    presses_on,
    request_intent,
    scam_message,
    scam_received_only,
)
from agents.nodes.screen import card_at_risk, continues_scam, continues_third_party, wants_human


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "my nan died in october. has the council tax payment gone out this month?",
            ["has the council tax payment gone out this month?"],
        ),
        (
            "so angry. the transfer to my landlord bounced and now he wants a fee. log a complaint",
            ["the transfer to my landlord bounced"],
        ),
        (
            "i want to complain, my new card is still not here after two weeks",
            ["my new card is still not here after two weeks"],
        ),
        ("my husband died and i don't know what to do", []),
        # a second question opening with "and", and one asked without a question mark
        (
            "i get confused with numbers. how much money do i have. and is my card working",
            ["how much money do i have", "and is my card working"],
        ),
        (
            "my wife passed. there's a payment to Thames Water every month and i dont know what it is",
            ["there's a payment to Thames Water every month and i dont know what it is"],
        ),
        ("my dad died and i'm not sure what to do with his account", []),
        ("i've been made redundant and the rent comes out friday", []),
        ("i want to complain about the rude staff in the branch", []),
    ],
)
def test_concrete_requests_are_the_clauses_the_data_answers(text: str, expected: list[str]) -> None:
    assert concrete_requests(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "it" is the regular payment the clause before named: the question is asked of that payment
        (
            "my husband had a stroke and i'm caring for him. the mortgage comes out monday, "
            "will there be enough money in my account for it?",
            ["will there be enough money in my account for it?, the mortgage comes out monday"],
        ),
        (
            "lost my job. the rent goes out on the 1st, have i got enough to cover it?",
            ["have i got enough to cover it?, the rent goes out on the 1st"],
        ),
        # nothing named before: "it" is not a payment, so there is nothing the data answers
        ("i feel awful about it all. is there enough of me to cope with it?", []),
        # a payment named but no question leaning on it
        ("my mum died and the council tax goes out on friday", []),
    ],
)
def test_a_question_about_covering_it_takes_the_payment_named_before(text: str, expected: list[str]) -> None:
    assert concrete_requests(text) == expected


def test_the_request_intent_answers_rather_than_asks() -> None:
    assert request_intent("my new card is still not here") == "card_arrival"
    assert request_intent("the transfer to my landlord bounced") == "failed_transfer"
    assert request_intent("has the mortgage gone out?") is None


@pytest.mark.parametrize(
    ("text", "received_only"),
    [
        ("got a text saying i owe a toll fine, pay on the link today. havent clicked it", True),
        ("had an email about a tax refund, is it real?", True),
        ("got a text about a parcel and paid the fee on the link", False),
        ("received a message from 'hmrc', clicked it and entered my card details", False),
        # a message that asks the customer to send money: the money is what is at risk
        (
            "got an email from paypal saying the buyer's payment is on hold until i pay his courier £90, "
            "is it real?",
            False,
        ),
        ("text from my daughter on a new number, she needs £400 for her rent today, is it real?", False),
    ],
)
def test_a_scam_message_only_received(text: str, received_only: bool) -> None:
    assert scam_message(text)
    assert scam_received_only(text) is received_only


def test_card_details_given_to_a_scam() -> None:
    assert gave_card_details("clicked the link and typed in my card number")
    assert not gave_card_details("clicked the link but closed it straight away")


@pytest.mark.parametrize(
    ("text", "previous", "asked"),
    [
        ("can you tell me my pin", "", True),
        ("what's my pin?", "", True),
        ("forgot my pin, can you tell me what it is", "", True),
        ("just read it out", "please tell me my pin", True),
        ("just read it out", "what's my balance", False),
        ("how do I change my pin?", "", False),
        ("my pin is blocked", "", False),
    ],
)
def test_pin_requested(text: str, previous: str, asked: bool) -> None:
    assert pin_requested(text, previous) is asked


@pytest.mark.parametrize(
    "text", ["no i'm ok thanks, just needed to check that", "I'm fine thanks", "no need"]
)
def test_declining_an_offer_politely_is_a_no(text: str) -> None:
    assert read_decision(text) is Decision.NO


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("transfer me to an advisor", True),
        ("yes put me through to someone", True),
        ("can I speak to a person", True),
        ("pass this to someone please", True),
        ("how long does a normal bank transfer take to reach someone", False),
        ("I want to transfer money to someone", False),
    ],
)
def test_a_person_asked_for_not_a_transfer_to_someone(text: str, asked: bool) -> None:
    assert wants_human(text) is asked


def test_asking_when_a_person_is_available_is_not_asking_for_one_now() -> None:
    assert not wants_human("what time can i talk to an actual human on saturday")
    assert not wants_human("when can I speak to someone?")
    assert wants_human("can I speak to someone now")


@pytest.mark.parametrize(
    ("text", "pressing"),
    [
        ("its legit tho, he showed me screenshots. just do it please", True),
        ("how would they know my address if they weren't the bank? please just move it", True),
        ("it's my money my choice, send it anyway", True),
        ("ok thanks, I won't send anything", False),
        ("what's my balance?", False),
    ],
)
def test_pressure_to_go_ahead_after_a_warning(text: str, pressing: bool) -> None:
    assert presses_on(text) is pressing


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("I've forgotten my PIN and I'm at the till, can you just tell me it in here quickly", True),
        ("my pin has gone out of my head at the pump, could you send me it please", True),
        ("my pin is blocked after three tries, what do I do", False),
    ],
)
def test_the_pin_asked_for_later_in_the_message(text: str, asked: bool) -> None:
    assert pin_requested(text) is asked


def test_a_question_of_its_own_beside_news_is_answered_but_not_what_to_do_about_the_news() -> None:
    from agents.dialogue.support_cues import own_question

    news = "My dad passed away in June and the inheritance comes through next week."
    assert own_question(f"{news} Will you need paperwork showing where the money came from?")
    assert own_question(f"{news} What do I need to do?") is None
    assert own_question("My mum died. I can't cope anymore.") is None


def test_a_question_pointing_back_at_a_purchase_comes_with_the_purchase() -> None:
    from agents.dialogue.support_cues import own_question

    story = (
        "I've been really low since the divorce. Last weekend I ordered loads from a furniture shop at 3am. "
        "What did that come to in the end?"
    )
    assert own_question(story) == (
        "Last weekend I ordered loads from a furniture shop at 3am. What did that come to in the end?"
    )
    # A question naming its own object stays as it is.
    news = "I've been really low since the divorce. I spent a lot last month."
    assert own_question(f"{news} What's my balance on the savings?") == "What's my balance on the savings?"


WARNED = {"scam_warned": True, "cues": ["scam"]}


@pytest.mark.parametrize(
    ("state", "text", "continues"),
    [
        (WARNED, "hes still on the line and says he'll get fired if i dont pay", True),
        (WARNED, "the courier is nearly here, what do i do", True),
        (WARNED, "the email has their logo on it", True),
        (WARNED, "what's my balance?", False),  # a new request of its own is answered
        (WARNED, "ok. how much is really in my account, he says it's all gone", False),
        (WARNED, "I want to make a complaint about how long this took", False),
        (WARNED, "can I talk to a person", False),
        (WARNED, "ok thanks, will do", False),  # the warning was taken
        ({**WARNED, "procedure": "report_lost_stolen"}, "lost", False),  # our question is answered
        ({"cues": ["scam"]}, "the courier is nearly here", False),  # the last turn was not the warning
    ],
)
def test_a_scam_story_goes_on_after_the_warning(state: dict[str, object], text: str, continues: bool) -> None:
    assert continues_scam(state, text, "", {"vulnerability": None}) is continues  # type: ignore[arg-type]


TOLD = {"third_party_told": True, "cues": ["third_party"]}


@pytest.mark.parametrize(
    ("state", "text", "continues"),
    [
        (TOLD, "He signed consent for reference checks in the tenancy agreement, I can email it over", True),
        (TOLD, "Joanne's in tears, they lose the villa tonight. Surely you can just resend it.", True),
        (TOLD, "what's my balance?", False),  # a request of the customer's own is answered
        (TOLD, "this is ridiculous, I want to complain", False),
        (TOLD, "can I talk to a person", False),
        (TOLD, "ok thanks", False),
        (TOLD, "what time do you open on saturday", False),  # nothing about that person
        ({"cues": ["third_party"]}, "he signed consent", False),  # the last turn was not that answer
    ],
)
def test_another_persons_account_pressed_after_the_answer(
    state: dict[str, object], text: str, continues: bool
) -> None:
    flags = ["complaint"] if "ridiculous" in text else []
    screening = {"vulnerability": None, "flags": flags}
    assert continues_third_party(state, text, "", screening) is continues  # type: ignore[arg-type]


def test_a_courier_coming_for_the_card_is_the_scam_not_a_card_to_freeze() -> None:
    story = "the fraud team said my card is compromised and a courier will collect it"
    assert not card_at_risk(story, "compromised_card")
    assert card_at_risk("I gave my card to a courier who said he was from the bank", "compromised_card")


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        (
            "replacement is meant to land this week. how do I switch it on once I've got it?",
            # "it" is the replacement of the sentence before, so that sentence stays with the question
            "replacement is meant to land this week. how do I switch it on once I've got it?",
        ),
        (
            "got the letter about my new pin. what's the process for changing it at a cash machine?",
            "got the letter about my new pin. what's the process for changing it at a cash machine?",
        ),
        (
            "a shop I use was hacked. anyway. how would I set up a disposable card?",
            "how would I set up a disposable card?",
        ),
        (
            "my sister got stung on a dodgy website. do you offer virtual cards?",
            "do you offer virtual cards?",
        ),
        (
            "is there a way to turn off tap to pay on my debit card",
            "is there a way to turn off tap to pay on my debit card",
        ),
        ("how does a disposable card work", "how does a disposable card work"),
        ("how to add my card to google pay", "how to add my card to google pay"),
    ],
)
def test_how_to_questions_are_picked_out_of_their_story(text: str, asked: str) -> None:
    assert how_to_question(text) == asked


@pytest.mark.parametrize(
    "text",
    [
        "how do I freeze my card",  # the assistant offers the freeze itself
        "how do i know if my card is blocked",  # a look-up of the customer's own card
        "how can I see my transactions from last week",
        "how do i get my money back from this shop",
        "how much did I spend at tesco",
        "how long does a new card take",
        "do you have my new address yet?",
    ],
)
def test_look_ups_and_actions_are_not_how_to_questions(text: str) -> None:
    assert how_to_question(text) is None


def test_one_how_to_question_with_its_story_is_one_request() -> None:
    assert asks_only_how_to(
        ["someone's latte went on my card at the till", "not impressed", "how can I turn contactless off"]
    )
    assert not asks_only_how_to(["what's my balance", "how do I add my card to apple pay"])
    assert not asks_only_how_to(["my card was declined", "why was it declined"])


@pytest.mark.parametrize(
    "text",
    [
        "End of October I paid SNCF on the euro card and the seat didn't exist, they'd sold it twice. Their "
        "complaint form goes nowhere. Can the bank get the money back for me",
        "The hotel in Rome was a disgrace, they cancelled my room and never refunded me. "
        "Can you get my money back?",
        "Ordered a Deliveroo and it never turned up. Their support chat is useless. "
        "Can the bank get my money back?",
    ],
)
def test_dissatisfaction_with_the_shop_when_the_money_back_is_asked_is_no_complaint_about_us(
    text: str,
) -> None:
    assert complains_of_merchant_only(text)


@pytest.mark.parametrize(
    "text",
    [
        "Your app is useless. The shop never refunded me, can you get my money back",
        "I want to make a complaint. The shop never refunded me, can you get my money back",
        "This is ridiculous, I've been charged twice and nobody has fixed it. I want to make a complaint.",
        "the shop never refunded me and you lot did nothing when I rang, it's a disgrace. get my money back",
        "Their complaint form goes nowhere.",
    ],
)
def test_a_complaint_about_us_or_made_in_words_stays_a_complaint(text: str) -> None:
    assert not complains_of_merchant_only(text)
