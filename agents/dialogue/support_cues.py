"""Cues for the support flows: the concrete request that comes with a complaint or a hard time, and a scam
message the customer only received.

A customer who is grieving or angry often asks something concrete in the same breath ("lost my mum last
month... has the mortgage gone out yet?"). The support text does not answer that, so the sentences that ask
for something the bank's data answers are picked out here and answered in the same reply.
"""

from __future__ import annotations

import re

from agents.dialogue.cues import (
    GAVE_DETAILS,
    SECRET_CARD_DETAILS,
    asked_sentence,
    normalise,
    requested_dispute,
)
from agents.procedures.status import DECLINE_WORDS
from agents.safety.flags import explain_flags, vulnerability_kinds

# Things the customer's own data answers: a payment, a bill, money in or out, a card on its way.
_OBJECT = re.compile(
    r"(?:£\s?\d|\b(?:payments?|paid|pay|mortgage|rent|balance|money|wages?|salary|direct debits?|"
    r"standing orders?|bills?|transfers?|card|account|refund|instalment|loan|saver|savings|interest|isa|"
    # "how much was the ticket i booked yesterday": a payment asked about by what it bought
    r"how much|spent|spend|charged|tickets?|transactions?|purchases?)\b)",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    # "how much money do i have. and is my card working": a second question opens with "and", "also"...
    r"(?:\?\s*$|^\W*(?:(?:and|also|plus|oh and|and also|then)\s+)?"
    r"(?:has|have|did|does|do|is|was|when|what|whats|where|wheres|how|hows|how's|can you|could you|will)\b"
    # "...Nationwide going out of my account and I don't know what it is or when it comes out": asked
    # without a question mark.
    r"|\b(?:don'?t|do not|dont|not sure|no idea|can'?t work out|cannot work out) (?:(?:really|actually|even|"
    r"quite|fully|honestly) )?(?:know )?"
    r"(?:what|when|why|who|how|if|whether)\b(?!\s+to\b)"  # "don't know what to do": the news, not data
    # "...it was a lot. i just need to know if my card is blocked": a question asked mid-sentence.
    r"|\b(?:need|want|like) to know (?:if|whether)\b|\b(?:wondering|tell me) (?:if|whether)\b)",
    re.IGNORECASE,
)
_FAILED = re.compile(
    r"\b(?:failed|bounced|came back|come back|was returned|got returned|rejected|didn'?t go (?:out|through)|"
    r"did not go (?:out|through)|(?:still )?not (?:here|arrived|come)|hasn'?t (?:arrived|come|gone out))\b",
    re.IGNORECASE,
)
# A sentence about the complaint itself or the customer's feelings asks nothing the data answers.
_ABOUT_THE_COMPLAINT = re.compile(
    # "not complaining, i just need to know...": saying it is not a complaint is no complaint.
    r"\b(?:(?<!not )(?<!not really )complain\w*|complaint|on record|fuming|furious|disgust\w*|ridiculous|"
    r"unacceptable|"
    r"nobody told me|no one told me|pass(?:ed)? around)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\s*[\n;]\s*")


_CLAUSE = re.compile(
    r",(?!\d{3}\b)\s*"  # (not the comma inside "£1,200")
    r"|\s+(?:and |but )?(?:now|this is|i want|i'd like|id like|nobody told me|no one told me)\b",
    re.IGNORECASE,
)


_CARD_ON_ITS_WAY = re.compile(
    r"\bcard\b.{0,60}\b(?:not (?:here|arrived|come)|hasn'?t (?:arrived|come)|still (?:waiting|not))",
    re.IGNORECASE,
)


def request_intent(clause: str) -> str | None:
    """The intent a support message's request plainly has (a failed payment, a card not arrived), so that it
    is answered rather than asked about; None leaves it to triage."""
    if _CARD_ON_ITS_WAY.search(clause):
        return "card_arrival"
    if _FAILED.search(clause) and not re.search(r"\bcard\b", clause, re.IGNORECASE):
        return "failed_transfer"
    return None


def concrete_requests(text: str) -> list[str]:
    """The clauses of `text` that ask about a payment, a balance or a card (at most two), in order."""
    found: list[str] = []
    said: list[str] = []  # every clause before the one read
    for sentence in _SENTENCE.split(text):
        # "the rent to debra failed and now she's threatening to evict me": the failed payment is the
        # request; what followed from it (and the complaint itself) is not.
        clauses = [c.strip(" ,.") for c in _CLAUSE.split(sentence)]
        for index, clause in enumerate(clauses):
            leans_back = bool(
                _COVERS.search(clause)
                and _COVERS_IT.search(clause)
                and any(_AMOUNT.search(c) or _REGULAR.search(c) for c in said)
            )
            # "The saver pays interest every quarter. Has it come in yet?": "it" is what the clause before
            # named, so the question is asked of that.
            named_before = (
                next((c for c in reversed(said) if _OBJECT.search(c)), None)
                if _HAS_IT_COME.search(clause) and not _OBJECT.search(clause)
                else None
            )
            if named_before:
                found.append(f"{clause}, {named_before}")
                break
            if (
                not clause
                or not (_OBJECT.search(clause) or leans_back)
                or _ABOUT_THE_COMPLAINT.search(clause)
            ):
                continue
            if _QUESTION.search(clause) or _FAILED.search(clause):
                # "is there enough to pay for the funeral, its about £4000": an amount said after the
                # question belongs to it.
                amount = next((c for c in clauses[index + 1 :] if _AMOUNT.search(c)), None)
                if amount is None and _COVERS.search(clause):
                    # "The funeral director wants a deposit of £1,200 on Monday. Have I got enough to cover
                    # it?": the amount said before a question about covering it belongs to it too.
                    amount = next((c for c in reversed(said) if _AMOUNT.search(c)), None)
                if amount is None and _COVERS.search(clause) and _COVERS_IT.search(clause):
                    # "The mortgage comes out on Monday I think, will there be enough in my account for it?":
                    # with no amount said, "it" is the regular payment the clause before named, and the
                    # question is asked of that payment.
                    amount = next((c for c in reversed(said) if _REGULAR.search(c)), None)
                found.append(f"{clause}, {amount}" if amount and not _AMOUNT.search(clause) else clause)
                break
            said.append(clause)
        said.extend(clauses)
    if _DECLINE.search(text):
        # "my card was declined at the chemist and I panicked. is it blocked?": the question is about why.
        found = [f"{c} (it was declined)" if _CARD.search(c) and not _DECLINE.search(c) else c for c in found]
    return found[:2]


_DECLINE = re.compile(rf"\b(?:{DECLINE_WORDS})\b", re.IGNORECASE)
# "has it come in yet?", "did it go out?", "has it been paid?": whether the thing named before has moved.
_HAS_IT_COME = re.compile(
    r"^\W*(?:(?:and|so|but)\s+)?(?:has|have|did|is)\s+(?:it|that|they)\s+(?:\w+\s+)?"
    r"(?:been paid|been credited|paid|come|come in|came in|arrived|landed|gone in|gone out|gone through|"
    r"went out|went through|left)\b",
    re.IGNORECASE,
)
# "...enough for it", "cover that", "pay for this one": the question leans on something said before it.
_COVERS_IT = re.compile(r"\b(?:for|cover|covers|covering|pay)\s+(?:it|that|this|them)\b", re.IGNORECASE)
# A regular payment named in a clause ("the mortgage comes out on Monday", "my rent goes on the 1st").
_REGULAR = re.compile(
    r"\b(?:mortgage|rent|direct debits?|standing orders?|bills?|council tax|insurance|loan|instalment)\b",
    re.IGNORECASE,
)
_COVERS = re.compile(r"\b(?:enough|cover|afford|pay for (?:it|that|this))\b", re.IGNORECASE)
_CARD = re.compile(r"\bcards?\b", re.IGNORECASE)


# What to do now, asked of the news itself: the support text answers it.
_ABOUT_THE_NEWS = re.compile(
    r"\bwhat (?:do|should|can|shall) (?:i|we) do\b|\bwhat (?:happens|now|next)\b|\b(?:can|could) you help\b|"
    r"\bwhere do (?:i|we) (?:start|begin)\b|\bwhat do (?:i|we) need to do\b|\bhelp me\b|"
    r"\bany (?:advice|help)\b"
    # "is there anything u can do", "can you do anything": help with the news itself
    r"|\b(?:anything|something) (?:(?:you|u|ya)(?: lot| guys)? )?(?:can|could) do\b"
    r"|\b(?:can|could) (?:you|u|ya) do (?:anything|something)\b"
    # "can we keep everything to messages please?": how we contact them, which the support text covers
    r"|\b(?:keep|only|instead|rather|prefer|stick)\b.{0,40}\b(?:messages?|calls?|phone|writing|emails?|letters?|"
    r"post|texts?|chat)\b",
    re.IGNORECASE,
)
_OWN_QUESTION_MIN_WORDS = 6


# "...I bought a load of stuff off some website. How much did it come to?": the question points back at a
# purchase the message told of, which is what it asks about.
_POINTS_BACK = re.compile(r"\b(?:it|that|them|they|those|these|this)\b", re.IGNORECASE)
_TELLS_PURCHASE = re.compile(
    r"\b(?:bought|buy|buying|ordered|order|ordering|spent|spend|spending|paid|purchased?|charged|splurged)\b",
    re.IGNORECASE,
)


def own_question(text: str) -> str | None:
    """The one question of a message that gives news (a bereavement, an illness) when it asks about something
    else ("...will you want proof of where the money came from?"); None when it asks what to do about the
    news, which the support text answers. A question that points back at a purchase the message told of
    ("how much did it come to altogether?") comes with the sentences that told it."""
    asked = asked_sentence(text)
    if (
        asked is None
        or len(asked.split()) < _OWN_QUESTION_MIN_WORDS
        or _ABOUT_THE_NEWS.search(asked)
        or vulnerability_kinds(asked)
    ):
        return None
    if _POINTS_BACK.search(asked) and not _TELLS_PURCHASE.search(asked):
        told = [s.strip() for s in _SENTENCE.split(text) if s.strip() and _TELLS_PURCHASE.search(s)]
        told = [s for s in told if s != asked.strip() and not vulnerability_kinds(s)]
        if told:
            return " ".join([*told, asked.strip()])
    return asked


# The bank named in a sentence of dissatisfaction: it is the one complained of ("your staff were rude", "the
# bank did nothing", "you lot"). Asking it for help ("can you get it back", "could the bank") names no fault.
_BANK_NAMED = re.compile(r"\b(?:you|your|yours|youre|u|ur|yous|bank|banks|northbank|app)\b")
_ASKS_THE_BANK = re.compile(
    r"\b(?:can|could|would|will|do|did|if) (?:you|u|ya|the bank|my bank|northbank)\b"
    r"|\bthank you\b|\bhelp me\b"
)
# A complaint made in so many words ("I want to make a complaint", "I'd like to complain") is recorded as one.
_COMPLAINT_MADE = re.compile(
    r"\b(?:make|making|raise|raising|lodge|lodging|log|logging|file|filing|put in|register) (?:a |an )?"
    r"(?:formal |official )?complaint\b"
    r"|\b(?:want|wish|would like|d like|need|going) to (?:make a )?complain\b"
    r"|\bthis is a (?:formal )?complaint\b|\bim complaining\b|\bombudsman\b"
)


# A question about what the bank would do ("will you lot block it", "would you ask where it came from", "do
# you have to check it"): the customer asks, and says nothing against us.
_WOULD_THE_BANK = re.compile(
    r"\b(?:will|would|do|does|are|is|might|may|gonna|going to) (?:you|u|ya|yous|you lot|u lot|"
    r"the bank|northbank|your lot)\b(?: (?:lot|guys|people))?"
    r"(?: (?:have to|need to|be|ever|still|start|stop|just|actually|then))*"
    r" (?:block|freeze|stop|hold|flag|check|ask|question|query|need|want|report|close|refuse|reject|return|"
    r"send|let|accept|take|keep|delay|investigate|look)\w*\b",
)


def asks_what_the_bank_would_do(text: str) -> bool:
    """The message asks what the bank would do ("will you lot block it or start asking questions about where
    its come from", "would you freeze my account if 15k lands in it"), in a question, with no complaint made
    in words: a question for the help centre, not a complaint."""
    words = normalise(text)
    return bool(_WOULD_THE_BANK.search(words)) and not _COMPLAINT_MADE.search(words)


# What the bank would ever ask or do, asked in general: "would you ever ask me to move my savings", "does
# northbank ever ring people asking for codes", "would the bank ask me to send money to keep it safe".
_BANK = (
    r"(?:you|u|you lot|u lot|you guys|northbank|the bank|(?:your|ur) (?:staff|team|bank|people)|"
    r"anyone from (?:you|the bank))"
)
_WOULD_THE_BANK_EVER = re.compile(
    rf"\b(?:would|will|do|does|could|might)\s+{_BANK}\s+ever\s+(?:ask|call|ring|phone|text|"
    r"email|message|contact|want|need|request|tell)\b"
    rf"|\bwould\s+{_BANK}\s+(?:ask|tell|want)\s+(?:me|customers|people|anyone)\s+(?:to|for)\s+(?:\w+\s+){{0,2}}?"
    r"(?:move|transfer|send|share|give|pin|code|codes|passcode|password)\b",
    re.IGNORECASE,
)


def asks_what_the_bank_would_ever_do(text: str) -> bool:
    """A question about what the bank would ever ask or do, in general (not a request to do it now)."""
    return bool(_WOULD_THE_BANK_EVER.search(text))


def complains_of_merchant_only(text: str) -> bool:
    """A story of a shop that let the customer down, asking for the money back, whose words of dissatisfaction
    are about the shop, not the bank ("their complaint form goes nowhere", "the hotel was a disgrace... can
    you get my money back"): the dispute is what they want, not a formal complaint about us. A sentence of
    dissatisfaction that names the bank ("your app is useless"), or a complaint made in words ("I want to
    make a complaint"), keeps it a complaint."""
    words = normalise(text)
    if not requested_dispute(text) or _COMPLAINT_MADE.search(words):
        return False
    for sentence in _SENTENCE.split(text):
        # "the app offered me a £5 voucher, which is a joke": in the story of a shop's order, "the app" is
        # the shop's ("your app", "the banking app" stay ours)
        said = _SHOPS_APP.sub(" ", _ASKS_THE_BANK.sub(" ", normalise(sentence)))
        if "complaint" in explain_flags(sentence) and _BANK_NAMED.search(said):
            return False
    return True


_SHOPS_APP = re.compile(r"\b(?:the|their|its|his|her) app\b")


_AMOUNT = re.compile(r"[£$€]\s?\d|\b\d[\d,.]*\s?(?:k|grand|pounds|quid|euros?|dollars)\b", re.IGNORECASE)


# A scam text, email or call the customer received: what it was, and whether they acted on it.
_RECEIVED = re.compile(
    r"\b(?:(?:got|had|received|getting|keep getting)\b.{0,30}\b(?:text|message|sms|email|e-mail|call|"
    r"voicemail|whatsapp)|(?:text|message|email|call)s? (?:from|saying|claiming|about))\b",
    re.IGNORECASE,
)
_ACTED = re.compile(
    r"\b(?:(?:typed|put|entered|gave|given|filled|sent|shared|told them)\b.{0,30}\b(?:card|details|number|"
    r"pin|code|password|passcode|cvv|security)|(?:paid|clicked|tapped|pressed|opened)\b(?! nothing)"
    r"|moved (?:my )?(?:money|savings)|transferred)\b",
    re.IGNORECASE,
)
_NOT_ACTED = re.compile(
    r"\b(?:(?:havent|haven't|have not|didnt|didn't|did not|not) (?:clicked|opened|tapped|replied|paid|"
    r"done anything|given|sent|pressed|responded)|ignored it|deleted it)\b",
    re.IGNORECASE,
)


def scam_rules(text: str) -> set[str]:
    """The names of screening's scam rules that ``text`` fires (agents.safety.lexicon), kind left off."""
    return {rule.partition(":")[2] for rule in explain_flags(text).get("scam", [])}


# Who sells an investment, and how the money would go: a pitch, not a friend's opinion of the market.
_INVESTMENT_PITCH = re.compile(
    r"\b(?:platforms?|apps?|sites?|websites?|bots?|schemes?|account managers?|brokers?|traders?|"
    r"mentors?|coach|wallets?|guarantee\w*|bonus|risk[- ]free|(?:a|per|every|each) (?:day|week|month)|"
    r"groups?|telegram|whatsapp|adverts?|ads?|videos?|send|sent|paid|transfer\w*|deposit\w*|withdraw\w*|"
    r"returns?|profits?|mining|token)\b",
    re.IGNORECASE,
)


def investment_opinion_only(text: str) -> bool:
    """A tip that an asset will go up ("me mate reckons bitcoin's gonna double") with no one selling it: the
    only scam cue is the promised growth, and nothing of a platform, a broker or money asked for."""
    return scam_rules(text) == {"too_good_investment"} and not _INVESTMENT_PITCH.search(text)


# Scams whose message asks the customer to send money themselves (a buyer's "overpayment", a payment "held"
# until they pay, a relative on a new number): what is at risk is the money they are about to send, so the
# full warning and a person, never the "delete the text" answer to a message only received.
_ASKS_TO_SEND = frozenset(
    {
        "overpayment_send_difference",
        "payment_held_until_you_pay",
        "family_impersonation",
        "family_emergency_call",
    }
)


def scam_received_only(text: str) -> bool:
    """A scam message the customer received and did not act on (a fake HMRC or parcel text, not clicked)."""
    if not _RECEIVED.search(text) or scam_rules(text) & _ASKS_TO_SEND:
        return False
    return bool(_NOT_ACTED.search(text)) or not _ACTED.search(text)


_SCAM_WORDS = re.compile(
    r"\b(?:link|parcel|delivery|courier|hmrc|tax|refund|prize|won|fine|toll|verify|suspended|police|court|"
    r"arrest\w*|legit|genuine|real|scam\w*|phishing|dodgy|suspicious|fake)\b",
    re.IGNORECASE,
)
_GAVE_CARD = re.compile(rf"\b{GAVE_DETAILS}\b.{{0,30}}\b(?:card|{SECRET_CARD_DETAILS})", re.IGNORECASE)


def scam_message(text: str) -> bool:
    """A text, email or call the customer received that looks like a scam (or that they ask about)."""
    return bool(_RECEIVED.search(text) and _SCAM_WORDS.search(text))


# "...i have to click her link and put my card number in": details asked for, not (yet) given.
_ASK_TO_GIVE_VERB = GAVE_DETAILS.replace("put|", "put|type|enter|")
_ASKED_TO_GIVE = re.compile(
    r"\b(?:have to|has to|got to|need to|needs? me to|must|should|wants? me to|asked me to|asks me to|"
    rf"asking me to|told me to|tells me to|supposed to|meant to)\b(?: \w+){{0,6}}? {_ASK_TO_GIVE_VERB}\b",
    re.IGNORECASE,
)
_SAID_THEY_GAVE = re.compile(
    rf"\b(?:i|we|ive|i've|weve|we've|i have|we have|i had|we had|already|just)\s+(?:already\s+|just\s+)?"
    rf"{GAVE_DETAILS}\b",
    re.IGNORECASE,
)


def gave_card_details(text: str) -> bool:
    """The customer typed or gave their card details to it (not only been asked to, with no word they did)."""
    if not _GAVE_CARD.search(text):
        return False
    return not (_ASKED_TO_GIVE.search(text) and not _SAID_THEY_GAVE.search(text))


_PIN_ASKED = re.compile(
    r"\b(?:tell|give|send|read|say|remind)\b(?: me| us)?(?: out)?\b.{0,15}\b(?:my |the |our )?pin\b"
    r"|\bwhat(?:'s|s| is) (?:my|the) (?:card )?pin\b"
    r"|\bpin\b.{0,40}\b(?:tell me|what it is|read it)"
    # "I've forgotten my PIN and I'm at the till in Tesco, can you just tell me it in here": the PIN itself,
    # asked for further on (never "tell me how to reset it").
    r"|\bpin\b.{0,120}\b(?:tell me (?:it|what it is|what (?:it|my pin) (?:is|was))|tell it (?:to )?me|"
    r"give me it|give it (?:to )?me|send (?:me )?it|(?:type|write|put) it (?:in|here|in here|out)|"
    r"read it out|remind me (?:of it|what it is)|let me know what it is)\b",
    re.IGNORECASE,
)
_READ_IT_OUT = re.compile(r"\b(?:read it|tell me it|tell me what it is|just tell me|say it)\b", re.IGNORECASE)


def pin_requested(text: str, previous: str = "") -> bool:
    """The customer asks to be told their PIN (also "just read it out" right after asking for it)."""
    if _PIN_ASKED.search(text):
        return True
    return bool(previous and _PIN_ASKED.search(previous) and _READ_IT_OUT.search(text))


# Pressure to go ahead after a scam warning: "its legit tho, just do it", "how would they know if they weren't
# the bank?? please just move it". Read only when the conversation has already shown a scam.
_PRESSES_ON = re.compile(
    r"\b(?:just (?:do it|send it|move it|transfer it|pay it|pay them|send them|put it through|go ahead)|"
    r"(?:do|send|move|pay|transfer) it anyway|(?:please|pls) just|"
    r"(?:its|it s|it is|hes|he s|he is|shes|she s|she is|theyre|they re|they are|this is|thats|that s) "
    r"(?:\w+ )?(?:legit|legitimate|real|genuine|kosher|above board|not a scam|"
    r"definitely (?:them|you|real|legit))|"
    r"not a scam|showed me (?:\w+ )?(?:screenshots?|proof|his|her|their|the)|i trust (?:him|her|them|it)|"
    r"they (?:must be|must have been|are|were|really are) "
    r"(?:you|the bank|from the bank|northbank|from northbank)|"
    r"how (?:else )?(?:would|could|did|do) they (?:know|have)|they knew (?:about|my|all)|"
    r"(?:my|its|it s|it is) (?:own )?money,? my (?:choice|decision)|i (?:still )?want to (?:send|pay|move|"
    r"transfer) it)\b",
    re.IGNORECASE,
)


def presses_on(text: str) -> bool:
    """The customer pushes back on a warning to have the payment made anyway."""
    words = re.sub(r"[^a-z0-9\s]", " ", text.lower().replace("’", "'").replace("'", ""))
    return bool(_PRESSES_ON.search(re.sub(r"\s+", " ", words)))


# A document from the bank that would say something untrue: "a letter saying I earn 60k, I'm on 57 so just
# round it up", "edit my statement so the overdraft doesn't show". Refused, whatever it is for (issue 12:
# refusals only for what they refuse; this one is refused in every wording).
_DOCUMENT = re.compile(
    r"\b(?:letter|statements?|reference|payslips?|documents?|paperwork|proof of (?:income|funds|earnings|"
    r"salary)|"
    r"confirmation of (?:income|salary|earnings|funds)|(?:mortgage |my )?(?:broker|lender|landlord|"
    r"letting agent|"
    r"application|underwriter))\b",
    re.IGNORECASE,
)
_UNTRUE = re.compile(
    r"\b(?:round(?:ing|ed)? (?:it |that |this |them |my \w+ )?up|bump(?:ing|ed)? (?:it |that |my \w+ )?up|"
    r"inflat\w+|exaggerat\w+|fudg\w+|fake|faked|forge|forged|falsif\w+|doctor(?:ed)? (?:it|my|the)|"
    r"pretend\w*|"
    r"make (?:it )?(?:up|look (?:bigger|higher|better))|made up|(?:isn't|is not|not) (?:quite |strictly |"
    r"exactly )?true|"
    r"basically the same|near enough|close enough|more than (?:i|it|they) (?:really|actually)|higher "
    r"than (?:i|it) "
    r"(?:really|actually)|backdat\w+|(?:remove|delete|hide|leave out|leave off|take off|edit out|cut "
    r"out) (?:\w+ ){0,4}?"
    r"(?:from|off|on) (?:my |the )?statements?|(?:edit|change|alter|tweak|adjust|photoshop) (?:my |the "
    r")?(?:bank )?"
    r"(?:statements?|payslips?|balance|figures?|numbers?))\b",
    re.IGNORECASE,
)


def misstatement_requested(text: str) -> bool:
    """The customer asks the bank for a document (a letter, a statement, a reference) that would not be "
    "true."""
    return bool(_DOCUMENT.search(text) and _UNTRUE.search(text))


# The purchase-scam rules of screening that fire before any money has gone (agents.safety.lexicon).
_BEFORE_PAYING_RULES = frozenset(
    {
        "purchase_transfer_before_delivery",
        "purchase_bank_transfer_only",
        "doorstep_trader",
        # a fee asked for before a prize, an inheritance, a loan or a parcel is "released"
        "advance_fee_compensation",
        # a "job" that wants a fee for checks or a uniform before the first shift
        "job_upfront_fee",
        # a buyer's link to "receive" the money by typing card details in
        "receive_payment_link",
    }
)
_ALREADY_PAID = re.compile(
    r"\b(?:paid|sent|transferred|already|gave|handed|lost|took|taken|scammed|conned|gone)\b", re.IGNORECASE
)
# A doorstep trader's story says what is to be "paid into his account" before anything is: only the
# customer's own word that money went counts there ("I've already paid him half", "we gave him £300").
_SAID_THEY_PAID = re.compile(
    r"\b(?:i|we|ive|i've|weve|we've|i have|we have|i had|we had)\s+(?:already\s+|just\s+)?(?:paid|sent|"
    r"transferred|gave|handed)\b|\balready\s+(?:paid|sent|transferred|gave|handed)\b|\b(?:scammed|conned)\b",
    re.IGNORECASE,
)


# Stories that tell what the other side says was "paid" or is to be "sent" (a trader's invoice, a job's fee
# "sent to their account", a buyer who "has paid"): only the customer's own word that money went counts.
_OWN_WORD_RULES = frozenset({"doorstep_trader", "job_upfront_fee", "receive_payment_link"})


# An advance fee for someone else ("his parcel is held at customs", "she'll pay me back double"): the money
# is asked for by a person the customer trusts (a romance scam), which needs a person now, not a warning
# alone.
_FEE_FOR_SOMEONE_ELSE = re.compile(
    r"\b(?:his|her|their)\b (?:\w+ ){0,3}?(?:parcel|package|gold|jewel\w*|inheritance|money|prize|funds|"
    r"winnings|compensation|payout|shipment|belongings)\b|\bpay (?:me|us) back\b",
    re.IGNORECASE,
)


def purchase_scam_before_paying(text: str) -> bool:
    """A purchase scam, a doorstep trader or an advance fee the customer is asking about before paying
    ("seller wants a deposit by bank transfer before he ships it, how do i send it?", "to release the prize I
    must pay a fee"): only such cues, and no word of money already gone."""
    rules = scam_rules(text)
    already = _SAID_THEY_PAID if rules <= _OWN_WORD_RULES else _ALREADY_PAID
    if "advance_fee_compensation" in rules and _FEE_FOR_SOMEONE_ELSE.search(text):
        return False
    return bool(rules) and rules <= _BEFORE_PAYING_RULES and not already.search(text)


def before_paying_rules(text: str, before: str = "") -> set[str] | None:
    """The scam rules of a story warned about before any money has gone, or None when money (or nothing of
    the kind) is at stake.

    The message itself may tell it ("he wants a bank transfer instead of paypal, how do i send it"), or go on
    with the story the last message told ("he sent me a photo of his licence, so it's legit?", "they say the
    prize goes back if I don't pay by Monday"): pressure or "proof" with no word of the customer's own that
    they paid is still before paying, and gets the same plain warning (no card to freeze, a person offered).
    """
    if purchase_scam_before_paying(text):
        return scam_rules(text)
    own = scam_rules(text)
    if before and (not own or own <= _BEFORE_PAYING_RULES) and purchase_scam_before_paying(before):
        if not _SAID_THEY_PAID.search(text):
            return scam_rules(before) | own
    return None


# --- how-to questions: the help centre answers them, whatever the story around them -------------------------

# "how do I activate it when it comes", "how can I turn contactless off", "how does a virtual card work",
# "do you do virtual cards": how something is done or what the bank offers. Not a look-up of the customer's
# own data ("how do I know if my card is blocked", "how can I see my transactions": a procedure answers it),
# nor an action the assistant takes itself ("how do I freeze my card": offered and confirmed here).
_DOING = (
    r"(?!(?:\w+ )?(?:know|tell|check|see|view|find|look|track|freeze|unfreeze|block|unblock|lock|unlock|"
    # "how do I stop contactless" is how to switch it off, not a card to stop
    r"cancel|stop(?! (?:the |my |using )?(?:contactless|tap))|report|dispute|challenge|complain|speak|talk|"
    r"contact|reach|get through|get (?:my|the|our) (?:money|cash|refund)|afford|pay (?:my|the|for)|spend|"
    r"spent|owe)\b)"
)
# A card feature a customer switches on or off in the app ("the tapping thing", "tap to pay", "online
# payments").
_FEATURE = (
    r"(?:(?:the |my |your )?(?:contactless|tap(?:ping)?(?: to pay| and pay)?|wave and pay|touch to pay)"
    r"(?: thing| function| feature| option| payments?| bit| setting)?\b"
    r"|(?:the |my )?(?:online|internet|overseas|foreign|gambling|betting) (?:payments?|spending|shopping|"
    r"transactions)\b)"
)
_HOW_TO = re.compile(
    r"\bhow (?:do|can|could|would|should|will|am) (?:i|we)(?: be able to| go about| need to| have to)? "
    rf"{_DOING}"
    rf"|\bhow (?:to|do (?:you|u)|does one) {_DOING}\w"
    rf"|\bwhat (?:do|would|should|will) (?:i|we) (?:need to |have to )?do to {_DOING}\w"
    rf"|\bwhat(?:s|'s| is) the (?:process|procedure|way|best way) (?:for|to|of) {_DOING}\w"
    r"|\bhow (?:does|do|would|will) (?:a |an |the |my |your |these |those |this |that |ur )?(?:\w+ ){0,4}?"
    r"(?:work|works)\b"
    rf"|\b(?:is there|is it possible|there a) (?:a |any )?(?:way|chance) (?:to|for me to|i can) {_DOING}"
    # "could you explain the difference between a standing order and a direct debit?": two kinds of thing,
    # each named with "a"/"an", explained (not "the difference between them", two amounts just shown)
    r"|\bdifference between (?:a|an) \w+(?: \w+){0,2} and (?:a|an) \w+"
    # "can I turn the tapping thing off on my card?", "could you switch off contactless", "can contactless be
    # turned off": a card feature switched off or on is a setting the help centre explains (never the card
    # itself: "can I turn my card off" is a freeze, offered and confirmed)
    rf"|\b(?:can|could|may) (?:i|we|you|u) (?:\w+ )?(?:turn|switch|shut|swich)(?: (?:it|that))? (?:off|on)? ?"
    rf"(?:\w+ ){{0,3}}?{_FEATURE}"
    rf"|\b(?:can|could|may) (?:i|we|you|u) (?:\w+ )?(?:disable|enable|stop|block|deactivate|activate) "
    rf"(?:\w+ ){{0,3}}?{_FEATURE}"
    rf"|\b(?:can|could|may) (?:i|we) (?:have|get) (?:\w+ ){{0,3}}?{_FEATURE} (?:\w+ )?"
    r"(?:turned|switched|shut|disabled|blocked|stopped)\b"
    rf"|{_FEATURE} (?:\w+ ){{0,3}}?(?:be |get )?(?:turned|switched|shut|disabled|enabled) (?:off|on)?"
    # at the start of a sentence or joined on ("what do you do with my data" asks nothing of the kind)
    r"|(?:^|[.!?,;]\s*|\b(?:and|also|so) )(?:do|does) (?:you(?: lot| guys)?|u|ya|northbank) (?:do|offer|have|"
    r"provide|give|"
    r"issue|sell) "
    r"(?!(?:my|me|any (?:record|news|update))\b)",
    re.IGNORECASE,
)
# A part of a message that asks something, or asks for something, of its own (not a story or a wish).
_ASKS_ITSELF = re.compile(
    r"\?|^\W*(?:also |and |then |please |pls |just |so )*(?:(?:can|could|would|will) (?:you|u|i)|what|whats|"
    r"what's|when|where|wheres|which|why|who|is|are|was|were|did|does|has|have|tell|show|check|give|list|"
    r"send|freeze|unfreeze|block|unblock|cancel|report|dispute|stop|order)\b",
    re.IGNORECASE,
)


# "...the tap to pay bit makes me nervous. could I switch that off?": the feature named the sentence before.
_SWITCH_IT = re.compile(
    r"\b(?:can|could|may) (?:i|we|you|u) (?:\w+ )?(?:turn|switch|shut|disable|stop|block) "
    r"(?:it|that|this|them)(?: off| on)?\b"
    r"|\b(?:can|could|may) (?:it|that|this|they) (?:be |get )?(?:turned|switched|shut|disabled) (?:off|on)\b",
    re.IGNORECASE,
)
_FEATURE_RE = re.compile(_FEATURE, re.IGNORECASE)
# ("one-time ones" is no reference to the sentence before)
_REFERS_TO_IT = re.compile(r"\b(?:it|one|them|they|that|this)\b(?!-)", re.IGNORECASE)


def how_to_question(text: str) -> str | None:
    """The sentences of the text that ask how something is done, or whether the bank offers something (see
    ``_HOW_TO``); None when it asks neither. The story around them is left out: "a shop had a data breach"
    would otherwise pick the help centre's page on compromised cards for "do you do virtual cards?"."""
    parts = [part.strip() for part in _SENTENCE.split(text) if part.strip()]
    kept = {i for i, part in enumerate(parts) if _HOW_TO.search(part)}
    kept |= {
        i
        for i, part in enumerate(parts)
        if i > 0 and _SWITCH_IT.search(part) and _FEATURE_RE.search(parts[i - 1])
    }
    if not kept:
        return text if _HOW_TO.search(text) else None
    # "the replacement should come next week. what do I do to get it working?": "it" is in the sentence before
    kept |= {i - 1 for i in kept if i > 0 and _REFERS_TO_IT.search(parts[i])}
    return " ".join(parts[i] for i in sorted(kept)) or text


# Someone else named in the question itself ("how do I get into my mum's online banking", "can I order one for
# her"): the question is about their account, not the customer's own.
_SOMEONE_ELSES = re.compile(
    r"\b(?:his|her|hers|him|he|she|he's|she's|hes|shes|their|them|for (?:my|our) \w+|\w+'s (?:\w+ )?(?:card|"
    r"account|banking|app|details|money|pin))\b",
    re.IGNORECASE,
)


def own_how_to(text: str) -> str | None:
    """The questions of the message, when they ask how something is done, or what the bank offers, for the
    customer themself ("my friend had her card cloned shopping online. do you do virtual cards i could use?"):
    the other person is only the story, left out. None otherwise. The help centre's answer shares nothing of
    anybody's account."""
    parts = [part.strip() for part in _SENTENCE.split(text) if part.strip()]
    asked = [part for part in parts if _HOW_TO.search(part)]
    if not asked or not asks_only_how_to(parts) or any(_SOMEONE_ELSES.search(part) for part in asked):
        return None
    return " ".join(asked)


def asks_only_how_to(parts: list[str]) -> bool:
    """Every part of a message is a how-to question or only tells ("my wife got charged for someone's coffee
    leaning on the reader. put me off. how do I turn contactless off?"): one question, with its story."""
    asked = [
        how_to_question(p) is not None
        or (i > 0 and bool(_SWITCH_IT.search(p)) and bool(_FEATURE_RE.search(parts[i - 1])))
        for i, p in enumerate(parts)
    ]
    return any(asked) and all(a or not _ASKS_ITSELF.search(p) for a, p in zip(asked, parts, strict=True))


# --- the bank's limits: the help centre's figures, whatever the intent model made of the words ------------

# The kinds of limit the help centre sets out, in customers' words, with the name it searches under.
_LIMIT_KINDS = tuple(
    (name, re.compile(rf"\b(?:{words})\b", re.IGNORECASE))
    for name, words in (
        ("contactless", r"contactless|tap(?:ping|s)?|tap to pay|wave and pay"),
        ("cash withdrawal", r"cash|atms?|cash ?machines?|cashpoints?|withdraw\w*"),
        ("top-up", r"top(?:-| )?ups?|topping up"),
        ("currency exchange", r"exchang\w*|currenc(?:y|ies)|convert\w*"),
        ("transfer", r"transfers?|transferring|faster payments?|chaps|new payees?"),
        ("card payment", r"card payments?|online|in shops?|gambling|betting"),
    )
)
_TAKE = r"(?:take|spend|pay|withdraw|send|tap|transfer|top up|get out|take out|draw out|nick|steal|pinch)\b"
# "what's the contactless limit on my card", "is there a limit on transfers", "what is the most somebody
# could take in one go", "how much can I take out of a cash machine in a day": the bank's limits, asked in
# any words. Not the customer's own figures ("my overdraft limit", "my credit limit"), nor what they can
# afford ("the most I could spend this month and still pay rent").
_LIMIT_ASKED = re.compile(
    r"^(?!.*\b(?:overdraft|credit|arranged|borrowing) limit)"
    r"(?!.*\b(?:left|this month|this week|till|until|payday|pay day|afford|and still|budget)\b)"
    r"(?:.*\b(?:what(?:'s|s| is| are| would be)?|whats|is there|are there|any|how (?:high|low|much) is|"
    r"tell me|do you have|does (?:it|the card|my card) have)\b(?:\s+[\w'-]+){0,6}?\s+(?:limits?|max(?:imum)?|"
    r"cap|ceiling)\b"
    rf"|.*\b(?:the )?(?:most|max(?:imum)?)(?: amount)?(?: (?:of )?(?:money|cash))? (?:that )?(?:\w+ ){{0,2}}?"
    rf"(?:can|could|may|is allowed to|am allowed to|are allowed to|would) (?:\w+ ){{0,2}}?{_TAKE}"
    rf"|.*\bhow much (?:can|could|may|would) (?:i|you|we|someone|somebody|anyone|a thief|they|(?:a|the) \w+) "
    rf"(?:\w+ ){{0,2}}?{_TAKE}.{{0,30}}\b(?:in one go|at once|at a time|in a day|a day|per day|each day|"
    r"per (?:payment|transaction|tap|day)|in a single \w+|each time|daily)\b)",
    re.IGNORECASE,
)


def limit_question(text: str, previous: str = "") -> str | None:
    """The text to search the help centre's limits with, when the message asks about one of the bank's limits
    (see ``_LIMIT_ASKED``), with the kind of limit it names; None when it asks about none. A question that
    names no kind ("and if I leave it on, what is the most somebody could take in one go?") takes the kind the
    customer's message before named ("can I turn the tapping thing off?": contactless)."""
    if not _LIMIT_ASKED.search(text):
        return None
    kind = next((name for name, words in _LIMIT_KINDS if words.search(text)), None) or next(
        (name for name, words in _LIMIT_KINDS if words.search(previous)), None
    )
    # searched as the limit it is: "a max on sending money to a new payee" is the transfer limits, not how
    # to send money
    return f"{text} ({kind} limit)" if kind else text


# --- questions about the help itself: how to reach a person, what help there is -----------------------------

# "if i need an actual person is there a way without calling?", "how would I get hold of someone if I can't
# phone": how a person is reached, asked as a question (not "can I talk to someone", which asks for one now).
_STAFF = (
    r"(?:(?:a|an|the|one|some) )?(?:actual |real |live |proper )?(?:person|human(?: being)?|"
    r"member of (?:staff|the team|your team)|staff|advis[eo]r|agent|adviser)"
)
_HOW_TO_REACH = re.compile(
    r"\b(?:is there (?:a|any|another) way|any (?:other )?way|what(?:'s| is) the (?:best|easiest) way|"
    r"how (?:do|can|could|would|should|will|might) (?:i|we)|if (?:i|we))\b.{0,40}?"
    rf"\b(?:(?:reach|contact|get hold of|get in touch with|get through to|speak (?:to|with)|talk (?:to|with)|"
    rf"chat (?:to|with)|message|write to) (?:{_STAFF}|someone|somebody|you|your team)|(?:ever )?(?:need|want|"
    rf"needed|wanted) (?:to (?:speak|talk) to )?{_STAFF})\b"
    rf"|\b(?:{_STAFF}|someone|somebody)\b.{{0,60}}\bwithout (?:calling|phoning|ringing|a (?:phone )?call|"
    r"using the phone|having to (?:call|phone|ring))\b",
    re.IGNORECASE,
)
_NOT_ASKED_NOW = re.compile(r"\b(?:now|right now|asap|immediately|straight away|please)\W*$", re.IGNORECASE)


def asks_how_to_reach_a_person(text: str) -> bool:
    """The customer asks how a person could be reached (a question about contact, answered from the help
    centre), rather than asking for one now."""
    said = normalise(text)
    return bool(_HOW_TO_REACH.search(said)) and not _NOT_ASKED_NOW.search(said)


# "is there anything u can do to help people like me, reminders or whatever", "what support do you offer
# for someone in my situation": what help the bank gives, asked by a customer who has told us their situation.
_WHAT_HELP = re.compile(
    r"\b(?:anything|something|what|how|any way|ways?)\b.{0,30}\b(?:you|u|ye|the bank|northbank|you guys|"
    r"you lot)\b.{0,20}\b(?:do|offer|provide|have|give|put in place|set up)\b.{0,40}\b(?:help|support|"
    r"assist|adjust\w*)\b"
    r"|\b(?:help|support)\w*\b.{0,20}\b(?:people|someone|somebody|customers|folk|those) (?:like me|like us|"
    r"in my (?:situation|position|shoes)|with (?:\w+ ){0,2}?(?:depression|anxiety|illness|conditions?|"
    r"disabilit\w+|dementia|caring))\b"
    r"|\b(?:what|any|is there any|is there (?:some|extra)|do you (?:do|offer|have) any) "
    r"(?:extra |other |more )?(?:help|support|adjustments)\b.{0,30}"
    r"\b(?:available|there|you (?:do|offer|have|can)|for me)\b",
    re.IGNORECASE,
)


def asks_what_help_there_is(text: str) -> bool:
    """The customer asks what help or support the bank can give them."""
    return bool(_WHAT_HELP.search(normalise(text)))


# Questions the help centre answers from one section, however the story around them reads: what happens
# when there is not enough money for a Direct Debit ("if there isnt enough in my account when a direct debit
# goes out what happens"), how to tell a caller really is the bank ("how am I to know whether someone ringing
# me really is from the bank"), whether a virtual card can be used ("can i use a virtual card or something in
# the app"). Each is a (article slug, section heading) pair; the story (a card still in the post, the mortgage
# due) is not what is asked.
_SHORT_OF_MONEY = re.compile(
    r"\b(?:not|isnt|isn't|aint|wasnt|no|without|havent|haven't|hasnt|hasn't|dont have|don't have) (?:\w+ )?"
    r"(?:enough|sufficient|the money|the funds|funds)\b"
    r"|\b(?:insufficient funds|short of money|overdrawn|run out of money|runs out of money)\b",
    re.IGNORECASE,
)
_REGULAR_PAYMENT = re.compile(
    r"\b(?:direct ?debits?|dd|standing orders?|mortgage|rent|bills?|council tax)\b", re.IGNORECASE
)
_WHAT_FOLLOWS = re.compile(
    r"\b(?:what happens|what would happen|what will happen|what then|do (?:i|we|you) (?:get )?charge|"
    r"(?:will|would|do) (?:i|we) (?:get |be )?(?:charged|fined|a fee|a charge)|"
    r"is there (?:a )?(?:fee|charge)|"
    r"(?:does|will|would) (?:it|the payment|the direct debit) (?:bounce|fail|still go)|what if)\b",
    re.IGNORECASE,
)
_REALLY_THE_BANK = re.compile(
    r"\b(?:how (?:do|can|could|would|am|are|should|is) (?:i|we|one|you)(?: supposed)?(?: to)? "
    r"(?:know|tell|check|be sure|make sure|verify|spot|be certain)|how (?:would|do) (?:i|we) know|"
    r"(?:is|was) (?:it|that|this|he|she|they) (?:really|actually|genuinely|definitely) (?:you|the bank))\b"
    r".{0,100}\b(?:really|actually|genuinely|truly|real|genuine|definitely|is|are|was|were) "
    r"(?:from )?(?:you|the bank|northbank|my bank|your bank|you lot|hers|mine|ours)\b",
    re.IGNORECASE,
)
_CONTACTED = re.compile(
    r"\b(?:ring\w*|rang|rung|call\w*|phon\w*|text\w*|messag\w*|email\w*|contact\w*|caller)\b", re.IGNORECASE
)
_VIRTUAL_CARD = re.compile(
    r"\b(?:use|get|have|make|set up|create|order|is there|are there|do you do|do you have|can i|could i|"
    r"offer)\b.{0,40}\bvirtual (?:card|one|debit card)s?\b",
    re.IGNORECASE,
)


def help_section_asked(text: str) -> tuple[str, str] | None:
    """The help centre's (article, section) a question asks about, whatever story it is told with; None when
    it asks none of them."""
    if _SHORT_OF_MONEY.search(text) and _REGULAR_PAYMENT.search(text) and _WHAT_FOLLOWS.search(text):
        return "direct-debits-and-standing-orders", "If there is not enough money"
    if _REALLY_THE_BANK.search(text) and _CONTACTED.search(text):
        return "contact-and-opening-hours", "Checking it is really us"
    if _VIRTUAL_CARD.search(text):
        return "virtual-and-spare-cards", "Virtual card"
    return None
