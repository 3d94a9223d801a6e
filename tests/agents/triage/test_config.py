from __future__ import annotations

from pathlib import Path

import pytest

from agents.triage.config import DEFAULT_CONFIG_PATH, TriageConfig, load_triage_config


def test_shipped_config_loads(triage_config: TriageConfig) -> None:
    assert triage_config.grade == "light"
    assert triage_config.escalation_tier == "mini"
    for grade in ("light", "embeddings"):
        assert 0.0 < triage_config.threshold(grade) < 1.0


def test_escalates_below_the_threshold(triage_config: TriageConfig) -> None:
    threshold = triage_config.threshold()
    assert triage_config.should_escalate(threshold - 0.01)
    assert not triage_config.should_escalate(threshold)


def test_unknown_grade_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "triage.toml"
    bad.write_text(DEFAULT_CONFIG_PATH.read_text().replace('grade = "light"', 'grade = "huge"', 1))
    with pytest.raises(ValueError, match="grade"):
        load_triage_config(bad)


def test_threshold_outside_unit_interval_is_refused(tmp_path: Path, triage_config: TriageConfig) -> None:
    text = DEFAULT_CONFIG_PATH.read_text()
    old = f"light = {triage_config.thresholds['light']}"
    assert old in text
    bad = tmp_path / "triage.toml"
    bad.write_text(text.replace(old, "light = 1.5"))
    with pytest.raises(ValueError, match="threshold"):
        load_triage_config(bad)
