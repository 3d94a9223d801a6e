"""Where a payment was made: "what did I spend in France", "abroad this year", "the Paris trip".

Card payments carry the merchant's town and country in their statement text ("CARREFOUR CITY PARIS FR",
"ELITE ELECTRONICS ONLINE MIAMI US"); a payment in another currency (a euro account's, or one converted from
dollars) was made abroad too. A country is matched by the two-letter code that ends the statement text, a
town by its name in it (in English or as the statement spells it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.ports import TransactionView

HOME = frozenset({"GB", "UK"})

# Towns a customer names for a trip, with the spellings statements use ("ROMA", "LISBOA").
_TOWNS: dict[str, tuple[str, ...]] = {
    "paris": ("PARIS",),
    "rome": ("ROMA", "ROME"),
    "lisbon": ("LISBOA", "LISBON"),
    "madrid": ("MADRID",),
    "barcelona": ("BARCELONA",),
    "milan": ("MILANO", "MILAN"),
    "venice": ("VENEZIA", "VENICE"),
    "florence": ("FIRENZE", "FLORENCE"),
    "amsterdam": ("AMSTERDAM",),
    "berlin": ("BERLIN",),
    "munich": ("MUNCHEN", "MUENCHEN", "MUNICH"),
    "dublin": ("DUBLIN",),
    "brussels": ("BRUXELLES", "BRUSSEL", "BRUSSELS"),
    "porto": ("PORTO",),
    "nice": ("NICE",),
    "athens": ("ATHINA", "ATHENS"),
    "prague": ("PRAHA", "PRAGUE"),
    "vienna": ("WIEN", "VIENNA"),
    "new york": ("NEW YORK",),
    "miami": ("MIAMI",),
    "hong kong": ("HONG KONG",),
}

# Where customers go, as they call it, and the two-letter code statements end with.
_COUNTRIES: dict[str, str] = {
    "france": "FR",
    "italy": "IT",
    "spain": "ES",
    "portugal": "PT",
    "germany": "DE",
    "netherlands": "NL",
    "the netherlands": "NL",
    "holland": "NL",
    "belgium": "BE",
    "ireland": "IE",
    "greece": "GR",
    "switzerland": "CH",
    "austria": "AT",
    "denmark": "DK",
    "sweden": "SE",
    "norway": "NO",
    "finland": "FI",
    "iceland": "IS",
    "poland": "PL",
    "czechia": "CZ",
    "the czech republic": "CZ",
    "croatia": "HR",
    "hungary": "HU",
    "romania": "RO",
    "bulgaria": "BG",
    "turkey": "TR",
    "cyprus": "CY",
    "malta": "MT",
    "morocco": "MA",
    "egypt": "EG",
    "dubai": "AE",
    "the uae": "AE",
    "thailand": "TH",
    "india": "IN",
    "china": "CN",
    "japan": "JP",
    "hong kong": "HK",
    "singapore": "SG",
    "australia": "AU",
    "new zealand": "NZ",
    "canada": "CA",
    "mexico": "MX",
    "america": "US",
    "the states": "US",
    "the usa": "US",
    "usa": "US",
    "the us": "US",
}
_CODES = frozenset(_COUNTRIES.values())
_COUNTRY_SHOWN = {"US": "the US", "NL": "the Netherlands", "AE": "the UAE", "CZ": "Czechia"}

_ABROAD_RE = re.compile(
    r"\b(?:abroad|overseas|foreign|outside (?:the )?(?:uk|united kingdom|britain|country)|"
    r"out of the country|on the continent|in europe)\b",
    re.IGNORECASE,
)


_PLACE_RE = re.compile(
    r"\b(?:in|from|to|at|around|across|while in|when (?:i|we) (?:was|were) in)\s+(?P<place>"
    + "|".join(
        re.escape(name)
        for name in sorted({*_COUNTRIES, *_TOWNS}, key=len, reverse=True)
        # "in nice weather": a town that is an everyday word is named only before "trip", "holiday"...
        if name != "nice"
    )
    + r")\b",
    re.IGNORECASE,
)
_TRIP_RE = re.compile(
    r"\b(?P<place>"
    + "|".join(re.escape(name) for name in sorted({*_TOWNS, *_COUNTRIES}, key=len, reverse=True))
    + r")\s+(?:trip|holiday|weekend|break|visit)\b",
    re.IGNORECASE,
)


_ONE_SHOP_BEFORE = re.compile(
    r"\b(?:shop|store|place|restaurant|bar|cafe|café|hotel|one|website|site|outlet|company|firm|"
    r"supermarket|garage|pub)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Place:
    label: str  # as the answer says it: "in France", "abroad"
    country: str | None = None  # two-letter code
    town: tuple[str, ...] = ()  # spellings in statement text
    abroad: bool = False

    def holds(self, t: TransactionView) -> bool:
        text = f" {' '.join(t.description.upper().split())} "
        code = text.split()[-1] if text.split() else ""
        if self.abroad:
            if len(code) == 2 and code.isalpha() and code in _CODES and code not in HOME:
                return True
            return t.currency != "GBP" or t.original_currency not in (None, "GBP")
        if self.town:
            return any(f" {name} " in text for name in self.town)
        return self.country is not None and code == self.country


def parse_place(text: str) -> tuple[Place | None, str]:
    """The place a spending question is about, and the text without it."""
    if m := _ABROAD_RE.search(text):
        return Place("abroad", abroad=True), text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    m = _PLACE_RE.search(text) or _TRIP_RE.search(text)
    if m is None or _ONE_SHOP_BEFORE.search(text[: m.start()]):
        # "the shop in Miami", "that restaurant in Rome": one shop told by where it is (its own name is
        # looked for elsewhere), not everything paid there
        return None, text
    said = " ".join(m.group("place").lower().split())
    rest = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    if said in _TOWNS:
        return Place(f"in {said.title()}", town=_TOWNS[said]), rest
    code = _COUNTRIES[said]
    return Place(f"in {_COUNTRY_SHOWN.get(code, said.title())}", country=code), rest


# "I was in France the weekend of the 31st, how much did I spend on the euro account": where the customer was,
# told before the question; with the days of the trip named too, everything paid on those days is asked
# about (a payment's statement place is the shop's, not always where its customer stood). "...how much did I
# spend there" or "...in France" asked again keeps the place.
_TOLD_WHERE_RE = re.compile(
    r"\b(?:i|we)\s+(?:was|were|went|flew|travelled|traveled|(?:ve|have|had) been)\s+"
    r"(?:over\s+|away\s+|out\s+)?(?:in|to)\s+\w+"
)
_ASKED_THERE_RE = re.compile(r"\bthere\b|\b(?:in|from|while in)\s+(?:the\s+)?[A-Z]\w+")


def told_not_asked(text: str) -> bool:
    """The place in ``text`` is where the customer says they were, and the question after it does not ask
    about that place again."""
    told = _TOLD_WHERE_RE.search(text.lower())
    if told is None:
        return False
    question = re.split(r"[,.;?!]", text[told.end() :], maxsplit=1)
    return len(question) > 1 and not _ASKED_THERE_RE.search(question[1])
