"""A plain no to a procedure's own question ("which card?") drops the request; anything else does not."""

from __future__ import annotations

import pytest

from agents.nodes.route import _declines_pending_question
from agents.procedures.context import AWAITING


def _state(text: str, *, awaiting: str | None = "card") -> dict[str, object]:
    slots = {AWAITING: awaiting} if awaiting else {}
    return {"text": text, "procedure": "freeze_card", "slots": slots}


@pytest.mark.parametrize(
    "text", ["nah leave it", "never mind", "forget it", "no thanks", "actually never mind"]
)
def test_a_no_while_a_question_waits_declines_it(text: str) -> None:
    assert _declines_pending_question(_state(text))  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["2", "the visa one", "2838", "whats my balance", "the credit card please"])
def test_an_answer_or_a_new_request_does_not(text: str) -> None:
    assert not _declines_pending_question(_state(text))  # type: ignore[arg-type]


def test_no_question_waiting_means_nothing_to_decline() -> None:
    assert not _declines_pending_question(_state("nah leave it", awaiting=None))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "thing", "card"),
    [
        ("what was my last payment", "payment", False),
        ("the last thing that went out", "thing that went out", False),
        ("last transaction on the euro card?", "transaction", False),
        ("whats the last thing i bought on my credit card", "thing i bought", False),
        ("my latest card payment", "payment", True),
    ],
)
def test_one_latest_payment_asked_for(text: str, thing: str, card: bool) -> None:
    from agents.procedures.handlers import _ONE_LATEST

    m = _ONE_LATEST.search(text)
    assert m is not None
    assert m.group("thing") == thing
    assert bool(m.group("card")) is card


@pytest.mark.parametrize("text", ["my last 3 payments", "show my last payments", "my recent transactions"])
def test_several_or_a_list_is_not_one_latest(text: str) -> None:
    from agents.procedures.handlers import _ONE_LATEST

    assert _ONE_LATEST.search(text) is None


def test_food_in_general_is_groceries_and_eating_out() -> None:
    from datetime import date

    from agents.procedures.queries import parse_spending

    q, _ = parse_spending("how much did i spend on food last month", date(2026, 11, 28))
    assert (q.category, q.also) == ("groceries", ("eating_out",))
    q, _ = parse_spending("food shopping in october", date(2026, 11, 28))
    assert (q.category, q.also) == ("groceries", ())


def test_a_price_said_like_a_year_when_affording() -> None:
    from agents.procedures.spending import _priced_like_a_year

    assert _priced_like_a_year("could i afford a 2000 holiday") is not None
    assert _priced_like_a_year("can i afford to go away in august 2027") is None


@pytest.mark.parametrize(
    ("text", "next_one"),
    [
        ("whens the next one", True),
        ("and when do they take it next", True),
        ("what day is the next one", True),
        ("whats my next direct debit", False),
        ("show me my spending", False),
    ],
)
def test_the_next_one_of_a_bill(text: str, next_one: bool) -> None:
    from agents.nodes.route import _NEXT_ONE

    assert bool(_NEXT_ONE.search(text)) is next_one


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("how much", True),
        ("how much was it again", True),
        ("ok how much is it", True),
        ("how much is my rent", False),
    ],
)
def test_a_bare_how_much(text: str, bare: bool) -> None:
    from agents.nodes.route import _BARE_HOW_MUCH

    assert bool(_BARE_HOW_MUCH.search(text)) is bare


@pytest.mark.parametrize(
    ("text", "wants"),
    [
        ("ive been on hold for an hour this is ridiculous, i want a human NOW", True),
        ("need a real person asap", True),
        ("get me an actual human being please", True),
        ("i need a person to sign for my parcel", False),
        ("i want a person who knows what they are doing", False),
        ("my son needs an advisor for his mortgage", False),
    ],
)
def test_a_person_asked_for_outright(text: str, wants: bool) -> None:
    from agents.nodes.screen import wants_human

    assert wants_human(text) is wants


def _listed(*lines: str) -> dict[str, object]:
    reply = "Here are your payments:\n" + "\n".join(f"- {line}" for line in lines)
    return {"history": [{"role": "customer", "content": "x"}, {"role": "assistant", "content": reply}]}


def test_picked_by_size_among_the_payments_just_listed() -> None:
    from agents.nodes.route import _picked_by_size

    state = _listed("13 Nov 2026: Stagecoach, -£5.58", "13 Nov 2026: British Gas, -£123.94")
    assert _picked_by_size("what was the smaller one", state) == "13 Nov 2026: Stagecoach, -£5.58"  # type: ignore[arg-type]
    assert _picked_by_size("and the bigger one?", state) == "13 Nov 2026: British Gas, -£123.94"  # type: ignore[arg-type]
    assert _picked_by_size("which was the biggest", state) is None  # type: ignore[arg-type]
    salary = _listed("23 Oct 2026: Mills Patel And James, £4,368.00", "6 Oct 2026: Trainline, -£17.79")
    assert _picked_by_size("which was more expensive", salary) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "together"),
    [
        ("add them together", True),
        ("so how much is that in total", True),
        ("whats that altogether", True),
        ("what did i spend in total", False),
        ("total of my bills", False),
    ],
)
def test_balances_added_up(text: str, together: bool) -> None:
    from agents.nodes.route import _ALL_TOGETHER, _NOT_BALANCES

    assert (bool(_ALL_TOGETHER.search(text)) and not _NOT_BALANCES.search(text)) is together


@pytest.mark.parametrize(
    ("text", "savings_rate"),
    [
        ("what rate is my easy saver on", True),
        ("whats the interest rate on my savings", True),
        ("what is the AER on the saver", True),
        ("what exchange rate do you use", False),
        ("should i move my savings to an isa with a better rate", False),
        ("what's the interest rate on my credit card", False),
    ],
)
def test_a_savings_rate_asked(text: str, savings_rate: bool) -> None:
    from agents.nodes.route import _NOT_SAVINGS, _SAVINGS_RATE

    assert (bool(_SAVINGS_RATE.search(text)) and not _NOT_SAVINGS.search(text)) is savings_rate
