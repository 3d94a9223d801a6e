"""Facts the procedures take from the knowledge base, so replies quote what the help centre says."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.kb import KnowledgeBase

DELIVERY_SLUG = "card-delivery"


@dataclass(frozen=True)
class DeliveryTerms:
    min_days: int
    max_days: int
    late_after_days: int


_WINDOW = re.compile(r"within (\d+) to (\d+) working days")
_LATE = re.compile(r"after (\d+) working days")


def delivery_terms(kb: KnowledgeBase) -> DeliveryTerms:
    """Standard UK delivery window and when a card counts as lost in the post, read from the article."""
    timing = kb.section(DELIVERY_SLUG, "How long delivery takes")
    overdue = kb.section(DELIVERY_SLUG, "If your card has not arrived")
    window, late = _WINDOW.search(timing), _LATE.search(overdue)
    if window is None or late is None:
        raise ValueError(
            f"the {DELIVERY_SLUG!r} article no longer states 'within N to M working days' and "
            "'after N working days'; update agents/procedures/kbfacts.py to match its wording"
        )
    return DeliveryTerms(int(window.group(1)), int(window.group(2)), int(late.group(1)))
