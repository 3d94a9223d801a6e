"""What the care flows say, and how urgently a person takes over: scams and coercion, someone asking about
another person's account, and support that fits the customer's situation (issue 12).

Pure functions from the knowledge base and the screened kind to a `Script`; the graph nodes that send them
live in agents/nodes/answers.py. Wherever the help centre has the words, the script quotes them (so a bank
edits the help centre, not this file); the sentences written here only frame them.

Handoff priorities (documented in README "Customers who need support"):
- urgent: self-harm, coercion, fraud (a scam under way or just happened), and general distress: a person now.
- high: bereavement, health, financial difficulty and a card or account blocked by mistake: a person the
  same day, before ordinary requests, but behind anyone whose money or safety is at risk right now.
  Bereavement, health and financial difficulty (and a complaint) are *offered* a person (``offer``): the
  customer's yes hands off at this priority, a no keeps the conversation with the assistant.
- none: a third party asking about someone else's account: we explain what can be done and hand nothing off.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from agents.kb import KnowledgeBase

SUPPORT = "support-in-difficulty"
SCAM_REASON = "scam"
SCAM_KINDS = frozenset({"fraud_victim", "coercion"})

# Plain words first: what to stop doing, and what the bank never asks.
SCAM_WARNING = (
    "Please stop and don't send any more money or share any codes. We will never ask you to move money to "
    "keep it safe, and we will never ask for your PIN, passcode or one-time codes. If someone says they are "
    "from Northbank, the police or another organisation and asks you to do that, it is a scam: hang up or "
    "stop replying."
)
# Some scams have a shape of their own, told in plain words instead of the general warning (screening's rule
# names, agents.safety.lexicon): what the customer is being asked to do, why it gives it away, how to check.
OVERPAYMENT_WARNING = (
    "Please don't send this money: this has the signs of an overpayment scam. A buyer who says they "
    "have paid too much and asks for the difference back, or sent on to a courier or shipping agent, has "
    "not really paid you: the payment email is fake, or the payment will be taken back, and the money you "
    "send is gone. PayPal and other payment services never hold your money until you send some first. "
    "Check your PayPal or bank account yourself, not through a link in the email: if the money isn't "
    "there, it hasn't been paid."
)
FAMILY_IMPERSONATION_WARNING = (
    "Please don't send this money yet: this has the signs of a scam. Scammers message from a new number "
    "pretending to be a son, daughter or friend who has lost or broken their phone and needs money "
    "urgently, often to someone else's account. Call them on the number you already had for them, or ask "
    "something only they would know, before you send anything: a voice note or a photo can be faked."
)
FAMILY_EMERGENCY_WARNING = (
    "Please don't send this money: this has the signs of a scam. Criminals ring pretending to be a "
    "grandchild, child or other relative in trouble (arrested, in an accident, stuck abroad), often crying "
    "or with a 'cold' to hide the voice, and then put a 'solicitor' or 'police officer' on the line with "
    "bank details and a plea to tell nobody. Real bail is never paid by bank transfer to a stranger. Hang "
    "up, then call your relative, or their mum or dad, on the number you already have for them before you "
    "do anything."
)
DOORSTEP_WARNING = (
    "Please don't send this money: this has the signs of a doorstep scam (a rogue trader). Someone who "
    "knocks uninvited, finds urgent work on your home and wants money today, up front or by bank transfer, "
    "often offering to take you to the bank, is a pattern we see again and again: the work is often not "
    "needed, is never done, or costs far more than agreed. A photo proves nothing. A genuine trader will "
    "give you a written quote and time to think. Don't go to the bank with him; get quotes from traders "
    "you find yourself, and ask a relative or friend you trust. If he won't leave or you feel pressured, "
    "call the police on 101, or 999 if you feel unsafe."
)
ADVANCE_FEE_WARNING = (
    "Please don't send this money: this has the signs of an advance-fee scam. A genuine prize, lottery win, "
    "inheritance, compensation payment, loan or parcel never has to be released by paying a fee, a tax or "
    "a charge up front to a stranger's account, and you can't win a lottery you didn't enter. A deadline "
    "or a warning that the money will be lost if you don't pay quickly is pressure to stop you checking. "
    "Don't pay, and don't send copies of your ID or your bank details; if you have already given any "
    "details, tell us."
)
MONEY_MULE_WARNING = (
    "Please stop and don't send any more money: this has the signs of money-mule recruitment, which is a "
    "scam and a crime. Letting someone else's money pay into your account and sending it on, for a fee or "
    "a favour, is money laundering, however it is explained (a business, a tax problem, only for a day, "
    "lots of others have done it). The money is usually stolen from scam victims; your account can be "
    "closed, you can find it hard to get a bank account, a loan or a phone contract for years, and you "
    "can be prosecuted. Don't accept the money, don't send any on, and don't share your account or card "
    "details. If money has already come in, don't move it: tell us."
)
JOB_FEE_WARNING = (
    "Please don't send this money: this has the signs of a job scam. A genuine employer never asks you to "
    "pay up front to start, for a DBS or background check, a uniform, training, kit or a visa, to their "
    "account; a proper interview, a contract or a friendly manager is easy to fake, and the job "
    "disappears once you have paid. Check the company yourself (its own website and phone number, not the "
    "ones in the advert) before you pay anything or send copies of your ID."
)
RECEIVE_LINK_WARNING = (
    "Please don't enter your card details: this has the signs of a scam. You never need to type your card "
    "number, the three digits on the back or a code into a link to receive money from a buyer; a page "
    "that asks for them, however real it looks (a marketplace's logo, a padlock, the word 'secure'), is "
    "fake and is used to take money from your card. Selling sites pay you through the site itself: check "
    "your sale in the app or website you sell on, never through a link a buyer sends. If you have already "
    "typed your details in, tell us straight away so we can freeze your card."
)
# The customer says the scam already happened (money lost, often with shame: "I feel so stupid"): what a
# person would say first, before the warning.
SCAMMED_OPENING = (
    "I'm so sorry this happened to you, and it's not your fault: scammers are very convincing, and you are "
    "not alone. Telling us is the right thing to do, and we're here to support you."
)
# Scam rules that mean the money has already gone to the scammer.
ALREADY_SCAMMED = frozenset({"scammed", "purchase_scam"})
SCAM_KIND_WARNINGS = {
    "overpayment_send_difference": OVERPAYMENT_WARNING,
    "payment_held_until_you_pay": OVERPAYMENT_WARNING,
    "family_impersonation": FAMILY_IMPERSONATION_WARNING,
    "family_emergency_call": FAMILY_EMERGENCY_WARNING,
    "doorstep_trader": DOORSTEP_WARNING,
    "advance_fee_compensation": ADVANCE_FEE_WARNING,
    "money_mule": MONEY_MULE_WARNING,
    "job_upfront_fee": JOB_FEE_WARNING,
    "receive_payment_link": RECEIVE_LINK_WARNING,
}
# A fee to release money is the broadest shape: a scam that also has a narrower one (a payment "held" until
# the customer pays) is warned of in the narrower one's words.
_BROAD_KIND_RULES = frozenset({"advance_fee_compensation"})


def kind_warning(rules: Collection[str]) -> str | None:
    """The warning in the words of the scam's own shape, the narrowest first; None for a scam with none."""
    ordered = sorted(rules, key=lambda rule: (rule in _BROAD_KIND_RULES, rule))
    return next((SCAM_KIND_WARNINGS[r] for r in ordered if r in SCAM_KIND_WARNINGS), None)


# While a person has the conversation the assistant does not answer; until one of them has written, each new
# message gets this notice, so the customer knows it was seen. After a scam the warning comes again: the
# pressure usually does (the caller is still on the line, the seller sends "proof").
HOLDING = (
    "Thank you: our team has your conversation and will see this message. Someone will reply here as soon as "
    "they can."
)
# Before the team's answer to a non-urgent handoff, the assistant still answers a question that needs no
# change and no person; this says first that the person is still coming.
WAITING_NOTICE = "Our team has your conversation and will reply here. In the meantime:"
HOLDING_URGENT = (
    "If a card is lost, stolen or being used by someone else, you can freeze it now in the app "
    "(Card > Freeze)."
)


def holding_notice(reason: str, priority: str) -> str | None:
    """What a customer who writes again before anyone from staff has replied is told, by the handoff's reason
    and priority: a scam repeats its warning, any other urgent handoff says how to stop a card meanwhile;
    nothing for the others (they were told the team's hours when they were handed off)."""
    if reason == SCAM_REASON or (reason.startswith("language:") and re.search(r"\bscam\b", reason)):
        # A scam caught in another language ("uma conta segura") is handed over with the language as its
        # reason (agents.nodes.language); the warning is the one the customer needs while they wait.
        return f"{HOLDING} {SCAM_WARNING}"
    if priority == "urgent":
        return f"{HOLDING} {HOLDING_URGENT}"
    return None  # the handoff's own notice gave the team's hours; a quiet queue is not an emergency


COERCION_OPENING = (
    "Thank you for telling us; it is not your fault. No one should take control of your money or make you "
    "send it to them."
)
FREEZE_OFFER = (
    "A member of our team will help you now. If you want your card stopped straight away, you can freeze it "
    "in the app (Card > Freeze), or just ask and we'll freeze it for you."
)
# Someone the customer knows has their card (an ex who kept it): the abuse support, then the freeze offer.
CARD_FIRST = "Let's make your card safe first, then a member of our team will help."
MISTAKEN_BLOCK_OPENING = (
    "I'm sorry your card or account has been blocked when you need it. If our fraud checks paused a payment, "
    "you'll get a notification in the app asking you to confirm it was you. If your card is frozen, you can "
    "unfreeze it in the app under Card > Freeze. A member of our team can look at the block with you."
)
# The same fear when nothing is blocked on our side (the card states said first show it): the decline is
# explained instead of a block being assumed.
DECLINED_NOT_BLOCKED_OPENING = (
    "I'm sorry your card was declined when you needed it; that is upsetting, and you haven't done anything "
    "wrong. We haven't blocked your card. A payment can be declined for other reasons: the shop's card "
    "machine or connection, a fraud check on that one payment (you'd get a notification in the app asking "
    "you to confirm it was you), a PIN typed wrongly, or not enough money in the account at that moment. If "
    "a card is ever frozen in the app, you can unfreeze it under Card > Freeze. A member of our team can "
    "look at it with you."
)
THIRD_PARTY_OPENING = (
    "Thank you for helping. I'm sorry, but I can't share or change anything on someone else's account, even "
    "for a close family member, unless they have given you the authority to act for them. Here is what can "
    "help:"
)
THIRD_PARTY_HOLDER = (
    "They can contact us themselves in the app or in chat, and you can be with them while they do."
)


# An out-of-scope question that is still about banking (a rate, a phone number, a limit, a charge) is
# answered from the help centre; only one about something else gets the polite decline.
_BANKING_TOPIC = re.compile(
    r"\b(?:accounts?|cards?|debit|credit|pay|paid|paying|payments?|transfers?|balance|limits?|fees?|charges?|"
    r"charged|interest|rates?|savings?|saver|overdraft|loans?|mortgage|statements?|bank|banking|northbank|"
    r"branch(?:es)?|phone number|call you|contact you|ring you|opening hours|open on|atm|cash|pin|"
    r"direct debits?|standing orders?|refunds?|disputes?|isas?|app|money|standard|plus|joint|"
    r"currenc(?:y|ies)|exchange|apple pay|google pay|contactless|cheques?|deposits?|withdraw\w*)\b",
    re.IGNORECASE,
)


def banking_question(text: str) -> bool:
    """Whether `text` is about banking at all (not whether the assistant can answer it)."""
    return bool(_BANKING_TOPIC.search(text))


@dataclass(frozen=True)
class Script:
    """A draft and the handoff it needs (None: the assistant answers and keeps the conversation)."""

    draft: str
    kind: str
    sections: tuple[str, ...]
    priority: str | None
    reason: str | None
    # True: a person is offered (the customer's yes hands off at `priority`), not handed off at once.
    offer: bool = False

    @property
    def handoff(self) -> dict[str, str] | None:
        if self.priority is None:
            return None
        return {"reason": self.reason or "support", "priority": self.priority}


# kind -> (help-centre sections quoted, priority). Self-harm, coercion and fraud always go to a person now.
_SUPPORT_BY_KIND: dict[str, tuple[tuple[str, ...], str | None]] = {
    "self_harm": (("Self-harm",), "urgent"),
    "bereavement": (("Bereavement",), "high"),
    "health": (("Illness and mental health",), "high"),
    "financial_difficulty": (("Financial difficulty",), "high"),
    # The customer says how we can talk to them; nothing is wrong that a person must take over.
    "accessibility": (("Accessibility",), None),
    "distress": (("Support message",), "urgent"),
}
_DEFAULT_SUPPORT: tuple[tuple[str, ...], str] = (("Support message",), "urgent")
# Support the customer may not want a person for (they may only want their question answered): offered.
OFFERED_KINDS = frozenset({"bereavement", "health", "financial_difficulty"})
# What a person would say first, before the help centre's words (bereavement's section opens with its own).
_OPENING_BY_KIND = {
    "health": "I'm so sorry you're going through this, and thank you for telling us.",
    "financial_difficulty": "I'm sorry things are hard at the moment, and thank you for telling us.",
    "accessibility": "Thank you for telling us. We can do everything here in chat, and I'll help you now.",
}
# Support given with the customer's request still to answer: the request is answered after it.
ANSWERED_AFTER_KINDS = OFFERED_KINDS | {"accessibility"}
OFFER_PERSON = "Would you like me to pass this to a member of our team?"
# The same offer after support that came with a question we answered: said, not asked, so the answer is the
# end of the reply and a reflexive "ok" to it hands nothing off.
INVITE_PERSON = (
    "If you'd like to talk any of this through with a member of our team, just say so and I'll pass you over."
)
SCAM_RECEIVED_OPENING = (
    "That message has the signs of a scam: a threat or a deadline, and a link asking you to pay or give your "
    "details. We will never text or email you a link asking for your card details, your PIN or a one-time "
    "code. Don't click the link or reply to it; if you haven't given any details or paid, nothing has been "
    "taken."
)
SCAM_REPORT = (
    "You can report a scam text for free by forwarding it to 7726, and a scam email to "
    "report@phishing.gov.uk. Then delete it."
)


def support_heading(kind: str) -> str | None:
    """The help centre's section on the support for a situation (health, bereavement, accessibility...),
    or None for a kind with no section of its own."""
    headings, _ = _SUPPORT_BY_KIND.get(kind, ((), None))
    return headings[0] if headings else None


def _section(kb: KnowledgeBase, slug: str, heading: str) -> str:
    return kb.section(slug, heading).strip()


def _sentence_with(text: str, phrase: str) -> str | None:
    """The first sentence of `text` that mentions `phrase` (case-insensitive), if any."""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if phrase.lower() in sentence.lower():
            return sentence.strip()
    return None


def coercion_card_notice(kb: KnowledgeBase) -> str:
    """Coercion with the customer's card in the other person's hands: the help centre's domestic and
    financial abuse text stays, and the freeze is offered first (agents.nodes.screen); a person follows."""
    return "\n\n".join((COERCION_OPENING, _section(kb, SUPPORT, "Domestic and financial abuse"), CARD_FIRST))


def scam_script(kb: KnowledgeBase, kind: str | None, *, rules: Collection[str] = ()) -> Script:
    """A scam, or someone controlling the customer's money: a plain warning, the freeze offer, a person now.

    `kind` is screening's vulnerability kind: coercion gets the help centre's domestic and financial abuse
    text, anything else the scam warning and what to do if you have been scammed. `rules` are the scam rules
    screening fired: a scam with a shape of its own (an overpayment, a relative on a new number) is warned of
    in its own words. Self-harm in the same message is answered first.
    """
    warning = kind_warning(rules) or SCAM_WARNING
    parts: list[str] = []
    sections: list[str] = []
    if kind == "self_harm":
        parts.append(_section(kb, SUPPORT, "Self-harm"))
        sections.append(f"{SUPPORT}#Self-harm")
    if kind == "coercion":
        parts += [COERCION_OPENING, _section(kb, SUPPORT, "Domestic and financial abuse")]
        sections.append(f"{SUPPORT}#Domestic and financial abuse")
    else:
        scammed = ("personal-details-and-security", "If you think you have been scammed")
        if ALREADY_SCAMMED & set(rules):
            parts.append(SCAMMED_OPENING)
        parts += [warning, _section(kb, *scammed)]
        sections.append("#".join(scammed))
    parts.append(FREEZE_OFFER)
    return Script(
        draft="\n\n".join(parts),
        kind=kind if kind in SCAM_KINDS or kind == "self_harm" else "fraud_victim",
        sections=tuple(sections),
        priority="urgent",
        reason=SCAM_REASON,
    )


def support_script(kb: KnowledgeBase, kind: str | None, *, third_party: bool = False) -> Script:
    """Support that fits the customer's situation, quoted from the help centre, with the priority it needs.

    With a third-party cue as well (someone caring for a relative who is ill), the help centre's words on a
    third-party mandate or Power of Attorney follow.
    """
    if kind in SCAM_KINDS:
        return scam_script(kb, kind)
    if kind == "mistaken_block":
        phone = _section(kb, "contact-and-opening-hours", "Phone")
        return Script(
            draft=f"{MISTAKEN_BLOCK_OPENING}\n\n{phone}",
            kind=kind,
            sections=("contact-and-opening-hours#Phone",),
            priority="high",
            reason="card or account blocked by mistake",
        )
    headings, priority = _SUPPORT_BY_KIND.get(kind or "", _DEFAULT_SUPPORT)
    parts = [_section(kb, SUPPORT, heading) for heading in headings]
    if opening := _OPENING_BY_KIND.get(kind or ""):
        parts.insert(0, opening)
    sections = [f"{SUPPORT}#{heading}" for heading in headings]
    if third_party:
        mandate = _sentence_with(_section(kb, SUPPORT, "Accessibility"), "Power of Attorney")
        if mandate:
            parts.append(mandate)
            sections.append(f"{SUPPORT}#Accessibility")
    return Script(
        draft="\n\n".join(parts),
        kind=kind or "support",
        sections=tuple(sections),
        priority=priority,
        reason=f"customer may be vulnerable ({kind or 'support'})",
        offer=kind in OFFERED_KINDS,
    )


def scam_received_script(kb: KnowledgeBase) -> Script:
    """A scam message the customer only received and did not act on: a plain warning and how to report it.
    Nothing is at risk, so nothing is frozen and no one is handed the conversation."""
    return Script(
        draft=f"{SCAM_RECEIVED_OPENING}\n\n{SCAM_REPORT}",
        kind="scam_received",
        sections=(),
        priority=None,
        reason=None,
    )


# "... or +44 20 7946 0192 from abroad" in the help centre's sentence about calling us.
_ABROAD_NUMBER = re.compile(r"\s+or\s+\+[\d\s]+?\s+from abroad(?=[.,;]|$)")


def third_party_script(kb: KnowledgeBase) -> Script:
    """Someone asking about another person's account: what the bank can and cannot do; no data, no handoff."""
    points = [THIRD_PARTY_HOLDER]
    sections: list[str] = []
    phone = _sentence_with(_section(kb, "contact-and-opening-hours", "Phone"), "Call")
    if phone:
        # The freephone number only: a reply about someone else's account carries no more digits than it
        # must, so nothing in it reads as (or is taken for) a figure of that person's.
        points.append(f"By phone: {_ABROAD_NUMBER.sub('', phone)}")
        sections.append("contact-and-opening-hours#Phone")
    mandate = _sentence_with(_section(kb, SUPPORT, "Accessibility"), "Power of Attorney")
    if mandate:
        points.append(mandate)
        sections.append(f"{SUPPORT}#Accessibility")
    lost = _sentence_with(_section(kb, "contact-and-opening-hours", "Phone"), "24 hours")
    if lost:
        points.append(f"If their card is lost or stolen, they can freeze it in their app at once. {lost}")
    draft = THIRD_PARTY_OPENING + "\n" + "\n".join(f"- {p}" for p in points)
    return Script(draft=draft, kind="third_party", sections=tuple(sections), priority=None, reason=None)


# A purchase scam spotted before any money has gone: the warning is the help, so a person is offered.
SCAM_BEFORE_PAYING = (
    "Please don't send this money: this has the signs of a purchase scam. A seller you haven't met who "
    "wants a deposit or the full price by bank transfer before you have seen the item (often with a price "
    "well below anywhere else, or a story about being abroad or working away) is the most common scam we "
    "see, and money sent by bank transfer to a scammer is very hard to get back. A photo of a passport or a "
    "screenshot proves nothing. If it is genuine, the seller will let you see it first or accept a payment "
    "with protection, such as a card payment."
)


def scam_before_paying_script(kb: KnowledgeBase, *, rules: Collection[str] = ()) -> Script:
    """A purchase scam, a doorstep trader or an advance fee the customer is about to pay: the warning and how
    to stay safe; a person offered (their yes hands off urgently with reason "scam"), since nothing has been
    lost yet.
    `rules` are the scam rules screening fired: a scam with a warning of its own is warned of in its words."""
    warning = kind_warning(rules) or SCAM_BEFORE_PAYING
    secure = ("personal-details-and-security", "Keeping your account secure")
    return Script(
        draft=f"{warning}\n\n{_section(kb, *secure)}",
        kind="scam_before_paying",
        sections=("#".join(secure),),
        priority="urgent",
        reason=SCAM_REASON,
        offer=True,
    )
