"""screen: act on what screening found in the raw text (redaction already happened at the door).

The pure screening (agents.safety.screen) runs before the graph, so the raw text never enters the state or
a checkpoint; this node turns its result into decisions: notices, flags and the flows that bypass triage.
"""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.dialogue.cues import (
    announced_requests,
    asks_for_number,
    card_out_of_hand,
    disclosed_to_a_scam,
    impersonation_scam,
    requested_card_action,
    split_requests,
    tidy_request,
    urgent_intent,
)
from agents.dialogue.support_cues import (
    asks_only_how_to,
    complains_of_merchant_only,
    concrete_requests,
    gave_card_details,
    investment_opinion_only,
    misstatement_requested,
    own_how_to,
    own_question,
    pin_requested,
    presses_on,
    request_intent,
    scam_message,
    scam_received_only,
)
from agents.nodes.answers import is_handoff_offer, record_complaint
from agents.nodes.care import ANSWERED_AFTER_KINDS, coercion_card_notice
from agents.nodes.common import customer_messages, emit_step
from agents.nodes.language import screen_language
from agents.state import AgentState

CARD_NOTICE = (
    "For your security, please don't share card numbers or security codes in chat: I've removed them from "
    "this conversation, and we will never ask for them."
)
CANCELLED_NOTICE = "I haven't made the change I asked you to confirm earlier."
SCAM_NOTICE = (
    "This has the signs of a scam. Please don't send any more money or share any codes: we will never ask "
    "you to move money to keep it safe, or for a code by phone or text."
)
PHISHED_NOTICE = (
    "That message was a scam (phishing): please don't enter anything more on that site, reply to it or send "
    "any money. Whoever sent it may now have your card details, so let's freeze your card first; then a "
    "member of our team will help."
)
CARE_NOTICE = (
    "I'm sorry this has happened. Let's make your card safe first, then a member of our team will help."
)
COMPLAINT_BESIDE = (
    "I'm sorry about the trouble this has caused: I've recorded what you told me as a complaint, and our "
    "team will follow it up with you."
)

# A request for a person is honoured in every phrasing, even with every model provider down, so it is a rule.
_HUMAN = re.compile(
    # "connect", "put", "transfer", "pass" only with whom or what is passed ("transfer me to an advisor");
    # "how long does a transfer take to reach someone" is about money.
    r"\b(?:(?:speak|talk|chat|(?:connect|put|transfer|pass)\w*\s+(?:me|us|this|it|through|my call)\b)"
    r"\w*\b.{0,30}\b"
    r"(?:human|person|someone|somebody|agent|advis[eo]r|representative|operator|staff|people|colleague|manager)"
    r"|real (?:person|human|people)|human (?:being|agent|please)|live (?:agent|person|chat)"
    # "this is rubbish, i want a manager", "get me your supervisor": someone senior, asked for outright
    r"|\b(?:i want|i need|i['’]?d like|i would like|get me|give me|can i have|can i get|let me have|"
    r"i demand) "
    r"(?:to (?:speak|talk) (?:to|with) )?(?:a|an|the|your|ur) (?:manager|supervisor|team leader|"
    r"someone senior|senior (?:person|member of staff))\b(?! (?:of|at|from|in|there)\b)"
    # "i want a human NOW", "need a real person asap", "get me an actual human being please"
    r"|\b(?:i want|i need|i['’]?d like|i would like|get me|give me|can i have|can i get|let me have|i demand|"
    r"want|need) (?:to (?:speak|talk|chat) (?:to|with) )?(?:a |an |some |one )?"
    r"(?:real |actual |proper |live )?"
    r"(?:human|person|agent|advis[eo]r|operator|representative)\b(?!['’]s| (?:of|at|from|in|who|that|to)\b)"
    r"|customer (?:service|support) (?:agent|rep|representative|person)"
    r"|not (?:a|another) (?:bot|robot|machine)"
    r"|stop (?:being a |talking to a )?(?:bot|robot)|(?:get|give) me (?:a|an|someone) (?:human|person|agent)"
    r"|\bhuman\b\W*$|^\W*(?:agent|operator|representative|human)\W*(?:please)?\W*$)",
    re.IGNORECASE,
)
_PII_TYPES = {"card_number", "cvv"}
FLOW_BY_FLAG = (  # first match wins: safety before service
    ("scam", "scam"),  # before vulnerability: a scam is also one (the scam node answers self-harm first)
    ("vulnerability", "vulnerability"),
    ("jailbreak", "refuse"),
    ("prompt_injection", "refuse"),
    ("third_party", "third_party"),
    ("advice", "out_of_scope"),  # a request for advice gets the advice refusal, whatever triage would say
)


# "What time can I talk to a person on Saturday?" asks for the opening hours, not for a person now.
_WHEN_CAN_I = re.compile(
    r"^\W*(?:what time|what times|when|what hours|which days|what days)\b(?!.{0,40}\b(?:now|today|asap)\b)",
    re.IGNORECASE,
)


def wants_human(text: str) -> bool:
    return bool(_HUMAN.search(text)) and not _WHEN_CAN_I.search(text)


def _cues(state: AgentState, flags: set[str], urgent: str | None, vulnerability: str | None) -> list[str]:
    """What the conversation has shown so far (a later handoff takes the highest priority among them)."""
    cues = list(state.get("cues") or [])
    new = [f for f in sorted(flags) if f in ("scam", "vulnerability", "complaint", "third_party")]
    if urgent:
        new.append(f"urgent:{urgent}")
    if vulnerability:
        new.append(f"vulnerability:{vulnerability}")
    return cues + [c for c in new if c not in cues]


async def screen(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    text = state.get("text", "")
    screening = state.get("screening") or {}
    flags = set(screening.get("flags", []))
    findings = screening.get("findings", [])
    notices: list[str] = []
    if any(f.get("type") in _PII_TYPES for f in findings):
        notices.append(CARD_NOTICE)
    history = [{"role": "staff", "content": note} for note in state.get("staff_notes", [])]
    if (state.get("history") or [])[-1:] != [{"role": "customer", "content": text}]:
        # (a message the answer to a confirmation was read into, read again as one of its own, is in already)
        history.append({"role": "customer", "content": text})
    urgent = urgent_intent(text)
    # A new request typed while an action waits for confirmation: answered, and the action keeps waiting.
    answering_aside = bool(state.get("pending_action")) and state.get("decision") == "other"
    lapsed = answering_aside and is_handoff_offer(state.get("pending_action"))
    if lapsed:
        # Asking something else instead of answering the offer of a person: the offer simply lapses.
        answering_aside = False
        state = {**state, "pending_action": None}
    update: dict[str, Any] = {
        "history": history,
        "notices": notices,
        "draft": "",
        "draft_kind": "answer",
        "handoff": None,
        "reply": "",
        "outcome": "reply",
        "triage": {},
        "flow": "",
        "queue": [],
        "answered": [],
        "deferred": None,
        "forced_intent": None,
        "kb_slug": None,
        "urgent": None,
        "complaint_recorded": False,
        "streak_counted": False,
        "cues": _cues(state, flags, urgent, screening.get("vulnerability")),
    }
    if not answering_aside:
        update["later"] = []
    if lapsed:
        update["pending_action"] = None
        update["decision"] = None
    if not answering_aside and is_handoff_offer(state.get("pending_action")):
        update["pending_action"] = None
    elif state.get("pending_action") and not answering_aside:
        # A new conversation run while an action waited (the app resumes the graph for every message while
        # one waits, so this is a run that could not resume): nothing is done.
        update["pending_action"] = None
        notices.append(CANCELLED_NOTICE)
    flow = next((f for flag, f in FLOW_BY_FLAG if flag in flags), "")
    if flow == "scam" and "advice" in flags and investment_opinion_only(text):
        # "me mate reckons bitcoin's gonna double by summer, should i?": a verdict asked on an investment that
        # nobody is selling them (no platform, no broker, no money asked for) gets the advice refusal, not a
        # scam warning and a person.
        flow = "out_of_scope"
        flags -= {"scam", "vulnerability"}
        update["cues"] = _cues(state, flags, urgent, None)
    if (
        flow == "vulnerability"
        and "third_party" in flags
        and (
            screening.get("vulnerability") in THEIRS
            or (screening.get("vulnerability") == "distress" and distress_is_theirs(text))
        )
    ):
        # "she says she can't afford the kids' stuff", "she's in a state about her mortgage": the hardship
        # or the upset is the other person's; the request is about someone else's account.
        flow = "third_party"
    if (
        flow == "vulnerability"
        and "complaint" in flags
        and "third_party" not in flags
        and screening.get("vulnerability") == "distress"
        and distress_is_theirs(text)
    ):
        # "sent my sister the holiday money and it STILL hasn't arrived, she's panicking. i want to complain":
        # the upset is the other person's, the complaint the customer's own about their own payment. It is
        # recorded (the complaint flow apologises and answers the question beside it), not met with the
        # customer's support script.
        flow = "complaint"
    if flow == "third_party" and not flags & {"scam", "vulnerability"} and (asked := own_how_to(text)):
        # "my friend had her card cloned shopping online. do you do virtual cards I could use?": a how-to
        # question of the customer's own, with someone else's bad luck as its story, is answered (the question
        # alone: the other person's card in the story is no urgent matter of the customer's).
        flow, text = "", asked
        urgent = urgent_intent(text)
        update["text"] = text
    if not flow and impersonation_scam(text):
        flow = "scam"  # a caller claiming to be the bank or the police, asking for codes or money
    if (
        flow in ("", "vulnerability")
        and screening.get("vulnerability") in (None, "distress")
        and "scam" in (state.get("cues") or [])
        and presses_on(text)
    ):
        # "its legit tho, just do it": pressure after a scam warning does not change the answer.
        flow = "scam"
        flags.add("scam")
    elif continues_third_party(state, text, flow, screening):
        # "he signed consent in the tenancy agreement, I can email it over", "surely you can just resend it":
        # still the other person's account, however it is pressed; the same answer, no person, no complaint.
        flow = "third_party"
    elif continues_scam(state, text, flow, screening):
        # "he's still on the phone, says he'll lose his job", "the courier is ten minutes away": the story
        # the last turn warned about goes on, so the warning is given again; the caller's pressure in it is
        # not a complaint about us.
        flow = "scam"
        flags.add("scam")
        flags.discard("complaint")
    whole = False
    said = customer_messages(state)  # before this turn's message: screen adds it
    previous = said[-1] if said else ""
    if flow in ("", "refuse", "out_of_scope") and pin_requested(text, previous):
        flow = "refuse"  # "tell me my PIN": nobody can; the refusal says what the customer can do
    elif flow in ("", "out_of_scope") and misstatement_requested(text):
        flow = "refuse"  # "a letter saying I earn 60k, just round it up": nothing untrue, however small
    elif (scam_message(text) and gave_card_details(text) and flow != "vulnerability") or (
        flow == "scam" and gave_card_details(text) and not urgent
    ):
        # Card details typed into a scam link: the card is frozen first (with their yes), then a person.
        flow, urgent = "", "compromised_card"
        update["urgent"] = urgent
        notices.append(PHISHED_NOTICE)
        update["cues"] = [*_cues(state, flags - {"complaint"}, urgent, None), "scam"]
        flags.discard("complaint")
        whole = True  # "...typed in my card details. is my money safe?" is one request: the card, now
    elif (flow == "scam" or (not flow and scam_message(text))) and scam_received_only(text):
        # A scam text or call only received: a warning and how to report it; nothing at risk, no person.
        flow = "scam"
        update["cues"] = _cues(state, flags - {"scam", "vulnerability", "complaint"}, urgent, None)
        flags.discard("complaint")
        # "...an email saying my payment was declined. is my debit card still active? don't freeze it": the
        # question beside the message is answered after the warning.
        requests = concrete_requests(text)
        update["queue"] = [{"text": request, "intent": request_intent(request)} for request in requests]
    kind = screening.get("vulnerability")
    if flow in ("scam", "vulnerability") and (
        # fear about the card itself; bereavement, illness or money worries keep their own support
        (card_at_risk(text, urgent) and kind in (None, "distress", "fraud_victim"))
        # "my partner has been using my card... can you freeze it": the freeze they ask for comes first
        or (
            requested_card_action(text) == "freeze_card"
            and kind in (None, "distress", "fraud_victim", "coercion")
        )
        # "my ex kept my card when he moved out and won't give it back": the card itself is in someone
        # else's hands, so it is frozen first, with the abuse support beside the offer
        or (kind == "coercion" and urgent == "compromised_card" and card_out_of_hand(text))
    ):
        # A card at risk (details given away, payments not recognised) is frozen first; the person the
        # scam or the customer's distress calls for takes over once the freeze has been answered.
        if kind == "coercion":
            notices.append(coercion_card_notice(runtime.context.kb))
        else:
            notices.append(SCAM_NOTICE if flow == "scam" else CARE_NOTICE)
        update["cues"] = [*update["cues"], "scam" if flow == "scam" else "vulnerability:distress"]
        flow = ""
    elif not flow and urgent == "compromised_card" and disclosed_to_a_scam(text):
        # "a woman rang claiming to be from British Gas and I told her my card number": a scam the flags did
        # not name; the warning goes beside the offer to freeze, and a person follows it.
        notices.append(SCAM_NOTICE)
        update["cues"] = [*update["cues"], "scam"]
    if not flow:  # another language: after the safety flags, before the complaint and person rules
        language = screen_language(text, screening, runtime.context.settings)
        flow, text = language.flow, language.text
        notices.extend([language.notice] if language.notice else [])
        update["text"] = text
    if not flow and "complaint" in flags and not urgent and complains_of_merchant_only(text):
        # "they sold my seat twice and their complaint form goes nowhere. can the bank get my money back": the
        # dissatisfaction is with the shop, and the money back is a dispute, not a complaint about us.
        flags.discard("complaint")
        update["cues"] = [c for c in update["cues"] if c != "complaint" or c in (state.get("cues") or [])]
    complaint = "complaint" in flags
    if not flow and complaint and urgent:
        # Anger about a stolen card is recorded as a complaint beside the urgent flow, never instead of it.
        record_complaint(state, payment_service=True, words=text)
        update["complaint_recorded"] = True
        notices.append(COMPLAINT_BESIDE)
    elif not flow and complaint:
        # A complaint is recorded whenever it is made, also when the same message asks for a person: the
        # complaint flow hands off too.
        flow = "complaint"
    elif not flow and wants_human(text) and not asks_for_number(text):
        flow = "handoff"
        update["handoff"] = {
            "reason": "customer asked for a person",
            "priority": handoff_priority(update["cues"]),
        }
    if flow == "complaint" or (
        flow == "vulnerability" and screening.get("vulnerability") in ANSWERED_AFTER_KINDS
    ):
        # "Lost my mum last month... has the mortgage gone out yet?": the question is answered too, after
        # the support text (the offer of a person is asked last).
        requests = concrete_requests(text)
        if not requests and flow == "vulnerability" and (asked := own_question(text)):
            # "my late gran's house has sold... will you want proof of where the money came from?": a
            # question of its own beside the news (not about it) is answered too.
            requests = [asked]
        update["queue"] = [{"text": request, "intent": request_intent(request)} for request in requests]
    if flow:
        update["procedure"] = None
        update["slots"] = {}
    else:
        announced = None if whole else announced_requests(text)
        text = tidy_request(text)
        update["text"] = text
        parts = [text] if whole else announced or split_requests(text)
        if len(parts) > 1 and asks_only_how_to(parts):
            parts = [text]  # "...put me off. how do I turn contactless off?": one how-to, with its story
        if len(parts) > 1:
            update["text"] = parts[0]
            update["queue"] = [{"text": part} for part in parts[1:]]
    update["flow"] = flow
    update["scam_warned"] = flow == "scam" or SCAM_NOTICE in notices
    update["third_party_told"] = flow == "third_party"
    emit_step(
        "screen",
        flow or "triage",
        findings=[{"type": f.get("type"), "start": f.get("start"), "end": f.get("end")} for f in findings],
        flags=sorted(flags),
        vulnerability=screening.get("vulnerability"),
        requests=1 + len(update["queue"]),
        urgent=urgent,
    )
    return update


# A new banking request of its own ("what's my balance", "freeze my card", "did my rent go out"): answered,
# even in a conversation whose last turn warned about a scam.
_NEW_REQUEST = re.compile(
    r"\b(?:balance|how much (?:money )?(?:have i|do i have|"
    r"is (?:there )?(?:(?:actually|really|still) )?(?:in|left))|"
    r"statement|transactions?|spent|spending|"
    r"direct debits?|standing orders?|salary|wages|overdraft|interest|opening hours|"
    r"(?:freeze|block|cancel|unfreeze|replace|report) (?:my |the )?(?:\w+ )?card|card (?:lost|stolen)|"
    r"(?:lost|stolen) (?:my |the )?card|"
    # a question about the customer's own money: "how much did I take out for him in september"
    r"how much (?:did|have|has|was|were|is|are|do|does) (?:i|my|me|we|our)|what did i (?:spend|pay|take)|"
    r"withdr\w+|(?:last|recent|latest) (?:\w+ )?(?:payments?|transactions?|orders?|purchases?)|"
    r"gone out|come in|gone in|"
    # "did my last amazon order actually go through": a payment of the customer's own, asked about
    r"(?:did|has|have) (?:\w+ ){0,6}?(?:go|gone|went) through)\b",
    re.IGNORECASE,
)


_COMPLAINS = re.compile(r"\bcomplain\w*", re.IGNORECASE)
# "ok thanks, will do": the warning was taken; nothing to repeat.
_ACKNOWLEDGED = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|right|great|brilliant|perfect|thanks?|thank you|cheers|ta|got it|understood|"
    r"will do|i will|i won'?t|i wont|no problem|that's great|thats great)\W*)+$",
    re.IGNORECASE,
)


def continues_scam(state: AgentState, text: str, flow: str, screening: dict[str, Any]) -> bool:
    """The last turn was answered with a scam warning and this one goes on with the same story (no new
    banking request, no safety flow of its own, no question or confirmation of ours waiting)."""
    return bool(
        state.get("scam_warned")
        and flow in ("", "vulnerability")
        and screening.get("vulnerability") in (None, "distress", "fraud_victim")
        and not state.get("pending_action")
        and not state.get("procedure")
        and not _NEW_REQUEST.search(text)
        and not wants_human(text)
        and not _COMPLAINS.search(text)
        and not _ACKNOWLEDGED.search(text)
    )


# After the answer about someone else's account, the same person still spoken of ("he signed consent", "they
# lose the villa tonight"), or the answer pressed ("surely you can just resend it", "I can email it over").
_STILL_THEIRS = re.compile(
    r"\b(?:he|she|they|him|her|them|his|hers|their|theirs|he's|she's|they're|hes|shes|theyre|"
    r"surely|just|consent\w*|permission|authori[sz]\w*|agreement|signed|mandate|attorney|proof|"
    r"email (?:it|them|you)|send (?:it|them|you) (?:over|across|in))\b",
    re.IGNORECASE,
)


def continues_third_party(state: AgentState, text: str, flow: str, screening: dict[str, Any]) -> bool:
    """The last turn said what we can and cannot share about another person's account, and this one goes
    on about that person or presses for it (no new request of the customer's own, no safety flow, no
    complaint, no question or confirmation of ours waiting)."""
    return bool(
        state.get("third_party_told")
        and flow in ("", "vulnerability")
        and screening.get("vulnerability") in (None, "distress")
        and "complaint" not in screening.get("flags", [])
        and not state.get("pending_action")
        and not state.get("procedure")
        and _STILL_THEIRS.search(text)
        and not _NEW_REQUEST.search(text)
        and not wants_human(text)
        and not _COMPLAINS.search(text)
        and not _ACKNOWLEDGED.search(text)
    )


# Hardship that, in a message about someone else's account, is most likely theirs ("she can't afford it").
THEIRS = frozenset({"financial_difficulty", "health"})

# Upset said of the other person ("she's in a state", "my son is panicking", "he's beside himself"), and of
# the customer ("I'm in a state"): only the first, with none of the second, is theirs.
_UPSET = (
    r"(?:in (?:a |such a )?(?:real |terrible |bad |right )?state|panick\w*|in a panic|"
    r"beside (?:her|him|them)sel(?:f|ves)|distraught|frantic|desperate|overwhelmed|"
    r"(?:can't|cant|cannot) cope|in bits|in tears|crying|"
    r"worried sick|stressed(?: out)?|freaking out|losing (?:her|his|their) mind)"
)
_RELATIVE = (
    r"daughter|son|mum|mom|mother|dad|father|husband|wife|partner|sister|brother|gran|nan|grandma|grandad|"
    r"grandson|granddaughter|niece|nephew|friend|aunt|auntie|uncle|cousin|bro|bros|sis|mate|lad"
)
_THEIR_UPSET = re.compile(
    rf"\b(?:she|he|they|she's|he's|they're|shes|hes|theyre|{_RELATIVE})\b(?: \w+){{0,3}}? {_UPSET}",
    re.IGNORECASE,
)
_OWN_UPSET = re.compile(
    rf"\b(?:i|i'm|im|i am|i've|ive|we|we're|me)\b(?: \w+){{0,3}}? {_UPSET}", re.IGNORECASE
)


def distress_is_theirs(text: str) -> bool:
    """The upset in a message about someone else's account is that person's, not the customer's."""
    said = text.replace("\u2019", "'")
    return bool(_THEIR_UPSET.search(said)) and not _OWN_UPSET.search(said)


# Cues that put a person on the conversation at once (the care scripts use the same priorities).
URGENT_CUES = frozenset(
    {
        "scam",
        "vulnerability:self_harm",
        "vulnerability:coercion",
        "vulnerability:fraud_victim",
        "vulnerability:distress",
    }
)


# "move everything to a safe account": the caller is after the money, so the scam is stopped first; a card
# in the same story ("he knew my card went missing") is the caller's proof, and the scam reply offers the
# freeze anyway.
_SAFE_ACCOUNT = re.compile(r"\b(?:safe|safety|holding|protected|secure) accounts?\b(?! access)", re.I)


# "they're sending a courier round to collect my card": the compromised card is the caller's story.
_COURIER_COMING = re.compile(
    r"\bcourier\b|\b(?:collect|pick up|picking up)\w* (?:my|the) (?:\w+ )?card\b", re.IGNORECASE
)
_HANDED_OVER = re.compile(r"\b(?:gave|given|handed|took|taken|collected|picked up|posted)\b", re.I)


def card_at_risk(text: str, urgent: str | None) -> bool:
    """A card to freeze now: lost or stolen, its details given away, or payments on it not recognised (an
    account "compromised" by a caller's story is a scam to stop, not a card to freeze)."""
    if urgent is None or _SAFE_ACCOUNT.search(text):
        return False
    if _COURIER_COMING.search(text) and not _HANDED_OVER.search(text):
        return False  # the card is still in their hand: the scam warning is what they need
    if urgent != "compromised_card":
        return True
    return bool(
        re.search(r"\b(?:card|cards|cvv|security code|3 digits|three digits|long number)\b", text, re.I)
    )


def handoff_priority(cues: list[str]) -> str:
    """The priority a person should give this conversation, from the highest cue it has shown."""
    if any(c.startswith("urgent:") or c in URGENT_CUES for c in cues):
        return "urgent"
    if "complaint" in cues or any(c.startswith("vulnerability") for c in cues):
        return "high"
    return "normal"
