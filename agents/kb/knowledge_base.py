"""The bank's help-centre knowledge base: load it once, then look up or search its articles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from agents.kb.articles import Article, Passage
from agents.kb.parsing import KbFormatError, parse_article
from agents.kb.retrieval import SectionIndex


class KnowledgeBase:
    def __init__(self, articles: Iterable[Article]) -> None:
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
        self._index = SectionIndex(list(by_slug.values()))

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

    def search(
        self, query: str, k: int = 3, *, one_per_article: bool = False, slugs: Sequence[str] | None = None
    ) -> list[Passage]:
        """Up to ``k`` sections most similar to ``query``, best first; empty for a blank query.

        With ``one_per_article`` only the best section of each article is returned, which suits
        offering the customer a choice between topics. ``slugs`` limits the search to those articles
        (for example the ones that answer the intent triage found).
        """
        return self._index.search(query, k, one_per_article=one_per_article, slugs=slugs)


def load_kb(path: Path) -> KnowledgeBase:
    """Parse every ``*.md`` article in the directory ``path``; raises ``KbFormatError`` naming a bad file."""
    if not path.is_dir():
        raise FileNotFoundError(f"knowledge base directory not found: {path}")
    files = sorted(path.glob("*.md"))
    if not files:
        raise FileNotFoundError(f"no *.md articles in knowledge base directory {path}")
    return KnowledgeBase(parse_article(file) for file in files)
