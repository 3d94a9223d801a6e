"""PII redaction for customer text: card numbers, CVVs, IBANs, UK sort code + account, US SSNs.

Detection runs on normalised text (agents.safety.normalise) so a number written in full-width or
superscript digits, with zero-width characters, soft hyphens, em dashes, minus signs, parentheses or any
run of whitespace between its groups is still found; findings map back to the raw characters.

Everything here is pure and deterministic. `redact` is what the screening step stores; `contains_full_pan`
is the store's last line of defence; `mask_outbound` is used by the compliance check on drafts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from agents.safety.checksums import iban_is_valid, luhn_is_valid
from agents.safety.normalise import Normalised, fold, normalise

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
    """A finding and what replaces it: (start, end, replacement) parts inside the finding's span; text
    of the span outside the parts is kept (the words between a sort code and an account number)."""

    finding: Finding
    parts: tuple[tuple[int, int, str], ...]

    @classmethod
    def single(cls, finding: Finding, replacement: str) -> _Match:
        return cls(finding, ((finding.start, finding.end, replacement),))


# ---------------------------------------------------------------- digit runs (card numbers)

# Everything below runs on normalised text (agents.safety.normalise): ASCII digits, "-" for every dash,
# no invisible characters. Digit groups are joined by any run of whitespace, dashes, slashes, commas, dots,
# parentheses or underscores ("4111 / 1111", "4111, 1111", "(4111) 1111", "4111--1111", "4111\n1111").
# Any other mark that is neither a letter nor a currency sign ("6244\\3058", "4861*8958", "6282;0959",
# "3791|599179", "«2657»«4307»", "6011•2375", "card=4480+5434") separates groups too, as a weak mark.
# Square brackets are not: they close the masks redaction writes ("[card ending 2034]"), and a mask
# followed by digits must never read as a new number.
_SEPARATOR_OTHER_THAN_UNDERSCORE = r"[^\w£$€¥₹¢%&@\[\]]"
_SEPARATOR = rf"(?:{_SEPARATOR_OTHER_THAN_UNDERSCORE}|_)"
_DIGIT_RUN = re.compile(rf"\d+(?:{_SEPARATOR}+\d+)*")
_GROUP = re.compile(r"\d+")
# A separator with more punctuation than this ("4111 ---- .. 1111") is text, not spacing inside a number.
_MAX_SEPARATOR_MARKS = 4
# Marks that only ever space the groups of a number. Any other mark also writes amounts, dates, times and
# lists ("1,300.00", "12.03.2024", "12/27", "20, 50", "10:30", "3;4") and is weak: it joins only groups of
# three digits or more.
_STRONG_MARKS = frozenset("-()_")

# ISO/IEC 7812: a card number (PAN) has 12 to 19 digits (Maestro issues 12-digit cards).
CARD_MIN_DIGITS = 12
CARD_MAX_DIGITS = 19
# Never cards: canonical UUIDs and hexadecimal tokens of 32 characters or more (hashes, ids). One hex
# character in 1.6 is a digit, so a sha256 holds a 12-digit stretch about once in six, and such a stretch
# passes Luhn one time in ten. (Random base64 almost never holds 12 digits in a row.)
_OPAQUE_TOKEN = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{32,})(?![0-9A-Za-z])"
)
# A short card-length number (12-15 digits) right after one of these words is a phone number or a
# reference, not a card; 16 digits and more are always treated as a card.
_NOT_A_CARD_BEFORE = re.compile(
    r"(?:\b(?:ref(?:erence)?|order|tracking|invoice|ticket|case|phone|tel|telephone|mobile|call(?:\s+me)?"
    r"|whatsapp|text\s+me|fax|transaction\s+(?:id|number|no))\b[\s\w.#:/-]{0,12}?)$",
    re.IGNORECASE,
)
_SHORT_CARD_MAX_DIGITS = 15
_DATE_GROUPS = re.compile(r"(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])")


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    digits: str


def _separator_breaks(separator: str, previous: str, current: str) -> bool:
    marks = [c for c in separator if not c.isspace()]
    if len(marks) > _MAX_SEPARATOR_MARKS:
        return True
    if any(m not in _STRONG_MARKS for m in marks) and (len(previous) < 3 or len(current) < 3):
        return True  # "1234.56", "12.03.2024", "12/27", "1, 2, 3"
    # "1,300" or "123,456": a thousands separator
    return separator == "," and len(current) == 3


def _short_tail(groups: list[_Group], separators: list[str], k: int) -> bool:
    """A short last group after two long ones or more, all with the same weak separator, belongs to them:
    "4539, 5229, 8170, 6" and "5137.9515.4038.9664.4" are 13- and 17-digit card numbers, not a list."""
    if k < 2 or len(groups[k].digits) >= 3 or (k + 1 < len(groups) and separators[k] == separators[k - 1]):
        return False
    same = separators[k - 1] == separators[k - 2]
    if same and all(len(g.digits) >= 3 for g in groups[k - 2 : k]):
        return True
    # "5865 9828-5369.08": a short group after a point, ending a run of three or more groups of four (the
    # way cards are printed), is the card's last group, not the cents of an amount.
    return (
        k == len(groups) - 1
        and k >= 3
        and separators[k - 1] == "."
        and all(len(g.digits) == 4 for g in groups[k - 3 : k])
    )


def _digit_by_digit(groups: list[_Group], separators: list[str]) -> set[int]:
    """Indexes k whose group joins the one before it because both are single digits in a stretch of 12 or
    more written the same way ("6,0,1,1,3,8,...", "3.5.4.9.9..."): a card read out one digit at a time."""
    joined: set[int] = set()
    k = 1
    while k < len(groups):
        if len(groups[k - 1].digits) != 1 or len(groups[k].digits) != 1:
            k += 1
            continue
        end = k
        while (
            end + 1 < len(groups)
            and len(groups[end + 1].digits) == 1
            and separators[end] == separators[k - 1]
        ):
            end += 1
        if end - k + 2 >= CARD_MIN_DIGITS and all(
            separators[i] == separators[k - 1] for i in range(k - 1, end)
        ):
            joined.update(range(k, end + 1))
        k = end + 1
    return joined


def _reads_as_card(groups: list[_Group], first: int, last: int, *, ending: bool) -> bool:
    """Whether consecutive groups from ``first`` to ``last`` hold a Luhn-valid card number (``ending``:
    one that ends with group ``last``)."""
    for i in range(first, last + 1):
        for j in [last] if ending else range(i, last + 1):
            digits = "".join(g.digits for g in groups[i : j + 1])
            if (
                CARD_MIN_DIGITS <= len(digits) <= CARD_MAX_DIGITS
                and digits[0] != "0"
                and luhn_is_valid(digits)
            ):
                return True
    return False


def _ends_a_card(groups: list[_Group], first: int, month: int) -> bool:
    """Whether what looks like an expiry month is the end of the card before it: "1 0 0 0 0000000000 08 /00"
    holds no card without its "08", and one with it. A card already whole without it keeps the month apart."""
    return _reads_as_card(groups, first, month, ending=True) and not _reads_as_card(
        groups, first, month - 1, ending=False
    )


def _is_expiry(text: str, month: _Group, year: _Group) -> bool:
    separator = text[month.end : year.start].strip()
    return (
        separator == "/"
        and len(month.digits) == 2
        and 1 <= int(month.digits) <= 12
        and len(year.digits) in (2, 4)
    )


def _groups_in(text: str, start: int, end: int) -> list[list[_Group]]:
    """Split one digit run into segments of groups that may belong to the same number.

    Weak separators (dot, comma, slash) only join groups of three or more digits, so amounts ("1234.56"),
    dates ("12.03.2024"), expiry dates ("12/27") and short lists are not glued into card-length numbers;
    an expiry date and an ISO date ("2024-03-12") are segments of their own; decimal numbers are dropped.
    """
    groups = [_Group(m.start(), m.end(), m.group()) for m in _GROUP.finditer(text, start, end)]
    separators = [text[a.end : b.start] for a, b in zip(groups, groups[1:], strict=False)]
    breaks = {0}
    spelt = _digit_by_digit(groups, separators)
    for k in range(1, len(groups)):
        previous, current = groups[k - 1], groups[k]
        if k in spelt:
            continue
        if _separator_breaks(separators[k - 1], previous.digits, current.digits) and not _short_tail(
            groups, separators, k
        ):
            breaks.add(k)
            if _is_expiry(text, previous, current) and not _ends_a_card(groups, max(breaks - {k}), k - 1):
                breaks.add(k - 1)
    for date in _DATE_GROUPS.finditer(text, start, end):
        inside = [k for k, g in enumerate(groups) if date.start() <= g.start and g.end <= date.end()]
        if (
            len(inside) == 3
            and groups[inside[0]].start == date.start()
            and groups[inside[-1]].end == date.end()
        ):
            breaks.update({inside[0], inside[-1] + 1})
    cuts = sorted(b for b in breaks if b < len(groups))
    segments = [groups[a:b] for a, b in zip(cuts, [*cuts[1:], len(groups)], strict=True)]
    return [segment for segment in segments if not _is_decimal(text, segment)]


def _is_decimal(text: str, segment: list[_Group]) -> bool:
    """A decimal number is no card: "1732800000.123456" (one bare point or comma between two groups), or
    the fraction of "0.20930231772277638" on its own (a model's confidence in a JSON payload)."""
    first = segment[0]
    if len(segment) == 2 and text[first.end : segment[1].start] in (".", ","):
        # "675985.5295932173468" is a card written with a point after its 6-digit issuer number: an amount
        # has at most a few decimals, a timestamp or a ratio a longer or a tiny whole part.
        whole, fraction = len(first.digits), len(segment[1].digits)
        return not (4 <= whole <= 8 and fraction >= 4)
    after_point = first.start >= 2 and text[first.start - 1] in ".," and text[first.start - 2].isdigit()
    return len(segment) == 1 and after_point


def _card_spans(
    text: str, segment: list[_Group], *, require_luhn: bool, after_plus: bool
) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, digits) of card-like spans made of whole consecutive groups.

    Overlapping candidates are merged into one span: when "4012 8014 172 14 0000 0000 001" holds two
    overlapping Luhn-valid readings, masking both is the only way to be sure no PAN survives. What is
    left outside the spans holds no candidate, so a second pass finds nothing (idempotence).
    """
    candidates: list[tuple[int, int]] = []
    for i in range(len(segment)):
        # "+44 20 7946 0958": a country code of 1-3 digits after "+" starts a phone number (at most 15
        # digits, E.164), never a card.
        phone = after_plus and i == 0 and len(segment[0].digits) <= 3
        digits = ""
        for j in range(i, len(segment)):
            digits += segment[j].digits
            if len(digits) > CARD_MAX_DIGITS:
                break
            if len(digits) < CARD_MIN_DIGITS or (phone and len(digits) <= 15):
                continue
            if len(digits) <= _SHORT_CARD_MAX_DIGITS and _NOT_A_CARD_BEFORE.search(
                text, max(0, segment[i].start - 40), segment[i].start
            ):
                continue
            if _looks_like_card(digits, require_luhn=require_luhn):
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
    # Outbound drafts also mask any 13-19 digit number, Luhn-valid or not.
    return luhn_is_valid(digits) or (not require_luhn and len(digits) > CARD_MIN_DIGITS)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in a "+" before the number and a parenthesis the span would otherwise leave unpaired."""
    span = text[start:end]
    if start > 0 and text[start - 1] == "(" and span.count(")") > span.count("("):
        start -= 1
    if end < len(text) and text[end] == ")" and span.count("(") > span.count(")"):
        end += 1
    if start > 0 and text[start - 1] == "+":
        start -= 1
    return start, end


def _without_opaque_tokens(text: str) -> str:
    # An opaque token lies inside a stretch of 32 or more letters, digits and hyphens, and such a stretch is
    # bounded by characters that are neither, as the token's own look-arounds ask: the token pattern runs
    # only inside those stretches (a JSON audit payload of 30 kB has a few dozen), with the same result.
    return _TOKEN_STRETCH.sub(lambda s: _OPAQUE_TOKEN.sub(_crossed_out, s.group()), text)


def _crossed_out(match: re.Match[str]) -> str:
    return "x" * len(match.group())


_TOKEN_STRETCH = re.compile(r"[0-9A-Za-z-]{32,}")


def _digit_count(text: str) -> int:
    """How many characters of ``text`` are digits; ten C-level counts for ASCII text, where only 0-9 are
    digits (a Python loop over the characters was most of the card-number guard's cost on long payloads)."""
    if text.isascii():
        return sum(map(text.count, "0123456789"))
    return sum(c.isdigit() for c in text)


# CARD_MIN_DIGITS digits joined by separators only: found exactly where a digit run (_DIGIT_RUN) with that
# many digits starts, since a run is the digits so joined. Separators are never digits, so the possessive
# quantifier changes nothing but the backtracking. It reads text whose underscores were made spaces (both
# are separators, and one class is faster than _SEPARATOR's alternation).
_CARD_LENGTH_RUN = re.compile(rf"\d(?:{_SEPARATOR_OTHER_THAN_UNDERSCORE}*+\d){{{CARD_MIN_DIGITS - 1}}}")


def _card_length_runs(text: str) -> Iterator[re.Match[str]]:
    """The digit runs of ``text`` with enough digits for a card, as ``_DIGIT_RUN.finditer`` finds them,
    without visiting the hundreds of short ones (amounts, dates) a JSON payload holds."""
    position, spaced = 0, text.replace("_", " ")
    while (start := _CARD_LENGTH_RUN.search(spaced, position)) is not None:
        run = _DIGIT_RUN.match(text, start.start())
        assert run is not None  # a digit starts it
        yield run
        position = run.end()


def _card_matches(text: str, *, require_luhn: bool, label: Callable[[str], str]) -> Iterator[_Match]:
    searchable = _without_opaque_tokens(text)
    for run in _card_length_runs(searchable):
        k = run.start()  # is the run after a "+" (spaces and an opening parenthesis between them)?
        while k > 0 and searchable[k - 1] in "( ":
            k -= 1
        after_plus = k > 0 and searchable[k - 1] == "+"
        for segment in _groups_in(searchable, run.start(), run.end()):
            plus = after_plus and segment[0].start == run.start()
            for start, end, digits in _card_spans(
                searchable, segment, require_luhn=require_luhn, after_plus=plus
            ):
                start, end = _widen(text, start, end)
                yield _Match.single(Finding("card_number", start, end), label(digits[-4:]))


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
# Spaces (one or several), dashes or dots between the characters: "GB82  WEST", "GB82.WEST.1234".
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})[ \-.]{0,3}(\d{2})")
_IBAN_BODY_CHAR = re.compile(r"[ \-.]{0,3}([A-Za-z0-9])")


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
            yield _Match.single(Finding("iban", start_match.start(), position), label(candidate[-4:]))


# ---------------------------------------------------------------- UK sort code + account number

_SORT_CODE_WORD = r"(?:sort[\s-]?code|s/c|sc)"
_ACCOUNT_WORD = r"(?:account|acct|acc|a/c)(?:\s*(?:number|num|no\.?|#))?"
_SORT_FORMATTED = r"\d{2}[-.\s]{1,3}\d{2}[-.\s]{1,3}\d{2}"  # "20-00-00", "20.00.00", "20 00 00"
_ACCOUNT = r"(?P<account>\d{8})"
# Words allowed between the two numbers: ", account number:", " and my acc no ", " / ".
_GAP = rf"[\s,;:/&]*(?:(?:and|my|the|with|is)\s+)*(?:{_ACCOUNT_WORD})?[\s,;:#/]*(?:is\s+)?"
_UK_ACCOUNT_PATTERNS = (
    # "20-00-00 12345678", "20 00 00, account 12345678"
    re.compile(rf"(?<![\d.-])(?P<sort>{_SORT_FORMATTED})(?!\d){_GAP}{_ACCOUNT}(?!\d)", re.IGNORECASE),
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


def _uk_account_matches(
    text: str, *, label: Callable[[str], str], keep: frozenset[str] = frozenset()
) -> Iterator[_Match]:
    for pattern in _UK_ACCOUNT_PATTERNS:
        for m in pattern.finditer(text):
            if m.group("account") in keep:
                continue
            start = min(m.start("sort"), m.start("account"))
            end = max(m.end("sort"), m.end("account"))
            parts = sorted(
                [
                    (m.start("sort"), m.end("sort"), "[sort code removed]"),
                    (m.start("account"), m.end("account"), label(m.group("account")[-4:])),
                ]
            )  # the words between the two numbers are kept
            yield _Match(Finding("uk_account", start, end), tuple(parts))


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
                yield _Match.single(Finding("ssn", m.start(1), m.end(3)), "[SSN removed]")


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
_CVV_LABEL = "[CVV removed]"
_NOT_A_CODE_AFTER = (
    r"(?![\d,.]?\d)(?!\s*(?:%|pounds?|gbp|usd|eur|euros?|dollars?|p\b|minutes?|mins?|hours?|days?|times?))"
)
_EXPIRY = r"(?:0[1-9]|1[0-2])\s?/\s?(?:20)?\d\d(?![\d/])"
_EXPIRY_WORD = r"(?:exp(?:iry|ires|iration)?(?:\s+date)?|valid\s+(?:thru|through|until|to)|end\s+date)"
_CODE_WORD = r"(?:cvv2?|cvc2?|cv2|csc|cid|code|security\s+code)"
_AFTER_CARD = re.compile(
    rf"[\s,;:/\-)]*(?:{_EXPIRY_WORD}\W{{0,3}})?(?:{_EXPIRY}[\s,;:\-]*)?(?:{_CODE_WORD}\W{{0,3}})?"
    rf"(?P<code>\d{{3,4}}){_NOT_A_CODE_AFTER}",
    re.IGNORECASE,
)
_EXPIRY_THEN_CODE = re.compile(
    rf"(?<![\d/.\-])(?:{_EXPIRY_WORD}\W{{0,3}})?{_EXPIRY}[\s,;:\-]*(?:{_CODE_WORD}\W{{0,3}})?"
    rf"(?P<code>\d{{3,4}}){_NOT_A_CODE_AFTER}",
    re.IGNORECASE,
)
_EXPIRY_AS_DATE = re.compile(r"\b(?:on|since|from|by|dated|before|after|until|till)\s*$", re.IGNORECASE)
_CVV_GAP_STOPWORDS = re.compile(r"\b(?:pounds?|paid|pay|amount|charged?|fee|balance|£|\$|€)\b", re.IGNORECASE)


def _cvv_matches(text: str) -> Iterator[_Match]:
    for m in _CVV_AFTER.finditer(text):
        if _CVV_GAP_STOPWORDS.search(m.group("gap")) or m.group("gap").rstrip().endswith(("£", "$", "€")):
            continue
        yield _Match.single(Finding("cvv", m.start("code"), m.end("code")), _CVV_LABEL)
    for m in _CVV_BEFORE.finditer(text):
        yield _Match.single(Finding("cvv", m.start("code"), m.end("code")), _CVV_LABEL)
    for m in _EXPIRY_THEN_CODE.finditer(text):
        if _EXPIRY_AS_DATE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "on 12/03 150": a day, not an expiry date
        yield _Match.single(Finding("cvv", m.start("code"), m.end("code")), _CVV_LABEL)


def _cvv_after_cards(text: str, cards: list[_Match]) -> Iterator[_Match]:
    """3-4 digits right after a card number (an expiry date between them allowed) are its security code,
    keyword or not: "4111 1111 1111 1111 12/27 123"."""
    for card in cards:
        m = _AFTER_CARD.match(text, card.finding.end)
        if m:
            yield _Match.single(Finding("cvv", m.start("code"), m.end("code")), _CVV_LABEL)


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
        for start, end, replacement in match.parts:
            parts.append(text[cursor:start])
            parts.append(replacement)
            cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def _to_raw(normalised: Normalised, matches: list[_Match]) -> list[_Match]:
    """The same matches with offsets into the raw text the normalised text came from."""
    raw: list[_Match] = []
    for match in matches:
        f = match.finding
        start, end = normalised.raw_span(f.start, f.end)
        parts = tuple((*normalised.raw_span(a, b), replacement) for a, b, replacement in match.parts)
        raw.append(_Match(Finding(f.type, start, end), parts))
    return raw


def _stored_label(kind: str) -> Callable[[str], str]:
    return lambda last_four: f"[{kind} ending {last_four}]"


def redact(text: str, *, own_accounts: Iterable[str] = ()) -> Redaction:
    """Mask PII in customer text; findings carry offsets into `text`.

    Detection runs on the normalised text (NFKC, every decimal digit in ASCII, invisible characters
    dropped, every dash a "-"), and each finding replaces exactly the raw characters it came from.

    ``own_accounts``: for the assistant's reply only, the signed-in customer's own account numbers, read from
    the bank: a reply that gives the customer their own sort code and account number keeps them.
    """
    normalised = normalise(text)
    folded = normalised.text
    cards = list(_card_matches(folded, require_luhn=True, label=_stored_label("card")))
    # Priority order matters for overlaps: a "20-00-00 12345678" is a sort code and account,
    # never a 14-digit card; an IBAN's digits are never a card either.
    matches = [
        *_uk_account_matches(folded, label=_stored_label("account"), keep=frozenset(own_accounts)),
        *_iban_matches(folded, label=_stored_label("IBAN")),
        *_ssn_matches(folded),
        *cards,
        *_cvv_matches(folded),
        *_cvv_after_cards(folded, cards),
    ]
    chosen = _to_raw(normalised, _resolve(matches))
    return Redaction(_apply(text, chosen), [m.finding for m in chosen])


def contains_full_pan(text: str) -> bool:
    """True when any Luhn-valid 12-19 digit card number is present, written in any of the forms `redact`
    recognises (same normalisation, same separators): the stores' last line of defence."""
    if text.isascii() and _digit_count(text) < CARD_MIN_DIGITS:
        return False  # ASCII text folds to itself (less any markup): fewer digits than a card has
    folded = fold(text)
    return any(True for _ in _card_matches(folded, require_luhn=True, label=_stored_label("card")))


_NO_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def letters_digest(text: str, length: int) -> str:
    """A SHA-256 fingerprint of `text`, `length` characters, spelt in the letters a-p instead of hex.

    A hex digest holds a Luhn-valid run of twelve or more digits about once in 500 times (20 characters);
    such a run reads as a card number to `contains_full_pan` and to any scanner downstream, so a stored key
    was refused and a page's version tripped the card-number check. Letters never read as a card number.
    """
    return hashlib.sha256(text.encode()).hexdigest()[:length].translate(_NO_DIGITS)


# ---------------------------------------------------------------- outbound drafts

_ACCOUNT_CONTEXT = re.compile(r"\b(?:account|acct|acc|a/c)\b", re.IGNORECASE)
_EIGHT_DIGITS = re.compile(r"(?<![\d\w])\d{8}(?![\d\w])")
_ACCOUNT_CONTEXT_WINDOW = 40


def _outbound_label(last_four: str) -> str:
    return f"****{last_four}"


def _outbound_account_matches(text: str, allowed: frozenset[str] = frozenset()) -> Iterator[_Match]:
    for m in _EIGHT_DIGITS.finditer(text):
        if m.group() in allowed:
            continue
        before = text[max(0, m.start() - _ACCOUNT_CONTEXT_WINDOW) : m.start()]
        after = text[m.end() : m.end() + 20]
        if _ACCOUNT_CONTEXT.search(before) or _ACCOUNT_CONTEXT.search(after):
            yield _Match.single(Finding("uk_account", m.start(), m.end()), _outbound_label(m.group()[-4:]))


def mask_outbound(text: str, *, own_accounts: Iterable[str] = ()) -> tuple[str, list[Finding]]:
    """Mask any card-length number (Luhn or not) and any account number or IBAN to its last four.

    ``own_accounts`` are the signed-in customer's own account numbers, read from the bank (never from a model
    or the customer's words): shown in full when the reply gives them their own details."""
    normalised = normalise(text)
    folded = normalised.text
    matches = [
        *_iban_matches(folded, label=_outbound_label),
        *_card_matches(folded, require_luhn=False, label=_outbound_label),
        *_outbound_account_matches(folded, frozenset(n for n in own_accounts if _EIGHT_DIGITS.fullmatch(n))),
    ]
    chosen = _to_raw(normalised, _resolve(matches))
    return _apply(text, chosen), [m.finding for m in chosen]
