"""Sentence and clause spans of a draft, so rules judge (and rewrites remove) one statement at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A sentence ends at . ! or ? followed by whitespace (so "£4.50" and "www.example.org" stay whole),
# or at a line break (bullets and headings are statements of their own).
_SENTENCE = re.compile(r"\S.*?(?:[.!?]+[\"')\]]*(?=\s|\Z)|(?=\n)|\Z)")
# Clauses a refusal in one part cannot vouch for: "I can't give advice, but you should buy bitcoin".
_CLAUSE_BREAK = re.compile(r";|:\s|,?\s+but\s+|,\s*however\b|\s[-\u2013\u2014]\s", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def sentences(text: str) -> Iterator[Span]:
    for match in _SENTENCE.finditer(text):
        yield Span(match.start(), match.end(), match.group())


def clauses(sentence: str) -> list[str]:
    return [part for part in _CLAUSE_BREAK.split(sentence) if part.strip()]


def normalise(text: str) -> str:
    """Lower case with typographic apostrophes and runs of whitespace folded, for phrase matching."""
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'")).strip().lower()
