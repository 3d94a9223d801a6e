"""Customer-facing descriptions of the triage intents (descriptions.yaml), for clarifying questions."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

PATH = Path(__file__).with_name("descriptions.yaml")
# Never offered as a reading of what the customer meant: they are not requests a customer would pick.
NOT_OFFERED = frozenset({"out_of_scope", "vulnerability", "greeting", "thanks", "complaint", "human_request"})


@cache
def _descriptions() -> dict[str, str]:
    with PATH.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {str(k): str(v) for k, v in data.items()}


def describe_intent(intent: str) -> str | None:
    """'a card payment you don't recognise' for card_payment_not_recognised; None when not to be offered."""
    if intent in NOT_OFFERED:
        return None
    return _descriptions().get(intent)
