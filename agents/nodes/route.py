"""route: a policy table (data, not if-chains) from the triage result to the flow that handles the turn."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.dialogue.beyond_chat import beyond_chat
from agents.dialogue.cues import (
    CASH_LINE,
    PART_OF_SHOWN,
    POUND_AMOUNT,
    FollowUp,
    adds_to_dispute,
    adds_up_shown,
    asks_day_or_card,
    asks_for_number,
    asks_if_regular,
    asks_left_of_wages,
    combines_answers,
    explicit_action,
    follow_up,
    normalise,
    progress_of_claim,
    requested_card_action,
    requested_dispute,
    share_of_shown,
    shares_several,
    status_question,
    supposes_a_loss,
    tells_of_let_down,
    urgent_intent,
    was_stolen,
)
from agents.dialogue.decision import Decision, read_decision
from agents.dialogue.details_cues import asks_card_ending, own_details_request
from agents.dialogue.negation import said_not_to, without_negated_actions
from agents.dialogue.payment_cues import asks_payment_status, payment_referred_to
from agents.dialogue.recurring_cues import (
    due_date_referred_to,
    gone_out_requests,
    named_recurring,
    named_recurring_amount,
    names_recurring,
    recurring_request,
    repayment_request,
)
from agents.dialogue.regular_money import RegularAsk, read_regular
from agents.dialogue.spending_cues import (
    added_to_total,
    interest_meant,
    place_referred,
    referred_amount,
    refers_to_shop_shown,
    spending_intent,
    takes_off_more,
)
from agents.dialogue.support_cues import (
    asks_how_to_reach_a_person,
    asks_what_help_there_is,
    asks_what_the_bank_would_do,
    asks_what_the_bank_would_ever_do,
    help_section_asked,
    how_to_question,
    limit_question,
)
from agents.nodes.assist import urgent_turn
from agents.nodes.care import SUPPORT, support_heading
from agents.nodes.common import customer_messages, emit_step, today_of
from agents.nodes.screen import handoff_priority
from agents.ports import BankingPort, TransactionQuery
from agents.procedures.context import AWAITING
from agents.procedures.dates import format_day
from agents.procedures.places import parse_place
from agents.procedures.queries import (
    _BILL_KIND_RE,
    PUT_INTO_SAVINGS_RE,
    direction_said,
    parse_category,
    parse_excluded,
    parse_period,
    without_direction,
)
from agents.procedures.recurring import PER_YEAR, TIMES_A_YEAR
from agents.procedures.slots import MERCHANT_NICKNAMES, parse_currency
from agents.procedures.spec import procedure_for_intent
from agents.procedures.textparse import (
    names_only_last4,
    parse_account_kind,
    parse_amount,
    parse_bare_amount,
    parse_card_brand,
    parse_date_range,
    parse_last4,
    parse_merchant,
    parse_ordinal,
    parse_report_kind,
)
from agents.safety.lexicon import COMPLAINT_PROCESS_QUESTION
from agents.state import AgentState
from agents.tools.views import clean_name
from agents.triage.routes import Route

FLOW_BY_ROUTE: Mapping[str, str] = MappingProxyType(
    {
        Route.KB_ANSWER.value: "kb_answer",
        Route.ACCOUNT_LOOKUP.value: "procedure",
        Route.CARD_ACTION.value: "procedure",
        Route.PAYMENT_STATUS.value: "procedure",
        Route.DISPUTE.value: "procedure",
        Route.COMPLAINT.value: "complaint",
        Route.HANDOFF.value: "handoff",
        Route.SMALLTALK.value: "smalltalk",
        Route.OUT_OF_SCOPE.value: "out_of_scope",
    }
)
# Flows a procedure may take over when one is keyed on the intent (a knowledge-base question such as
# "when will my card arrive" is better answered from the customer's own cards).
PROCEDURE_CAN_SERVE = frozenset({"procedure", "kb_answer"})
# Possible fraud goes to a person (urgently) once the procedure has done what it can.
FRAUD_INTENTS = frozenset(
    {
        "card_payment_not_recognised",
        "cash_withdrawal_not_recognised",
        "direct_debit_payment_not_recognised",
        "compromised_card",
    }
)
HANDOFF_BY_INTENT: Mapping[str, dict[str, str]] = MappingProxyType(
    {"human_request": {"reason": "customer asked for a person", "priority": "normal"}}
)
# Intents whose flow is not their route's: triage is a second net under screening's vulnerability cues, and
# a vulnerable customer gets the support text as well as a person.
FLOW_BY_INTENT: Mapping[str, str] = MappingProxyType({"vulnerability": "vulnerability"})


SHORT_ANSWER_WORDS = 4


def _names_an_answer(text: str, today: date) -> bool:
    """The words name something a procedure's question asks for: a card, an account, a position in a list,
    an amount, a date, a currency, lost or stolen ("2", "the visa one", "ending 4321", "savings", "£24")."""
    return bool(
        parse_last4(text, bare_allowed=True)[0]
        or parse_card_brand(text)
        or parse_account_kind(text)
        or parse_ordinal(text)
        or parse_currency(text)
        or parse_amount(text)[0]
        or parse_date_range(text, today)[0]
        or parse_report_kind(text)
    )


def _handed_to(procedure: str, text: str, **more: Any) -> dict[str, Any]:
    """The state update that hands the turn to ``procedure`` with the words it runs on (no slots yet)."""
    return {
        "procedure": procedure,
        "procedure_intent": procedure,
        "slots": {},
        "text": text,
        "low_confidence_streak": 0,
        **more,
    }


DECLINED = (
    "No problem, I'll leave it there: nothing has been changed. Is there anything else I can help you with?"
)


def _declines_pending_question(state: AgentState) -> bool:
    """A plain no to the question a procedure asked ("nah leave it", "never mind", "forget it" while the agent
    asks which card or which payment): read as a confirmation's answer is, so a new request is never one."""
    if not (state.get("slots") or {}).get(AWAITING):
        return False
    return read_decision(state.get("text", "")) is Decision.NO


def _answers_pending_question(state: AgentState, runtime: Runtime[AgentContext]) -> bool:
    """A short reply ("2", "the visa one", "ending 4321") answers the question; a clear new request does
    not, however short ("whats my balance", "show recent transactions" while the agent asks which card)."""
    tri = state.get("triage") or {}
    text = state.get("text", "")
    active = state.get("procedure")
    strong = tri.get("confidence", 0.0) >= runtime.context.settings.triage_threshold
    other = procedure_for_intent(tri.get("intent", ""), runtime.context.procedures)
    new_request = (strong and other is not None and other.name != active) or (
        requested_card_action(text) not in (None, active)
    )
    if len(text.split()) <= SHORT_ANSWER_WORDS:
        return not (new_request and not _names_an_answer(text, today_of(state)))
    return not (strong and other is not None)


def _serve(intent: str, route_name: str, runtime: Runtime[AgentContext]) -> tuple[str, str, dict[str, Any]]:
    """The flow (and procedure) that serves a confidently read intent."""
    update: dict[str, Any] = {}
    flow = FLOW_BY_INTENT.get(intent) or FLOW_BY_ROUTE.get(route_name, "out_of_scope")
    why = f"{intent} -> {flow}"
    # Procedures are data keyed by intent: one that serves this intent takes it, whatever the route.
    spec = procedure_for_intent(intent, runtime.context.procedures)
    if spec is not None and (flow in PROCEDURE_CAN_SERVE or route_name == ""):
        flow, why = "procedure", f"{intent} -> procedure {spec.name}"
        update.update(procedure=spec.name, procedure_intent=intent, slots={})
    elif flow == "procedure":
        flow, why = "kb_answer", f"{intent}: no procedure, answer from the knowledge base"
    if flow == "handoff":
        update["handoff"] = dict(
            HANDOFF_BY_INTENT.get(intent, {"reason": f"routed: {intent}", "priority": "normal"})
        )
    return flow, why, update


# The procedures that act on a card, which a supposed loss must never offer.
_CARD_ACTIONS = frozenset({"freeze_card", "report_lost_stolen"})

TERSE_WORDS = 3
_PERIOD = re.compile(
    r"\b(?:in |during |for |since |from )?(?:january|february|march|april|may|june|july|august|september|"
    r"october|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|(?:this|last|past) (?:week|month|"
    r"weekend|year)|yesterday|today)\b",
    re.IGNORECASE,
)


_SPENT_ON = re.compile(
    r"\b(?:spen[dt]|spending|paid|pay|paying)\s+on\s+(?:the\s+)?(?P<name>[a-z0-9&][\w&'.-]*)", re.I
)


def _spent_on(text: str) -> str | None:
    """The shop in "what did I spend on trainline" (no "at"), unless the word is a category or a period."""
    m = _SPENT_ON.search(text)
    if m is None or parse_category(m.group("name"))[0] is not None:
        return None
    name = m.group("name").lower()
    return None if name in _NOT_A_SHOP or parse_merchant(f"at {name}") is None else name


_EXTREME_WORDS = re.compile(
    r"\b(?:biggest|largest|smallest|most expensive|cheapest|highest|lowest|priciest|dearest)\b"
    r"|\bthe (?:big|large|huge|massive|expensive|pricey|dear) (?:one|payment|shop|bill|spend|purchase)\b",
    re.IGNORECASE,
)


def _listed_shop(listed: list[str]) -> str | None:
    """The one shop every line of the last answer was about ("30 Sep 2026: Wagamama, -£32.43")."""
    names = {m.group(1).strip().lower() for line in listed if (m := re.match(r"^[^:]+: ([^,]+),", line))}
    return names.pop() if len(names) == 1 else None


def _without_replaced(
    old: str, new: str, today: date, listed: list[str] | None = None, named_shop: str | None = None
) -> str:
    """The earlier request's words minus what the follow-up replaces ("and September?" replaces October).

    ``named_shop`` is a shop of the customer's own payments that the follow-up names however it is worded
    ("oh and that wagamama we had, when was that").
    """
    if parse_date_range(new, today)[0] is not None or _PERIOD.search(new):
        old = _PERIOD.sub(" ", parse_date_range(old, today)[1])
    if parse_amount(new)[0] is not None:
        old = parse_amount(old)[1]
    if parse_category(new)[0] is not None:
        # "and transport?" after groceries: the new category replaces every one the request named.
        while (found := parse_category(old))[0] is not None:
            old = found[1]
    if (said := direction_said(new)) is not None and said != direction_said(old):
        # "and whats gone out same time" after what came in: the other way, over the same period.
        old = without_direction(old)
    bare_old = parse_amount(parse_date_range(old, today)[1])[1]
    if not (merchant := parse_merchant(bare_old) or _spent_on(bare_old)) and (
        shop := _listed_shop(listed or [])
    ):
        # "how much was that wagamama in september", then "and the odeon?": the shop the answer was about (its
        # whole name when the request said it: "what did Bar Central charge", then "and the trattoria?").
        words = [shop] if re.search(rf"\b{re.escape(shop)}\b", old, re.I) else shop.split()
        merchant = next((w for w in words if re.search(rf"\b{re.escape(w)}\b", old, re.I)), None)
    other = _other_merchant(new, today) or named_shop
    if merchant and other:
        # "and amazon?" after "how much did I spend at tesco": the same question about another shop.
        old = re.sub(rf"\b{re.escape(merchant)}\b", other, old, flags=re.IGNORECASE)
    elif other and named_shop and parse_category(old)[0] is not None:
        # "and that wagamama?" after a question about the cinema (a category): the shop replaces it.
        while (found := parse_category(old))[0] is not None:
            old = found[1]
        old = f"{old} at {other}"
    return old


_IT_ACCOUNT = re.compile(
    r"\b(?:on|in|of|from|for|into|with) (?:it|that|that one|this one|that account|this account|there)\b|"
    r"\b(?:its|it's|that account's) balance\b|\b(?:that|this) account\b",
    re.IGNORECASE,
)


_REGULAR_LINE = re.compile(
    r"(?:(?P<named>[^:]+): )?(?P<cur>[£€$])(?P<amount>[\d,]+\.\d{2}) "
    r"(?P<freq>weekly|fortnightly|monthly|quarterly|yearly|annually)\b(?: to (?P<payee>[^(,]+))?"
)
_CURRENCY_OF = {"£": "GBP", "€": "EUR", "$": "USD"}


def _amount_shown(frame: dict[str, Any]) -> list[Any] | None:
    """The one amount the last answer came to, [label, minor units, currency]: its figure, or the regular
    payments it listed added up (a month's worth each); None when there is none in one currency."""
    if figures := list(frame.get("figures") or []):
        return list(figures[-1])
    regular = [m for line in frame.get("listed") or [] if (m := _REGULAR_LINE.search(str(line)))]
    monthly = [m for m in regular if m.group("freq") == "monthly"]
    if not monthly or len({m.group("cur") for m in monthly}) != 1:
        return None
    minor = sum(round(float(m.group("amount").replace(",", "")) * 100) for m in monthly)
    return ["the regular payments", minor, _CURRENCY_OF[monthly[0].group("cur")]]


OVER_A_YEAR_MAX_WORDS = 12


async def _also_taken(text: str, banking: BankingPort) -> list[list[Any]]:
    """[label, minor units, currency] of each regular payment the message names, or of the amount it names
    ("and the 300 for insurance on top?"); empty when it names neither."""
    items = await named_recurring(text, banking)
    if items:
        return [[clean_name(i.payee_name), i.amount_minor, i.currency] for i in items]
    if not _ON_TOP.search(text):
        return []  # "what about 9 grand?": another amount instead of the last one, not one more on top
    amount = parse_amount(text)[0] or parse_bare_amount(text)
    value = amount and (amount.around_minor or amount.min_minor or amount.max_minor)
    return [["", value, amount.currency or "GBP"]] if amount and value else []


# An amount asked about on top of the last one: "and the 300 for insurance on top?", "plus 50 for the case",
# "what if I spend another 200 as well".
_ON_TOP = re.compile(
    r"\b(?:on top|as well|too|also|plus|with|add(?:ed|ing)?|extra|another|more|and then|both|altogether|"
    r"together|in total|combined)\b|\b(?:once|after|when)\b",
    re.IGNORECASE,
)


def _asks_shown_over_a_year(
    text: str, frame: dict[str, Any], *, procedure: str = "recurring_payments"
) -> bool:
    """Whether the message asks what the regular payments just shown come to over a year ("what's that a year
    then", "the form wants it for the whole year")."""
    if frame.get("procedure") != procedure or not PER_YEAR.search(text):
        return False
    # a question of its own ("what did I pay BT in 2025"), not "that" over a year
    return len(text.split()) <= OVER_A_YEAR_MAX_WORDS and not re.search(r"\d", text)


# "- 2 Nov 2026: BT, £43.65": one payment of a list of them.
_PAID_LINE = re.compile(
    r"^(?:- )?(?P<day>\d{1,2} [A-Z][a-z]{2} \d{4}): (?P<shop>[^,]+), (?P<cur>[£€$])(?P<amount>[\d,]+\.\d\d)$"
)


def _shown_monthly(text: str, frame: dict[str, Any]) -> list[Any] | None:
    """[shop, minor units, currency, 12] when the message asks what the payments just shown come to over a
    year and they were one shop's, the same amount each time, about a month apart ("sky gone up?", then
    "whats that yearly"); None otherwise."""
    if not _asks_shown_over_a_year(text, frame, procedure="spending"):
        return None
    paid = [m for line in frame.get("listed") or [] if (m := _PAID_LINE.match(str(line).strip()))]
    if len(paid) < 2 or len(paid) != len(frame.get("listed") or []):
        return None
    if len({(m["shop"], m["cur"], m["amount"]) for m in paid}) != 1:
        return None
    days = sorted(datetime.strptime(m["day"], "%d %b %Y").date() for m in paid)
    if not all(25 <= (b - a).days <= 35 for a, b in zip(days, days[1:], strict=False)):
        return None
    minor = int(paid[0]["amount"].replace(",", "").replace(".", ""))
    return [paid[0]["shop"], minor, _CURRENCY_OF[paid[0]["cur"]], TIMES_A_YEAR["monthly"]]


def _over_a_year(text: str, frame: dict[str, Any]) -> list[Any] | None:
    """[payee, minor units, currency, times a year] when the message asks what the one regular payment just
    shown comes to over a year ("what's that a year then"); None otherwise."""
    if (monthly := _shown_monthly(text, frame)) is not None:
        return monthly
    listed = list(frame.get("listed") or [])
    if len(listed) != 1 or not _asks_shown_over_a_year(text, frame):
        return None
    found = _REGULAR_LINE.search(str(listed[0]))
    if found is None:
        return None
    minor = int(found["amount"].replace(",", "").replace(".", ""))
    # "Your direct debit: TV Licence: £14.19 monthly", "Your standing order: £50.00 monthly to Oliver Lewis"
    label = (found["payee"] or found["named"] or "it").strip()
    return [label, minor, _CURRENCY_OF[found["cur"]], TIMES_A_YEAR[found["freq"]]]


def _one_payee(text: str, frame: dict[str, Any], today: date) -> str | None:
    """The payee of the one regular payment just shown, when the message asks what went to it over a period
    of its own ("what have I paid on it since September altogether"); None otherwise."""
    listed = list(frame.get("listed") or [])
    if len(listed) != 1 or parse_period(text, today)[0] is None:
        return None
    found = _REGULAR_LINE.search(str(listed[0]))
    if found is None:
        return None
    payee = (found["payee"] or found["named"] or "").strip()
    return payee or None


WITHOUT_MAX_WORDS = 14


# "take that out", "knock it off", "without that": what is left out is a thing the message names elsewhere.
_LEAVE_IT_OUT = re.compile(
    r"\b(?:take|leave|knock|strip|cut|minus)\s+(?:that|it|this|them|those)\s+(?:out|off|away)\b"
    r"|\b(?:without|excluding|minus|not\s+counting|not\s+including)\s+(?:that|it|this|them|those)\b",
    re.IGNORECASE,
)


def _shown_shop_left_out(text: str, frame: dict[str, Any]) -> str | None:
    """The shop of the last answer's payments that the message names and asks to leave out with a pronoun
    ("my grandson pays me back for the Netflix, take that out"); None otherwise."""
    if not _LEAVE_IT_OUT.search(text):
        return None
    said = _lowered_words(text)
    names = {
        m.group(1).strip()
        for line in frame.get("listed") or []
        if (m := re.match(r"^[-\s]*[^:]+: ([^,]+),", str(line)))
    }
    named = [n for n in names if _lowered_words(n) in said]
    return named[0] if len(named) == 1 else None


def _total_without(text: str, frame: dict[str, Any]) -> str | None:
    """The last total's request with the message's words after it, when the message asks for that total
    leaving something out ("and without the mortgage?", "take the cash out of that", or a shop of its
    payments named and then "take that out"); None otherwise."""
    if frame.get("procedure") != "spending":
        return None
    if (shop := _shown_shop_left_out(text, frame)) is not None:
        return f"{frame.get('text', '')} without {shop}".strip()
    if len(text.split()) > WITHOUT_MAX_WORDS or not parse_excluded(text)[0]:
        return None
    return f"{frame.get('text', '')} {text}".strip()


def _total_with(text: str, frame: dict[str, Any], today: date) -> tuple[str, list[Any]] | None:
    """A question for what the message adds to the total just given, over the same period, and that total
    ([label, minor units, currency]), when the message asks for the total with more on top ("and with the
    cash I took out?" after October's card spending); None otherwise."""
    figures = list(frame.get("figures") or [])
    if frame.get("procedure") != "spending" or not figures or parse_excluded(text)[0]:
        return None
    if len(figures) >= 2 and adds_up_shown(text):
        return None  # "add em both up": the amounts just given, added up (a follow-up), nothing more on top
    added = added_to_total(text)
    if added is None:
        return None
    # Over the same period as the total, and nothing else of its filters: "not counting cash" is not kept for
    # "and with the cash?", nor "on my card" for the direct debits added on top.
    period = ""
    for old in (str(frame.get("text", "")), str(frame.get("said", ""))):
        shown, _ = parse_period(old, today)
        if shown is not None and shown.since is not None:
            period = f"from {format_day(shown.since)} to {format_day(min(shown.until or today, today))}"
            break
    return f"how much did I spend on {added} {period}".strip(), figures[-1]


_INTEREST = re.compile(r"\binterest\b", re.IGNORECASE)
WITH_INTEREST_MAX_WORDS = 16


def _saved_with_interest(text: str, frame: dict[str, Any]) -> str | None:
    """The last request (what was put into savings) with the interest asked on top, when a short message
    right after it asks about the interest ("does that count the interest?", "and with the interest?");
    None otherwise."""
    old = str(frame.get("text", ""))
    if frame.get("procedure") != "spending" or not PUT_INTO_SAVINGS_RE.search(old):
        return None
    if not _INTEREST.search(text) or len(text.split()) > WITH_INTEREST_MAX_WORDS:
        return None
    return f"{old} (and the interest it paid on top)"


def _past_period(text: str, today: date) -> bool:
    """The message names a period that is over ("in October", "last month"): a payment already due."""
    found = parse_date_range(text, today)[0]
    return found is not None and found.until is not None and found.until < today.replace(day=1)


def _account_referred_to(text: str, frame: dict[str, Any]) -> str | None:
    """The account the last answer was about, in words a procedure reads ("ending 0475", "EUR account"),
    when the message points back at it ("on it", "that account") without naming one of its own."""
    if (
        not _IT_ACCOUNT.search(text)
        or parse_last4(text)[0]
        or parse_account_kind(text)
        or parse_currency(text)
    ):
        return None
    old = str(frame.get("text", ""))
    if last4 := parse_last4(old)[0]:
        return f"the account ending {last4}"
    if currency := parse_currency(old):
        return f"my {currency} account"
    if kind := parse_account_kind(old):
        return f"my {kind} account"
    return None


# Words of a short follow-up that are not a shop's name ("and in october?", "what about the other one").
# Words of a follow-up that are never a shop's name, time and degree words included ("and so far this
# month?", "and lately?", "what about roughly").
_NOT_A_SHOP = frozenset(
    """
    and what about how same for with the my in on at of to from over under this that it them those these ones
    one other another more older earlier before after then too also please thanks thank ok okay cheers so now
    card cards account accounts total altogether much many is was were do did any show me then biggest
    smallest largest last latest first second third there payments payment spending spend spent
    place shop store restaurant joint spot
    far yet still instead though again lately recently anyway right like just only exactly ish overall whole
    entire even roughly about around approximately
    its own their by itself themselves alone separately apart
    """.split()
)
# "and that trattoria place?": the kind of venue is not part of the shop's name.
_SHOP_WORDS_MAX = 3


def _other_merchant(new: str, today: date) -> str | None:
    """The shop a short follow-up names on its own ("and amazon?", "what about trainline last week")."""
    if named := parse_merchant(parse_amount(parse_date_range(new, today)[1])[1]):
        return named
    if not _LEAD.search(new) or parse_account_kind(new) or parse_currency(new) or parse_card_brand(new):
        return None
    rest = parse_category(parse_amount(parse_date_range(new, today)[1])[1])
    if rest[0] is not None:
        return None
    words = [w for w in re.findall(r"[a-z0-9&']+", rest[1].lower()) if w not in _NOT_A_SHOP]
    if not words or len(words) > _SHOP_WORDS_MAX or any(w.isdigit() for w in words):
        return None
    return " ".join(words)


_PERIOD_BEFORE = re.compile(
    r"\b(?:the|a)\s+(?P<unit>month|week|year)\s+before\b|\b(?:the\s+)?previous\s+(?P<unit2>month|week|year)\b",
    re.IGNORECASE,
)


def _period_before(text: str, old: str, today: date) -> str | None:
    """ "the month before" a request about a period: the period just before it, in words the procedures read
    ("from 1 September 2026 to 30 September 2026"), or None when the last request named no period."""
    m = _PERIOD_BEFORE.search(text)
    shown, _ = parse_period(old, today)
    if m is None or shown is None or shown.since is None:
        return None
    unit = (m.group("unit") or m.group("unit2")).lower()
    if unit == "month":
        end = shown.since - timedelta(days=1)
        start = end.replace(day=1)
    else:
        length = 7 if unit == "week" else 365
        end = shown.since - timedelta(days=1)
        start = shown.since - timedelta(days=length)
    return f"from {format_day(start)} to {format_day(end)}"


def _subject_named(text: str, named_shop: str | None) -> str | None:
    """The message's own words without its "the week before that", when they name what to look for of their
    own (a kind of spending or a shop of the customer's payments): "n the bus the week before that?" -> "n
    the bus"; None when they name nothing new ("and the month before?")."""
    if not named_shop and parse_category(text)[0] is None and parse_merchant(text) is None:
        return None
    rest = _PERIOD_BEFORE.sub(" ", text)
    rest = re.sub(r"\b(?:that|then|it|this)\b(?=\W*$)", " ", rest)
    return " ".join(rest.split()).strip(" ?!.,") or None


def _subject_dropped(old: str, listed: list[str]) -> str:
    """The earlier request's words without what it was about (its kinds of spending and the one shop its
    answer listed), for a follow-up that names something else to look for over another period."""
    while (found := parse_category(old))[0] is not None:
        old = found[1]
    if shop := _listed_shop(listed):
        for word in [shop, *shop.split()]:
            old = re.sub(rf"\b{re.escape(word)}\b", " ", old, flags=re.IGNORECASE)
    return " ".join(old.split())


_ONE_BEFORE = re.compile(
    r"\bthe (?:one|payment|time|visit|shop) before\b|\bthe previous (?:one|payment|time|visit|shop)\b", re.I
)


def _period_after(old: str, today: date) -> str | None:
    """ "since then" after a request about a period that is over: from the day after it to today."""
    shown, _ = parse_period(old, today)
    if shown is None or shown.until is None or shown.until >= today:
        return None
    return f"from {format_day(shown.until + timedelta(days=1))} to {format_day(today)}"


def followed_frame(text: str, frame: dict[str, Any]) -> dict[str, Any]:
    """The request a follow-up continues: the last one answered, or, when the follow-up does not fit it, the
    latest of the other requests the same message asked that it fits ("has my new card been sent, and what's
    my balance", then "what day did it go out": the card, not the balance)."""
    if follow_up(text, frame) is not None:
        if frame.get("procedure") in _STANDING_ANSWERS and _ASKS_ABOUT_TIME.search(text):
            # "n the big aldi shop the month before" after M&S in October and the balance, asked together:
            # another month of the spending, not of the balance (which has no month before).
            for earlier in frame.get("earlier") or []:
                if (
                    isinstance(earlier, dict)
                    and earlier.get("procedure") in _MONEY_READS
                    and follow_up(text, earlier) is not None
                ):
                    return earlier
        return frame
    for earlier in frame.get("earlier") or []:
        if isinstance(earlier, dict) and follow_up(text, earlier) is not None:
            return earlier
    return frame


# Answers about how things stand now, with no period to move: a follow-up naming another period is about
# the money asked of in the same message.
_STANDING_ANSWERS = frozenset({"check_balance", "account_details", "card_status", "card_arrival"})
_ASKS_ABOUT_TIME = re.compile(
    r"\b(?:before|after|earlier|later|previous|following|last|this|next) (?:month|week|year|one|time)\b|"
    r"\b(?:the )?(?:month|week|year|day) (?:before|after|earlier|later)\b|"
    r"\b(?:in|for|during) (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\b",
    re.IGNORECASE,
)


_SINCE_WORD = re.compile(r"\bsince\b", re.IGNORECASE)


def _keeps_shown_shop(text: str, frame: dict[str, Any], today: date, names_own: object) -> bool:
    """Whether a follow-up that counts from a day ("and since September, all told?") keeps the one shop every
    payment just shown was at: it names no account, shop, kind of spending or "anything else"."""
    period = parse_date_range(text, today)[0]
    return bool(
        not names_own
        and _listed_shop(list(frame.get("listed") or []))
        # from a day on ("since September"), not a month of its own ("did I finish October ahead")
        and period is not None
        and _SINCE_WORD.search(text) is not None
        and parse_category(text)[0] is None
        and parse_merchant(text) is None
        and not _ANYTHING_ELSE.search(text)
    )


# Procedures about a card itself: a shop named after them asks about a payment, not the card.
_CARD_PROCEDURES = frozenset({"card_status", "card_arrival"})


async def _follow_up(
    state: AgentState, runtime: Runtime[AgentContext]
) -> tuple[str, str, dict[str, Any]] | None:
    """A follow-up continues the last answered request: same procedure, the new words first."""
    # "and sky over the same stretch?": the period of the last request, which the merged words keep (not a
    # shop called "Sky Stretch").
    text = re.sub(r"\s+", " ", _SAME_STRETCH.sub(" ", state.get("text", ""))).strip()
    frame = followed_frame(text, state.get("frame") or {})
    today = today_of(state)
    # The new words first; when they name the account or card themselves, they replace the old ones.
    names_own = (
        parse_account_kind(text) or parse_currency(text) or parse_last4(text)[0] or parse_card_brand(text)
    )
    found = follow_up(text, frame)
    if (
        found is None
        and frame.get("procedure")
        and (len(text.split()) <= TERSE_WORDS or names_only_last4(text))
    ):
        # "savings?", "october", "the visa", "it was the one ending 2547": a bare name continues the last
        # request.
        if names_own or parse_date_range(text, today)[0] is not None:
            found = FollowUp("refine")
    named_shop: str | None = None
    if (
        found is None
        and frame.get("procedure") in _MONEY_READS
        and _SAME_STRETCH.search(state.get("text", ""))
        and (parse_category(text)[0] is not None or direction_said(text) is not None)
    ):
        # "And getting about, the petrol and the taxi, over the same stretch?", "and whats gone out over the
        # same time": another kind of money over the period of the last request, however many words.
        found = FollowUp("refine")
    if found is None and _LEAD.search(text):
        # "And the National Trust one at the end of that month?": a message that leads with "and" and names
        # another shop of the customer's own payments asks the same question about it, however many words.
        named_shop = await _own_merchant_named(text, frame, runtime)
        if named_shop:
            found = FollowUp("refine")
    if found is None and _same_period(text, frame, today) is not None:
        # "And the Ticketmaster tickets the same month, for the concert we went to?", "the aldi shop a couple
        # of days before that": another shop over the period of the payment just shown, however long.
        named_shop = await _own_merchant_named(text, frame, runtime, words=2 * FOLLOW_UP_SHOP_WORDS)
        if named_shop or parse_category(text)[0] is not None or _ANYTHING_ELSE.search(text):
            # "was there anything else on the card that same day?": every payment of that day
            found = FollowUp("refine")
        elif _counted_from_shown(text, frame):
            # "And the next time I went in, a couple of weeks after?": the same shop, weeks or days on.
            found = FollowUp("refine")
    if found is None:
        return None
    procedure = str(frame["procedure"])
    if procedure in _CARD_PROCEDURES and await _own_merchant_named(
        text, {**frame, "procedure": "recent_transactions"}, runtime
    ):
        # "is my visa still working?" then "ok and did my argos order go through": a payment at a shop is a
        # question of its own, not more about the card just shown.
        return None
    if procedure == "payment_status" and found.kind == "refine":
        # "did the 630 to hollie go yet. and what's the tesco from yesterday": a card payment at a shop is
        # not the transfer just asked about; it is a question of its own.
        as_money = {**frame, "procedure": "recent_transactions"}
        if await _own_merchant_named(text, as_money, runtime):
            return None
    # Read only once the message is a follow-up: the shop it names among the customer's own payments.
    named_shop = named_shop or await _own_merchant_named(text, frame, runtime)
    shown_shop = _listed_shop(list(frame.get("listed") or []))
    if (
        found.kind in ("card", "day")
        and (named_shop or parse_merchant(text))
        and not (shown_shop and _names_shop_shown(text, shown_shop))
    ):
        # "and the ikea trip, when was that": another shop's payment, not the day of the one just shown
        # ("wat day was the uber" after the Uber payment was shown is that payment's day).
        found = FollowUp("refine")
    if (
        found.kind == "older"
        and named_shop
        and not (shown_shop and _names_shop_shown(text, shown_shop))
        and _same_period(text, frame, today) is not None
    ):
        # "and Marks and Spencer two days before that?" after the Waitrose on the 20th: another shop, days
        # counted from the payment just shown, not the payments before it at the same shop.
        found = FollowUp("refine")
    old = _without_replaced(
        str(frame.get("text", "")), text, today, list(frame.get("listed") or []), named_shop
    )
    merged = text if names_own else f"{text} {old}".strip()
    if named_shop and procedure == "spending" and parse_merchant(merged) is None:
        # "and the trattoria?" after what Bar Central charged: the shop by the part of its name said, which a
        # sum reads only after "at" (a search of payments finds it by any part of its name).
        merged = f"{merged} (payments at {named_shop})"
    elif (
        found.kind == "refine"
        and procedure == "spending"
        and parse_merchant(merged) is None
        and _keeps_shown_shop(text, frame, today, names_own)
    ):
        # "and since September, all told?" after the last few payments to BT: that shop over the new period
        # (a sum reads a shop only after "at", and the earlier words may name it bare: "has BT gone up").
        merged = f"{merged} (payments at {shown_shop})"
    extra: dict[str, Any] = {"text": merged}
    if re.search(r"\bother\b", text, re.IGNORECASE) and frame.get("shown"):
        # "the other card", "and the other one?": what was not shown last time.
        extra["text"] = text
        if procedure == "card_status" and _EXPIRY_SAID.search(old) and not _EXPIRY_SAID.search(text):
            # "and what about the other card" after when the card ending 2547 expires: the same question of
            # the other card (only the question: the words that named the card just shown would pick it again)
            extra["text"] = f"{text} (when does it expire)"
        extra["slots"] = {"params": {"exclude": list(frame["shown"])}}
    if procedure == "recurring_payments" and (extreme := _EXTREME_WORDS.search(text)):
        # "which one is the most expensive" after a list of direct debits: that one of them, as if picked.
        regular = [
            (float(m.group("amount").replace(",", "")), line)
            for line in frame.get("listed") or []
            if (m := _REGULAR_LINE.search(str(line)))
        ]
        if len(regular) >= 2:
            least = re.search(r"smallest|cheapest|lowest", extreme.group(0), re.IGNORECASE)
            picked = (min if least else max)(regular, key=lambda item: item[0])[1]
            extra["text"] = f"{picked} ({frame.get('text', '')})"
            return procedure, "pick", extra
    if found.kind == "refine" and procedure in _MONEY_READS and _EXTREME_WORDS.search(text) and not names_own:
        # "which was the big shop this month then" after the latest payment there: the biggest of them (a
        # sum's procedure finds it), not the latest again.
        procedure = "spending"
        extra["text"] = f"{text} {_LATEST.sub(' ', old)}".strip()
    if found.kind == "left_of_wages" and (taken := _amount_shown(frame)) is not None:
        # "so whats left of my wages after them 2 come out": the latest salary less what was just given.
        procedure = "spending"
        extra["slots"] = {"params": {"left_of_wages": taken}}
    elif found.kind == "share" and (figures := list(frame.get("figures") or [])):
        # "so whats his half of both" after Sky and the TV licence: their sum, and each person's part of it.
        procedure = "spending"
        shared = figures[-2:] if len(figures) >= 2 and shares_several(text) else figures[-1:]
        extra["slots"] = {"params": {"figures": shared, "ways": share_of_shown(text)}}
    elif found.kind == "difference" and len(figures := list(frame.get("figures") or [])) >= 2:
        # "so how much did I save by going to Aldi instead?" after two single amounts: how far apart they are.
        procedure = "spending"
        extra["slots"] = {"params": {"difference": figures[-2:]}}
    elif (
        found.kind == "total"
        and procedure == "affordability"
        and len(taken := await _also_taken(str(frame.get("text", "")), runtime.context.banking)) >= 2
    ):
        # "how much are them two together" after "will sky and the tv licence go out ok": those two payments,
        # added up with each one shown.
        procedure = "spending"
        extra["slots"] = {"params": {"figures": taken}}
    elif found.kind == "total" and len(figures := list(frame.get("figures") or [])) >= 2:
        # "how much is that altogether?" right after two single amounts (Trainline, then Uber): their sum.
        procedure = "spending"
        extra["slots"] = {"params": {"figures": figures}}
    elif (
        found.kind == "total"
        and procedure == "recurring_payments"
        and (regular_payee := _one_payee(text, frame, today))
    ):
        # "and what have I paid on it since September altogether" after the mortgage's direct debit: what
        # went to that payee over the period, not the regular payment again.
        procedure = "spending"
        extra["text"] = f"{text} (payments at {regular_payee})"
    elif found.kind == "total" and procedure == "recurring_payments":
        # "what's the total of those" after a list of direct debits: their sum, not a month's spending.
        extra["text"] = f"how much in total {frame.get('text', '')}"
    elif found.kind == "total":
        procedure = "spending"
        # "and how much altogether?" after "the biggest...": the same filter, summed, not the biggest again
        earlier_words = _EXTREME_WORDS.sub(" ", str(frame.get("text", "")))
        extra["text"] = f"how much in total {text} {earlier_words}"
    elif found.kind == "since" and (after := _period_after(str(frame.get("text", "")), today)):
        # "anything else gone on it since?" after September's payments: from October to today.
        extra["text"] = f"{after} {_PERIOD.sub(' ', parse_period(str(frame.get('text', '')), today)[1])}"
        if procedure == "spending":
            procedure = "recent_transactions"
    elif found.kind == "history":
        # "is that every month then" after this month's Apple charge: the same payments, any month.
        extra["text"] = _PERIOD.sub(" ", parse_period(str(frame.get("text", "")), today)[1])
    elif found.kind == "older" and (
        earlier := _period_before(text, str(frame.get("text", "")), today)
        or _period_before(text, str(frame.get("said", "")), today)
    ):
        # "and the month before that?" after last month's total: the same question a period earlier (the
        # period read from the customer's own words when the request was reworded without it).
        asked = _PERIOD.sub(" ", parse_period(str(frame.get("text", "")), today)[1])
        if (subject := _subject_named(text, named_shop)) is not None:
            # "n the bus the week before that?" after what Waitrose took last week: the bus over the week
            # before, not Waitrose again.
            asked = f"{subject} {_subject_dropped(asked, list(frame.get('listed') or []))}"
        extra["text"] = f"{earlier} {asked}"
    elif found.kind == "older" and frame.get("oldest"):
        # "any older ones?", "and the one before that?": the transactions before the oldest one shown.
        if procedure == "spending":
            procedure = "recent_transactions"
        extra["text"] = f"{text} {_PERIOD.sub(' ', str(frame.get('text', '')))}"
        extra["slots"] = {"params": {"until": frame["oldest"]}}
        if (kind := _kind_named_before(text, frame, named_shop)) is not None:
            # "and the coach before that" after the Co-op on the 7th: the latest payment of the kind now named
            # before the one just shown (not the Co-op again, nor a page of every payment before it).
            procedure, extra = "spending", {"text": kind}
        elif _ONE_BEFORE.search(text) and len(frame.get("listed") or []) <= 1:
            # "and the one before?" after one payment: the one payment before it, not a page of them.
            extra["slots"]["params"]["limit"] = 1
    elif found.kind == "currency":
        # "how much was it in euros exactly": the payment itself, whose line gives the amount in the currency
        # it was made in (a spending total gives pounds only).
        procedure = "recent_transactions"
        listed = list(frame.get("listed") or [])
        named = POUND_AMOUNT.search(str(frame.get("text", "")))
        earlier = f"my payment of {named[0]}" if named else str(frame.get("text", ""))
        extra["text"] = str(listed[0]) if len(listed) == 1 else earlier
        extra["slots"] = {"params": {"limit": 1}}
    elif found.kind in ("card", "day") and (listed := list(frame.get("listed") or [])):
        # "which card did I use for that?", "what day was that?": the one payment just shown, and its card or
        # its day.
        procedure = "recent_transactions"
        extra["text"] = str(listed[0])
        extra["slots"] = {"params": {"about": found.kind, "limit": 1}}
    elif found.kind == "reference" and (listed := list(frame.get("listed") or [])):
        # "they'll want a reference number, is there one on it?" about the one payment just shown: the
        # reference of the regular payment to that payee.
        procedure = "recurring_payments"
        payee = _LINE_PAYEE.search(str(listed[0]))
        extra["text"] = f"the reference for {payee.group(1) if payee else listed[0]}"
        extra["slots"] = {}
    elif (
        found.kind == "machine"
        and len(cash := [ln for ln in frame.get("listed") or [] if CASH_LINE.search(ln)]) == 1
    ):
        # "which machine was it?" with the one cash withdrawal the answer showed: that withdrawal's machine.
        procedure = "recent_transactions"
        extra["text"] = str(cash[0])
        extra["slots"] = {"params": {"about": "machine", "limit": 1}}
    elif found.kind == "direction" and (listed := list(frame.get("listed") or [])):
        # "was that a refund?" about the one payment just shown: that payment, and which way it went.
        procedure = "recent_transactions"
        extra["text"] = str(listed[0])
        extra["slots"] = {"params": {"direction": True, "limit": 1}}
    elif found.kind == "pick":
        ordinal = parse_ordinal(text)
        listed = list(frame.get("listed") or [])
        picked = listed[ordinal - 1] if ordinal and 0 < ordinal <= len(listed) else None
        if ordinal == -1 and listed:
            picked = listed[-1]
        if picked is not None:
            action = explicit_action(text)
            if action == "dispute" or frame.get("procedure") == "dispute_transaction":
                procedure = "dispute_transaction"
            elif procedure == "spending":
                # "the second one" after a total: that payment itself, not a total of one payment.
                procedure = "recent_transactions"
            extra["text"] = f"{text} {picked}"
            if procedure == "recurring_payments":
                # The listed line names no kind: the request that listed it does ("my standing orders").
                extra["text"] = f"{text} {picked} ({frame.get('text', '')})"
    if (same := _same_period(text, frame, today)) is not None:
        # "and the petrol that same week?" after one payment: the new thing, over that payment's week.
        rest, period = same
        names_what = parse_category(rest)[0] is not None or parse_merchant(rest) or named_shop
        if not names_what and _counted_from_shown(text, frame) and not _ANYTHING_ELSE.search(text):
            # "and the next visit, a week or so after?": nothing else named, so the shop of the payment shown
            named_shop = _listed_shop(list(frame.get("listed") or []))
            names_what = named_shop
        procedure = "spending" if names_what else "recent_transactions"
        # A shop of the customer's own named: that shop alone, not the words of the story told with it ("when
        # I was back in London visiting my sister": no shop called London).
        said = f"payments at {named_shop}" if named_shop else rest
        extra = {"text": f"{said} {period}".strip()}
    return procedure, found.kind, extra


_WHICH_EXTREME = re.compile(rf"\bwhich\b.*(?:{_EXTREME_WORDS.pattern})", re.IGNORECASE)
# "the latest payment there" (not "last week", "last month": a period, kept for "whats the biggest one")
_LATEST = re.compile(
    r"\b(?:last|latest|most recent|newest)\b(?!\s+(?:\d+\s+)?(?:week|weeks|month|months|year|years|weekend|"
    r"night|few|couple|fortnight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b)",
    re.IGNORECASE,
)
# Other payments besides the one just shown: "anything else", "any other payments", "what else went out".
_ANYTHING_ELSE = re.compile(
    r"\b(?:anything|something|what|owt|aught)\s+else\b|\bany\s*(?:thing|one)?\s+other\b"
    r"|\bother\s+(?:payments?|transactions?|purchases?|charges?|spending)\b",
    re.IGNORECASE,
)
# The last request's period named again without its dates: "over the same stretch", "for the same period",
# "same time".
_SAME_STRETCH = re.compile(
    # (never "at the same time", two things at once, nor "the same time next month", a day of another period)
    r"(?<!\bat\s)(?<!\bat\sthe\s)(?<!\bat\sthat\s)"
    r"\b(?:(?:over|for|in|during|across|within)\s+)?(?:(?:that|the)\s+(?:same|very same|same old)"
    # said bare only to end the message: "and whats gone out same time"
    r"|same(?=\s+\w+(?:\s+\w+)?\W*$))\s+"
    r"(?:stretch|period|time(?:\s?frame|\s+period)?|span|window|dates|spell|months|weeks)\b"
    r"(?!\s+(?:last|next|this|every|each|of)\b)",
    re.IGNORECASE,
)
# "that same month", "the same week", "that day", or texted short: "n aldi same month?"
_SAME_PERIOD = re.compile(
    r"\b(?:(?:that|the) (?:same|very same)|that|same)\s+(?P<unit>day|week|month)\b", re.IGNORECASE
)


# Days counted from the one payment just shown: "a few days after that", "a couple of days before",
# "the day after", "3 days later".
_DAYS_FROM = re.compile(
    r"\b(?:(?P<one>the (?:next|following) (?:day|night|evening|morning)|the (?:day|night|evening|morning) "
    r"(?P<dir1>after|before)|the (?P<prev>previous|preceding) (?:day|night|evening))|"
    r"(?:(?P<couple>a couple(?: of)?|couple(?: of)?)|(?P<few>a few|few|some|a handful of)|"
    r"(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven)) (?:more )?days? "
    r"(?P<dir>after|before|later|earlier|on|prior))\b",
    re.IGNORECASE,
)
_DAY_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
# How far "a couple of days" and "a few days" may reach, in days.
COUPLE_OF_DAYS = 4
FEW_DAYS = 7
# Weeks counted from the one payment just shown: "a week or so after", "exactly a week after that", "a couple
# of weeks later", "the week after".
_WEEKS_FROM = re.compile(
    r"\b(?:(?P<next>the (?:next|following) week|the week (?:after|later))|"
    r"(?P<exact>exactly |just |precisely )?(?:about |around |roughly )?"
    r"(?:(?P<couple>a couple(?: of)?|couple(?: of)?)|(?P<few>a few|few)|(?P<n>\d|a|one|two|three|four)) "
    r"(?:more )?weeks?(?: or so)? (?P<dir>after|later|before|earlier|on|prior)|"
    # "a fortnight or so after that", "about a fortnight before": two weeks
    r"(?P<exact2>exactly |just |precisely )?(?:about |around |roughly )?(?:a |one )?(?P<fortnight>fortnight)"
    r"(?: or so)? (?P<dir2>after|later|before|earlier|on|prior))\b",
    re.IGNORECASE,
)
# Days either side of a number of weeks ("a week after": 4 to 10 days after), none when "exactly".
WEEK_SLACK = 3
# How far "a couple of weeks" and "a few weeks" reach, in days.
COUPLE_OF_WEEKS = (10, 21)
FEW_WEEKS = (14, 31)


def _weeks_from(text: str, day: date) -> tuple[date, date, re.Match[str]] | None:
    """The days a message counts in weeks from ``day`` ("a week or so after": 4 to 10 days after), or None."""
    found = _WEEKS_FROM.search(text)
    if found is None:
        return None
    if found["next"]:
        near, far = 1, 7
    elif found["fortnight"]:
        slack = 1 if found["exact2"] else WEEK_SLACK
        near, far = 14 - slack, 14 + slack
    elif found["couple"]:
        near, far = COUPLE_OF_WEEKS
    elif found["few"]:
        near, far = FEW_WEEKS
    else:
        count = 7 * (_DAY_WORDS.get(found["n"].lower()) or int(found["n"]))
        slack = 1 if found["exact"] else WEEK_SLACK
        near, far = count - slack, count + slack
    if (found["dir"] or found["dir2"] or "after").lower() in ("before", "earlier", "prior"):
        return day - timedelta(days=far), day - timedelta(days=near), found
    return day + timedelta(days=near), day + timedelta(days=far), found


def _days_from(text: str, day: date) -> tuple[date, date, re.Match[str]] | None:
    """The days a message counts from ``day`` ("a few days after that": the week after it), or None."""
    found = _DAYS_FROM.search(text)
    if found is None:
        return _weeks_from(text, day)
    before = bool(found["prev"]) or (found["dir1"] or found["dir"] or "after").lower() in (
        "before",
        "earlier",
        "prior",
    )
    if found["one"]:
        near, far = 1, 1
    elif found["couple"]:
        near, far = 1, COUPLE_OF_DAYS
    elif found["few"]:
        near, far = 1, FEW_DAYS
    else:
        count = _DAY_WORDS.get(found["n"].lower()) or int(found["n"])
        near, far = max(1, count - 1), count + 1
    if before:
        return day - timedelta(days=far), day - timedelta(days=near), found
    return day + timedelta(days=near), day + timedelta(days=far), found


_BEFORE_THAT = re.compile(
    r"\b(?:(?:just |right )?(?:before|prior to|earlier than) (?:that|then|it|this)|before|earlier)\b",
    re.IGNORECASE,
)


def _kind_named_before(text: str, frame: dict[str, Any], named_shop: str | None) -> str | None:
    """The spending question "and the <kind> before that" asks, after one payment was shown: the latest
    payment of that kind in the 90 days before it, in words the spending procedure reads; None otherwise."""
    if named_shop or len(frame.get("listed") or []) != 1 or not frame.get("oldest"):
        return None
    if parse_category(text)[0] is None:
        return None
    day = date.fromisoformat(str(frame["oldest"]))
    start, end = day - timedelta(days=90), day - timedelta(days=1)
    said = " ".join(_BEFORE_THAT.sub(" ", text).split()).strip(" ?!.,")
    return f"my last payment on {said} from {format_day(start)} to {format_day(end)}"


_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "that sunday after", "the friday before that", "the following tuesday": a day named by its weekday, counted
# from the payment just shown, never from today. ("the week before that" is the week before the period asked,
# which the follow-up's merged words already say.)
_WEEKDAY_FROM = re.compile(
    r"\b(?:that|the|on the)\s+(?P<day>" + "|".join(_WEEKDAY_NAMES) + r")\s+"
    r"(?P<dir>after|before|following|later|earlier)(?:\s+(?:that|it|then))?\b"
    r"|\bthe\s+(?P<next>following|previous)\s+(?P<day2>" + "|".join(_WEEKDAY_NAMES) + r")\b",
    re.IGNORECASE,
)


def _weekday_from(text: str, day: date) -> tuple[date, date, re.Match[str]] | None:
    """The day a message names by a weekday counted from ``day`` ("that sunday after": the first Sunday
    after it; "the friday before": the last Friday before it), or None."""
    found = _WEEKDAY_FROM.search(text)
    if found is None:
        return None
    before = (found["dir"] or found["next"] or "after").lower() in ("before", "earlier", "previous")
    wanted = _WEEKDAY_NAMES.index((found["day"] or found["day2"]).lower())
    if before:
        target = day - timedelta(days=(day.weekday() - wanted) % 7 or 7)
    else:
        target = day + timedelta(days=(wanted - day.weekday()) % 7 or 7)
    return target, target, found


def _period_carried(text: str, frame: dict[str, Any], today: date) -> str | None:
    """The message with "over the same stretch" put as the dates of the last request's period ("from 1 Sep
    2026 to 28 Nov 2026"), when it says so and the last request named a period; None otherwise."""
    found = _SAME_STRETCH.search(text)
    if found is None:
        return None
    for old in (str(frame.get("text", "")), str(frame.get("said", ""))):
        shown, _ = parse_period(old, today)
        if shown is not None and shown.since is not None:
            until = min(shown.until or today, today)
            days = f"from {format_day(shown.since)} to {format_day(until)}"
            return " ".join(f"{text[: found.start()]} {days} {text[found.end() :]}".split())
    return None


def _names_shop_shown(text: str, shop: str) -> bool:
    """Whether the message names the shop of the payment just shown (by its name or its first word)."""
    lowered = _spaced_words(text)
    first = shop.split()[0]
    return _says_name(lowered, shop) or (len(first) >= 3 and _says_name(lowered, first))


def _counted_from_shown(text: str, frame: dict[str, Any]) -> bool:
    """Whether the message counts days or weeks from the one payment just shown ("a week or so after")."""
    listed = list(frame.get("listed") or [])
    return (
        len(listed) == 1
        and _listed_shop(listed) is not None
        and bool(_DAYS_FROM.search(text) or _WEEKS_FROM.search(text))
    )


# "the weekend before", "that weekend after it", "the following weekend": the Saturday and Sunday counted
# from the payment just shown, never from today.
_WEEKEND_FROM = re.compile(
    r"\b(?:the|that) weekend (?P<dir>before|after|prior|following|earlier|later)(?:\s+(?:that|it|then))?\b"
    r"|\bthe (?P<next>previous|following|next) weekend\b",
    re.IGNORECASE,
)
SATURDAY, SUNDAY = 5, 6


def _weekend_from(text: str, day: date) -> tuple[date, date, re.Match[str]] | None:
    """The Saturday and Sunday a message counts from ``day`` ("the weekend before": the last weekend wholly
    before it; "the weekend after": the first one after it), or None."""
    found = _WEEKEND_FROM.search(text)
    if found is None:
        return None
    if (found["dir"] or found["next"] or "").lower() in ("before", "prior", "previous", "earlier"):
        sunday = day - timedelta(days=(day.weekday() - SUNDAY) % 7 or 7)
        return sunday - timedelta(days=1), sunday, found
    saturday = day + timedelta(days=(SATURDAY - day.weekday()) % 7 or 7)
    return saturday, saturday + timedelta(days=1), found


def _same_period(text: str, frame: dict[str, Any], today: date) -> tuple[str, str] | None:
    """The message's words without "that same week" ("a few days after that"), and the period it means in
    words the procedures read ("from 14 Sep 2026 to 20 Sep 2026"), when it points at the day, week or month
    of the one payment just shown (or days counted from it); None otherwise."""
    if len(frame.get("listed") or []) != 1 or not frame.get("oldest"):
        return None
    day = date.fromisoformat(str(frame["oldest"]))
    if (counted := _days_from(text, day) or _weekday_from(text, day) or _weekend_from(text, day)) is not None:
        start, end, said = counted
        if start > today:
            return None
        rest = re.sub(r"\s+", " ", f"{text[: said.start()]} {text[said.end() :]}")
        rest = " ".join(re.sub(r"\b(?:that|then|it)\b(?=\W*$)", " ", rest).split()).strip(" ?!.,")
        return rest, f"from {format_day(start)} to {format_day(min(end, today))}"
    found = _SAME_PERIOD.search(text)
    if found is None:
        return None
    unit = found["unit"].lower()
    if unit == "day":
        start, end = day, day
    elif unit == "week":
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
    else:
        start = day.replace(day=1)
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    rest = re.sub(r"\s+", " ", _SAME_PERIOD.sub(" ", text)).strip()
    return rest, f"from {format_day(start)} to {format_day(min(end, today))}"


_EXPIRY_SAID = re.compile(
    r"\b(?:expir\w*|exp date|run(?:s|ning)? out|end date|valid (?:until|till|to))\b", re.I
)


async def route(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    tri = state.get("triage") or {}
    intent = tri.get("intent", "")
    update: dict[str, Any] = {}
    original = state.get("text", "")
    negated = (acting := without_negated_actions(original)) != original
    if negated:
        # "is BT still coming out next week? DON'T cancel it": the action said not to take is no request; the
        # rest of the message is read as usual.
        state = {**state, "text": acting}
        update["text"] = acting
    text = state.get("text", "")
    active = state.get("procedure")
    procedures = runtime.context.procedures
    topped = None if active else _saved_with_interest(text, state.get("frame") or {})
    meant = (
        None
        if active or topped
        else interest_meant(text, _previous_message(state))
        or (
            # "does my saver pay interest every month? how much did i get last time": the message's earlier
            # request named the interest (this one is the next request of the same message)
            interest_meant(text, _whole_message(state)) if _is_later_request(state, text) else None
        )
    )
    if meant:
        # "what rate is my easy saver on?", then "how much did it pay me last time": its interest credits
        # (a question of its own, not the last answer's request continued).
        text = meant
        update["text"] = meant
    if not active and not meant and (place := place_referred(text, _previous_message(state))):
        # "what did he spend on there in total" after "...used my card on an American electronics website":
        # the money spent at that shop.
        text = f"{text} (at the {place})"
        update["text"] = text
    status = status_question(text)
    if status in (None, "card_status") and not active and progress_of_claim(text, _previous_message(state)):
        # "where is it up to now?", "ok so any news on it?" after a complaint about a claim: that claim, not
        # the card "it" might be
        status = "dispute_status"
    urgent = urgent_intent(text) or state.get("urgent")  # screen's: card details typed into a scam link
    followed = await _follow_up(state, runtime) if not active and not meant else None
    carried = None if active else _period_carried(text, state.get("frame") or {}, today_of(state))
    if carried:
        # "n whats gone out on direct debits over the same time": the period of the last request, in dates
        # every procedure reads.
        # (the state keeps the words as said, which tell a follow-up from a new topic)
        text = carried
        update["text"] = carried
    forced = state.get("forced_intent")
    strong = tri.get("confidence", 0.0) >= runtime.context.settings.triage_threshold
    if forced:
        # A request the agent queued itself (the report or dispute planned after an urgent freeze).
        flow, why, update = _serve(str(forced), "", runtime)
        why = f"planned: {why}"
    elif not urgent and "account_details" in procedures and own_details_request(text):
        # "new job wants my bank details for payroll, whats my sort code": the customer's own details, from
        # their accounts (never the help centre's page on the details a payment abroad needs).
        flow, why = "procedure", "own sort code and account number -> account_details"
        update.update(procedure="account_details", procedure_intent="account_details", slots={})
        update["low_confidence_streak"] = 0
    elif not active and not urgent and "card_status" in procedures and asks_card_ending(text):
        # "what are the last four numbers of my euro card": the card named, by the digits it ends in (a
        # question about the cards, never a change to one).
        flow, why = "procedure", "which digits a card ends in -> card_status"
        update.update(procedure="card_status", procedure_intent="card_status", slots={})
        update["low_confidence_streak"] = 0
    elif not active and not urgent and (situation := _support_asked_about(text, state)):
        # "is there anything you can do to help people like me" from a customer who has told us of their
        # illness, their caring or their loss: the help centre's words on the support for that situation.
        flow, why = "kb_answer", f"what help there is, for a customer who told us of {situation}"
        update.update(kb_slug=SUPPORT, text=f"{text} ({situation})", low_confidence_streak=0)
    elif not active and not urgent and asks_how_to_reach_a_person(text):
        # "if I need an actual person, is there a way without calling?": how a person is reached is the help
        # centre's answer (in chat, at any time); asking for one now still hands off.
        flow, why = "kb_answer", "a question about how to reach a person: answer from the help centre"
        update.update(kb_slug=CONTACT, text=f"{text} ({REACHING_A_PERSON})", low_confidence_streak=0)
    elif not active and not urgent and (beyond := beyond_chat(text)) is not None:
        # "send me a statement", "i want to move 100 quid into my savings", "whats my overdraft limit": what
        # the chat can neither look up nor do is said plainly, with the help centre's words that help (never a
        # dispute of "an extra charge on my statement", a transfer's status or the balance instead).
        flow, why = "out_of_scope", f"asks for what the chat cannot give ({beyond}): an honest answer"
        update["low_confidence_streak"] = 0
    elif not active and not urgent and (slug := kb_follow_up(text, state, runtime)):
        # "And how long does it take to arrive?" right after the details a payment abroad needs: the same
        # help-centre article answers it (never the card delivery "arrive" alone would suggest).
        flow, why = "kb_answer", f"a follow-up on the help centre's answer: {slug}"
        update.update(kb_slug=slug, low_confidence_streak=0)
    elif not active and not urgent and (section := help_section_asked(text)):
        # "if there isnt enough in my account when a direct debit goes out what happens", "how am I to know
        # someone ringing really is from the bank", "can I use a virtual card in the app": the help centre's
        # section on it, never the customer's direct debits, a card's delivery or a compromised card.
        slug, heading = section
        flow, why = "kb_answer", f"a help-centre question: {slug} ({heading})"
        update.update(kb_slug=slug, text=f"{text} ({heading})", low_confidence_streak=0)
    elif not active and not urgent and (how_to := how_to_question(text)):
        # "new card should come monday, how do I activate it when it comes?", "how do I turn contactless
        # off?": how something is done is the help centre's answer, whatever card or payment the story names
        # (an urgent card comes first: its freeze is offered, however the customer asks).
        flow, why = "kb_answer", "a how-to question: answer from the help centre"
        update.update(text=how_to, low_confidence_streak=0)
    elif (
        not active
        and not urgent
        and supposes_a_loss(text)
        and (spec := procedure_for_intent(intent, procedures)) is not None
        and spec.name in _CARD_ACTIONS
    ):
        # "what should I do if my card gets stolen?", "if someone steals my card am I covered?": a card that
        # might one day be lost is a question for the help centre, never an offer to freeze or cancel it.
        flow, why = "kb_answer", "a supposed loss, nothing happened: answer from the help centre"
        update["low_confidence_streak"] = 0
    elif (
        not active
        and not urgent
        and not _served_by(intent, "fees_and_limits", runtime)  # triage found the limits: that procedure
        and (limit_asked := limit_question(text, _previous_message(state)))
        and _help_centre_answers(limit_asked, runtime)
    ):
        # "ok whats the contactless limit on my card then", "and if I leave it on, what's the most somebody
        # could take in one go?" (after asking about contactless): the bank's limit is the help centre's
        # answer, never the card's status, whatever card the question names.
        flow, why = "kb_answer", "a question about the bank's limits: answer from the help centre"
        update.update(text=limit_asked, low_confidence_streak=0)
    elif not active and not urgent and asks_what_the_bank_would_ever_do(text):
        # "would you ever ask me to move my savings somewhere to keep them safe?", "will northbank ever ask me
        # for a code?": what the bank does and never does is the help centre's answer (security), not a
        # request or a worry of the customer's own.
        flow, why = "kb_answer", "a question about what the bank would ever ask: answer from the help centre"
        # Searched as the question it is (what we never ask, how to check a call is really us), so "ask for
        # my pin" finds what the bank never asks rather than where to see a PIN.
        update.update(text=f"{text} (what we never ask: checking it is really us)", low_confidence_streak=0)
    elif topped and "spending" in procedures:
        # "does that count the interest? if not chuck that on too" right after what was put into savings: the
        # same sum with the interest the account paid over the same period, and the two added up.
        flow, why = "procedure", "what was put into savings, with its interest on top -> spending"
        update.update(procedure="spending", procedure_intent="spending", slots={}, text=topped)
        update["low_confidence_streak"] = 0
    elif (
        not active and "spending" in procedures and (fewer := _total_without(text, state.get("frame") or {}))
    ):
        # "and if you take the mortgage out of that?" right after a total: the same total without it (not the
        # mortgage's own direct debit, which the words also name).
        flow, why = "procedure", "the total just given, leaving something out -> spending"
        update.update(procedure="spending", procedure_intent="spending", slots={}, text=fewer)
        update["low_confidence_streak"] = 0
    elif (
        not active
        and "spending" in procedures
        and (more := _total_with(text, state.get("frame") or {}, today_of(state)))
    ):
        # "and with the cash i took out?" right after a total: what it names over the same period, added to
        # that total (not what it names alone).
        flow, why = "procedure", "the total just given, with more on top -> spending"
        update.update(
            procedure="spending",
            procedure_intent="spending",
            slots={"params": {"plus": more[1]}},
            text=more[0],
            low_confidence_streak=0,
        )
    elif (
        not active
        and "affordability" in procedures
        and takes_off_more(text, state.get("frame") or {})
        and (also := await _also_taken(text, runtime.context.banking))
    ):
        # "and once sky and the tv licence go out in december?" right after what buying the car would leave:
        # the same amount, with those regular payments taken off too (not a list of them).
        flow, why = "procedure", "what an amount would leave, with more taken off -> affordability"
        frame_text = str((state.get("frame") or {}).get("text", ""))
        update.update(
            procedure="affordability",
            procedure_intent="affordability",
            slots={"params": {"also": also}},
            text=frame_text,
            low_confidence_streak=0,
        )
    elif (
        followed is not None
        and followed[:2] == ("spending", "total")
        and (state.get("frame") or {}).get("procedure") == "recurring_payments"
        and "spending" in procedures
    ):
        # "and what have I paid on it since September altogether" after the mortgage's direct debit: what went
        # to that payee over the period (the recurring cues would show the direct debit again).
        procedure, kind, extra = followed
        flow, why = "procedure", "follow-up (total paid to the regular payee just shown) -> spending"
        update.update(procedure=procedure, procedure_intent=procedure, slots=extra.get("slots", {}))
        update["text"] = extra["text"]
        update["low_confidence_streak"] = 0
    elif (
        not active
        and not urgent
        and (regular := read_regular(text, previous=_previous_message(state), frame=state.get("frame") or {}))
        and not regular.general_out
        and (served := _regular_served(regular, text, state)) is not None
        and served[0] in procedures
    ):
        # What comes in or goes out regularly, in any wording: the salary and interest (how often, which
        # days), the direct debits and standing orders (the list, what they come to a month).
        flow, why = "procedure", f"regular money ({regular.aspect}) -> {served[0]}"
        update.update(
            procedure=served[0],
            procedure_intent=served[0],
            slots={"params": regular.as_params()},
            text=served[1],
            low_confidence_streak=0,
        )
    elif (
        "recurring_payments" in procedures
        and (repaid := await repayment_request(text, runtime.context.banking)) is not None
    ):
        # "how much is the next repayment coming out": the one regular payment that repays the card or loan.
        flow, why = "procedure", "next repayment -> recurring_payments"
        update.update(
            procedure="recurring_payments",
            procedure_intent="recurring_payments",
            slots={},
            text=repaid,
            low_confidence_streak=0,
        )
    elif (
        # "how much will I have left once the mortgage has gone out": the balance after it (checked below)
        spending_intent(text) != "affordability"
        and (
            asked_each := await gone_out_requests(
                text, today_of(state), runtime.context.banking, state.get("frame") or {}
            )
        )
        and all(procedure in procedures for procedure, _ in asked_each)
    ):
        # "has BT taken their money this month?": this month's payment to it, or when it is due. "did my sky
        # and tv licence come out?": each payee in turn, the others answered next in the same reply.
        gone = asked_each[0]
        flow, why = "procedure", f"has it gone out -> {gone[0]}"
        update.update(
            procedure=gone[0], procedure_intent=gone[0], slots={}, text=gone[1], low_confidence_streak=0
        )
        if len(asked_each) > 1:
            others = [{"text": asked, "intent": procedure} for procedure, asked in asked_each[1:]]
            update["queue"] = [*others, *(state.get("queue") or [])]
    elif (
        not active
        and "recurring_payments" in procedures
        and len((state.get("frame") or {}).get("listed") or []) > 1
        and _asks_shown_over_a_year(text, state.get("frame") or {})
    ):
        # "the form wants it for the whole year" right after several regular payments (or their monthly
        # total): what they come to in a year.
        flow, why = "procedure", "the regular payments just shown, over a year -> recurring_payments"
        frame_text = str((state.get("frame") or {}).get("text", ""))
        update.update(
            procedure="recurring_payments",
            procedure_intent="recurring_payments",
            slots={"params": {"per": "year"}},
            text=frame_text,
            low_confidence_streak=0,
        )
    elif (
        not active
        and "recurring_payments" in procedures
        and (due := await due_date_referred_to(text, _previous_message(state), runtime.context.banking))
    ):
        # "...told me my mortgage goes on the 28th, it went on the 27th", then "so when exactly does
        # December's go?": when that regular payment goes, though this message leaves it unsaid.
        flow, why = "procedure", "when the regular payment named just before goes -> recurring_payments"
        update.update(
            procedure="recurring_payments",
            procedure_intent="recurring_payments",
            slots={},
            text=due,
            low_confidence_streak=0,
        )
    elif (
        spending_intent(text) != "affordability"  # "enough for the tv licence coming out?": checked below
        # "5 payments to a shop in miami on the 12th, I didn't buy anything": card fraud, not a list of
        # regular payments; only an unrecognised direct debit stays with the recurring procedures.
        and urgent in (None, "direct_debit_payment_not_recognised")
        # "so whats that leave out of my wages" after a total: what the wages come to less it (a follow-up)
        and not (followed is not None and followed[2].get("slots", {}).get("params", {}).get("left_of_wages"))
        and (recurring := await recurring_request(text, state.get("frame") or {}, runtime.context.banking))
        and recurring[0] != active
        and recurring[0] in procedures
    ):
        # Recurring payments, income, cancellations: no Banking77 intent has these (recurring helper).
        flow, why = "procedure", f"recurring cue -> {recurring[0]}"
        update.update(procedure=recurring[0], procedure_intent=recurring[0], slots={}, text=recurring[1])
        update["low_confidence_streak"] = 0  # understood from the cue, not a turn the model failed on
    elif (
        not active
        and not urgent
        and "recurring_payments" in procedures
        and (regular := read_regular(text))
        and regular.general_out
        # "how much goes out on groceries every month": spending, not what is set up to go
        and spending_intent(text) is None
    ):
        # "what leaves my account automatically", in words the recurring cues above do not know: the direct
        # debits and standing orders (their monthly total when that is asked).
        flow, why = "procedure", f"regular money out ({regular.aspect}) -> recurring_payments"
        total = " (what they come to in total each month)" if regular.aspect == "total" else ""
        update.update(
            procedure="recurring_payments",
            procedure_intent="recurring_payments",
            slots={},
            text=f"{text}{total}",
            low_confidence_streak=0,
        )
    elif (
        not active
        and "spending" in procedures
        and _SAVINGS_RATE.search(text)
        and not _NOT_SAVINGS.search(text)
    ):
        # "what's the interest rate on my easy saver": the rate is in no account detail or help-centre page
        # the assistant can read, so it says so, and gives what the saver has paid in interest instead (not
        # the exchange rate's article a "rate" question reads as).
        flow, why = "procedure", "a savings interest rate (not held) -> the interest paid, spending"
        update.update(
            _handed_to(
                "spending",
                "how much interest has my savings paid me",
                notices=[*state.get("notices", []), RATE_NOT_HELD],
            )
        )
    elif (
        not active
        and (state.get("frame") or {}).get("procedure") == "check_balance"
        and len(text.split()) <= BY_SIZE_MAX_WORDS
        and _ALL_TOGETHER.search(text)
        and not _NOT_BALANCES.search(text)
        and parse_date_range(text, today_of(state))[0] is None
        and parse_category(text)[0] is None
        and "check_balance" in procedures
    ):
        # "add them together", "so how much is that in total" right after balances: what the accounts hold
        # altogether (not the money spent).
        flow, why = "procedure", "the balances just given, added up -> check_balance"
        update.update(_handed_to("check_balance", "how much have i got altogether in all my accounts"))
    elif not active and "recent_transactions" in procedures and (picked := _picked_by_size(text, state)):
        # "what was the smaller one" right after two payments were listed: that one payment.
        flow, why = "procedure", "one of the payments just listed, by size -> recent_transactions"
        update.update(_handed_to("recent_transactions", picked, slots={"params": {"limit": 1}}))
    elif (
        not active
        and _BARE_HOW_MUCH.search(text)
        and (frame := state.get("frame") or {}).get("procedure") in HOW_MUCH_AGAIN
        and frame.get("text")
        and str(frame["procedure"]) in procedures
    ):
        # "how much?" right after "when did i last get paid": the amount of what was just answered, which
        # that answer gives (not the balance a bare "how much" reads as).
        procedure = str(frame["procedure"])
        flow, why = "procedure", f"how much, of the last answer -> {procedure}"
        update.update(_handed_to(procedure, str(frame["text"])))
    elif (
        not active
        and "recurring_payments" in procedures
        and _NEXT_ONE.search(text)
        and len(text.split()) <= NEXT_ONE_MAX_WORDS
        and (previous := _previous_message(state))
        and (_BILL_KIND_RE.search(previous) or await named_recurring(previous, runtime.context.banking))
    ):
        # "when's the next one?" right after "was my mortgage paid this month": that bill's next collection.
        flow, why = "procedure", "the next one of a bill just asked about -> recurring_payments"
        update.update(_handed_to("recurring_payments", f"when is the next payment ({previous})"))
    elif not active and "spending" in procedures and (yearly := _over_a_year(text, state.get("frame") or {})):
        # "what's that over a year then" right after one regular payment was shown: its yearly cost.
        flow, why = "procedure", "a regular payment just shown, over a year -> spending"
        update.update(procedure="spending", procedure_intent="spending", slots={"params": {"yearly": yearly}})
        update["low_confidence_streak"] = 0
    elif (
        not active
        and not urgent  # "someone's been spending on my card, alerts from shops in germany": a freeze first
        and "spending" in procedures
        and parse_place(text)[0]
        and spending_intent(text) == "spending"
    ):
        # "how much have I spent abroad", "what did the Portugal trip cost me": the payments made there, added
        # up (not the help centre's pages on paying abroad, nor a plain list).
        flow, why = "procedure", "a sum over a place -> spending"
        update.update(procedure="spending", procedure_intent="spending", slots={}, low_confidence_streak=0)
    elif active and _declines_pending_question(state):
        # "nah leave it" while the agent asks which card to freeze: the request is dropped, nothing changes.
        flow, why = "declined", f"declined the question of {active}"
        update.update(procedure=None, procedure_intent=None, slots={}, draft=DECLINED, draft_kind="answer")
        update["low_confidence_streak"] = 0
    elif active and _answers_pending_question(state, runtime):
        # The customer is answering a question of the procedure under way.
        flow, why = "procedure", f"continue {active}"
    elif (
        followed is not None
        and followed[1] in ("card", "day", "machine", "reference")
        and followed[0] in procedures
    ):
        # "which card was that on?", "when did it go through?" about the one payment just shown: that
        # payment's card or day, not the status of the customer's cards.
        procedure, kind, extra = followed
        flow, why = "procedure", f"follow-up ({kind}) -> {procedure}"
        update.update(procedure=procedure, procedure_intent=procedure, slots=extra.get("slots", {}))
        update["text"] = extra["text"]
    elif (
        not active
        and "recent_transactions" in procedures
        and (about := asks_day_or_card(text))
        and _PAST.search(text)
        and parse_date_range(text, today_of(state))[0] is None
        and (line := _payment_shown_earlier(text, state))
    ):
        # "what day of the week was the Aldi one?" after the Aldi payment was shown earlier on (with other
        # answers since): that payment, and its day or its card.
        flow, why = "procedure", f"a payment shown earlier ({about}) -> recent_transactions"
        update.update(
            procedure="recent_transactions",
            procedure_intent="recent_transactions",
            slots={"params": {"about": about, "limit": 1}},
            text=line,
            low_confidence_streak=0,
        )
    elif (
        status == "payment_status"
        and "recurring_payments" in procedures
        and not _past_period(text, today_of(state))  # "did the rent go through in October": that payment
        and await names_recurring(text, runtime.context.banking)
    ):
        # "has the rent gone out yet" when the rent is a scheduled payment or standing order: its next date.
        flow, why = "procedure", "status of a recurring payment -> recurring_payments"
        update.update(procedure="recurring_payments", procedure_intent="recurring_payments", slots={})
    elif (
        status in (None, "card_status", "payment_status")
        and "payment_status" in procedures
        and await asks_payment_status(text, runtime.context.banking)
    ):
        # "did the 630 I sent Hollie go through?": a payment of the customer's own records, named by payee or
        # amount, is answered from those records (processing, pending, failed), not as a card's status.
        flow, why = "procedure", "asks how one of the customer's payments stands -> payment_status"
        update.update(procedure="payment_status", procedure_intent="payment_status", slots={})
        status = "payment_status"
    elif (
        status == "payment_status"
        and "recent_transactions" in procedures
        and isinstance(shop := await _shop_asked_about(text, state, runtime), str)
    ):
        # "Netflix emailed that my payment failed, did this month's go through?": a company the customer pays
        # by card, asked whether its payment went, is a search of those card payments (the payment status
        # reads only the customer's own transfers).
        flow, why = "procedure", "status of a card payment to a shop of the customer's -> recent_transactions"
        update.update(procedure="recent_transactions", procedure_intent="recent_transactions", slots={})
        update["text"] = f"{text} (payments at {shop})"
    elif (
        status in (None, "card_status", "payment_status")
        and "payment_status" in procedures
        and not active
        and (payee := await payment_referred_to(text, _previous_message(state), runtime.context.banking))
    ):
        # "...let my holiday money to joanne fail, want a complaint raising", then "so was the money ever
        # taken out my account or not": how that payment stands, from the customer's records.
        flow, why = "procedure", "asks how the payment spoken of just before stands -> payment_status"
        update.update(procedure="payment_status", procedure_intent="payment_status", slots={})
        update["text"] = f"{text} (my payment to {payee})"
        status = "payment_status"
    elif status == "payment_direction" and "recent_transactions" in procedures and not active and not urgent:
        # "did money go in or out on the amazon one?": that payment, and which way it went (never a dispute
        # of it, nor the help centre's page on refunds).
        flow, why = "procedure", "which way a payment went -> recent_transactions"
        update.update(procedure="recent_transactions", procedure_intent="recent_transactions")
        update["slots"] = {"params": {"direction": True, "limit": 1}}
        update["low_confidence_streak"] = 0
    elif status and status in procedures:
        # A question about how things stand is answered, never turned into an offer to change them.
        flow, why = "procedure", f"status question -> {status}"
        update.update(procedure=status, procedure_intent=status, slots={})
    elif (
        not active
        and "dispute_transaction" in procedures
        and (added := await _added_to_claim(text, today_of(state), runtime.context.banking))
    ):
        # "...only the £162 is on the claim. The bigger one the same day wasn't me either, can that go on as
        # well?": that payment's dispute, offered (and confirmed), not how the claim stands.
        text, claimed = added
        flow, why, update = _serve("dispute_transaction", "", runtime)
        why = f"another payment put on a claim: {why}"
        update.update(text=text, low_confidence_streak=0, slots={"params": {"exclude": claimed}})
    elif urgent:
        flow, why, update = _urgent_plan(state, urgent, intent, runtime)
    elif requested_dispute(text) and "dispute_transaction" in procedures and not active:
        # "...it never turned up and they won't answer. can you dispute it": the dispute, offered (and
        # confirmed), rather than the help centre's page about disputes.
        flow, why, update = _serve("dispute_transaction", "", runtime)
        why = f"dispute asked in words: {why}"
        update["low_confidence_streak"] = 0
    elif (asked := requested_card_action(text)) and asked in procedures:
        # "ok can you freeze it, I don't trust my flatmate": the action asked for in plain words is offered
        # (and confirmed), rather than a clarifying question about the reason given with it.
        flow, why, update = _serve(asked, "", runtime)
        why = f"asked in words: {why}"
        update["low_confidence_streak"] = 0
    elif not active and _ACCOUNT_ON_RE.search(text) and "check_balance" in procedures:
        # "whats my euro account on", "what's my easy saver sitting at": a balance, in words triage may not
        # know well enough, wherever it comes in the conversation.
        flow, why = "procedure", "what an account is on -> check_balance"
        update.update(procedure="check_balance", procedure_intent="check_balance", slots={})
    elif followed is not None and followed[0] in procedures and not _new_topic(state, followed[0], runtime):
        procedure, kind, extra = followed
        flow, why = "procedure", f"follow-up ({kind}) -> {procedure}"
        update.update(procedure=procedure, procedure_intent=procedure, slots=extra.get("slots", {}))
        update["text"] = extra["text"]
        if kind == "history":
            # The longer listing takes in the amount just shown: "altogether" then is its total, not both.
            update["frame"] = {**(state.get("frame") or {}), "figures": []}
    elif _EXCHANGED.search(text) and "recent_transactions" in procedures:
        # "how much did I change into euros in September": the exchanges themselves (money moved between
        # the customer's own accounts is never spending, so a total of spending cannot show it).
        flow, why = "procedure", "currency exchanged -> recent_transactions at the exchange"
        update.update(procedure="recent_transactions", procedure_intent="recent_transactions", slots={})
        period = parse_date_range(text, today_of(state))[0]
        days = (
            f" from {format_day(period.since)} to {format_day(period.until)}"
            if period and period.since and period.until
            else ""
        )
        update["text"] = f"payments at {_EXCHANGE_MERCHANT}{days}"
        update["low_confidence_streak"] = 0
    elif (money := spending_intent(text)) and money in procedures:
        # Totals, counts, "last N", since payday, "can I afford": no Banking77 intent has these.
        flow, why = "procedure", f"spending cue -> {money}"
        update.update(procedure=money, procedure_intent=money, slots={})
        update["low_confidence_streak"] = 0  # understood from the cue, not a turn the model failed on
        if money == "affordability" and (owed := referred_amount(text, state.get("frame") or {})):
            update["text"] = f"{text} ({owed})"  # "enough to cover it": the payment just shown
        elif (
            money == "spending"
            and not active
            and (shown_shop := _listed_shop(list((state.get("frame") or {}).get("listed") or [])))
            and refers_to_shop_shown(text)
        ):
            # "how much has it cost me since September, then?" after Apple's card payments: Apple's.
            update["text"] = f"{text} (payments at {shown_shop})"
        elif (
            money == "affordability"
            and parse_amount(text)[0] is None
            and (owed := await named_recurring_amount(text, runtime.context.banking))
        ):
            update["text"] = f"{text} ({owed})"  # "enough for the mortgage on Monday": its amount
    elif (
        (not tri.get("confident") or (intent == "payment_status" and not strong))
        and "recent_transactions" in procedures
        and _GONE_OUT.search(text)
        and not status
    ):
        # "can I see what's gone out lately": the latest transactions, not a clarifying question.
        flow, why = "procedure", "money gone out lately -> recent_transactions"
        update.update(procedure="recent_transactions", procedure_intent="recent_transactions", slots={})
        update["low_confidence_streak"] = 0
    elif (
        (not tri.get("confident") or (intent == "payment_status" and not strong))
        and "recent_transactions" in procedures
        and (shop := await _names_own_merchant(text, runtime))
    ):
        # "payments to amazon", "anything from deliveroo lately?": a merchant of the customer's own card
        # transactions, named with words of paying, is a search of those transactions (a bank transfer's
        # status is asked with its payee's name, which is not a card merchant).
        flow, why = "procedure", "names a merchant of the customer's transactions -> recent_transactions"
        update.update(procedure="recent_transactions", procedure_intent="recent_transactions", slots={})
        update["low_confidence_streak"] = 0
        # "payments to X" reads as the merchant X, as "payments at X" does.
        update["text"] = re.sub(
            r"\b(?P<what>payments?|transactions?|charges?|purchases?|spending|paid)\s+(?:to|on)\s+",
            r"\g<what> at ",
            text,
            flags=re.IGNORECASE,
        )
        if isinstance(shop, str) and parse_merchant(update["text"]) is None:
            # "did octopus take their money yet": the shop named without "at", searched by its own name
            update["text"] = f"{update['text']} (payments at {shop})"
    elif _COMPLAINT_PROCESS.search(text):
        # "how long do you take to sort a complaint out": the help centre's timescales, not a new complaint.
        flow, why = "kb_answer", "a question about how complaints are handled: answer from the help centre"
        update["low_confidence_streak"] = 0
    elif asks_how_long_disputes_take(text):
        # "how long do disputes normally take?": the help centre's timescales (what happens next), not the
        # customer's cards or a new dispute.
        flow, why = "kb_answer", "a question about how long disputes take: answer from the help centre"
        update["low_confidence_streak"] = 0
    elif not tri.get("confident"):
        limit = runtime.context.settings.low_confidence_limit
        if state.get("low_confidence_streak", 0) >= limit:
            flow, why = "handoff", "repeated misunderstanding"
            # The handoff takes the highest cue the conversation has shown (fraud, a scam, vulnerability).
            update["handoff"] = {
                "reason": f"{limit} turns in a row not understood",
                "priority": handoff_priority(list(state.get("cues") or [])),
            }
        elif runtime.context.settings.llm_tools and (held := urgent_turn(state)):
            # Never to free-form assist: a card at risk is offered the freeze (confirmed first), anything
            # else urgent is asked back rather than guessed at.
            if held in _AFTER_FREEZE or held == "direct_debit_payment_not_recognised":
                flow, why, update = _urgent_plan(state, held, intent, runtime)
                why = f"low confidence, {why}"
            else:
                flow, why = "clarify", f"low confidence, urgent ({held}): not for the assisting model"
        elif runtime.context.settings.llm_tools:
            flow, why = "assist", "low confidence: the mini tier looks it up"
        elif (asked_shop := await _own_shop_asked_about(text, runtime)) is not None:
            # "how much was the wetherspoons", "amazon how much": a shop of the customer's own payments,
            # asked about in a question the model could not place, is what that shop took.
            flow, why = (
                "procedure",
                f"low confidence, but asks about a shop of their own payments ({asked_shop})",
            )
            update.update(procedure="spending", procedure_intent="spending", slots={})
            update["text"] = f"{text} (payments at {asked_shop})"
            update["low_confidence_streak"] = 0
        elif _help_centre_answers(text, runtime):
            # "what's the most cash I can take out in a day": a question the help centre answers well is
            # answered, rather than asked back.
            flow, why = "kb_answer", "low confidence, but a help-centre section matches well"
            update["low_confidence_streak"] = 0  # answered: not a turn the agent failed to understand
        else:
            flow, why = "clarify", "low confidence"
    elif intent == "human_request" and asks_for_number(text):
        # "what's your phone number, I'd rather ring someone": the number is the answer, not a handoff here.
        flow, why = "kb_answer", "asks for the bank's phone number: answer from the help centre"
    elif (
        intent in _NOT_RECOGNISED
        and not urgent
        and _RULES_QUESTION.search(text)
        and _help_centre_answers(text, runtime)
    ):
        # "what's the most cash I can take out in a day?": a question about the rules, with no word of
        # anything not recognised, is answered from the help centre, not treated as fraud.
        flow, why = "kb_answer", f"{intent} without a cue of fraud, a question the help centre answers"
    elif intent == "lost_or_stolen_phone" and not urgent:
        # "What's your phone number?" is not a lost phone: without a word of loss or theft, the help centre.
        flow, why = "kb_answer", "lost_or_stolen_phone without a cue of loss: answer from the help centre"
    elif (
        tri.get("route") == "complaint"
        and "complaint" not in (state.get("screening") or {}).get("flags", [])
        and asks_what_the_bank_would_do(text)
    ):
        # "will you lot block it or start asking questions about where its come from": a question about
        # what the bank would do, with no word of dissatisfaction, is answered, never recorded as a complaint.
        flow, why = "kb_answer", "a question about what the bank would do, not a complaint: the help centre"
    else:
        flow, why, update = _serve(intent, tri.get("route", ""), runtime)
    if forced or status or urgent or followed is not None:
        update.setdefault("low_confidence_streak", 0)  # understood from the conversation, not the model
    if flow == "procedure" and (account := _account_referred_to(text, state.get("frame") or {})):
        # "what's the balance on it" right after the euro account's payments: that account.
        update["text"] = f"{update.get('text', text)} ({account})"
    if (
        flow == "procedure"
        and followed is None
        and update.get("procedure") in ("spending", "recent_transactions")
        and _names_no_shop(money_asked := str(update.get("text", text)), today_of(state))
        and (
            own_shop := await _own_merchant_named(
                # "... without Netflix": a shop the total leaves out is not the one it is about
                parse_excluded(money_asked)[1],
                {"procedure": "spending"},
                runtime,
                words=30,
            )
        )
    ):
        # "what did the odeon cost me in september", "how much was the trattoria": a shop of the customer's
        # own payments named without "at" is what the money question is about (not all of September).
        update["text"] = f"{money_asked} (payments at {own_shop})"
    if (
        flow == "procedure"
        and followed is None
        and update.get("procedure") == "check_balance"
        and not _ASKS_BALANCE.search(text)
        and parse_account_kind(text) is None
        and (paid_shop := await _own_shop_asked_about(text, runtime))
    ):
        # "how much was sky in november": what a shop of the customer's own payments took, not the balance.
        update.update(procedure="spending", procedure_intent="spending", slots={})
        update["text"] = f"{text} (payments at {paid_shop})"
        why = f"{why}; names a shop of their own payments ({paid_shop}) -> spending"
    if (
        flow == "procedure"
        and not active
        and followed is None
        and update.get("procedure") == "payment_status"
        and (
            _BILL_KIND_RE.search(text)
            or any(
                item.kind == "direct_debit" for item in await named_recurring(text, runtime.context.banking)
            )
        )
        and not await asks_payment_status(text, runtime.context.banking)
    ):
        # "was my mortgage paid this month": a bill collected by direct debit, not a payment the customer sent
        # (which the payment's status would have been, with the latest one shown when none is named).
        update.update(procedure="spending", procedure_intent="spending", slots={})
        why = f"{why}; names a bill collected from the account, not a payment sent -> spending"
    if flow == "procedure" and not active and update.get("procedure") == "dispute_transaction":
        # "I ordered a parcel from Amazon the other week" ... "it never came, can you get me that money
        # back?", or "...they took another payment early November. Please get me that back.": when the
        # request does not say which payment, the story told with it or just before does. A story's other
        # amounts ("paid £6 to post it back") may then give way to the payment at the shop it names.
        story = _dispute_story(state, text)
        told = tells_of_let_down(text) or tells_of_let_down(story)
        if story or told:
            slots = dict(update.get("slots") or {})
            slots["params"] = {**(slots.get("params") or {}), "story": story, "told": told}
            update["slots"] = slots
    if carried:
        update.setdefault("text", carried)
    if negated:
        update.setdefault("text", acting)
        action, read = _READ_INSTEAD.get(str(update.get("procedure")), ("", ""))
        if flow == "procedure" and read and said_not_to(action, original):
            # The model read an action into a message that says not to take it: how it stands instead.
            flow, why = "procedure", f"{why}; the action is negated -> {read}"
            update.update(procedure=read, procedure_intent=read, slots={})
    if flow != "procedure":
        update.setdefault("procedure", None)
    update["flow"] = flow
    emit_step("route", flow, reason=why, intent=intent, urgent=bool(tri.get("urgent") or urgent))
    return update


# A payment asked about in the past tense: "what day was it", "which card did I use".
_PAST = re.compile(r"\b(?:was|were|did|went|gone|paid|bought|used|happened)\b", re.IGNORECASE)
# A payment line of an answer: "- 22 Oct 2026: Aldi, -£38.57".
_SHOWN_LINE = re.compile(r"^- (?P<line>\d{1,2} [A-Z][a-z]{2} \d{4}: (?P<shop>[^,\n]+), -?[£€$][\d,]+\.\d{2})")


def _payment_shown_earlier(text: str, state: AgentState) -> str | None:
    """The payment line ("22 Oct 2026: Aldi, -£38.57") of the shop the message names, as the conversation's
    answers last showed it alone (the one payment shown at that shop); None when no answer showed one, or
    showed several."""
    lowered = _lowered_words(text)
    replies = [h.get("content", "") for h in state.get("history") or [] if h.get("role") == "assistant"]
    for reply in reversed(replies):
        lines = [m for ln in reply.splitlines() if (m := _SHOWN_LINE.match(ln.strip()))]
        named = [m for m in lines if _names_shop(lowered, m["shop"])]
        if named:
            return named[0]["line"] if len({m["line"] for m in named}) == 1 else None
    return None


# "add them together", "what's that altogether", "so how much is that in total", "both combined"
_ALL_TOGETHER = re.compile(
    r"\b(?:add(?:ed)? (?:them|those|it|both|these|that)(?: (?:up|together))?|add (?:up|together)|altogether|"
    r"all together|in total|total|combined|together|put together|between them|sum)\b",
    re.IGNORECASE,
)


# A savings account's interest rate asked for: "what's the interest rate on my easy saver", "what rate is my
# saver on", "whats the interest rate on savings".
_SAVINGS_RATE = re.compile(
    r"\b(?:interest rate|rate of interest|aer|what rate|which rate|rate (?:is|does|do|on|for))\b"
    r"[^.?!]{0,40}\b(?:saver|savings?|isa|deposit account)\b"
    r"|\b(?:saver|savings?|isa)\b[^.?!]{0,40}\b(?:interest rate|rate of interest|aer|rate)\b",
    re.IGNORECASE,
)
_NOT_SAVINGS = re.compile(
    r"\b(?:exchange|currenc\w*|euros?|dollars?|mortgage|loan|overdraft|credit card|better|best|worth|"
    r"should i|"
    r"compare|elsewhere|other banks?)\b",
    re.IGNORECASE,
)
RATE_NOT_HELD = (
    "I can't see your savings account's interest rate in the details I can read, and our help centre "
    "doesn't list our savings rates, so I can't tell you the rate itself; a member of our team can. Here is "
    "what it has paid you in interest:"
)


# Money moved or owed, not held: "what did i spend in total", "total of my bills", "how much came in".
_NOT_BALANCES = re.compile(
    r"\b(?:spen[dt]|spending|paid|pay(?:ments?)?|cost|costs|bills?|came in|come in|went out|gone out|owe|"
    r"transactions?|direct debits?|standing orders?|salary|wages|interest)\b",
    re.IGNORECASE,
)


# "what was the smaller one", "which was bigger", "the dearer of the two": one of the payments just listed
# ("the biggest" is the spending total's own question).
_BY_SIZE = re.compile(
    r"\b(?P<which>bigger|larger|higher|dearer|more expensive|smaller|lower|cheaper|less expensive)\b"
    r"(?:\s+(?:one|payment|of (?:the|them|those)(?: two)?|of the two))?",
    re.IGNORECASE,
)
_SMALL = ("small", "low", "cheap", "less", "least")
BY_SIZE_MAX_WORDS = 8


def _picked_by_size(text: str, state: AgentState) -> str | None:
    """The payment line the message picks by size ("the smaller one") among those the last answer listed (two
    or more), or None."""
    if len(text.split()) > BY_SIZE_MAX_WORDS or (m := _BY_SIZE.search(text)) is None:
        return None
    replies = [h.get("content", "") for h in state.get("history") or [] if h.get("role") == "assistant"]
    if not replies:
        return None
    shown = [found for ln in replies[-1].splitlines() if (found := _SHOWN_LINE.match(ln.strip()))]
    lowered = _lowered_words(text)
    named = [f for f in shown if _names_shop(lowered, f["shop"])]
    # the payments of the shop the message names ("the sncf ones"), else money out (a salary is no price)
    lines = [f["line"] for f in named or shown if named or ": " in f["line"] and ", -" in f["line"]]
    if len(lines) < 2:
        return None

    def size(line: str) -> int:
        amount = re.search(r"[£€$]([\d,]+)\.(\d{2})$", line)
        return int(amount[1].replace(",", "")) * 100 + int(amount[2]) if amount else 0

    small = m["which"].lower().startswith(_SMALL)
    return min(lines, key=size) if small else max(lines, key=size)


def _names_shop(lowered: str, shop: str) -> bool:
    """Whether the (lower-cased, spaced) words name the shop: its whole name or its distinctive first word."""
    name = " ".join(re.sub(r"[^a-z0-9&]+", " ", shop.lower()).split())
    first = name.split()[0] if name else ""
    return (len(name) >= 3 and f" {name} " in lowered) or (
        len(first) >= 4 and first not in _GENERIC_FIRST_WORDS and f" {first} " in lowered
    )


# What a state-changing procedure reads instead when the message says not to take its action.
_READ_INSTEAD: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "cancel_direct_debit": ("cancel", "recurring_payments"),
        "cancel_standing_order": ("cancel", "recurring_payments"),
        "cancel_scheduled_payment": ("cancel", "recurring_payments"),
        "freeze_card": ("freeze", "card_status"),
        "unfreeze_card": ("unfreeze", "card_status"),
        "report_lost_stolen": ("report", "card_status"),
        "dispute_transaction": ("dispute", "recent_transactions"),
    }
)


# "how much?", "how much was it again": the amount of what the last answer was about.
_BARE_HOW_MUCH = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|right|n)\W+)*how\s+much(?:\s+(?:was|is|were|did)\s+(?:it|that|they|he|she|"
    r"them|those)(?:\s+(?:again|for|exactly|then|come\s+to))?)?(?:\s+(?:again|exactly|then))?\W*$",
    re.IGNORECASE,
)
HOW_MUCH_AGAIN = frozenset({"income", "regular_money", "recurring_payments", "payment_status"})


# "when's the next one?", "and when does it come out next", "next one when": the next of the bill just asked
# about.
_NEXT_ONE = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|right|n)\W+)*(?:when(?:'?s|\s+is|\s+does|\s+will|\s+do)?|what\s+day|which\s+day|"
    r"what\s+date)\b[^?.!]{0,30}\bnext\b|\bnext\s+(?:one|payment|collection)\s+(?:when|due)\b",
    re.IGNORECASE,
)
NEXT_ONE_MAX_WORDS = 9


def _regular_served(ask: RegularAsk, text: str, state: AgentState) -> tuple[str, str] | None:
    """The procedure that answers a question about regular money, and the words it runs on: money in (or in
    and out together) is the regular-money procedure's; money out alone is the recurring payments' list or
    monthly total, over the kinds the customer's words (or their message before) name."""
    if ask.money_in:
        return "regular_money", text
    frame = state.get("frame") or {}
    if ask.aspect == "total":
        # "so what's that a month all in" right after the list: the same payments, their monthly total
        old = str(frame.get("text", "")) if frame.get("procedure") == "recurring_payments" else ""
        return "recurring_payments", f"{text} {old} (what they come to in total each month)".strip()
    # "which ones of those do I have" after the difference between them: the kinds named before
    return "recurring_payments", f"{text} ({_previous_message(state)})"


def _whole_message(state: AgentState) -> str:
    """The customer's message this request is part of."""
    said = customer_messages(state)
    return said[-1] if said else ""


def _is_later_request(state: AgentState, text: str) -> bool:
    """Whether this request is one of the later requests of the message (others were answered before it)."""
    return bool(state.get("answered")) and normalise(text) != normalise(_whole_message(state))


def _dispute_story(state: AgentState, text: str) -> str:
    """The story a dispute asked for is told in: the customer's whole message when the request is a later
    part of it, else the message before, when it or the request tells what went wrong; "" otherwise."""
    if _is_later_request(state, text):
        return _whole_message(state)
    previous = _previous_message(state)
    told = tells_of_let_down(previous) or tells_of_let_down(text) or bool(_POINTS_BACK.search(text))
    return previous if previous and told else ""


# "please claim the money back", "can you get that back": the request points back at what was told before.
_POINTS_BACK = re.compile(r"\b(?:it|that|this|them|the (?:money|payment|charge|order))\b", re.IGNORECASE)


def _previous_message(state: AgentState) -> str:
    """The customer's message before this one (the history already holds this one)."""
    said = customer_messages(state)
    return said[-2] if len(said) >= 2 else ""


_EXCHANGED = re.compile(
    r"\b(?:change|changed|changing|exchange|exchanged|convert|converted|swap|swapped|move|moved)\b"
    r"[\w\s£€$.,]{0,30}\b(?:in)?to (?:euros?|eur|dollars?|usd|pounds|gbp|sterling)\b",
    re.IGNORECASE,
)
_EXCHANGE_MERCHANT = "Northbank Exchange"
_COMPLAINT_PROCESS = re.compile(COMPLAINT_PROCESS_QUESTION, re.IGNORECASE)


def asks_how_long_disputes_take(text: str) -> bool:
    """ "how long do disputes normally take?", "how many days does a chargeback take to sort": the help
    centre's timescales are the answer."""
    return bool(_DISPUTE_PROCESS.search(text))


_DISPUTES = r"(?:disputes?|chargebacks?|charge backs?)"
_DISPUTE_PROCESS = re.compile(
    r"\b(?:how long|how many (?:days|weeks)|how quickly|how soon|what(?:'s| is)? the timescale)\b"
    rf"[^.!?]{{0,40}}\b{_DISPUTES}\b[^.!?]{{0,25}}"
    r"\b(?:take|takes|last|to (?:sort|resolve|settle|come back)|sorted|resolved)\b"
    rf"|\b{_DISPUTES} (?:usually |normally |generally |typically )?(?:take|takes|last)\b",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^\W*(?:and|what about|how about|same for|same with|now|also|ok and|what of)\b", re.IGNORECASE
)
LEAD_MAX_WORDS = 6
_OWN_QUESTION = re.compile(
    r"^\W*(?:and|also|ok and|plus)\s+(?:what(?:'s|s| is| are)|how (?:much|many) (?:is|are|do|have)|"
    r"when (?:is|does|did)|is|are|can|could|do|does|did|has|have)\b",
    re.IGNORECASE,
)
_MONEY_READS = frozenset({"recent_transactions", "spending"})


_PAYING_WORDS = re.compile(
    r"\b(?:pay|paid|paying|payments?|charges?|charged|transactions?|spent|spend|spending|bought|orders?|"
    r"debits?|take|taken|took|anything|bills?|cost|how much (?:was|were|is|did))\b",
    re.IGNORECASE,
)
_MERCHANT_SCAN = 50
_GONE_OUT = re.compile(
    r"\b(?:what(?:'s|s| has| have)?|anything|everything|stuff)\s+(?:\w+\s+){0,2}?(?:gone out|went out|"
    r"come out|came out|left my account|left the account|been taken|been paid out|come off|came off)\b",
    re.IGNORECASE,
)
_MERCHANT_LIST = re.compile(
    r"^\W*(?:(?:show|list|find|see|check)\s+(?:me\s+)?)?(?:my\s+|all\s+|any\s+|the\s+)?(?:card\s+)?"
    r"(?:payments?|transactions?|charges?|purchases?|spending)\s+(?:to|at|from|with|on)\s+"
    r"[a-z0-9&'. ]{2,30}\W*$",
    re.IGNORECASE,
)


def _lowered_words(text: str) -> str:
    """The text lower-cased as spaced words, " ... ", for finding a shop's name in it."""
    return f" {' '.join(re.sub(r'[^a-z0-9&]+', ' ', text.lower()).split())} "


def _spaced_words(text: str) -> str:
    """The text lower-cased as spaced words for finding a shop's name in it, " ... ", with each word's plural
    or possessive also read as the word itself: "the wetherspoons", "wetherspoon's" name Wetherspoon (the
    plain words come first, then the singular forms)."""
    words = re.sub(r"[^a-z0-9&]+", " ", text.lower().replace("'s ", " ").replace("\u2019s ", " ")).split()
    singular = [w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    return f" {' '.join(words)} | {' '.join(singular)} "


async def _names_own_merchant(text: str, runtime: Runtime[AgentContext]) -> str | bool:
    """Whether the message names, with a word of paying, a merchant in the customer's latest transactions
    (names of three letters or more, matched as whole words): the merchant when it is one of them."""
    if not _PAYING_WORDS.search(text) or urgent_intent(text):
        return False
    if _MERCHANT_LIST.search(text):
        return True  # "payments to amazon": a search, whether or not there are any to find
    recent = await runtime.context.banking.find_transactions(TransactionQuery(limit=_MERCHANT_SCAN))
    lowered = _spaced_words(text)
    for merchant in {t.merchant for t in recent if t.amount_minor < 0}:
        name = " ".join(re.sub(r"[^a-z0-9&]+", " ", merchant.lower()).split())
        first = name.split()[0] if name else ""
        if len(name) >= 3 and f" {name} " in lowered:
            return merchant
        if len(first) >= 4 and first not in _GENERIC_FIRST_WORDS and f" {first} " in lowered:
            return merchant
    return False


# The payee of a payment's line in an answer ("17 Nov 2026: Octopus Energy, -£116.29").
_LINE_PAYEE = re.compile(r"^[^:]+: (.+?), [-+]?[£$€]")
# A payment asked about with no payee named: "has this month's payment gone out", "did the last one go".
_UNNAMED_PAYMENT = re.compile(
    r"\b(?:this|last|next) (?:month|week|year)(?:'|’)?s(?: (?:payment|bill|instalment|one|money|amount))?\b"
    r"|\bthe (?:payment|bill|instalment|money)\b",
    re.IGNORECASE,
)


async def _shop_asked_about(text: str, state: AgentState, runtime: Runtime[AgentContext]) -> str | bool:
    """The shop of the customer's card payments a payment-status question names, or the one the rest of the
    same message names when the question, one request of several, names no payee ("I've had a letter from
    Octopus saying I'm behind. ... Has this month's payment gone out?")."""
    if named := await _names_own_merchant(text, runtime):
        return named
    whole = (customer_messages(state) or [text])[-1]
    if whole != text and text in whole and _UNNAMED_PAYMENT.search(text):
        return await _names_own_merchant(whole, runtime)
    return False


_SAME_DAY = re.compile(r"\b(?:same|that) (?:day|date|morning|afternoon|evening|night)\b", re.IGNORECASE)


async def _added_to_claim(text: str, today: date, banking: BankingPort) -> tuple[str, list[str]] | None:
    """The payment a message asks to put on a claim already made, in words the dispute procedure reads (the
    message with the claimed payment's shop, and for "the same day" that payment's day, never the day the
    claim was made: "I reported it yesterday... the bigger one the same day"), and the payments already
    claimed there (not the one meant). None when the message asks nothing of the kind, or names no one claim
    among the customer's open ones."""
    if not adds_to_dispute(text):
        return None
    claims = [d for d in await banking.list_disputes() if d.status in ("open", "investigating")]
    claimed = [t for d in claims if (t := await banking.get_transaction(d.transaction_id)) is not None]
    said = {w[:5] for w in normalise(text).split() if len(w) >= 4}
    named = [t for t in claimed if {w[:5] for w in normalise(t.merchant).split() if len(w) >= 4} & said]
    shops = {t.merchant for t in (named or (claimed if len(claimed) == 1 else []))}
    if len(shops) != 1:
        return None
    shop = shops.pop()
    there = [t for t in claimed if t.merchant == shop]
    days = sorted({t.booked_at[:10] for t in there})
    ids = [t.id for t in there]
    if _SAME_DAY.search(text) and len(days) == 1:
        rest = parse_date_range(text, today)[1]
        return f"{rest} at {shop} on {format_day(date.fromisoformat(days[0]))}", ids
    return f"{text} at {shop}", ids


async def _own_merchant_named(
    text: str, frame: dict[str, Any], runtime: Runtime[AgentContext], *, words: int = 0
) -> str | None:
    """The shop of the customer's own card payments that a short follow-up of a money question names in
    any wording ("oh and that wagamama we had, when was that"): its full name or its distinctive first
    word, lower case. None outside such a follow-up (of ``words`` words at most, FOLLOW_UP_SHOP_WORDS by
    default)."""
    if frame.get("procedure") not in _MONEY_READS or len(text.split()) > (words or FOLLOW_UP_SHOP_WORDS):
        return None
    recent = await runtime.context.banking.find_transactions(TransactionQuery(limit=_MERCHANT_SCAN))
    lowered = _spaced_words(_NEXT_AS_A_WORD.sub(" ", text))
    # "marks and spencer", "m&s": the "M&S Simply Food" of the statement, by the part of the name a nickname
    # stands for (too short a first word to be read alone otherwise)
    nicknamed = {
        part for said, part in MERCHANT_NICKNAMES.items() if f" {said} " in lowered or f" {part} " in lowered
    }
    for merchant in sorted({t.merchant for t in recent if t.amount_minor < 0}, key=len, reverse=True):
        name = " ".join(re.sub(r"[^a-z0-9&]+", " ", merchant.lower()).split())
        first = name.split()[0] if name else ""
        if any(f" {part} " in f" {name} " or name.startswith(part) for part in nicknamed):
            return merchant.lower()
        if len(name) >= 3 and _says_name(lowered, name) and name not in _NOT_A_SHOP:
            # The name as the statement spells it ("sainsbury's", not "sainsbury s"): a search finds that.
            return merchant.lower()
        if len(first) >= 4 and first not in _GENERIC_FIRST_WORDS and _says_name(lowered, first):
            return first
    return None


# "the next time I went in", "the next one": the word, not the shop called Next.
_NEXT_AS_A_WORD = re.compile(
    r"\bnext\s+(?=(?:time|times|one|ones|visit|trip|shop|week|weekend|day|month|year|payment|few|couple|bit|"
    r"lot)\b)",
    re.IGNORECASE,
)


def _says_name(lowered: str, name: str) -> bool:
    """Whether the folded message (words between spaces) says the shop's name, also as people say it with
    an "s" ("the wetherspoons" for Wetherspoon, "sainsburys" for Sainsbury's)."""
    return f" {name} " in lowered or f" {name}s " in lowered


# A question about a payment or what something cost: "how much was the wetherspoons", "amazon how much",
# "what was the national trust thing", "when did the co-op take it".
_ASKS_ABOUT_A_PAYMENT = re.compile(
    r"\b(?:how much|what (?:did|was|were|is)|whats|when (?:did|was|were)|cost|costs|charged?|price|"
    r"spen[dt]|paid|took)\b|\?\s*$",
    re.IGNORECASE,
)
# A word of a problem with a payment, which the triage and dispute readers own, not a plain look-up.
_PAYMENT_PROBLEM = re.compile(
    r"\b(?:twice|double|never|not mine|don'?t recogni[sz]e|didn'?t|refund\w*|dispute\w*|wrong|scam\w*|"
    r"fraud\w*|stolen|cancel\w*|stop|block|freeze)\b",
    re.IGNORECASE,
)
SHOP_QUESTION_WORDS = 12


def asks_what_a_payment_was(text: str) -> bool:
    """A short question about what a payment was or cost, with no word of a problem with it ("how much was
    the wetherspoons", yes; "the wetherspoons charged me twice", no)."""
    return (
        len(text.split()) <= SHOP_QUESTION_WORDS
        and _ASKS_ABOUT_A_PAYMENT.search(text) is not None
        and _PAYMENT_PROBLEM.search(text) is None
        and urgent_intent(text) is None
    )


async def _own_shop_asked_about(text: str, runtime: Runtime[AgentContext]) -> str | None:
    """The shop of the customer's own payments that a short question not otherwise understood asks about
    ("how much was the wetherspoons", "amazon how much"), or None: then the question is what that shop
    took, not a clarifying question."""
    if not asks_what_a_payment_was(text):
        return None
    return await _own_merchant_named(text, {"procedure": "spending"}, runtime, words=SHOP_QUESTION_WORDS)


FOLLOW_UP_SHOP_WORDS = 12


def _names_no_shop(text: str, today: date) -> bool:
    """The money question names no shop, payee or kind of spending that the procedures read themselves."""
    bare = parse_date_range(text, today)[1]
    return parse_merchant(bare) is None and parse_category(bare)[0] is None and not _spent_on(bare)


# First words of merchants' names that are everyday words, not a name ("The Gym Group", "National Trust",
# "Just Eat": "how much of that was just october" names no shop).
_GENERIC_FIRST_WORDS = frozenset(
    "the national british northbank cash card next post just only more best good great first home easy free "
    "fast real well city royal".split()
)


# A help-centre section this close to the question answers it even when triage is unsure (the sections of
# questions ranked right score 0.52 and up; unrelated messages stay below 0.55).
KB_FALLBACK_SCORE = 0.6


_NOT_RECOGNISED = frozenset(
    {"card_payment_not_recognised", "cash_withdrawal_not_recognised", "direct_debit_payment_not_recognised"}
)
# A question about how things work (limits, fees, how much one may take out), not about what happened.
_RULES_QUESTION = re.compile(
    r"\b(?:limits?|max(?:imum)?|most|how much (?:\w+ )?(?:can|could|am i allowed to|may)|allowed to|fees?|"
    r"charges? for|cost(?:s)? (?:to|of|anything))\b",
    re.IGNORECASE,
)


def _served_by(intent: str, procedure: str, runtime: Runtime[AgentContext]) -> bool:
    spec = procedure_for_intent(intent, runtime.context.procedures)
    return spec is not None and spec.name == procedure


CONTACT = "contact-and-opening-hours"
REACHING_A_PERSON = "Speaking to a person"


def _support_asked_about(text: str, state: AgentState) -> str | None:
    """The help centre's heading on the customer's situation, when the conversation has shown one and this
    message asks what help the bank can give; None otherwise."""
    kinds = [c.partition(":")[2] for c in state.get("cues") or [] if c.startswith("vulnerability:")]
    headings = [h for k in kinds if (h := support_heading(k)) and h not in ("Self-harm", "Support message")]
    if not headings or not asks_what_help_there_is(text):
        return None
    return headings[-1]


# A question that leans on the answer before it: "and how long does it take?", "what about the fees?", "does
# that cost anything?".
_LEANS_BACK = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|right|thanks|thank you|great|cheers|lovely|and|so|also|then)\W+)*"
    r"(?:and|so|also|what about|how about|then)\b"
    r"|\b(?:it|that|they|them|this|those|there)\b",
    re.IGNORECASE,
)
KB_FOLLOW_UP_WORDS = 10
KB_FOLLOW_UP_SCORE = 0.5


def kb_follow_up(text: str, state: AgentState, runtime: Runtime[AgentContext]) -> str | None:
    """The help-centre article the last answer quoted, when this short message leans back on it and one of
    that article's sections answers it well; None otherwise (a new question finds its own answer)."""
    topic = state.get("kb_topic") or {}
    said = customer_messages(state)
    if not topic.get("slug") or len(said) < 2 or topic.get("said") != said[-2]:
        return None
    if len(text.split()) > KB_FOLLOW_UP_WORDS or not _LEANS_BACK.search(text):
        return None
    found = runtime.context.kb.search(text, k=1, slugs=[topic["slug"]])
    return topic["slug"] if found and found[0].score >= KB_FOLLOW_UP_SCORE else None


def _help_centre_answers(text: str, runtime: Runtime[AgentContext]) -> bool:
    found = runtime.context.kb.search(text, k=1)
    return bool(found) and found[0].score >= KB_FALLBACK_SCORE


# How much an account holds, asked in everyday words: "what's my euro account on", "what's my savings sitting
# at", "how much is left in my current account", "what's the balance".
_ACCOUNT_ON = (
    r"\bwhat(?:'s|s| is)\s+(?:my|the)\s+(?:[\w-]+\s+){0,2}?(?:account|saver|savings|isa)\s+"
    r"(?:on|at|sitting (?:on|at)|looking like)\s*(?:now|today|then)?\W*$"
    # "whats in the euro account", "what's in my savings": what it holds
    r"|\bwhat(?:'s|s| is)\s+(?:in|on)\s+(?:my|the)\s+(?:[\w-]+\s+){0,2}?(?:account|saver|savings|isa)\W*$"
)
# The same in few words, as someone writing in a second language does: "the euro account, how much?", "how
# much in my savings?", "euro account how much is minus?" (never what was spent or paid from it).
_ACCOUNT_HOW_MUCH = (
    r"(?:(?:\b(?:my|the)\s+|^\W*|[.?!,;]\s*)(?:[\w-]+\s+){0,2}?(?:account|saver|savings|isa)\W{0,3}\s*"
    r"how\s+much\b"
    r"|\bhow\s+much\s+(?:money\s+)?(?:in|on|inside)\s+(?:my|the)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:account|saver|savings|isa)\b)"
    r"(?!.*\b(?:spen[dt]|spending|paid|pay|cost|costs|fees?|charg\w*|interest|sent|send|transferr?\w*|"
    r"took|taken|went|go|goes)\b)"
)
_ACCOUNT_ON_RE = re.compile(f"{_ACCOUNT_ON}|{_ACCOUNT_HOW_MUCH}", re.IGNORECASE)
_ASKS_BALANCE = re.compile(
    _ACCOUNT_ON
    + "|"
    + _ACCOUNT_HOW_MUCH
    + r"|\bhow\s+much\s+(?:money\s+)?(?:is|do\s+i\s+have|have\s+i\s+got|'s)\s+(?:left\s+)?"
    r"(?:in|on)\s+(?:my|the)\b"
    r"|\bbalances?\b(?!\s+transfer)",
    re.IGNORECASE,
)


def _new_topic(state: AgentState, procedure: str, runtime: Runtime[AgentContext]) -> bool:
    """A confident intent served by another procedure starts a new topic, whatever the wording; a short
    message that leads with "and", "what about", "now"... continues the last one whatever triage thought."""
    text = state.get("text", "")
    if procedure != "check_balance" and _ASKS_BALANCE.search(text):
        # "and whats my euro account on" after a payment or a complaint: a balance, named in words of its own.
        return True
    if procedure not in _MONEY_READS and spending_intent(text) and len(text.split()) > LEAD_MAX_WORDS:
        # "balance? and what did john lewis charge me in october": a question about a shop of its own.
        return True
    tri = state.get("triage") or {}
    if _OWN_QUESTION.search(text) and tri.get("confidence", 0.0) >= runtime.context.settings.triage_threshold:
        # "is my card working? and whats my balance": "and" joins a question of its own, not a follow-up.
        spec = procedure_for_intent(str(tri.get("intent", "")), runtime.context.procedures)
        if spec is not None and spec.name != procedure:
            return True
    if _LEAD.search(text) and len(text.split()) <= LEAD_MAX_WORDS:
        return False
    if procedure in _MONEY_READS and len(text.split()) <= LEAD_MAX_WORDS and asks_if_regular(text):
        # "is it always the same" after Netflix's payments: the same payments over time (the model may hear
        # a payment charged twice), unless a word says something is wrong with them.
        return False
    if not tri.get("confident") or tri.get("confidence", 0.0) < runtime.context.settings.triage_threshold:
        return False
    spec = procedure_for_intent(str(tri.get("intent", "")), runtime.context.procedures)
    if spec is not None and {spec.name, procedure} <= _MONEY_READS and len(text.split()) <= LEAD_MAX_WORDS:
        return False  # "compared to this month?" after a total: the model reads any period as a listing
    if procedure in _MONEY_READS and combines_answers(text):
        # "what do the two come to?" after two payments: the model may hear a payment charged twice
        return False
    if (procedure in _MONEY_READS or procedure == "recurring_payments") and asks_left_of_wages(text):
        # "so whats that leave out of my wages" after a total: the model hears a question about the wages
        return False
    if spec is not None and {spec.name, procedure} <= _MONEY_READS and PART_OF_SHOWN.search(normalise(text)):
        # "and how much of that was just october": a part of what was just added up or listed
        return False
    if spec is not None and {spec.name, procedure} <= _MONEY_READS and _WHICH_EXTREME.search(text):
        # "which was the big shop this month then, what date": which of the payments just asked about
        return False
    return spec is not None and spec.name != procedure


# Urgent intents the freeze comes first for; what follows the freeze, by intent.
_AFTER_FREEZE = {
    "lost_or_stolen_card": "lost_or_stolen_card",
    "compromised_card": None,
    # Payments not recognised: once the card is frozen a person takes over urgently (agents.nodes.procedure);
    # declined, the dispute is taken up.
    "card_payment_not_recognised": None,
    "cash_withdrawal_not_recognised": None,
}


def _urgent_plan(
    state: AgentState, urgent: str, intent: str, runtime: Runtime[AgentContext]
) -> tuple[str, str, dict[str, Any]]:
    """Urgent first: offer to freeze at once, then take up the report or the dispute.

    An explicit request ("report it stolen", "dispute the Tesco payment") is served as asked; the freeze
    offer comes first otherwise. Direct debits are not card payments: a direct debit the customer does not
    recognise goes straight to its dispute.
    """
    action = explicit_action(state.get("text", ""))
    text = state.get("text", "")
    if action == "report" or urgent == "direct_debit_payment_not_recognised":
        target = "report_lost_stolen" if action == "report" else urgent
        flow, why, update = _serve(target, "", runtime)
        return flow, f"urgent ({urgent}): as asked -> {update.get('procedure', flow)}", update
    if action == "dispute":
        flow, why, update = _serve(urgent, "", runtime)
        return flow, f"urgent ({urgent}): dispute as asked", update
    flow, why, update = _serve("freeze_card", "", runtime)
    update["procedure_intent"] = urgent
    update["urgent"] = urgent
    after = _AFTER_FREEZE.get(urgent)
    if after == "lost_or_stolen_card" and action == "freeze" and not was_stolen(text):
        # "Can't find my card, please freeze it": freezing is what was asked; it may well turn up.
        after = None
    if after:
        update["later"] = [{"text": text, "intent": after}, *(state.get("later") or [])]
    return flow, f"urgent ({urgent}): offer to freeze first", update
