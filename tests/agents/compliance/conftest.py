from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agents.compliance import ComplianceContext
from agents.kb import KnowledgeBase, load_kb

REPO_ROOT = Path(__file__).resolve().parents[3]
KB_DIR = REPO_ROOT / "fixtures" / "kb"
DATA_DIR = REPO_ROOT / "fixtures" / "compliance"

MakeContext = Callable[..., ComplianceContext]


@pytest.fixture(scope="session")
def knowledge_base() -> KnowledgeBase:
    return load_kb(KB_DIR)


@pytest.fixture(scope="session")
def ombudsman_text(knowledge_base: KnowledgeBase) -> str:
    return knowledge_base.section("complaints", "Ombudsman")


@pytest.fixture(scope="session")
def make_context(ombudsman_text: str) -> MakeContext:
    def make(
        *, first_reply: bool = False, is_complaint_ack: bool = False, markers: tuple[str, ...] = ()
    ) -> ComplianceContext:
        return ComplianceContext(
            first_reply=first_reply,
            is_complaint_ack=is_complaint_ack,
            ombudsman_text=ombudsman_text,
            internal_markers=markers,
        )

    return make


@pytest.fixture(scope="session")
def plain(make_context: MakeContext) -> ComplianceContext:
    return make_context()
