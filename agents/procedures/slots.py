"""Filling a procedure's slots from what the customer said, across turns.

A resolver returns the chosen view (or None for an optional slot left open) or raises ``Stop`` with an
``Ask`` (several candidates: a numbered list; nothing to go on: the slot's question) or an ``Answer``
(nothing qualifies). A number or id the customer does not own is answered exactly like one that does
not exist. Ids carried over in the slots are looked up again through the port, never trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from agents.ports import AccountView, CardView, TransactionQuery, TransactionView
from agents.procedures.context import Run
from agents.procedures.dates import day_of, format_day
from agents.procedures.duplicates import (
    Duplicate,
    asks_if_repeated,
    find_duplicates,
    mentions_duplicate,
)
from agents.procedures.money import format_money
from agents.procedures.render import render
from agents.procedures.spec import SlotSpec
from agents.procedures.textparse import (
    NOT_MERCHANT_WORDS,
    AmountFilter,
    DateRange,
    parse_account_kind,
    parse_account_kinds,
    parse_amount,
    parse_card_brand,
    parse_date_range,
    parse_last4,
    parse_merchant,
    parse_ordinal,
)
from agents.tools.views import clean_name

T = TypeVar("T")
# Merchants whose name is also an everyday word: matched only when named explicitly ("at Next").
_COMMON_WORD_MERCHANTS = frozenset({"next", "apple", "boots", "sky", "shell", "cash withdrawal", "northbank"})
EVERYDAY_WORD_MERCHANTS = _COMMON_WORD_MERCHANTS - {"cash withdrawal", "northbank"}
_SENTENCE_MARKS_RE = re.compile(r"[?!;]|[.,](?=\s|$)")
MAX_CHOICES = 8
SEARCH_LIMIT = 50
FOREIGN_SEARCH_LIMIT = 500
PLACE_MIN_LETTERS = 4
PLACE_MAX_WORDS = 3  # an amount in another currency is checked on what a wider search found
# The status a card reaches through a procedure's tool: a card already there gets the "already" reply.
TARGET_STATUS = {"freeze_card": "frozen", "unfreeze_card": "active"}
_ACCOUNT_WORDS = {"current": "current account", "savings": "savings account", "credit": "credit card account"}


_CURRENCY_WORDS = (
    ("GBP", re.compile(r"\b(?:gbp|pounds? (?:account|one|card)|sterling)\b", re.IGNORECASE)),
    ("EUR", re.compile(r"\b(?:eur|euros?)\b", re.IGNORECASE)),
    ("USD", re.compile(r"\b(?:usd|dollars?)\b", re.IGNORECASE)),
)


_JOINT_RE = re.compile(r"\bjoint\b", re.IGNORECASE)
# A currency naming an account ("the dollar one", "my euro account"), not a payment made in it.
_CURRENCY_ACCOUNT_RE = re.compile(
    r"\b(?:gbp|sterling|pounds?|eur|euros?|usd|dollars?)\s+(?:one|account|acc|acct|balance|wallet)\b",
    re.IGNORECASE,
)
_CURRENCY_NAMES = {"GBP": "pounds", "EUR": "euros", "USD": "dollars"}


def parse_currency(text: str) -> str | None:
    """The currency a customer names an account by ("the euro one", "my GBP account"); of two, the one named
    first ("the euro card - please block. the pound card I have, it is ok")."""
    found = [(m.start(), code) for code, pattern in _CURRENCY_WORDS if (m := pattern.search(text))]
    return min(found)[1] if found else None


def _pick(items: list[T], ordinal: int | None) -> T | None:
    if ordinal is None or not items:
        return None
    if ordinal == -1:
        return items[-1]
    return items[ordinal - 1] if 1 <= ordinal <= len(items) else None


def _choice_question(ask: str, lines: list[str]) -> str:
    numbered = "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
    return f"{ask}\n{numbered}\nReply with the number or the last four digits."


# --- cards -------------------------------------------------------------------------------------------


def card_label(card: CardView, accounts: list[AccountView]) -> str:
    account = next((a for a in accounts if a.id == card.account_id), None)
    where = f" on your {account.name}" if account else ""
    return f"{card.brand} card ending {card.last4}{where} ({card.status})"


# What a customer calls an account's currency ("the euro one", "my pound card").
_CURRENCY_CALLED = {
    "GBP": ("gbp", "pound", "pounds", "sterling", "uk", "british"),
    "EUR": ("eur", "euro", "euros"),
    "USD": ("usd", "dollar", "dollars", "us"),
}


def card_names(card: CardView, accounts: list[AccountView]) -> tuple[str, ...]:
    """The words a card may be called by: its last four digits, its brand, its account's currency and
    the words of its account's name ("0363", "visa", "euro", "current")."""
    account = next((a for a in accounts if a.id == card.account_id), None)
    names = [card.last4, card.brand.lower()]
    if account is not None:
        names += _CURRENCY_CALLED.get(account.currency, (account.currency.lower(),))
        names += [w for w in re.findall(r"[a-z]+", account.name.lower()) if w != "account"]
    return tuple(dict.fromkeys(names))


def card_facts(card: CardView) -> dict[str, Any]:
    return {"card_id": card.id, "brand": card.brand, "last4": card.last4, "status": card.status}


def _status_problem(run: Run, card: CardView) -> Exception:
    if TARGET_STATUS.get(run.spec.tool or "") == card.status and "already" in run.spec.replies:
        return run.stop("already", card_facts(card))
    return run.stop("wrong_status", card_facts(card))


async def resolve_card(run: Run, slot: SlotSpec) -> CardView | None:
    cards = await run.cards()
    if excluded := set(run.params.get("exclude") or []):
        # "the other card": not the one the last answer was about (when another is left).
        cards = [c for c in cards if c.id not in excluded] or cards

    def allowed(card: CardView) -> bool:
        return not slot.statuses or card.status in slot.statuses

    if known := run.state.get(slot.name):
        card = next((c for c in cards if c.id == known), None)
        if card is None:
            raise run.stop("not_found", {"target": "that card"})
        if not allowed(card):
            raise _status_problem(run, card)
        return card

    awaiting = run.awaiting(slot.name)
    last4, rest = parse_last4(run.text, bare_allowed=awaiting)
    if last4 is None:
        # "freeze 2547": four bare digits that are the last four of one of the customer's own cards.
        owned = {c.last4 for c in cards}
        bare = re.findall(r"(?<![\d£$€.,])\b\d{4}\b(?![.,]\d)", run.text)
        last4 = next((d for d in bare if d in owned), None)
    if last4 is not None:
        named = [c for c in cards if c.last4 == last4]
        if not named:
            raise run.stop("not_found", {"target": f"a card ending {last4}"})
        fitting = [c for c in named if allowed(c)]
        if not fitting:
            raise _status_problem(run, named[0])
        if len(fitting) == 1:
            run.resolved(slot.name, fitting[0].id)
            return fitting[0]
        pool = fitting
    else:
        pool = [c for c in cards if allowed(c)]
        if awaiting and run.candidates():
            ids = run.candidates()
            listed = sorted((c for c in pool if c.id in ids), key=lambda c: ids.index(c.id))
            chosen = _pick(listed, parse_ordinal(rest))
            if chosen is not None:
                run.resolved(slot.name, chosen.id)
                return chosen
            pool = listed or pool
        brand, kind = parse_card_brand(rest), parse_account_kind(rest)
        if brand or kind:
            accounts = await run.accounts() if kind else []
            kind_accounts = {a.id for a in accounts if a.kind == kind}

            def described(card: CardView) -> bool:
                return (brand is None or card.brand == brand) and (
                    kind is None or card.account_id in kind_accounts
                )

            matching = [c for c in pool if described(c)]
            if not matching:
                anywhere = [c for c in cards if described(c)]
                if anywhere:
                    raise _status_problem(run, anywhere[-1])
                label = " ".join(p for p in (brand, f"{_ACCOUNT_WORDS[kind]}" if kind else None) if p)
                raise run.stop("not_found", {"target": f"a {label} card"})
            pool = matching
        elif not slot.required and not awaiting:
            return None
        if (currency := parse_currency(rest)) is not None:
            # "my euro card": the card on the account in that currency, when that singles some out.
            in_currency = {a.id for a in await run.accounts() if a.currency == currency}
            narrowed = [c for c in pool if c.account_id in in_currency]
            pool = narrowed if narrowed and len(narrowed) < len(pool) else pool

    if len(pool) == 1:
        run.resolved(slot.name, pool[0].id)
        return pool[0]
    if not pool:
        if not slot.required:
            return None
        raise run.stop("none")
    accounts = await run.accounts()
    shown = pool[:MAX_CHOICES]
    lines = [card_label(c, accounts) for c in shown]
    raise run.ask(_choice_question(slot.ask, lines), slot=slot.name, candidates=[c.id for c in shown])


# --- accounts ----------------------------------------------------------------------------------------


def account_label(account: AccountView) -> str:
    return f"{account.name} ending {account.number_last4}"


async def resolve_account(run: Run, slot: SlotSpec) -> AccountView | None:
    accounts = await run.accounts()
    if known := run.state.get(slot.name):
        account = next((a for a in accounts if a.id == known), None)
        if account is None:
            raise run.stop("not_found", {"target": "that account"})
        return account
    awaiting = run.awaiting(slot.name)
    last4, rest = parse_last4(run.text, bare_allowed=awaiting)
    if last4 is not None:
        named = [a for a in accounts if a.number_last4 == last4]
        if not named:
            raise run.stop("not_found", {"target": f"an account ending {last4}"})
        pool = named
    else:
        pool = accounts
        if awaiting and run.candidates():
            ids = run.candidates()
            listed = sorted((a for a in accounts if a.id in ids), key=lambda a: ids.index(a.id))
            chosen = _pick(listed, parse_ordinal(rest))
            if chosen is not None:
                run.resolved(slot.name, chosen.id)
                return chosen
            pool = listed or pool
        kind = parse_account_kind(rest)
        if (
            not slot.required
            and not awaiting
            and (
                len(parse_account_kinds(rest)) > 1
                # "the account number of the pound account and of the euro account": two accounts by currency
                or len({m.group(0).lower()[:3] for m in _CURRENCY_ACCOUNT_RE.finditer(rest)}) > 1
            )
        ):
            # "how much is in my current account and in the savings": more than one account asked
            # about, so every account answers (as when none is named).
            return None
        currency = parse_currency(rest)
        if _JOINT_RE.search(rest):
            # "and the joint account?": only a joint account answers it, and saying there is none beats
            # showing the same account again.
            pool = [a for a in pool if "joint" in a.name.lower()]
            if not pool:
                raise run.stop("not_found", {"target": "a joint account"})
        if currency and _CURRENCY_ACCOUNT_RE.search(rest) and not any(a.currency == currency for a in pool):
            # "same for the dollar one?" from a customer without a dollar account.
            raise run.stop("not_found", {"target": f"an account in {_CURRENCY_NAMES[currency]}"})
        if kind is not None:
            pool = [a for a in pool if a.kind == kind]
            if not pool:
                raise run.stop("not_found", {"target": f"a {_ACCOUNT_WORDS[kind]}"})
        # "the euro one", "my dollar account": a currency narrows the accounts when it singles some out.
        narrowed = [a for a in pool if a.currency == currency] if currency else []
        if narrowed and len(narrowed) < len(pool):
            pool = narrowed
        elif kind is None and not slot.required and not awaiting:
            return None
    if len(pool) == 1:
        run.resolved(slot.name, pool[0].id)
        return pool[0]
    if not pool:
        raise run.stop("none")
    shown = pool[:MAX_CHOICES]
    lines = [account_label(a) for a in shown]
    raise run.ask(_choice_question(slot.ask, lines), slot=slot.name, candidates=[a.id for a in shown])


# --- transactions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    dates: DateRange | None = None
    amount: AmountFilter | None = None
    merchant: str | None = None

    @property
    def empty(self) -> bool:
        return self.dates is None and self.amount is None and self.merchant is None

    def merged(self, newer: Filters) -> Filters:
        return Filters(
            dates=newer.dates or self.dates,
            amount=newer.amount or self.amount,
            merchant=newer.merchant or self.merchant,
        )

    def describe(self, currency: str = "GBP") -> str:
        parts = []
        if self.merchant:
            parts.append(f"at {self.merchant.title()}" if self.merchant.islower() else f"at {self.merchant}")
        if self.amount:
            parts.append(self.amount.describe(currency))
        if self.dates:
            parts.append(self.dates.describe())
        return "".join(f" {p}" for p in parts if p)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.dates:
            out["since"] = self.dates.since.isoformat() if self.dates.since else None
            out["until"] = self.dates.until.isoformat() if self.dates.until else None
        if self.amount:
            out["min_amount_minor"] = self.amount.min_minor
            out["max_amount_minor"] = self.amount.max_minor
            if self.amount.currency:
                out["amount_currency"] = self.amount.currency
        if self.merchant:
            out["merchant"] = self.merchant
        return out

    @classmethod
    def from_json(cls, raw: Any) -> Filters:
        if not isinstance(raw, dict):
            return cls()
        dates = None
        if "since" in raw or "until" in raw:
            since, until = raw.get("since"), raw.get("until")
            dates = DateRange(
                date.fromisoformat(since) if since else None, date.fromisoformat(until) if until else None
            )
        amount = None
        if "min_amount_minor" in raw or "max_amount_minor" in raw:
            said = raw.get("amount_currency")
            amount = AmountFilter(
                raw.get("min_amount_minor"),
                raw.get("max_amount_minor"),
                currency=said if isinstance(said, str) else None,
            )
        merchant = raw.get("merchant") if isinstance(raw.get("merchant"), str) else None
        return cls(dates, amount, merchant)

    def query(self, *, account_id: str | None = None, limit: int = SEARCH_LIMIT) -> TransactionQuery:
        """The search for these filters. An amount said in a foreign currency is not searched on (the
        store compares the amount charged to the account): ``fits`` checks it on what the search found,
        so the search reaches further back."""
        by_amount = self.amount is not None and not self.amount.foreign
        return TransactionQuery(
            account_id=account_id,
            since=self.dates.since.isoformat() if self.dates and self.dates.since else None,
            until=self.dates.until.isoformat() if self.dates and self.dates.until else None,
            merchant=self.merchant,
            min_amount_minor=self.amount.min_minor if self.amount and by_amount else None,
            max_amount_minor=self.amount.max_minor if self.amount and by_amount else None,
            limit=limit if by_amount or self.amount is None else max(limit, FOREIGN_SEARCH_LIMIT),
        )

    def fits(self, t: TransactionView) -> bool:
        """Whether a payment the search found has the amount asked for, in the currency it was said in."""
        if self.amount is None:
            return True
        return self.amount.fits(t.amount_minor, t.currency, t.original_amount_minor, t.original_currency)

    async def search(
        self, run: Run, *, account_id: str | None = None, limit: int = SEARCH_LIMIT
    ) -> list[TransactionView]:
        """The customer's transactions these filters find, most recent first, at most ``limit``."""
        found = await run.transactions(self.query(account_id=account_id, limit=limit))
        return [t for t in found if self.fits(t)][:limit]


def parse_filters(text: str, run: Run) -> tuple[Filters, str]:
    """Dates, then amounts, then a merchant, each parsed from what the previous parser left."""
    _last4, rest = parse_last4(text)
    dates, rest = parse_date_range(rest, run.today)
    amount, rest = parse_amount(rest)
    return Filters(dates, amount, parse_merchant(rest)), rest


async def known_merchant_in(run: Run, text: str) -> str | None:
    """A merchant of the customer's recent transactions that the text names without "at"/"from"."""
    # Sentence punctuation is not part of a name ("did I pay Luxe Watches Direct?").
    words = _SENTENCE_MARKS_RE.sub(" ", text.lower()).split()
    lowered = f" {' '.join(words)} "
    recent = await run.transactions(TransactionQuery(limit=SEARCH_LIMIT))
    names = sorted({t.merchant for t in recent}, key=len, reverse=True)
    spaced = lowered.replace("'s ", " ").replace(",", " ")
    for name in names:
        if name.lower() in _COMMON_WORD_MERCHANTS:
            continue
        if len(name) >= 3 and f" {name.lower()} " in spaced:
            return name.lower()
        # "an online sainsburys order": the name as customers type it, without its apostrophe
        bare = name.lower().replace("'", "")
        if bare != name.lower() and len(bare) >= 3 and f" {bare} " in spaced.replace("'", ""):
            return name.lower()
    for name in names:
        # A two-letter brand ("BP", "BT", "EE") is a word too short to tell apart from a typo or a
        # pronoun; written in capitals, as the brand writes itself, it is the name.
        if len(name) == 2 and name.isalpha() and re.search(rf"\b{re.escape(name.upper())}\b", text):
            return name.lower()
    for name in names:
        # A brand's initials stand for the whole name ("M&S" is "M&S Simply Food"); the search matches on
        # part of the name, so the initials are enough.
        first = name.lower().split()[0]
        if "&" in first and len(first) >= 3 and f" {first} " in spaced:
            return first
    return None


# What stands between two shops named side by side: "sky n british gas", "tesco, aldi and lidl", "trainline
# and uber" (never "or": "tesco or aldi, which was dearer" compares them).
_SHOPS_JOINED = re.compile(r"^\s*(?:,|,?\s*(?:and|n|&|\+|plus))\s+(?:(?:at|on|to|from|the)\s+)?$")
_JOINER = re.compile(r",|\s(?:and|n|&|\+|plus)\s", re.IGNORECASE)
_FIRST_WORD_MIN = 4  # "octopus" for Octopus Energy; never a short word like "the" or "bp"
MAX_SHOPS_TOGETHER = 3


async def shops_named_together(run: Run, text: str) -> list[str]:
    """Two or three of the customer's own shops a message names side by side ("how much have sky n british
    gas took off me"), lower case as said, in order; [] when it names fewer."""
    if not _JOINER.search(text):
        return []  # nothing joins two names: no need to read the customer's shops
    spaced = f" {' '.join(_SENTENCE_MARKS_RE.sub(' ', text.lower()).split())} "
    recent = await run.transactions(TransactionQuery(limit=SEARCH_LIMIT))
    said_for: dict[str, str] = {}
    for name in {t.merchant.lower() for t in recent if t.amount_minor < 0}:
        said_for.setdefault(name, name)
        first = name.split()[0] if name.split() else name
        if (len(first) >= _FIRST_WORD_MIN and first.isalpha()) or ("&" in first and len(first) >= 3):
            said_for.setdefault(first, name)  # "octopus" for Octopus Energy, "m&s" for M&S Simply Food
    for nick, part in MERCHANT_NICKNAMES.items():
        if any(part in name for name in said_for.values()):
            said_for.setdefault(nick, part)
    found: list[tuple[int, int, str]] = []
    for said in sorted(said_for, key=len, reverse=True):
        for m in re.finditer(rf"(?<= ){re.escape(said)}(?= )", spaced):
            if not any(start < m.end() and m.start() < end for start, end, _ in found):
                found.append((m.start(), m.end(), said))
    found.sort()
    chain: list[tuple[int, int, str]] = []
    for item in found:
        if chain and _SHOPS_JOINED.match(spaced[chain[-1][1] : item[0]]):
            chain.append(item)
        elif len(chain) >= 2:
            break
        else:
            chain = [item]
    shops = [said for _, _, said in chain]
    if not 2 <= len(shops) <= MAX_SHOPS_TOGETHER or all(s in _COMMON_WORD_MERCHANTS for s in shops):
        return []
    return shops


async def merchant_named_in_part(run: Run, text: str) -> tuple[str, str] | None:
    """The one merchant of the customer's payments out whose name's first two words or more the text says
    together ("those Elite Electronics payments" is Elite Electronics Online), lower case, with the words
    said; None when no merchant's, or several merchants', names are said that way."""
    spaced = f" {' '.join(_SENTENCE_MARKS_RE.sub(' ', text.lower()).replace(chr(39) + 's ', ' ').split())} "
    recent = await run.transactions(TransactionQuery(limit=SEARCH_LIMIT))
    found: dict[str, str] = {}
    for name in {t.merchant.lower() for t in recent if t.amount_minor < 0}:
        words = name.split()
        for size in range(len(words), 1, -1):
            said = " ".join(words[:size])
            if f" {said} " in spaced:
                found[name] = said
                break
    return found.popitem() if len(found) == 1 else None


# What customers call a shop, and the part of the name on their statement ("spoons" is Wetherspoon).
MERCHANT_NICKNAMES: dict[str, str] = {
    "spoons": "wetherspoon",
    "wetherspoons": "wetherspoon",
    "weatherspoons": "wetherspoon",
    "maccies": "mcdonald",
    "maccys": "mcdonald",
    "maccas": "mcdonald",
    "mcds": "mcdonald",
    "mcdonalds": "mcdonald",
    "sainsos": "sainsbury",
    "sainsburys": "sainsbury",
    "tescos": "tesco",
    "morries": "morrisons",
    "asdas": "asda",
    "primarni": "primark",
    "marks and sparks": "m&s",
    "marks & spencer": "m&s",
    "marks and spencer": "m&s",
    "the trainline": "trainline",
    "spotify premium": "spotify",
}


async def has_merchant(run: Run, words: str) -> bool:
    """Whether any of the customer's payments is at a merchant whose name has these words."""
    return bool(await run.transactions(TransactionQuery(merchant=words, limit=1)))


async def statement_merchant(run: Run, merchant: str) -> str:
    """The merchant as the customer's statement names it, when the words they used find nothing: a nickname
    ("spoons"), or a plural or possessive of the name ("wetherspoons" for "Wetherspoon"). The words as
    typed otherwise (a search for them finds what there is, or says there is none)."""
    bare = merchant.replace("'", "").replace("\u2019", "")
    candidates = [c for c in (MERCHANT_NICKNAMES.get(bare), MERCHANT_NICKNAMES.get(merchant)) if c]
    if bare.endswith("s") and len(bare) > 4:
        candidates.append(bare[:-1])
    if await has_merchant(run, merchant):
        return merchant
    for candidate in candidates:
        if await has_merchant(run, candidate):
            return candidate
    return await merchant_at_place(run, merchant) or merchant


async def merchant_at_place(run: Run, place: str) -> str | None:
    """The one merchant of the customer's recent payments whose statement line names the place ("a shop in
    Miami" is ELITE ELECTRONICS ONLINE MIAMI US), lower case; None when no merchant, or several, are there."""
    words = re.findall(r"[a-z]+", place.lower())
    if not words or len(words) > PLACE_MAX_WORDS or len("".join(words)) < PLACE_MIN_LETTERS:
        return None
    said = f" {' '.join(words)} "
    recent = await run.transactions(TransactionQuery(limit=SEARCH_LIMIT))
    there = {
        t.merchant.lower()
        for t in recent
        if t.amount_minor < 0
        and said in f" {' '.join(re.findall(r'[a-z]+', t.description.lower()))} "
        and said not in f" {' '.join(re.findall(r'[a-z]+', t.merchant.lower()))} "
    }
    return there.pop() if len(there) == 1 else None


async def nicknamed_merchant_in(run: Run, text: str) -> str | None:
    """A merchant of the customer's that the text names by its nickname alone ("was spoons dear")."""
    spaced = f" {' '.join(_SENTENCE_MARKS_RE.sub(' ', text.lower()).split())} "
    for nickname, name in MERCHANT_NICKNAMES.items():
        if f" {nickname} " in spaced and await has_merchant(run, name):
            return name
    return None


# "that electronics website", "the furniture place": a shop described by a word of its name and what it is.
_DESCRIBED_SHOP_RE = re.compile(
    r"\b(?P<word>[a-z][a-z&'-]{3,})\s+(?:web\s?site|site|online\s+shop|shop|store|place|company|firm|"
    r"retailer|outfit|app)s?\b",
    re.IGNORECASE,
)


def described_shops(text: str) -> list[str]:
    """The shops the text describes by a word of their name and what they are ("electronics website"; never
    "that site", which points back to one)."""
    return [m.group(0) for m in _DESCRIBED_SHOP_RE.finditer(text) if m.group("word").lower() not in _POINTERS]


_POINTERS = frozenset({"that", "this", "those", "these", "same", "which", "what", "other", "their", "your"})


async def described_merchant_in(run: Run, text: str) -> str | None:
    """The one merchant of the customer's recent payments that the text describes by a word of its name and
    the kind of business ("some American electronics website" is Elite Electronics Online); None when no
    merchant, or more than one, has that word in its name."""
    described = {m.group("word").lower() for m in _DESCRIBED_SHOP_RE.finditer(text)}
    if not described:
        return None
    recent = await run.transactions(TransactionQuery(limit=SEARCH_LIMIT))
    paid_to = {t.merchant.lower() for t in recent if t.amount_minor < 0}
    for word in sorted(described):
        named = {name for name in paid_to if word in name.split()}
        if len(named) == 1:
            return named.pop()
    return None


# Merchants whose name is an everyday word ("Sky", "Apple", "Next") are taken as the merchant only where the
# words around them make them one: "pay Apple", "to Sky", "my Sky payments", "Apple charges".
_EVERYDAY_MERCHANT_RE = re.compile(
    # "I cancelled Sky", "left Apple": a company the customer ended something with
    r"\b(?:(?:pay|paid|paying|pays|to|at|from|by|with)\s+(?:the\s+)?"
    r"|(?:cancel+ed|canceled|cancel|left|quit)\s+(?:the\s+|my\s+|our\s+)?)(?P<a>[a-z&]+(?:\s+[a-z&]+)?)\b"
    # "the Shell garage", "the Next shop": the name said with what the business is
    r"|\bthe\s+(?P<c>[a-z&]+)\s+(?:garage|petrol station|shop|store|website|site|app|branch|order|delivery)\b"
    r"|\b(?P<b>[a-z&]+)\s+(?:payments?|charges?|bills?|subscriptions?|purchases?|transactions?|debits?"
    r"|spend|spending|charged|billed|debited|took|taken|had\s+off|has\s+(?:charged|taken|billed|had))\b",
    re.IGNORECASE,
)


async def everyday_word_merchant(run: Run, text: str) -> str | None:
    """A merchant named like an everyday word ("Sky") where the words around it make it a payee."""
    named = {
        (m.group("a") or m.group("b") or m.group("c") or "").lower()
        for m in _EVERYDAY_MERCHANT_RE.finditer(text)
    }
    named |= {n.split()[0] for n in named if " " in n}
    if not named:
        return None
    recent = await run.transactions(TransactionQuery(limit=SEARCH_LIMIT))
    for merchant in sorted({t.merchant for t in recent}, key=len, reverse=True):
        if merchant.lower() in EVERYDAY_WORD_MERCHANTS and merchant.lower() in named:
            return merchant.lower()
    return None


# A cash machine named in a story ("the cash machine in town took 100 quid"): the payment is a withdrawal.
_CASH_MACHINE_RE = re.compile(
    r"\b(?:atms?|cash ?machines?|cash ?points?|hole in the wall|cash withdrawals?)\b", re.IGNORECASE
)
_CASH_WITHDRAWAL = "cash withdrawal"
_NAME_WORD_RE = re.compile(r"[a-z][a-z&]*")


async def first_word_merchant_in(run: Run, text: str) -> str | None:
    """The one merchant of the customer's payments out whose name starts with a word the text names on its
    own ("the Vue" is Vue Cinemas), lower case; None when the word is an everyday one or fits several."""
    said = set(_NAME_WORD_RE.findall(text.lower()))  # "the Odeon's screen": the name without its "'s"
    recent = await run.transactions(TransactionQuery(limit=SEARCH_LIMIT))
    named = set()
    for t in recent:
        name = t.merchant.lower()
        first = next(iter(_NAME_WORD_RE.findall(name)), "")
        if (
            t.amount_minor < 0
            and len(first) >= PLACE_MIN_LETTERS - 1
            and first in said
            and first not in NOT_MERCHANT_WORDS
            and name not in _COMMON_WORD_MERCHANTS
        ):
            named.add(name)
    return named.pop() if len(named) == 1 else None


async def own_merchant_for(run: Run, merchant: str, text: str) -> str | None:
    """The merchant to search for, when the words read as one ("in the bath", "in France", "at the pump")
    name nobody the customer has paid: one of the customer's own merchants the text names some other way
    ("the game on steam ... while the kids are in the bath" is Steam), lower case; None when it names none
    (the words are then no shop of theirs, and no filter). The words' own merchant when they name one."""
    found = await statement_merchant(run, merchant)
    if await has_merchant(run, found):
        return found
    return (
        await known_merchant_in(run, text)
        or await everyday_word_merchant(run, text)
        or await nicknamed_merchant_in(run, text)
        or await first_word_merchant_in(run, text)
    )


async def _paid_merchant(run: Run, merchant: str, rest: str) -> str:
    """The shop a story names, when the words read after "in"/"with"/"from" name nobody the customer paid
    ("posted it back with the form filled in", "a bot that goes round in circles", "the projector packed
    in forty minutes into the film"): a merchant of the customer's own payments that the text names, however
    it names it ("the Vue"), or a withdrawal when a cash machine is named. The words read otherwise."""
    merchant = await statement_merchant(run, merchant)
    if await has_merchant(run, merchant):
        return merchant
    own = (
        await known_merchant_in(run, rest)
        or await everyday_word_merchant(run, rest)
        or await nicknamed_merchant_in(run, rest)
        or await first_word_merchant_in(run, rest)
    )
    if own is None and told_of_cash_machine(rest) and await has_merchant(run, _CASH_WITHDRAWAL):
        own = _CASH_WITHDRAWAL
    return own or merchant


def transaction_facts(t: TransactionView) -> dict[str, Any]:
    return {
        "transaction_id": t.id,
        "merchant": clean_name(t.merchant),
        "amount": format_money(abs(t.amount_minor), t.currency),
        "date": format_day(day_of(t.booked_at)),
        "status": t.status,
    }


def transaction_line(t: TransactionView) -> str:
    facts = transaction_facts(t)
    pending = " (pending)" if t.status == "pending" else ""
    return f"{facts['amount']} to {facts['merchant']} on {facts['date']}{pending}"


async def resolve_transaction(run: Run, slot: SlotSpec) -> TransactionView:
    """Find one disputable payment out by merchant, amount and date, over as many turns as needed."""

    def allowed(t: TransactionView) -> bool:
        return t.amount_minor < 0 and (not slot.statuses or t.status in slot.statuses)

    if known := run.state.get(slot.name):
        carried = await run.transaction(str(known))
        if carried is None:
            raise run.stop("not_found", {"target": "that transaction"})
        if not allowed(carried):
            raise run.stop("wrong_status", transaction_facts(carried))
        return carried

    awaiting = run.awaiting(slot.name)
    if awaiting and run.candidates():
        chosen_id = _pick(run.candidates(), parse_ordinal(run.text))
        if chosen_id is not None:
            picked = await run.transaction(chosen_id)
            if picked is not None and allowed(picked):
                run.resolved(slot.name, picked.id)
                return picked

    stored = Filters.from_json(run.params.get("filters"))
    fresh = await _described_payment(run, run.text, awaiting=bool(awaiting))
    story = run.params.get("story")
    if fresh.merchant is None and stored.empty and not awaiting and isinstance(story, str) and story:
        # "please claim the money back for me" after a message that told what went wrong: the payment that
        # story describes; what the request itself says (a day, an amount) narrows it ("I left Virgin Media in
        # October" ... "they still took a payment in the middle of November")
        fresh = (await _described_payment(run, story, awaiting=False)).merged(fresh)
    filters = stored.merged(fresh)
    run.params["filters"] = filters.to_json()
    duplicate = bool(run.params.get("duplicate")) or mentions_duplicate(run.text)
    if duplicate:
        run.params["duplicate"] = True
    if filters.empty and not duplicate:
        raise run.ask(slot.ask, slot=slot.name)

    found = await filters.search(run)
    money_out = [t for t in found if t.amount_minor < 0]
    told = bool(run.params.get("told"))  # the request came with the story of what went wrong
    if not money_out and told and filters.amount is not None and filters.merchant and not duplicate:
        # A story's other amounts ("it cost me £2.50 to post back", "a taxi for £40", "they said they'd
        # refund £10"): when no payment of that amount was made at the shop told of, the payment is the one
        # that was (in the time told), and the offer says its own amount.
        loose = Filters(filters.dates, None, filters.merchant)
        found = await loose.search(run)
        money_out = [t for t in found if t.amount_minor < 0]
        if money_out:
            filters = loose
            run.params["filters"] = filters.to_json()
    if not money_out and filters.merchant and filters.dates is not None:
        # "end of October", "the Friday of last week": a day remembered a little wrong. Nothing at that shop
        # then, the shop's payments at any time are the ones it could be, nearest the day told first; the
        # offer says the day the payment was actually made, and the customer confirms it.
        wider = Filters(None, filters.amount, filters.merchant)
        widened = [t for t in await wider.search(run) if t.amount_minor < 0]
        if widened:
            money_out = sorted(widened, key=lambda t: _days_outside(filters.dates, day_of(t.booked_at)))
            found = money_out
            filters = wider
            run.params["filters"] = filters.to_json()
    # "add the other one to my claim": the payments already claimed are not the one meant, if another fits
    excluded = set(run.params.get("exclude") or [])
    fitting = [t for t in money_out if allowed(t) and t.id not in excluded] or [
        t for t in money_out if allowed(t)
    ]
    if duplicate:
        # "Charged twice": the payment to dispute is the repeat of a same-merchant, same-amount pair.
        repeats = [d for d in find_duplicates(found) if allowed(d.repeat) and d.repeat.id not in excluded]
        if len(repeats) == 1:
            return _resolved_duplicate(run, slot, repeats[0])
        if repeats:
            fitting = [d.repeat for d in repeats]
        elif filters.empty:
            raise run.ask(slot.ask, slot=slot.name)
        elif filters.merchant and fitting and asks_if_repeated(run.text) and "no_repeat" in run.spec.replies:
            # "Have I paid them twice?": a question, and no payment there repeats another. The answer is
            # what was paid, each payment once; nothing is offered for dispute that nobody said was wrong.
            shown = sorted(fitting, key=lambda t: t.booked_at, reverse=True)[:MAX_CHOICES]
            raise run.stop(
                "no_repeat",
                {
                    "merchant": clean_name(fitting[0].merchant),
                    "lines": "\n".join(f"- {transaction_line(t)}" for t in shown),
                    "transaction_ids": [t.id for t in shown],
                },
            )
    if not fitting:
        if money_out:
            raise run.stop("wrong_status", transaction_facts(money_out[0]))
        raise run.stop("none", {"filters": filters.describe()})
    if len(fitting) == 1:
        run.resolved(slot.name, fitting[0].id)
        return fitting[0]
    shown = fitting[:MAX_CHOICES]
    lines = "\n".join(f"{n}. {transaction_line(t)}" for n, t in enumerate(shown, start=1))
    more = (
        ""
        if len(fitting) <= MAX_CHOICES
        else "\n(Only the most recent are listed: tell me the amount or date to narrow it down.)"
    )
    question = run.spec.replies.get("choose")
    text = (
        render(question, {"count": len(fitting), "lines": lines + more})
        if question
        else _choice_question(slot.ask, [transaction_line(t) for t in shown])
    )
    raise run.ask(text, slot=slot.name, candidates=[t.id for t in shown])


def _days_outside(dates: DateRange | None, day: date) -> int:
    """How many days a day lies outside a range (0 inside it, or with no range)."""
    if dates is None:
        return 0
    if dates.since is not None and day < dates.since:
        return (dates.since - day).days
    if dates.until is not None and day > dates.until:
        return (day - dates.until).days
    return 0


async def _described_payment(run: Run, text: str, *, awaiting: bool) -> Filters:
    """The dates, amount and shop a message describes a payment by; the shop however the text names it (a
    merchant of the customer's own, or a withdrawal when a cash machine is told of)."""
    fresh, rest = parse_filters(text, run)
    if fresh.merchant is None and (fresh.empty or not awaiting):
        merchant = (
            await known_merchant_in(run, rest)
            or await first_word_merchant_in(run, rest)
            or await everyday_word_merchant(run, rest)
        )
        if merchant is None and told_of_cash_machine(rest) and await has_merchant(run, _CASH_WITHDRAWAL):
            merchant = _CASH_WITHDRAWAL  # "the cash machine on the high street didn't give me the money"
        if merchant:
            fresh = Filters(fresh.dates, fresh.amount, merchant)
    elif fresh.merchant is not None:
        fresh = Filters(fresh.dates, fresh.amount, await _paid_merchant(run, fresh.merchant, rest))
    return fresh


# "the machine whirred and gave me nothing", "tried to take twenty out... the machine": a machine that gives
# out cash, named only as "the machine".
_MACHINE_FOR_CASH_RE = re.compile(
    r"\bmachine\b(?=.*\b(?:cash|notes|money|withdraw\w*)\b|.*\b(?:gave|give|giving|dispensed?)\b)"
    r"|\b(?:take|took|taking|get|got|getting|draw|drew|withdr[ae]w\w*)\s+(?:\w+\s+){0,3}?out\b.*\bmachine\b",
    re.IGNORECASE,
)


def told_of_cash_machine(text: str) -> bool:
    """Whether a story tells of a cash machine ("the ATM", "the hole in the wall", "the machine gave me
    nothing")."""
    return bool(_CASH_MACHINE_RE.search(text) or _MACHINE_FOR_CASH_RE.search(text))


def _resolved_duplicate(run: Run, slot: SlotSpec, found: Duplicate) -> TransactionView:
    run.resolved(slot.name, found.repeat.id)
    original = transaction_facts(found.original)
    run.params["duplicate_of"] = {
        "transaction_id": found.original.id,
        "date": original["date"],
        "amount": original["amount"],
    }
    return found.repeat
