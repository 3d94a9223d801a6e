"""Normalise customer text before looking for card numbers and bank details, keeping the way back.

A card number is the same number in full-width digits, superscripts or Arabic-Indic digits, with zero-width
spaces, soft hyphens or bidi marks between the digits, or with em dashes and minus signs between the groups.
`normalise` rewrites text so that the detectors only ever see ASCII digits, plain spaces (newlines kept) and
"-" for every kind of dash, and it records for each character of the result which character of the input it
came from, so a finding in the normalised text replaces exactly the raw characters the customer typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Characters that are not there for a reader: format characters (zero-width space and joiners, soft hyphen,
# word joiner, byte order mark, bidi marks and overrides) and combining marks laid over a digit.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me"})
# Dashes NFKC leaves alone: every "Pd" character, plus the minus signs and the hyphen bullet.
_EXTRA_DASHES = frozenset("\u2212\u2043\u2796\u02d7\u207b\u208b")
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Markup between digit groups ("<span>6011</span><span>2636</span>", pasted from a web page) is spacing.
_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,60}>")


@dataclass(frozen=True)
class Normalised:
    """`text` is the normalised text; `origin[i]` is the index in the raw text of `text[i]`'s source."""

    text: str
    origin: tuple[int, ...]
    raw_length: int

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span covering the normalised span [start, end): from the first source character to
        the end of the last one, so invisible characters between them go too."""
        if start >= end:
            position = self.origin[start] if start < len(self.origin) else self.raw_length
            return position, position
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """What one raw character becomes: "" for invisible ones, otherwise its NFKC form with every decimal
    digit in ASCII, every kind of space as " " (line breaks as "\n") and every dash as "-"."""
    if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
        return ""
    out = []
    for c in unicodedata.normalize("NFKC", char):
        if c.isascii():
            out.append(c)
        elif c.isdecimal():
            out.append(str(unicodedata.decimal(c)))
        elif unicodedata.digit(c, None) is not None:
            out.append(str(unicodedata.digit(c)))
        elif c in _LINE_BREAKS:
            out.append("\n")
        elif c.isspace():
            out.append(" ")
        elif c in _EXTRA_DASHES or unicodedata.category(c) == "Pd":
            out.append("-")
        elif unicodedata.category(c) in _INVISIBLE_CATEGORIES:
            continue
        else:
            out.append(c)
    return "".join(out)


def normalise(text: str) -> Normalised:
    """Fold `text` for matching (see the module docstring); ASCII text without markup comes back unchanged."""
    if text.isascii():
        folded, origin = text, list(range(len(text)))
    else:
        pieces: list[str] = []
        origin = []
        for index, char in enumerate(text):
            piece = char if char.isascii() else _fold(char)
            pieces.append(piece)
            origin.extend([index] * len(piece))
        folded = "".join(pieces)
    if "<" in folded:
        folded, origin = _untag(folded, origin)
    return Normalised(folded, tuple(origin), len(text))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> str:
    """``normalise(text).text`` without the way back: for checks that only ask whether something is there
    (the stores' card-number guard), at the cost of one pass over the non-ASCII characters."""
    folded = text if text.isascii() else _NON_ASCII.sub(lambda m: _fold(m.group()), text)
    return _TAG.sub(" ", folded) if "<" in folded else folded


def _untag(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Each markup tag becomes one space (its origin the tag's first character)."""
    out: list[str] = []
    where: list[int] = []
    last = 0
    for tag in _TAG.finditer(text):
        out.append(text[last : tag.start()])
        where.extend(origin[last : tag.start()])
        out.append(" ")
        where.append(origin[tag.start()])
        last = tag.end()
    out.append(text[last:])
    where.extend(origin[last:])
    return "".join(out), where
