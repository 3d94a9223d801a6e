"""The bank's help-centre knowledge base: load it once, then look up or search its articles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from agents.kb.articles import Article, Passage
from agents.kb.intent_articles import INTENT_SECTIONS
from agents.kb.parsing import KbFormatError, parse_article, parse_search_terms, parse_section_questions
from agents.kb.retrieval import DEFAULT_WEIGHTS, RankerWeights, SectionIndex
from agents.triage.data import read_labelled_csv, training_paths
from agents.triage.encoder import Encoder

SEARCH_TERMS_FILE = "search_terms.yaml"
SECTION_QUESTIONS_DIR = "section_questions"


class KnowledgeBase:
    def __init__(
        self,
        articles: Iterable[Article],
        search_terms: Mapping[tuple[str, str], str] | None = None,
        *,
        encoder: Encoder | None = None,
        examples: Sequence[tuple[str, tuple[str, str]]] = (),
        questions: Sequence[tuple[str, tuple[str, str]]] = (),
        weights: RankerWeights = DEFAULT_WEIGHTS,
    ) -> None:
        """``search_terms`` maps ``(slug, heading)`` to customers' words for that section, for search only.

        With an ``encoder`` (the MiniLM one of the embeddings grade) search also compares meanings.
        ``examples`` are customers' questions labelled with the ``(slug, heading)`` that answers each
        (``section_examples``): search also looks for the closest of them. ``questions`` are customers'
        questions written for a section (``section_questions/``): neighbours too, and what the section
        classifier learns from.
        """
        by_slug: dict[str, Article] = {}
        for article in articles:
            if article.slug in by_slug:
                raise KbFormatError(
                    article.source, f"slug {article.slug!r} already used by {by_slug[article.slug].source}"
                )
            by_slug[article.slug] = article
        if not by_slug:
            raise ValueError("a knowledge base needs at least one article")
        self._by_slug = by_slug
        for slug, heading in search_terms or {}:
            if slug not in by_slug or heading not in {s.heading for s in by_slug[slug].sections}:
                raise KeyError(f"search terms for a section that does not exist: {slug!r}, {heading!r}")
        self._index = SectionIndex(
            list(by_slug.values()),
            search_terms,
            weights,
            encoder=encoder,
            examples=examples,
            questions=questions,
        )

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(self._by_slug.values())

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(self._by_slug)

    def article(self, slug: str) -> Article:
        try:
            return self._by_slug[slug]
        except KeyError:
            known = ", ".join(self._by_slug)
            raise KeyError(f"no article with slug {slug!r}; known slugs: {known}") from None

    def section(self, slug: str, heading: str) -> str:
        """The text of one section, e.g. a template the agent sends verbatim such as an acknowledgement."""
        return self.article(slug).section(heading)

    def warm(self) -> None:
        """Build now what the first search would build (about 2 s), so no customer waits for it."""
        self._index.warm()

    def search(
        self,
        query: str,
        k: int = 3,
        *,
        one_per_article: bool = False,
        slugs: Sequence[str] | None = None,
        intents: Sequence[tuple[str, float]] = (),
    ) -> list[Passage]:
        """Up to ``k`` sections that best answer ``query``, best first; empty for a blank query.

        With ``one_per_article`` only the best section of each article is returned, which suits
        offering the customer a choice between topics. ``slugs`` limits the search to those articles.
        ``intents`` are triage's ``(intent, probability)`` pairs, best first: a prior towards the
        articles and the section that answer them (``agents.kb.intent_articles``).
        """
        return self._index.search(query, k, one_per_article=one_per_article, slugs=slugs, intents=intents)


def section_examples(rows: Iterable[tuple[str, str]]) -> list[tuple[str, tuple[str, str]]]:
    """``(text, intent)`` rows whose intent one section answers (``INTENT_SECTIONS``), labelled with it."""
    return [
        (text, INTENT_SECTIONS[intent.strip()]) for text, intent in rows if intent.strip() in INTENT_SECTIONS
    ]


def load_kb(
    path: Path,
    *,
    encoder: Encoder | None = None,
    examples: Iterable[tuple[str, str]] | None = None,
    weights: RankerWeights = DEFAULT_WEIGHTS,
    section_questions: bool = True,
) -> KnowledgeBase:
    """Parse every ``*.md`` article in the directory ``path``, its ``search_terms.yaml`` and its
    ``section_questions/<slug>.csv`` files (customers' questions labelled with the section that answers
    each) if there are any.

    ``examples`` are labelled ``(question, intent)`` rows, by default the triage training files
    (Banking77 and Bankdesk's own): those whose intent one section answers are searched for the closest,
    with the section questions (``section_questions=False`` leaves those out, for comparison).

    Raises ``KbFormatError`` naming a bad file.
    """
    if not path.is_dir():
        raise FileNotFoundError(f"knowledge base directory not found: {path}")
    files = sorted(path.glob("*.md"))
    if not files:
        raise FileNotFoundError(f"no *.md articles in knowledge base directory {path}")
    articles = [parse_article(file) for file in files]
    terms_file = path / SEARCH_TERMS_FILE
    terms = parse_search_terms(terms_file, articles) if terms_file.is_file() else None
    if examples is None:
        examples = (row for file in training_paths() for row in read_labelled_csv(file))
    labelled = section_examples(examples)
    questions_dir = path / SECTION_QUESTIONS_DIR
    written = (
        parse_section_questions(questions_dir, articles)
        if section_questions and questions_dir.is_dir()
        else []
    )
    return KnowledgeBase(
        articles, terms, encoder=encoder, examples=labelled, questions=written, weights=weights
    )
