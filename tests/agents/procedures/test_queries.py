"""Parsing of spending questions, approximate amounts, duplicate charges and the spending cues.

Each case here failed before issue 12: approximate amounts were read as exact ("£40-odd" as £40.00, so
two £41.37 payments were never found), and totals, counts, "last N" and "since I got paid" had no parser.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.dialogue.spending_cues import interest_meant, spending_intent
from agents.ports import TransactionView
from agents.procedures.duplicates import asks_if_repeated, find_duplicates, mentions_duplicate
from agents.procedures.queries import (
    parse_aggregate,
    parse_anchor,
    parse_category,
    parse_excluded,
    parse_last_n,
    parse_period,
    parse_spending,
)
from agents.procedures.textparse import AmountFilter, DateRange, parse_amount

SATURDAY = date(2026, 11, 28)  # the scenario day


# --- approximate amounts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("they took £40-odd twice for the same order", 4000, 4999),
        ("forty-odd quid", 4000, 4999),
        ("£160-odd", 16000, 16999),
        ("£600-odd", 60000, 69999),
        ("a hundred odd pounds", 10000, 19999),
        ("about £40", 3500, 4500),  # ±£5 (10 % would be only ±£4)
        ("around 40 quid", 3500, 4500),
        ("roughly £12", 700, 1700),
        ("approx. £162", 14580, 17820),  # ±10 % (£16.20 is more than £5)
        ("~£600", 54000, 66000),
        ("40ish", 3500, 4500),
        ("£40 or so", 3500, 4500),
        ("about £1,200", 108000, 132000),
        ("something like £25, at Tesco", 2000, 3000),
    ],
)
def test_approximate_amounts_have_a_tolerance(text: str, low: int, high: int) -> None:
    found, rest = parse_amount(text)
    assert found is not None
    assert (found.min_minor, found.max_minor) == (low, high)
    assert found.contains(-4137) == (low <= 4137 <= high)
    assert rest != text  # the amount is consumed, so nothing reads it again


def test_forty_odd_finds_41_37_but_an_exact_amount_does_not() -> None:
    odd, _ = parse_amount("£40-odd")
    exact, _ = parse_amount("£40.00")
    whole, _ = parse_amount("£40")
    assert odd is not None
    assert odd.contains(-4137)
    assert exact == AmountFilter(4000, 4000)
    assert not exact.contains(-4137)
    assert whole is not None
    assert not whole.contains(-4137)


@pytest.mark.parametrize(
    ("text", "near", "far"),
    [
        ("they took 265 quid", 26531, 26700),  # the pence dropped
        ("a £40 payment", 3999, 3899),  # the price rounded
        ("the 12 pound charge", 1250, 1100),
        ("€80 in Paris", 8045, 8100),
    ],
)
def test_a_whole_pound_amount_allows_for_the_pence_people_drop(text: str, near: int, far: int) -> None:
    found, rest = parse_amount(text)
    assert found is not None
    assert found.contains(-near)
    assert not found.contains(-far)
    assert found.wording == "whole"
    assert found.describe().startswith("of ")
    assert "." in found.describe()  # "of £265.00", as said, not a range
    assert rest != text


def test_pence_said_are_exact() -> None:
    assert parse_amount("£265.31")[0] == AmountFilter(26531, 26531)
    assert parse_amount("£265.00")[0] == AmountFilter(26500, 26500)


@pytest.mark.parametrize("text", ["about 3 weeks ago", "around 5pm", "roughly 2 payments", "about 10:30"])
def test_a_hedged_number_followed_by_a_unit_is_not_money(text: str) -> None:
    assert parse_amount(text)[0] is None


def test_approximate_amounts_describe_themselves_as_said() -> None:
    assert parse_amount("about £40")[0] == AmountFilter(3500, 4500, "about", 4000)
    assert (parse_amount("about £40")[0] or AmountFilter(None, None)).describe() == "of about £40.00"
    assert (parse_amount("£40-odd")[0] or AmountFilter(None, None)).describe() == "of £40.00-odd"


# --- spending questions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "aggregate"),
    [
        ("what did I spend on takeaways in November in total", "total"),
        ("how much did I spend at Tesco", "total"),
        ("how many times did I pay Just Eat", "count"),
        ("how often do I buy coffee", "count"),
        ("biggest purchase this week", "max"),
        ("what was my most expensive payment", "max"),
        ("smallest payment in October", "min"),
        ("show me some transactions", None),
    ],
)
def test_aggregate(text: str, aggregate: str | None) -> None:
    assert parse_aggregate(text) == aggregate


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("my last three payments", 3),
        ("show my last 5 transactions", 5),
        ("my most recent two purchases", 2),
        ("the last couple of payments", 2),
        ("my last payment", 1),
        ("my last 500 transactions", 50),
        ("payments in the last 3 days", None),  # a period, not a count
        # issue 12: the things counted are the ones being talked about
        ("show me the last five", 5),
        ("just the latest 3 please", 3),
        ("the last one", None),  # a pick from a list, not a count
    ],
)
def test_last_n(text: str, n: int | None) -> None:
    assert parse_last_n(text)[0] == n


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("takeaways", "eating_out"),
        ("food delivery", "eating_out"),
        ("restaurants", "eating_out"),
        ("food shopping", "groceries"),  # the longer phrase wins over "shopping"
        ("the supermarket", "groceries"),
        ("petrol", "transport"),
        ("online shopping", "shopping"),
        ("the cinema", "entertainment"),
        ("utilities", "bills"),
        ("cash withdrawals", "cash"),
        ("my wages", "salary"),
        ("transfers", "transfers"),
        ("Tesco", None),
    ],
)
def test_category_words_map_to_the_banks_categories(text: str, category: str | None) -> None:
    assert parse_category(text)[0] == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Taking money out is a cash withdrawal, not a takeaway, however it is said.
        ("how much cash did I take out in October?", "cash"),
        ("what have i taken out this month", "cash"),
        ("how much did we get out of the cashpoint", "cash"),
        ("how much did i withdraw in september", "cash"),
        ("my withdrawals last month", "cash"),
        # A takeaway is still eating out; a loan taken out or savings withdrawn are not cash.
        ("what did i spend on take out in october", "eating_out"),
        ("how much do i spend on takeaways", "eating_out"),
        ("how much did i withdraw from my easy saver", None),
    ],
)
def test_money_taken_out_is_cash(text: str, category: str | None) -> None:
    assert parse_category(text)[0] == category


@pytest.mark.parametrize(
    "text",
    ["since I got paid", "since payday", "since my last salary", "since my salary came in", "since pay day"],
)
def test_periods_anchored_on_the_salary(text: str) -> None:
    anchor, rest = parse_anchor(f"how much have I spent {text}?")
    assert anchor == "salary"
    assert "paid" not in rest
    assert "salary" not in rest


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("last weekend", date(2026, 11, 21), date(2026, 11, 22)),  # on a Saturday: the one before
        ("this weekend", date(2026, 11, 28), date(2026, 11, 28)),
        ("has my card been used since last weekend", date(2026, 11, 21), None),  # from it until today
        ("anything on the euro card from the weekend", date(2026, 11, 28), None),
        ("this week", date(2026, 11, 23), SATURDAY),
        ("in October", date(2026, 10, 1), date(2026, 10, 31)),
        ("what did November cost me", date(2026, 11, 1), SATURDAY),
        ("since September", date(2026, 9, 1), None),
        ("since Monday", date(2026, 11, 23), None),
        ("this year", date(2026, 1, 1), SATURDAY),
        # months listed without commas or joined by "+" are one period too
        ("what did spotify cost me over aug sept and oct", date(2026, 8, 1), date(2026, 10, 31)),
        ("total for jul+aug+sep", date(2026, 7, 1), date(2026, 9, 30)),
        # or with nothing between them at all: the first to the last, not the first two
        ("the last three months, september october november. what", date(2026, 9, 1), SATURDAY),
        ("for sept, oct, nov please", date(2026, 9, 1), SATURDAY),
        ("sept oct and nov", date(2026, 9, 1), SATURDAY),
    ],
)
def test_periods(text: str, since: date, until: date | None) -> None:
    assert parse_period(text, SATURDAY)[0] == DateRange(since, until)


def test_last_weekend_on_a_weekday_is_the_one_just_gone() -> None:
    wednesday = date(2026, 11, 25)
    assert parse_period("last weekend", wednesday)[0] == DateRange(date(2026, 11, 21), date(2026, 11, 22))


def test_a_whole_question() -> None:
    query, _rest = parse_spending("what did I spend on takeaways in November in total", SATURDAY)
    assert query.aggregate == "total"
    assert query.category == "eating_out"
    assert query.direction == "out"
    assert query.dates == DateRange(date(2026, 11, 1), SATURDAY)
    received, _ = parse_spending("how much salary did I receive since September", SATURDAY)
    assert received.direction == "in"
    assert received.category == "salary"
    purchase, _ = parse_spending("biggest purchase this week", SATURDAY)
    assert purchase.purchases_only
    assert purchase.aggregate == "max"


def test_since_i_got_paid_is_not_money_received() -> None:
    query, _ = parse_spending("how much have I spent since I got paid", SATURDAY)
    assert query.anchor == "salary"
    assert query.direction == "out"
    assert query.dates is None


# --- cues --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("what did I spend on takeaways in November in total", "spending"),
        ("biggest purchase this week", "spending"),
        ("my last three payments", "spending"),
        ("how much have I spent since I got paid", "spending"),
        ("how many times did I pay Just Eat in October?", "spending"),
        ("can I afford a £600 flight right now?", "affordability"),
        ("do I have enough to pay my rent of £850", "affordability"),
        ("what is my balance", None),
        ("how much is in my savings account", None),
        ("I was charged twice by Tesco", None),  # a dispute
        ("they took £40-odd twice for the same order", None),
        ("I can't afford my rent this month", None),  # a worry, not a sum
        ("how much does a transfer abroad cost", None),  # a fee
        ("how much do I owe on my credit card", None),
        ("show me my recent transactions", None),
        ("has my salary come in", None),
        ("how much did I get paid this month", None),  # the income procedure's
        # paying one amount and keeping another: a check against the balance
        ("if i lend him 2 grand would i still have at least 6k left", "affordability"),
        ("would i still have money left over this month", None),  # no amount: not a check
        # "how much was I in X for": the bill at a place, without a money word
        ("how much was i in the harvester for on friday", "spending"),
        ("what were we at nandos for last week", "spending"),
        ("how much was I in the red for", None),  # an overdraft, not a place
        # the balance after one payment to come, named by its payee (its amount is read in route)
        ("How much will I have left once Monday's mortgage has gone out?", "affordability"),
        ("what'll my balance be once British Gas have taken their money?", "affordability"),
        ("what's left after the gym comes out", "affordability"),
        ("what did we spend there in october", "spending"),  # "we" spends like "I"
        # the newest purchase alone, whatever triage makes of "pound"; "my last payment" may be a transfer
        ("what was my last transaction on the pound account", "spending"),
        ("whats my most recent card payment", "spending"),
        ("did my last payment go through", None),
    ],
)
def test_spending_intent(text: str, procedure: str | None) -> None:
    assert spending_intent(text) == procedure


# --- duplicates --------------------------------------------------------------------------------------


def _txn(n: int, merchant: str, amount: int, at: str, status: str = "posted") -> TransactionView:
    return TransactionView(
        id=f"t{n}",
        account_id="a",
        amount_minor=amount,
        currency="GBP",
        merchant=merchant,
        description="",
        category="shopping",
        status=status,
        booked_at=at,
    )


@pytest.mark.parametrize(
    "text",
    [
        "they took £40-odd twice",
        "I was double charged",
        "duplicate payment",
        "charged me two times",
        "double charge",
        "did sky charge me double in november",
        "they've billed us double",
    ],
)
def test_duplicate_cues(text: str) -> None:
    assert mentions_duplicate(text)


@pytest.mark.parametrize(
    "text",
    [
        "the seat didn't exist, they'd sold it twice",
        "they sold my seat twice",
        "the hotel double-booked the room",
        "they booked us in twice and gave the room away",
    ],
)
def test_something_the_merchant_did_twice_is_no_double_charge(text: str) -> None:
    assert not mentions_duplicate(text)


def test_the_repeat_of_a_same_merchant_same_amount_pair_within_days_is_the_duplicate() -> None:
    rows = [
        _txn(1, "Shop", -4137, "2026-11-20T10:00:00+00:00"),
        _txn(2, "Shop", -4137, "2026-11-21T09:00:00+00:00"),
        _txn(3, "Shop", -4137, "2026-11-30T09:00:00+00:00"),  # nine days later: a new purchase
        _txn(4, "Other", -4137, "2026-11-20T10:05:00+00:00"),  # another merchant
        _txn(5, "Shop", -4138, "2026-11-20T10:06:00+00:00"),  # another amount
        _txn(6, "Shop", 4137, "2026-11-20T11:00:00+00:00"),  # a refund is not a charge
    ]
    found = find_duplicates(rows)
    assert [(d.original.id, d.repeat.id) for d in found] == [("t1", "t2")]


def test_a_reversed_charge_is_no_duplicate() -> None:
    rows = [
        _txn(1, "Shop", -4137, "2026-11-20T10:00:00+00:00"),
        _txn(2, "Shop", -4137, "2026-11-20T10:01:00+00:00", status="reversed"),
    ]
    assert find_duplicates(rows) == []


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("the first half of November", date(2026, 11, 1), date(2026, 11, 15)),
        ("the second half of October", date(2026, 10, 16), date(2026, 10, 31)),
        ("the last week of October", date(2026, 10, 25), date(2026, 10, 31)),
        ("the first week of November", date(2026, 11, 1), date(2026, 11, 7)),
        ("and the month before? groceries in October", date(2026, 9, 1), date(2026, 9, 30)),
        ("the month before that, takeaways in November", date(2026, 10, 1), date(2026, 10, 31)),
    ],
)
def test_parts_of_months_and_the_month_before(text: str, since: date, until: date) -> None:
    assert parse_period(text, SATURDAY)[0] == DateRange(since, until)


def test_the_mortgage_is_a_bill_paid_to_a_lender() -> None:
    query, _ = parse_spending("what did my mortgage cost in October?", SATURDAY)
    assert query.category == "bills"
    assert query.bill_kind == "mortgage"
    assert query.aggregate == "total"


@pytest.mark.parametrize(
    "text",
    [
        "mortgage broker wants the total of my salary paid in over september october november",
        "my mortgage advisor is asking what my wages came to in total from september to november",
        "for a mortgage application i need my total salary for october and november",
        "the mortgage people want my total pay from work for sept oct nov",
    ],
)
def test_a_mortgage_being_applied_for_is_not_the_subject_of_a_salary_total(text: str) -> None:
    query, _ = parse_spending(text, SATURDAY)
    assert query.bill_kind is None
    assert query.category == "salary"
    assert query.direction == "in"
    assert query.dates is not None
    assert query.dates.since == date(2026, 9 if "sep" in text else 10, 1)


def test_my_pay_day_is_not_my_pay() -> None:
    assert parse_category("what have I spent since my pay day")[0] is None
    assert parse_category("my take-home for october")[0] == "salary"


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("what did my mortgage cost in October", "spending"),
        ("what have my Sky payments come to", "spending"),
        ("what does it cost to send money abroad", None),
    ],
)
def test_spending_intent_for_costs(text: str, procedure: str | None) -> None:
    assert spending_intent(text) == procedure


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("from September to November", date(2026, 9, 1), SATURDAY),
        ("between September and October", date(2026, 9, 1), date(2026, 10, 31)),
        ("from December to February", date(2025, 12, 1), date(2026, 2, 28)),
    ],
)
def test_ranges_of_whole_months(text: str, since: date, until: date) -> None:
    assert parse_period(text, SATURDAY)[0] == DateRange(since, until)


@pytest.mark.parametrize(
    "text", ["what went out in the first half of November", "what were my outgoings in October"]
)
def test_money_out_phrasings_are_totals(text: str) -> None:
    assert parse_aggregate(text) == "total"
    assert spending_intent(text) == "spending"


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("show me my takeaway payments", "spending"),  # a category a plain list can't filter
        ("list my grocery transactions in October", "spending"),
        ("show me my cash withdrawals", "spending"),
        ("can I pay bills with my card", None),
        ("why was my transfer declined", None),
        ("show me my recent transactions", None),
    ],
)
def test_spending_intent_for_a_category_listing(text: str, procedure: str | None) -> None:
    assert spending_intent(text) == procedure


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("between the 1st and 15th of November", date(2026, 11, 1), date(2026, 11, 15)),
        ("1st-15th November", date(2026, 11, 1), date(2026, 11, 15)),
        ("the first two weeks of November", date(2026, 11, 1), date(2026, 11, 14)),
        ("early November", date(2026, 11, 1), date(2026, 11, 10)),
        ("the end of October", date(2026, 10, 21), date(2026, 10, 31)),
    ],
)
def test_days_and_weeks_of_a_month(text: str, since: date, until: date) -> None:
    assert parse_period(text, SATURDAY)[0] == DateRange(since, until)


@pytest.mark.parametrize(
    "text", ["how much was my mortgage in October?", "how many times has Apple charged me?"]
)
def test_spending_intent_for_bills_and_charges(text: str) -> None:
    assert spending_intent(text) == "spending"


@pytest.mark.parametrize(
    ("text", "aggregate"),
    [
        ("how much is my mortgage?", "latest"),
        ("how much do I pay Sky each month", "latest"),
        ("how much have I paid Sky in total", "total"),
        ("how much was my mortgage in October", "total"),
    ],
)
def test_what_one_payment_costs_is_not_a_sum(text: str, aggregate: str) -> None:
    assert parse_spending(text, SATURDAY)[0].aggregate == aggregate


@pytest.mark.parametrize(
    "text",
    [
        "when was the last interest paid",
        "when was the last lot of interest paid into my savings?",
        "when did my savings last get interest",
    ],
)
def test_when_the_last_interest_came_is_its_latest_credit(text: str) -> None:
    assert spending_intent(text) == "spending"
    query, _ = parse_spending(text, SATURDAY)
    assert (query.category, query.aggregate, query.direction) == ("interest", "latest", "in")


def test_it_paid_me_after_a_question_about_interest_means_the_interest() -> None:
    previous = "what interest rate is my easy saver on?"
    meant = interest_meant("ok and how much did it actually pay me last time", previous)
    assert meant is not None
    assert spending_intent(meant) == "spending"
    assert parse_spending(meant, SATURDAY)[0].aggregate == "latest"
    assert interest_meant("right, and when did it last pay out", "what's the interest on my savings?")


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("how much did it pay me last time", "what's my balance"),  # nothing said of interest
        ("how much did I pay Tesco last time", "what interest rate is my easy saver on?"),
        ("how much interest did I get", "what interest rate is my easy saver on?"),  # says it itself
    ],
)
def test_interest_is_meant_only_after_interest_and_for_the_account_paying(text: str, previous: str) -> None:
    assert interest_meant(text, previous) is None


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("how much went out between my october payday and my november one", ("october", "november")),
        ("what did i spend between my last two paydays", (None, None)),
        ("add up what left between my oct wages and the nov wages", ("oct", "nov")),
    ],
)
def test_between_paydays_is_a_range_between_two_salaries(
    text: str, months: tuple[str | None, str | None]
) -> None:
    from agents.procedures.queries import parse_spending

    q, _rest = parse_spending(text, date(2026, 11, 28))
    assert q.anchor == "paydays"
    assert q.pay_months == months
    assert q.dates is None


def test_put_into_savings_with_interest_on_top() -> None:
    from agents.procedures.queries import parse_spending

    q, _rest = parse_spending(
        "how much have i put in the easy saver since september? and how much interest has it paid on top",
        date(2026, 11, 28),
    )
    assert q.put_in
    assert q.interest_too
    assert q.aggregate == "total"  # "on top" is not "the top (biggest) payment"
    assert q.dates is not None
    assert q.dates.since == date(2026, 9, 1)


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("what has the spotify subscription cost me since june", "spending"),
        ("whats the gym set me back since the summer", "spending"),
        ("what's that cost us this year", "spending"),
        ("my Deliveroo payments since June all told", "spending"),
        ("what does a replacement card cost", None),
    ],
)
def test_what_something_has_cost_me_is_a_total(text: str, procedure: str | None) -> None:
    assert spending_intent(text) == procedure


@pytest.mark.parametrize(
    ("text", "aggregate"),
    [
        ("what did we spend at morrisons in october", "total"),
        ("what have we spent there this month", "total"),
        ("which was the big one in october", "max"),
        ("which was the big shop then", "max"),
    ],
)
def test_we_and_the_big_one(text: str, aggregate: str) -> None:
    assert parse_aggregate(text) == aggregate


@pytest.mark.parametrize(
    "text",
    [
        "how much went out in october? everything, bills, mortgage, card, cash, the lot",
        "the grand total that left my account last month, absolutely everything incl. the mortgage and bills",
        "every penny out in october - rent, bills, cash, all of it",
    ],
)
def test_kinds_listed_as_part_of_everything_are_no_filter(text: str) -> None:
    query, _ = parse_spending(text, SATURDAY)
    assert query.aggregate == "total"
    assert query.category is None
    assert query.bill_kind is None
    assert query.excluded == ()


@pytest.mark.parametrize(
    ("text", "bill_kind", "category", "merchant"),
    [
        ("and if you take the mortgage out of that?", "mortgage", None, None),
        ("what did i spend in october apart from the mortgage", "mortgage", None, None),
        ("not counting cash withdrawals", None, "cash", None),
        ("what's that minus the cash machine stuff?", None, "cash", None),
        ("and if you leave the takeaways out?", None, "eating_out", None),
        ("total spent in september without tesco please", None, None, "tesco"),
        ("what's it come to with the mortgage taken out", "mortgage", None, None),
    ],
)
def test_what_a_total_is_asked_without(
    text: str, bill_kind: str | None, category: str | None, merchant: str | None
) -> None:
    (excluded,), rest = parse_excluded(text)
    assert (excluded.bill_kind, excluded.category, excluded.merchant) == (bill_kind, category, merchant)
    query, _ = parse_spending(text, SATURDAY)
    assert query.excluded == (excluded,)
    assert query.bill_kind is None  # left out, not the filter
    assert query.merchant is None


@pytest.mark.parametrize(
    "text",
    [
        "what did i spend in october less than 50 quid",
        "how much did I spend other than that",
        "take it out",
        "how much did we spend taking the kids out in october",
        "how much cash did i take out in october",
        "not sure what i spent on groceries, not much i hope",
        "how much on shopping last month? not amazon though",
    ],
)
def test_nothing_left_out(text: str) -> None:
    assert parse_excluded(text)[0] == ()


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        (
            "how much did i spend on my card in september? not bills or the mortgage, just stuff on the card",
            ["bills", "your mortgage"],
        ),
        ("what did i spend in october excluding bills and the mortgage?", ["bills", "your mortgage"]),
        ("how much did I spend in october, excluding tesco and aldi", ["tesco", "aldi"]),
        ("how much on my card? not groceries or eating out, the rest", ["groceries", "eating out"]),
        ("without the mortgage and then how much was tesco", ["your mortgage"]),
    ],
)
def test_several_things_left_out(text: str, labels: list[str]) -> None:
    excluded, _ = parse_excluded(text)
    assert [e.label for e in excluded] == labels


@pytest.mark.parametrize(
    "text",
    [
        "how much have i spent this month all in, bills n all",
        "groceries 'n' all",
        "bills and all",
        "bills an all",
    ],
)
def test_a_category_said_with_n_all_is_part_of_everything(text: str) -> None:
    from agents.procedures.queries import parse_category

    assert parse_category(text)[0] is None


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("was i charged twice at wagamama", True),
        ("have netflix taken it twice this month", True),
        ("did sky charge me double in november", True),
        ("hi, were we charged twice for the hotel", True),
        ("they took it twice?", True),
        ("I was charged twice by Waitrose, please sort it", False),
        ("Waitrose charged me double last week, I want it back", False),
        ("they took £40-odd twice for the same order", False),
    ],
)
def test_a_double_charge_asked_about_or_told(text: str, asked: bool) -> None:
    assert asks_if_repeated(text) is asked
