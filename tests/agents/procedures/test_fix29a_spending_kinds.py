"""Several kinds of spending in one total, and a shop left out by a bare "not" in a sentence of its own."""

from datetime import date

from agents.procedures.queries import Excluded, parse_excluded, parse_spending
from agents.procedures.spending import _asked_itself

TODAY = date(2026, 11, 28)


def test_every_kind_named_is_added_up() -> None:
    q, _ = parse_spending("what have i spent on takeaways and days out since october", TODAY)
    assert q.category == "eating_out"
    assert q.also == ("entertainment",)


def test_one_kind_named_has_no_others() -> None:
    q, _ = parse_spending("how much on groceries in october", TODAY)
    assert q.category == "groceries"
    assert q.also == ()


def test_a_bare_not_in_a_sentence_of_its_own_leaves_a_shop_out_if_paid() -> None:
    found, _ = parse_excluded("What have I spent going out? The pub, the pictures. Not the Netflix.")
    assert found == (Excluded(label="Netflix", merchant="netflix", only_if_paid=True),)


def test_not_sure_leaves_nothing_out() -> None:
    assert parse_excluded("how much did i spend at tesco, not sure when")[0] == ()


def test_not_counting_after_a_comma_leaves_the_shop_out() -> None:
    found, _ = parse_excluded("what have I spent on entertainment since september, not counting netflix")
    assert [e.merchant for e in found] == ["netflix"]
    assert not found[0].only_if_paid


def test_what_is_asked_about_is_not_left_out_of_itself() -> None:
    q, _ = parse_spending("how much at netflix since september", TODAY)
    assert _asked_itself(Excluded(label="Netflix", merchant="netflix"), q, "Netflix")
    assert not _asked_itself(Excluded(label="Lidl", merchant="lidl"), q, "Netflix")
