from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.triage.cli import eval_command, train_command
from agents.triage.evaluate import evaluate
from agents.triage.model import TriageModel

from .conftest import HELDOUT_CSV, TEST_CACHE_DIR

EVAL_KEYS = {"accuracy", "macro_f1", "coverage", "ece", "latency_ms_p50", "latency_ms_p95", "model"}


def test_evaluate_reports_every_metric(light_model: TriageModel, heldout_rows: list[tuple[str, str]]) -> None:
    report = evaluate(light_model, heldout_rows)
    assert EVAL_KEYS <= set(report)
    assert set(report["coverage"]) == {"0.5", "0.7", "0.8", "0.9", "1.0"}
    assert report["coverage"]["1.0"] == pytest.approx(report["accuracy"])
    assert report["coverage"]["0.5"] >= report["accuracy"]
    assert 0.0 <= report["ece"] <= 1.0
    assert 0.0 < report["latency_ms_p50"] <= report["latency_ms_p95"]
    assert report["model"] == light_model.name


def test_evaluate_counts_wrong_labels(light_model: TriageModel) -> None:
    report = evaluate(light_model, [("hello there", "greeting"), ("hello there", "thanks")])
    assert report["accuracy"] == 0.5


def test_eval_command_prints_one_json_object(
    light_model: TriageModel, capsys: pytest.CaptureFixture[str]
) -> None:
    code = eval_command(str(HELDOUT_CSV), as_json=True, grade="light", cache_dir=TEST_CACHE_DIR)
    out = capsys.readouterr().out
    assert code == 0
    report = json.loads(out)
    assert EVAL_KEYS <= set(report)
    assert report["model"] == light_model.name


def test_eval_command_prints_a_table(light_model: TriageModel, capsys: pytest.CaptureFixture[str]) -> None:
    assert eval_command(str(HELDOUT_CSV), as_json=False, grade="light", cache_dir=TEST_CACHE_DIR) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out
    assert "80%" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("sentence,label\nhi,greeting\n", "missing column"),
        ("text,category\n", "no data rows"),
        ("", "missing column"),
        ("text,category\nhello,\n", "empty category"),
    ],
)
def test_eval_command_rejects_bad_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "rows.csv"
    if content is not None:
        path.write_text(content)
    code = eval_command(str(path), as_json=True, grade="light", cache_dir=TEST_CACHE_DIR)
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert captured.out == ""


def test_train_command_reports_cross_validated_figures(
    light_model: TriageModel, capsys: pytest.CaptureFixture[str]
) -> None:
    assert train_command("light", cache_dir=TEST_CACHE_DIR) == 0
    assert "cross-validated accuracy" in capsys.readouterr().out


def test_unknown_grade_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert train_command("gigantic", cache_dir=TEST_CACHE_DIR) == 2
    assert "grade" in capsys.readouterr().err


def test_evaluate_reports_urgent_recall(light_model: TriageModel) -> None:
    rows = [
        ("my card was stolen on the train", "lost_or_stolen_card"),
        ("hello there", "compromised_card"),  # urgent by its label, read as a greeting
        ("hello there", "greeting"),
    ]
    report = evaluate(light_model, rows)
    assert report["urgent_rows"] == 2
    assert report["urgent_recall"] == 0.5
    no_urgent = evaluate(light_model, [("hello there", "greeting")])
    assert no_urgent["urgent_rows"] == 0
    assert no_urgent["urgent_recall"] is None
