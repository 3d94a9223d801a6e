"""One regular expression that matches wherever any of several does: a cheap first look before a list.

Rules kept as lists of patterns are searched one by one so each hit can be named; most messages hit none
of them. ``any_of`` joins a list into one alternation, so a text that none of them matches costs one search
instead of dozens. It pays only for short patterns anchored on words (the spending categories' phrases):
for the screening and advice rules, long patterns with look-arounds, the joined search was slower than the
list (bench/README.md, 7 Dec, twelfth session), so they do without it. It only says whether some pattern
matches: the list is still searched, one by one, when it does, so the result is the list's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A numbered or named back-reference means something else once the groups of several patterns are joined.
_BACK_REFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def any_of(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern that finds a match in a text exactly when at least one of ``patterns`` does.

    The patterns must share their flags and hold no back-references (``ValueError`` otherwise): under one
    set of flags an alternation of them matches at some position exactly when one of them matches there.
    """
    listed = list(patterns)
    if not listed:
        return re.compile(r"(?!)")  # matches nothing, as an empty list does
    flags = {pattern.flags for pattern in listed}
    if len(flags) != 1:
        raise ValueError("any_of: the patterns have different flags")
    for pattern in listed:
        if _BACK_REFERENCE.search(pattern.pattern) or pattern.groupindex:
            raise ValueError(f"any_of: {pattern.pattern[:60]!r} holds a back-reference or a named group")
    return re.compile("|".join(f"(?:{pattern.pattern})" for pattern in listed), flags.pop())
