"""Is a model's rewording of a grounded draft faithful to it?

The phrase step lets a model reword a draft built from bank data. A small model may drop or change a figure,
invent one, lose the question the draft asks (the freeze offer, "please reply yes or no"), or echo its own
prompt ("DRAFT:", lines of the system message). Any of these and the grounded draft is sent as it is.

What must survive the rewording:
- every figure: each run of digits (amounts, counts, days, the last four digits of a card or account), read
  with its separators removed, so "£1,234.56" and "1.234,56 £" are the same figure; no new figure either;
- every date word (month and weekday names) when the reply stays in the draft's language;
- the question: a draft that asks something still asks (a "?"), and the actions it names (freeze, cancel,
  report, dispute, ...) are still named when the reply stays in the draft's language;
- no prompt text: neither the markers the prompt wraps the draft in nor a run of words from the prompt
  that the draft itself does not contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"\d+(?:[,.\u00a0\u202f]\d+)*")
_SEPARATORS = re.compile(r"[^\d]")
_MONTHS = (
    "january february march april june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()  # "may" only next to a number (below): it is also a verb
_DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_DATE_WORD = re.compile(
    r"\b(" + "|".join(sorted(_MONTHS + _DAYS, key=len, reverse=True)) + r"|(?<=\d )may|may(?= \d))\b",
    re.I,
)
# Actions a draft may offer or report; each given as the stems its inflections share.
_ACTIONS: dict[str, tuple[str, ...]] = {
    "freeze": ("freez", "froze"),
    "unfreeze": ("unfreez", "unfroze"),
    "cancel": ("cancel",),
    "block": ("block",),
    "report": ("report",),
    "dispute": ("disput",),
    "replace": ("replac",),
    "refund": ("refund",),
    "transfer": ("transfer",),
    "close": ("clos",),
    "yes or no": ("yes or no",),
}
# The markers the phrase prompt wraps text in; a reply carrying one is echoing the prompt.
_PROMPT_MARKERS = re.compile(r"\b(?:DRAFT|FACTS)\b|\b(?:system prompt|rewrite the draft)\b", re.I)
_PROMPT_RUN = 5
"""A run of this many words from the prompt, absent from the draft, is prompt text in the reply."""


@dataclass(frozen=True)
class Faithfulness:
    problems: tuple[str, ...]

    @property
    def faithful(self) -> bool:
        return not self.problems


def check_rewording(draft: str, reworded: str, *, prompt: str, same_language: bool = True) -> Faithfulness:
    """What the rewording lost, changed, added or leaked compared with the draft (nothing: faithful).

    `prompt` is the system message the rewording model was given. `same_language` is False when the model
    was asked to translate: date words and action words are then not compared, figures and the question
    still are.
    """
    problems: list[str] = []
    kept, given = _figures(draft), _figures(reworded)
    lost = sorted(set(kept) - set(given))
    added = sorted(set(given) - set(kept))
    if lost:
        problems.append(f"figures lost or changed: {', '.join(lost)}")
    if added:
        problems.append(f"figures not in the draft: {', '.join(added)}")
    if same_language:
        dates = sorted(_date_words(draft) - _date_words(reworded))
        if dates:
            problems.append(f"dates lost: {', '.join(dates)}")
        actions = sorted(a for a in _actions(draft) if a not in _actions(reworded))
        if actions:
            problems.append(f"actions lost: {', '.join(actions)}")
    if "?" in draft and "?" not in reworded:
        problems.append("the draft's question is no longer asked")
    marker = _PROMPT_MARKERS.search(reworded)
    if marker and not _PROMPT_MARKERS.search(draft):
        problems.append(f"prompt text in the reply: {marker.group(0)!r}")
    else:
        leaked = _prompt_run(prompt, draft, reworded)
        if leaked:
            problems.append(f"prompt text in the reply: {leaked!r}")
    return Faithfulness(tuple(problems))


def _figures(text: str) -> list[str]:
    return [_SEPARATORS.sub("", m.group(0)) for m in _NUMBER.finditer(text)]


def _date_words(text: str) -> set[str]:
    return {m.group(1).lower()[:3] for m in _DATE_WORD.finditer(text)}


def _actions(text: str) -> set[str]:
    lowered = text.lower()
    found = {name for name, stems in _ACTIONS.items() if any(stem in lowered for stem in stems)}
    if "unfreeze" in found and not re.search(r"(?<!un)(?:freez|froze)", lowered):
        found.discard("freeze")  # "unfreeze" alone does not name a freeze
    return found


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _prompt_run(prompt: str, draft: str, reworded: str) -> str | None:
    words = _words(prompt)
    runs = {" ".join(words[i : i + _PROMPT_RUN]) for i in range(len(words) - _PROMPT_RUN + 1)}
    draft_text = " ".join(_words(draft))
    reply = _words(reworded)
    for i in range(len(reply) - _PROMPT_RUN + 1):
        run = " ".join(reply[i : i + _PROMPT_RUN])
        if run in runs and run not in draft_text:
            return run
    return None
