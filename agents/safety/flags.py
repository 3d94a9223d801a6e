"""Screening flags: jailbreak, prompt injection, complaint, vulnerability, scam, third-party and advice cues.

Rules, not a model: every decision can be explained by the rule names `explain_flags` returns, and
nothing is loaded at import beyond compiling patterns on first use.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from agents.compliance.advice import advice_requested
from agents.safety import lexicon

JAILBREAK = "jailbreak"
PROMPT_INJECTION = "prompt_injection"
COMPLAINT = "complaint"
VULNERABILITY = "vulnerability"
SCAM = "scam"
THIRD_PARTY = "third_party"
# A request for investment, legal or tax advice: the advice refusal, whatever triage makes of the message.
ADVICE = "advice"
ALL_FLAGS = frozenset({JAILBREAK, PROMPT_INJECTION, COMPLAINT, VULNERABILITY, SCAM, THIRD_PARTY, ADVICE})

VULNERABILITY_KINDS = lexicon.VULNERABILITY_PRIORITY
# Vulnerability kinds that are also a scam: money is being, or has been, taken by someone else.
SCAM_KINDS = frozenset({"fraud_victim", "coercion"})
# Fear and coercion are not complaints: with one of these cues, "awful", "upset" or "nobody helps" describe
# the customer's situation, and only an explicit complaint ("I want to complain", the ombudsman) is one.
_NOT_A_COMPLAINT_CUES = frozenset({"coercion", "distress:afraid", "distress:panic", "distress:crying"})
_EXPLICIT_COMPLAINT_RULES = frozenset(
    {"complain_word", "ombudsman", "escalate", "demand_refund_compensation"}
)

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"'})
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_NOT_LETTER = re.compile(r"[^a-z]+")
_BASE64_TOKEN = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")


def normalise(text: str) -> str:
    """Lower-case, NFKC, straight quotes, no zero-width characters, camelCase split, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text).translate(_APOSTROPHES).translate(_QUOTES)
    text = _CAMEL.sub(" ", text)
    return _SPACES.sub(" ", text).strip().lower()


def _squash(normalised: str) -> str:
    """Letters only, leetspeak undone: "I-G-N-0-R-E previous" becomes "ignoreprevious"."""
    return _NOT_LETTER.sub("", normalised.translate(_LEET))


@dataclass(frozen=True)
class _CompiledRules:
    jailbreak: tuple[tuple[str, re.Pattern[str]], ...]
    injection: tuple[tuple[str, re.Pattern[str]], ...]
    complaint: tuple[tuple[str, re.Pattern[str]], ...]
    complaint_exclusions: tuple[re.Pattern[str], ...]
    vulnerability: dict[str, tuple[tuple[str, re.Pattern[str]], ...]]
    third_party: tuple[tuple[str, re.Pattern[str]], ...]


def _compile(rules: tuple[lexicon.Rule, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, re.compile(pattern, re.MULTILINE)) for name, pattern in rules)


@cache
def _rules() -> _CompiledRules:
    return _CompiledRules(
        jailbreak=_compile(lexicon.JAILBREAK_RULES),
        injection=_compile(lexicon.PROMPT_INJECTION_RULES),
        complaint=_compile(lexicon.COMPLAINT_RULES),
        complaint_exclusions=tuple(re.compile(p) for p in lexicon.COMPLAINT_EXCLUSIONS),
        vulnerability={kind: _compile(rules) for kind, rules in lexicon.VULNERABILITY_RULES.items()},
        third_party=_compile(lexicon.THIRD_PARTY_RULES),
    )


def _fired(rules: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> list[str]:
    return [name for name, pattern in rules if pattern.search(text)]


def _decoded_payloads(text: str) -> list[str]:
    """Printable text hidden as base64 inside the message, so an encoded instruction is screened too."""
    decoded: list[str] = []
    for token in _BASE64_TOKEN.findall(text):
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
            candidate = raw.decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        if candidate.isprintable() or all(c.isprintable() or c.isspace() for c in candidate):
            decoded.append(normalise(candidate))
    return decoded


def _attack_rules(normalised: str) -> list[str]:
    """Names of jailbreak and injection rules that fired, prefixed by their flag."""
    rules = _rules()
    fired = [f"{JAILBREAK}:{n}" for n in _fired(rules.jailbreak, normalised)]
    fired += [f"{PROMPT_INJECTION}:{n}" for n in _fired(rules.injection, normalised)]
    squashed = _squash(normalised)
    fired += [f"{PROMPT_INJECTION}:squashed_{w}" for w in lexicon.SQUASHED_INJECTION if w in squashed]
    fired += [f"{JAILBREAK}:squashed_{w}" for w in lexicon.SQUASHED_JAILBREAK if w in squashed]
    return fired


def explain_flags(text: str) -> dict[str, list[str]]:
    """Flag -> names of the rules that raised it (empty dict when nothing fired)."""
    normalised = normalise(text)
    fired = _attack_rules(normalised)
    for payload in _decoded_payloads(text):
        fired += [f"{name}(base64)" for name in _attack_rules(payload)]
    explanation: dict[str, list[str]] = {}
    for item in fired:
        flag, _, rule = item.partition(":")
        explanation.setdefault(flag, []).append(rule)
    kinds = _vulnerability_rules(normalised)
    vulnerability = [f"{kind}:{rule}" for kind, rules in kinds.items() for rule in rules]
    complaint = complaint_rules(normalised)
    if complaint and (set(kinds) | set(vulnerability)) & _NOT_A_COMPLAINT_CUES:
        complaint = [rule for rule in complaint if rule in _EXPLICIT_COMPLAINT_RULES]
    if complaint:
        explanation[COMPLAINT] = complaint
    if vulnerability:
        explanation[VULNERABILITY] = vulnerability
    scam = [f"{kind}:{rule}" for kind in sorted(SCAM_KINDS & set(kinds)) for rule in kinds[kind]]
    if scam:
        explanation[SCAM] = scam
    third_party = _fired(_rules().third_party, normalised)
    if third_party:
        explanation[THIRD_PARTY] = third_party
    advice = advice_requested(normalised)
    if advice:
        explanation[ADVICE] = advice
    return explanation


def complaint_rules(normalised: str) -> list[str]:
    rules = _rules()
    text = normalised
    for exclusion in rules.complaint_exclusions:
        text = exclusion.sub(" ", text)
    return _fired(rules.complaint, text)


def _vulnerability_rules(normalised: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for kind in VULNERABILITY_KINDS:
        names = _fired(_rules().vulnerability[kind], normalised)
        if names:
            found[kind] = names
    return found


def detect_flags(text: str) -> set[str]:
    """Flags raised by the raw customer text (subset of ALL_FLAGS)."""
    return set(explain_flags(text))


def vulnerability_kinds(text: str) -> set[str]:
    """Every vulnerability kind with a cue in `text`."""
    return set(_vulnerability_rules(normalise(text)))


def vulnerability_kind(text: str) -> str | None:
    """The most serious vulnerability kind present; self-harm outranks everything."""
    found = _vulnerability_rules(normalise(text))
    return next((kind for kind in VULNERABILITY_KINDS if kind in found), None)


def is_attack(text: str) -> bool:
    """True when the text carries a jailbreak or prompt-injection cue (also for tool results and data)."""
    flags = detect_flags(text)
    return JAILBREAK in flags or PROMPT_INJECTION in flags
