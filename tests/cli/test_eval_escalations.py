"""`bankdesk eval scenarios` counts the escalations per rule of the models config's [escalation] policy,
from the rule stored with each model call (model_call.escalation)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.agent import AgentAssets
from app.cli import main
from app.evaluation import suite

UNSURE = """
name: unsure-once
description: One message the triage model is unsure of (below its calibrated threshold).
categories: [clarify]
customer: 1
turns:
  - say: "hmm not sure"
    expect: {}
"""
SURE = """
name: sure-once
description: One message the triage model reads with confidence.
categories: [balance]
customer: 1
turns:
  - say: "what's my balance"
    expect: {}
"""


@pytest.fixture(autouse=True)
def _assets_once(monkeypatch: pytest.MonkeyPatch, agent_assets: AgentAssets) -> None:
    monkeypatch.setattr(suite, "load_assets", lambda settings: agent_assets)


def test_the_report_counts_escalations_per_rule(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "unsure-once.yaml").write_text(UNSURE, encoding="utf-8")
    (folder / "sure-once.yaml").write_text(SURE, encoding="utf-8")
    out = tmp_path / "out"

    code = main(["eval", "scenarios", "--k", "2", "--dir", str(folder), "--out", str(out)])

    assert code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    # The default policy: the unsure message asks mini once per run; the sure one never escalates.
    assert report["model_calls"]["escalations"] == {"low_confidence": 2}
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "escalations per rule" in markdown
    assert "low_confidence 2" in markdown
