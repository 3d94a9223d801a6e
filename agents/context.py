"""What the graph's nodes get from outside, through LangGraph's runtime context (never checkpointed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.kb import KnowledgeBase
from agents.models.gateway import Gateway
from agents.ports import BankingPort
from agents.procedures.spec import ProcedureSpec


@dataclass(frozen=True)
class AgentSettings:
    triage_threshold: float = 0.86  # below it the nano tier's answer is escalated to the mini tier
    clarify_threshold: float = 0.45  # below it (after escalation) the turn counts as not understood
    token_budget: int = 60_000  # per conversation
    cost_budget_usd_micros: int = 2_000_000  # per conversation ($2)
    low_confidence_limit: int = 2  # low-confidence turns in a row before a person takes over
    recursion_limit: int = 40
    llm_review: bool = False  # a mini-tier reviewer judges tone and accuracy (only with an LLM configured)
    llm_phrasing: bool = False  # a model rephrases grounded drafts (only with an LLM configured)
    llm_tools: bool = False  # the mini tier may answer unplaced questions with read-only tools


@dataclass
class AgentContext:
    """Per-turn dependencies. ``banking`` is bound by the app to the authenticated customer."""

    conversation_id: str
    variant: str
    banking: BankingPort
    gateway: Gateway
    kb: KnowledgeBase
    procedures: dict[str, ProcedureSpec]
    settings: AgentSettings
    support_hours: str = ""  # TurnInput.support_hours
    support_open_now: bool = True
    call_ids: list[str] = field(default_factory=list)
    scratch: dict[str, Any] = field(default_factory=dict)
