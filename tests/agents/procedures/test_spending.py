"""Totals, counts, last N, since payday, affordability and duplicate charges, on the seeded bank through the
real SqlBankingPort. Expected figures are computed here from the port's own rows, not copied from replies."""

from __future__ import annotations

from datetime import date

from agents.ports import TransactionQuery, TransactionView
from agents.procedures.dates import day_of
from agents.procedures.money import format_money
from agents.procedures.spec import ProcedureSpec
from agents.procedures.spending import fetch_all
from tests.agents.procedures.helpers import answer, ask, confirm, turn
from tests.agents.procedures.seeded import Bank

Procs = dict[str, ProcedureSpec]
FILTER_KEYS = {
    "category",
    "date_from",
    "date_to",
    "amount_min",
    "amount_max",
    "merchant",
    "limit",
    "aggregate",
}


async def _all(bank: Bank, index: int) -> list[TransactionView]:
    return await bank.port(index).find_transactions(TransactionQuery(limit=50))


def _spent(rows: list[TransactionView]) -> list[TransactionView]:
    """Money out that counts: not reversed, not a move between the customer's own accounts."""
    return [
        t
        for t in rows
        if t.amount_minor < 0 and t.status != "reversed" and not t.merchant.startswith("Northbank ")
    ]


async def test_a_category_total_for_a_month_is_the_sum_of_its_payments(bank: Bank, procedures: Procs) -> None:
    rows = await _all(bank, 0)
    october = [
        t
        for t in _spent(rows)
        if t.category == "eating_out" and date(2025, 10, 1) <= day_of(t.booked_at) <= date(2025, 10, 31)
    ]
    assert len(october) >= 2
    expected = sum(-t.amount_minor for t in october)
    result = answer(
        await turn(procedures["spending"], bank.port(0), "what did I spend on takeaways in October in total?")
    )
    assert result.outcome == "ok"
    assert result.facts["totals_minor"] == {"GBP": expected}
    assert f"You spent {format_money(expected, 'GBP')} on eating out in October 2025" in result.draft
    assert f"over {len(october)} payments" in result.draft
    assert sorted(result.facts["transaction_ids"]) == sorted(t.id for t in october)
    # The filters used, for a follow-up to reuse.
    assert FILTER_KEYS <= set(result.facts)
    assert result.facts["category"] == "eating_out"
    assert (result.facts["date_from"], result.facts["date_to"]) == ("2025-10-01", "2025-10-31")
    assert result.facts["aggregate"] == "total"


async def test_reversed_payments_never_count_and_pending_ones_are_named(
    bank: Bank, procedures: Procs
) -> None:
    rows = await _all(bank, 0)
    reversed_ = [t for t in rows if t.status == "reversed"]
    assert reversed_
    month = day_of(reversed_[0].booked_at).strftime("%B")
    result = answer(
        await turn(procedures["spending"], bank.port(0), f"how much did I spend in {month} altogether?")
    )
    assert reversed_[0].id not in result.facts["transaction_ids"]
    counted = [t for t in rows if t.id in result.facts["transaction_ids"]]
    pending = [t for t in counted if t.status == "pending"]
    assert result.facts["pending_count"] == len(pending)
    if pending:
        assert f"{len(pending)} pending payment" in result.draft
    assert result.facts["totals_minor"]["GBP"] == sum(-t.amount_minor for t in counted if t.currency == "GBP")


async def test_last_n_gives_exactly_n_newest_payments(bank: Bank, procedures: Procs) -> None:
    newest = _spent(await _all(bank, 0))[:3]
    result = answer(await turn(procedures["spending"], bank.port(0), "show me my last three payments"))
    assert result.outcome == "last_n"
    assert result.facts["transaction_ids"] == [t.id for t in newest]
    assert result.facts["limit"] == 3
    assert result.draft.count("\n- ") == 3


async def test_since_payday_starts_after_the_latest_salary(bank: Bank, procedures: Procs) -> None:
    rows = await _all(bank, 0)
    salary = next(t for t in rows if t.category == "salary")
    after = [t for t in _spent(rows) if t.booked_at > salary.booked_at]
    result = answer(
        await turn(procedures["spending"], bank.port(0), "how much have I spent since I got paid?")
    )
    assert result.facts["salary_transaction_id"] == salary.id
    assert sorted(result.facts["transaction_ids"]) == sorted(t.id for t in after)
    assert format_money(sum(-t.amount_minor for t in after), "GBP") in result.draft
    assert format_money(salary.amount_minor, "GBP") in result.draft
    assert day_of(salary.booked_at).strftime("%b %Y") in result.draft


async def test_count_and_biggest(bank: Bank, procedures: Procs) -> None:
    spent = _spent(await _all(bank, 1))
    biggest = max(spent, key=lambda t: -t.amount_minor)
    result = answer(
        await turn(procedures["spending"], bank.port(1), "what was my biggest payment in the last 90 days?")
    )
    assert result.outcome == "extreme"
    assert result.facts["transaction_ids"] == [biggest.id]
    assert format_money(-biggest.amount_minor, "GBP") in result.draft
    luxe = [t for t in spent if t.merchant == "Luxe Watches Direct"]
    counted = answer(
        await turn(procedures["spending"], bank.port(1), "how many times did I pay Luxe Watches Direct?")
    )
    assert counted.outcome == "count"
    assert counted.facts["count"] == len(luxe) == 3
    assert format_money(sum(-t.amount_minor for t in luxe), "GBP") in counted.draft


async def test_affordability_is_a_plain_yes_or_not_alone(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    current = next(a for a in await port.list_accounts() if a.kind == "current")
    below = format_money(current.balance_minor - 100, "GBP")
    above = format_money(current.balance_minor + 100, "GBP")
    yes = answer(await turn(procedures["affordability"], port, f"can I afford {below} right now?"))
    assert yes.outcome == "ok"
    assert yes.draft.startswith("Yes")
    assert format_money(current.balance_minor, "GBP") in yes.draft
    assert yes.facts["account_id"] == current.id
    no = answer(await turn(procedures["affordability"], port, f"can I afford {above} right now?"))
    assert no.outcome == "short"
    assert no.draft.startswith("Not from your current account alone")
    assert "£1.00 short" in no.draft
    for text in (yes.draft, no.draft):
        assert "should" not in text.lower()
        assert "recommend" not in text.lower()


async def test_affordability_checks_what_must_be_left_after_paying(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    current = next(a for a in await port.list_accounts() if a.kind == "current")
    spend = 50_000
    keep_ok = format_money(current.balance_minor - spend - 100, "GBP")
    keep_too_much = format_money(current.balance_minor - spend + 100, "GBP")
    left = format_money(current.balance_minor - spend, "GBP")
    for keep, outcome, opening in ((keep_ok, "keeps_floor", "Yes"), (keep_too_much, "below_floor", "No")):
        text = f"if I give my sister £500 would I still have at least {keep} left?"
        checked = answer(await turn(procedures["affordability"], port, text))
        assert checked.outcome == outcome
        assert checked.draft.startswith(opening)
        assert checked.facts["amount_minor"] == spend
        assert left in checked.draft


async def test_fetch_all_reads_every_page(bank: Bank, procedures: Procs) -> None:
    from agents.procedures.context import Run
    from tests.agents.procedures.helpers import shipped_kb
    from tests.agents.procedures.seeded import TODAY

    port = bank.port(0)
    run = Run(spec=procedures["spending"], text="", state={}, banking=port, today=TODAY, kb=shipped_kb())
    everything = await port.find_transactions(TransactionQuery(limit=50))
    assert 10 < len(everything) < 50
    busiest_day = max(sum(day_of(t.booked_at) == day_of(u.booked_at) for u in everything) for t in everything)
    page = max(busiest_day + 1, 8)  # within MAX_PAGES pages
    paged, complete = await fetch_all(run, TransactionQuery(), page=page)
    assert complete
    assert [t.id for t in paged] == [t.id for t in everything]
    assert len([c for c in run.calls if c.tool == "search_transactions"]) >= len(everything) // page
    # A day with more rows than a page cannot be paged past: the list is partial, and says so.
    partial, complete = await fetch_all(run, TransactionQuery(), page=busiest_day - 1)
    assert not complete
    assert len({t.id for t in partial}) == len(partial) < len(everything)


async def test_charged_twice_with_an_odd_amount_disputes_the_repeat(bank: Bank, procedures: Procs) -> None:
    port = bank.port(1)
    pair = sorted(
        (t for t in await _all(bank, 1) if t.merchant == "Luxe Watches Direct" and t.amount_minor == -16235),
        key=lambda t: t.booked_at,
    )
    assert len(pair) == 2
    result = confirm(
        await turn(procedures["dispute_transaction"], port, "they took £160-odd twice for the same order")
    )
    assert result.action.args["transaction_id"] == pair[1].id
    assert "£162.35" in result.prompt
    assert "Charged twice" in result.action.args["reason"]


async def test_forty_odd_finds_the_payment_an_exact_forty_misses(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    waitrose = next(t for t in await _all(bank, 0) if t.merchant == "Waitrose")
    assert 4000 < -waitrose.amount_minor < 5000
    exact = answer(await turn(procedures["dispute_transaction"], port, "dispute the £40 Waitrose payment"))
    assert exact.outcome == "none"
    found = confirm(
        await turn(procedures["dispute_transaction"], port, "dispute the £40-odd Waitrose payment")
    )
    assert found.action.args["transaction_id"] == waitrose.id


async def test_a_merchant_named_like_an_everyday_word_counts_where_it_is_paid(
    bank: Bank, procedures: Procs
) -> None:
    apple = [t for t in _spent(await _all(bank, 1)) if t.merchant == "Apple"]
    assert len(apple) >= 2
    result = answer(await turn(procedures["spending"], bank.port(1), "how many times have I paid Apple?"))
    assert result.facts["merchant"] == "apple"
    assert result.facts["count"] == len(apple)
    assert "in the last 90 days" in result.draft


async def test_the_mortgage_is_the_lenders_bills_only(bank: Bank, procedures: Procs) -> None:
    rows = [t for t in _spent(await _all(bank, 1)) if t.category == "bills"]
    mortgage = [t for t in rows if "Building Society" in t.merchant]
    assert mortgage
    assert len(mortgage) < len(rows)
    result = answer(
        await turn(procedures["spending"], bank.port(1), "how much have my mortgage payments come to?")
    )
    assert sorted(result.facts["transaction_ids"]) == sorted(t.id for t in mortgage)
    assert "on your mortgage" in result.draft


async def test_affordability_without_an_amount_asks_for_it_then_answers(
    bank: Bank, procedures: Procs
) -> None:
    port = bank.port(0)
    spec = procedures["affordability"]
    question = ask(await turn(spec, port, "can I afford it?"))
    assert "How much" in question.question
    current = next(a for a in await port.list_accounts() if a.kind == "current")
    result = answer(await turn(spec, port, "it's £25", question.slots))
    assert result.draft.startswith("Yes")
    assert format_money(current.balance_minor - 2500, "GBP") in result.draft


async def test_a_range_of_months(bank: Bank, procedures: Procs) -> None:
    rows = _spent(await _all(bank, 0))
    autumn = [t for t in rows if date(2025, 9, 1) <= day_of(t.booked_at) <= date(2025, 10, 31)]
    result = answer(
        await turn(procedures["spending"], bank.port(0), "what went out from September to October?")
    )
    assert (result.facts["date_from"], result.facts["date_to"]) == ("2025-09-01", "2025-10-31")
    assert result.facts["totals_minor"]["GBP"] == sum(-t.amount_minor for t in autumn)


async def test_how_much_is_my_mortgage_is_the_latest_payment_not_a_sum(bank: Bank, procedures: Procs) -> None:
    mortgage = [t for t in _spent(await _all(bank, 1)) if "Building Society" in t.merchant]
    assert len(mortgage) > 1
    result = answer(await turn(procedures["spending"], bank.port(1), "how much is my mortgage?"))
    assert result.outcome == "latest"
    assert result.facts["transaction_ids"] == [mortgage[0].id]
    assert format_money(-mortgage[0].amount_minor, "GBP") in result.draft
    assert format_money(-sum(t.amount_minor for t in mortgage), "GBP") not in result.draft


async def test_a_shop_described_by_a_word_of_its_name_is_that_shop(bank: Bank, procedures: Procs) -> None:
    # "that electronics website" is the one merchant with "Electronics" in its name, not the category the
    # word suggests, nor a shop called "Website".
    rows = _spent(await _all(bank, 0))
    names = {t.merchant for t in rows}
    word, shop = next(
        (w, name)
        for name in sorted(names)
        for w in name.lower().split()[1:]
        if len(w) >= 4 and w.isalpha() and sum(w in n.lower().split() for n in names) == 1
    )
    spent = [t for t in rows if t.merchant == shop]
    result = answer(
        await turn(
            procedures["spending"], bank.port(0), f"how much did I spend at that {word} website altogether?"
        )
    )
    assert result.facts["merchant"] == shop.lower()
    assert result.facts["totals_minor"] == {"GBP": sum(-t.amount_minor for t in spent)}


async def test_a_described_shop_that_is_not_a_payee_changes_nothing(bank: Bank, procedures: Procs) -> None:
    result = answer(
        await turn(
            procedures["spending"], bank.port(0), "how much did I spend at the zyxwv website altogether?"
        )
    )
    assert result.facts["merchant"] == "zyxwv website"


async def test_a_total_without_the_mortgage_leaves_out_only_the_lenders_payments(
    bank: Bank, procedures: Procs
) -> None:
    rows = _spent(await _all(bank, 1))
    autumn = [t for t in rows if date(2025, 9, 1) <= day_of(t.booked_at) <= date(2025, 10, 31)]
    mortgage = [t for t in autumn if "Building Society" in t.merchant]
    assert mortgage
    assert len(mortgage) < len(autumn)
    text = (
        "everything that went out from September to October, mortgage and all, then take the mortgage out "
        "of that"
    )
    result = answer(await turn(procedures["spending"], bank.port(1), text))
    assert result.outcome == "ok"
    assert sorted(result.facts["transaction_ids"]) == sorted(t.id for t in autumn if t not in mortgage)
    left_out = format_money(sum(-t.amount_minor for t in mortgage), "GBP")
    assert f"That leaves out {left_out}" in result.draft
    assert "not counting your mortgage" in result.draft


async def test_leaving_out_what_was_not_paid_says_so(bank: Bank, procedures: Procs) -> None:
    result = answer(
        await turn(procedures["spending"], bank.port(0), "what went out in October apart from zzzshop")
    )
    assert "no payments for zzzshop in that time to leave out" in result.draft


async def test_a_search_asked_again_in_one_run_is_read_and_logged_once(bank: Bank, procedures: Procs) -> None:
    """The merchant and shop lookups each ask for the recent transactions: the audit log gets one call with
    its result, not one copy per lookup (a 20 kB step payload was three copies of the same 6 kB list)."""
    from agents.procedures.context import Run
    from tests.agents.procedures.helpers import shipped_kb
    from tests.agents.procedures.seeded import TODAY

    run = Run(
        spec=procedures["spending"], text="", state={}, banking=bank.port(0), today=TODAY, kb=shipped_kb()
    )
    first = await run.transactions(TransactionQuery(limit=50))
    first.reverse()  # a caller may reorder what it got
    second = await run.transactions(TransactionQuery(limit=50))
    other = await run.transactions(TransactionQuery(limit=5))
    assert [t.id for t in second] == [t.id for t in reversed(first)]
    assert len(other) == 5
    searches = [c for c in run.calls if c.tool == "search_transactions"]
    assert [c.arguments for c in searches] == [{"limit": 50}, {"limit": 5}]
    assert searches[0].result["count"] == len(second)
