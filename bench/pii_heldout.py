"""PII recall on the two held-out sets in bench/data (written by separate authors who never saw the redactor).

A card counts as caught when its digits no longer appear, in order, among the redacted text's digits (any
Unicode digit read as its value). False positives: negatives where redaction finds a card number.

    .venv/bin/python bench/pii_heldout.py
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.safety.redact import redact  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def _digits(text: str) -> str:
    return "".join(str(unicodedata.digit(c)) for c in text if unicodedata.digit(c, None) is not None)


def evaluate(folder: Path) -> dict[str, object]:
    positives = [json.loads(line) for line in (folder / "positives.jsonl").read_text().splitlines() if line]
    negatives = [json.loads(line) for line in (folder / "negatives.jsonl").read_text().splitlines() if line]
    cards = caught = 0
    misses: list[str] = []
    for case in positives:
        redacted = _digits(redact(case["text"]).redacted)
        for pan in case["pans"]:
            cards += 1
            if pan in redacted:
                misses.append(f"{case.get('form')}: {case['text'][:80]!r}")
            else:
                caught += 1
    false_positives = sum(
        1 for case in negatives if any(f.type == "card_number" for f in redact(case["text"]).findings)
    )
    return {
        "set": folder.name,
        "card recall": f"{caught}/{cards} = {caught / cards:.3f}",
        "card false positives": f"{false_positives}/{len(negatives)}",
        "misses": misses,
    }


def main() -> None:
    for folder in sorted(DATA.glob("pii_heldout_*")):
        result = evaluate(folder)
        recall, false_positives = result["card recall"], result["card false positives"]
        print(f"{result['set']}: card recall {recall}, false positives {false_positives}")
        for miss in result["misses"]:  # type: ignore[attr-defined]
            print("  miss", miss)


if __name__ == "__main__":
    main()
