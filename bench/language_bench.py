"""Measure language detection: English messages read as foreign (Banking77 train; the SGD bank dialogues'
user turns when the shared data is there), accuracy on fixtures/safety/language_cases.txt, the detector's
build time (on first use, in a fresh process) and the time per message. Prints a table and writes
bench/out/language.json.

    .venv/bin/python bench/language_bench.py [--data /work/shared/data]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from agents.safety.evaluation import load_banking77_texts, load_labelled_lines
from agents.safety.language import ENGLISH, detect_language

ROOT = Path(__file__).resolve().parent.parent


def _sgd_user_turns(data: Path) -> list[str]:
    path = data / "sgd_banks" / "dialogues_banks.json"
    if not path.exists():
        return []
    dialogues = json.loads(path.read_text(encoding="utf-8"))
    return [t["utterance"] for d in dialogues for t in d["turns"] if t["speaker"] == "USER"]


def _english_false_positives(texts: list[str]) -> dict[str, Any]:
    foreign = [(t, lang) for t in texts if (lang := detect_language(t)) not in (None, ENGLISH)]
    return {"messages": len(texts), "read_as_foreign": len(foreign), "examples": foreign[:10]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    args = parser.parse_args()

    started = time.perf_counter()
    detect_language("warm up: the detector is built on first use")
    build_s = time.perf_counter() - started

    cases = load_labelled_lines(ROOT / "fixtures" / "safety" / "language_cases.txt")
    wrong = [
        (c.label, got, c.text)
        for c in cases
        if (got := detect_language(c.text)) != c.label and not (c.label == ENGLISH and got is None)
    ]
    banking77 = list(load_banking77_texts(ROOT / "fixtures" / "banking77" / "train.csv"))
    timings = []
    for text in banking77 + [c.text for c in cases]:
        t0 = time.perf_counter()
        detect_language(text)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    result: dict[str, Any] = {
        "build_s_first_use": round(build_s, 3),
        "ms_per_message": {
            "median": round(statistics.median(timings), 3),
            "p95": round(timings[int(len(timings) * 0.95)], 3),
            "max": round(timings[-1], 3),
        },
        "cases": {"total": len(cases), "wrong": len(wrong), "examples": wrong},
        "banking77_english": _english_false_positives(banking77),
        "sgd_bank_user_turns_english": _english_false_positives(_sgd_user_turns(args.data)),
    }
    out = ROOT / "bench" / "out" / "language.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"detector built on first use in {result['build_s_first_use']} s")
    print("ms per message: " + ", ".join(f"{k} {v}" for k, v in result["ms_per_message"].items()))
    print(f"labelled cases: {len(cases) - len(wrong)}/{len(cases)} right")
    for name in ("banking77_english", "sgd_bank_user_turns_english"):
        figures = result[name]
        print(f"{name}: {figures['read_as_foreign']} of {figures['messages']} read as foreign")


if __name__ == "__main__":
    main()
