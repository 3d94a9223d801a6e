"""Which language a customer wrote in, offline: lingua's n-gram models plus small word lists.

Detection is biased towards English: a chat reply in the wrong language is worse than a missed one, so a
message counts as foreign only when lingua and the word lists agree enough (see ``_read``), and a message
too short to tell (``ok``, ``saldo``) is ``None``. The detector is built on first use, never at import:
low-accuracy mode (trigrams only) builds in about 0.15 s and 40 MB where high accuracy takes 3.5 s and
240 MB, and with the word lists it reads short banking messages as well (see tests/agents/safety).

Urgent cues (a lost or stolen card, fraud, a person asked for) are caught per language by accent-blind
patterns, so a customer the assistant cannot serve in their language is still handed off at the right
priority.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

ENGLISH = "en"
FOREIGN = ("es", "fr", "de", "pl", "pt", "it", "nl")
SUPPORTED = (ENGLISH, *FOREIGN)
NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "pl": "Polish",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
}

# Other languages customers in the UK write in, which the assistant has no wording for: read only where the
# seven above and English are all too close to call, so an English message is never read as one of them.
# Lingua's languages whose trigrams short English slang often matches ("yo wagwan bruv" reads as Tswana,
# "cheers mate ta" as Afrikaans) are left out.
OTHER = (
    "ro", "bg", "lt", "lv", "hu", "cs", "sk", "sl", "hr", "bs", "sr", "sq", "mk", "tr", "el", "ru", "uk",
    "be", "ar", "fa", "ur", "he", "hi", "bn", "pa", "gu", "ta", "te", "mr", "zh", "ja", "ko", "th", "vi",
    "so", "sv", "da", "nb", "fi", "et", "cy", "ga", "ka", "hy", "az", "kk",
)  # fmt: skip
# A message in another language counts only with this many words, at most one of them on the English list,
# lingua's best guess among English, the seven and these this sure, and English all but ruled out (close
# languages share the confidence: "Merhaba, hesabımda ne kadar para var?" is 0.88 Azerbaijani, 0.09 Turkish).
# A script other than Latin is enough on its own.
OTHER_MIN_WORDS = 4
OTHER_MIN_CONFIDENCE = 0.5
OTHER_SURE = 0.9
OTHER_MAX_ENGLISH = 0.05

LOST, STOLEN, FRAUD, HUMAN, BALANCE = "lost", "stolen", "fraud", "human", "balance"
# Moving money to a "safe account" on a caller's say-so: the impersonation scam, in any language.
SCAM = "scam"
URGENT_CUES = frozenset({LOST, STOLEN, FRAUD, SCAM})

# Fewer letters than this and no word from a list: too short to tell.
MIN_LETTERS = 8
# Each word found in a language's list adds this to lingua's confidence (at most three count).
WORD_WEIGHT = 0.3
MIN_SCORE = 0.6

# Words frequent in short banking messages, accent-folded. Shared words (``la``, ``de``) may sit in several
# foreign lists; none sits in the English one, which holds words a foreign message rarely contains.
WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "i i'm im my me the is was what whats what's why where how when can could you your it its please "
        "card cards balance account money payment paid charged lost stolen freeze block help want need "
        "to of and for with have has did do does don't dont not this that my hi hello thanks thank "
        "much spent transaction transactions refund person human agent speak talk someone yes".split()
    ),
    "es": frozenset(
        "hola gracias buenos buenas dias tardes mi mis tarjeta tarjetas cuenta saldo quiero necesito por "
        "favor que porque cual cuanto donde esta estoy tengo he han me robaron robada robado perdi perdido "
        "perdida hablar con una persona agente ayuda dinero cobro cobraron pago fraude estafa nueva el los "
        "las del y funciona bloquear".split()
    ),
    "fr": frozenset(
        "bonjour bonsoir merci je j'ai suis ma mon mes carte compte solde voudrais veux parler avec un une "
        "conseiller conseillere quelqu'un vole volee perdu perdue est pourquoi ou nouvelle paiement fraude "
        "arnaque aide argent bancaire le les des du et pas ne bloquer s'il vous plait on m'a".split()
    ),
    "de": frozenset(
        "hallo guten tag danke ich bin meine mein karte konto kontostand mochte moechte will bitte mit "
        "einem einer mitarbeiter mitarbeiterin mensch menschen sprechen gestohlen verloren betrug wo ist "
        "neue warum wurde habe zahlung abbuchung hilfe geld der die das und nicht sperren sie".split()
    ),
    "pl": frozenset(
        "dzien dobry czesc dziekuje prosze moja moje moj karta karte karty konto saldo chce chcialbym "
        "chcialabym rozmawiac z konsultantem konsultant osoba czlowiekiem zgubilem zgubilam zgubiona "
        "skradziona ukradziono ukradli oszustwo gdzie jest nowa dlaczego platnosc pomoc pieniadze nie "
        "zablokowac mi sie jakie mam jak tak czy ktory ktora tutaj na w ze przez rozmowe wiadomosc".split()
    ),
    "pt": frozenset(
        "ola obrigado obrigada bom dia boa tarde meu minha meus cartao conta saldo quero preciso falar com "
        "um uma atendente pessoa roubado roubada roubaram perdi perdido perdida fraude golpe onde esta novo "
        "por que qual pagamento ajuda dinheiro os do da nao bloquear".split()
    ),
    "it": frozenset(
        "ciao buongiorno grazie salve mio mia miei carta conto saldo vorrei voglio parlare con un una "
        "operatore persona rubata rubato rubati perso persa smarrita frode truffa dove si trova nuova "
        "perche pagamento aiuto soldi il lo gli della di ho hanno non bloccare".split()
    ),
    "nl": frozenset(
        "hallo goedemorgen dank bedankt ik mijn pas kaart rekening saldo wil graag spreken met een "
        "medewerker kwijt gestolen fraude waar nieuwe waarom betaling hulp geld het niet blokkeren".split()
    ),
}

# Urgent cues per language, on accent-folded lower-case text.
_CUES: dict[str, dict[str, str]] = {
    "es": {
        BALANCE: r"\bsaldo\b|\bcuanto (?:dinero |plata )?(?:tengo|me queda|hay)\b",
        LOST: r"\bperd(?:i|io|ido|ida|idos|idas|ieron)\b|\bextravi\w*",
        STOLEN: r"\brob(?:ad[oa]s?|aron|o|ar)\b|\bhurt(?:ad[oa]s?|aron|o)\b|\bme quitaron\b",
        FRAUD: r"\bfraud\w*|\bestaf\w*|\bno reconozco\b",
        SCAM: r"\bcuenta (?:segura|de seguridad|protegida)\b",
        HUMAN: r"\b(?:hablar|habla|hable|comunicarme|pasarme|pasame|contactar|atienda)\b.{0,30}"
        r"\b(?:persona|alguien|agente|humano|operador\w*|asesor\w*|ejecutivo)\b|\bpersona real\b"
        r"|^\W*(?:un |una )?(?:agente|asesor|operador|persona|humano)\W*(?:por favor)?\W*$",
    },
    "fr": {
        BALANCE: r"\bsolde\b|\bcombien (?:d'argent |d argent )?(?:j'ai|j ai|ai-je|ai je|il me reste|"
        r"me reste-t-il)\b",
        LOST: r"\bperdu[es]{0,2}\b|\begare[es]{0,2}\b",
        STOLEN: r"\bvole[es]{0,2}\b|\bvol de\b|\bderob\w*",
        FRAUD: r"\bfraud\w*|\barnaqu\w*|\bescroqu\w*|\bne reconnais pas\b",
        SCAM: r"\bcompte (?:securise|sur|de securite|protege)\b",
        HUMAN: r"\b(?:parler|discuter|passer|mettre|joindre|contacter)\b.{0,30}"
        r"\b(?:quelqu'?un|conseill(?:er|ere)|humain|personne|agent|operat(?:eur|rice))\b|\bvrai humain\b"
        r"|^\W*(?:un )?(?:conseiller|agent|humain)\W*(?:s'il vous plait)?\W*$",
    },
    "de": {
        BALANCE: r"\bkontostand\b|\bguthaben\b|\bwie ?viel (?:geld )?(?:habe ich|hab ich|ist auf)\b",
        LOST: r"\bverloren\b",
        STOLEN: r"\bgestohlen\b|\bgeklaut\b|\bdiebstahl\b",
        FRAUD: r"\bbetrug\w*|\bbetrueg\w*|\bnicht erkenne\b",
        SCAM: r"\bsicheres konto\b|\bsicherheitskonto\b",
        HUMAN: r"\b(?:mitarbeiter(?:in)?|menschen?|person|berater(?:in)?|kundenberater\w*|jemandem)\b.{0,30}"
        r"\b(?:sprechen|reden|verbinden|chatten)\b"
        r"|\b(?:sprechen|reden|verbinden|chatten)\b.{0,30}\b(?:mitarbeiter(?:in)?|menschen?|berater(?:in)?)\b"
        r"|^\W*(?:mitarbeiter|berater)\W*(?:bitte)?\W*$",
    },
    "pl": {
        BALANCE: r"\bsaldo\b|\bstan (?:mojego )?konta\b|\bile (?:mam|jest)\b.{0,20}\b(?:kasy|pieniedzy|"
        r"na koncie|srodkow)\b",
        LOST: r"\bzgubi\w*|\bzagubi\w*",
        STOLEN: r"\bskradzion\w*|\bukradzion\w*|\bukradl\w*|\bukradli\b|\bkradziez\w*",
        FRAUD: r"\boszust\w*|\bwyludz\w*",
        SCAM: r"\bbezpieczn\w* (?:konto|rachunek)\b",
        HUMAN: r"\b(?:rozmaw\w*|porozmaw\w*|polacz\w*|przekaz\w*|kontakt\w*|mowic)\b.{0,30}"
        r"\b(?:konsultant\w*|czlowiek\w*|pracownik\w*|doradc\w*|osob\w*)"
        r"|\bz (?:prawdziwym |zywym )?czlowiekiem\b"
        r"|^\W*konsultant\w*\W*(?:prosze)?\W*$",
    },
    "pt": {
        BALANCE: r"\bsaldo\b|\bquanto (?:dinheiro )?(?:tenho|me resta|ha na)\b",
        LOST: r"\bperd(?:i|eu|ido|ida|idos|idas)\b|\bextravi\w*",
        STOLEN: r"\broub(?:ad[oa]s?|aram|o|ou)\b|\bfurt(?:ad[oa]s?|aram|o)\b",
        FRAUD: r"\bfraud\w*|\bgolpe\b|\bnao reconheco\b",
        SCAM: r"\bconta (?:segura|de seguranca|protegida)\b",
        HUMAN: r"\b(?:falar|conversar|ligar|contactar|contatar|passe|passa|passar)\b.{0,30}"
        r"\b(?:atendente|pessoa|humano|alguem|operador\w*|gerente|funcionario)\b|\batendimento humano\b"
        r"|^\W*(?:um )?(?:atendente|humano|operador)\W*(?:por favor)?\W*$",
    },
    "it": {
        BALANCE: r"\bsaldo\b|\bquant[oi] (?:soldi )?(?:ho|mi resta|c'e)\b",
        LOST: r"\bpers[oaie]\b|\bsmarrit\w*",
        STOLEN: r"\brubat[oaie]\b|\brubato\b|\bfurt(?:o|at[oaie])\b",
        FRAUD: r"\bfrod\w*|\btruff\w*|\bnon riconosco\b",
        SCAM: r"\bconto (?:sicuro|di sicurezza|protetto)\b",
        HUMAN: r"\b(?:parlare|parlarne|passarmi|passami|contattare|mettermi in contatto)\b.{0,30}"
        r"\b(?:operat(?:ore|rice)|persona|umano|qualcuno|consulente)\b"
        r"|^\W*(?:un )?(?:operatore|consulente)\W*(?:per favore)?\W*$",
    },
    "nl": {
        BALANCE: r"\bsaldo\b|\bhoeveel (?:geld )?(?:heb ik|staat er)\b",
        LOST: r"\bkwijt\b|\bverloren\b",
        STOLEN: r"\bgestolen\b|\bdiefstal\b",
        FRAUD: r"\bfraude\b|\boplicht\w*",
        SCAM: r"\bveilige rekening\b|\bkluisrekening\b",
        HUMAN: r"\b(?:medewerker|mens|persoon)\b.{0,20}\b(?:spreken|praten|chatten)\b"
        r"|\b(?:spreken|praten|doorverbinden)\b.{0,25}\b(?:medewerker|mens|persoon)\b",
    },
    # Urdu and Hindi typed in Latin letters (ROMAN_URDU): "mere account mein kitne paise hain", "mera card
    # kho gaya", "chori ho gaya", "kisi banday se baat karni hai".
    "ur": {
        BALANCE: r"\bkitne (?:paise|pese|paisay|rupay|pound)\b|\bbalance kitna\b|\bkitna balance\b",
        LOST: r"\bkho (?:gaya|gayi|gaye|diya|di)\b|\bgum (?:ho|gaya|gayi)\b|\bnahi mil (?:raha|rahi)\b",
        STOLEN: r"\bchori\b|\bchura\w*|\bchheen\w*|\bcheen\w*",
        FRAUD: r"\bdhoka\w*|\bdhokha\w*|\bfraud\b",
        HUMAN: r"\b(?:banda|bande|banday|insaan|aadmi|kisi)\b.{0,25}\b(?:baat|bat)\b",
    },
}

_FOLD_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "\u2019": "'", "\u2018": "'"})
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# A sentence ends at . ! ? or a line break; "£4.50" stays whole because a space must follow.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|[\r\n]+")


def fold(text: str) -> str:
    """Lower case without accents: ``Volée`` and ``volee`` read the same."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@cache
def _detector(codes: tuple[str, ...] = SUPPORTED) -> LanguageDetector:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    return sum("LATIN" in unicodedata.name(c, "") for c in letters) / len(letters)


def written_in_latin(text: str) -> bool:
    """Half its letters or more are Latin ones (Urdu in Latin letters, not in its own script)."""
    return _latin_share(text) >= 0.5


def _accented(text: str) -> bool:
    return any(c.isalpha() and not c.isascii() for c in text)


def _other_language(text: str, words: list[str], hits: dict[str, int]) -> str | None:
    """A language of ``OTHER`` for a stretch the seven and English could not call, or None."""
    latin = _latin_share(text) >= 0.5
    # Letters English does not use (ă, ı, ș, ő...) are evidence of their own; without them lingua must be
    # sure and no word may be on the English list ("dispute the second one" is not Romanian).
    accented = _accented(text)
    if latin and (len(words) < OTHER_MIN_WORDS or hits[ENGLISH] > (1 if accented else 0)):
        return None
    values = _detector((*SUPPORTED, *OTHER)).compute_language_confidence_values(text)
    if not values:
        return None
    confidence = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
    best = max(confidence, key=lambda code: confidence[code])
    if best == ENGLISH or (
        latin
        and (
            best not in OTHER
            or confidence[best] < (OTHER_MIN_CONFIDENCE if accented else OTHER_SURE)
            or confidence.get(ENGLISH, 0.0) > OTHER_MAX_ENGLISH
        )
    ):
        return None
    return best


# Urdu and Hindi as most UK customers type them, in Latin letters ("aur abhi mere account mein kitne paise
# hain?"): lingua has no model for it, so the words tell. None of them is an English word or on another list.
ROMAN_URDU = "ur"
_ROMAN_URDU_WORDS = frozenset(
    "kitne kitna kitni paise paisa hain mere mera meri mujhe mujhko aapka aapki aapke kya kyun kyon kaise "
    "kaisa nahi nahin shukriya abhi aur bhej bhejna bhejne bhejo bhejiye khata khaate batao bataiye bataen "
    "chahiye karo karna karein kijiye raha rahi gaya gayi hua hui wala wali bhai haan accha acha theek jaldi "
    "kab kahan kaun yeh woh hamara hamari tumhara hamein humein salaam assalam walaikum diya kiya liya aaya "
    "aayi aaye aayenge kho".split()
)
ROMAN_URDU_MIN_WORDS = 3


def _roman_urdu(words: list[str], hits: dict[str, int]) -> bool:
    """Three or more of its words, and more than one over the English ones (a word or two, in an English
    message, is a borrowing: "my bhai in Karachi")."""
    found = sum(w in _ROMAN_URDU_WORDS for w in words)
    return found >= ROMAN_URDU_MIN_WORDS and found > hits[ENGLISH] + 1


def _read(text: str) -> str | None:
    """One stretch of text: "en", a foreign code, or None when it is too short or too close to call."""
    words = _WORD.findall(fold(text))
    if not words:
        return None
    hits = {code: min(3, sum(w in WORDS[code] for w in words)) for code in SUPPORTED}
    if _latin_share(text) < 0.5:
        return _other_language(text, words, hits)  # Cyrillic, Greek, Arabic, Devanagari, Chinese...
    if _roman_urdu(words, hits):
        return ROMAN_URDU
    letters = sum(len(w) for w in words)
    if letters < MIN_LETTERS and not any(hits.values()):
        return None
    if len(words) == 1 and sum(1 for code in FOREIGN if hits[code]) > 1:
        return None  # "saldo", "banco": one word several languages share
    confidence = {
        c.language.iso_code_639_1.name.lower(): c.value
        for c in _detector().compute_language_confidence_values(text)
    }
    scores = {code: confidence.get(code, 0.0) + WORD_WEIGHT * hits[code] for code in SUPPORTED}
    best = max(scores, key=lambda code: scores[code])
    if best == ENGLISH:
        english = ENGLISH if scores[best] >= MIN_SCORE / 2 else None
        if english and (hits[ENGLISH] or not _accented(text)):
            return english
        # No English word and letters English does not use ("Bună seara, aș vrea să știu..."): lingua,
        # knowing only English and the seven, may have guessed English for want of the right language.
        return _other_language(text, words, hits) or english
    # A foreign reading needs the word lists' support, or a long message lingua is sure of.
    sure = confidence.get(best, 0.0) >= 0.9 and len(words) >= 5
    if scores[best] < MIN_SCORE or not (hits[best] or sure) or hits[best] <= hits[ENGLISH]:
        return _other_language(text, words, hits)
    return best


@dataclass(frozen=True)
class _Sentence:
    text: str
    language: str | None
    letters: int


def _sentences(text: str) -> list[_Sentence]:
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p.strip()]
    return [_Sentence(p, _read(p), sum(len(w) for w in _WORD.findall(p))) for p in parts]


def detect_language(text: str) -> str | None:
    """The customer's language as an ISO 639-1 code ("en", "es", ...), or None if too short to tell.

    A message mixing sentences in English and another language is in the other language: that is the
    customer's own, and ``mixed_english_part`` finds the English half to serve.
    """
    sentences = _sentences(text)
    if len(sentences) == 1 and sentences[0].text == text.strip():
        return sentences[0].language
    if len(sentences) > 1:
        weights: dict[str, int] = {}
        for s in sentences:
            if s.language and s.language != ENGLISH:
                weights[s.language] = weights.get(s.language, 0) + s.letters
        if weights:
            return max(weights, key=lambda code: weights[code])
    return _read(text)


def is_foreign(language: str | None) -> bool:
    return language is not None and language != ENGLISH


def mixed_english_part(text: str) -> str | None:
    """The English sentences of a message that mixes them with another language; None if not mixed."""
    sentences = _sentences(text)
    english = [s.text for s in sentences if s.language == ENGLISH]
    if english and any(is_foreign(s.language) for s in sentences):
        return " ".join(english)
    return None


@cache
def _cue_patterns(language: str) -> dict[str, re.Pattern[str]]:
    return {cue: re.compile(pattern) for cue, pattern in _CUES.get(language, {}).items()}


def foreign_cues(text: str, language: str | None) -> set[str]:
    """Urgent cues in ``language`` (or in any supported language when None): lost, stolen, fraud, human."""
    folded = fold(text)
    languages: Iterable[str] = FOREIGN if language is None else (language,)
    return {cue for code in languages for cue, p in _cue_patterns(code).items() if p.search(folded)}
