"""A shop named by the first word of its statement name ("the Vue" is Vue Cinemas)."""

from __future__ import annotations

from typing import Any, cast

from agents.ports import TransactionView
from agents.procedures.context import Run
from agents.procedures.slots import first_word_merchant_in


def _paid(merchant: str, minor: int = -1000) -> TransactionView:
    return TransactionView(
        id=merchant,
        account_id="a1",
        amount_minor=minor,
        currency="GBP",
        merchant=merchant,
        description=merchant.upper(),
        category="shopping",
        status="posted",
        booked_at="2026-11-16T19:00:00+00:00",
    )


class _Run:
    def __init__(self, *merchants: TransactionView) -> None:
        self._found = list(merchants)

    async def transactions(self, query: Any) -> list[TransactionView]:
        return self._found


def _run(*paid: TransactionView) -> Run:
    return cast(Run, _Run(*paid))


async def test_the_first_word_of_a_name_finds_the_shop() -> None:
    run = _run(_paid("Vue Cinemas"), _paid("Tesco"), _paid("Just Eat"))
    assert await first_word_merchant_in(run, "we went to the Vue and the projector died") == "vue cinemas"
    assert await first_word_merchant_in(run, "the Vue's screen went blank") == "vue cinemas"


async def test_an_everyday_first_word_or_two_shops_find_nothing() -> None:
    run = _run(_paid("Just Eat"), _paid("Cash withdrawal"), _paid("Odeon Cinemas"), _paid("Odeon Luxe"))
    assert await first_word_merchant_in(run, "i just want the cash back") is None
    assert await first_word_merchant_in(run, "the odeon film was awful") is None


async def test_money_in_is_not_a_shop_paid() -> None:
    run = _run(_paid("Vinted", minor=2500))
    assert await first_word_merchant_in(run, "the vinted sale") is None
