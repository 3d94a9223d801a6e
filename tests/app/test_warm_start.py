"""What the app prepares at start so that the first customer's turn is not the one that pays for it."""

from __future__ import annotations


def test_the_text_rules_are_ready_before_the_first_customer_turn() -> None:
    from agents.dialogue import spelling
    from agents.safety import flags
    from app.agent import _warm_text_rules

    flags._rules.cache_clear()
    spelling._checker.cache_clear()
    _warm_text_rules()
    assert flags._rules.cache_info().currsize == 1
    assert spelling._checker.cache_info().currsize == 1
