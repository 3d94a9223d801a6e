"""PII redaction for customer text: card numbers, CVVs, IBANs, UK sort code + account, US SSNs.

Everything here is pure and deterministic. `redact` is what the screening step stores; `contains_full_pan`
is the store's last line of defence; `mask_outbound` is used by the compliance check on drafts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from agents.safety.checksums import iban_is_valid, luhn_is_valid

PII_TYPES = ("card_number", "cvv", "iban", "uk_account", "ssn")


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    redacted: str
    findings: list[Finding]


@dataclass(frozen=True)
class _Match:
    finding: Finding
    replacement: str


# ---------------------------------------------------------------- digit runs (card numbers)

# Digits separated by short spacing, a dash or a dot ("4111 1111-1111.1111", "4111  1111 ...").
# `\d` deliberately includes non-ASCII decimal digits: a PAN typed in full-width digits is still a PAN.
_SEPARATOR = r"(?:[ \t\u00a0\u2009\u202f]{1,3}|[ \t]?[-.\u2010-\u2013_][ \t]?)"
_DIGIT_RUN = re.compile(rf"\d+(?:{_SEPARATOR}\d+)*")
_GROUP = re.compile(r"\d+")

CARD_MIN_DIGITS = 13
CARD_MAX_DIGITS = 19


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    digits: str


def _digit_value(char: str) -> str:
    return str(int(char))


def _groups_in(text: str, start: int, end: int) -> list[list[_Group]]:
    """Split one digit run into segments of groups that may belong to the same number.

    A dot only joins groups of three or more digits, so amounts ("1234.56") and dates ("12.03.2024")
    are not glued into card-length numbers.
    """
    groups = [
        _Group(m.start(), m.end(), "".join(_digit_value(c) for c in m.group()))
        for m in _GROUP.finditer(text, start, end)
    ]
    segments: list[list[_Group]] = [[groups[0]]]
    for previous, current in zip(groups, groups[1:], strict=False):
        separator = text[previous.end : current.start]
        dotted = "." in separator
        if dotted and (len(previous.digits) < 3 or len(current.digits) < 3):
            segments.append([current])
        else:
            segments[-1].append(current)
    return segments


def _card_spans(segment: list[_Group], *, require_luhn: bool) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, digits) of card-like spans made of whole consecutive groups.

    Overlapping candidates are merged into one span: when "4012 8014 172 14 0000 0000 001" holds two
    overlapping Luhn-valid readings, masking both is the only way to be sure no PAN survives. What is
    left outside the spans holds no candidate, so a second pass finds nothing (idempotence).
    """
    candidates: list[tuple[int, int]] = []
    for i in range(len(segment)):
        digits = ""
        for j in range(i, len(segment)):
            digits += segment[j].digits
            if len(digits) > CARD_MAX_DIGITS:
                break
            if len(digits) >= CARD_MIN_DIGITS and _looks_like_card(digits, require_luhn=require_luhn):
                candidates.append((i, j))
    merged: list[tuple[int, int]] = []
    for i, j in sorted(candidates):
        if merged and i <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], j))
        else:
            merged.append((i, j))
    for i, j in merged:
        yield segment[i].start, segment[j].end, "".join(g.digits for g in segment[i : j + 1])


def _looks_like_card(digits: str, *, require_luhn: bool) -> bool:
    # No card scheme issues numbers starting with 0 (ISO/IEC 7812 major industry identifier 0 is
    # unused for cards); this keeps "0044 7700 900123"-style phone numbers out.
    if digits[0] == "0":
        return False
    return luhn_is_valid(digits) if require_luhn else True


def _leading_group_length(run: str) -> int:
    first = _GROUP.match(run)
    return len(first.group()) if first else 0


def _card_matches(text: str, *, require_luhn: bool, label: Callable[[str], str]) -> Iterator[_Match]:
    for run in _DIGIT_RUN.finditer(text):
        if run.start() > 0 and text[run.start() - 1] == "+" and _leading_group_length(run.group()) <= 3:
            continue  # "+44 20 ..." is an international phone number
        for segment in _groups_in(text, run.start(), run.end()):
            for start, end, digits in _card_spans(segment, require_luhn=require_luhn):
                yield _Match(Finding("card_number", start, end), label(digits[-4:]))


# ---------------------------------------------------------------- IBAN

# Lengths from the SWIFT IBAN registry; only registered countries are accepted, so a random
# "AB12..." token cannot pass on mod-97 luck at some arbitrary length.
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})[ \-]?(\d{2})")
_IBAN_BODY_CHAR = re.compile(r"[ \-]?([A-Za-z0-9])")


def _iban_matches(text: str, *, label: Callable[[str], str]) -> Iterator[_Match]:
    for start_match in _IBAN_START.finditer(text):
        country = start_match.group(1).upper()
        length = _IBAN_LENGTHS.get(country)
        if length is None:
            continue
        chars = [country, start_match.group(2)]
        position = start_match.end()
        needed = length - 4
        while needed > 0:
            body = _IBAN_BODY_CHAR.match(text, position)
            if body is None:
                break
            chars.append(body.group(1).upper())
            position = body.end()
            needed -= 1
        if needed or (position < len(text) and text[position].isalnum()):
            continue
        candidate = "".join(chars)
        if iban_is_valid(candidate):
            yield _Match(Finding("iban", start_match.start(), position), label(candidate[-4:]))


# ---------------------------------------------------------------- UK sort code + account number

_SORT_CODE_WORD = r"(?:sort[\s-]?code|s/c|sc)"
_ACCOUNT_WORD = r"(?:account|acct|acc|a/c)(?:\s*(?:number|num|no\.?|#))?"
_SORT_FORMATTED = r"\d{2}[-\s]\d{2}[-\s]\d{2}"
_ACCOUNT = r"(?P<account>\d{8})"
# Words allowed between the two numbers: ", account number:", " and my acc no ", " / ".
_GAP = rf"[\s,;:/&]*(?:(?:and|my|the|with|is)\s+)*(?:{_ACCOUNT_WORD})?[\s,;:#/]*(?:is\s+)?"
_UK_ACCOUNT_PATTERNS = (
    # "20-00-00 12345678", "20 00 00, account 12345678"
    re.compile(rf"(?<![\d-])(?P<sort>{_SORT_FORMATTED})(?!\d){_GAP}{_ACCOUNT}(?!\d)", re.IGNORECASE),
    # "sort code 200000 account 12345678"
    re.compile(
        rf"{_SORT_CODE_WORD}\s*(?:is\s+)?[:#]?\s*(?P<sort>\d{{6}}|{_SORT_FORMATTED})(?!\d){_GAP}{_ACCOUNT}(?!\d)",
        re.IGNORECASE,
    ),
    # "account 12345678 sort code 200000" (either order)
    re.compile(
        rf"(?<!\d){_ACCOUNT}[\s,;:/&]*(?:(?:and|my|the|with)\s+)*{_SORT_CODE_WORD}\s*(?:is\s+)?[:#]?\s*"
        rf"(?P<sort>\d{{6}}|{_SORT_FORMATTED})(?![\d])",
        re.IGNORECASE,
    ),
)


def _uk_account_matches(text: str, *, label: Callable[[str], str]) -> Iterator[_Match]:
    for pattern in _UK_ACCOUNT_PATTERNS:
        for m in pattern.finditer(text):
            start = min(m.start("sort"), m.start("account"))
            end = max(m.end("sort"), m.end("account"))
            pieces = sorted(
                [
                    (m.start("sort"), m.end("sort"), "[sort code removed]"),
                    (m.start("account"), m.end("account"), label(m.group("account")[-4:])),
                ]
            )
            replacement = (
                pieces[0][2] + text[pieces[0][1] : pieces[1][0]] + pieces[1][2]
            )  # keep the words between the two numbers
            yield _Match(Finding("uk_account", start, end), replacement)


# ---------------------------------------------------------------- US SSN

_SSN_CONTEXT = r"(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?|ss\s*#)"
_SSN_DASHED = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])")
_SSN_IN_CONTEXT = re.compile(
    rf"{_SSN_CONTEXT}\W{{0,12}}?(?:is\s+)?(?<![\d-])(\d{{3}})[ .]?(\d{{2}})[ .]?(\d{{4}})(?![\d-])",
    re.IGNORECASE,
)
# Publicly burned numbers the SSA never issues to anyone (Woolworth wallet card, 1962 ad).
_SSN_BURNED = frozenset({"078051120", "219099999"})


def ssn_is_valid(area: str, group: str, serial: str) -> bool:
    """SSA rules: no 000/666/9xx area, no 00 group, no 0000 serial, not a publicly burned number."""
    if area in ("000", "666") or area.startswith("9"):
        return False
    if group == "00" or serial == "0000":
        return False
    return area + group + serial not in _SSN_BURNED


def _ssn_matches(text: str) -> Iterator[_Match]:
    for pattern in (_SSN_DASHED, _SSN_IN_CONTEXT):
        for m in pattern.finditer(text):
            if ssn_is_valid(m.group(1), m.group(2), m.group(3)):
                yield _Match(Finding("ssn", m.start(1), m.end(3)), "[SSN removed]")


# ---------------------------------------------------------------- CVV

_CVV_WORD = (
    r"(?:cvv2?|cvc2?|cv2|csc|cid|card\s+verification(?:\s+(?:value|code|number))?"
    r"|security\s+(?:code|number|digits)"
    r"|(?:\d|three|four|3|4)?\s*(?:digits?|numbers?)\s+(?:on|at)\s+the\s+back(?:\s+of\s+(?:the|my)\s+card)?)"
)
# The gap after the keyword may not contain digits or our own mask brackets, which keeps the
# pattern from reaching an unrelated number later in the sentence and keeps redaction idempotent.
_CVV_AFTER = re.compile(
    rf"(?<![\[\w]){_CVV_WORD}(?P<gap>[^\d\[\]\n]{{0,18}}?)(?<![£$€])(?P<code>\d{{3,4}})(?![\d,.]?\d)"
    r"(?!\s*(?:%|pounds?|gbp|usd|eur|euros?|dollars?|p\b|minutes?|mins?|hours?|days?|times?))",
    re.IGNORECASE,
)
_CVV_BEFORE = re.compile(
    rf"(?<![\d£$€.,])(?P<code>\d{{3,4}})(?!\d)\s+(?:is|=|are)\s+(?:my|the)\s+{_CVV_WORD}",
    re.IGNORECASE,
)
_CVV_GAP_STOPWORDS = re.compile(r"\b(?:pounds?|paid|pay|amount|charged?|fee|balance|£|\$|€)\b", re.IGNORECASE)


def _cvv_matches(text: str) -> Iterator[_Match]:
    for m in _CVV_AFTER.finditer(text):
        if _CVV_GAP_STOPWORDS.search(m.group("gap")) or m.group("gap").rstrip().endswith(("£", "$", "€")):
            continue
        yield _Match(Finding("cvv", m.start("code"), m.end("code")), "[CVV removed]")
    for m in _CVV_BEFORE.finditer(text):
        yield _Match(Finding("cvv", m.start("code"), m.end("code")), "[CVV removed]")


# ---------------------------------------------------------------- assembly


def _resolve(matches: list[_Match]) -> list[_Match]:
    """Keep non-overlapping matches; earlier (higher priority) detectors win ties.

    Exception: a card number that reaches beyond the findings it overlaps replaces them, because
    keeping the other finding would leave some of the card's digits in the clear.
    """
    chosen: list[_Match] = []
    for match in matches:
        f = match.finding
        clashes = [c for c in chosen if not (f.end <= c.finding.start or f.start >= c.finding.end)]
        if not clashes:
            chosen.append(match)
        elif f.type == "card_number" and not any(
            c.finding.start <= f.start and f.end <= c.finding.end for c in clashes
        ):
            chosen = [c for c in chosen if c not in clashes] + [match]
    return sorted(chosen, key=lambda m: m.finding.start)


def _apply(text: str, matches: list[_Match]) -> str:
    parts: list[str] = []
    cursor = 0
    for match in matches:
        parts.append(text[cursor : match.finding.start])
        parts.append(match.replacement)
        cursor = match.finding.end
    parts.append(text[cursor:])
    return "".join(parts)


def _stored_label(kind: str) -> Callable[[str], str]:
    return lambda last_four: f"[{kind} ending {last_four}]"


def redact(text: str) -> Redaction:
    """Mask PII in customer text; findings carry offsets into `text`."""
    # Priority order matters for overlaps: a "20-00-00 12345678" is a sort code and account,
    # never a 14-digit card; an IBAN's digits are never a card either.
    matches = [
        *_uk_account_matches(text, label=_stored_label("account")),
        *_iban_matches(text, label=_stored_label("IBAN")),
        *_ssn_matches(text),
        *_card_matches(text, require_luhn=True, label=_stored_label("card")),
        *_cvv_matches(text),
    ]
    chosen = _resolve(matches)
    return Redaction(_apply(text, chosen), [m.finding for m in chosen])


def contains_full_pan(text: str) -> bool:
    """True when any Luhn-valid 13-19 digit card number (in any spacing) is present."""
    return any(True for _ in _card_matches(text, require_luhn=True, label=_stored_label("card")))


# ---------------------------------------------------------------- outbound drafts

_ACCOUNT_CONTEXT = re.compile(r"\b(?:account|acct|acc|a/c)\b", re.IGNORECASE)
_EIGHT_DIGITS = re.compile(r"(?<![\d\w])\d{8}(?![\d\w])")
_ACCOUNT_CONTEXT_WINDOW = 40


def _outbound_label(last_four: str) -> str:
    return f"****{last_four}"


def _outbound_account_matches(text: str) -> Iterator[_Match]:
    for m in _EIGHT_DIGITS.finditer(text):
        before = text[max(0, m.start() - _ACCOUNT_CONTEXT_WINDOW) : m.start()]
        after = text[m.end() : m.end() + 20]
        if _ACCOUNT_CONTEXT.search(before) or _ACCOUNT_CONTEXT.search(after):
            yield _Match(Finding("uk_account", m.start(), m.end()), _outbound_label(m.group()[-4:]))


def mask_outbound(text: str) -> tuple[str, list[Finding]]:
    """Mask any card-length number (Luhn or not) and any account number or IBAN to its last four."""
    matches = [
        *_iban_matches(text, label=_outbound_label),
        *_card_matches(text, require_luhn=False, label=_outbound_label),
        *_outbound_account_matches(text),
    ]
    chosen = _resolve(matches)
    return _apply(text, chosen), [m.finding for m in chosen]
