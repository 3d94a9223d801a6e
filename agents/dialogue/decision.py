"""What a customer's message means while a state change waits for their confirmation.

``read_decision`` answers ``yes`` (go ahead), ``no`` (don't), ``unclear`` (a reply to the question that is
neither: ask again) or ``other`` (a new request: answer it, and keep the action waiting). People agree in
many ways ("go for it", "alright then", "sure thing, thanks", "👍"); a yes hedged with a no ("yes but not
yet", "ok wait") is not a yes. Nothing here acts: the app records a yes as consent, then the graph acts.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from enum import StrEnum
from functools import cache
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from agents.dialogue.cues import normalise, spared_thing


class Decision(StrEnum):
    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"
    OTHER = "other"


# Whole phrases of agreement and refusal, matched on the normalised text (lower case, letters and spaces).
_YES_PHRASES = (
    r"y|ya|ye|yes|yess+|yea|yeah|yeh|yep|yup|aye|sure|sure thing|of course|ok|okay|okey|k|kk|alright|"
    r"all right|"
    r"right|fine|fine by me|fine go ahead|good|great|perfect|lovely|brilliant|cool|absolutely|definitely|"
    r"certainly|indeed|correct|thats right|that is right|thats correct|that is correct|exactly|affirmative|"
    r"go|go ahead|go on|go on then|go for it|go ahead please|please go ahead|do it|do it now|do that|do so|"
    r"just do it|please do|please do it|please do that|yes do it|proceed|please proceed|confirm|confirmed|"
    r"i confirm|agreed|i agree|sounds good|sounds great|that sounds good|makes sense|why not|lets do it|"
    r"lets do that|lets go|yes please|yes thanks|yes thank you|please|please yes|yes go ahead|yes do that|"
    r"yes please do|yes i do|yes i am|yes it is|yes thats right|yes go for it|by all means|please freeze it|"
    r"freeze it|block it|cancel it|stop it|report it|dispute it|yes freeze it|yes block it|yes cancel it|"
    r"yes report it|yes dispute it|yes freeze|yes block|yes cancel|yes report|i guess so|i suppose so|"
    # "yeah bin it": a cancellation taken up in everyday words
    r"bin it|bin it off|get rid of it|ditch it|"
    r"guess so|"
    r"suppose so|i think so|yes i think so|go on then|that would be great|that would be good|please go on|"
    r"can you do it|could you do it|can you do that|could you do that|please can you do it|thats it|"
    r"thats the one|that one|yes that one|very well|very good|crack on|crack on then|get on with it|"
    r"on you go|sort it|"
    r"sort it out|sort it now|that would be (?:great|good|lovely|brilliant|perfect|helpful|"
    r"wonderful|fantastic|kind|ideal)|sound|spot on|bang on|nice one|ace|deffo|defo|si|oui|ja|tak|sim|"
    # "If you could, that would be lovely, thank you dear": a polite yes
    r"if you could|if you can|if you would|if you dont mind|if you wouldnt mind|if thats ok|if thats okay|"
    r"if you would be so kind|please if you can|please if you could|"
    # "I should be obliged if you would", "I'd be grateful if you could": a formal yes
    r"(?:i|id|i would|i should|i d) (?:be )?(?:(?:most|very|so|really) )?(?:obliged|grateful)"
    r"(?: if you (?:would|could|did|can|will)(?: do (?:that|so|it))?)?|"
    # "that is the one", "that's it": the payment or direct debit shown is the one meant
    r"that is the one|this is the one|thats the one|that is it|this is it|that is the payment|"
    # "please raise it", "put it through": a dispute (or a claim) taken up in everyday words
    r"raise it|raise that|raise the dispute|raise a dispute|put it through|put the claim in|lodge it|"
    r"claim it back|make the claim|file it|"
    # "both please" to an offer for two cards
    r"both|both of them|both cards|both of em|the both of them"
)
_NO_PHRASES = (
    r"n|no|nope|nah|naw|no way|no thanks|no thank you|no ta|not now|not yet|not today|not really|dont|"
    r"do not|dont do it|dont do that|do not do that|please dont|please do not|no dont|no please dont|"
    r"no leave it|leave it|leave it for now|leave it please|never mind|nevermind|forget it|forget about it|"
    r"cancel|cancel that|stop|hold on|hold off|wait|hang on|changed my mind|i changed my mind|"
    r"ive changed my mind|"
    r"i dont want that|i dont want to|no i dont|no i dont want that|absolutely not|definitely not|"
    r"certainly not|of course not|negative|nein|non|nie|nao|"
    # "no, I'm ok thanks": declining an offer (of a person, say) politely
    r"i m ok|im ok|i m fine|im fine|i m good|im good|i m alright|im alright|all good|no need|thats all|"
    r"thats all i needed|thats everything|"
    # "hmm actually hold off on that, I'll email them first": not now, nothing done
    r"let me think|let me think about it|ill think about it|i will think about it|ill leave it|"
    r"ill sort it myself|ill do it myself|not just yet|leave it a while|leave it for a bit|hold fire|"
    r"dont bother|no dont bother|"
    # "on second thoughts no, leave it on": the card (or the payment) stays as it is
    r"leave it on|keep it on|leave it as it is|leave it active|keep it active|leave it running|keep it going|"
    r"ive had second thoughts|second thoughts|on second thoughts|on second thought|"
    # "not right now", "I'd rather not", "best not", "scrap that": declined in other everyday words
    r"not right now|not at the moment|not for now|maybe later|later maybe|perhaps later|ill hold off|"
    r"i will hold off|id rather not|i would rather not|rather not|best not|better not|scrap that|scrap it|"
    r"no chance|not bothered|no no"
)
_FILLER = (
    # "ugh yes freeze it 🙄": a sigh or an exclamation before the answer changes nothing
    r"(?:(?:oh|um|erm|just|simply|hmm|hm|mm|mmm|well|ah|uh|ugh|urgh|argh|omg|gosh|jeez|sigh|ffs|and|so|actually|ok|okay|"
    r"sorry|cheers|thanks|ta|right|mate|love|pal|dear|hun|bud|"
    r"on second thoughts?|on reflection|come to think of it|thinking about it)\s+)*"
)
_YES = re.compile(rf"^{_FILLER}(?:{_YES_PHRASES})(?:\s+(?:{_YES_PHRASES}))*$")
# "wait actually no leave it", "hang on, sorry, no": fillers between the words of a refusal.
_NO = re.compile(rf"^{_FILLER}(?:{_NO_PHRASES})(?:\s+{_FILLER}(?:{_NO_PHRASES}))*$")
# Not now, some other time: "leave it till the new box is in", "do it another time", "let's leave it until
# next month". Put off is declined: nothing changes until the customer asks again.
_POSTPONED = re.compile(
    rf"^{_FILLER}(?:(?:lets|let s|i(?:ll| will)?|we(?:ll| will)?|can we|could we|please|just)\s+)*"
    r"(?:leave it|hold off|wait|hang on|hold on|do it|cancel it|stop it)\s+(?:(?:un)?til+|until|for now and|"
    r"(?:for )?(?:another|some other|a different) (?:time|day|week|month)|(?:next|after) \w+|later\b)"
    r"|(?:another|some other) (?:time|day)$"
)
# Courtesies and fillers that do not change the answer: "sure thing, thanks", "yes mate", "go for it love".
_TRAILING = re.compile(
    r"\s+(?:thanks|thank you|thankyou|cheers|ta|mate|love|pal|dear|then|now|please|pls|plz|asap|quickly|"
    r"straight away|right away|right now|again|x+|lol|haha|for me|for now|(?:ever )?so much|very much|"
    r"on that|on it|on this|for the moment|for a bit|for a while|for today|actually|quick|fast|sharpish|"
    r"pronto|immediately|urgently|as soon as possible|as quick as you can|as fast as you can|"
    # "yes freeze it asap omg": an exclamation after the answer changes nothing either
    r"omg|oh my god|oh my gosh|oh god|god|gosh|jeez|ffs|wtf|ugh|eek|yikes|phew)$"
)
# "Oh yes please do, I'm all of a shake": a yes after a filler, then how the customer feels.
_LEADING_YES = re.compile(
    rf"^{_FILLER}(?:{_YES_PHRASES})\b(?!\s+(?:but|though|however|wait|hold|dont|not|no)\b)"
)
# "no worries, go ahead", "hmm no idea": everyday phrases that start with "no" and refuse nothing.
_NO_BUT_NOT_NO = r"idea|clue|worries|problem|probs|rush|bother"
_LEADING_NO = re.compile(
    r"^(?:(?:mm|mmm|hmm|hm|um|erm|oh|ah|well|actually|sorry)\s+)*"
    r"(?:no|nope|nah|dont|do not|please dont|stop|wait|hold on|never mind|cancel)\b"
    rf"(?! (?:{_NO_BUT_NOT_NO})\b)"
)
_HEDGE = re.compile(
    r"\b(?:but|though|however|wait|hold on|hang on|not sure|unsure|maybe|perhaps|dont know|idk|"
    r"should i|would you|what if|what happens|what does|will it|does it|can i still|is it safe)\b"
)
_EMOJI_YES = ("👍", "✅", "👌", "✔", "🙏")
_EMOJI_NO = ("👎", "❌", "✖", "🚫")
# A sentence that asks for something else starts a new request rather than answering.
_REQUEST = re.compile(
    r"\b(?:what|whats|how|hows|when|where|wheres|why|which|who|show|tell|check|list|balance|transactions?|"
    r"payments?|spent|spend|statement|dispute|freeze|unfreeze|report|cancel|block|order|send|transfer|"
    r"card|account|savings|direct debit|standing order|complain|complaint|person|human|agent|talk|speak|"
    r"someone|somebody|any (?:news|updates?|progress|word))\b"
)
_OTHER_MIN_WORDS = 4
# "hmm wait, when does it next come out": a sigh before the wait word leaves it a wait word
_LEADING_FILLER = re.compile(r"^(?:(?:hmm|hm|mm|um|erm|oh|ah|ok|okay|actually|sorry|just|well|so)\s+)+")
_WAIT = frozenset({"wait", "hold on", "hang on", "hold off", "one sec", "one second", "just a sec"})
_WAIT_WORDS = re.compile(rf"\b(?:{'|'.join(sorted(_WAIT))})\b")
_PUZZLED = re.compile(
    r"^(?:sorry|pardon|what|huh|eh|hm+|um+|i dont understand|i dont get it|what do you mean|how do you mean|"
    r"what does that mean|which card|which one|explain|say again)$"
)
_QUESTION_START = re.compile(
    r"^(?:what|whats|how|hows|when|where|wheres|why|which|who|show|tell|list|can you|could you|can i|could i|"
    r"may i|"
    r"i want|i need|id like|i would like|also|any (?:news|updates?|progress|word))\b"
)


# The action named again after a yes ("yes please unfreeze it", "sure, go ahead and freeze it"). A bare
# "cancel" or "stop" is a no, so those two count only with what they act on.
_RESTATED = re.compile(
    r"\b(?:and |then |so )?(?:please |just |go ahead and |do )?"
    r"(?:(?:un)?(?:freeze|block|lock)|report|dispute|"
    r"(?:cancel|stop|turn) (?:it|that|them|this|the card|my card|the payment|the direct debit|the standing "
    r"order)(?: (?:back )?(?:on|off))?)\b(?: (?:it|that|them|this|the card|my card))?(?: (?:back )?on)?"
)
_NEGATION = re.compile(r"\b(?:no|not|dont|never|nope|nah|wait|hold|hang|stop|cancel|but|though)\b")
# A question put before the answer ("wait, before that, how much is in my account?") is a new request.
_ASIDE = re.compile(
    r"^(?:(?:wait|hold on|hang on|hold up|one sec|one second|just a sec|a sec|a second|before that|"
    r"before you do (?:that|it)|before you do|first|actually|sorry|quick question|oh|um|erm|"
    # "anyway did my wages go in this week": moving on to a question of its own
    r"anyway|anyways|by the way|btw|while i have you|whilst i have you|while im here|whilst im here|"
    r"on another note|one more thing|well)\s+)+"
)
_ASIDE_QUESTION = re.compile(
    r"^(?:what|whats|how|hows|when|where|wheres|why|which|who|is|are|does|do|did|has|have|was|were|will|"
    r"can you|could you|can i|show|tell|list|check)\b"
)


_OTHER_QUESTION_MIN_WORDS = 8
# The same, and "no wait", "no sorry": a clause that opens with "no" and refuses nothing.
_NOT_A_REFUSAL = re.compile(rf"^no (?:{_NO_BUT_NOT_NO}|wait|hang on|hold on|sorry)\b")


def _phrase_words(*patterns: str) -> set[str]:
    return {w for p in patterns for alt in p.split("|") for w in re.findall(r"[a-z]+", alt)}


# Words of the answers above, with the side they speak for: a typo is corrected only towards words that
# all speak for one side, so a correction never turns a no into a yes or the other way round.
_YES_WORDS = _phrase_words(_YES_PHRASES)
_NO_WORDS = _phrase_words(_NO_PHRASES)
_OTHER_WORDS = (
    _phrase_words(_FILLER, _TRAILING.pattern, _RESTATED.pattern, "unfreeze|unblock|unlock")
    - _YES_WORDS
    - _NO_WORDS
)
_VOCABULARY = sorted(_YES_WORDS | _NO_WORDS | _OTHER_WORDS)
_VOWELS = re.compile(r"(?<=.)[aeiou]")


def _side(word: str) -> str:
    return "yes" if word not in _NO_WORDS else "no" if word not in _YES_WORDS else "both"


def _skeleton(word: str) -> str:
    """Texting drops vowels ("yh", "pls", "thnks", "dnt"): the first letter, then the consonants."""
    return _VOWELS.sub("", word)


_BY_SKELETON: dict[str, list[str]] = {}
for _word in _VOCABULARY:
    if len(_word) > 2:
        _BY_SKELETON.setdefault(_skeleton(_word), []).append(_word)


def _one_side(candidates: Iterable[str]) -> str | None:
    words = sorted(candidates)
    return words[0] if words and len({_side(w) for w in words}) == 1 else None


FUZZY_MIN_LETTERS = 5  # shorter words are too often other real words ("done", "sore", "note")
FUZZY_TWO_EDITS_LETTERS = 8
SWAP_MIN_LETTERS = 3


@cache
def _corrected_word(word: str) -> str:
    """The answer word a typed word stands for (itself when it is one, or when nothing is close enough)."""
    if word in _VOCABULARY:
        return word
    squeezed = re.sub(r"(.)\1+", r"\1", word)  # "noo", "nopee", "pleeease"
    if squeezed in _VOCABULARY:
        return squeezed
    if re.fullmatch(r"[^aeiou]+", word[1:] or "a") and len(word) >= 2:
        found = _one_side(_BY_SKELETON.get(word, []))
        if found:
            return found
    if len(word) >= FUZZY_MIN_LETTERS:
        # Damerau-Levenshtein (optimal string alignment): a swapped pair of letters counts as one typo.
        limit = 2 if len(word) >= FUZZY_TWO_EDITS_LETTERS else 1
        matches = process.extract(word, _VOCABULARY, scorer=OSA.distance, score_cutoff=limit, limit=None)
        if matches:
            best = min(score for _, score, _ in matches)
            found = _one_side(m for m, score, _ in matches if score == best)
            if found:
                return found
    elif len(word) >= SWAP_MIN_LETTERS:
        # Three or four letters: only two letters swapped ("oaky", "yeha", "nwo"), never another spelling.
        swapped = [v for v in _VOCABULARY if sorted(v) == sorted(word) and OSA.distance(word, v) == 1]
        found = _one_side(swapped)
        if found:
            return found
    return word


def _corrected(words: str) -> str:
    return " ".join(_corrected_word(w) for w in words.split())


def _without_restated_action(words: str) -> str | None:
    """A leading yes with the action named again, reduced to the yes ("yes please unfreeze it" -> "yes
    please"); None when the message holds a negation or is not a yes followed by the action."""
    if _NEGATION.search(words) or not _LEADING_YES.match(words):
        return None
    reduced = re.sub(r"\s+", " ", _RESTATED.sub(" ", words)).strip()
    return reduced if reduced != words else None


def _agrees(clause: str) -> bool:
    """A clause that is a yes, with or without the action named again ("yes dear, block it")."""
    if _YES.match(clause):
        return True
    reduced = _without_restated_action(clause)
    return reduced is not None and (not reduced or bool(_YES.match(_strip_trailing(reduced))))


# Texting shorthand for a word the answers are read by ("pls freeze it yes", "plz do"): spelt out first, so
# a shorthand before the answer reads as the word itself, wherever it stands.
_SHORTHAND = {"pls": "please", "plz": "please", "plse": "please", "pleez": "please", "pleeze": "please"}
_SHORTHAND_RE = re.compile(rf"\b(?:{'|'.join(_SHORTHAND)})\b")


def _normalise(text: str) -> str:
    """Words only: agreement and refusal are read from letters (digits and signs are not an answer)."""
    words = re.sub(r"\s+", " ", re.sub(r"[^a-z\s]", " ", normalise(text))).strip()
    return _SHORTHAND_RE.sub(lambda m: _SHORTHAND[m.group(0)], words)


def _strip_trailing(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _TRAILING.sub("", text)
    return text


# Words that take note of what was said without taking up the offer when a question of its own follows.
_ACKNOWLEDGED_ONLY = frozenset(
    {"fine", "ok", "okay", "right", "alright", "all right", "whatever", "fair enough", "ok fine"}
)
_ASKS_HOW_LONG = re.compile(r"^(?:how long|how soon|how quickly|how many (?:days|weeks)|when)\b")
_LEADING_JOIN = re.compile(r"^(?:and|so|but|now)\s+")
_EXPLICIT_YES = re.compile(r"\b(?:yes|yeah|yep|yup|yh|please|pls|go ahead|do it|do that|go for it)\b")
# "While I have you, ...", "by the way, ...": what follows is a new topic, not the answer.
_TOPIC_CHANGE = re.compile(
    r"^(?:(?:and|so|but|now)\s+)?(?:while|whilst)\s+"
    r"(?:i have you|ive got you|i(?:m| am) (?:here|at it|on))\b|"
    r"^(?:(?:and|so|but|now)\s+)?(?:by the way|btw|on another (?:note|matter|subject)|another thing|"
    r"changing the subject|different question|unrelated|separate question)\b"
)
_TRAILING_OFF = re.compile(r"^\s*[\w']+(?:\s+[\w']+)?\s*(?:\.{2,}|\u2026)")


# Agreement that defers to the assistant: "if that's the quickest way then yep", "if you think so, go ahead",
# "if that's what it takes". The condition is the option offered being right, so what follows it is the
# answer (and with nothing after it, it is a yes); a condition of the customer's own ("if it costs
# anything, no") is not one of these and is read as it stands.
_DEFERRING = re.compile(
    r"^\W*(?:(?:well|ok|okay|right|alright|oh|hmm|um|erm)\W+)*(?:if|as long as|provided)\s+"
    r"(?P<condition>[^,.;:!?]*?)(?:\s+then\b|\s*[,.;:!?-]|\s*$)[\s,.;:!?-]*(?:then\b[\s,.;:!-]*)?",
    re.IGNORECASE,
)
# The condition defers: the option offered is the right one ("that's the quickest way", "it's what it
# takes", "it's needed") or the assistant's judgement is trusted ("you think so", "you reckon it's best").
_DEFERS = re.compile(
    r"^(?:(?:that|it|this)(?:'s|s|\s+is|\s+would\s+be|'d\s+be|\s+will\s+be|'ll\s+be)\s+.*\b(?:quickest|"
    r"fastest|quicker|faster|best|easiest|easier|simplest|better|only|right|proper|usual|normal|way to go|"
    r"thing to do|what you (?:recommend|suggest|advise|think)|what (?:it|that) takes|needed|necessary|"
    r"required|what needs (?:to happen|doing)|how it works)\b"
    r"|you\s+(?:think|reckon|say|recommend|suggest|advise|believe|have to|must|need to)\b"
    r"|(?:it|that)\s+(?:helps|will help|would help|gets (?:my|me my|the) money back)\b)",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:not|isn'?t|won'?t|wouldn'?t|don'?t|doesn'?t|never|no)\b", re.IGNORECASE)


def _deferring(raw: str) -> re.Match[str] | None:
    found = _DEFERRING.match(raw.replace("\u2019", "'"))
    if found is None:
        return None
    condition = found.group("condition").strip()
    return found if _DEFERS.search(condition) and not _NEGATED.search(condition) else None


def _tells_own_plan(raw: str, rest: str) -> bool:
    """What follows an answer only tells what the customer will do or how they are: no question, nothing
    asked of the bank, nothing refused."""
    if not rest or "?" in raw or _REQUEST.search(rest) or _QUESTION_START.match(_LEADING_JOIN.sub("", rest)):
        return False
    clauses = [_strip_trailing(said) for c in re.split(r"[,;.!\n]", raw)[1:] if (said := _normalise(c))]
    return not any(_NO.match(c) or _POSTPONED.match(c) or _LEADING_NO.match(c) for c in clauses)


# The target of the action named by what it is, not "it": "the euro one", "my visa card", "the card ending
# 0363", "the pound account". Read on the text with its digits (the last four name a card).
_DESCRIBED = re.compile(
    r"\b(?:the|my|your|that|this) (?P<words>(?:[a-z0-9]+ ){0,3}?)(?:one|card|account)"
    r"(?: (?:ending|ending in|that ends in|which ends in|ends in|with) (?P<last4>\d{4}))?\b"
    r"|\b(?:the )?(?:one |card )?(?:ending|ending in|that ends in|ends in) (?P<last4_only>\d{4})\b"
)
# The verbs that name each action again ("yes, block the euro one" for a freeze): a yes that names the target
# with another action's verb ("yes, freeze my euro card" while reporting it lost waits) is not a yes to it.
_ACTION_VERBS = {
    "freeze_card": frozenset({"freeze", "block", "lock", "stop"}),
    "unfreeze_card": frozenset({"unfreeze", "unblock", "unlock"}),
    "report_card": frozenset({"report", "cancel"}),
}
_ANY_ACTION_VERB = re.compile(
    r"\b(?:un)?(?:freeze|block|lock)\b|\b(?:report|cancel|stop|dispute|close|replace|order)\b"
)
# Words that say nothing about which of the customer's cards or accounts is meant.
_NAMES_NOTHING = frozenset({"debit", "bank", "card", "my", "the", "a"})
# The target said as "it" and nothing more ("the debit one" -> "it", "just the visa one please" -> "just it
# please").
_ONLY_PICKED = re.compile(
    r"^(?:(?:just|only|yes|yeah|ok|okay|oh|er|erm|um) )*it(?: (?:only|please|pls|then))*$"
)
_FOUR_DIGITS = re.compile(r"\b\d{4}\b")


def _target_as_it(text: str, names: Collection[str], tool: str) -> str | None:
    """The message with the action's target, named by what it is, said as "it" ("Yes, freeze the euro one
    now." -> "yes freeze it now") when every word it is named by is one of ``names`` (the target's own: its
    last four, its brand, its currency) and any action it names is the one waiting (``tool``); None when
    the target is not named so, or named as something else, or another action is asked for."""
    own = {n.lower() for n in names}
    said = normalise(text)
    verbs = _ACTION_VERBS.get(tool)
    if verbs is None or any(v not in verbs for v in _ANY_ACTION_VERB.findall(said)):
        return None
    if any(d not in own for d in _FOUR_DIGITS.findall(said)):
        return None
    found = False

    def as_it(match: re.Match[str]) -> str:
        nonlocal found
        words = (match.group("words") or "").split()
        if all(w in own or w in _NAMES_NOTHING for w in words):
            found = True
            return "it"
        return match.group(0)

    replaced = _DESCRIBED.sub(as_it, said)
    if not found or _DESCRIBED.search(replaced):
        return None  # nothing named, or something named that is not the target
    return replaced


def _picks_by_name(text: str, names: Collection[str]) -> bool:
    """Whether the message names the waiting action's target by a word of its own ("the visa one", "the
    euro card", "2838"), or as the debit card when it is not a credit card; not "my card", which could be
    any."""
    own = {n.lower() for n in names}
    named = {
        w
        for m in _DESCRIBED.finditer(normalise(text))
        for w in [*(m.group("words") or "").split(), m.group("last4") or "", m.group("last4_only") or ""]
        if w and w not in {"the", "my", "a", "card", "bank"}
    }
    if not named:
        return False
    return all(w in own or (w == "debit" and "credit" not in own) for w in named)


def read_answer(text: str, pending: Mapping[str, Any]) -> Decision:
    """``read_decision`` for a message typed while ``pending`` (the confirmation the agent waits on: its
    ``action`` with the ``tool`` it would run and the ``names`` its target may be called by) waits."""
    action = pending.get("action") or {}
    names = [str(n) for n in action.get("names") or ()]
    return read_decision(text, names=names, tool=str(action.get("tool") or ""))


_GENERIC_TARGET_WORDS = frozenset({"one", "card", "cards", "account", "accounts", "other", "the", "my"})


def _without_spared(text: str, names: Collection[str]) -> str | None:
    """The message without its clauses that spare another card or account (one not named by ``names``, the
    waiting action's target), or None when it has none."""
    own = {w for n in names for w in normalise(n).split()} - _GENERIC_TARGET_WORDS
    clauses = re.split(r"(?<=[,;.!\n])", text)
    kept: list[str] = []
    for clause in clauses:
        said = _strip_trailing(_normalise(clause))
        spared = spared_thing(said)
        if spared and not set(spared.split()) & own:
            continue
        kept.append(clause)
    return "".join(kept) if len(kept) < len(clauses) else None


def read_decision(text: str, *, names: Collection[str] = (), tool: str = "") -> Decision:
    """yes / no / unclear / other for a message typed while an action waits for confirmation; ``names``
    are the words the waiting action's target may be called by (PendingAction.names), ``tool`` the action
    it would take."""
    decision = _read(text)
    if (
        decision in (Decision.OTHER, Decision.UNCLEAR)
        and (rest := _without_spared(text, names)) is not None
        and _normalise(rest)
    ):
        decision = read_decision(rest, names=names, tool=tool)
    if decision is not Decision.YES and names and (as_it := _target_as_it(text, names, tool)) is not None:
        # "Yes, freeze the euro one now": the yes with the target named again, the one waiting.
        if _read(as_it) is Decision.YES:
            return Decision.YES
        # "the debit one", "that card please", "just the visa": the waiting action's target picked by name,
        # and nothing else said, is the go-ahead for it.
        if _ONLY_PICKED.match(_strip_trailing(as_it)) and _picks_by_name(text, names):
            return Decision.YES
    if decision is Decision.UNCLEAR:
        # Typed in a hurry ("yh go ahaed", "absolutley", "noo"): read again with the words corrected. Only an
        # otherwise unclear message is, so a new request is never bent into an answer.
        words = _normalise(text)
        fixed = _corrected(words)
        if fixed != words:
            again = _read(fixed)
            if again in (Decision.YES, Decision.NO):
                return again
    return decision


# A question asked only to say the answer is obvious ("what other british gas would there be?", "which else
# would it be?", "who else would I mean?"): it asks nothing, so the answer after it is the answer.
_RHETORICAL = re.compile(
    r"^(?:what|which|who|where)\s+(?:other|else)\b(?:\s+[a-z]+){0,4}?\s+(?:would|could|can|is|was|do)\s+"
    r"(?:there|it|that|this|i|you|they|we)(?:\s+(?:be|mean|have|want|meant|think|possibly be))?$"
)


def _read(text: str) -> Decision:
    raw = text.strip()
    head, mark, after = raw.partition("?")
    if mark and _normalise(after) and _RHETORICAL.match(_normalise(head)):
        # "what other british gas would there be? yes": the yes (or no) after the rhetorical question.
        return _read(after)
    if raw and all(ch in "".join(_EMOJI_YES) + " \ufe0f" for ch in raw):
        return Decision.YES
    if raw and all(ch in "".join(_EMOJI_NO) + " \ufe0f" for ch in raw):
        return Decision.NO
    deferring = _deferring(raw)
    if deferring:
        # "if that's the quickest way then yep 👍": the answer after the condition, a yes when none follows.
        after = raw[deferring.end() :].strip()
        if not _normalise(after):
            return Decision.YES
        return _read(after)
    words = _normalise(raw)
    if not words:
        return Decision.UNCLEAR
    core = _strip_trailing(words)
    if _NO.match(words) or _NO.match(core):
        return Decision.NO
    if _YES.match(words) or _YES.match(core):
        return Decision.YES
    first_clause = _strip_trailing(_normalise(re.split(r"[,;:.!?\n]", raw, maxsplit=1)[0]))
    rest_of_message = words[len(first_clause) :].strip()
    bare_clause = _LEADING_FILLER.sub("", first_clause)
    if bare_clause in _WAIT and _QUESTION_START.search(rest_of_message):
        return Decision.OTHER  # "hang on, how much is it again?": answered, and the action keeps waiting
    aside = _ASIDE.match(words)
    if aside and _ASIDE_QUESTION.match(words[aside.end() :]):
        return Decision.OTHER  # "wait before that how much is in my account": the same, unpunctuated
    refuses = bool(_NO.match(first_clause) or _POSTPONED.match(first_clause))
    if first_clause and refuses and bare_clause not in _WAIT:
        return Decision.NO  # "no, I need the card today", "leave it till the new box is in"
    first_sentence = _normalise(
        re.split(
            r"[.!?\n]|,(?=\s*(?:and|also|what|how|can|could|when|where)\b)",
            raw,
            maxsplit=1,
        )[0]
    )
    rest_words = words[len(first_sentence) :].strip()
    first_core = _strip_trailing(first_sentence)
    asked_next = _QUESTION_START.match(_LEADING_JOIN.sub("", rest_words))
    if _TOPIC_CHANGE.match(rest_words) and "?" in raw and not _EXPLICIT_YES.search(first_core):
        # "Very well. While I have you, what did my salary come to this month?": the first words only take
        # note of what was said; the question is a new topic and does not take up the offer.
        return Decision.OTHER
    if (_TRAILING_OFF.match(raw) or first_core in _ACKNOWLEDGED_ONLY) and asked_next:
        # "ok... how much do i actually owe on it", "Fine. What did Wagamama cost me in September?": a word
        # that only acknowledges what was said, then a question of its own; it does not take up the offer.
        return Decision.OTHER
    # "Yes please. And what's my balance?" agrees; the question is answered once the action is done. So does
    # "alright yes. how long will it take?": how long it takes does not put the yes in doubt.
    hedging = not _ASKS_HOW_LONG.match(_LEADING_JOIN.sub("", rest_words)) and _HEDGE.search(rest_words)
    if first_core and _agrees(first_core) and not hedging:
        # "Yes dear, block it. I'm still at the bus stop": a yes (the action named again or not), then how
        # the customer is.
        return Decision.YES
    if first_core and _NO.match(first_core):
        return Decision.NO
    hedged = bool(_HEDGE.search(words))
    if _agrees(first_clause) and _tells_own_plan(raw, rest_of_message) and not hedged:
        # "pls freeze it yes, then ill ring the police": a yes, then what the customer will do next (no
        # question, no request of the bank, nothing refused).
        return Decision.YES
    reduced = _without_restated_action(core)
    if reduced is not None and (not reduced or _YES.match(_strip_trailing(reduced))):
        return Decision.YES  # "yes please unfreeze it", "yep that's it, cancel it"
    if not hedged and _LEADING_YES.match(words) and not _REQUEST.search(words[len(words.split()[0]) :]):
        return Decision.YES
    if _LEADING_NO.match(words) and not _REQUEST.search(words):
        return Decision.NO
    clauses = [_strip_trailing(said) for c in re.split(r"[,;.!\n]", raw) if (said := _normalise(c))]
    refused = [
        c
        for c in clauses
        if (_NO.match(c) or _POSTPONED.match(c)) and not _PUZZLED.match(c) and not _NOT_A_REFUSAL.match(c)
    ]
    # "hang on actually, don't, I need it till the end of the month": a wait word beside a firm refusal
    # hedges nothing.
    firm = [c for c in refused if c not in _WAIT] and not _HEDGE.search(_WAIT_WORDS.sub(" ", words))
    if refused and (not hedged or firm) and not any(_YES.match(c) for c in clauses):
        # "panic over, she's just walked in with it. no, leave it thanks": the refusal comes after the reason.
        return Decision.NO
    last = clauses[-1] if clauses else ""
    if not refused and not hedged and "?" not in raw and last not in _ACKNOWLEDGED_ONLY and _agrees(last):
        # "oh sky. that's the box at my old flat, my ex has it now. yeah bin it": the reason first, then the
        # answer (a bare "ok" or "fine" at the end only takes note of what was said).
        return Decision.YES
    if "?" in raw and not _PUZZLED.match(core) and len(words.split()) >= _OTHER_QUESTION_MIN_WORDS:
        # "the funeral directors want £3,500 up front. if i pay that can i still cover the mortgage on
        # monday?": a question of its own (even one about what the action would mean), however it opens:
        # answered, and the action keeps waiting.
        return Decision.OTHER
    if _PUZZLED.match(core) or hedged:
        return Decision.UNCLEAR
    if _QUESTION_START.match(words) and len(words.split()) >= 2:
        return Decision.OTHER
    if len(words.split()) >= _OTHER_MIN_WORDS and _REQUEST.search(words) and not hedged:
        return Decision.OTHER
    if "?" in raw and len(words.split()) >= _OTHER_MIN_WORDS and _REQUEST.search(words):
        return Decision.OTHER
    return Decision.UNCLEAR
