"""Section-level answers: the right section of the right article, on the dev set and on confusable pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.kb import KbFormatError, KnowledgeBase, load_kb
from agents.kb.evaluation import banking77_section_split, measure_sections, read_section_questions
from agents.kb.intent_articles import INTENT_ARTICLES, INTENT_SECTIONS
from agents.triage.data import read_labelled_csv

from .conftest import BANKING77_DIR, KB_DIR

DEV_CSV = KB_DIR / "eval" / "dev_sections.csv"
DEV_TARGET = 0.85
DEV2_CSV = KB_DIR / "eval" / "dev2_sections.csv"
DEV2_FLOOR = 0.85

# Same article or same words, different answer: the sections customers were being sent to wrongly.
CONFUSABLE: list[tuple[str, str, str]] = [
    ("I forgot my PIN", "pin", "See your PIN"),
    ("where do I find the pin for my card", "pin", "See your PIN"),
    ("I forgot my passcode and can't log in to the app", "pin", "Forgotten app passcode"),
    ("locked out of the app, I don't remember my passcode", "pin", "Forgotten app passcode"),
    ("my PIN is blocked after too many wrong attempts", "pin", "PIN blocked"),
    ("how can I change my PIN", "pin", "Change your PIN"),
    ("how do I add my card to Apple Pay", "apple-pay-and-google-pay", "Adding your card"),
    ("can I put my card in my Google wallet", "apple-pay-and-google-pay", "Adding your card"),
    ("I lost my phone, how do I remove my card from Apple Pay", "apple-pay-and-google-pay", "Lost phone"),
    ("my phone was stolen and it has the banking app on it", "lost-or-stolen-card", "Lost or stolen phone"),
    ("someone stole my wallet with my debit card in it", "lost-or-stolen-card", "Report it lost or stolen"),
    ("how long does delivery of a new card take", "card-delivery", "How long delivery takes"),
    ("my card still hasn't arrived after two weeks", "card-delivery", "If your card has not arrived"),
]


def test_dev_set_top1_section_accuracy_meets_the_target(kb: KnowledgeBase) -> None:
    questions = read_section_questions(DEV_CSV, kb)
    assert len(questions) >= 120

    result = measure_sections(kb, questions)

    misses = [(m.question.text, m.question.heading, m.got) for m in result.misses]
    assert result.top1 >= DEV_TARGET, misses
    assert result.top3 >= result.top1


@pytest.mark.parametrize(("question", "slug", "heading"), CONFUSABLE)
def test_confusable_questions_get_their_own_section(
    kb: KnowledgeBase, question: str, slug: str, heading: str
) -> None:
    top = kb.search(question, k=3)[0]

    assert (top.slug, top.heading) == (slug, heading), [
        (p.slug, p.heading, p.score) for p in kb.search(question)
    ]


@pytest.mark.parametrize(
    ("question", "intents", "heading"),
    [
        # Triage read a PIN question as the passcode intent, but not confidently: the words decide.
        ("I forgot my PIN", [("passcode_forgotten", 0.55), ("get_physical_card", 0.3)], "See your PIN"),
        ("forgot my app passcode", [("passcode_forgotten", 0.95)], "Forgotten app passcode"),
        ("my pin got blocked", [("pin_blocked", 0.9)], "PIN blocked"),
    ],
)
def test_intent_prior_moves_close_calls_without_overruling_the_words(
    kb: KnowledgeBase, question: str, intents: list[tuple[str, float]], heading: str
) -> None:
    top = kb.search(question, k=1, intents=intents)[0]

    assert (top.slug, top.heading) == ("pin", heading)


def test_intent_prior_picks_the_intents_section_for_a_vague_question(kb: KnowledgeBase) -> None:
    vague = "my card"  # shared by a dozen sections
    without = kb.search(vague, k=1)
    with_intent = kb.search(vague, k=1, intents=[("card_swallowed", 0.97)])

    assert (with_intent[0].slug, with_intent[0].heading) == ("cash-withdrawals", "The ATM kept your card")
    assert not without or without[0].heading != "The ATM kept your card"


def test_scores_stay_between_zero_and_one_with_a_certain_intent(kb: KnowledgeBase) -> None:
    passages = kb.search("my pin is blocked", k=5, intents=[("pin_blocked", 1.0), ("change_pin", 1.0)])

    assert passages
    assert all(0.0 < p.score <= 1.0 for p in passages)


def test_unknown_intents_are_ignored(kb: KnowledgeBase) -> None:
    plain = kb.search("how do I change my pin", k=3)

    assert kb.search("how do I change my pin", k=3, intents=[("no_such_intent", 0.9)]) == plain


def test_every_intent_section_and_article_exists(kb: KnowledgeBase) -> None:
    for slug, heading in INTENT_SECTIONS.values():
        kb.section(slug, heading)
    for intent, (slug, _heading) in INTENT_SECTIONS.items():
        assert INTENT_ARTICLES[intent][0] == slug or slug in INTENT_ARTICLES[intent], intent
    assert {slug for slugs in INTENT_ARTICLES.values() for slug in slugs} <= set(kb.slugs)


def _copy_kb(tmp_path: Path, terms: str) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    for article in KB_DIR.glob("*.md"):
        (folder / article.name).write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "search_terms.yaml").write_text(terms, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("terms", "problem"),
    [
        ("pin:\n  No such heading: forgot\n", "no section 'No such heading'"),
        ("no-such-article:\n  See your PIN: forgot\n", "no article with slug 'no-such-article'"),
        ("pin:\n  See your PIN: ''\n", "needs a non-empty line of words"),
        ("- just a list\n", "must be a YAML mapping"),
    ],
)
def test_search_terms_for_a_missing_section_are_refused(tmp_path: Path, terms: str, problem: str) -> None:
    with pytest.raises(KbFormatError, match=problem):
        load_kb(_copy_kb(tmp_path, terms))


def test_search_terms_decide_between_sections(tmp_path: Path) -> None:
    # "log in" is not in the passcode section's text; it is in the customers' words for it.
    question = "I can't log in"
    # Without labelled customer questions, whose passcode_forgotten ones say "log in" too.
    terms = (KB_DIR / "search_terms.yaml").read_text(encoding="utf-8")
    with_terms = load_kb(_copy_kb(tmp_path, terms), examples=[])
    folder = tmp_path / "bare"
    folder.mkdir()
    for article in KB_DIR.glob("*.md"):
        (folder / article.name).write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    bare = load_kb(folder, examples=[])

    assert with_terms.search(question, k=1)[0].heading == "Forgotten app passcode"
    assert bare.search(question, k=1)[0].heading != "Forgotten app passcode"


def test_second_dev_set_top1_section_accuracy_keeps_its_floor(kb: KnowledgeBase) -> None:
    # fixtures/kb/eval/dev2_sections.csv was written before the labelled customer questions were added and
    # only weights were chosen on it. Without triage's intents: 0.686 before them, 0.723 after, 0.912 with
    # the questions per section and their classifier (4 Dec; bench/README.md).
    questions = read_section_questions(DEV2_CSV, kb)
    assert len(questions) >= 100

    result = measure_sections(kb, questions)

    assert result.top1 >= DEV2_FLOOR, [(m.question.text, m.question.heading, m.got) for m in result.misses]


def test_labelled_customer_questions_generalise_to_unseen_banking77_questions() -> None:
    # Search among 80% of Banking77, measure on the other 20%: the gain must come from wording the
    # customers share, not from finding the very question.
    rows = read_labelled_csv(BANKING77_DIR / "train.csv")
    kept, measured = banking77_section_split(rows)
    without = measure_sections(load_kb(KB_DIR, examples=[]), measured)
    with_examples = measure_sections(load_kb(KB_DIR, examples=kept), measured)

    assert len(measured) > 1000
    assert not {q.text for q in measured} & {text for text, _ in kept}
    assert with_examples.top1 >= without.top1 + 0.15, (without.top1, with_examples.top1)


def test_a_customers_wording_no_article_uses_finds_its_section() -> None:
    # "won't let me top up" is in no article and no customers' phrase; Banking77 says it many ways.
    question = "the app won't let me top up with my card"
    with_examples = load_kb(KB_DIR, section_questions=False).search(question, k=1)[0]
    without = load_kb(KB_DIR, examples=[], section_questions=False).search(question, k=1)[0]

    assert (with_examples.slug, with_examples.heading) == ("top-ups", "A top-up failed or was reverted")
    assert without.heading != "A top-up failed or was reverted"


def test_examples_naming_a_missing_section_are_ignored() -> None:
    kb = load_kb(KB_DIR, examples=[("where is my pin", "no_such_intent")])

    assert kb.search("where is my pin", k=1)[0].heading == "See your PIN"


@pytest.mark.embeddings
def test_minilm_vectors_keep_the_dev_target_and_the_confusable_pairs() -> None:
    from agents.triage.encoder import load_encoder

    kb = load_kb(KB_DIR, encoder=load_encoder(threads=1))
    questions = read_section_questions(DEV_CSV, kb)

    result = measure_sections(kb, questions)

    assert result.top1 >= DEV_TARGET, [(m.question.text, m.got) for m in result.misses]
    for question, slug, heading in CONFUSABLE:
        top = kb.search(question, k=1)[0]
        assert (top.slug, top.heading) == (slug, heading), question
    assert kb.search("zzzqqxv") == []
