"""The knowledge base's content types: help-centre articles split into their ``## `` sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    slug: str
    title: str
    tags: tuple[str, ...]
    updated: date
    sections: tuple[Section, ...]
    source: Path

    def section(self, heading: str) -> str:
        for section in self.sections:
            if section.heading == heading:
                return section.text
        known = ", ".join(repr(s.heading) for s in self.sections)
        raise KeyError(f"article {self.slug!r} has no section {heading!r}; its sections are: {known}")

    @property
    def text(self) -> str:
        return "\n\n".join(f"## {s.heading}\n\n{s.text}" for s in self.sections)


@dataclass(frozen=True, slots=True)
class Passage:
    """One section returned by a search, with its similarity to the query (0 = unrelated, 1 = identical)."""

    slug: str
    title: str
    heading: str
    text: str
    score: float
