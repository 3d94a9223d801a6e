"""Retrieval accuracy on labelled questions: is an acceptable article first, or among the first three?

Run ``python -m agents.kb.evaluation [KB_DIR] [BANKING77_CSV]`` to print the figures for the
Banking77 training questions whose intent the knowledge base answers. Section-level figures (is the
one section that answers the question first?) come from ``measure_sections`` on a
``question,slug,section`` CSV; ``bench/kb_sections_bench.py`` prints them.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from agents.kb.intent_articles import INTENT_ARTICLES, INTENT_SECTIONS
from agents.kb.knowledge_base import KnowledgeBase, load_kb


@dataclass(frozen=True, slots=True)
class LabelledQuestion:
    text: str
    intent: str
    acceptable_slugs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RetrievalAccuracy:
    questions: int
    top1: float
    top3: float
    per_intent_top1: Mapping[str, float]


def banking77_questions(csv_path: Path) -> list[LabelledQuestion]:
    """Banking77 rows (``text,category``) whose intent has an article in ``INTENT_ARTICLES``."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        return [
            LabelledQuestion(text=row["text"], intent=row["category"], acceptable_slugs=slugs)
            for row in csv.DictReader(handle)
            if (slugs := INTENT_ARTICLES.get(row["category"])) is not None
        ]


def measure(kb: KnowledgeBase, questions: Iterable[LabelledQuestion]) -> RetrievalAccuracy:
    """Top-1 and top-3 by article: the first three distinct articles among the search results."""
    total = hits1 = hits3 = 0
    per_intent: dict[str, list[int]] = {}
    for question in questions:
        slugs = [p.slug for p in kb.search(question.text, k=3, one_per_article=True)]
        first = bool(slugs) and slugs[0] in question.acceptable_slugs
        total += 1
        hits1 += first
        hits3 += any(slug in question.acceptable_slugs for slug in slugs)
        counts = per_intent.setdefault(question.intent, [0, 0])
        counts[0] += first
        counts[1] += 1
    if total == 0:
        raise ValueError("no labelled questions to measure")
    return RetrievalAccuracy(
        questions=total,
        top1=hits1 / total,
        top3=hits3 / total,
        per_intent_top1={intent: hit / n for intent, (hit, n) in sorted(per_intent.items())},
    )


@dataclass(frozen=True, slots=True)
class SectionQuestion:
    text: str
    slug: str
    heading: str


@dataclass(frozen=True, slots=True)
class SectionMiss:
    question: SectionQuestion
    got: tuple[str, str] | None  # (slug, heading) ranked first, None when nothing was found


@dataclass(frozen=True, slots=True)
class SectionAccuracy:
    questions: int
    top1: float
    top3: float
    article_top1: float
    misses: tuple[SectionMiss, ...]


# (intent, probability) pairs for a question, best first: triage's answer, or nothing.
IntentsFor = Callable[[str], Sequence[tuple[str, float]]]


def read_section_questions(csv_path: Path, kb: KnowledgeBase | None = None) -> list[SectionQuestion]:
    """Rows of a ``question,slug,section`` CSV; with ``kb``, every (slug, section) must exist in it."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"question", "slug", "section"} <= set(reader.fieldnames):
            raise ValueError(f"{csv_path}: needs the columns question, slug, section")
        questions = [
            SectionQuestion(
                text=row["question"].strip(), slug=row["slug"].strip(), heading=row["section"].strip()
            )
            for row in reader
            if row["question"] and row["question"].strip()
        ]
    if kb is not None:
        for question in questions:
            kb.section(question.slug, question.heading)  # KeyError naming the known sections
    return questions


def measure_sections(
    kb: KnowledgeBase, questions: Iterable[SectionQuestion], intents_for: IntentsFor | None = None
) -> SectionAccuracy:
    """Top-1 and top-3 by section (heading within article), and top-1 by article, over ``questions``."""
    total = hits1 = hits3 = article1 = 0
    misses: list[SectionMiss] = []
    for question in questions:
        intents = intents_for(question.text) if intents_for is not None else ()
        ranked = [(p.slug, p.heading) for p in kb.search(question.text, k=3, intents=intents)]
        want = (question.slug, question.heading)
        total += 1
        hits1 += bool(ranked) and ranked[0] == want
        hits3 += want in ranked
        article1 += bool(ranked) and ranked[0][0] == question.slug
        if not ranked or ranked[0] != want:
            misses.append(SectionMiss(question=question, got=ranked[0] if ranked else None))
    if total == 0:
        raise ValueError("no labelled questions to measure")
    return SectionAccuracy(
        questions=total,
        top1=hits1 / total,
        top3=hits3 / total,
        article_top1=article1 / total,
        misses=tuple(misses),
    )


def held_out(text: str, share: int = 5) -> bool:
    """Whether a labelled question falls in the held-out 1/``share`` of a split by a hash of its text."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % share == 0


def banking77_section_split(
    rows: Iterable[tuple[str, str]],
) -> tuple[list[tuple[str, str]], list[SectionQuestion]]:
    """Labelled ``(text, intent)`` rows split 80/20 by a hash of the text: the 80% to search among, and
    the 20% whose intent one section answers (``INTENT_SECTIONS``) as section questions to measure."""
    kept: list[tuple[str, str]] = []
    measured: list[SectionQuestion] = []
    for text, intent in rows:
        if not held_out(text):
            kept.append((text, intent))
        elif intent in INTENT_SECTIONS:
            slug, heading = INTENT_SECTIONS[intent]
            measured.append(SectionQuestion(text=text, slug=slug, heading=heading))
    return kept, measured


def main(argv: list[str]) -> int:
    kb_dir = Path(argv[0]) if argv else Path("fixtures/kb")
    csv_path = Path(argv[1]) if len(argv) > 1 else Path("fixtures/banking77/train.csv")
    result = measure(load_kb(kb_dir), banking77_questions(csv_path))
    out = sys.stdout
    out.write(f"questions {result.questions}  top-1 {result.top1:.3f}  top-3 {result.top3:.3f}\n")
    for intent, accuracy in sorted(result.per_intent_top1.items(), key=lambda item: item[1]):
        out.write(f"  {accuracy:.2f}  {intent}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
