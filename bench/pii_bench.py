"""Measure PII redaction: recall on a generated development set of card numbers, security codes, IBANs and UK
sort code + account numbers written the ways customers (and a penetration test, issue 11 finding 5) write
them, false positives on generated look-alikes (phone numbers, amounts, dates, references, "card ending
4242"), and false positives on every Banking77 training message. Prints a table and writes
bench/out/pii.json.

    .venv/bin/python bench/pii_bench.py [--n 4000] [--seed 11]

The development set is generated here from a fixed seed; it is not the held-out set someone else evaluates.
An item counts as recalled when its secret can no longer be read from the redacted text, separators dropped
(the PAN's digits; the last seven digits of an IBAN or account; the security code).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stdnum import iban as stdnum_iban

from agents.safety.checksums import luhn_check_digit
from agents.safety.evaluation import load_banking77_texts
from agents.safety.normalise import normalise
from agents.safety.redact import redact

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Item:
    kind: str  # card_number, cvv, iban, uk_account, or "negative"
    form: str
    text: str
    secret: str  # digits (or IBAN characters) that must not be readable afterwards; "" for negatives


# ---------------------------------------------------------------- how a number can be written

SEPARATORS: dict[str, list[str]] = {
    "space": [" "],
    "none": [""],
    "dash": ["-"],
    "dot": ["."],
    "double_space": ["  "],
    "four_spaces": ["    "],
    "newline": ["\n"],
    "tab": ["\t"],
    "slash": [" / "],
    "comma": [", "],
    "em_dash": ["\u2014"],
    "en_dash": ["\u2013"],
    "minus_sign": ["\u2212"],
    "double_hyphen": ["--"],
    "zero_width_space": ["\u200b"],
    "soft_hyphen": ["\u00ad"],
    "ideographic_space": ["\u3000"],
    "full_width_hyphen": ["\uff0d"],
    "nbsp": ["\u00a0"],
    "mixed": [" ", "-", "  ", "\n", " / ", "\u2014", "\u200b"],
}
FULL_WIDTH = str.maketrans({str(d): chr(0xFF10 + d) for d in range(10)})
SUPERSCRIPT = str.maketrans(
    dict(zip("0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", strict=True))
)
ARABIC_INDIC = str.maketrans({str(d): chr(0x0660 + d) for d in range(10)})

# (prefix, lengths, grouping) in the spirit of the schemes' published ranges.
SCHEMES: list[tuple[str, tuple[int, ...]]] = [
    ("4", (16, 13, 19)),  # Visa
    ("51", (16,)),
    ("55", (16,)),
    ("2221", (16,)),  # Mastercard 2-series
    ("34", (15,)),
    ("37", (15,)),  # Amex
    ("6011", (16, 19)),  # Discover
    ("35", (16,)),  # JCB
    ("50", (12, 13, 16, 19)),  # Maestro
    ("6759", (12, 16, 18, 19)),  # Maestro UK
    ("63", (12, 16)),
    ("62", (16, 17, 18, 19)),  # UnionPay
]

CARD_TEMPLATES = [
    "my card number is {x}",
    "{x} is my card",
    "card: {x}",
    "can you check card {x} please",
    "I typed {x} and it failed",
    "my debit card {x} was declined at the shop",
    "is {x} blocked?",
    "hi, card no. {x}, thanks",
    "here: {x}",
    "the number on the front is {x}",
]


def _pan(rng: random.Random) -> str:
    prefix, lengths = rng.choice(SCHEMES)
    length = rng.choice(lengths)
    partial = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return partial + luhn_check_digit(partial)


def _groups(pan: str, rng: random.Random) -> list[str]:
    if len(pan) == 15 and rng.random() < 0.7:
        sizes = [4, 6, 5]
    elif rng.random() < 0.8:
        sizes = [4] * (len(pan) // 4) + ([len(pan) % 4] if len(pan) % 4 else [])
    else:
        sizes = []
        left = len(pan)
        while left > 0:
            size = min(left, rng.randint(3, 6))
            sizes.append(size)
            left -= size
    out, position = [], 0
    for size in sizes:
        out.append(pan[position : position + size])
        position += size
    return out


def _write(digits_groups: list[str], separator_kind: str, rng: random.Random) -> str:
    choices = SEPARATORS[separator_kind]
    text = digits_groups[0]
    for group in digits_groups[1:]:
        text += rng.choice(choices) + group
    return text


def card_items(rng: random.Random, n: int) -> list[Item]:
    items = []
    forms = [*SEPARATORS, "full_width", "superscript", "arabic_indic", "parentheses", "leading_plus"]
    for index in range(n):
        pan = _pan(rng)
        form = forms[index % len(forms)]
        groups = _groups(pan, rng)
        if form == "full_width":
            shown = _write(groups, "space", rng).translate(FULL_WIDTH).replace(" ", "\u3000")
        elif form == "superscript":
            shown = _write(groups, "space", rng).translate(SUPERSCRIPT)
        elif form == "arabic_indic":
            shown = _write(groups, "space", rng).translate(ARABIC_INDIC)
        elif form == "parentheses":
            k = rng.randrange(len(groups))
            shown = _write([f"({g})" if i == k else g for i, g in enumerate(groups)], "space", rng)
        elif form == "leading_plus":
            shown = "+" + _write(groups, "space", rng)
        elif form == "dot" and len(groups) < 3:
            shown = _write(groups, "space", rng)
        else:
            shown = _write(groups, form, rng)
        items.append(Item("card_number", form, rng.choice(CARD_TEMPLATES).format(x=shown), pan))
    return items


def cvv_items(rng: random.Random, n: int) -> list[Item]:
    items = []
    templates = [
        ("after_pan", "card {pan} {cvv}"),
        ("pan_expiry", "{pan} {exp} {cvv}"),
        ("pan_expiry_commas", "{pan}, {exp}, {cvv}"),
        ("pan_exp_word", "my card is {pan} exp {exp} {cvv}"),
        ("expiry_word", "expiry {exp} {cvv}"),
        ("keyword", "the cvv is {cvv}"),
        ("keyword_back", "the 3 digits on the back are {cvv}"),
        ("security_code", "security code: {cvv}"),
    ]
    for index in range(n):
        form, template = templates[index % len(templates)]
        cvv = "".join(rng.choice(string.digits) for _ in range(rng.choice((3, 3, 3, 4))))
        cvv = str(rng.randint(1, 9)) + cvv[1:]
        exp = f"{rng.randint(1, 12):02d}/{rng.randint(25, 32)}"
        pan = " ".join(_groups(_pan(rng), rng))
        items.append(Item("cvv", form, template.format(pan=pan, exp=exp, cvv=cvv), cvv))
    return items


IBAN_BBAN: dict[str, Callable[[random.Random], str]] = {
    "GB": lambda r: (
        "".join(r.choice(string.ascii_uppercase) for _ in range(4))
        + "".join(r.choice(string.digits) for _ in range(14))
    ),
    "DE": lambda r: "".join(r.choice(string.digits) for _ in range(18)),
    "NL": lambda r: (
        "".join(r.choice(string.ascii_uppercase) for _ in range(4))
        + "".join(r.choice(string.digits) for _ in range(10))
    ),
    "FR": lambda r: "".join(r.choice(string.digits) for _ in range(23)),
}


def _iban(rng: random.Random) -> str:
    for _ in range(100):
        country = rng.choice(sorted(IBAN_BBAN))
        bban = IBAN_BBAN[country](rng)
        candidate = country + "00" + bban
        check = stdnum_iban.calc_check_digits(candidate)
        iban = country + check + bban
        if stdnum_iban.is_valid(iban):
            return iban
    raise RuntimeError("could not draw a valid IBAN")


def iban_items(rng: random.Random, n: int) -> list[Item]:
    items = []
    forms = {
        "compact": "",
        "spaced": " ",
        "double_space": "  ",
        "dots": ".",
        "dashes": "-",
        "zero_width": "\u200b",
    }
    names = list(forms)
    for index in range(n):
        iban = _iban(rng)
        form = names[index % len(names)]
        shown = forms[form].join(iban[i : i + 4] for i in range(0, len(iban), 4))
        template = rng.choice(["my IBAN is {x}", "send it to {x} please", "IBAN: {x}", "iban {x}, thanks"])
        items.append(Item("iban", form, template.format(x=shown), iban[-7:]))
    return items


def uk_account_items(rng: random.Random, n: int) -> list[Item]:
    items = []
    forms = {"dashes": "-", "dots": ".", "spaces": " ", "en_dash": "\u2013"}
    names = list(forms)
    templates = [
        "{sort} {acc}",
        "sort code {sort} account {acc}",
        "sort code: {sort}, account number {acc}",
        "account {acc} sort code {sort}",
        "pay {sort} {acc} today",
    ]
    for index in range(n):
        form = names[index % len(names)]
        sort = forms[form].join(f"{rng.randint(0, 99):02d}" for _ in range(3))
        account = f"{rng.randint(10_000_000, 99_999_999)}"
        text = rng.choice(templates).format(sort=sort, acc=account)
        items.append(Item("uk_account", form, text, account))
    return items


def negative_items(rng: random.Random, n: int) -> list[Item]:
    def phone() -> str:
        return rng.choice(
            [
                f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                f"+1 ({rng.randint(200, 999)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
                f"+49 30 {rng.randint(10000000, 99999999)}",
                "+33 1 " + " ".join(f"{rng.randint(10, 99)}" for _ in range(4)),
            ]
        )

    def date() -> str:
        d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2019, 2026)
        return rng.choice([f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y}"])

    def amount() -> str:
        return rng.choice(
            [
                f"£{rng.randint(1, 9999):,}.{rng.randint(0, 99):02d}",
                f"${rng.randint(1, 999)}",
                f"{rng.randint(1, 99_999)}.{rng.randint(0, 99):02d}",
                f"€{rng.randint(1000, 999_999):,}",
            ]
        )

    templates: list[tuple[str, Callable[[], str]]] = [
        ("phone", lambda: f"call me on {phone()} please"),
        ("phone_plain", lambda: f"my number is {phone()}"),
        ("date_range", lambda: f"transactions from {date()} - {date()}"),
        ("date_range_to", lambda: f"between {date()} and {date()}"),
        ("amounts", lambda: f"I paid {amount()} and {amount()} on {date()}"),
        (
            "amount_list",
            lambda: f"top ups of {rng.randint(10, 999)}, {rng.randint(10, 999)} and {rng.randint(10, 999)}",
        ),
        ("card_ending", lambda: f"my card ending {rng.randint(1000, 9999)} was declined on {date()}"),
        ("reference", lambda: f"reference {rng.randint(10**11, 10**12 - 1)}"),
        ("order", lambda: f"order number {rng.randint(10**11, 10**13)}"),
        ("transaction_id", lambda: f"transaction id {rng.randint(10**19, 10**20)}"),
        ("time", lambda: f"at {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} on {date()}"),
        ("account_only", lambda: f"my account number is {rng.randint(10_000_000, 99_999_999)}"),
        ("expiry_alone", lambda: f"my card expires {rng.randint(1, 12):02d}/{rng.randint(25, 32)}"),
        ("decimal", lambda: f"rate {rng.random()}"),
        ("year_amount", lambda: f"in {rng.randint(2015, 2026)} I paid {rng.randint(100, 9999)} pounds"),
    ]
    items = []
    for index in range(n):
        form, make = templates[index % len(templates)]
        items.append(Item("negative", form, make(), ""))
    return items


# ---------------------------------------------------------------- scoring


def _squeezed(text: str) -> str:
    folded = normalise(text).text
    return re.sub(r"(?<=[0-9A-Za-z])[\s\-/,.()+_]+(?=[0-9A-Za-z])", "", folded).upper()


_LABEL = re.compile(r"\[[^\]]*\]")


def recalled(item: Item) -> bool:
    result = redact(item.text)
    if item.kind == "cvv":  # the code's own characters are inside a finding (a CVV, or a longer card)
        start = item.text.rindex(item.secret)
        return any(f.start <= start and start + len(item.secret) <= f.end for f in result.findings)
    return item.secret.upper() not in _squeezed(_LABEL.sub(" ", result.redacted))


def dev_set(n: int, seed: int) -> list[Item]:
    rng = random.Random(seed)
    return [
        *card_items(rng, n),
        *cvv_items(rng, n // 4),
        *iban_items(rng, n // 4),
        *uk_account_items(rng, n // 4),
        *negative_items(rng, n),
    ]


def evaluate(items: list[Item]) -> dict[str, Any]:
    by_kind: dict[str, Counter[str]] = {}
    by_form: dict[str, Counter[str]] = {}
    misses: list[str] = []
    false_positives: list[str] = []
    for item in items:
        if item.kind == "negative":
            findings = redact(item.text).findings
            hit = bool(findings)
            by_kind.setdefault("negative", Counter())["fp" if hit else "ok"] += 1
            by_form.setdefault(f"negative/{item.form}", Counter())["fp" if hit else "ok"] += 1
            if hit:
                false_positives.append(f"{item.form}: {item.text!r} -> {[f.type for f in findings]}")
            continue
        ok = recalled(item)
        by_kind.setdefault(item.kind, Counter())["hit" if ok else "miss"] += 1
        by_form.setdefault(f"{item.kind}/{item.form}", Counter())["hit" if ok else "miss"] += 1
        if not ok:
            misses.append(f"{item.kind}/{item.form}: {item.text!r}")
    positives = [c for k, c in by_kind.items() if k != "negative"]
    hits = sum(c["hit"] for c in positives)
    total = sum(c["hit"] + c["miss"] for c in positives)
    return {
        "recall": hits / total if total else 1.0,
        "positives": total,
        "negatives": sum(by_kind.get("negative", Counter()).values()),
        "negative_false_positives": by_kind.get("negative", Counter())["fp"],
        "by_kind": {k: dict(v) for k, v in by_kind.items()},
        "by_form": {k: dict(v) for k, v in sorted(by_form.items())},
        "misses": misses,
        "false_positives": false_positives,
    }


def banking77(path: Path) -> dict[str, Any]:
    texts = list(load_banking77_texts(path))
    flagged = []
    counts: Counter[str] = Counter()
    for text in texts:
        findings = redact(text).findings
        if findings:
            flagged.append(text)
            counts.update(f.type for f in findings)
    return {
        "n": len(texts),
        "messages_with_findings": len(flagged),
        "by_type": dict(counts),
        "examples": flagged,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=4000, help="card numbers (and look-alikes) to generate")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    report = {
        "dev": evaluate(dev_set(args.n, args.seed)),
        "banking77": banking77(ROOT / "fixtures" / "banking77" / "train.csv"),
    }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pii.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    dev, b77 = report["dev"], report["banking77"]
    print(f"{'metric':<44} {'count':>14} {'value':>9}")
    print(f"{'dev-set PII recall (all kinds)':<44} {dev['positives']:>14} {dev['recall']:>9.4f}")
    for kind, c in dev["by_kind"].items():
        if kind != "negative":
            print(
                f"  {kind:<42} {c.get('hit', 0):>7}/{c.get('hit', 0) + c.get('miss', 0):<6} "
                f"{c.get('hit', 0) / max(1, c.get('hit', 0) + c.get('miss', 0)):>9.4f}"
            )
    print(
        f"{'dev-set look-alike false positives':<44} "
        f"{dev['negative_false_positives']:>7}/{dev['negatives']:<6}"
    )
    print(f"{'banking77 messages with a PII finding':<44} {b77['messages_with_findings']:>7}/{b77['n']:<6}")
    for name, c in dev["by_form"].items():
        bad = c.get("miss", 0) + c.get("fp", 0)
        if bad:
            print(f"  {name:<42} {bad:>7} wrong of {sum(c.values())}")
    for line in dev["misses"][:15]:
        print(f"  miss: {line}")
    for line in dev["false_positives"][:15]:
        print(f"  false positive: {line}")
    for text in b77["examples"][:15]:
        print(f"  banking77 finding: {text}")


if __name__ == "__main__":
    main()
