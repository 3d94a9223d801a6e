"""Card numbers written the odd ways a penetration test found them (issue 11, finding 5): the hypothesis
strategies here draw Luhn-valid PANs of 12-19 digits (ISO/IEC 7812) and write them out with a random
separator in every gap, full-width or superscript digits, zero-width characters, soft hyphens,
parentheses around a group and a leading '+'."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import assume
from hypothesis import strategies as st

from agents.safety.checksums import luhn_check_digit, luhn_is_valid
from agents.safety.normalise import normalise

# Separators that may stand between two digit groups of any length.
STRONG_SEPARATORS = [
    " ",
    "  ",
    "    ",
    "\t",
    "\n",
    "\r\n",
    "-",
    "--",
    " - ",
    "\u2010",  # hyphen
    "\u2011",  # non-breaking hyphen
    "\u2012",  # figure dash
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2212",  # minus sign
    "\ufe63",  # small hyphen-minus
    "\uff0d",  # full-width hyphen-minus
    "\u3000",  # ideographic space
    "\u00a0",
    "\u2009",
    "\u202f",
    "\u200b",  # zero-width space
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",  # soft hyphen
    "\u200e",  # left-to-right mark
    "\u202e",  # right-to-left override
    "",
]
# Separators that also appear in amounts and dates ("1,300.00", "12.03.2024", "12/27"): documented rule,
# they join only groups of three or more digits; a bare comma before exactly three digits is a thousands
# separator, and one bare point or comma between just two groups is a decimal number.
WEAK_SEPARATORS = [".", ". ", ", ", ",", " / ", "/", " , "]

FULL_WIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
SUPERSCRIPT = dict(
    zip("0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", strict=True)
)
ARABIC_INDIC = {str(d): chr(0x0660 + d) for d in range(10)}
DIGIT_STYLES = [{}, FULL_WIDTH, SUPERSCRIPT, ARABIC_INDIC]

_RUN = re.compile(r"\d+")
_SEPARATED_RUN = re.compile(r"\d+(?:[\s\-/,.()+_]+\d+)*")
_DECIMAL = re.compile(r"\d+[.,]\d+")  # one bare point or comma between just two groups
_THOUSANDS = re.compile(r"\d,\d{3}(?!\d)")  # a bare comma before exactly three digits


@st.composite
def luhn_pans(draw: st.DrawFn, *, min_digits: int = 12, max_digits: int = 19) -> str:
    length = draw(st.integers(min_value=min_digits, max_value=max_digits))
    first = draw(st.sampled_from("123456789"))
    body = draw(st.text(alphabet="0123456789", min_size=length - 2, max_size=length - 2))
    partial = first + body
    return partial + luhn_check_digit(partial)


@st.composite
def written_pans(draw: st.DrawFn, pan: str) -> str:
    """`pan` cut into groups, each gap with its own separator, in one or mixed digit styles."""
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=len(pan) - 1), max_size=6)))
    groups = [pan[a:b] for a, b in zip([0, *cuts], [*cuts, len(pan)], strict=True)]
    style = draw(st.sampled_from(DIGIT_STYLES))
    mixed = draw(st.booleans())
    shown_groups = []
    for group in groups:
        group_style = draw(st.sampled_from(DIGIT_STYLES)) if mixed else style
        shown_groups.append("".join(group_style.get(c, c) for c in group))
    parts = [_wrap(draw, shown_groups[0])]
    for previous, group, shown in zip(groups, groups[1:], shown_groups[1:], strict=False):
        weak_ok = len(previous) >= 3 and len(group) >= 3
        choices = STRONG_SEPARATORS + (WEAK_SEPARATORS if weak_ok else [])
        if len(group) == 3:
            choices = [c for c in choices if c != ","]  # "123,456": a thousands separator
        if len(groups) == 2:
            # Documented rule: one bare point or comma between two groups is a decimal number.
            choices = [c for c in choices if c not in (".", ",")]
        parts.append(draw(st.sampled_from(choices)))
        parts.append(_wrap(draw, shown))
    text = "".join(parts)
    # Separators that fold away (invisible marks, "") join their groups, so the documented rules above hold
    # for the groups as they read after folding too: "100.000\u200b000008" reads "100.000000008", a decimal.
    for run in _SEPARATED_RUN.finditer(normalise(text).text):
        assume(not _DECIMAL.fullmatch(run.group()))
        assume(not _THOUSANDS.search(run.group()))
    # A leading '+' (a phone's country code is 1-3 digits, so a first group of four or more).
    if len(groups[0]) >= 4 and draw(st.booleans()):
        text = "+" + text
    return text


def _wrap(draw: st.DrawFn, group: str) -> str:
    return f"({group})" if draw(st.integers(min_value=0, max_value=5)) == 0 else group


SENTENCE_BEFORE = [
    "my card is",
    "Card number:",
    "here it is",
    "please check",
    "I typed",
    "",
    "número de tarjeta",
    "カード番号",
]
SENTENCE_AFTER = ["thanks", "is it blocked?", "", "exp soon", "can you help", "。"]


@st.composite
def sentences_with_pan(draw: st.DrawFn) -> tuple[str, str]:
    """(message, pan): the PAN written oddly inside an ordinary sentence."""
    pan = draw(luhn_pans())
    shown = draw(written_pans(pan))
    before = draw(st.sampled_from(SENTENCE_BEFORE))
    after = draw(st.sampled_from(SENTENCE_AFTER))
    return f"{before} {shown} {after}".strip(), pan


def ascii_digit_runs(text: str) -> list[str]:
    """The digit runs of ``text`` after normalisation, with every separator removed between groups."""
    normalised = normalise(text).text
    squeezed = re.sub(r"(?<=\d)[\s\-/,.()+_]+(?=\d)", "", normalised)
    return _RUN.findall(squeezed)


def recoverable(text: str, pan: str) -> bool:
    """True when ``pan`` can still be read from ``text`` once every separator is dropped."""
    return any(pan in run for run in ascii_digit_runs(text))


def any_luhn_run(text: str, *, min_digits: int = 12, max_digits: int = 19) -> str | None:
    """A Luhn-valid number of 12-19 digits (not starting with 0) made of whole digit groups of the
    normalised text, separators of any kind between them; None when there is none."""
    normalised = normalise(text).text
    for run in re.finditer(r"\d+(?:[\s\-/,.()+_]+\d+)*", normalised):
        groups: list[str] = _RUN.findall(run.group())
        for i in range(len(groups)):
            digits = ""
            for group in groups[i:]:
                digits += group
                if len(digits) > max_digits:
                    break
                if len(digits) >= min_digits and digits[0] != "0" and luhn_is_valid(digits):
                    return digits
    return None


assert unicodedata.decimal(ARABIC_INDIC["7"]) == 7
