"""Precision and recall of the rule checks on labelled drafts (``fixtures/compliance``).

Run ``python -m agents.compliance.evaluation [fixtures/compliance] [fixtures/kb]`` for a JSON report.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from agents.compliance.rules import PASS, ComplianceContext, check_draft
from agents.kb import load_kb

# (file of benign replies, file of violating drafts): written before tuning, then held out twice.
DATASETS = {
    "development": ("benign_replies.txt", "violating_drafts.txt"),
    "holdout_1": ("holdout_benign.txt", "holdout_violating.txt"),
    "holdout_2": ("fresh_benign.txt", "fresh_violating.txt"),
    "holdout_3": ("final_benign.txt", "final_violating.txt"),
}


@dataclass(frozen=True)
class LabelledDraft:
    rules: frozenset[str]
    """Empty for a benign reply."""
    text: str


def _lines(path: Path) -> Iterable[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.strip()


def load_benign(path: Path) -> list[LabelledDraft]:
    return [LabelledDraft(frozenset(), line) for line in _lines(path)]


def load_violating(path: Path) -> list[LabelledDraft]:
    """Lines ``rule[, rule...] | draft``."""
    drafts = []
    for line in _lines(path):
        rules, separator, text = line.partition(" | ")
        if not separator:
            raise ValueError(f"{path}: expected 'rules | draft', got {line!r}")
        drafts.append(LabelledDraft(frozenset(r.strip() for r in rules.split(",")), text.strip()))
    return drafts


def kb_sections(kb_dir: Path) -> list[LabelledDraft]:
    kb = load_kb(kb_dir)
    return [LabelledDraft(frozenset(), s.text) for a in kb.articles for s in a.sections]


def evaluate(drafts: list[LabelledDraft], context: ComplianceContext) -> dict[str, float | int]:
    """Draft level: a draft is flagged when the outcome is not "pass"; a hit needs the expected rules."""
    tp = fp = fn = tn = exact = 0
    for draft in drafts:
        result = check_draft(draft.text, context)
        flagged = result.outcome != PASS
        if draft.rules:
            tp, fn = (tp + 1, fn) if flagged else (tp, fn + 1)
            exact += draft.rules <= {f.rule for f in result.findings}
        else:
            fp, tn = (fp + 1, tn) if flagged else (fp, tn + 1)
    return {
        "violating": tp + fn,
        "benign": fp + tn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "recall_right_rule": round(exact / (tp + fn), 3) if tp + fn else 1.0,
        "false_positive_rate": round(fp / (fp + tn), 3) if fp + tn else 0.0,
    }


def report(data_dir: Path, kb_dir: Path) -> dict[str, dict[str, float | int]]:
    kb = load_kb(kb_dir)
    context = ComplianceContext(
        first_reply=False, is_complaint_ack=False, ombudsman_text=kb.section("complaints", "Ombudsman")
    )
    results = {"kb_sections": evaluate(kb_sections(kb_dir), context)}
    for name, (benign, violating) in DATASETS.items():
        drafts = load_benign(data_dir / benign) + load_violating(data_dir / violating)
        results[name] = evaluate(drafts, context)
    return results


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    data_dir = Path(args[0]) if args else Path("fixtures/compliance")
    kb_dir = Path(args[1]) if len(args) > 1 else Path("fixtures/kb")
    sys.stdout.write(json.dumps(report(data_dir, kb_dir), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
