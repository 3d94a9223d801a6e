"""Confirmation replies in everyday words: what counts as yes, no, unclear, or a new request."""

from __future__ import annotations

import pytest

from agents.dialogue.decision import Decision, read_decision

YES = [
    "yes",
    "Yes please",
    "go for it",
    "alright then",
    "sure thing, thanks",
    "👍",
    "ok go ahead",
    "yep do it mate",
    "yeah why not",
    "fine",
    "Yes, go ahead.",
    "of course, thank you so much",
    "definitely",
    "I guess so",
    "can you do it",
    "yes freeze it",
    "Yes please. And what is my balance?",
    "YES!!!",
    "okay",
    "please do",
    "block it quick",
    "yes do it as fast as you can",
    "sound, go ahead",
    "spot on, cheers",
    # a yes after a filler, then how the customer feels
    "Oh yes please do, I'm all of a shake.",
    "oh go on then, my hands are shaking",
    "Well yes, do it please, I feel sick.",
    # a sigh or an exclamation first
    "ugh yes freeze it 🙄",
    "urgh fine, do it",
    "omg yes please",
]
NO = [
    "no",
    "nah leave it",
    "no thanks",
    "not now",
    "No, don't do that.",
    "nope not today thanks",
    "stop",
    "I've changed my mind",
    "forget it",
    "👎",
    "no, don't",
    "ugh no",
]
UNCLEAR = [
    "hmm not sure",
    "yes but wait",
    "oh yes but wait",
    "what do you mean?",
    "which card?",
    "maybe",
    "banana",
    "",
    "   ",
]
OTHER = [
    "whats my balance",
    "actually can you tell me my savings balance first",
    "what will happen to my direct debits?",
    "show me my transactions from last week",
    "how much did I spend at Tesco?",
]


@pytest.mark.parametrize("text", YES)
def test_everyday_agreement_confirms(text: str) -> None:
    assert read_decision(text) is Decision.YES


@pytest.mark.parametrize("text", NO)
def test_everyday_refusal_declines(text: str) -> None:
    assert read_decision(text) is Decision.NO


@pytest.mark.parametrize("text", UNCLEAR)
def test_an_answer_that_is_neither_is_unclear(text: str) -> None:
    assert read_decision(text) is Decision.UNCLEAR


@pytest.mark.parametrize("text", OTHER)
def test_a_new_request_is_not_an_answer(text: str) -> None:
    assert read_decision(text) is Decision.OTHER


def test_a_hedged_yes_is_never_a_yes() -> None:
    for text in ("yes but not yet", "ok wait", "sure, but what happens to my direct debits?", "yes hold on"):
        assert read_decision(text) is not Decision.YES, text


# Typed in a hurry: typos, dropped vowels and stretched letters are still a yes or a no. Only a message that
# would otherwise be unclear is read again with its words corrected, so a new request is never bent into one.
@pytest.mark.parametrize(
    "text",
    ["yh go ahaed", "yh", "absolutley", "defintely", "certianly please", "proceeed", "oaky", "plese do"],
)
def test_a_yes_with_typos_confirms(text: str) -> None:
    assert read_decision(text) is Decision.YES


@pytest.mark.parametrize("text", ["noo", "nopee", "no thnks", "dnt do it", "leave it for nwo"])
def test_a_no_with_typos_declines(text: str) -> None:
    assert read_decision(text) is Decision.NO


@pytest.mark.parametrize("text", ["done", "sore", "note", "yes but wiat", "whats my blance"])
def test_typo_correction_never_invents_an_answer(text: str) -> None:
    assert read_decision(text) not in (Decision.YES, Decision.NO)


# Agreement that restates the action ("yes please unfreeze it", "that's it, cancel it") is still agreement.
@pytest.mark.parametrize(
    "text",
    [
        "yes please unfreeze it",
        "yep thats it, cancel it",
        "sure, go ahead and freeze it",
        "yes please block",
        "That would be lovely, thank you ever so much dear.",
        "ok lock it then",
    ],
)
def test_agreement_that_restates_the_action_confirms(text: str) -> None:
    assert read_decision(text) is Decision.YES


# The yes first, the action named again, then how the customer is: still a yes.
@pytest.mark.parametrize(
    "text",
    [
        "Yes, lock it please. I'm sat on the kerb shaking like a leaf.",
        "yep freeze it. my hands wont stop shaking",
    ],
)
def test_a_restated_yes_then_how_the_customer_feels_confirms(text: str) -> None:
    assert read_decision(text) is Decision.YES


# The reason first, the answer last: "that's the caravan telly, we sold it in May. crack on".
@pytest.mark.parametrize(
    "text",
    [
        "thats the caravan telly, we sold the caravan in the summer. crack on",
        "my daughter had that gym. she moved to Leeds. ditch it",
        "that was for the old allotment, gave it up ages ago, get rid of it",
    ],
)
def test_the_reason_then_a_yes_at_the_end_confirms(text: str) -> None:
    assert read_decision(text) is Decision.YES


# A bare "ok" after a reason only takes note; a refusal or a question at the end is not a yes.
@pytest.mark.parametrize(
    "text",
    [
        "I found it in my coat pocket. ok",
        "thats the caravan telly. leave it",
        "thats the caravan telly. go ahead?",
        "my son uses it. go on then, but not yet",
    ],
)
def test_the_reason_then_no_yes_at_the_end_is_not_a_yes(text: str) -> None:
    assert read_decision(text) is not Decision.YES


@pytest.mark.parametrize("text", ["no dont cancel it", "please dont freeze it", "no, unfreeze it"])
def test_a_restated_action_after_a_no_is_not_a_yes(text: str) -> None:
    assert read_decision(text) is not Decision.YES


# "Wait, before that, how much is in my account": a question put first is answered, the action keeps waiting.
@pytest.mark.parametrize(
    "text",
    [
        "wait before that how much is in my account",
        "hang on whats my balance",
        "hold on a sec how much do i have in savings",
        "one sec, what happens to my direct debits if you freeze it",
        "can i talk to someone about it please",
        "could I speak to somebody first",
    ],
)
def test_a_question_after_wait_is_a_new_request(text: str) -> None:
    assert read_decision(text) is Decision.OTHER


@pytest.mark.parametrize(
    "text",
    [
        "on second thoughts no, I might need it next week. leave it on",
        "hmm on reflection, keep it on",
        "second thoughts, leave it as it is",
    ],
)
def test_second_thoughts_decline(text: str) -> None:
    assert read_decision(text) is Decision.NO


@pytest.mark.parametrize(
    "text", ["If you could, that would be lovely, thank you dear", "if you wouldn't mind, thanks"]
)
def test_a_polite_if_you_could_confirms(text: str) -> None:
    assert read_decision(text) is Decision.YES


def test_if_you_could_with_a_request_is_a_new_request() -> None:
    assert read_decision("if you could tell me my balance first") is Decision.OTHER


@pytest.mark.parametrize(
    "text",
    [
        "panic over, she's just walked in with it. no, leave it thanks",
        "found it down the side of the sofa. no need",
    ],
)
def test_a_refusal_after_its_reason_declines(text: str) -> None:
    assert read_decision(text) is Decision.NO


@pytest.mark.parametrize("text", ["hmm, no idea", "no worries, go ahead", "no problem, do it"])
def test_phrases_that_start_with_no_refuse_nothing(text: str) -> None:
    assert read_decision(text) is not Decision.NO


def test_a_long_question_of_its_own_is_answered_while_the_action_waits() -> None:
    text = "the funeral directors want £3,500 up front. if i pay that can i still cover the mortgage monday?"
    assert read_decision(text) is Decision.OTHER


@pytest.mark.parametrize(
    "text", ["not right now", "I'll hold off", "scrap that", "maybe later", "I'd rather not", "best not"]
)
def test_declining_in_other_everyday_words(text: str) -> None:
    assert read_decision(text) is Decision.NO


@pytest.mark.parametrize(
    "text",
    [
        "hang on, actually no, leave it till next month",
        "hmm on second thoughts leave it till I've sorted the new one",
        "leave it until the new router is in",
        "let's leave it till next week",
        "ok do it later today",
        "no hold off, do it another time",
        "hang on actually, don't, I need it until the end of the month",
        "wait sorry no keep it, the new provider hasn't started yet",
    ],
)
def test_putting_it_off_declines(text: str) -> None:
    # Fillers between the words of a refusal, or a later time asked for: nothing is done now.
    assert read_decision(text) is Decision.NO


@pytest.mark.parametrize("text", ["yes but wait till monday", "hang on, what's the fee?"])
def test_a_wait_with_a_yes_or_a_question_is_not_a_refusal(text: str) -> None:
    assert read_decision(text) is not Decision.NO


@pytest.mark.parametrize("text", ["Very well, yes, please go ahead.", "very good, do it"])
def test_very_well_agrees(text: str) -> None:
    assert read_decision(text) is Decision.YES


@pytest.mark.parametrize(
    "text",
    [
        "anyway did my wages go in this week",
        "by the way has my pension come in",
        "while I have you, where is my claim up to?",
        "Fine. What did Tesco cost me in October?",
        "right. when is my next direct debit",
        "ok so any news on it?",
    ],
)
def test_moving_on_to_a_question_of_its_own_is_a_new_request(text: str) -> None:
    # An aside ("anyway", "by the way") or a word that only takes note ("fine", "right") before a question
    # of its own takes up nothing: the question is answered and the offer keeps waiting.
    assert read_decision(text) is Decision.OTHER


@pytest.mark.parametrize("text", ["Yes please. And what is my balance?", "ok, go ahead. what's my balance?"])
def test_a_real_yes_before_a_question_still_agrees(text: str) -> None:
    assert read_decision(text) is Decision.YES


@pytest.mark.parametrize(
    "text",
    [
        "if that's the quickest way then yep 👍",
        "if that's best then yes",
        "if you think so, go ahead",
        "If you think that's best, yes please",
        "if it's the only way then fine",
        "if that's what it takes, do it",
        "if you reckon so",
        "as long as it's the quickest, go for it",
        "if that's the fastest way to get my money back then yes please",
        "If that’s the easiest way, sure",
        "if you have to, go on",
        "if it helps then yes",
        "if it gets my money back, do it",
    ],
)
def test_a_yes_that_defers_to_the_assistant_confirms(text: str) -> None:
    assert read_decision(text) is Decision.YES


@pytest.mark.parametrize(
    "text",
    ["if it's the quickest then no actually leave it", "if you think so. no, leave it for now"],
)
def test_a_no_after_a_deferring_condition_declines(text: str) -> None:
    assert read_decision(text) is Decision.NO


@pytest.mark.parametrize(
    "text",
    ["if it costs anything then no", "if that's not the quickest then no", "if it will cost me then no"],
)
def test_a_condition_of_the_customers_own_is_no_yes(text: str) -> None:
    assert read_decision(text) is not Decision.YES


@pytest.mark.parametrize(
    "text",
    [
        "alright yes. how long do these normally take?",
        "yes. how long will it take?",
        "ok yes, when will I hear back?",
        "if that's best then yes. how long will it take?",
    ],
)
def test_a_yes_with_a_question_of_time_confirms(text: str) -> None:
    assert read_decision(text) is Decision.YES


def test_a_yes_with_a_question_of_what_it_means_stays_unclear() -> None:
    assert read_decision("yes, will it affect my credit score?") is Decision.UNCLEAR


_DEBIT_VISA = ("2838", "visa", "pound", "current")
_CREDIT_MASTERCARD = ("7036", "mastercard", "pound", "credit", "card")


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # the card offered, picked by a name of its own: the go-ahead
        ("the debit one", _DEBIT_VISA, Decision.YES),
        ("the visa one please", _DEBIT_VISA, Decision.YES),
        ("the one ending 2838", _DEBIT_VISA, Decision.YES),
        ("the credit one", _CREDIT_MASTERCARD, Decision.YES),
        # another card named, or none: no go-ahead
        ("the debit one", _CREDIT_MASTERCARD, Decision.UNCLEAR),
        ("the credit one", _DEBIT_VISA, Decision.UNCLEAR),
        ("the one ending 7036", _DEBIT_VISA, Decision.UNCLEAR),
        ("my card", _DEBIT_VISA, Decision.UNCLEAR),
        ("not the debit one", _DEBIT_VISA, Decision.UNCLEAR),
    ],
)
def test_the_card_offered_picked_by_name_is_a_yes(
    text: str, names: tuple[str, ...], expected: Decision
) -> None:
    assert read_decision(text, names=names, tool="freeze_card") is expected
