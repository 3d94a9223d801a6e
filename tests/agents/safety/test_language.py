"""Language detection, urgent cues in other languages and the English half of a mixed message."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from agents.safety.evaluation import load_labelled_lines
from agents.safety.language import detect_language, fold, foreign_cues, mixed_english_part
from agents.safety.screen import screen, to_json

ROOT = Path(__file__).resolve().parents[3]
BANKING77 = ROOT / "fixtures" / "banking77" / "train.csv"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("me robaron la tarjeta", "es"),
        ("Hola, ¿cuál es mi saldo?", "es"),
        ("perdi la cartera con todas mis tarjetas", "es"),
        ("je voudrais parler à un conseiller", "fr"),
        ("ma carte a ete volee", "fr"),  # accents missing
        ("quel est mon solde", "fr"),
        ("Meine Karte wurde gestohlen", "de"),
        ("ich moechte mit einem menschen sprechen", "de"),
        ("Zgubiłem kartę", "pl"),
        ("zgubilam karte", "pl"),  # no Polish letters
        ("Perdi o meu cartão", "pt"),
        ("quero bloquear o meu cartao", "pt"),
        ("Ho perso la carta", "it"),
        ("vorrei parlare con un operatore", "it"),
        ("mijn kaart is gestolen", "nl"),
        ("what is my balance", "en"),
        ("I lost my card", "en"),
        ("my card was stolen", "en"),
        ("my wallet got pinched, block my card", "en"),
    ],
)
def test_detects_short_banking_messages(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text", ["ok", "hi", "yes", "Que?", "saldo", "cheers mate", "", "1234 5678", "👍", "To Las Vegas."]
)
def test_too_short_or_shared_words_are_not_foreign(text: str) -> None:
    assert detect_language(text) in (None, "en")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bună seara, aș vrea să știu cât am plătit la Tesco săptămâna asta", "ro"),
        ("buna, cat am cheltuit pe benzina luna trecuta?", "ro"),  # no Romanian letters
        ("Merhaba, kartımı kaybettim, yardım eder misiniz?", "tr"),
        ("Dobrý den, ztratil jsem kartu, můžete ji zablokovat?", "cs"),
        ("Здравствуйте, какой у меня баланс?", "ru"),
        ("Γεια σας, έχασα την κάρτα μου", "el"),
        ("你好，我的卡丢了", "zh"),
    ],
)
def test_other_languages_are_read_when_the_seven_cannot_call_them(text: str, language: str) -> None:
    """Languages without wording of their own (agents.safety.language.OTHER) are still not English."""
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "dispute the second one",
        "Where's my top up code?",
        "yo wagwan bruv hows it going",
        "dunno wot happened tbh",
        "gis a sec, gonna check me app",
        "did my payment to Иван Петров go through",
    ],
)
def test_english_slang_and_foreign_names_are_not_another_language(text: str) -> None:
    assert detect_language(text) in (None, "en")


def test_english_customer_messages_are_never_read_as_foreign() -> None:
    """Banking77's training questions (10,003 English messages): no reply in the wrong language."""
    with BANKING77.open(encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    foreign = [(t, language) for t in texts if (language := detect_language(t)) not in (None, "en")]
    assert len(texts) > 10_000
    assert foreign == []


def test_mixed_message_is_in_the_other_language_and_keeps_its_english_half() -> None:
    text = "mi tarjeta no funciona desde ayer. Also what's my balance please?"
    assert detect_language(text) == "es"
    assert mixed_english_part(text) == "Also what's my balance please?"
    french = "Bonjour. Je voudrais savoir mon solde.\nAnd can you freeze my card?"
    assert detect_language(french) == "fr"
    assert mixed_english_part(french) == "And can you freeze my card?"


def test_a_message_in_one_language_has_no_english_part() -> None:
    assert mixed_english_part("What's my balance? Thanks") is None
    assert mixed_english_part("Me robaron la tarjeta. Necesito bloquearla.") is None


@pytest.mark.parametrize(
    ("text", "language", "cues"),
    [
        ("me robaron la tarjeta", "es", {"stolen"}),
        ("he perdido mi tarjeta, quiero hablar con una persona", "es", {"lost", "human"}),
        ("no reconozco este cargo, creo que es fraude", "es", {"fraud"}),
        ("Ma carte a été volée", "fr", {"stolen"}),
        ("ma carte a ete volee", "fr", {"stolen"}),
        ("je veux parler à quelqu’un", "fr", {"human"}),
        ("j'ai perdu ma carte", "fr", {"lost"}),
        ("Meine Karte wurde gestohlen, das ist Betrug", "de", {"stolen", "fraud"}),
        ("ich möchte mit einem Mitarbeiter sprechen", "de", {"human"}),
        ("moja karta została skradziona", "pl", {"stolen"}),
        ("zgubiłam kartę", "pl", {"lost"}),
        ("chcę rozmawiać z konsultantem", "pl", {"human"}),
        ("roubaram o meu cartão", "pt", {"stolen"}),
        ("quero falar com um atendente", "pt", {"human"}),
        ("mi hanno rubato la carta", "it", {"stolen"}),
        ("è una frode", "it", {"fraud"}),
        ("vorrei parlare con un operatore", "it", {"human"}),
        ("qual è il mio saldo", "it", {"balance"}),
        # a person mentioned is not a person asked for
        ("quiero transferir dinero a otra persona", "es", set()),
        ("quero transferir dinheiro para outra pessoa", "pt", set()),
        ("una persona mi ha chiesto il codice", "it", set()),
        ("personne ne répond au téléphone", "fr", set()),
        ("ich möchte mit einem Menschen reden", "de", {"human"}),
        ("agente, por favor", "es", {"human"}),
        ("ik wil graag een medewerker spreken", "nl", {"human"}),
        ("połącz mnie z konsultantem", "pl", {"human"}),
        ("¿cuál es mi saldo?", "es", {"balance"}),
        ("wie viel Geld habe ich auf meinem Girokonto?", "de", {"balance"}),
        ("ile mam kasy na koncie?", "pl", {"balance"}),
        ("zgubiłam kartę, jakie mam saldo?", "pl", {"lost", "balance"}),
    ],
)
def test_urgent_cues_in_each_language(text: str, language: str, cues: set[str]) -> None:
    assert foreign_cues(text, language) == cues


def test_cues_without_a_language_look_in_every_lexicon() -> None:
    assert foreign_cues("tarjeta robada", None) == {"stolen"}
    assert foreign_cues("what is my balance", None) == set()


def test_fold_removes_accents_and_polish_letters() -> None:
    assert fold("Volée ŁÓDŹ Straße") == "volee lodz strasse"


def test_screening_carries_the_language() -> None:
    assert screen("Me robaron la tarjeta 4111 1111 1111 1111").language == "es"
    assert to_json(screen("what is my balance"))["language"] == "en"
    assert to_json(screen("ok"))["language"] is None


def test_labelled_cases() -> None:
    """fixtures/safety/language_cases.txt (also measured by bench/language_bench.py)."""
    cases = load_labelled_lines(ROOT / "fixtures" / "safety" / "language_cases.txt")
    assert {c.label for c in cases} == {"en", "es", "fr", "de", "pl", "pt", "it", "nl"}
    readings = [(c.label, detect_language(c.text), c.text) for c in cases]
    # None ("too short to tell") is as good as "en": the message goes the English way.
    assert [r for r in readings if r[1] != r[0] and not (r[0] == "en" and r[1] is None)] == []
