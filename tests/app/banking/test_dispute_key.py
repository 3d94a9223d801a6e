"""A dispute's stored key never reads as a card number, whatever the action id the agent made."""

from __future__ import annotations

import uuid

from agents.safety.redact import contains_full_pan
from app.banking.ports import dispute_key

CUSTOMER = uuid.UUID("46b2f199-460f-4857-9865-b5b04cd0052b")
# An action id as the agent makes them (conversation id, then a random hex token) for which the old key,
# the two joined and cut at 100 characters, ended in the Luhn-valid run 941508571486442.
UNLUCKY = "faf16d62-2359-4ed7-aa42-284a97345a7d:892d3e9a00a941508571486442" + "ab12cd"


def test_the_old_key_was_refused_by_the_card_number_guard() -> None:
    assert contains_full_pan(f"{CUSTOMER}:{UNLUCKY}"[:100])


def test_the_key_holds_no_digit_run_and_stays_unique() -> None:
    key = dispute_key(CUSTOMER, UNLUCKY)

    assert not contains_full_pan(key)
    assert len(key) <= 100
    assert not any(ch.isdigit() for ch in key.split(":", 1)[1])
    assert dispute_key(CUSTOMER, UNLUCKY + "x") != key
    assert dispute_key(CUSTOMER, UNLUCKY) == key  # the same action, the same key


def test_many_random_action_ids_never_read_as_a_card_number() -> None:
    keys = [dispute_key(uuid.uuid4(), f"{uuid.uuid4()}:{uuid.uuid4().hex}") for _ in range(5000)]

    assert not [k for k in keys if contains_full_pan(k)]
