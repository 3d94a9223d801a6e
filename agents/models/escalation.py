"""The escalation policy, as data: which tier each model step starts on, and when a turn moves up a tier.

Read from the ``[escalation]`` table of the models config (agents/models/config/*.toml). Every field has a
default, and the defaults are exactly what the graph did before the policy was data:

- triage starts on nano (or on the free embedded model, ``start.triage = "embedded"``); below the triage
  model's calibrated confidence it asks mini once
  (rule ``low_confidence``);
- phrasing runs on nano (mini when the reply goes out in another language), the compliance review on mini,
  the read-only tool assistant on mini, the handoff summary on large;
- the other rules (``compliance_rewrite``, ``frustrated``, ``second_clarification``) are off.

Each model call made because a rule fired records the rule's name (CallRecord.escalation), so a report can
count escalations per rule.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LADDER: tuple[str, ...] = ("embedded", "nano", "mini", "large")
"""The tiers in order of capability (and price): escalation only ever moves up this ladder. ``embedded`` is
the in-process triage model (the ``local`` provider: no network, no cost); only triage may start on it, and
a config that starts triage there gets the tier without declaring it (agents.models.gateway_config)."""

EMBEDDED = "embedded"
Tier = Literal["nano", "mini", "large"]
TriageTier = Literal["embedded", "nano", "mini", "large"]
RuleName = Literal["low_confidence", "compliance_rewrite", "frustrated", "second_clarification"]
RULES: tuple[RuleName, ...] = ("low_confidence", "compliance_rewrite", "frustrated", "second_clarification")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepTiers(_Strict):
    """The tier each model step starts on, before any rule moves it up."""

    triage: TriageTier = "nano"
    """``embedded``: the embedded triage model decides what it is sure of, and the low_confidence rule sends
    the rest up to the LLM tiers, so a configured LLM is paid only for the turns the free model cannot
    place."""
    phrase: Tier = "nano"
    phrase_translated: Tier = "mini"
    """The phrase step when the reply goes out in the customer's (non-English) language."""
    review: Tier = "mini"
    """The model review of an outbound reply (only with an LLM configured for mini)."""
    assist: Tier = "mini"
    """The read-only tool assistant for what triage could not place (only with an LLM configured)."""
    summary: Tier = "large"
    """The handoff summary for staff."""


class LowConfidenceRule(_Strict):
    """Triage asks the next tier up, one at a time up to ``to``, while its answer is below ``below``."""

    enabled: bool = True
    below: float | None = Field(default=None, ge=0, le=1)
    """Omitted: the triage model's calibrated threshold (agents/triage/config), as before."""
    to: Tier = "mini"


class ComplianceRewriteRule(_Strict):
    """The rule checks had to rewrite the draft: the model review of the rewritten reply runs on ``to``."""

    enabled: bool = False
    to: Tier = "large"


class FrustratedRule(_Strict):
    """The customer reads as frustrated (or the turn was screened as a complaint): phrasing runs on ``to``."""

    enabled: bool = False
    to: Tier = "mini"


class SecondClarificationRule(_Strict):
    """The previous turn was not understood and this one is not either: before a second clarification (or
    the handoff that follows it), triage asks ``to``."""

    enabled: bool = False
    to: Tier = "large"


class EscalationPolicy(_Strict):
    start: StepTiers = Field(default_factory=StepTiers)
    low_confidence: LowConfidenceRule = Field(default_factory=LowConfidenceRule)
    compliance_rewrite: ComplianceRewriteRule = Field(default_factory=ComplianceRewriteRule)
    frustrated: FrustratedRule = Field(default_factory=FrustratedRule)
    second_clarification: SecondClarificationRule = Field(default_factory=SecondClarificationRule)

    @model_validator(mode="after")
    def _rules_move_up(self) -> EscalationPolicy:
        problems = []
        for name, step in (
            ("low_confidence", "triage"),
            ("compliance_rewrite", "review"),
            ("frustrated", "phrase"),
            ("second_clarification", "triage"),
        ):
            rule = getattr(self, name)
            start: str = getattr(self.start, step)
            if rule.enabled and rank(rule.to) <= rank(start):
                problems.append(
                    f"{name}.to: {rule.to!r} is not above the {step} step's tier {start!r} "
                    f"(escalation moves up {' -> '.join(LADDER)})"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self


def rank(tier: str) -> int:
    return LADDER.index(tier)


def tiers_above(start: str, to: str) -> list[str]:
    """The tiers after ``start`` up to and including ``to``: ("nano", "large") -> ["mini", "large"]."""
    return list(LADDER[rank(start) + 1 : rank(to) + 1])
