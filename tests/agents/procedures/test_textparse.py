from __future__ import annotations

from datetime import date

import pytest

from agents.procedures.textparse import (
    AmountFilter,
    DateRange,
    parse_account_kind,
    parse_account_kinds,
    parse_amount,
    parse_card_brand,
    parse_date_range,
    parse_dispute_reason,
    parse_last4,
    parse_merchant,
    parse_ordinal,
    parse_report_kind,
)

TODAY = date(2025, 11, 20)  # Thursday


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("what did I spend yesterday", date(2025, 11, 19), date(2025, 11, 19)),
        ("anything today?", TODAY, TODAY),
        ("show last week", date(2025, 11, 10), date(2025, 11, 16)),
        ("this week please", date(2025, 11, 17), TODAY),
        ("payments in the last 30 days", date(2025, 10, 22), TODAY),
        ("past 7 days", date(2025, 11, 14), TODAY),
        ("in October", date(2025, 10, 1), date(2025, 10, 31)),
        ("in December", date(2024, 12, 1), date(2024, 12, 31)),
        ("in November", date(2025, 11, 1), TODAY),
        ("since 3 November", date(2025, 11, 3), None),
        ("since November 3rd", date(2025, 11, 3), None),
        ("since 3/11", date(2025, 11, 3), None),
        ("on 2025-10-05", date(2025, 10, 5), date(2025, 10, 5)),
        ("between 1 and 5 November", date(2025, 11, 1), date(2025, 11, 5)),
        ("from 28 October to 2 November", date(2025, 10, 28), date(2025, 11, 2)),
        ("before 1 October", None, date(2025, 9, 30)),
        ("last month", date(2025, 10, 1), date(2025, 10, 31)),
        ("on 25 December", date(2024, 12, 25), date(2024, 12, 25)),
    ],
)
def test_date_ranges(text: str, since: date | None, until: date | None) -> None:
    found, _rest = parse_date_range(text, TODAY)
    assert found == DateRange(since, until)


@pytest.mark.parametrize(
    "text", ["show my transactions", "over £50", "card ending 4321", "between £10 and £30"]
)
def test_no_date_range(text: str) -> None:
    assert parse_date_range(text, TODAY)[0] is None


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("over £50", 5001, None),
        ("more than 50 pounds", 5001, None),
        ("at least £50", 5000, None),
        ("under 20", None, 1999),
        ("less than £20.50", None, 2049),
        ("between £10 and £30", 1000, 3000),
        ("between 30 and 10", 1000, 3000),
        ("the £45.99 one", 4599, 4599),
        ("it was 45.99", 4599, 4599),
        ("£1,250 at IKEA", 124901, 125099),  # whole pounds: the pence may have been dropped
        ("£1,250.00 at IKEA", 125000, 125000),
        ("can I afford £500, would I still have enough", 49901, 50099),  # a comma after it ends the amount
        ("it's £1,500, can I", 149901, 150099),
    ],
)
def test_amounts(text: str, lo: int | None, hi: int | None) -> None:
    found, _rest = parse_amount(text)
    assert found is not None
    assert (found.min_minor, found.max_minor) == (lo, hi)


@pytest.mark.parametrize("text", ["show 3 transactions", "my card", "the second one"])
def test_no_amount(text: str) -> None:
    assert parse_amount(text)[0] is None


def test_amount_filter_contains_uses_the_absolute_amount() -> None:
    assert AmountFilter(1000, 3000).contains(-2499)
    assert not AmountFilter(1000, 3000).contains(-3001)


def test_dates_and_card_digits_are_not_read_as_amounts() -> None:
    _dates, rest = parse_date_range("between 1 and 5 November", TODAY)
    assert parse_amount(rest)[0] is None
    _last4, rest = parse_last4("card ending 4321")
    assert parse_amount(rest)[0] is None


@pytest.mark.parametrize(
    ("text", "merchant"),
    [
        ("what did I spend at Tesco last week", "tesco"),
        ("payments from Amazon over £20", "amazon"),
        ("at John Lewis", "john lewis"),
        ("at the Co-op", "co-op"),
        ("in Sainsbury's yesterday", "sainsbury's"),
        ("show transactions from my savings", None),
        ("in the app", None),
        ("what did I spend in October", None),
        ("I have a problem with a payment", None),
    ],
)
def test_merchants(text: str, merchant: str | None) -> None:
    assert parse_merchant(text) == merchant


@pytest.mark.parametrize(
    ("text", "last4"),
    [
        ("the one ending 4321", "4321"),
        ("card ending in 0042", "0042"),
        ("last four digits are 9876", "9876"),
        ("balance of account 12345678", "5678"),
        ("my card **1234", "1234"),
        ("in 2025", None),
        ("over £1234", None),
    ],
)
def test_last4(text: str, last4: str | None) -> None:
    assert parse_last4(text)[0] == last4


def test_bare_last4_only_when_answering_which_card() -> None:
    assert parse_last4("4321")[0] is None
    assert parse_last4("4321", bare_allowed=True)[0] == "4321"


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("the second one", 2),
        ("2", 2),
        ("number 3", 3),
        ("the 1st", 1),
        ("the last one", -1),
        ("which?", None),
    ],
)
def test_ordinals(text: str, n: int | None) -> None:
    assert parse_ordinal(text) == n


def test_kinds_brands_and_reasons() -> None:
    assert parse_account_kind("what's in my savings") == "savings"
    assert parse_account_kind("my credit card") == "credit"
    assert parse_account_kind("my debit card") == "current"
    assert parse_account_kind("what's my current balance") is None
    assert parse_card_brand("freeze my visa") == "Visa"
    assert parse_card_brand("the mastercard") == "Mastercard"
    assert parse_report_kind("I lost my card") == "lost"
    assert parse_report_kind("I lost my bag, I think it was stolen") == "stolen"
    assert parse_report_kind("freeze it") is None
    assert parse_dispute_reason("I was charged twice") == "Charged twice for the same purchase"
    assert parse_dispute_reason("I don't recognise this") == "I do not recognise this payment"
    assert parse_dispute_reason("the parcel never arrived") == "Goods or services not received"
    assert parse_dispute_reason("dispute it") is None


@pytest.mark.parametrize("text", ["the driver never showed", "the cab didn't turn up", "it was a no-show"])
def test_a_service_that_never_came_is_not_received(text: str) -> None:
    assert parse_dispute_reason(text) == "Goods or services not received"


# Issue 12: months and days said without a year, in a sentence about money still to go out, are the coming
# ones; said about the past they stay the most recent (TODAY is 20 Nov 2025).
@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("what's going out in December", date(2025, 12, 1), date(2025, 12, 31)),
        ("is the rent due in January", date(2026, 1, 1), date(2026, 1, 31)),
        ("what did I spend in December", date(2024, 12, 1), date(2024, 12, 31)),
        ("back in October", date(2025, 10, 1), date(2025, 10, 31)),
        ("since October", date(2025, 10, 1), None),
        ("my september spending", date(2025, 9, 1), date(2025, 9, 30)),
        ("last december", date(2024, 12, 1), date(2024, 12, 31)),
        ("the payment going out on 3 December", date(2025, 12, 3), date(2025, 12, 3)),
        ("the payment I made on 3 December", date(2024, 12, 3), date(2024, 12, 3)),
    ],
)
def test_month_without_a_year_follows_the_tense(text: str, since: date, until: date) -> None:
    found, _rest = parse_date_range(text, TODAY)
    assert found == DateRange(since, until)


def test_a_reference_word_is_not_a_month() -> None:
    assert parse_date_range("cancel the DEC RENT one", TODAY)[0] is None


# Issue 12: vague amounts search a range, however they are said.
@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("about thirty quid", 2500, 3500),
        ("roughly a hundred", 9000, 11000),
        ("around a hundred and fifty pounds", 13500, 16500),
        ("fifty-ish", 4500, 5500),
        ("a tenner or so", 500, 1500),
        ("close to £60", 5400, 6600),
        ("give or take £20", 1500, 2500),
        ("£30-something", 3000, 3999),
        ("forty odd", 4000, 4999),
        ("about twenty-five quid", 2000, 3000),
    ],
)
def test_vague_amounts_are_ranges(text: str, low: int, high: int) -> None:
    found, _rest = parse_amount(text)
    assert found is not None
    assert (found.min_minor, found.max_minor) == (low, high)


@pytest.mark.parametrize("text", ["the second one", "three payments", "one of them", "show me five"])
def test_number_words_that_are_not_money(text: str) -> None:
    assert parse_amount(text)[0] is None


# Issue 12: everyday dates without a month or a year (TODAY is Thursday 20 Nov 2025).
@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("what did I pay on the 13th", date(2025, 11, 13), date(2025, 11, 13)),
        ("anything on the 21st?", date(2025, 10, 21), date(2025, 10, 21)),
        ("between the 10th and the 20th", date(2025, 11, 10), date(2025, 11, 20)),
        ("since the 1st", date(2025, 11, 1), None),
        ("the payment going out on the 3rd", date(2025, 12, 3), date(2025, 12, 3)),
        ("the day before yesterday", date(2025, 11, 18), date(2025, 11, 18)),
        ("payments last weekend", date(2025, 11, 15), date(2025, 11, 16)),
        ("on monday", date(2025, 11, 17), date(2025, 11, 17)),
        ("two weeks ago", date(2025, 11, 3), date(2025, 11, 9)),
        ("over the last couple of weeks", date(2025, 11, 7), TODAY),
        ("this year", date(2025, 1, 1), TODAY),
        ("the 3rd of december", date(2024, 12, 3), date(2024, 12, 3)),
        ("december 3rd", date(2024, 12, 3), date(2024, 12, 3)),
    ],
)
def test_everyday_dates(text: str, since: date | None, until: date | None) -> None:
    found, _rest = parse_date_range(text, TODAY)
    assert found == DateRange(since, until)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("lost it on the 12th, and there's a payment the day after that I didn't make", date(2025, 11, 13)),
        ("a charge on 12 November, or maybe the day before", date(2025, 11, 11)),
    ],
)
def test_the_day_after_a_date_is_the_next_day(text: str, day: date) -> None:
    assert parse_date_range(text, TODAY)[0] == DateRange(day, day)


@pytest.mark.parametrize(("text", "minor"), [("a 5k deposit", 500_000), ("about £12k", 1_200_000)])
def test_thousands_written_with_k(text: str, minor: int) -> None:
    found = parse_amount(text)[0]
    assert found is not None
    assert minor in (found.min_minor, found.max_minor, found.around_minor)


@pytest.mark.parametrize("text", ["in the summer", "over the spring", "at christmas"])
def test_a_season_is_not_a_merchant(text: str) -> None:
    assert parse_merchant(text) is None


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("what did i last buy on my pound card", "GBP"),
        ("my euro card", "EUR"),
        ("the pound one", "GBP"),
        # of two, the one named first: the other is named to be left alone
        ("the euro card - please block. the pound card I have, it is ok", "EUR"),
        ("block the sterling card, the euro one is in my drawer", "GBP"),
    ],
)
def test_a_card_named_by_its_currency_names_that_accounts_currency(text: str, currency: str) -> None:
    from agents.procedures.slots import parse_currency

    assert parse_currency(text) == currency


@pytest.mark.parametrize(
    ("text", "currency", "low", "high"),
    [
        ("was like 80 euro ish", "EUR", 7200, 8800),
        ("about 80 euros", "EUR", 7200, 8800),
        ("€80", "EUR", 7901, 8099),
        ("around $500", "USD", 45000, 55000),
        ("it was 120 dollars", "USD", 11901, 12099),
        ("over 50 usd", "USD", 5001, None),
        ("€40-odd", "EUR", 4000, 4999),
        ("about £40", None, 3500, 4500),
        ("40 quid", None, 3901, 4099),
        ("45.99", None, 4599, 4599),
    ],
)
def test_an_amount_keeps_the_currency_it_was_said_in(
    text: str, currency: str | None, low: int, high: int | None
) -> None:
    found, _rest = parse_amount(text)
    assert found is not None
    assert (found.currency, found.min_minor, found.max_minor) == (currency, low, high)


def test_an_amount_in_another_currency_is_matched_in_that_currency() -> None:
    euros = parse_amount("about 80 euros")[0]
    assert euros is not None
    assert euros.describe() == "of about €80.00"
    # A card payment abroad: £71.58 charged, €81.01 paid.
    assert euros.fits(-7158, "GBP", -8101, "EUR")
    assert not euros.fits(-7158, "GBP", None, None)
    # A payment of a euro account.
    assert euros.fits(-7439, "EUR", None, None)
    assert not euros.fits(-8000, "USD", None, None)
    pounds = parse_amount("about £80")[0]
    assert pounds is not None
    assert not pounds.fits(-7158, "GBP", -8101, "EUR")
    assert pounds.fits(-8000, "GBP", None, None)


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("End of October I paid SNCF", date(2025, 10, 19), date(2025, 10, 31)),
        ("at the start of November", date(2025, 11, 1), date(2025, 11, 11)),
        ("early september", date(2025, 9, 1), date(2025, 9, 11)),
        ("mid-october", date(2025, 10, 9), date(2025, 10, 21)),
        ("in late August", date(2025, 8, 19), date(2025, 8, 31)),
        ("towards the end of last month", date(2025, 10, 19), date(2025, 10, 31)),
        ("in the middle of February 2025", date(2025, 2, 9), date(2025, 2, 21)),
        ("the beginning of this month", date(2025, 11, 1), date(2025, 11, 11)),
    ],
)
def test_a_part_of_a_month(text: str, since: date, until: date) -> None:
    assert parse_date_range(text, TODAY)[0] == DateRange(since, until)


def test_since_the_start_of_a_month_is_no_part_of_it() -> None:
    found = parse_date_range("since the start of October", TODAY)[0]
    assert found is not None
    assert found.since == date(2025, 10, 1)
    assert found.until != date(2025, 10, 11)


def test_a_seat_sold_twice_is_no_double_charge() -> None:
    text = "when I got on the seat didn't exist, they'd sold it twice"
    assert parse_dispute_reason(text) == "Goods or services not received"
    assert parse_dispute_reason("they took it twice") == "Charged twice for the same purchase"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("how much is in my current account and in the savings one", {"current", "savings"}),
        ("what's on the credit card and in my saver", {"credit", "savings"}),
        ("what's in my savings", {"savings"}),
        ("my savings and my direct debits", {"savings"}),
        ("what's my balance", set()),
    ],
)
def test_parse_account_kinds_names_every_kind(text: str, kinds: set[str]) -> None:
    assert parse_account_kinds(text) == kinds
