"""The compliance check of outbound drafts: rule checks (always) and an optional LLM reviewer prompt."""

from agents.compliance.review import REVIEW_SCHEMA, ReviewVerdict, review_prompt
from agents.compliance.rules import (
    DEFAULT_DISCLOSURE,
    RULES,
    ComplianceContext,
    ComplianceFinding,
    ComplianceResult,
    check_draft,
)

__all__ = [
    "DEFAULT_DISCLOSURE",
    "REVIEW_SCHEMA",
    "ReviewVerdict",
    "RULES",
    "ComplianceContext",
    "ComplianceFinding",
    "ComplianceResult",
    "check_draft",
    "review_prompt",
]
