"""Typos in the words a request turns on: "food shoping in octobr" reads as "food shopping in october".

Only a misspelt word is corrected (one pyspellchecker does not know as English), only at one edit from the
word meant, and only towards the words the rules and procedures read: months, days, categories and banking
terms. Anything else (a shop's name such as "Deliveroo", a name, slang) is left exactly as written, so a
correction can never invent a merchant or change what the customer named. The transcript keeps what the
customer wrote; this is for reading the request.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from spellchecker import SpellChecker

TARGETS: frozenset[str] = frozenset(
    (
        "january february march april may june july august september october november december "
        "monday tuesday wednesday thursday friday saturday sunday yesterday tomorrow weekend fortnight "
        "balance account accounts savings saver current salary wages payday pension income "
        "shopping groceries grocery supermarket takeaway takeaways restaurants restaurant transport travel "
        "entertainment subscriptions subscription utilities bills eating "
        "transaction transactions payment payments transfer transfers statement statements "
        "standing order orders direct debit debits credit scheduled recurring mortgage overdraft "
        "freeze frozen unfreeze block blocked cancel cancelled dispute refund refunded charged charges "
        "spent spend spending biggest largest smallest altogether total received deposit withdrawal "
        "contactless replacement stolen missing complaint complain limit limits interest"
    ).split()
)
MIN_LENGTH = 4
_WORD = re.compile(r"[A-Za-z]+")


@cache
def _checker() -> SpellChecker:
    return SpellChecker(distance=1)


# A pure function of the word: a turn's words come again in the next turns and other conversations, and
# working out the candidates of an unknown word is most of the cost.
@lru_cache(maxsize=16384)
def _fix(word: str) -> str:
    lower = word.lower()
    if len(lower) < MIN_LENGTH or lower in TARGETS:
        return word
    checker = _checker()
    if lower in checker:  # a real word ("debts", "order"), whatever it is near
        return word
    meant = (checker.candidates(lower) or set()) & TARGETS
    return meant.pop() if len(meant) == 1 else word


def correct_spelling(text: str) -> str:
    return _WORD.sub(lambda m: _fix(m.group(0)), text)
