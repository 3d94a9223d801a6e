"""Section-level retrieval: BM25 over each help-centre section, its heading and customers' words for it.

A question is answered by one section, so sections are what is ranked. Each section is scored by BM25
(Okapi, ``bm25s``) on three fields, summed:

- its text;
- its heading with the customers' words for it (``fixtures/kb/search_terms.yaml``: "forgot my passcode",
  "add card to apple pay"), weighed twice: a customer names what they want, the text explains it;
- its whole article (title, tags and every section), weighed lightly, so a section inside the right
  article beats one elsewhere that shares a word.

Words are lower-cased, Snowball-stemmed (PyStemmer) and stripped of function words, but not of question
words: "how long", "why" and "how do I" pick between sections such as "How long delivery takes" and
"If your card has not arrived". The BM25 sum is mapped to [0, 1) by ``s / (s + SATURATION)``.

With the ``[embeddings]`` extra, the MiniLM sentence vector of the question is compared with that of
each section's heading and customers' words, and the cosine (when positive) is added: it matches
meaning where no word is shared ("my card got eaten" -> "The ATM kept your card"). The light path
does without it.

Customers' questions labelled with the section that answers them (Banking77's training questions of the
intents in ``INTENT_SECTIONS``, plus every section's heading and each of its customers' phrases, so that
no section is left without any) are a nearest-neighbour signal: the TF-IDF cosine of the question with
the closest labelled question of each section, above a floor, raises that section's score by
``s + w * c * (1 - s)`` (it stays below 1, and a question no labelled question resembles scores as
before). It carries the way customers word things ("the app won't let me top up") that neither the
articles nor the hand-written phrases hold. The index is built on the first search, not at load.

A linear classifier over the sections (``LinearSVC`` on TF-IDF of stems, word pairs and character 2-5
grams, so "pinn", "recieve" and "blokced" still share most of their grams) is trained on each section's
heading, customers' phrases and customers' questions (``fixtures/kb/section_questions``), with only 30
Banking77 questions a section it covers (all its thousands for 56 sections would outweigh the other 79).
Its sharpened softmax probability p raises the score the same way, ``s + w * e * p * (1 - s)``, only
beside a known word, so a message with nothing in common with the help centre still finds nothing, and
weighed by e for how much the question says (nothing for one word, half for two). It is trained on the
first search or by ``warm`` (about two seconds; the app warms its knowledge base when it loads).

The triage intent, when there is one, is a prior: the articles that answer it (``INTENT_ARTICLES``)
and the section that answers it (``INTENT_SECTIONS``) gain in proportion to the intent's probability,
for the top intents triage reports. The words still decide within and between articles: the prior
moves close calls, it does not overrule a clear lexical match.

Scores are in [0, 1] and deterministic; a query with no known word and no intent finds nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import bm25s  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt
import Stemmer  # type: ignore[import-not-found]
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from agents.kb.articles import Article, Passage
from agents.kb.intent_articles import INTENT_ARTICLES, INTENT_SECTIONS
from agents.triage.encoder import POOLED_LAYERS, Encoder

# Longer messages are cut, not refused: the opening says what the customer wants, and the cap
# bounds the cost of tokenising a pasted essay.
MAX_QUERY_CHARS = 2_000

# Function words only: question words ("how", "why", "when", "long") and negations stay, because
# section headings are written as answers to them ("what" goes: it opens nearly every question).
STOPWORDS = frozenset(
    "a am an and are as at be been being by could did do does for from get got had has have i i'm im if "
    "in is it its just me my of on or our please so that the their them there this to was we were what "
    "which will with would you your yours".split()
)
_WORD = re.compile(r"\w+")

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
}


@dataclass(frozen=True, slots=True)
class RankerWeights:
    """How the signals add up; chosen on fixtures/kb/eval/dev_sections.csv (see bench/README.md)."""

    terms: float = 2.0  # the heading + customers' words field, relative to the section text
    article: float = 0.3  # the whole article's BM25, relative to the section text
    saturation: float = 6.0  # BM25 sum s -> s / (s + saturation)
    intent: float = 0.05  # the prior's weight against the lexical score (both in [0, 1])
    intent_section: float = 1.0  # extra prior on the intent's own section, beyond its article's
    second_article: float = 0.5  # prior on an intent's second article, against 1 for its first
    embedding: float = 0.2  # MiniLM cosine of question and heading + customers' words (embeddings only)
    # Nearest labelled customer question: its TF-IDF cosine c above the floor, rescaled to [0, 1], raises
    # the lexical score s to s + examples * c * (1 - s). Chosen on dev, dev2 and a Banking77 split.
    examples: float = 0.6
    examples_floor: float = 0.45
    # The section classifier's softmax probability p raises s to s + classifier * p * (1 - s); its decision
    # values (about -1.5 to 1) are sharpened by `classifier_temperature` first. Chosen on dev2.
    classifier: float = 0.7
    classifier_temperature: float = 8.0
    classifier_examples_per_section: int = 30  # Banking77 questions a section the classifier learns from


DEFAULT_WEIGHTS = RankerWeights()


@dataclass(frozen=True, slots=True)
class _Entry:
    article_index: int
    heading: str
    text: str


_STEMMER = Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    words = [word for word in _WORD.findall(text.lower()) if word not in STOPWORDS]
    stems: list[str] = _STEMMER.stemWords(words)
    return stems


def expand(query: str) -> str:
    lowered = query.lower()
    extra = [words for phrase, words in SYNONYMS.items() if phrase in lowered]
    return f"{query} {' '.join(extra)}" if extra else query


class _Field:
    """One BM25 index over one document per row, scored for a tokenised query."""

    def __init__(self, documents: Sequence[str], *, b: float) -> None:
        self._bm25 = bm25s.BM25(k1=1.2, b=b)
        self._bm25.index([tokens(doc) or ["\x00"] for doc in documents], show_progress=False)
        self._vocabulary: dict[str, int] = self._bm25.vocab_dict
        self._size = len(documents)

    def scores(self, query_tokens: Sequence[str]) -> npt.NDArray[np.float64]:
        known = [token for token in query_tokens if token in self._vocabulary]
        if not known:
            return np.zeros(self._size)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float64)


# A question sharing this many distinct words with the labelled questions counts fully as a neighbour.
FULL_EVIDENCE_WORDS = 3


class _Examples:
    """Labelled customer questions, TF-IDF (sublinear tf, l2) over stems: the closest one per section."""

    def __init__(self, questions: Sequence[str], rows: Sequence[int], sections: int) -> None:
        self._vectoriser = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        tokenised = [tokens(question) for question in questions]
        # A word's weight is its rarity across sections, not across questions: Banking77 asks about
        # exchange rates hundreds of times, which must not make "exchange" a weak word.
        by_section: list[list[str]] = [[] for _ in range(sections)]
        for words, row in zip(tokenised, rows, strict=True):
            by_section[row].extend(words)
        self._vectoriser.fit([words for words in by_section if words])
        matrix = self._vectoriser.transform(tokenised)
        self._columns = sparse.csc_matrix(matrix)  # one column per stem: a query picks its few columns
        self._vocabulary: dict[str, int] = self._vectoriser.vocabulary_
        self._idf = np.asarray(self._vectoriser.idf_, dtype=np.float64)
        self._section = np.asarray(rows, dtype=np.int64)
        self._sections = sections

    def closest(self, query_tokens: Sequence[str], floor: float) -> npt.NDArray[np.float64]:
        """Per section, the cosine of the query with its closest question, above ``floor``, in [0, 1]."""
        best = np.zeros(self._sections)
        counts: dict[int, int] = {}
        for token in query_tokens:
            if (column := self._vocabulary.get(token)) is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return best
        columns = np.fromiter(counts, dtype=np.int64)
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * self._idf[columns]
        weights /= np.linalg.norm(weights)
        cosine = np.asarray(self._columns[:, columns] @ weights, dtype=np.float64)
        near = np.flatnonzero(cosine > floor)
        # One or two shared words make any short question look alike: weak evidence, weighed down.
        evidence = min(1.0, len(columns) / FULL_EVIDENCE_WORDS)
        np.maximum.at(best, self._section[near], evidence * (cosine[near] - floor) / (1.0 - floor))
        return best


def _identity(words: list[str]) -> list[str]:
    return words


def _stems_and_pairs(text: str) -> list[str]:
    stems = tokens(text)
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


class _SectionClassifier:
    """Which section a question is about, learnt from labelled customers' questions (one class each)."""

    def __init__(
        self, questions: Sequence[str], rows: Sequence[int], sections: int, temperature: float
    ) -> None:
        self._features = FeatureUnion(
            [
                ("words", TfidfVectorizer(analyzer=_stems_and_pairs, sublinear_tf=True)),
                (
                    "grams",
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
                ),
            ]
        )
        self._model = LinearSVC(C=1.0, random_state=0)  # liblinear shuffles: the same model every time
        self._model.fit(self._features.fit_transform(list(questions)), np.asarray(rows))
        self._classes = np.asarray(self._model.classes_, dtype=np.int64)
        self._sections = sections
        self._temperature = temperature

    def probabilities(self, query: str) -> npt.NDArray[np.float64]:
        decision = np.asarray(self._model.decision_function(self._features.transform([query]))[0])
        exp = np.exp((decision - decision.max()) * self._temperature)
        out = np.zeros(self._sections)
        out[self._classes] = exp / exp.sum()
        return out


class SectionIndex:
    def __init__(
        self,
        articles: Sequence[Article],
        search_terms: Mapping[tuple[str, str], str] | None = None,
        weights: RankerWeights = DEFAULT_WEIGHTS,
        encoder: Encoder | None = None,
        examples: Sequence[tuple[str, tuple[str, str]]] = (),
        questions: Sequence[tuple[str, tuple[str, str]]] = (),
    ) -> None:
        """``examples`` and ``questions`` are customers' questions with the ``(slug, heading)`` that answers
        each: both are neighbours, and ``questions`` (written per section) also train the classifier.

        Those naming a section these articles do not have are ignored.
        """
        terms = search_terms or {}
        self._articles = tuple(articles)
        self._weights = weights
        self._entries = tuple(
            _Entry(article_index=i, heading=section.heading, text=section.text)
            for i, article in enumerate(self._articles)
            for section in article.sections
        )
        self._section_of_article = np.array([entry.article_index for entry in self._entries])
        self._row = {
            (self._articles[entry.article_index].slug, entry.heading): row
            for row, entry in enumerate(self._entries)
        }
        self._article_row = {article.slug: i for i, article in enumerate(self._articles)}
        self._text = _Field([entry.text for entry in self._entries], b=0.75)
        headings = [
            f"{entry.heading}. {terms.get((self._articles[entry.article_index].slug, entry.heading), '')}"
            for entry in self._entries
        ]
        # Headings and term lists are short and of similar length: little length normalisation.
        self._terms = _Field(headings, b=0.3)
        self._encoder = encoder
        self._vectors = _sentence_vectors(encoder, headings) if encoder is not None else None
        self._article = _Field([_article_document(article) for article in self._articles], b=0.75)
        # Every section's heading and each of its customers' phrases count as labelled questions too.
        labelled = [(entry.heading, row) for row, entry in enumerate(self._entries)]
        labelled += [
            (phrase.strip(), self._row[key])
            for key, words in terms.items()
            if key in self._row
            for phrase in words.split(",")
            if phrase.strip()
        ]
        written = [(question, self._row[key]) for question, key in questions if key in self._row]
        # The classifier learns from what was written per section: headings, phrases and questions.
        self._trainable = [*labelled, *written]
        banking = [(question, self._row[key]) for question, key in examples if key in self._row]
        labelled += banking
        self._labelled = [*labelled, *written]
        # And from a few of the labelled examples of each section (Banking77's, thousands for 56 sections):
        # enough to learn their wording, too few to outweigh the sections they do not cover.
        per_section: dict[int, int] = {}
        for question, row in sorted(banking, key=lambda pair: hashlib.sha256(pair[0].encode()).digest()):
            if per_section.get(row, 0) < weights.classifier_examples_per_section:
                per_section[row] = per_section.get(row, 0) + 1
                self._trainable.append((question, row))
        self._examples: _Examples | None = None  # built on the first search
        self._classifier: _SectionClassifier | None = None  # trained on the first search
        # Headings and phrases alone are one or two examples a section: too few to learn from.
        self._classify = bool(written)

    def _closest_examples(self, query_tokens: Sequence[str]) -> npt.NDArray[np.float64]:
        if self._examples is None:
            questions, rows = zip(*self._labelled, strict=True)
            self._examples = _Examples(questions, rows, len(self._entries))
        return self._examples.closest(query_tokens, self._weights.examples_floor)

    def _section_probabilities(self, query: str) -> npt.NDArray[np.float64]:
        if self._classifier is None:
            questions, rows = zip(*self._trainable, strict=True)
            self._classifier = _SectionClassifier(
                questions, rows, len(self._entries), self._weights.classifier_temperature
            )
        return self._classifier.probabilities(query)

    def warm(self) -> None:
        """Build what the first search would (the neighbour index, the section classifier): about 2 s."""
        self._closest_examples([])
        if self._classify:
            self._section_probabilities("")

    def search(
        self,
        query: str,
        k: int,
        *,
        one_per_article: bool,
        slugs: Sequence[str] | None = None,
        intents: Sequence[tuple[str, float]] = (),
    ) -> list[Passage]:
        query = " ".join(query[:MAX_QUERY_CHARS].split())
        if not query or k <= 0:
            return []
        scores = self.scores(query, intents)
        if slugs is not None:
            allowed = [self._article_row[slug] for slug in slugs if slug in self._article_row]
            scores = np.where(np.isin(self._section_of_article, allowed), scores, 0.0)
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
            passages.append(
                Passage(
                    slug=article.slug,
                    title=article.title,
                    heading=entry.heading,
                    text=entry.text,
                    score=score,
                )
            )
        return passages

    def scores(self, query: str, intents: Sequence[tuple[str, float]] = ()) -> npt.NDArray[np.float64]:
        """Each section's score in [0, 1] for ``query`` and triage's ``(intent, probability)`` pairs."""
        w = self._weights
        query_tokens = tokens(expand(query))
        lexical = (
            self._text.scores(query_tokens)
            + w.terms * self._terms.scores(query_tokens)
            + w.article * self._article.scores(query_tokens)[self._section_of_article]
        )
        lexical = lexical / (lexical + w.saturation)
        if w.examples > 0.0:
            lexical = lexical + w.examples * self._closest_examples(query_tokens) * (1.0 - lexical)
        if self._classify and w.classifier > 0.0 and np.any(lexical > 0.0):
            # Only beside a known word: the softmax gives some section most of the mass for any text at all.
            # One word ("my card") says too little to pick a section by; two count half.
            evidence = min(1.0, max(0, len(set(query_tokens)) - 1) / (FULL_EVIDENCE_WORDS - 1))
            probabilities = self._section_probabilities(query)
            lexical = lexical + w.classifier * evidence * probabilities * (1.0 - lexical)
        prior = self._prior(intents)
        # The prior of one intent at probability 1 is at most 1 + intent_section: dividing keeps scores <= 1.
        ceiling = 1.0 + w.intent * (1.0 + w.intent_section)
        if self._encoder is not None and self._vectors is not None and np.any(lexical > 0.0):
            # Only beside a known word: a cosine alone would rank every section for any text at all.
            similarity = self._vectors @ _sentence_vectors(self._encoder, [query])[0]
            lexical = lexical + w.embedding * np.maximum(similarity, 0.0)
            ceiling += w.embedding
        return np.asarray((lexical + w.intent * prior) / ceiling, dtype=np.float64)

    def _prior(self, intents: Sequence[tuple[str, float]]) -> npt.NDArray[np.float64]:
        w = self._weights
        prior = np.zeros(len(self._entries))
        total = 0.0
        for intent, probability in intents:
            p = min(max(float(probability), 0.0), 1.0 - total)
            total += p
            for rank, slug in enumerate(INTENT_ARTICLES.get(intent, ())):
                if slug in self._article_row:
                    share = 1.0 if rank == 0 else w.second_article
                    prior[self._section_of_article == self._article_row[slug]] += p * share
            section = INTENT_SECTIONS.get(intent)
            if section is not None and section in self._row:
                prior[self._row[section]] += p * w.intent_section
        return prior


def _sentence_vectors(encoder: Encoder, texts: list[str]) -> npt.NDArray[np.float64]:
    """MiniLM's sentence-embedding layer (the last of the pooled layers the encoder returns), unit length."""
    encoded = np.asarray(encoder.encode(texts), dtype=np.float64)
    width = encoded.shape[1] // len(POOLED_LAYERS)
    sentence = encoded[:, -width:]
    norms = np.linalg.norm(sentence, axis=1, keepdims=True)
    return np.asarray(sentence / np.where(norms == 0.0, 1.0, norms), dtype=np.float64)


def _article_document(article: Article) -> str:
    sections = " ".join(f"{s.heading}. {s.text}" for s in article.sections)
    return f"{article.title}. {'. '.join(article.tags)}. {sections}"
