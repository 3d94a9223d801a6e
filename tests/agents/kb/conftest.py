from __future__ import annotations

from pathlib import Path

import pytest

from agents.kb import KnowledgeBase, load_kb

REPO_ROOT = Path(__file__).resolve().parents[3]
KB_DIR = REPO_ROOT / "fixtures" / "kb"
BANKING77_DIR = REPO_ROOT / "fixtures" / "banking77"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb(KB_DIR)
