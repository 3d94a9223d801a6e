"""Lexical retrieval over article sections: TF-IDF on words and on character n-grams, blended.

Character n-grams make the match forgiving of typos and word forms ("withdrawl", "topping up"),
which customer messages are full of; word n-grams keep exact terms such as "chargeback" decisive.
Each section is also scored against its whole article, so a short section inside the right
article beats a long one elsewhere that happens to share a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

from agents.kb.articles import Article, Passage

# Longer messages are cut, not refused: the opening says what the customer wants, and the cap
# bounds the cost of vectorising a pasted essay.
MAX_QUERY_CHARS = 2_000

_WORD_WEIGHT = 0.3
_SECTION_WEIGHT = 0.3
# Inside an article the exact words decide which section answers ("abroad" -> the foreign-currency
# section, not the one that merely shares "fee"), so the section score leans on words.
_SECTION_WORD_WEIGHT = 0.6
# Customers' words for what the help centre calls something else; appended to the query, never replacing it.
SYNONYMS: dict[str, str] = {
    "abroad": "foreign",
    "overseas": "abroad foreign",
    "cash machine": "atm cash withdrawal",
    "cash out": "atm cash withdrawal",
    "take out cash": "atm cash withdrawal",
    "withdraw": "atm cash withdrawal",
    "cashpoint": "atm cash withdrawal",
    "hole in the wall": "atm cash withdrawal",
    "owe": "balance",
    "wallet": "lost stolen",
}


@dataclass(frozen=True, slots=True)
class _Entry:
    article_index: int
    heading: str
    text: str


def expand(query: str) -> str:
    lowered = query.lower()
    extra = [words for phrase, words in SYNONYMS.items() if phrase in lowered]
    return f"{query} {' '.join(extra)}" if extra else query


class SectionIndex:
    def __init__(self, articles: Sequence[Article]) -> None:
        self._articles = tuple(articles)
        self._entries = tuple(
            _Entry(article_index=i, heading=section.heading, text=section.text)
            for i, article in enumerate(self._articles)
            for section in article.sections
        )
        self._section_of_article = np.array([entry.article_index for entry in self._entries])
        section_docs = [self._section_document(entry) for entry in self._entries]
        article_docs = [self._article_document(article) for article in self._articles]
        self._word = TfidfVectorizer(
            lowercase=True, ngram_range=(1, 2), sublinear_tf=True, stop_words="english", dtype=np.float64
        )
        self._char = TfidfVectorizer(
            lowercase=True, analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float64
        )
        self._word.fit(section_docs + article_docs)
        self._char.fit(section_docs + article_docs)
        self._section_word = self._word.transform(section_docs)
        self._section_char = self._char.transform(section_docs)
        self._article_word = self._word.transform(article_docs)
        self._article_char = self._char.transform(article_docs)

    def search(
        self, query: str, k: int, *, one_per_article: bool, slugs: Sequence[str] | None = None
    ) -> list[Passage]:
        query = " ".join(query[:MAX_QUERY_CHARS].split())
        if not query or k <= 0:
            return []
        scores = self._scores(query)
        if slugs is not None:
            allowed = {i for i, article in enumerate(self._articles) if article.slug in set(slugs)}
            scores = np.where(np.isin(self._section_of_article, list(allowed)), scores, 0.0)
        order = np.argsort(-scores, kind="stable")
        passages: list[Passage] = []
        seen_articles: set[int] = set()
        for index in order:
            score = float(scores[index])
            if score <= 0.0 or len(passages) == k:
                break
            entry = self._entries[index]
            if one_per_article and entry.article_index in seen_articles:
                continue
            seen_articles.add(entry.article_index)
            article = self._articles[entry.article_index]
            passage = Passage(
                slug=article.slug, title=article.title, heading=entry.heading, text=entry.text, score=score
            )
            passages.append(passage)
        return passages

    def _scores(self, query: str) -> npt.NDArray[np.float64]:
        # Rows are L2-normalised by TfidfVectorizer, so dot products are cosine similarities.
        query = expand(query)
        word = self._word.transform([query])
        char = self._char.transform([query])
        section = (
            _SECTION_WORD_WEIGHT * (self._section_word @ word.T).toarray().ravel()
            + (1 - _SECTION_WORD_WEIGHT) * (self._section_char @ char.T).toarray().ravel()
        )
        article = (
            _WORD_WEIGHT * (self._article_word @ word.T).toarray().ravel()
            + (1 - _WORD_WEIGHT) * (self._article_char @ char.T).toarray().ravel()
        )
        blended = _SECTION_WEIGHT * section + (1 - _SECTION_WEIGHT) * article[self._section_of_article]
        return np.asarray(blended, dtype=np.float64)

    @staticmethod
    def _section_document(entry: _Entry) -> str:
        return f"{entry.heading}. {entry.heading}. {entry.text}"

    @staticmethod
    def _article_document(article: Article) -> str:
        sections = " ".join(f"{s.heading}. {s.text}" for s in article.sections)
        return f"{article.title}. {article.title}. {'. '.join(article.tags)}. {sections}"
