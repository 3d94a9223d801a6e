"""A card, or what is printed on it, out of the customer's hands is compromised, in any wording: a tampered
cash machine, the card readable in a post online, the PIN filmed, someone who kept the card (set 23)."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import card_out_of_hand, status_question, urgent_intent

OUT_OF_HAND = [
    # a cash machine or a card reader tampered with
    "the slot on the hole in the wall was wobbly and a bit of plastic came off after I used my card",
    "there was something stuck over the card slot at the petrol station pump, I'd already put my card in",
    "pretty sure there were skimmers on the cashpoint outside tesco, used my debit card there this morning",
    "the keypad on the ticket machine looked fake, it moved when I pressed it and my card was in it",
    # the card shown online where it can be read
    "my nephew posted a reel on facebook and my card is on the table in it, you can read the number",
    "my daughter put a selfie on snapchat holding my card, front and back, loads of views",
    "I shared a screenshot in the group chat and my card details were showing",
    "omg my daughter posted my card on tiktok",  # readable unless the customer says it was not
    # the PIN watched or filmed
    "a woman at the cashpoint was recording on her phone while I typed my pin",
    "I think someone was looking over my shoulder when I put my pin in at the machine",
    # kept by someone else
    "my ex still has my credit card and she's using it to wind me up",
    "my old flatmate never gave me back my debit card when he moved out",
    "the lodger borrowed my card last week and still hasn't given it back",
    "my ex-wife refuses to return my card",
    "my housemate has my card and keeps using it without asking",
]
NOT_OUT_OF_HAND = [
    "my wife has my card today, can I still pay with apple pay?",
    "my husband has my debit card, he's using it for the food shop",
    "my friend still has my card",
    "my ex still has my old card but it's cancelled",
    "the card reader at the bar looked dodgy so I didn't use it",
    "the ticket machine slot was loose so I used another one",
    "is it safe to post a photo of my card online if I cover the numbers?",
    "can I post a pic of my new card on insta? it's so pretty",
    "I posted a photo of my new kitchen on facebook",
    "my son posted a video on tiktok with my card in it but the numbers were blurred",
    "the ATM kept my card",
    "they kept my card at the branch",
    "I watched a video about card fraud online, what details should I never share?",
    "what's the expiry on my card?",
]


@pytest.mark.parametrize("text", OUT_OF_HAND)
def test_a_card_out_of_the_customers_hands_is_compromised(text: str) -> None:
    assert card_out_of_hand(text)
    assert urgent_intent(text) == "compromised_card"


@pytest.mark.parametrize("text", NOT_OUT_OF_HAND)
def test_a_card_lent_kept_safe_or_only_asked_about_is_not(text: str) -> None:
    assert not card_out_of_hand(text)
    assert urgent_intent(text) != "compromised_card"


def test_the_expiry_seen_in_a_video_is_exposure_not_a_question() -> None:
    text = "my son's instagram story shows my card on the worktop, you can see the long number and the expiry"
    assert status_question(text) is None
    assert status_question("what's the expiry on my card?") == "card_status"
