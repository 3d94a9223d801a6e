"""The AI disclosure owed in a conversation's first reply."""

from __future__ import annotations

import re

from agents.compliance.text import normalise

DEFAULT_DISCLOSURE = (
    "I'm Northbank's AI assistant, not a person. You can ask to speak to a member of our team at any time."
)

_DISCLOSES = re.compile(
    r"\b(?:i'm|i am|this is|you're (?:talking|chatting|speaking) (?:to|with)|you are (?:talking|chatting|"
    r"speaking) (?:to|with))\s+(?:\w+'s |an? |the |your )?(?:northbank |bankdesk )?(?:ai|artificial "
    r"intelligence|automated|virtual|digital|computer)\b"
    r"|\b(?:i'm|i am) (?:an? |the )?(?:chat)?bot\b"
    r"|\bas an ai (?:assistant|model|language model)\b"
    r"|\b(?:i'm|i am) not (?:a )?(?:human|person|real person)\b"
)


def discloses_ai(draft: str, disclosure_text: str) -> bool:
    folded = normalise(draft)
    wanted = normalise(disclosure_text)
    return bool(_DISCLOSES.search(folded)) or (bool(wanted) and wanted in folded)
