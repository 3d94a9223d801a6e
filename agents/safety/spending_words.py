"""A spending question in another language, read into English words offline (issue 12).

"Combien j'ai dépensé chez Aldi depuis septembre ?" is not a balance question ("combien j'ai" alone would be
one): the local provider has no French, but the question has three parts it can read without a model: a
verb of spending, a shop after its preposition ("chez Aldi") and a month, perhaps after "since"
("depuis septembre"). ``spending_in_english`` gives "how much did I spend at aldi since september", which
the spending procedure answers in English figures; anything it cannot read returns None and the message
goes to a person as before.
"""

from __future__ import annotations

import re

from agents.safety.language import fold

# A verb of spending, on accent-folded lower-case text.
SPENT_PATTERNS: dict[str, str] = {
    "es": r"\bgast(?:e|o|ado|amos|aste|ar)\b",
    "fr": r"\bdepens(?:e|e?s|er|ons|ez)\b",
    "de": r"\bausgegeben\b",
    "pl": r"\bwyda(?:l|la|lem|lam|lismy|lysmy|no|je|je)\b",
    "pt": r"\bgast(?:ei|ou|o|amos|ado|ar)\b",
    "it": r"\bspes[oaie]\b|\bspendo\b",
    "nl": r"\buitgegeven\b|\bbesteed\b",
}
_SPENT = {code: re.compile(pattern) for code, pattern in SPENT_PATTERNS.items()}

_MONTHS_EN = "january february march april may june july august september october november december".split()
# Each language's month names (folded), January first; Polish months are matched by their stem, whatever
# the case ending ("od wrzesnia", "we wrzesniu").
_MONTHS: dict[str, tuple[str, ...]] = {
    code: tuple(names.split())
    for code, names in {
        "es": "enero febrero marzo abril mayo junio julio agosto (?:septiembre|setiembre) octubre noviembre "
        "diciembre",
        "fr": "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
        "de": "januar februar (?:marz|maerz) april mai juni juli august september oktober november dezember",
        "pl": r"stycz\w* lut\w* mar(?:zec|ca|cu)\w* kwie\w* maj\w* czerw\w* lip\w* sierp\w* wrze\w* "
        r"pazdziernik\w* listopad\w* grud\w*",
        "pt": "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro",
        "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
        "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    }.items()
}
_SINCE: dict[str, str] = {
    "es": r"desde(?: el| principios de)?",
    "fr": r"depuis(?: le| debut)?",
    "de": r"seit(?: dem| anfang)?",
    "pl": r"od(?: poczatku)?",
    "pt": r"desde(?: o| o inicio de)?",
    "it": r"da(?:l|ll'|lla|ll)?(?: inizio di)?",
    "nl": r"(?:sinds|vanaf|sedert)(?: begin)?",
}
# The word before a shop's name.
_AT: dict[str, str] = {
    "es": r"en(?: el| la)?",
    "fr": r"(?:chez|au|a|sur)",
    "de": r"(?:bei|im)",
    "pl": r"(?:w|u|na)",
    "pt": r"(?:no|na|em)",
    "it": r"(?:da|al|in|presso)",
    "nl": r"(?:bij)",
}
_ARTICLES = frozenset("le la les l el los las un une der die das dem den de het een il lo o a".split())


def asks_spending(text: str, language: str) -> bool:
    pattern = _SPENT.get(language)
    return bool(pattern and pattern.search(fold(text)))


def _month(words: str, language: str) -> tuple[int, re.Match[str]] | None:
    for index, name in enumerate(_MONTHS[language]):
        if found := re.search(rf"\b{name}\b", words):
            return index, found
    return None


def spending_in_english(text: str, language: str) -> str | None:
    """English words for a spending question in ``language`` (see the module docstring), or None."""
    if language not in _MONTHS or not asks_spending(text, language):
        return None
    words = fold(text)
    english = "how much did i spend"
    month = _month(words, language)
    since_word = re.compile(rf"^(?:{_SINCE[language]})$")
    articles = "|".join(sorted(_ARTICLES))
    for shop in re.finditer(rf"\b{_AT[language]} (?:(?:{articles}) )?([a-z0-9&'-]+)", words):
        name = shop.group(1)
        if not since_word.match(name) and not _month(name, language):
            english += f" at {name}"
            break
    if month:
        index, found = month
        since = re.search(rf"\b(?:{_SINCE[language]}) $", words[: found.start()])
        english += f" {'since' if since else 'in'} {_MONTHS_EN[index]}"
    return english
