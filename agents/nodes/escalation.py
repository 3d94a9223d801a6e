"""Which tier a node calls, from the models config's escalation policy (agents.models.escalation) and the
turn's state. A node asks here instead of naming a tier, so moving a step to another tier is a config change.

Each function answers (tier, rule): the rule is the name of the escalation rule that moved the call above the
step's starting tier, or None; the node passes it to ``call_model`` so that it is recorded with the call.
"""

from __future__ import annotations

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.models.escalation import EscalationPolicy, rank, tiers_above
from agents.nodes.common import customer_messages
from agents.state import AgentState
from agents.summary import sentiment

TierChoice = tuple[str, str | None]


def policy(runtime: Runtime[AgentContext]) -> EscalationPolicy:
    return runtime.context.gateway.config.escalation


def triage_start(runtime: Runtime[AgentContext]) -> str:
    return policy(runtime).start.triage


def low_confidence_ladder(runtime: Runtime[AgentContext], current: str) -> tuple[list[str], float]:
    """The tiers triage may climb, one at a time, while its confidence stays below the returned threshold."""
    rule = policy(runtime).low_confidence
    threshold = rule.below if rule.below is not None else runtime.context.settings.triage_threshold
    return (tiers_above(current, rule.to) if rule.enabled else []), threshold


def second_clarification_tier(
    runtime: Runtime[AgentContext], state: AgentState, current: str, confidence: float
) -> str | None:
    """The tier to ask before a second clarification in a row (or the handoff it leads to), or None."""
    rule = policy(runtime).second_clarification
    if not rule.enabled or rank(rule.to) <= rank(current):
        return None
    not_understood = confidence < runtime.context.settings.clarify_threshold
    return rule.to if not_understood and state.get("low_confidence_streak", 0) >= 1 else None


def frustrated(state: AgentState) -> bool:
    """The customer's words so far read as frustrated or distressed (the cue the handoff summary reports),
    or this turn was screened as a complaint."""
    if "complaint" in (state.get("screening") or {}).get("flags", []):
        return True
    return sentiment(customer_messages(state)) != "neutral"


def phrase_tier(runtime: Runtime[AgentContext], state: AgentState, language: str | None) -> TierChoice:
    p = policy(runtime)
    start = p.start.phrase if language is None else p.start.phrase_translated
    rule = p.frustrated
    if rule.enabled and rank(rule.to) > rank(start) and frustrated(state):
        return rule.to, "frustrated"
    return start, None


def review_tier(runtime: Runtime[AgentContext], outcome: str) -> TierChoice:
    """The compliance review's tier; ``outcome`` is the rule checks' ("pass" | "rewrite" | "block")."""
    p = policy(runtime)
    rule = p.compliance_rewrite
    if rule.enabled and outcome == "rewrite" and rank(rule.to) > rank(p.start.review):
        return rule.to, "compliance_rewrite"
    return p.start.review, None


def assist_tier(runtime: Runtime[AgentContext]) -> str:
    return policy(runtime).start.assist


def summary_tier(runtime: Runtime[AgentContext]) -> str:
    return policy(runtime).start.summary
