"""The rules on the labelled draft sets in fixtures/compliance and on every knowledge-base section."""

from __future__ import annotations

import json
import re

import pytest

from agents.compliance import ComplianceContext, check_draft
from agents.compliance.evaluation import (
    DATASETS,
    LabelledDraft,
    evaluate,
    kb_sections,
    load_benign,
    load_violating,
    main,
)
from tests.agents.compliance.conftest import DATA_DIR, KB_DIR, MakeContext

# Reference numbers that read as 13-19 digits are masked like card numbers: the rule masks any
# card-length number, Luhn-valid or not, because a mistyped PAN is still a PAN.
# "Your payment reference is 2025-06-03-00457." was one until the redactor learnt that a date is no card
# number (issue 11's normalising redactor); none is left.
KNOWN_FALSE_POSITIVES: set[str] = set()
TUNED_ON = ("development", "holdout_1", "holdout_2")


def _all(kind: str) -> list[LabelledDraft]:
    drafts: list[LabelledDraft] = []
    for benign, violating in DATASETS.values():
        drafts += load_benign(DATA_DIR / benign) if kind == "benign" else load_violating(DATA_DIR / violating)
    return drafts


def test_dataset_sizes() -> None:
    assert len(load_benign(DATA_DIR / "benign_replies.txt")) >= 40
    assert len(load_violating(DATA_DIR / "violating_drafts.txt")) >= 30
    assert len(kb_sections(KB_DIR)) >= 100


@pytest.mark.parametrize("draft", kb_sections(KB_DIR), ids=lambda d: d.text[:40])
def test_every_kb_section_passes(draft: LabelledDraft, plain: ComplianceContext) -> None:
    result = check_draft(draft.text, plain)
    assert result.outcome == "pass", result.findings


@pytest.mark.parametrize("draft", _all("benign"), ids=lambda d: d.text[:40])
def test_benign_replies_pass(draft: LabelledDraft, plain: ComplianceContext) -> None:
    result = check_draft(draft.text, plain)
    expected = "rewrite" if draft.text in KNOWN_FALSE_POSITIVES else "pass"
    assert result.outcome == expected, result.findings


@pytest.mark.parametrize("name", TUNED_ON)
def test_sets_the_rules_were_tuned_on_are_fully_detected(name: str, plain: ComplianceContext) -> None:
    drafts = load_violating(DATA_DIR / DATASETS[name][1])
    missed = [d.text for d in drafts if not d.rules <= {f.rule for f in check_draft(d.text, plain).findings}]
    assert missed == []


def test_untuned_holdout_recall_is_recorded(plain: ComplianceContext) -> None:
    # holdout_3 was never used for tuning: its recall is an honest (low) estimate for new phrasings.
    benign, violating = DATASETS["holdout_3"]
    figures = evaluate(load_benign(DATA_DIR / benign) + load_violating(DATA_DIR / violating), plain)
    assert figures["false_positive_rate"] == 0.0
    assert figures["recall"] >= 0.2


@pytest.mark.parametrize("first_reply", [False, True])
@pytest.mark.parametrize("is_complaint_ack", [False, True])
def test_output_of_every_check_passes_a_second_check(
    first_reply: bool, is_complaint_ack: bool, make_context: MakeContext
) -> None:
    context = make_context(first_reply=first_reply, is_complaint_ack=is_complaint_ack)
    for draft in _all("violating") + _all("benign"):
        result = check_draft(draft.text, context)
        again = check_draft(result.text, context)
        assert again.outcome == "pass", (draft.text, result.text, again.findings)


def test_no_finding_detail_holds_a_number(make_context: MakeContext) -> None:
    context = make_context(first_reply=True, is_complaint_ack=True)
    for draft in _all("violating"):
        for finding in check_draft(draft.text, context).findings:
            assert not re.search(r"\d(?:[ \-]?\d){4,}", finding.detail), finding.detail


def test_evaluation_cli_prints_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DATA_DIR), str(KB_DIR)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["kb_sections"]["false_positive_rate"] == 0.0
    assert figures["development"]["recall"] == 1.0
    assert set(figures) == {"kb_sections", *DATASETS}
