"""Urgency, questions about state, follow-ups and several requests, read from the words."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import (
    FollowUp,
    asked_sentence,
    card_trapped,
    cards_named_together,
    combines_answers,
    disclosed_to_a_scam,
    explicit_action,
    follow_up,
    impersonation_scam,
    progress_of_claim,
    requested_card_action,
    requested_dispute,
    requests_after_answer,
    split_requests,
    status_question,
    urgent_intent,
)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("my wallet got pinched", "lost_or_stolen_card"),
        ("someone stole my bag, this is awful, block my card", "lost_or_stolen_card"),
        ("mugged last night, they took my purse", "lost_or_stolen_card"),
        ("cant find my card anywhere", "lost_or_stolen_card"),
        ("I think my card was cloned at a petrol station", "compromised_card"),
        ("card got skimmed at the atm", "compromised_card"),
        ("three charges from a shop Ive never heard of", "card_payment_not_recognised"),
        ("there is a payment i dont recognise", "card_payment_not_recognised"),
        ("there are payments coming out that aren't mine", "card_payment_not_recognised"),
        ("that charge isnt mine, 4 of them this morning", "card_payment_not_recognised"),
        ("a cash withdrawal I didn't make", "cash_withdrawal_not_recognised"),
        ("a direct debit I never set up and don't recognise", "direct_debit_payment_not_recognised"),
    ],
)
def test_urgent_cues_in_any_wording(text: str, intent: str) -> None:
    assert urgent_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "what's my balance",
        "when will my new card arrive",
        "I found my card, please unfreeze it",
        "how do I change my PIN",
        "show me my Tesco payments",
        "I lost my temper with the app, it's so slow",
    ],
)
def test_ordinary_requests_are_not_urgent(text: str) -> None:
    assert urgent_intent(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "forgot my card in the atm outside tesco",
        "I must have left my visa in the card machine at the pub",
        "i left my debit card at the till in the chemist",
        "walked off without my card at the self checkout",
        "I forgot to take my card back out of the cashpoint",
        "left it in the hole in the wall machine",
        "went back to the garage for my card and it was gone",
    ],
)
def test_a_card_left_behind_somewhere_public_is_lost(text: str) -> None:
    assert urgent_intent(text) == "lost_or_stolen_card"


@pytest.mark.parametrize(
    "text",
    [
        "I left my card at home, can I pay with my phone",
        "left my card in my other coat, is apple pay ok",
        "I forgot my card at work, can I still pay by phone",
        "after I left the shop my card was declined on the bus",
        "how much money have I got left on my card",
        "went back into the app and my card wasnt there",
    ],
)
def test_a_card_left_somewhere_of_ones_own_is_not_lost(text: str) -> None:
    assert urgent_intent(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("is my card still active?", "card_status"),
        ("did the freeze work?", "card_status"),
        ("is my visa blocked or something", "card_status"),
        ("is my debit card ok to use?", "card_status"),
        ("any news on my dispute", "dispute_status"),
        ("what's the status of my claim", "dispute_status"),
    ],
)
def test_questions_about_state(text: str, kind: str) -> None:
    assert status_question(text) == kind


@pytest.mark.parametrize(
    "text",
    ["can you freeze my card?", "please unfreeze my card", "I want to block my card", "freeze my visa"],
)
def test_a_request_to_act_is_never_a_status_question(text: str) -> None:
    assert status_question(text) is None


def test_explicit_actions() -> None:
    assert explicit_action("block my card") == "freeze"
    assert explicit_action("please report it stolen") == "report"
    assert explicit_action("I want my money back") == "dispute"
    assert explicit_action("my wallet got pinched") is None


LISTED = {
    "procedure": "recent_transactions",
    "listed": ["26 Nov: Trainline, £17.15", "21 Nov: Amazon, £24.99"],
}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("any older ones?", "older"),
        ("ok and the three before them", "older"),
        ("how much is that altogether?", "total"),
        ("the second one", "pick"),
        ("and the joint account?", "refine"),
        ("same for the dollar one?", "refine"),
        ("what about October", "refine"),
    ],
)
def test_follow_ups_against_the_frame(text: str, kind: str) -> None:
    found = follow_up(text, LISTED)
    assert found is not None
    assert found.kind == kind


def test_no_frame_no_follow_up_and_a_new_request_is_not_one() -> None:
    assert follow_up("any older ones?", None) is None
    assert follow_up("I want to report my card stolen because it was taken on the train", LISTED) is None


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "can you freeze my card and tell me what's left in savings",
            ["can you freeze my card", "tell me what's left in savings"],
        ),
        (
            "what is my balance? also when will my card arrive",
            ["what is my balance", "also when will my card arrive"],
        ),
        (
            "what's my balance, show me my last transactions and is my card still active?",
            ["what's my balance", "show me my last transactions", "is my card still active?"],
        ),
        (
            # "it" has its noun in its own request: it does not refer back to the balance
            "whats my savings balance and then block my visa, i cant find it",
            ["whats my savings balance", "block my visa, i cant find it"],
        ),
    ],
)
def test_several_requests_in_one_message(text: str, parts: list[str]) -> None:
    assert split_requests(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "show me payments to Tesco and Sainsbury",
        "my card was stolen and someone used it",
        "I found it, please unfreeze my visa card",
        "hello, can you check my balance",
        "I bought shoes and a bag at Next",
    ],
)
def test_one_request_stays_whole(text: str) -> None:
    assert split_requests(text) == [text]


def test_at_most_three_requests() -> None:
    text = "what's my balance, show my transactions, is my card active and when does my card arrive"
    assert len(split_requests(text)) == 3


# Held-out set 6 showed these wordings of urgency missed: use in progress, details typed into a fake page or
# text, a card mislaid. Variants, not the held-out sentences.
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("help someone is spending on my card as we speak", "card_payment_not_recognised"),
        ("somebody's been using my debit card online, loads of notifications", "card_payment_not_recognised"),
        (
            "i entered my card number on a dodgy website selling trainers, think it was a scam",
            "compromised_card",
        ),
        ("typed my card details into a fake royal mail page", "compromised_card"),
        ("I seem to have mislaid my bank card", "lost_or_stolen_card"),
    ],
)
def test_urgent_cues_in_new_wordings(text: str, intent: str) -> None:
    assert urgent_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "how do I put my card details into apple pay",
        "can I enter my card number on the website to pay my bill",
        "what happens if I give my card details to a shop over the phone",
    ],
)
def test_giving_card_details_without_a_scam_is_not_urgent(text: str) -> None:
    assert urgent_intent(text) is None


@pytest.mark.parametrize(
    "text",
    ["what cards have I got with you", "which card is which", "how many cards do i have", "list my cards"],
)
def test_asking_which_cards_they_hold_is_a_card_status_question(text: str) -> None:
    assert status_question(text) == "card_status"


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("ok can you freeze it till monday, I dont trust my flatmate", "freeze_card"),
        ("block that one please, I left it on the bus", "freeze_card"),
        ("could you unlock my card now", "unfreeze_card"),
        ("what happens if I freeze my card", None),
        ("can you report it stolen", None),  # reporting cancels the card: triage and the report procedure
    ],
)
def test_a_card_action_asked_in_plain_words(text: str, procedure: str | None) -> None:
    assert requested_card_action(text) == procedure


def test_the_same_action_again_is_a_follow_up_however_long_the_reason() -> None:
    frozen = {"procedure": "freeze_card", "listed": [], "shown": ["card-1"]}
    text = "oh and could you do the same with my other card as well, both were in my coat that got nicked"
    found = follow_up(text, frozen)
    assert found is not None
    assert found.kind == "refine"


# Issue 12: where a new or replacement card is, is a question about its delivery, never a report.
@pytest.mark.parametrize(
    "text",
    [
        "has my replacement been sent",
        "where's my new card?",
        "is the new one on its way",
        "still waiting for my new card",
        "has the replacement card been posted yet",
    ],
)
def test_where_is_my_new_card_is_a_delivery_question(text: str) -> None:
    assert status_question(text) == "card_arrival"


@pytest.mark.parametrize(
    "text",
    [
        "has my payment been sent",
        "i lost my card",
        "send me a new card",
        "can I get a new card",
        "somebody's been spending on my card, alerts keep coming from shops abroad",
    ],
)
def test_not_a_card_delivery_question(text: str) -> None:
    assert status_question(text) != "card_arrival"


def test_a_request_starting_whens_after_a_comma_is_a_request_of_its_own() -> None:
    assert split_requests("block my visa, also when's my rent going out") == [
        "block my visa",
        "when's my rent going out",
    ]


@pytest.mark.parametrize("text", ["how many was that", "how many were there", "how many is that altogether"])
def test_a_count_of_what_was_listed_is_a_total(text: str) -> None:
    frame: dict[str, object] = {"procedure": "recent_transactions"}
    found = follow_up(text, frame)
    assert found is not None
    assert found.kind == "total"


@pytest.mark.parametrize(
    "text", ["did you block it?", "have you frozen my card", "has it been blocked", "was the card frozen"]
)
def test_asking_whether_it_was_done_is_a_status_question(text: str) -> None:
    assert status_question(text) == "card_status"


@pytest.mark.parametrize("text", ["did you block my pin", "can you block it", "block it"])
def test_not_asking_whether_it_was_done(text: str) -> None:
    assert status_question(text) != "card_status"


@pytest.mark.parametrize("text", ["is my account frozen", "has my current account been blocked?"])
def test_whether_the_account_is_frozen_is_a_status_question(text: str) -> None:
    assert status_question(text) == "card_status"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("some bloke grabbed my wallet at the bus stop and legged it", "lost_or_stolen_card"),
        ("a guy on a scooter ran off with my handbag, cards and all", "lost_or_stolen_card"),
        ("post keeps going missing in our flats and my new card never came, stop it", "lost_or_stolen_card"),
        ("my son took my credit card and bought skins on his xbox", "card_payment_not_recognised"),
        ("my 12 year old spent on my card on his ipad without asking", "card_payment_not_recognised"),
    ],
)
def test_taken_by_someone_is_urgent(text: str, intent: str) -> None:
    assert urgent_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "I took my card out of my wallet to check the number",
        "the cash machine took my card",
        "£20 was taken from my card twice",
        "my son used my card to buy me a present, I said he could",
        "has my post been sent out",
    ],
)
def test_taken_without_a_thief_is_not_urgent(text: str) -> None:
    assert urgent_intent(text) is None


def test_a_plea_for_guidance_stays_with_the_story() -> None:
    text = "someone just took my purse on the tube, my card was in it. what do I do"
    assert split_requests(text) == [text]


def test_a_freeze_asked_after_the_story_is_one_request() -> None:
    text = "someone has been stealing post from our letterboxes and my new card hasn't come. can you stop it"
    assert split_requests(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "lost my bag on the 3rd, already reported it and the replacement is on its way",
        "dropped my card somewhere but I didnt report it till friday, the new card is in the post",
    ],
)
def test_a_loss_already_reported_is_not_urgent(text: str) -> None:
    assert urgent_intent(text) is None


def test_a_theft_reported_to_the_police_is_still_urgent() -> None:
    assert (
        urgent_intent("someone stole my card, I already reported it to the police") == "lost_or_stolen_card"
    )


@pytest.mark.parametrize(
    "text",
    [
        "my previous card turned up in a coat pocket. is that one cancelled now? not asking for anything",
        "found my old card in the car lol. is it definitely stopped? dont change anything",
    ],
)
def test_a_card_question_inside_a_story_is_a_status_question(text: str) -> None:
    assert status_question(text) == "card_status"


def test_a_story_with_an_action_in_it_is_not_a_status_question() -> None:
    assert status_question("I lost my card. Is that ok? freeze it") is None


def test_asking_for_money_back_is_not_a_card_status_question() -> None:
    text = "I cancelled the gym in the spring but they still took £20 in October. Could you get it back?"
    assert status_question(text) is None


def test_news_of_a_refund_already_reported_is_a_dispute_status_question() -> None:
    assert status_question("any news on the watch refund thing I reported?") == "dispute_status"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("anything else gone on it since?", "since"),
        ("any since then", "since"),
        ("is that every month then", "history"),
        ("does it come out each month?", "history"),
    ],
)
def test_since_and_every_month_follow_a_listing(text: str, kind: str) -> None:
    frame = {"procedure": "spending", "text": "what did apple charge me in september"}
    found = follow_up(text, frame)
    assert found is not None
    assert found.kind == kind


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        # numbered by the customer, however short each item
        ("quick ones: 1) savings balance 2) what did tesco take 3) when is rent due", None),
        ("1. balance 2. last payment to uber", ["balance", "last payment to uber"]),
        # a question of its own about the thing the request before named
        ("whats my current account balance and whats still pending on it?", None),
        ("savings balance please, and how much interest has been paid into it", None),
    ],
)
def test_numbered_and_on_it_requests_are_split(text: str, parts: list[str] | None) -> None:
    assert len(split_requests(text)) >= 2
    if parts is not None:
        assert split_requests(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "when was i last in sainsburys and how much did i spend",
        "what did i pay at the garage on friday and what time was it",
        "i got a letter about my account, whats happening with it",
        "I lost my card, please report it",
    ],
)
def test_the_other_half_of_one_request_stays_with_it(text: str) -> None:
    assert split_requests(text) == [text]


@pytest.mark.parametrize(
    "text",
    ["was that a refund?", "and did it come out of my account or go in", "hang on was it a charge"],
)
def test_which_way_the_payment_just_shown_went(text: str) -> None:
    frame = {"procedure": "spending", "listed": ["21 Nov 2026: Amazon, £24.99"]}
    assert follow_up(text, frame) == FollowUp("direction")
    assert follow_up(text, {**frame, "listed": []}) != FollowUp("direction")


@pytest.mark.parametrize("text", ["and the one before?", "what about the previous one", "the payment before"])
def test_the_one_before_is_an_older_follow_up(text: str) -> None:
    assert follow_up(text, {"procedure": "income", "listed": []}) == FollowUp("older")


def test_them_two_together_sums_the_figures() -> None:
    frame = {"procedure": "recent_transactions", "figures": [["a", 1, "GBP"], ["b", 2, "GBP"]]}
    assert follow_up("so whats them two together", frame) == FollowUp("total")


@pytest.mark.parametrize(
    "text", ["whats that between the two then", "What do the two come to?", "and the pair of them added up?"]
)
def test_the_two_come_to_sums_the_figures(text: str) -> None:
    frame = {"procedure": "spending", "figures": [["a", 1, "GBP"], ["b", 2, "GBP"]]}
    assert follow_up(text, frame) == FollowUp("total")


@pytest.mark.parametrize(
    "text",
    [
        "So how much did I save by going to Aldi instead?",
        "whats the difference between them",
        "ok so how much more went on the food shop",
        "how much cheaper was it then",
    ],
)
def test_how_far_apart_two_figures_are_is_their_difference(text: str) -> None:
    frame = {"procedure": "spending", "figures": [["a", 1, "GBP"], ["b", 2, "GBP"]]}
    assert follow_up(text, frame) == FollowUp("difference")
    assert follow_up(text, {**frame, "figures": [["a", 1, "GBP"]]}) != FollowUp("difference")


@pytest.mark.parametrize(
    "text",
    [
        "rang to report my card lost and sat on hold for 2 hours, i want to complain",
        "phoned up to cancel my card when i lost it and got cut off",
        "my old card went missing in october",
        "my card got nicked last month and you sent me a new one",
    ],
)
def test_a_loss_already_reported_or_replaced_is_not_urgent_again(text: str) -> None:
    assert urgent_intent(text) is None


def test_reporting_a_loss_to_the_police_is_still_urgent() -> None:
    assert urgent_intent("I rang to report my card stolen to the police") == "lost_or_stolen_card"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("is the old one definitely blocked now?", "card_status"),
        ("my old card got pinched a few weeks back, is it definitely cancelled", "card_status"),
        ("and when will the new one get to me", "card_arrival"),
        ("and wheres the new card anyway", "card_arrival"),
    ],
)
def test_after_a_loss_questions_about_either_card_are_status(text: str, kind: str) -> None:
    assert status_question(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "how much was it in euros exactly",
        "and what was that in dollars?",
        "what did it come to in the local money",
    ],
)
def test_an_amount_asked_in_another_currency_is_about_the_payment_itself(text: str) -> None:
    # After the payment just shown, or the one a complaint named ("charged me £71.58 for about 81 euros"):
    # that payment in the currency it was made in, not a total in pounds.
    frame = {"procedure": "recent_transactions", "text": "my payment of £71.58", "listed": []}
    assert follow_up(text, frame) == FollowUp("currency")
    assert follow_up(text, {**frame, "procedure": "spending"}) == FollowUp("currency")
    assert follow_up(text, {**frame, "procedure": "check_balance"}) != FollowUp("currency")


# Set 20: a counted opening ("right, three things.") hid the first request from routing; a statement with a
# tag ("...is blocked, yeah?") was read as a report of the lost card. Variants, not the held-out sentences.
@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "ok two things: whats my savings balance, and when does the gym come out",
            ["whats my savings balance", "when does the gym come out"],
        ),
        (
            "a few questions while im here - is my visa active, how much went on uber last week",
            ["is my visa active", "how much went on uber last week"],
        ),
        (
            "whats my balance, and the card i lost is blocked now right? thanks",
            ["whats my balance", "the card i lost is blocked now right? thanks"],
        ),
    ],
)
def test_a_counted_opening_and_a_tagged_statement_split(text: str, parts: list[str]) -> None:
    assert split_requests(text) == parts


def test_a_counted_opening_alone_keeps_the_message_whole() -> None:
    text = "two things are wrong with my card, can you check it"
    assert split_requests(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "my old card is properly stopped yeah? the one that went missing",
        "the visa i lost is cancelled, isn't it?",
        "the card I dropped in town is blocked now right?",
    ],
)
def test_a_statement_with_a_tag_is_a_status_question(text: str) -> None:
    assert status_question(text) == "card_status"


@pytest.mark.parametrize(
    "text",
    [
        "left my jacket in a taxi last night and my wallet with all my cards was in it",
        "I've left my coat on the train home and my purse was in the pocket with my bank card",
        "forgot my gym bag in the changing rooms, my debit card is in the side pocket",
    ],
)
def test_a_bag_or_coat_left_somewhere_public_with_the_card_in_it_is_a_lost_card(text: str) -> None:
    assert urgent_intent(text) == "lost_or_stolen_card"


@pytest.mark.parametrize("text", ["left my coat at the gym, can I still get in", "I left my card at home"])
def test_something_left_without_a_card_in_it_is_not_urgent(text: str) -> None:
    assert urgent_intent(text) is None


def test_a_message_opening_on_a_listed_line_picks_it_however_long() -> None:
    long = "the second one, where was that again? i really cant remember buying anything that day at all"
    assert follow_up(long, LISTED) == FollowUp("pick")
    assert follow_up(long, {**LISTED, "listed": []}) != FollowUp("pick")


def test_it_after_a_payment_is_that_payment_however_long_the_question() -> None:
    frame = {"procedure": "payment_status", "text": "sent trevor 35 quid yesterday", "listed": []}
    assert follow_up("so when is it actually going to get to him then do you think", frame) == FollowUp(
        "refine"
    )
    assert follow_up("so when is the new card actually going to get to me then do you think", frame) is None


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        (
            "Hello, it's Kathleen. I'm doing my budget book. What did my last shop at M&S come to?",
            "What did my last shop at M&S come to?",
        ),
        ("what's my balance", None),
        ("What's my balance? And when does the rent go?", None),
    ],
)
def test_the_one_question_among_sentences_that_tell(text: str, asked: str | None) -> None:
    assert asked_sentence(text) == asked


@pytest.mark.parametrize(
    "text",
    [
        "I've got two claims open, the hotel one and the airline. How are they both getting on?",
        "my disputes - how are things looking?",
    ],
)
def test_how_claims_are_getting_on_is_their_status(text: str) -> None:
    assert status_question(text) == "dispute_status"


def test_what_will_be_left_after_a_list_is_the_list_s_purpose() -> None:
    text = (
        "Can you list everything due to leave my account before the 20th of December? Direct debits, "
        "standing orders, all of it. I'd like to know what I'll have left for the grandchildren."
    )
    assert split_requests(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "whats the last thing i bought on my pound card",
        "what was my last purchase",
        "tell me the latest thing i paid for",
    ],
)
def test_the_last_thing_bought_is_looked_up_not_disputed(text: str) -> None:
    assert status_question(text) == "recent_transactions"
    assert explicit_action(text) is None


def test_the_last_thing_bought_that_was_not_mine_is_not_a_lookup() -> None:
    assert status_question("the last thing i bought wasnt me, i dont recognise it") != "recent_transactions"


@pytest.mark.parametrize(
    "text",
    [
        "switched broadband to Virgin and they set up their own payment. Please cancel the BT direct debit",
        "we pay the gym by card now instead of the monthly payment, can you cancel the gym direct debit",
    ],
)
def test_a_cancellation_asked_after_the_story_is_one_request(text: str) -> None:
    assert split_requests(text) == [text]


_ONE_PAYMENT = {"procedure": "spending", "listed": ["19 Sep 2026: Currys, £498.43"]}


@pytest.mark.parametrize(
    "text",
    [
        "which card did I use for that one?",
        "that was the mastercard wasnt it. whats the last 4 on it",
        "was it on my credit card?",
        "what card was that on",
        "need the last four digits of the card it went on",
    ],
)
def test_which_card_paid_for_the_one_payment_shown(text: str) -> None:
    assert follow_up(text, _ONE_PAYMENT) == FollowUp("card")
    assert follow_up(text, {**_ONE_PAYMENT, "listed": []}) != FollowUp("card")


@pytest.mark.parametrize(
    "text",
    [
        "did a click and collect at sainsburys, they said refund in 3 working days. nothing. can u sort it",
        "Asos promised me a refund for the jeans a month ago and it still hasn't come through, can you help?",
        "I sent the boots back to Schuh three weeks ago and I've had no money back. Could you sort this out?",
        "the takeaway never turned up but deliveroo still took the money, what can you do",
        "they said I'd be refunded within a week, that was a month ago. can you chase it?",
    ],
)
def test_help_asked_with_the_story_of_a_shop_letting_one_down_is_a_dispute(text: str) -> None:
    assert requested_dispute(text)


@pytest.mark.parametrize(
    "text",
    [
        "how do refunds work? can you help me understand",
        "can you help me with my refund",
        "I sent my son £50 yesterday and it never arrived, can you help",
        "my new card never arrived can you help",
        "my salary hasn't come in, can you help",
        "the transfer to my landlord hasn't arrived, can you look into it",
        "any news on my refund claim? can you help",
    ],
)
def test_help_without_such_a_story_is_not_a_dispute(text: str) -> None:
    assert not requested_dispute(text)


def test_working_days_are_not_a_card_working() -> None:
    text = "did an order at the co-op in october, they said refund in 5 working days. its been weeks. sort it"
    assert status_question(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "a woman phoned claiming to be from BT and I gave her my card number and the 3 digits on the back",
        "bloke rang saying he was from the council, I read him the long number and the expiry. what do I do",
        "I confirmed my security code to a man pretending to be from Royal Mail",
        "Someone called, said they were from Amazon, I told them my card details. Amazon never ring people",
    ],
)
def test_card_details_said_to_someone_posing_as_a_firm_are_compromised(text: str) -> None:
    assert urgent_intent(text) == "compromised_card"
    assert disclosed_to_a_scam(text)


@pytest.mark.parametrize(
    "text",
    [
        "a man rang saying he was from Sky, I hung up straight away",
        "I read the card number out to pay the delivery driver, is that ok?",
    ],
)
def test_a_call_without_details_given_or_details_without_a_suspect_are_not_compromised(text: str) -> None:
    assert urgent_intent(text) != "compromised_card"


@pytest.mark.parametrize(
    "text",
    [
        "The cash machine at the garage has kept my card, and a man who came over to help was stood "
        "right next to me while I put my number in",
        "atm swallowed my card and some lad behind me was watching when i typed my pin",
        "the cashpoint outside the co-op has just eaten my debit card!! a guy hanging about said try "
        "your pin again, now hes gone",
        "my card got stuck in the cash machine, a woman beside me offered to help and told me to key "
        "my PIN in again",
        "the machine wouldnt give my card back and a bloke had been hovering over my shoulder at my pin",
        # the PIN unsaid: a stranger close while the machine kept the card is the trap all the same
        "The ATM didn't give my card back and some guy had been watching me the whole time",
    ],
)
def test_a_card_kept_by_a_machine_with_a_stranger_at_the_pin_is_compromised(text: str) -> None:
    assert card_trapped(text)
    assert urgent_intent(text) == "compromised_card"


@pytest.mark.parametrize(
    "text",
    [
        "the cash machine kept my card after I put the wrong pin in three times",
        "atm kept my card, how do i get it back",
        "a man at the atm watched me put my pin in but I have my card",
    ],
)
def test_a_kept_card_alone_or_a_watched_pin_alone_is_no_card_trap(text: str) -> None:
    assert not card_trapped(text)


@pytest.mark.parametrize(
    ("text", "together"),
    [
        ("lost my wallet, both my cards were in it, can u stop them", ("every",)),
        ("someone's nicked my handbag with all my cards in it", ("every",)),
        ("please freeze every card I've got", ("every",)),
        ("my cards were both in the bag", ("every",)),
        ("block the lot", ("every",)),
        ("my debit card and credit card were in my coat", ("debit", "credit")),
        ("the euro card and the pound one are gone", ("euro", "pound")),
        ("my card was stolen", ()),
        ("freeze my credit card", ()),
        ("the debit one is at home", ()),
    ],
)
def test_cards_named_together(text: str, together: tuple[str, ...]) -> None:
    assert cards_named_together(text) == together


@pytest.mark.parametrize(
    "text",
    [
        "he dropped his phone down the loo so he's on his mate's phone, he needs £600",
        "my daughter's messaged from a new number, her phone got broke",
    ],
)
def test_someone_elses_phone_lost_or_broken_is_nothing_of_the_customers_at_risk(text: str) -> None:
    assert urgent_intent(text) is None
    assert urgent_intent("I dropped my phone on the bus and it's gone") == "lost_or_stolen_card"


def test_something_the_customer_has_done_is_not_a_freeze_done() -> None:
    assert status_question("I think I've done something silly with my card, what do I do?") is None
    assert status_question("is the freeze on my card done?") == "card_status"


@pytest.mark.parametrize("text", ["Well while I have you, where is it up to now?", "ok so any news on it?"])
def test_progress_asked_right_after_a_message_about_a_claim_is_that_claim(text: str) -> None:
    previous = "I want to complain, my claim about the cinema tickets has been going for weeks"
    assert progress_of_claim(text, previous)
    assert not progress_of_claim(text, "I want to complain about the rude man in your branch")
    assert not progress_of_claim("what's my balance?", previous)


@pytest.mark.parametrize(
    "text",
    ["what day was that?", "when was it", "and when did it go through exactly?", "which date was that on"],
)
def test_the_day_of_the_one_payment_shown(text: str) -> None:
    assert follow_up(text, _ONE_PAYMENT) == FollowUp("day")
    assert follow_up(text, {**_ONE_PAYMENT, "listed": ["a", "b"]}) != FollowUp("day")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("balance + when does the tv licence go next + last 4 digits of the new card", 3),
        ("balances + my direct debits", 2),
        ("marks & spencer in october, how much", 1),
    ],
)
def test_a_one_word_request_between_plus_signs_is_a_request(text: str, count: int) -> None:
    assert len(split_requests(text)) == count


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("the gym emailed to say there was a data breach, my card details were not affected", None),
        ("a retailer had a data breach but no card details were taken apparently", None),
        ("the shop had a data breach and my card details were leaked", "compromised_card"),
        ("data breach at the hotel I booked, should I be worried about my card", "compromised_card"),
        # only the breach is spared: another compromise named in the same message still counts
        ("my card was skimmed at the atm, not my credit card though", "compromised_card"),
    ],
)
def test_a_data_breach_the_customer_says_spared_their_card_is_not_urgent(
    text: str, intent: str | None
) -> None:
    assert urgent_intent(text) == intent


def test_a_bank_card_named_in_a_shops_email_is_no_bank_impersonation() -> None:
    assert not impersonation_scam(
        "an email from a shop saying their site was hacked, it wasnt my bank card number they said"
    )
    assert impersonation_scam("an email saying it was from my bank asking me to confirm my card number")


@pytest.mark.parametrize(
    "text",
    [
        "End of October I paid SNCF for a train and the seat didn't exist, they'd sold it twice. "
        "Their complaint form goes nowhere. Can the bank get the money back for me",
        "The hotel cancelled my room and never refunded me. Could Northbank get my money back?",
        "Carrefour took €40 off my card but the delivery never came and they ignore my emails. "
        "I want my money back please",
        "my parcel never arrived and the seller has gone quiet, i just want a refund",
    ],
)
def test_the_money_back_asked_of_the_bank_with_the_story_is_a_dispute(text: str) -> None:
    assert requested_dispute(text)


@pytest.mark.parametrize(
    "text",
    ["I want my money back", "you charged me a fee, I want my money back", "can the bank help me save"],
)
def test_money_back_without_a_shop_letting_one_down_is_not_a_dispute(text: str) -> None:
    assert not requested_dispute(text)


@pytest.mark.parametrize(
    "text",
    [
        "i rang on tuesday saying i MIGHT of lost my card and someone cancelled it, found it in my jacket "
        "next day",
        "I lost my card yesterday, found it this morning though",
        "thought I'd lost my card but I've found it now",
        "I thought my card was stolen, it turned up under the sofa",
    ],
)
def test_a_card_found_again_is_not_urgent(text: str) -> None:
    assert urgent_intent(text) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I lost my card, if I found it later could I unfreeze it?", "lost_or_stolen_card"),
        ("I can't find my card, have you found it", "lost_or_stolen_card"),
        (
            "lost my card but found it, but theres a payment on it i dont recognise",
            "card_payment_not_recognised",
        ),
    ],
)
def test_a_card_not_found_again_is_still_urgent(text: str, intent: str) -> None:
    assert urgent_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "right. what did that lot come to in dollars",
        "ok. and how much did they all add up to in dollars?",
        "what did they all come to in euros",
    ],
)
def test_a_total_asked_in_a_currency_after_payments_is_their_total(text: str) -> None:
    assert follow_up(text, {"procedure": "recent_transactions", "text": "payments at luxe"}) == FollowUp(
        "total"
    )


def test_one_payment_asked_in_a_currency_is_that_payment() -> None:
    frame = {"procedure": "recent_transactions", "text": "my payment of £71.58"}
    assert follow_up("and what was that in euros?", frame) == FollowUp("currency")


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("ok yes, when will I hear back?", ["when will I hear back?"]),
        ("sure, where will the money go back to", ["where will the money go back to"]),
        ("yes, do it", []),
    ],
)
def test_a_question_of_when_or_where_after_the_answer_is_answered_after_it(
    text: str, rest: list[str]
) -> None:
    assert requests_after_answer(text) == rest


@pytest.mark.parametrize(
    "text",
    [
        "paid cash in at the post office and it is not showing. how long it is meant to take?",
        "sent my brother 40 quid yesterday and he hasnt got it. when is it supposed to arrive?",
        "my new card was posted on monday. when it is due to come?",
    ],
)
def test_it_is_meant_to_refers_back_to_the_story_told(text: str) -> None:
    assert split_requests(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "and how much of that was just october",
        "right, what part of that was october on its own?",
        "ok how many of those were deliveroo then, roughly",
    ],
)
def test_a_part_of_the_total_just_given_continues_it(text: str) -> None:
    frame = {"procedure": "spending", "listed": ["a", "b", "c"]}
    assert follow_up(text, frame) == FollowUp("refine")


def test_the_two_come_to_after_two_payments_listed_is_their_total() -> None:
    frame = {"procedure": "recent_transactions", "listed": ["a, -£1.00", "b, -£2.00"], "figures": []}
    assert follow_up("What do the two come to?", frame) == FollowUp("total")


@pytest.mark.parametrize(
    ("text", "combines"),
    [
        ("What do the two come to?", True),
        ("so how much did I save by going to Aldi instead?", True),
        ("whats the difference", True),
        ("I was charged twice for the same thing", False),
        ("how much did I spend at tesco", False),
    ],
)
def test_combines_answers(text: str, combines: bool) -> None:
    assert combines_answers(text) is combines


@pytest.mark.parametrize(
    "text", ["when did it arrive last time", "what day did it land", "when did that come in"]
)
def test_it_after_the_salary_is_that_money(text: str) -> None:
    assert follow_up(text, {"procedure": "income", "listed": []}) == FollowUp("refine")


def test_the_one_before_the_salary_is_still_the_older_one() -> None:
    frame = {"procedure": "income", "listed": []}
    assert follow_up("when did it come in the month before", frame) == FollowUp("older")
