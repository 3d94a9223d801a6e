"""Reading a message in its conversation: urgency, questions about state, follow-ups, several requests.

Rules, not a model, because they must hold with every provider down and they are cheap: each is a small
lexicon over normalised words, written against the ways customers actually put things (slang, typos) and
tested with phrasings the triage model never saw. With a model configured the nano tier also sees the
dialogue frame (agents.nodes.triage), so these rules are a floor, not a ceiling.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from agents.dialogue.spelling import correct_spelling
from agents.procedures.queries import IN_VS_OUT_RE
from agents.procedures.recurring import ASKS_REFERENCE


# Every reader of a turn folds the same message (and the frame's texts) again: about forty calls a turn on
# a handful of strings (bench/README.md, 7 Dec). Pure, so kept.
@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("’", "'").replace("'", "")
    text = re.sub(r"[^a-z0-9£$€\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# --- urgency ------------------------------------------------------------------------------------------

_THING = (
    r"(?:card|cards|wallet|purse|bag|handbag|backpack|rucksack|phone|mobile|debit card|credit card|bank card|"
    r"visa|mastercard)"
)
_STOLEN = re.compile(
    r"\b(?:stolen|stole|steal|nicked|pinched|swiped|robbed|mugged|pickpocket\w*|snatched|nabbed|"
    r"taken from me|"
    r"someone took|somebody took|broke into my car|burgled|burglary|broken into|"
    r"smashed (?:my|the) (?:car )?windows?)\b"
)
# Taken by someone, said with the thing taken: "grabbed my purse off the seat", "ran off with my bag", "my
# 14 yr old has taken my card" (never "the machine took my card" or "money taken from my card").
_TAKEN = re.compile(
    rf"\b(?:grabbed|grabbing|snatched|snatching|took|taken|taking|nicking|pinching|swiping|stealing|"
    rf"ran off with|run off with|running off with|made off with|walked off with|legged it with|"
    rf"went off with|gone off with)\b (?:my|the|our|his|her|me) (?:\w+ ){{0,2}}{_THING}\b"
)
# Said the other way round: "handbag taken out of my car", "my wallet was nicked from the changing room":
# the thing taken from somewhere it was left (never money taken from a card, or a card out of a machine).
_TAKEN_FROM = re.compile(
    rf"\b{_THING}\b (?:\w+ ){{0,2}}?(?:(?:was|were|has been|have been|had been|got|been|is|s) )?"
    r"(?:taken|nicked|pinched|swiped|grabbed|snatched|lifted|whipped|robbed) (?:out of|from|off)"
    r" (?:my|the|our|his|her|a) (?:\w+ )?(?:car|van|truck|locker|trolley|basket|pram|buggy|bike|desk|table|"
    r"seat|chair|pocket|coat|jacket|room|house|flat|tent|cabin|changing rooms?|office|shoulder|hand|boot|"
    r"glovebox)\b"
)
_MONEY_TAKEN = re.compile(
    r"\b(?:money|cash|£|payment|amount|fee|charge)\b.{0,20}\btaken (?:from|off|out of)\b"
)
_MACHINE_TOOK = re.compile(
    r"\b(?:atm|cash machine|cashpoint|machine|hole in the wall)s? (?:\w+ )?"
    r"(?:took|taken|has taken|kept|ate)\b"
)
# Post or mail going missing from the letterbox while a card is on its way: the card in the post is at risk.
_POST_STOLEN = re.compile(
    r"\b(?:(?:nicking|nicked|stealing|stolen|steal|stole|taking|pinching|pinched|going through|raiding|"
    r"tampering with|tampered with|rifling through|"
    # "someone smashed all the post boxes in my block": the boxes broken open, the post in them at risk
    r"smashed|smashed up|smashing|vandalised|vandalized|broke into|broken into|breaking into|forced|"
    r"forced open|prised open|jemmied)\b (?:all )?(?:the |our |my |peoples |people s )?"
    r"(?:post|mail|letters|letterbox(?:es)?|mailbox(?:es)?|post ?box(?:es)?)|"
    r"(?:post|mail|letters|letterbox(?:es)?|mailbox(?:es)?|post ?box(?:es)?)\b "
    r"(?:has |have |had |is |are |was |were )?"
    r"(?:been |being |getting |got |keeps |kept )?(?:stolen|nicked|taken|pinched|tampered with|raided|"
    r"broken into|opened|going missing|gone missing|went missing|disappearing|disappeared|missing|smashed|"
    r"smashed (?:up|in|open)|vandalised|vandalized|forced open|prised open|broken open))\b"
)
# A child or someone at home spending on the card without permission: unauthorised use to stop now.
_HOUSEHOLD = (
    r"(?:son|daughter|kid|kids|child|children|teenager|teen|boy|girl|lad|grandson|granddaughter|nephew|niece|"
    r"stepson|stepdaughter|\d+ ?(?:yr|yrs|year|years) old|little one)"
)
_HOUSEHOLD_TOOK = re.compile(
    rf"\b{_HOUSEHOLD}\b (?:\w+ ){{0,3}}(?:taken|took|nicked|pinched|swiped|grabbed|nabbed|"
    rf"helped (?:him|her|them)self to) (?:my|our) (?:\w+ ){{0,2}}"
    rf"(?:card|cards|debit card|credit card|bank card|visa|mastercard)\b"
)
_HOUSEHOLD_SPENDING = re.compile(
    rf"\b{_HOUSEHOLD}\b.{{0,60}}\b(?:using|used|been using|spending|spent|buying|bought|paying for|"
    rf"paid for|putting)\b.{{0,60}}\b(?:without (?:asking|permission|my permission|telling me|me knowing)|"
    rf"behind my back|didnt ask|never asked|not allowed|all night|on his games|on her games|"
    rf"on (?:his|her|the) (?:xbox|playstation|ps4|ps5|switch|ipad|tablet|phone|games?)|in ?game|"
    rf"fortnite|roblox|minecraft|stop)"
)
_LOST = re.compile(
    rf"\b(?:lost|lose|losing|misplaced|misplace|mislaid|mislay|cant find|cannot find|can not find|dropped|"
    rf"(?:am|is|are) not find(?:ing)?|not finding|couldnt find|unable to find|"
    # (never "left my card at home ... can I pay with my phone": kept somewhere of the customer's own)
    rf"left (?:it|my {_THING})(?! (?:at|in|on) (?:home|work|my|the (?:house|flat|car|office)))|"
    rf"gone missing|went missing|is missing|has gone)\b.{{0,40}}\b{_THING}\b|"
    # "left my bank card on the back seat of a taxi": left somewhere it could be taken
    rf"\bleft (?:my|the) {_THING}\b.{{0,60}}\b(?:taxi|cab|uber|bus|train|tube|pub|bar|restaurant|shop|cafe|"
    rf"gym|cinema|club|hotel|airport|somewhere|behind|on the (?:table|counter|seat))\b|"
    rf"\b{_THING}\b.{{0,30}}\b(?:lost|missing|gone)\b"
)
# A card left behind where anyone could pick it up (a cash machine, a shop's till, a taxi), forgotten there or
# walked away from: lost, so frozen at once. Never somewhere of the customer's own ("left my card at home",
# "in my other coat"): the place must be a public one, named right after where it was left.
_PUBLIC_PLACE = (
    r"(?:atm|atms|cash ?machine|cashpoint|cash point|hole in the wall|card machine|card reader|machine|"
    r"terminal|till|tills|checkout|self ?checkout|self service|kiosk|counter|post office|bank|branch|"
    r"shop|store|supermarket|market|garage|petrol station|services|station|platform|airport|car park|"
    r"ticket machine|parking (?:machine|meter)|taxi|cab|uber|bus|coach|train|tube|tram|plane|ferry|pub|bar|"
    r"club|restaurant|cafe|coffee shop|takeaway|chippy|hotel|gym|pool|leisure centre|cinema|theatre|library|"
    r"hospital|surgery|pharmacy|chemists?|hairdressers?|barbers?|salon|toilets?|changing rooms?|park|"
    r"festival|gig|concert|stadium|shopping centre|mall|arcade)"
)
_LEFT_BEHIND = re.compile(
    rf"\b(?:left|leaving|leave|forgot|forgotten|forgetting|forget)\b (?:my|the|our) "
    # (the card named by what it is: "the pound card", "my euro card", "my works card")
    rf"(?:(?:new|old|contactless|only|main|other|spare|everyday|business|pound|sterling|gbp|euro|eur|"
    rf"dollar|usd|travel|holiday|joint|work|works|personal|uk|foreign|currency|debit|credit|bank) ){{0,2}}"
    rf"{_THING}\b "
    rf"(?:\w+ )?(?:in|at|on|inside|by|behind|under|sticking out of) "
    rf"(?:the |a |an |that |this |some |one of the )?"
    rf"(?:\w+ ){{0,3}}?{_PUBLIC_PLACE}\b"
    # "left it in the cash machine": at a machine, "it" can only be the card
    r"|\b(?:left|forgot|forgotten) it (?:in|at|inside|sticking out of) (?:the |a |an |that )?(?:\w+ ){0,2}?"
    r"(?:atm|cash ?machine|cashpoint|cash point|hole in the wall|card machine|card reader|machine|terminal|"
    r"till|checkout|self ?checkout)\b"
    rf"|\b(?:forgot|forgotten|forgetting|forget) to (?:take|grab|collect|pick up|get|take back) (?:my|the) "
    rf"(?:\w+ )?{_THING}\b"
    rf"|\b(?:walked|went|came|drove|wandered|run|ran|rushed|got) (?:off|away|out|home|off home) without "
    rf"(?:taking )?(?:my|the) (?:\w+ )?{_THING}\b"
)
# "left my coat on the train, my purse was in the pocket with my card": something the card was in (a coat, a
# bag, a suitcase) left somewhere public, with the card or what holds it named anywhere in the message.
_CONTAINER = (
    r"(?:coat|jacket|anorak|mac|hoodie|jumper|cardigan|fleece|trousers|jeans|shorts|shopping|shopping bags?|"
    r"bags?|handbag|suitcase|case|luggage|holdall|rucksack|backpack|gym bag|tote|laptop bag|briefcase|"
    r"umbrella|scarf|phone case|card holder|cardholder)"
)
_LEFT_CONTAINER = re.compile(
    rf"\b(?:left|leaving|leave|forgot|forgotten|forgetting|dropped)\b (?:my|the|our|me) "
    rf"(?:\w+ ){{0,2}}?{_CONTAINER}\b.{{0,50}}?\b{_PUBLIC_PLACE}\b"
)
_CARD_HOLDER = re.compile(r"\b(?:card|cards|purse|wallet|cardholder|card holder)\b")
# "...and when I went back for it, it had gone": something left somewhere, found gone on going back.
_GONE_ON_RETURN = re.compile(
    r"\b(?:went|go|going|gone|came|come|got|ran|run|rushed|walked|popped|nipped|headed) back\b.{0,50}"
    r"\b(?:gone|not there|wasnt there|was not there|werent there|disappeared|vanished|missing|nowhere to be "
    r"(?:seen|found)|no sign of it|someone (?:had |has )?(?:taken|took|had) it)\b"
)
# "gave a bag of old clothes to the hospice shop... my euro card was in the pocket of one of the jackets": the
# card went away inside something the customer gave, sold or threw away, so it is out of their hands.
_GAVE_AWAY = re.compile(
    r"\b(?:gave|given|donated|donating|sold|binned|threw|thrown|chucked|dropped off|took|taken|sent|posted|"
    r"handed)\b(?: \w+){0,6}? (?:away|out|off|back|in|to)\b"
)
_CARD_INSIDE = re.compile(
    r"\b(?:card|cards|purse|wallet)\b(?: \w+){0,3}? (?:was|were|had been|must have been|must be|is still|"
    r"was still|were still|left) (?:in|inside) (?:\w+ ){0,4}?"
    rf"(?:pockets?|{_CONTAINER}s?|box|boxes|drawers?|books?)\b"
)
_COMPROMISED = re.compile(
    r"\b(?:cloned|skimmed|skimmer|skimming|compromised|hacked|phished|someone (?:has|knows|got|used) my "
    r"(?:card|details|pin)|(?:card )?details (?:were |have been |got )?(?:stolen|leaked)|gave (?:my|the) "
    r"(?:card )?(?:details|number|pin|code) to|data breach|"
    r"(?:took|taken|take|got|snapped) (?:a )?(?:photo|picture|pic|photos|pictures|screenshot)s? of "
    r"(?:my|the) (?:\w+ )?card|photographed (?:my|the) (?:\w+ )?card|copied (?:my|the) (?:\w+ )?card)\b"
)
# A cash machine keeping the card while a stranger was close at the PIN ("the cash machine kept my card, a man
# came over to help and stood very close while I put my number in"): card trapping, the trapped card and the
# PIN watched go together, so the card is compromised. A card kept with nobody near is the help centre's.
_MACHINE_KEPT = re.compile(
    r"\b(?:atm|cash ?machine|cashpoint|cash point|hole in the wall|machine)s? (?:\w+ ){0,6}?"
    r"(?:took|taken|kept|keeps|keeping|ate|eaten|swallowed|swallow|retained|trapped|grabbed|sucked in|"
    r"(?:didnt|did not|wouldnt|would not|wont|will not|never) (?:give|spit|hand|let)"
    r"(?: (?:me|it|my card|the card))*(?: back| out)?)\b"
    r"|\b(?:card|cards) (?:\w+ ){0,2}?(?:stuck|trapped|jammed|swallowed|retained|eaten|kept)\b"
    r".{0,30}\b(?:atm|cash ?machine|cashpoint|cash point|hole in the wall|machine)\b"
)
_STRANGER_AT_PIN = re.compile(
    r"\b(?:man|woman|men|women|bloke|guy|guys|lad|lads|chap|fella|fellow|stranger|strangers|someone|somebody|"
    r"person|people|couple|girl|boy|youth|youths|teenagers?|kids?|gentleman|lady)\b"
    r".{0,120}\b(?:watch\w*|saw|seen|see|looking|looked|peer\w*|stood|standing|hover\w*|lurk\w*|"
    r"over my shoulder|behind me|close|next to me|beside me|help\w*|distract\w*|show(?:ed)? me|"
    r"hanging (?:about|around)|came (?:over|up)|told me|said|offered|suggested)\b"
    r"|\b(?:watch\w*|saw|seen|looking|looked|peer\w*|stood|standing|hover\w*|over my shoulder|behind me|"
    r"close|next to me|help\w*)\b.{0,60}\b(?:pin|pin number|my number|the number|my code|the code)\b"
)


# A card, or what is printed on it, out of the customer's hands: compromised, so frozen at once whichever
# way it is told. A cash machine's slot or keypad tampered with ("the front of the slot was loose, a bit of
# plastic hanging off it", "one of those skimmers"); the card shown in a post online, readable ("posted a
# tiktok holding my card, front and back"); the PIN and card watched or filmed; someone who kept the card
# and will not hand it back, or an ex who still has it.
_MACHINE = (
    r"(?:atm|atms|cash ?machines?|cashpoints?|cash points?|hole in the wall|card readers?|card machines?|"
    r"readers?|terminals?|pumps?|petrol station|self ?checkouts?|ticket machines?|parking machines?|"
    r"machines?)"
)
_TAMPERED = re.compile(
    r"\b(?:skimmers?|skimming (?:device|thing|gadget)s?|card traps?|pinhole cameras?|hidden cameras?)\b"
    r"|\b(?:slot|card slot|slit|keypad|key pad|keys|buttons|reader|front|fascia|cover|mouth)\b.{0,40}?"
    r"\b(?:loose|wobbl\w*|tampered|fake|came off|come off|coming off|hanging (?:off|out|loose)|"
    r"stuck (?:on|over|onto|to)|glued|taped|sticking out|moved|lifted|pulled off|not fitted|"
    r"(?:didnt|did not) look right|looked (?:odd|weird|wrong|off|dodgy|fake))\b"
    r"|\b(?:something|plastic|a (?:\w+ )?device|a gadget|an overlay|a (?:tiny |little |small )?camera|a bit|"
    r"a piece|a strip)\b(?: \w+){0,4}? (?:stuck|glued|fitted|attached|taped|hanging|fixed|clipped) "
    r"(?:on|over|to|onto|above|by|in|off|inside) (?:the |it|its )?(?:\w+ )?(?:slot|reader|keypad|key pad|"
    r"keys|machine|front|screen)\b"
)
_AT_A_MACHINE = re.compile(rf"\b{_MACHINE}\b|\bslot\b|\bkeypad\b")
# Shown online: a post, a photo or a video with the card in it, where it can be read.
_MEDIA = re.compile(
    r"\b(?:tiktoks?|tik toks?|reels?|stor(?:y|ies)|selfies?|photos?|pics?|pictures?|videos?|vids?|snaps?|"
    r"screenshots?|livestreams?|live streams?|streams?|posts?|clips?|(?:a|her|his|their|my|the) live)\b"
)
_PUBLISHED = re.compile(
    r"\b(?:posted|posting|uploaded|uploading|shared|sharing|put (?:it |them |that )?(?:up|online|out)|"
    r"went live|went viral|online|on the internet|views|viewed|followers|likes|social media|tiktok|instagram|"
    r"insta|facebook|snapchat|twitter|youtube|whatsapp|group chat|public)\b"
)
_READABLE = re.compile(
    r"\b(?:front and back|back and front|both sides|"
    r"(?:long |full |whole )?(?:card )?(?:number|numbers|digits)|details|cvv|cvc|security code|expiry|"
    r"(?:you|anyone|everyone|people|they) (?:can|could) (?:see|read|make out|zoom)|read everything|"
    r"readable|legible|visible|clear as day|in full view|everything on it)\b"
)
# "...but the numbers were blurred": a card shown that nobody could read.
_HIDDEN = re.compile(
    r"\b(?:blurred|blurry|blured|covered|hidden|pixelated|cropped|(?:cant|cannot|couldnt|could not|can not) "
    r"(?:see|read|make out)|not (?:readable|visible|legible)|face down|only the back|only the front)\b"
)
# The PIN and card watched or filmed by someone the customer did not know.
_WATCHED = re.compile(
    r"\b(?:over my shoulder|filming|filmed|recording|recorded|videoing|videoed|watched me|watching me|"
    r"saw me|clocked)\b.{0,80}\b(?:pin|card number|long number|card details)\b"
    r"|\b(?:pin|card number|long number|card details)\b.{0,60}\b(?:over my shoulder|filming|filmed|recording|"
    r"recorded|watched|watching|clocked|saw it|seen it)\b"
)
# Kept by someone else: who, what they did with the card, and whether it is out of the customer's hands
# against their will ("won't give it back", an ex who still has it) or only lent ("my wife has my card").
_HOLDER = (
    r"(?:ex|exs|ex (?:wife|husband|partner|boyfriend|girlfriend|flatmate|housemate|lodger|mate|friend)|"
    r"former (?:partner|flatmate|housemate|lodger|tenant|friend)|old (?:flatmate|housemate|lodger|roommate)|"
    r"flatmate|housemate|roommate|lodger|partner|boyfriend|girlfriend|husband|wife|mate|friend|cleaner|carer|"
    r"neighbour|landlord|tenant|he|she|someone|somebody)"
)
_YOUR_CARD = r"(?:my|our|me) (?:\w+ ){0,2}?(?:card|cards|debit card|credit card|bank card|visa|mastercard)\b"
_KEPT_AWAY = re.compile(
    rf"\b{_HOLDER}\b (?:\w+ ){{0,3}}?(?:has kept|kept|is keeping|been keeping|hung on to|hanging on to|"
    rf"(?:hasnt|has not|never|didnt|did not) (?:given|gave|give|handed|hand|returned|return)"
    rf"(?: me)?(?: back)?|"
    rf"(?:wont|will not|wouldnt|would not|refuses to|refused to) (?:give|hand|return)(?: me)?(?: back)?) "
    rf"{_YOUR_CARD}"
    # "borrowed my debit card a fortnight ago and still hasn't given it back"
    rf"|\b{_HOLDER}\b (?:\w+ ){{0,8}}?(?:wont|will not|wouldnt|would not|refuses to|refused to|never|hasnt|"
    rf"has not|didnt|did not|still hasnt|still has not|still wont|still not) "
    rf"(?:give|gave|given|hand|handed|return|returned|bring|brought|brung) (?:it|them|(?:my|the) card) back\b"
)
_STILL_HOLDS = re.compile(
    rf"\b(?P<who>{_HOLDER})\b (?:\w+ ){{0,3}}?(?:still (?:has|have|got|holds|keeps)|(?:has|have) still got|"
    rf"has got|has|have)(?: still)? {_YOUR_CARD}"
)
_FORMER = re.compile(r"\b(?:ex|exs|ex \w+|former \w+|old (?:flatmate|housemate|lodger|roommate))\b")
_USED_WITHOUT_LEAVE = re.compile(
    r"\b(?:using|used|spending|spent|buying|paying|racking up|rack up|put|putting)\b.{0,50}"
    r"\b(?:without (?:my |me )?(?:permission|asking|consent|knowing|knowledge)|behind my back|"
    r"to wind me up|to get at me|to get back at me|out of spite|wont stop|and wont|not allowed)\b"
)


_DEAD_CARD = re.compile(
    r"\b(?:cancelled|canceled|expired|out of date|already (?:frozen|blocked|stopped|reported))\b"
)
# Asked about, not happened: "how do I spot a skimmer?", "is it safe to post a photo of my card if I cover the
# numbers?", "the card reader looked dodgy so I didn't use it".
_NOT_HAPPENED = re.compile(
    r"\b(?:is it (?:safe|ok|okay|alright|fine) to|should i|what if|what happens if|"
    r"(?:can|could|may) i (?:post|share|put)|"
    r"how (?:do|can|would|should) (?:i|you|we|people) (?:spot|tell|check|know|avoid|recognise|recognize)|"
    r"(?:didnt|did not|never|wouldnt|would not) (?:use|put|insert|try)|paid (?:in )?cash|walked away|"
    r"went (?:somewhere )?else|used (?:a different|another) (?:one|machine))\b"
)


def card_out_of_hand(text: str) -> bool:
    """The card or what is printed on it out of the customer's hands: a tampered cash machine, the card
    readable in a post online, the PIN and card filmed, someone who kept it (or an ex who still has it)."""
    words = normalise(text)
    happened = not _NOT_HAPPENED.search(words)
    if (
        happened
        and _TAMPERED.search(words)
        and _AT_A_MACHINE.search(words)
        and re.search(r"\bcards?\b|\bskimm", words)
    ):
        return True
    if happened and _MEDIA.search(words) and _PUBLISHED.search(words) and re.search(r"\bcard\b", words):
        # "my daughter posted my card on tiktok": readable unless the customer says it was not
        own_card = re.search(r"\b(?:my|mine|our) (?:\w+ )?card\b", words)
        if not _HIDDEN.search(words) and (_READABLE.search(words) or own_card):
            return True
    if _WATCHED.search(words):
        return True
    if _DEAD_CARD.search(words):
        return False  # "my ex still has my old card but it's cancelled": nothing left to freeze
    if _KEPT_AWAY.search(words):
        return True
    held = _STILL_HOLDS.search(words)
    return bool(held and (_FORMER.search(held.group("who")) or _USED_WITHOUT_LEAVE.search(words)))


def card_given_away(text: str) -> bool:
    """The card went away inside something given, sold or thrown away ("took my old coats to the charity
    shop and my card was still in the pocket"): out of the customer's hands."""
    words = normalise(text)
    return bool(_GAVE_AWAY.search(words) and _CARD_INSIDE.search(words))


def card_trapped(text: str) -> bool:
    """A cash machine kept the card while someone was close (at the PIN, said or not): the classic card
    trap. Offering the freeze is what the help centre says to do with a kept card anyway."""
    words = normalise(text)
    return bool(_MACHINE_KEPT.search(words) and _STRANGER_AT_PIN.search(words))


_UNRECOGNISED = re.compile(
    r"\b(?:dont recognise|do not recognise|dont recognize|do not recognize|didnt recognise|"
    r"dont know what (?:this|that|these|those|it) (?:is|are|was|were|payment|charge)|"
    r"never heard of|not recognised|unrecognised|unrecognized|not mine|(?:arent|isnt|are not|is not) mine|"
    r"wasnt me|was not me|werent me|"
    r"didnt make|didnt authorise|didnt authorize|not authorised|unauthorised|unauthorized|didnt buy|"
    r"were not me|not me|i didnt do|i never made|never made|never authorised|never authorized|"
    r"never bought|never ordered|never paid for|didnt order|did not order|"
    # "a text saying my debit card was used at a petrol station in Glasgow. I'm in Bristol"
    r"(?:text|message|alert|notification|email)s? (?:saying|says|said|that) (?:my )?(?:\w+ )?card "
    r"(?:was|has been|had been|is being|just got) used|"
    r"fraudulent|fraud(?! (?:team|department|squad|unit|line))|someone (?:has )?(?:used|using|spent|"
    r"took money|taken money)|someone else used|"
    r"money (?:has )?(?:gone|disappeared|missing) from|charges? i didnt|payments? i didnt|"
    r"payments? i never|"
    # "never been to america", "didnt book anything": the customer could not have made them
    r"never (?:ever )?been (?:to|in|near) (?!(?:the |a |your |my )?(?:bank|branch))|"
    r"never (?:visited|booked)|didnt book|"
    r"nothing to do with me)\b"
)
# Card details given away, typed or said aloud ("I read him the long number on my card and the three numbers
# on the back"); support_cues reads the same words in a scam's story.
GAVE_DETAILS = (
    r"(?:put|putting|typed|entered|filled in|filled|keyed|gave|given|shared|sent|handed over|read out|read|"
    r"told|confirmed|passed on|recited)"
)
SECRET_CARD_DETAILS = (
    r"(?:cvv|cvc|security code|long number|(?:three|3)(?: digit)? (?:digits|numbers|number)|"
    r"(?:digits|numbers) on the back|expiry(?: date)?)"
)
# Card or bank details given away where the customer now suspects a scam (a fake parcel text, a dodgy site,
# a caller who said he was from a company).
_DISCLOSED = re.compile(
    rf"\b{GAVE_DETAILS}\b(?: (?:them|him|her|it|out))?\b.{{0,15}}\b(?:(?:card|bank) (?:details|number|info|"
    rf"information)|pin|{SECRET_CARD_DETAILS})\b"
)
_SCAM_CONTEXT = re.compile(
    r"\b(?:fake|scam|scammed|scammer|scammers|dodgy|phishing|phished|bogus|not real|wasnt real|isnt real|"
    r"suspicious|fraud|fraudulent|fraudster|fraudsters|conned|turned out|fell for|too good to be true|"
    # "my granddaughter says that was a trick", "it was a con": the customer (or someone) now doubts it
    r"trick|tricked|a trick|a con|con man|con artist|hoax|wind up|not genuine|wasnt genuine|not legit|"
    # "a man rang from Amazon Prime": a caller speaking for a firm, to whom the card details were read
    r"(?:rang|rung|called|phoned|rang up|called up|phoned up)(?: me)?(?: up)? (?:from|saying|claiming)|"
    # "a man rang saying he was from Amazon", "she claimed to be from the council": someone posing as a firm
    r"(?:saying|said|claiming|claimed|pretending|pretended|making out) "
    r"(?:(?:he|she|they) (?:was|were|is|are) |to be )(?:from|calling from|with)"
    r"|(?:dont|do not|never) (?:ring|call|phone) (?:people|customers|you))\b"
)


def disclosed_to_a_scam(text: str) -> bool:
    """Card details given away to someone the customer now suspects ("she said she was from British Gas and
    I told her my card number"): a scam, whether or not the message uses the word."""
    words = normalise(text)
    return bool(_DISCLOSED.search(words) and _SCAM_CONTEXT.search(words))


# Someone using the card as it happens ("someone is using my card right now").
_IN_USE = re.compile(
    r"\b(?:someone|somebody)s?(?: (?:is|has|been|keeps|still|just))* (?:used|using|spent|spending)\b"
    r".{0,12}\b(?:card|debit card|credit card|visa|mastercard|account)\b"
)
_MONEY_WORDS = re.compile(
    r"\b(?:payment|payments|charge|charges|charged|transaction|transactions|debit|debits|withdrawal|"
    r"withdrawals|spent|spending|money|taken|took|purchases?|bought|£|\$)"
)
_CASH = re.compile(r"\b(?:cash|atm|cash machine|withdrawal|withdrawn)\b")
_DIRECT_DEBIT = re.compile(r"\bdirect debit\b")


_SELF = frozenset({"i", "ive", "we", "weve", "id"})
# A loss already reported: the card is cancelled and a new one is coming.
_ALREADY_REPORTED = re.compile(
    r"\b(?:already |i |ive |i have |i had |we )(?:reported|cancelled|canceled) (?:it|the card|my card|them|"
    r"(?:one|both|two|either) of (?:my|the|our) cards)\b"
    r"(?! to (?:the )?(?:police|cops))"
    r"|\b(?:didnt|did not) report (?:it|the card|my card) (?:til|till|until)\b"
    # "rang to report my card lost and sat on hold for 2 hours", "when I reported it stolen": told in the
    # past, so the card is already cancelled and what they want now is something else
    r"|\b(?:rang|rung|called|phoned|telephoned|rang up|called up|phoned up|went in|went into (?:the )?branch|"
    r"went to (?:the )?branch|got through|messaged you|contacted you|was on the phone|been on the phone|"
    r"spent \w+ (?:hours?|minutes?|ages))\b (?:\w+ ){0,4}?(?:to )?(?:report|reporting|cancel|cancelling|"
    r"block|blocking|stop|stopping) (?:it|the card|my card|my (?:\w+ )?card)\b"
    r"(?!.{0,15}\bto (?:the )?(?:police|cops))"
    # "my old card went missing in october", "...and you sent me a new one": a loss already replaced
    r"|\b(?:old|previous|original) (?:\w+ )?(?:card|one)\b"
    r"|\b(?:you|they|northbank) (?:sent|posted|gave|issued|ordered) (?:me )?(?:a |the |my )?"
    r"(?:new|replacement) (?:one|card)\b"
    r"|\b(?:new|replacement) (?:one|card) (?:came|arrived|turned up|has come|has arrived)\b"
    r"|\b(?:when|after|since|once|the day) (?:i |we )?(?:had )?(?:reported|cancelled|canceled|blocked) "
    r"(?:it|the card|my card|my (?:old |lost |stolen )?card)\b(?! to (?:the )?(?:police|cops))"
    r"|\b(?:new|replacement) (?:one|card) (?:is |s )?"
    r"(?:on (?:its|the) way|in the post|coming|already ordered)\b"
)


def _taken_by_someone(words: str) -> bool:
    """A thing of the customer's taken by someone else ("he grabbed my bag"), not by the customer ("I took my
    card out of my wallet") or a machine, and not money taken from the card."""
    if _MACHINE_TOOK.search(words) or _MONEY_TAKEN.search(words):
        return False
    if _TAKEN_FROM.search(words):
        return True
    for match in _TAKEN.finditer(words):
        before = words[: match.start()].split()[-3:]
        if not _SELF.intersection(before):
            return True
    return False


# "reported my card lost on tuesday and still no new one": the loss was dealt with already; what is
# wrong now is the replacement, so nothing is frozen again.
_REPORTED_AWAITING = re.compile(
    r"\b(?:reported|cancelled|canceled) (?:my |the |it |me )?(?:\w+ )?(?:card )?(?:as )?"
    r"(?:lost|stolen|missing)\b"
    r".{0,60}\b(?:no new one|no new card|no replacement|new (?:one|card) (?:hasnt|has not|still|never|not)|"
    r"replacement (?:hasnt|has not|still|never|not)|still (?:not )?(?:got|received|waiting)|"
    r"(?:hasnt|has not|not|never) (?:arrived|come|turned up|got here))"
)


# "a shop emailed about a data breach (not my bank card they reckon)", "the gym got hacked, my card details
# weren't part of it": the customer says their card was not in it, so the breach alone puts no card at risk.
_PAYMENT_DETAILS = r"(?:card|cards|card details|card number|bank details|payment details)"
_CARD_SPARED = re.compile(
    rf"\bnot (?:my|our|the|any) (?:\w+ )?{_PAYMENT_DETAILS}\b"
    rf"|\b{_PAYMENT_DETAILS} (?:(?:were|was|are|is) not|werent|wasnt|arent|isnt)(?: \w+)? "
    r"(?:involved|affected|included|part of it|taken|leaked|exposed)\b"
    r"|\bno (?:card|payment|bank|financial) (?:details|info|information)\b"
)
_BREACH = re.compile(r"\b(?:data breach|breach|hacked|hack|leaked|leak)\b")


# The customer has the card again: "found it in my jacket", "I've found my card", "it turned up". Found by
# someone else ("someone found it and used it") is not the customer's card back.
_FOUND_AGAIN = re.compile(
    r"(?<!someone )(?<!somebody )(?<!they )(?<!he )(?<!she )(?<!who )(?<!if )(?<!if i )(?<!if we )"
    r"(?<!they ve )(?<!have you )"
    r"\bfound (?:it|them|the card|my card|my (?:\w+ )?card|my wallet|my purse)\b(?! and (?:used|spent|took))"
    r"|\b(?:it|the card|my card|the old (?:one|card)) (?:has |had )?(?:turned up|was in my|was under|"
    r"was down|was behind|was at home)\b"
)
# Someone else's phone ("he dropped his phone down the loo", "my daughter's phone got nicked"): lost or
# broken, it puts none of the customer's cards or banking at risk.
_OTHERS_PHONE = re.compile(
    r"\b(?:his|her|their|(?:son|daughter|mum|mom|dad|wife|husband|partner|mate|friend|kid|boyfriend|girlfriend|"
    r"brother|sister|grandson|granddaughter|nephew|niece|cousin|child)s) (?:new |old |own |mobile )?"
    r"(?:phone|mobile)\b"
)


# A loss only supposed ("if I lose the phone do I have to cancel my card", "what happens if my card gets
# stolen abroad", "in case I ever lose my purse"): a question about what to do, not a loss to act on. The
# clause goes before the message is read for a loss ("I've lost my card, what if someone uses it" keeps its
# loss: the supposing is about something else).
_SUPPOSED_LOSS = re.compile(
    r"\b(?:what if|what happens if|what would happen if|what do i do if|what should i do if|if|in case|"
    r"incase|suppose|supposing|say|whenever|if ever)\s+"
    r"(?:i|we|you|someone|somebody|anyone|it|they|my (?:\w+ )?\w+|the (?:\w+ )?\w+|your (?:\w+ )?\w+)\s+"
    # present tense, or "ever" / "were to" (never "if my card got stolen" or "was stolen": often it has been)
    r"(?:(?:ever|was to|were to|happens? to|should|do)\s+(?:got (?:lost|stolen|nicked|taken)|"
    r"was (?:lost|stolen|nicked)|went missing)"
    r"|(?:ever\s+|was to\s+|were to\s+|happens? to\s+|should\s+|do\s+)?"
    r"(?:lose|loses|losing|gets? (?:lost|stolen|nicked|taken)|(?:is|are|goes|go) (?:lost|stolen|missing|"
    r"nicked)|steals?|nicks?|takes?))\b"
    r"(?:\s+(?:my|the|your|our|a|an|it|them|this|that|one|new|old|phone|mobile|card|cards|wallet|purse|"
    r"bag)){0,3}"
)

# "how would I freeze it if it went missing while I'm away?", "if my card got nicked, would I get the money
# back?": past tense after "if", with "would" or "could" in the same sentence, supposes a loss (alone, "if my
# card got stolen" often tells of one).
_WHO_LOSES = r"(?:i|we|you|someone|somebody|anyone|it|they|my (?:\w+ )?\w+|the (?:\w+ )?\w+)"
_PAST_LOSS = (
    r"(?:got (?:lost|stolen|nicked|taken)|went missing|was (?:lost|stolen|nicked|taken)|"
    r"lost (?:it|them|my \w+)|stole (?:it|my \w+))"
)
_SUPPOSED_PAST_LOSS = re.compile(
    rf"\b(?:would|could|might|id|wed|youd)\b[^.?!]{{0,60}}?\bif {_WHO_LOSES} {_PAST_LOSS}\b"
    rf"|\bif {_WHO_LOSES} {_PAST_LOSS}\b(?=[^.?!]{{0,60}}?\b(?:would|could|might|id|wed|youd)\b)"
)


def supposes_a_loss(text: str) -> bool:
    """The message supposes a card lost or stolen ("what should I do if my card gets stolen?", "if someone
    steals my card am I covered?", "how do I freeze it if it goes missing?") and tells of no loss and asks
    for no action: a question for the help centre, never an offer to freeze, cancel or report a card (a
    reflexive yes would act on a card nothing has happened to)."""
    words = normalise(text)
    supposed = _SUPPOSED_LOSS.search(words) or _SUPPOSED_PAST_LOSS.search(words)
    return bool(supposed) and urgent_intent(text) is None and not _ACTION_REQUEST.search(words)


# "180 for both which is a steal", "an absolute steal at that price": a bargain, nothing stolen.
_BARGAIN = re.compile(r"\b(?:a|an absolute|a real|such a|what a) steal\b")


def urgent_intent(text: str) -> str | None:
    """The urgent intent a message carries, in any wording: a lost, stolen or compromised card, or money
    taken that the customer does not recognise. None when there is none."""
    words = _SUPPOSED_LOSS.sub(" ", _OTHERS_PHONE.sub("their handset", normalise(text)))
    words = _BARGAIN.sub(" a bargain", _SUPPOSED_PAST_LOSS.sub(" ", words))
    compromised = _COMPROMISED.search(_BREACH.sub(" ", words) if _CARD_SPARED.search(words) else words)
    if _REPORTED_AWAITING.search(words) and not compromised and not _IN_USE.search(words):
        return None
    if compromised or disclosed_to_a_scam(text) or card_trapped(text) or card_out_of_hand(text):
        return "compromised_card"
    if (_HOUSEHOLD_TOOK.search(words) or _HOUSEHOLD_SPENDING.search(words)) and re.search(
        rf"\b{_THING}\b|\baccount\b", words
    ):
        # A child using the card without asking: stop the spending now, then a person sorts out the rest.
        return "card_payment_not_recognised"
    if _ALREADY_REPORTED.search(words) and (_LOST.search(words) or _STOLEN.search(words)):
        # "lost my card on the 18th but reported it tuesday, new one on its way": that card is already
        # cancelled, nothing is left to freeze; what follows (a payment to dispute) is the request.
        return None
    # "I might have lost my card... found it in my jacket the next day": the card is back, nothing to freeze
    # (a payment on it the customer does not recognise still is urgent).
    found_again = bool(_FOUND_AGAIN.search(words))
    stolen = (_STOLEN.search(words) or _taken_by_someone(words)) and not found_again
    if stolen and re.search(rf"\b{_THING}\b", words):
        return "lost_or_stolen_card"
    if _POST_STOLEN.search(words) and re.search(r"\bcards?\b", words) and not found_again:
        return "lost_or_stolen_card"
    if (_LOST.search(words) or _LEFT_BEHIND.search(words)) and not found_again:
        return "lost_or_stolen_card"
    if _LEFT_CONTAINER.search(words) and _CARD_HOLDER.search(words) and not found_again:
        return "lost_or_stolen_card"
    if card_given_away(text) and not found_again:
        return "lost_or_stolen_card"
    if (
        _GONE_ON_RETURN.search(words)
        and re.search(rf"\b{_THING}\b", words)
        and re.search(rf"\b(?:left|forgot|forgotten|{_PUBLIC_PLACE})\b", words)
        and not found_again
    ):
        return "lost_or_stolen_card"
    if _IN_USE.search(words):
        return "card_payment_not_recognised"
    if _UNRECOGNISED.search(words) and _MONEY_WORDS.search(words):
        if _DIRECT_DEBIT.search(words):
            return "direct_debit_payment_not_recognised"
        if _CASH.search(words):
            return "cash_withdrawal_not_recognised"
        return "card_payment_not_recognised"
    if stolen:
        return "lost_or_stolen_card"
    return None


# Every card at once: "both my cards were in it", "all my cards", "every card I've got", "freeze the lot".
_EVERY_CARD = re.compile(
    r"\bboth (?:of )?(?:my |our |me |the |his |her )?(?:bank |debit |credit |payment )?(?:cards|card)\b"
    r"|\b(?:cards|cards were|cards are|cards was) (?:in (?:it|there) )?both\b"
    r"|\b(?:freeze|block|stop|lock|cancel|suspend) (?:them|both|em) (?:both|all)\b"
    r"|\b(?:freeze|block|stop|lock|cancel|suspend) both\b(?! (?:of )?(?:my |the )?\w+ (?:and|or)\b)"
    r"|\ball (?:of )?(?:my |our |me |the |his |her )?(?:bank |debit |credit |payment )?cards\b"
    r"|\b(?:cards|cards were|cards are) all\b"
    r"|\bevery (?:single )?(?:bank |debit |credit |payment )?card\b|\beach (?:of )?(?:my |our )?cards?\b"
    r"|\b(?:freeze|block|stop|lock|cancel|suspend) (?:the lot|everything)\b"
)
# Two cards named together: "the debit and the mastercard", "my euro card and the pound one".
_CARD_KIND = (
    r"(?:debit|credit|visa|mastercard|amex|euro|eur|dollar|usd|pound|pounds|sterling|gbp|current account|"
    r"savings|business|joint|travel)"
)
_TWO_CARDS = re.compile(
    rf"\b(?P<first>{_CARD_KIND})(?: card| one)? (?:and|plus|as well as|and also|n) (?:the |my |me |our )?"
    rf"(?P<second>{_CARD_KIND})(?: cards?| ones?)?\b"
)


def cards_named_together(text: str) -> tuple[str, ...]:
    """The cards a message puts together: ``("every",)`` for both or all of them, the two words of two cards
    named with "and" ("the debit and the mastercard"), or nothing."""
    words = normalise(text)
    if _EVERY_CARD.search(words):
        return ("every",)
    pair = _TWO_CARDS.search(words)
    if pair and pair.group("first") != pair.group("second"):
        return (pair.group("first"), pair.group("second"))
    return ()


_CALLER = re.compile(
    r"\b(?:call|called|calling|phoned|telephoned|phone call|rang|ringing|on the phone|texted|text|message|"
    r"email|bloke|"
    r"man|woman|guy|someone|somebody|officer|they)\b"
)
_CLAIMS = re.compile(
    r"\b(?:says?|said|saying|claim\w*|pretend\w*|told me|telling me|asked me|asking me|wants?|wanted|needs?|"
    r"insist\w*)\b.{0,40}\b(?:from (?:the |your |northbank|my bank)|fraud team|security team|police|"
    r"officer|hmrc|bank|code|pin|move (?:my |the |all )?(?:money|savings|funds)|transfer (?:my |the |all )?"
    r"(?:money|savings|funds))"
)


def impersonation_scam(text: str) -> bool:
    """Someone on the phone, by text or at the door claiming to be the bank or the police and asking for
    codes or for money to be moved: an impersonation scam, whatever the exact words."""
    words = normalise(text)
    if not _CALLER.search(words) or not _CLAIMS.search(words):
        return False
    wants = re.search(
        r"\b(?:code|pin|passcode|password|move|transfer|send|safe|withdraw|card details|number)\b", words
    )
    # "bank card", "bank details": the customer's own things, not who the caller says they are
    claims = re.search(
        r"\b(?:northbank|bank(?! (?:card|cards|details|account|accounts|transfer|statement|holiday))|"
        r"fraud team|security team|police|officer|hmrc)\b",
        words,
    )
    return bool(wants and claims)


def was_stolen(text: str) -> bool:
    words = normalise(text)
    return bool(_STOLEN.search(words) or _taken_by_someone(words))


# An explicit request for one particular action: urgent handling must not replace it.
_EXPLICIT_REPORT = re.compile(r"\b(?:report|cancel|replace|replacement|new card|send me a new)\b")
_EXPLICIT_FREEZE = re.compile(r"\b(?:freeze|frozen|block|lock|stop|suspend)\b")
_EXPLICIT_DISPUTE = re.compile(r"\b(?:dispute|refund|money back|chargeback|claim)\b")


# "a man rang... my membership would renew unless I cancelled it. To cancel it I read him my card number":
# a sentence that opens with "to cancel" tells why something was done, and "cancel my subscription" names
# what else is cancelled; neither asks for the card to be cancelled.
_STORY_CANCEL = re.compile(
    r"(?:^|[.!?]\s*)to cancel\b[^.!?]*"
    r"|\bcancel\w* (?:my |the |a |an |their |his |her |it |that )?(?:\w+ )?(?:membership|subscription|order|"
    r"booking|flight|holiday|appointment|plan|contract|trial|policy|renewal)s?\b",
    re.IGNORECASE,
)


def explicit_action(text: str) -> str | None:
    words = normalise(text)
    if _EXPLICIT_FREEZE.search(words):
        return "freeze"
    if _EXPLICIT_REPORT.search(normalise(_STORY_CANCEL.sub(" ", text))):
        return "report"
    if _EXPLICIT_DISPUTE.search(words):
        return "dispute"
    return None


# --- questions about state -----------------------------------------------------------------------------

_QUESTION = re.compile(
    r"^(?:(?:hi|hello|hey|ok|okay|so|and|just|quick question|please)\s+)*(?:is|isnt|are|arent|was|were|has|"
    r"hasnt|have|havent|did|didnt|does|doesnt|do|will|whats|what is|what s|whats the|how is|hows|where is|"
    r"wheres|any news|any update|any progress|can you (?:check|tell me|confirm|see) (?:if|whether|that|the)|"
    r"could you (?:check|tell me|confirm|see) (?:if|whether|that|the)|check (?:if|whether)|"
    r"(?:also |and )?(?:tell me|let me know|see) (?:if|whether)|whether|"
    r"(?:i want|i need|id like) to (?:know|check) (?:if|whether)|i wonder if|just checking|"
    r"(?:is|are) (?:my|the))\b"
)
_CARD_STATE = re.compile(
    # "signed off work", "at work": the job, not whether the card works.
    # "refund in 5 working days": a count of days, not whether the card works.
    r"\b(?:active|activated|frozen|froze|blocked|locked|working(?! days?\b)|(?<!off )(?<!at )(?<!from )"
    r"(?<!to )(?<!of )(?<!for )work(?! days?\b)|works|still work|valid|cancelled|"
    r"canceled|stopped|deactivated|usable|switched on|on or off|status|ok|okay|fine|"
    r"alright|good to use|"
    r"safe to use|"
    r"freeze (?:work|go through|done)|went through|"
    # "is my card actually suspended?" (a text "saying my account was suspended" is the scam's claim)
    r"(?:is|has|was) (?:my|the) (?:\w+ )?card (?:\w+ )?(?:been )?(?:suspended|disabled)|"
    # "I think I have done something silly": something done by the customer, not a freeze done
    r"go through|done(?! (?:something|anything|nothing|a|an|this|that|what)\b)|sorted)\b"
)
# "...a claim was started but only the £162 is on it. there's a bigger one the same day: can that go on as
# well?", "could you add the other one to my dispute": another payment put on a claim already made is a
# dispute asked for (of that payment), not a question about how the claim stands.
_ADD_TO_DISPUTE = re.compile(
    r"^(?=.*\b(?:disputes?|claims?|chargebacks?|case)\b)"
    r"(?=.*\b(?:can|could|would|will|please|pls|want|need|like)\b (?:\w+ ){0,6}?"
    r"(?:(?:go|goes|going|be put|be added|be included|be moved) (?:on|onto|in|into|under)?|add|adding|added|"
    r"include|including|included|put|putting|stick|pop|tack)\b"
    r"(?: (?:\S+ ){0,6}?(?:on|onto|in|into|to|with|under))?"
    r"(?: (?:it|there|that|(?:my|the|that|this|the same) (?:\w+ )?(?:claim|dispute|chargeback|case)))?"
    r" ?(?:as well|aswell|too|also|an all|and all)\b)"
)
_DISPUTE_STATE = re.compile(
    # "I have two claims in with you, the watch company and the pret refund. How are they both getting on?"
    r"^(?=.*\b(?:disputes?|claims?|chargebacks?)\b)(?=.*\bhow (?:are|is|s) (?:they|it|that|those|these|both|"
    r"things|my \w+)(?: both| all)? (?:getting on|going|coming along|progressing|looking)\b)|"
    r"\b(?:dispute|disputes|claim|claims|chargeback|chargebacks|case)\b.{0,40}\b(?:status|progress|update|news|looked|"
    r"looking|outcome|decided|resolved|open|opened|going|happening|moving|where|up to)\b|"
    r"\b(?:status|progress|"
    r"update|news|outcome|looked (?:at|into)|looking (?:at|into)|heard (?:back|anything)|dealt with|where|"
    r"sorted)\b.{0,30}\b(?:dispute|claim|chargeback|case)\b|\b(?:dispute|claim) (?:been|go)\b"
    # "whats happening with the pret refund thing i reported": a refund already asked for is a dispute.
    r"|\b(?:happening|update|news|progress|going on)\b.{0,40}\b(?:refund|money back)\b.{0,30}"
    r"\b(?:i|we) (?:reported|raised|logged|claimed|disputed|put in|asked (?:for|about))\b"
)
# "when does my card run out?", "what's the expiry date on my visa": the card's expiry, read from its record.
_CARD_EXPIRY_QUESTION = re.compile(
    r"\b(?:when|what date|which month|what month|what year|how long)\b.{0,30}"
    r"\b(?:card|visa|mastercard|it|one)\b.{0,20}"
    r"\b(?:expire|expires|run out|runs out|valid|good|out of date|go out of date|goes out of date)"
    r" ?(?:until|till|for)?\b"
    r"|\b(?:expiry|expiration) (?:date|month)\b.{0,30}\b(?:card|visa|mastercard)\b"
    r"|\b(?:card|visa|mastercard)\b.{0,20}\b(?:expiry|expiration) (?:date|month)\b"
    # "what's the expiry on it", "sorry which bit was the expiry again, month and year", "expiry date?": in a
    # bank's chat the expiry asked after is a card's
    r"|\b(?:whats|what is|what was|which|tell me|remind me|give me|need|and|sorry)\b.{0,25}"
    r"\b(?:expiry|expiration|exp)(?: date| month| year)?\b"
    r"|^(?:the |my |card )?(?:expiry|expiration)(?: date)?$"
    # "my debit card doesnt run out before then does it", "will my visa still be valid in march": whether the
    # card lasts to a time is its expiry date
    r"|\b(?:card|visa|mastercard)\b.{0,25}\b(?:run out|runs out|running out|expire|expires|expiring|"
    r"go out of date|goes out of date|be valid|still valid|still be valid|still good|last|lasts)\b"
    r"(?: (?:\w+ )?(?:before|by|until|till|in time for|through|past|beyond)\b| in (?:time|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|\d{4})\b)"
)
# "my card expires soon, what happens", "will you send a new one before it runs out": renewal, the help
# centre's answer, not the date.
_EXPIRY_RENEWAL = re.compile(
    r"\b(?:what happens|about to|soon|renew\w*|replac\w*|new one|automatic\w*|do i (?:need|have) to|"
    r"send (?:me )?(?:a )?new|will (?:i|you) (?:get|send)|expired)\b"
)
# "i just need to know if my debit card is blocked": a question asked in the middle of a sentence.
_EMBEDDED_QUESTION = re.compile(
    r"\b(?:i (?:just |only )?(?:need|want|wanna|would like) to know|id (?:just )?like to know|"
    r"(?:just )?wondering|can you tell me|could you tell me|tell me) (?:if|whether)\b"
)
_CARD_WORD = re.compile(
    r"\b(?:card|cards|visa|mastercard|debit card|credit card)\b|\b(?:it|freeze)\b"
    r"|\b(?:old|previous|new|replacement|lost|stolen) ones?\b"  # "is the old one definitely blocked now?"
)
_ACTION_REQUEST = re.compile(
    r"\b(?:can|could|would|will) you (?:please )?(?:freeze|unfreeze|block|unblock|cancel|report|lock|"
    r"unlock)\b|"
    # "yes block it", "ok just freeze it" with nothing waiting: the yes agrees with nothing, the verb asks
    r"^(?:(?:yes|yeah|yep|yh|ok|okay|right|so|then|please|pls|plz|just|now) )*"
    r"(?:freeze|unfreeze|block|unblock|cancel|report|lock|unlock)\b|"
    r"\b(?:i want|i need|id like|please) (?:to )?(?:freeze|unfreeze|block|unblock|cancel|report)\b|"
    # "stop the card right now please", "kill my card asap": stopping a card now is freezing it.
    r"(?<!if i )(?<!if you )(?<!how do i )(?<!how to )(?<!can i )"
    r"\b(?:stop|kill|block|freeze|lock|disable|deactivate) (?:the|my|this|that) (?:\w+ )?card\b"
    r"(?= (?:right now|now|immediately|asap|straight away|straightaway|at once|please|pls|before)\b)"
)


# "will you block it or start asking...", "would you freeze my account if...": will/would with an either-or
# or a condition asks what the bank would do; "can you freeze it" asks for it.
_ASKS_WHAT_THE_BANK_WOULD_DO = re.compile(
    r"\b(?:will|would) you (?:freeze|block|lock|stop) (?:it|that|them|my account|the account|the money|"
    r"the payment|the transfer)\b(?: \w+){0,2} (?:or|if|when)\b"
)
_NAMES_A_CARD = re.compile(r"\b(?:cards?|visa|mastercard|debit|credit|amex)\b")

_CARD_VERB = {
    "freeze": "freeze_card",
    "block": "freeze_card",
    "lock": "freeze_card",
    "stop": "freeze_card",
    "kill": "freeze_card",
    "disable": "freeze_card",
    "deactivate": "freeze_card",
}
# "need my card frozen", "want the visa blocked asap", "get it locked": the change asked for as a result.
_RESULT_REQUEST = re.compile(
    r"\b(?:i want|i need|need|want|wanna|get|id like|i would like|please have) "
    r"(?:my|the|this|that|it|them|both)(?: (?:\w+ )?(?:card|cards|visa|mastercard))?(?: (?:card|cards))? "
    r"(?:(?:to be|be) )?(un)?(frozen|blocked|locked)\b"
)
_PARTICIPLE = {"frozen": "freeze", "blocked": "block", "locked": "lock"}


def requested_card_action(text: str) -> str | None:
    """``freeze_card`` or ``unfreeze_card`` when the message plainly asks for it ("can u freeze it just till
    monday", "block that one please, I left it on the bus"): what was asked is served, whatever else the
    message says about why. Reporting and cancelling are left to triage (a card or a direct debit?)."""
    words = normalise(text)
    found = _ACTION_REQUEST.search(words)
    if found and _ASKS_WHAT_THE_BANK_WOULD_DO.search(words) and not _NAMES_A_CARD.search(words):
        # "will you block it or start asking where it's come from", "would you freeze my account if 20k
        # lands": a question about what the bank would do with money coming in, not a card to freeze.
        return None
    if not found:
        result = _RESULT_REQUEST.search(words)
        if not result:
            return None
        return "unfreeze_card" if result.group(1) else _CARD_VERB[_PARTICIPLE[result.group(2)]]
    verb = re.search(r"\b(un)?(freeze|block|lock|stop|kill|disable|deactivate)\b", found.group(0))
    if not verb:
        return None
    return "unfreeze_card" if verb.group(1) else _CARD_VERB[verb.group(2)]


_PAYMENT_STATE = re.compile(
    r"\b(?:payment|transfer|money|rent|bank transfer)\b.{0,40}\b(?:gone through|go through|went through|"
    r"arrived|arrive|reached|got there|received|left|gone out|go out|been sent|sent yet|pending|cleared|"
    # "has december's rent gone to the landlord yet?": gone to someone, or gone yet
    r"landed|gone (?:to|yet)|"
    r"status|bounced|failed)\b"
)


# Which cards the customer holds: answered from their cards (the card status lists each one).
_CARD_LIST = re.compile(
    r"\b(?:what|which|how many)\b.{0,15}\bcards?\b.{0,25}\b(?:i|ive)\b.{0,12}\b(?:have|hold|got)\b|"
    r"\bwhich (?:card|one) is which\b|\b(?:which|what) cards? (?:are|is) mine\b|"
    r"\b(?:list|show)(?: me)?(?: all)? my cards\b|\bwhat (?:are )?my cards\b|"
    # "i reported one of my cards lost a while back, which one was it": which card a past report was about
    r"\b(?:one|either|both) of (?:my|the|our) cards\b.{0,60}\bwhich (?:one|card) (?:was it|was that|did i)\b"
)


_WHAT_IS_THIS = re.compile(
    r"\bwhat(?:s| is| was|'s) (?:this|that) (?:[\w']+ ){0,3}?(?:payment|charge|transaction|debit)\b"
)
# "what's the last thing I bought on my pound card", "what was my last purchase": look it up, offer nothing.
_LAST_BOUGHT = re.compile(
    r"\b(?:what|whats|what was|tell me|show me)\b.{0,20}\b(?:the |my )?(?:last|latest|most recent) "
    r"(?:thing (?:i|we) (?:bought|paid for|spent (?:money )?on|got)|purchase|thing on (?:my|the) \w+ card)\b"
)
_NOT_MINE = re.compile(
    r"\b(?:recogni[sz]e|never (?:made|bought|ordered|authori[sz]ed)|did ?n[o']?t (?:make|buy|order|authori)|"
    r"not me|wasn'?t me|fraud\w*|stolen|scam\w*|twice|double)\b"
)


# Where a new or replacement card is: a delivery question, never a report of a lost card.
_CARD_DELIVERY = re.compile(
    r"\b(?:replacement|replacment|new card|new one|new debit card|new credit card|spare card|card)\b.{0,30}"
    r"\b(?:sent|posted|dispatched|sent out|arrive\w*|delivered|on (?:its|the) way|in the post|shipped|"
    r"turned up|come|coming|got here|here yet|get (?:to me|here)|reach me|be here|show up|turn up)\b|"
    r"\bwhere(?:s| is| has)?\b.{0,12}\b(?:my|the) (?:new|replacement|replacment|spare)(?: \w+)?(?: card)?\b|"
    r"\b(?:still )?(?:waiting|waited) (?:for|on) (?:my|the|a) (?:new |replacement )?card\b"
)
_NOT_DELIVERY = re.compile(
    r"\b(?:payment|payments|transfer|money|refund|lost|stolen|nicked|pinched|cant find|freeze|block|pin|"
    r"spending|spent|used|using|alerts?|charges?|charged|transactions?|shops?|missing|wasnt me|dispute|"
    r"get (?:that|it|my money) back)\b"
    # "my previous card turned up in a coat pocket": the old card found, not the new one delivered
    r"|\b(?:previous|old) (?:\w+ )?(?:card|one) (?:has )?(?:turned up|showed up|was found)\b"
    r"|\bfound (?:my|the) (?:old|previous)\b"
    # "...a takeaway on my card on the 6th. What did it come to?": what a payment cost, not a card to come
    r"|\b(?:what|how much) (?:did|does|do|will|would|has|have) "
    r"(?:it|that|this|they|those|the \w+|it all|all that)(?: \w+)? (?:come|came|comes) (?:to|out at)\b"
)


_ACCOUNT_STATE = re.compile(
    r"\b(?:is|has|was|are)\s+(?:my|the|our)\s+(?:\w+\s+)?(?:account|accounts)\s+(?:still\s+|been\s+|now\s+)*"
    r"(?:frozen|blocked|locked|suspended|restricted|on hold)\b"
)
_DID_YOU_ACT = re.compile(
    r"\b(?:have|did) i (?:\w+ )?(?:frozen|froze|freeze|blocked|block|locked|lock)\b"
    r"|^(?:(?:so|ok|okay|and|right|just to check)\s+)*(?:did|have|has|was|is) "
    r"(?:you|it|that|the card|my card|the (?:visa|mastercard)|my (?:visa|mastercard)) "
    r"(?:been |got |get |actually |really )?(?:block|blocked|freeze|froze|frozen|lock|locked|stop|stopped|"
    r"unfreeze|unfrozen|unblock|unblocked)\b"
    # "...refused in a bar last night, bit mortifying tbh. did you block it?": the question ending a story.
    r"|\b(?:did|have|has) (?:you|u|ya|northbank|the bank) (?:guys )?"
    r"(?:block|blocked|freeze|froze|frozen|lock|locked) "
    r"(?:it|my card|the card|my (?:visa|mastercard|debit card|credit card))$"
)


# "my old card is definitely blocked yeah?", "it's cancelled, right?": a statement the customer asks to have
# confirmed is a question, however it is worded before the tag.
_TAGS = r"yeah|yea|yeh|yes|yep|right|correct|innit|isnt it|hasnt it|arent they|aint it|surely"
_TAG_QUESTION = re.compile(rf"\b(?:{_TAGS}|yh|is it|has it)\s*\?")


# The same tags ending a piece of a message the splitter cut at its question mark (not "is it", "has it":
# "where is it" ends a question of its own).
_TAG_ENDING = re.compile(rf"\b(?:{_TAGS}|havent they)$")


def _untagged(text: str) -> str:
    return text.lower().replace("'", "").replace("\u2019", "")


def _asks(text: str, words: str) -> bool:
    """The message asks something: a question's opening, a question mark at its end, or a tag question."""
    return (
        bool(_QUESTION.search(words))
        or text.strip().endswith("?")
        or bool(_TAG_QUESTION.search(_untagged(text)))
    )


# "where is it up to now?", "any news on that?": how something just named is getting on.
_PROGRESS_OF_IT = re.compile(
    r"\b(?:where (?:is|s|are) (?:it|that|this|they)(?: (?:all|both))?(?: up to| at)?|"
    r"(?:it|that|this|they)(?: is| s| are)? up to|"
    r"how (?:is|s|are) (?:it|that|this|they) (?:going|getting on|coming along|progressing|looking)|"
    r"any (?:news|update|updates|progress|word)(?: (?:on|about|with) (?:it|that|this|them))?|"
    r"(?:has|have) (?:it|that|they|anyone|anybody) (?:been )?"
    r"(?:looked at|looked into|sorted|resolved|decided))\b"
)
_CLAIM = re.compile(r"\b(?:disputes?|claims?|chargebacks?)\b")


def progress_of_claim(text: str, previous: str) -> bool:
    """ "Where is it up to now?" right after a message about a claim or dispute: how that claim stands
    ("I put in a claim back in September... I have heard NOTHING since"), whatever the message was for."""
    return bool(_PROGRESS_OF_IT.search(normalise(text)) and _CLAIM.search(normalise(previous)))


# What an action said not to take leaves ("don't change anything on the card" -> "not anything on the card"):
# the thing named there is left alone, not asked about.
_LEFT_ALONE = re.compile(r"\bnot (?:anything|any|a thing|the|my|it|them|this|that)\b[^,.;?!]*", re.IGNORECASE)


_NOD_LEAD = re.compile(
    r"^\W*(?:ok|okay|right|alright|cheers|thanks|great|cool|oh)\b(?:[\s,.!]*(?=(?:and|so|then|now|but)\b)"
    # "ok. will there be enough in the account to cover it all?": a nod that ends its own sentence
    r"|\s*[.!]+\s+)",
    re.IGNORECASE,
)


# Which way a payment went, asked of one the customer names: "did money go in or out", "is it a refund or a
# payment", "did amazon give me money back or did it come out of my account".
_DIRECTION_ASKED = re.compile(
    r"\b(?:in or out|out or in|money in or money out|coming in or going out|going out or coming in)\b"
    r"|\b(?:refund|refunded|money back|credit|credited|paid (?:me|it) back|gave me (?:\w+ )?back|give me "
    r"(?:\w+ )?back)\b.{0,40}\bor (?:did |was |is |has )?(?:it |that |they |this |the money )?(?:a |an )?"
    r"(?:come out|came out|gone out|go out|went out|taken|took|take|charge|charged|payment|debit|debited|"
    r"purchase|paid out)\b"
    r"|\b(?:payment|charge|debit|purchase) or (?:a |an )?(?:refund|credit)\b"
)


def status_question(text: str) -> str | None:
    """``card_status`` or ``dispute_status`` when the message asks how things stand, not for a change.

    "Is my card still active?", "did the freeze work?", "any news on my dispute?" are questions; "can you
    freeze my card?" is a request, and never read as a question here.
    """
    # "ok and currys on it?": an "ok" that opens the message before "and", "so" is the customer's nod to the
    # last answer, not a question whether the card is ok.
    text = _NOD_LEAD.sub("", text)
    words = normalise(text)
    if _ACTION_REQUEST.search(words) or _RESULT_REQUEST.search(words) or _ADD_TO_DISPUTE.search(words):
        return None
    if _DISPUTE_STATE.search(words):
        return "dispute_status"
    asked_way = "?" in text or _asks(text, words)
    if _DIRECTION_ASKED.search(words) and asked_way and not _DISPUTE_REQUEST.search(words):
        # "my mate reckons the amazon one is a refund, did money go in or out?": which way a payment went,
        # read from it; nothing offered.
        return "payment_direction"
    # "Netflix say my payment failed. Did this month's go through? Don't change anything": a question in the
    # middle of the message asks too
    asked_within = any(_QUESTION.search(normalise(q)) for q in re.findall(r"[^.?!]+\?", text))
    if (_QUESTION.search(words) or text.strip().endswith("?") or asked_within) and _PAYMENT_STATE.search(
        words
    ):
        # (a thing named only where the customer says to leave it alone, "don't change anything on the card",
        # left "not anything on the card" by the negation, is not what the question is about)
        kept = normalise(_LEFT_ALONE.sub(" ", text))
        if not re.search(r"\b(?:card|direct debit|standing order|salary|wages|pay day|payday)\b", kept):
            return "payment_status"
    if _CARD_DELIVERY.search(words) and not _NOT_DELIVERY.search(words) and not urgent_intent(text):
        return "card_arrival"  # "has my replacement been sent", "where's my new card"
    if (
        _CARD_LIST.search(words)
        or (_CARD_EXPIRY_QUESTION.search(words) and not _EXPIRY_RENEWAL.search(words))
    ) and not card_out_of_hand(text):
        # (never "you can see the long number and the expiry" in a video of the card: that is exposure)
        return "card_status"
    if (_WHAT_IS_THIS.search(words) or _LAST_BOUGHT.search(words)) and not _NOT_MINE.search(words):
        return "recent_transactions"  # "what's this amazon payment on the 21st?": look it up, offer nothing
    asked = _asks(text, words)
    if (
        asked
        and _CARD_STATE.search(words)
        and _CARD_WORD.search(words)
        # "I cancelled my membership... could you get it back?": a dispute asked for, not the card's state.
        and not _asks_money_back(words)
        # "to cancel it I read him the long number on my card... what do I do?": the card's details given
        # away, so the card is at risk (its freeze is offered), whatever state word the story has
        and not disclosed_to_a_scam(text)
        and not card_out_of_hand(text)
        and not card_given_away(text)
    ):
        return "card_status"
    # "my old card got nicked in october, is it properly cancelled": a clause after a comma asks too
    sentences = [normalise(part) for part in re.split(r"[.?!,;]+|\s[-\u2013\u2014]+\s", text) if part.strip()]
    if (
        not urgent_intent(text)
        and not any(_ACTION_REQUEST.search(part) for part in sentences)
        # "they cancelled the showing... the refund would go back on the card. can you do something?": the
        # story of a shop's refund, not a question about the card
        and not _asks_money_back(words)
        and any(
            (_QUESTION.search(part) or _EMBEDDED_QUESTION.search(part))
            and _CARD_STATE.search(part)
            and _CARD_WORD.search(words)
            for part in sentences
        )
    ):
        # "found my old card down the sofa. is it definitely stopped now? dont change anything": a question
        # about the card in the middle of the message is still a question.
        return "card_status"
    if _ACCOUNT_STATE.search(words):
        return "card_status"  # "is my account frozen?": cards are what is frozen; their state answers it
    if _DID_YOU_ACT.search(words) and not re.search(r"\bpin\b", words):
        return "card_status"  # "did you block it?", "have you frozen my card": what was done, not a redo
    return None


# --- follow-ups ---------------------------------------------------------------------------------------

_FOLLOW_UP = re.compile(
    r"^(?:(?:ok|okay|right|thanks|cheers|great|cool|and|but|so|oh|hmm|also)\s+)*(?:and|what about|how about|"
    r"compared (?:to|with)|versus|vs|"
    r"same for|same with|same again|the same for|and for|and on|and in|and the|what about the|and my|"
    r"and what about|now (?:the|my|for)|also (?:the|my|for)|any (?:older|earlier|more|others?|before)|"
    r"older|earlier|more|before that|after that|the (?:other|previous|next|second|third|first|last|"
    r"latest|one before)|that one|this one|that payment|that transaction|the one|how much (?:is|was) "
    r"(?:that|it|this)|how much altogether|(?:and )?in total|altogether|total|sum|add (?:it|them) up|"
    r"how many (?:is|was|were|are) (?:that|those|there|them)|show (?:me )?more|next page|keep going|go on|"
    r"and then|what else|do the same|"
    r"same thing|same again|likewise|which (?:is|was|one is|one was) the (?:biggest|largest|smallest|highest|"
    r"lowest|most expensive|cheapest|priciest|dearest)|(?:the )?(?:biggest|largest|smallest|most expensive|"
    r"cheapest|priciest|dearest)(?: one)?|(?:do|same|that) (?:for|with|to) (?:my|the) other)\b"
)
_BOTH = re.compile(
    r"\b(?:both (?:of them |of those |of em )?(?:together|combined|added up|in total)|"
    r"(?:the|them|those|these) two (?:of them |of those )?(?:together|combined|added up)|"
    r"(?:all|both) together|altogether|combined|in total|"
    # "whats that between the two then", "what do the two come to", "the pair of them added up"
    r"(?:between|for) (?:the|them|those|these) (?:two|pair)(?: of (?:them|those|em))?|"
    r"(?:the|them|those|these) (?:two|pair)(?: of (?:them|those|em))? "
    r"(?:(?:come|comes|came|add|adds|added) (?:to|up)|make|makes|made)|"
    # "what do they make together", "how much are those two together": the amounts just given, together
    r"\b(?:they|them|those|these|the two|the pair)(?: two)?(?: of (?:them|those|em))? "
    r"(?:(?:make|makes|made|come to|comes to|came to|cost|costs|add up to|amount to|are|were|come) )?"
    r"together|"
    # "stick em together for us", "put the two together", "lump them together": the amounts just given
    r"\b(?:stick|put|lump|bung|add|throw) (?:them|em|'em|those|these|the two|the pair|both)(?: two| both)?"
    r"(?: of (?:them|those|em))? together|"
    # "add the two up for me", "add them both up", "can you add those up", "add em both up", "tot them up"
    r"\b(?:add|tot) (?:the|them|em|'em|those|these|both)(?: two| pair| both)?(?: of (?:them|those|em))? up|"
    r"\b(?:add|tot) up (?:the two|them|em|both|those two|these two)\b|"
    # "both?", "so both of them", "right so whats that all in": the two amounts just given, added up
    r"^(?:(?:and|so|ok|okay|right|then|n|what about|how much for|whats|what is|go on|yeah|yes|yep|do|"
    r"please) )*"
    r"both(?: of (?:them|those|em))?(?: (?:then|please|too))?$|"
    # "stick em together", "put the two together for me", "lump them in together"
    r"\b(?:stick|put|lump|bung|add|tot) (?:em|them|those|these|both|the two|the pair)(?: two| both)?"
    r"(?: of (?:them|those|em))? (?:in )?together|"
    # "what do they make between them", "what do the train and the tube come to between them"
    r"\bbetween (?:them|em|the two of (?:them|em)|the pair of (?:them|em)|them both)$|"
    r"\b(?:make|makes|come to|comes to|cost|costs|add up to|amount to) between (?:them|em|the two of them)|"
    r"(?:that|it|them|those|the lot) all in|all in all|all in total)\b"
)
# The amounts just given, added up, with no other thing named: "add em both up", "add up the two", "tot them
# up" (never "add the cash on"), so it is no request for more on top of the total.
_ADD_THEM_UP = re.compile(
    r"\b(?:add|tot) (?:them|em|'em|those|these|both|the two|the pair)(?: two| pair| both)?"
    r"(?: of (?:them|those|em))? up\b|\b(?:add|tot) up (?:the two|them|em|both|those two|these two)\b",
    re.IGNORECASE,
)


def adds_up_shown(text: str) -> bool:
    """Whether the message asks for the amounts just given added up ("add em both up then"), naming nothing
    more to add."""
    return bool(_ADD_THEM_UP.search(normalise(text)))


# How far apart the last two amounts are: "so how much did I save by going to Aldi instead", "what's the
# difference", "how much more was the first one", "how much cheaper was it".
_DIFFERENCE = re.compile(
    r"\b(?:difference|gap|how far apart|how much (?:did|have|would|do|will|could) (?:i|we) (?:have )?"
    r"(?:save|saved|saving)|"
    r"how much (?:i|we) (?:saved|save)|how much (?:is|was|did|have) (?:i |we )?(?:saved|save)|"
    r"how much (?:more|less|cheaper|dearer|extra)(?: (?:was|is|did|does|were|are))?|"
    r"(?:what|how much) (?:was|is|did) (?:the|my) (?:saving|savings)|"
    r"(?:more|less|cheaper|dearer|pricier) by how much)\b"
)
# What one person's part of the amounts just given comes to: "so whats his half of both", "halve it",
# "split that between the three of us", "whats my share if we go halves". Not a half of a period or a price
# ("the first half of november", "half term", "half price").
_SHARE = re.compile(
    r"\b(?:half|halves|halve|halving|(?:split|divide|divided|share|shared|splitting|dividing|sharing)\b.{0,30}?"
    r"\b(?:two|three|four|2|3|4|ways?|between|with|each|evenly|equally)|(?:each|we) (?:pay|owe|put in)|"
    r"per (?:person|head)|(?:his|her|their|my|our|your|each) (?:share|bit|cut|part|portion)|a third|"
    r"thirds|a quarter|quarters)\b"
)
_NOT_A_SHARE = re.compile(
    r"\b(?:(?:first|second|last|other|latter|top|bottom) half|half (?:term|price|past|an? |"
    r"of (?:the|this|last|next)? ?(?:month|year|week|term|day)|"
    r"of (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*))"
)
_THREE = re.compile(r"\b(?:three|3|third|thirds)\b")
_FOUR = re.compile(r"\b(?:four|4|quarter|quarters)\b")
SHARE_WAYS = {"two": 2, "three": 3, "four": 4}


# What the wages come to less the amount just given: "so whats left of my wages after them 2 come out", "what
# does that leave out of my wages", "and what would that leave me from my salary".
_LEFT_OF_WAGES = re.compile(
    r"\b(?:left|leave|leaves|leaving|remains?|remaining|over)\b.{0,40}\b(?:wages?|salary|pay|pay ?cheque|"
    r"pay packet|earnings)\b|\b(?:wages?|salary|pay|pay ?cheque|pay packet)\b.{0,40}\b(?:left|leave|leaves|"
    r"leaving|remaining|after (?:that|those|them|it|all that))\b"
)


def asks_left_of_wages(text: str) -> bool:
    """Whether a follow-up asks what the wages come to less the amount just given."""
    return bool(_LEFT_OF_WAGES.search(normalise(text)))


def share_of_shown(text: str) -> int | None:
    """How many ways a follow-up splits the amounts just given ("his half of both": 2, "split it three
    ways": 3), or None when it asks for no share."""
    words = normalise(text)
    if not _SHARE.search(words) or _NOT_A_SHARE.search(words):
        return None
    if _FOUR.search(words):
        return SHARE_WAYS["four"]
    if _THREE.search(words):
        return SHARE_WAYS["three"]
    return SHARE_WAYS["two"]


def shares_several(text: str) -> bool:
    """Whether a share asks about every amount just given ("half of both", "split them"), not the last."""
    return bool(
        re.search(
            r"\b(?:both|them|em|those|these|all|the two|the lot|altogether|together)\b", normalise(text)
        )
    )


# A part of what the last answer added up or listed: "how much of that was just october", "how many of those
# were deliveroo", "right, what part of that was october on its own".
PART_OF_SHOWN = re.compile(
    r"\b(?:how much|how many|which|what|any|much|many|what part|what portion|what share|how much money) of "
    r"(?:that|it|those|them|these|this|all that)\b"
)


def combines_answers(text: str) -> bool:
    """Whether the message asks what the amounts just given come to together or how far apart they are
    ("what do the two come to?", "how much did I save by going to Aldi instead?")."""
    words = normalise(text)
    return bool(_BOTH.search(words) or _DIFFERENCE.search(words))


_ONE_THING = frozenset({"payment_status", "dispute_status"})
_ABOUT_IT = re.compile(
    r"\b(?:when|what date|which date|what day|which day|how much|what amount|the amount|how long|status|"
    r"come back|came back|bounced|returned|refunded)\b"
)
_IT_MEANT = re.compile(r"\b(?:it|that|the money|the payment|the transfer|the claim|the dispute)\b")
_OLDER = re.compile(
    r"\b(?:older|earlier|before (?:that|then|them|those|these)|previous ones|further back|more|next page|"
    r"keep going|the (?:month|week|year) before|previous (?:month|week|year)|the (?:one|payment|time|visit) "
    r"before|the previous (?:one|payment|time|visit))\b"
)
_TOTAL = re.compile(
    r"\b(?:total|altogether|all together|in all|sum|add (?:it|them|those) up|how many (?:is|was|were|are) "
    r"(?:that|those|there|them)|how much (?:is|was|were) "
    r"(?:that|it|this|those|them)|how much in|(?:does|do|did)? ?(?:that|it|this|those|they|that lot|the lot|"
    r"all that|all of (?:that|them|those)|them all|they all) (?:come|comes|came|add|adds|added) (?:to|up)|"
    r"tot (?:it|them|that) up)\b"
)
# Several payments added up ("what did that lot come to", "how much did they all add up to"), not one.
_ALL_OF_THEM = re.compile(
    r"\b(?:total|altogether|all together|in all|sum|add(?:s|ed)? up|that lot|the lot|they all|them all|"
    r"all of (?:them|those|that)|all that|those|these|they|them)\b"
)
_NARROW = re.compile(
    r"^(?:(?:ok|and|but|so|now)\s+)*(?:only|just) (?:the|those|them|ones|show|over|under|above|below|from|at|"
    r"in|on)\b|\b(?:the )?ones? (?:over|under|above|below|more than|less than|bigger than|from|at)\b"
)
_THE_X_ONE = re.compile(r"\bthe [a-z]+(?: [a-z]+)? (?:one|payment|debit|bill)\b")
_EXTREME = re.compile(
    r"\b(?:biggest|largest|smallest|most expensive|cheapest|highest|lowest|priciest|dearest)\b"
    # "which was the big one in october": the biggest of them
    r"|\bthe (?:big|large|huge|massive|expensive|pricey|dear) (?:one|payment|shop|bill|spend|purchase)\b"
)
_ORDINAL_REF = re.compile(
    r"\b(?:the )?(?:first|second|third|fourth|fifth|last|latest|1st|2nd|3rd|4th|5th|other) one\b|"
    r"\bnumber [1-9]\b|^[1-9]$|\bthat (?:one|payment|transaction|charge)\b"
)
# The same, opening the message: "the 2nd one - what was that", "ok number 3, where was it".
_LEADING_ORDINAL = re.compile(
    r"^(?:(?:ok|okay|and|so|right|hmm|um|oh|what about|whats|what was)\s+)*(?:the )?(?:(?:first|second|third|"
    r"fourth|fifth|last|1st|2nd|3rd|4th|5th) (?:one|payment|transaction|charge)|number [1-9]|no ?[1-9])\b"
)
FOLLOW_UP_MAX_WORDS = 9
# An amount in pounds the customer named ("charged me £71.58"): the payment a complaint is about.
POUND_AMOUNT = re.compile(r"£\s?(\d[\d,]*(?:\.\d{2})?)")
# An amount asked in another currency: "in euros", "in dollars", "in the local money", "in zloty".
_IN_CURRENCY = re.compile(
    r"\b(?:in|into) (?:(?:the )?(?:local|foreign|original) (?:currency|money)|euros?|eur|dollars?|usd|"
    r"(?:us |american |australian |canadian )dollars?|zloty|francs?|yen|krona|kronor|kroner|dirhams?|rand)\b"
)
# A question about the payee just shown, by pronoun: "have they had", "did it take", "paid them".
_PAYEE_PRONOUN = re.compile(
    r"\b(?:have|did|has|had|do|does) (?:they|it) (?:\w+ )?(?:had|take|taken|took|charge|charged|bill|billed|"
    r"cost|come to)\b|\b(?:they|theyve|theyd|it) (?:have |has )?(?:had|taken|took|charged|billed) "
    r"(?:off |from )?(?:me|us)\b|\b(?:paid|given|sent) (?:them|it)\b|\b(?:off|from|to) them\b"
)
PRONOUN_FOLLOW_UP_MAX_WORDS = 16
# A question about which way the payment just shown moved money: "was that a refund", "did it come out".
_WHICH_WAY = re.compile(
    r"\b(?:was|is|were|wasnt|isnt) (?:that|it|this|that one|this one)(?: one)? (?:a |an |just )?"
    r"(?:refund|refunded|money (?:in|back|out)|credit|credited|payment (?:in|out)|paid in|paid out|debit|"
    r"charge|purchase|coming in|going out|incoming|outgoing)\b"
    r"|\b(?:did|has|does|had) (?:that|it|this|the money|that money|that one) (?:come|go|gone|went|came|been "
    r"taken|been paid|been credited|been refunded) ?(?:out|in|into|off|back|from|to)?\b"
    r"|\b(?:money|cash) (?:in|out) or (?:money |cash )?(?:in|out)\b"
)
# Which card paid for the one payment just shown: "which card did I use for that", "that was the mastercard
# wasn't it, what's the last 4", "was it on my credit card", "what card was that on".
_WHICH_CARD = re.compile(
    r"\b(?:which|what) card\b|\bwhat card (?:was|did)\b|\blast (?:4|four)(?: digits| numbers)?\b|"
    r"\b(?:was|were|is) (?:that|it|this)(?: one)? (?:on|with|from) (?:the|my|a) (?:\w+ )?(?:card|visa|"
    r"mastercard|amex)\b|\b(?:that|it) was (?:on )?(?:the|my) (?:\w+ )?(?:card|visa|mastercard|amex)\b|"
    r"\b(?:card|visa|mastercard) (?:was|did) (?:that|it) (?:go )?(?:on|come off|come out of)\b"
)
# The day of the one payment just shown: "what day was that?", "when was it", "which date did it go out".
_WHICH_DAY = re.compile(
    r"\b(?:what|which|wat|wot|wich) (?:day|date)\b|\bwhen (?:was|did|is) (?:that|it|this)\b|\bwhen exactly\b|"
    # "was that on a weekday", "was it a saturday", "what time was that": the day (with its weekday) answers
    r"\b(?:was|were) (?:that|it|this)(?: one)? (?:on )?(?:a )?(?:weekday|weekend|week day|week end|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday)s?\b|\bwhat time (?:was|did|is)\b|"
    # "where was that", "which shop was it": the payment's line, which names the shop
    r"\bwhere (?:was|is) (?:that|it|this)\b|\bwhere did i (?:buy|get|spend|pay for) (?:that|it|this)\b|"
    r"\b(?:which|what) (?:shop|store|place|company|merchant) (?:was|is) (?:that|it|this)\b"
)
# Which cash machine the withdrawal just shown came out of: "which machine was it", "what cashpoint did I
# use", "where did I take that out".
_WHICH_MACHINE = re.compile(
    r"\b(?:which|what|whose|whos) (?:cash ?machine|cash ?point|atm|machine|hole in the wall)\b|"
    r"\bwhere (?:did|was|were) (?:i|it|that|the (?:cash|money))\b(?: \w+){0,3} (?:out|withdrawn)\b"
)
# A withdrawal's line in an answer ("22 Oct 2026: Cash withdrawal, -£100.00").
CASH_LINE = re.compile(r"^[^:]+: [^,]*\b(?:cash|withdrawal|atm)\b", re.IGNORECASE)
# The same of a payment named by its shop ("what day of the week was the Aldi one?").
_DAY_OF_WEEK = re.compile(r"\b(?:day of the week|(?:what|which) weekday)\b")


def asks_day_or_card(text: str) -> str | None:
    """ "day" when the message asks on what day a payment went ("what day of the week was the Aldi one",
    "when was that"), "card" when it asks which card paid it, None otherwise."""
    words = normalise(text)
    if _WHICH_CARD.search(words):
        return "card"
    if _WHICH_DAY.search(words) or _DAY_OF_WEEK.search(words):
        return "day"
    return None


_SINCE_THEN = re.compile(r"\bsince(?: then| that| that one| that time)?$|\bafter that(?: one)?$")
_EVERY_TIME = re.compile(
    r"\b(?:is|was|does|do|are|has)\s+(?:that|it|this|they|those|he|she)\b.{0,30}?"
    r"\b(?:(?:every|each|a)\s+(?:month|week|year)|monthly|weekly|yearly|regular(?:ly)?|recurring|"
    r"a subscription|always)\b"
)
# A word that makes a question about a payment shown a complaint about it: "is it always taken twice?".
_WRONG_WITH_IT = re.compile(
    r"\b(?:twice|double\w*|two times|again|not me|wasnt me|didnt|did not|fraud\w*|scam\w*|wrong|"
    r"dispute\w*|refund\w*|recogni[sz]e|unauthori[sz]ed)\b"
)


def asks_if_regular(text: str) -> bool:
    """Whether a short question asks if the payment just shown is regular or always the same ("is it always
    the same", "is that every month then"), with no word of anything wrong with it: the same payments over
    time, never a dispute of a payment "charged twice"."""
    words = normalise(text)
    return bool(words) and bool(_EVERY_TIME.search(words)) and not _WRONG_WITH_IT.search(words)


# "Actually do the same for the mastercard too, both were in the same wallet": the same action again, however
# long the reason that follows.
_SAME_AGAIN = re.compile(
    r"^(?:(?:ok|okay|right|and|actually|also|now|please|oh|can you|could you|would you)\s+)*(?:do the same|"
    r"same (?:for|with|again|thing)|the same (?:for|with|again)|likewise)\b"
)


_LINE_DAY = re.compile(r"^(\d{1,2} [A-Z][a-z]{2} \d{4}):")


def _on_one_day(listed: list[object]) -> bool:
    """Whether an answer listed several payments, all of one day ("18 Sep 2026: Northbank Exchange, ...")."""
    days = {m.group(1) if (m := _LINE_DAY.match(str(line))) else None for line in listed}
    return len(listed) >= 2 and len(days) == 1 and None not in days


@dataclass(frozen=True)
class FollowUp:
    # "older" | "total" | "difference" | "pick" | "refine" | "direction" | "currency" | "card" | "day" |
    # "machine" | "since" | "history" | "reference"
    kind: str


_TEXTED_AND = re.compile(r"^(?:n|nd|an|n and) ")


def follow_up(text: str, frame: dict[str, object] | None) -> FollowUp | None:
    """Whether ``text`` continues the last answered request (the frame) rather than starting a new one."""
    if not frame or not frame.get("procedure"):
        return None
    # "n in my current", "nd the other one": texting shorthand for the "and" a follow-up opens with
    words = _TEXTED_AND.sub("and ", normalise(text))
    if words and _SAME_AGAIN.search(words):
        return FollowUp("refine")
    if (
        words
        and frame.get("procedure") in ("recent_transactions", "spending", "payment_status")
        and _IN_CURRENCY.search(words)
    ):
        # "how much was it in euros exactly" about the payment just shown or complained of: that payment in
        # the currency it was made in, not a total in pounds; "ok and what did they all add up to in
        # dollars": all of them, added up in that currency.
        if (_ALL_OF_THEM.search(words) or _BOTH.search(words)) and len(
            words.split()
        ) <= PRONOUN_FOLLOW_UP_MAX_WORDS:
            # ("what do those two come to, in euros?": both amounts just shown, added up)
            return FollowUp("total")
        if len(words.split()) <= FOLLOW_UP_MAX_WORDS:
            return FollowUp("currency")
    if (
        (frame.get("figures") or frame.get("procedure") == "recurring_payments")
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and asks_left_of_wages(words)
    ):
        return FollowUp("left_of_wages")  # "so whats left of my wages after them 2 come out"
    if (
        frame.get("figures")
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and share_of_shown(words) is not None
        # "half of both" needs two amounts just given: a share of one would be a share of the wrong sum
        and (len(frame.get("figures") or []) >= 2 or not shares_several(words))  # type: ignore[arg-type]
    ):
        return FollowUp("share")  # "so whats his half of both", "split that three ways for me"
    if len(frame.get("figures") or []) >= 2 and _DIFFERENCE.search(words):  # type: ignore[arg-type]
        return FollowUp("difference")  # "so how much did I save by going to Aldi instead?"
    if len(frame.get("figures") or []) >= 2 and _BOTH.search(words):  # type: ignore[arg-type]
        return FollowUp("total")  # "so what did my birthday cost me, both of them together"
    if (
        frame.get("procedure") == "affordability"
        and _BOTH.search(words)
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
    ):
        # "will sky and the tv licence go out ok?", then "how much are them two together": the payments the
        # check was about, added up.
        return FollowUp("total")
    if (
        len(frame.get("listed") or []) >= 2  # type: ignore[arg-type]
        and frame.get("procedure") in ("recent_transactions", "spending")
        and _BOTH.search(words)
    ):
        return FollowUp("total")  # "what do the two come to?" after the two payments of a day were listed
    if (
        words
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") in ("recent_transactions", "spending")
        and _PAYEE_PRONOUN.search(words)
    ):
        # "ok and how much have they had off me altogether since september then" after British Gas's
        # payments: "they" is the payee just shown, however long the question.
        return FollowUp("total" if _TOTAL.search(words) else "refine")
    if (
        words
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") in ("recent_transactions", "spending")
        and len(frame.get("listed") or []) == 1  # type: ignore[arg-type]
        and not _TOTAL.search(words)
        # "which was the big one in october, what date": the biggest of a set, not the one just shown
        and not _EXTREME.search(words)
    ):
        # "which card did I use for that?", "what day was that?" about the one payment just shown.
        if _WHICH_CARD.search(words):
            return FollowUp("card")
        if _WHICH_DAY.search(words):
            return FollowUp("day")
        if ASKS_REFERENCE.search(words):
            return FollowUp("reference")
    if (
        words
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") in ("recent_transactions", "spending")
        and _on_one_day(list(frame.get("listed") or []))  # type: ignore[call-overload]
        and _WHICH_DAY.search(words)
        and not _TOTAL.search(words)
        and not _EXTREME.search(words)
    ):
        # "which day did I change them?" after the two sides of one exchange (or any payments of one day): the
        # day they all went, which the first of them gives.
        return FollowUp("day")
    if (
        words
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") == "income"
        and len(frame.get("listed") or []) == 1  # type: ignore[arg-type]
        and _WHICH_DAY.search(words)
    ):
        # "wat day did it land" after the latest salary was told: the day that payment came in.
        return FollowUp("day")
    if (
        words
        and len(words.split()) <= FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") == "card_arrival"
        and _WHICH_DAY.search(words)
    ):
        # "what day did it go out?" after the new card's delivery was told: the day it was sent, which that
        # answer gives.
        return FollowUp("day")
    if (
        words
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") in ("recent_transactions", "spending")
        and any(CASH_LINE.search(str(line)) for line in frame.get("listed") or [])  # type: ignore[attr-defined]
        and _WHICH_MACHINE.search(words)
    ):
        # "which machine was it, the one by work?" after a cash withdrawal was shown: that withdrawal's
        # cash machine.
        return FollowUp("machine")
    if (
        words
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") in ("recent_transactions", "spending")
        and len(frame.get("listed") or []) == 1  # type: ignore[arg-type]
        and _WHICH_WAY.search(words)
    ):
        # "and was that a refund or did it come out of my account?" about the one payment just shown.
        return FollowUp("direction")
    if (
        words
        and len(words.split()) <= 2 * PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("listed")
        and _LEADING_ORDINAL.search(words)
    ):
        # "the second one, where was that again? can't remember buying anything": a message that opens by
        # pointing at a line just listed is about that line, however long the rest of it is.
        return FollowUp("pick")
    if (
        words
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") in _ONE_THING
        and _ABOUT_IT.search(words)
        and _IT_MEANT.search(words)
    ):
        # "so when is it actually going to get to him" after a payment or a complaint about one: "it" is
        # that payment, however many words the question takes.
        return FollowUp("refine")
    if (
        words
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") in ("recent_transactions", "spending")
        and _EXTREME.search(words)
        and re.search(r"\bwhich\b", words)
    ):
        # "which was the big one in october then, what date": which of the payments just asked about.
        return FollowUp("refine")
    if (
        words
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") in ("recent_transactions", "spending", "income")
        and IN_VS_OUT_RE.search(words)
    ):
        # "so am I up or down on the month, and by how much?" after what went out and what came in: money in
        # against money out over the same period and account.
        return FollowUp("refine")
    if (
        words
        and len(words.split()) <= PRONOUN_FOLLOW_UP_MAX_WORDS
        and frame.get("procedure") in ("recent_transactions", "spending")
        and PART_OF_SHOWN.search(words)
    ):
        # "right, what part of that was october on its own?": the same request, narrowed by the new words.
        return FollowUp("refine")
    if not words or len(words.split()) > FOLLOW_UP_MAX_WORDS:
        return None
    if frame.get("procedure") in _ONE_THING and _ABOUT_IT.search(words):
        # "how much was that payment again?", "what date did the money come back?" after a payment or a
        # dispute: the same one again, not a total.
        return FollowUp("refine")
    if frame.get("procedure") in ("recent_transactions", "spending"):
        if _SINCE_THEN.search(words):
            return FollowUp("since")  # "anything else gone on it since?": from the end of that period on
        if _EVERY_TIME.search(words):
            return FollowUp("history")  # "is that every month then": the same payments over a longer time
    if _TOTAL.search(words):
        return FollowUp("total")
    if _OLDER.search(words) and frame.get("procedure") in (
        "recent_transactions",
        "spending",
        "payment_status",
        "income",
    ):
        return FollowUp("older")
    if frame.get("procedure") == "income" and _ABOUT_IT.search(words) and _IT_MEANT.search(words):
        # "when did it arrive last time", "what day did it land" after the salary or pension was told of:
        # "it" is that money coming in (not a card on its way).
        return FollowUp("refine")
    if _ORDINAL_REF.search(words) and frame.get("listed"):
        return FollowUp("pick")
    if (
        _FOLLOW_UP.search(words)
        or _EXTREME.search(words)
        or _NARROW.search(words)
        or _THE_X_ONE.search(words)
    ):
        return FollowUp("refine")
    return None


# --- several requests in one message -------------------------------------------------------------------

MAX_REQUESTS = 3
_SPLIT = re.compile(
    # "... at the start of the month - is the euro account in the red": a dash between words sets requests
    # apart as a full stop does
    r"(?:[.?!;]+\s+|\s+[-\u2013\u2014]+\s+(?:and\s+)?|"
    r"\s*,?\s+(?:and also|and then|and can you|and could you|and please|and|also|"
    r"plus|then|"
    r"as well as)\s+|\s*,\s+(?=(?:can|could|would|please|also|and|what|whats|how|tell|show|check|freeze|"
    r"block|cancel|report|did|does|do|is|are|has|have|when|where|why)\b))",
    re.IGNORECASE,
)
_REQUEST_START = re.compile(
    r"^(?:(?:also|then|please|pls|and|can you|could you|would you|will you|can i|could i|i want to|"
    r"i need to|id like to|i would like to|i also want to|i also need to|id also like to|"
    r"just)\s+)*(?:tell|show|check|give|list|send|whether|freeze|unfreeze|block|unblock|lock|cancel|"
    r"report|"
    r"dispute|stop|order|what|whats|how|hows|when|whens|where|wheres|which|why|is|are|did|do|does|has|have|"
    r"see|know|find|look|let me know|help|get|pay|explain|make a complaint|complain|speak|talk|put me|"
    r"transfer me|connect me)\b",
    re.IGNORECASE,
)
_MIN_PART_WORDS = 3
# A request to stop something: "could you cancel the British Gas direct debit", "please stop my gym one".
_THIS_PERIODS_PAYMENT = re.compile(
    r"^(?:has|have|did|is|was|hasnt|didnt|will)\b.{0,20}\b(?:this|last|the last|the latest) "
    r"(?:months|weeks|years) (?:payment|bill|instalment|installment|one|money|amount|direct debit)\b"
)
# "...he tells me it never reached him. Did the money come back to me?": the money the story tells of, asked
# after by a word that points back at it (whether it went, arrived or came back), not a request of its own.
_STORY_MONEY_ASKED = re.compile(
    r"^(?:(?:so|and|but|then)\s+)*(?:did|has|have|was|is|hasnt|didnt|wasnt|where(?:s| is| has)?|"
    r"when (?:did|will|does|is))\b.{0,20}\b"
    r"(?:the money|that money|the payment|that payment|the transfer|it)\b.{0,20}\b"
    r"(?:come back|came back|been returned|returned|bounced?|go through|gone through|went through|arrived?|"
    r"reach(?:ed)? (?:him|her|them)|landed|got there|been refunded|refunded)\b"
)
_STOP_ASKED = re.compile(
    r"^(?:(?:also|then|so|please|pls|can you|could you|would you|will you|i want to|i need to|id like to|"
    r"i would like to)\s+)*(?:cancel|stop|end)\b"
)
# "...at the pub and when I went back it was gone": a clause of the story, not a question.
_SUBORDINATE = re.compile(
    r"^(?:when|while|after|before|because|as|since|once) (?:i|we|he|she|they) (?:went|came|got back|was|were|"
    r"realised|realized|noticed|checked|looked|tried|arrived|woke|left|returned|opened|logged|got home|"
    r"got there)\b"
)
# "...and I need to stop myself": the reason for the request before it, not a request of its own.
_ABOUT_MYSELF = re.compile(
    r"^(?:(?:and|but|so|because|cos)\s+)*(?:i (?:need|want|have|got) to |i must |to )?(?:stop|help|control|"
    r"sort) (?:myself|me)\b"
)
# "...everything due out before Christmas. I want to know what I'll have left for presents": why the list is
# asked for (what remains after it), part of the request before it, not a request of its own.
_LEFT_AFTER_PURPOSE = re.compile(
    r"^(?:(?:and|so|just|because|cos|as)\s+)*(?:i (?:want|need|would like|wanna) to (?:know|see|work out)|"
    r"id like to (?:know|see|work out)|so (?:that )?i (?:know|can see|can work out|can plan))\s+"
    r"(?:what|how much)(?: money)? (?:ill|i will|ive|i have|i(?:ll| will)? still) (?:have |got )?"
    r"(?:left|spare|remaining)\b"
)
# "I lost my card, please report it": a request about what was just said is the same request.
_REFERS_BACK = re.compile(
    r"(?<!\bat )(?<!\bof )(?<!\babout )"
    r"\b(?:it|its|them|that one|this one|a new one|another one|a replacement)\b"
    # "it is ..." says what something is, not which one ("it is the card I lost"); "it is meant to take",
    # "it was supposed to arrive" is the thing just described.
    r"(?!\s+(?:is|was|has|had)(?!\s+(?:meant|supposed|going|due|expected|likely)\b))"
    # "...a card payment for 18.95 as well. can you dispute that": "that" ending the request is the thing
    # just described.
    r"|\b(?:dispute|challenge|contest|refund|freeze|block|cancel|stop|report) (?:that|this|those)"
    r"(?: (?:for me|please|pls|too|as well))?$"
    # "...we spend a fortune in morrisons. what did we spend there in october": the shop just named.
    r"|\b(?:spen[dt]|spending|paid|pay|paying|bought|buy|go|went|been|gone|shop|shopped|shopping|get|got|"
    r"eaten|ate|eat|use|used) (?:\w+ )?there\b(?! (?:is|are|was|were|s|any)\b)"
    # "...it said the name doesn't match. What does that mean?": a question about what was just said.
    r"|^(?:so |and |but )?(?:what (?:does|did|do) (?:that|this) mean|"
    r"why (?:is|was|did|does|would) (?:that|this)|how come|"
    r"(?:is|was) (?:that|this) (?:normal|right|ok|okay|safe|a problem|bad|a scam|usual))\b"
    # "how much are my wages and when did the last lot come in", "...and when's the next one": the same
    # thing again, not a request of its own.
    r"|^(?:so |and )?(?:when|what day|what date|how much)\b.{0,25}\bthe (?:last|latest|next|previous|"
    r"first) (?:lot|one)\b"
    # "...used my card on a website in the US. is there a dispute open on those?": the payments just told of.
    r"|\b(?:on|against|for) (?:those|these)(?: (?:ones|payments|transactions|purchases|charges))?\b"
    r"(?! \w+ (?:are|were)\b)"
    # "...never turned up, 29.16. can you get my money back": the money of the story just told.
    r"|\b(?:get|claim|want) (?:me )?(?:my|the|our) (?:money|cash) back(?: (?:for me|please|pls))?$"
    # "...an uber on it for about 14 that wasnt me. can i get that back?": the payment just described.
    r"|\b(?:get|claim|have) (?:that|this|those|them) (?:back|refunded)(?: (?:for me|please|pls))?$"
    # "Netflix emailed that my payment failed. Did this month's go through?": a possessive with no thing
    # after it is the payment of the story just told
    r"|\b(?:this|last|next) (?:months|weeks|years)(?= (?:go|gone|went|come|came|been|get|got|arrive\w*|"
    r"leave|left|clear\w*|fail\w*|bounce\w*|taken|paid|out|in|through|still|actually|definitely)\b|$)"
)


# "...and while I'm here, when did netflix last come out": an aside before the next request, not part of it.
_ASIDE = re.compile(
    r"^(?:(?:and|also|oh|plus|btw|by the way|while (?:im|i am|youre|you are) (?:here|at it|on)|"
    r"whilst (?:im|i am) (?:here|at it)|one more thing|another thing|on another note|one other thing)\s+)+"
)


# What "it" may stand for inside the same request ("freeze my card, I can't find it").
_ANTECEDENT = re.compile(
    rf"\b(?:{_THING}|account|payment|transfer|direct debit|standing order|savings|balance)\b"
)


# A part that asks a question of its own ("whats my balance"), so "its" after it is that thing's, asked
# about as a second question ("and what are its last transactions"), not the words that name the thing.
_ASKS_ITSELF = re.compile(r"\b(?:what|whats|how|when|which|where|is|are|show|tell|give|check)\b")
_LISTED = re.compile(r"\s+[+&]\s+|\s*\n+\s*|\s*;\s*")
_PLUS = re.compile(r"\s\+\s")
_MIN_WORD_REQUEST = 4  # a one-word request between plus signs ("balance") has at least 4 letters


# "...my bank card was in it. what do i do": a plea for guidance about the story just told, not a request.
_PLEA = re.compile(
    r"^(?:(?:so|and|ok|okay|right|please|pls|help)\s+)*(?:what (?:do|should|can|shall|would) (?:i|we) do|"
    r"what do (?:i|we) do now|what now|what happens now|what (?:are|is) (?:my|the) options?|"
    r"what should happen now|help me|please help|help|(?:i )?dont know what to do|(?:i )?need help|"
    # "...three weeks ago and still nothing. Can you help?": help with what was just told
    r"(?:can|could|would|will) (?:you|u|ya) (?:please |pls )?(?:help(?: me)?|sort (?:it|this|that)(?: out)?|"
    r"do (?:anything|something)(?: about (?:it|this|that))?)|what can (?:you|u|ya) do"
    # "...i dont want to be able to use it on betting. is there anything u can do": help with what was told
    r"|(?:is there )?(?:anything|something) (?:(?:you|u|ya)(?: lot| guys)? )?(?:can|could) do"
    r"(?: (?:to help|for me|about (?:it|this|that)))?)"
    r"(?:\s+(?:now|next|please|pls|here|about it|about this))*$"
)


# "3 things: 1) balance 2) how much was the pub 3) ...": the customer numbered the requests themselves.
_NUMBERED = re.compile(r"(?:^|(?<=\s))\(?(?P<n>[1-9])[).:]\s+")


def _numbered_items(text: str) -> list[str] | None:
    """The items of a list the customer numbered 1, 2, 3... in one message, or None when there is none."""
    marks = list(_NUMBERED.finditer(text))
    numbers = [int(m.group("n")) for m in marks]
    if len(marks) < 2 or numbers != list(range(1, len(marks) + 1)):
        return None
    items = [
        text[m.end() : nxt.start() if nxt else len(text)].strip(" ,.;")
        for m, nxt in zip(marks, [*marks[1:], None], strict=True)
    ]
    if not all(items):
        return None
    preamble = text[: marks[0].start()].strip(" ,.;:")
    if preamble and _has_request(preamble) and not re.search(r"\b(?:things?|questions?|q)\b", preamble, re.I):
        items[0] = f"{preamble} {items[0]}"  # "can you tell me 1) my balance 2) ...": the preamble asks
    return items


# "whats my balance and whats pending on it": a question of its own about the thing the request before
# named ("on it", "from it"), not the same request again.
_ASKS_ABOUT_IT = re.compile(
    r"^(?:what|whats|how much|how many|is there|are there|anything|when|which)\b.*"
    r"\b(?:on|in|from|into|out of|off|to|for) (?:it|that|that one|that account)"
    # "...and what have I paid on it since September altogether": the period and a total word after it
    r"(?: (?:since|in|over|during|for|from|this|last|so far|altogether|all together|in total|total|"
    r"the|past|year|month|months|week|weeks|[a-z]+ber|january|february|march|april|may|june|july|august|"
    r"\d+)){0,5}$"
)
# "when was I last in morrisons and how much did I spend": a question with nothing of its own to ask about,
# the same request's other half.
_BARE_ASK = re.compile(
    r"^(?:and |so |also )?(?:how much|what|when|how many times|what time)\s+(?:did|do|was|were|is|have|has)"
    r"(?:\s+(?:i|we|it|that|they|you))?(?:\s+(?:spend|spent|pay|paid|cost|come to|charge|charged|"
    r"get charged|take|taken|it|that|be))?(?:\s+(?:there|then|on it|for it|me|altogether|in total))*$|"
    # "how much n when", "how much it was", "when and how much": a bare question about what was just said
    r"^(?:and |so |also )?(?:how much|when)(?:\s+(?:and|n)\s+(?:how much|when))?"
    r"(?:\s+(?:it|that|they)\s+(?:was|is|were|are|cost|costs|be))?$"
)


def _asked_before(part: str) -> bool:
    """The part before asks for something itself ("current account balance please"), not a story ("I got a
    text about my account")."""
    words = normalise(part)
    return _has_request(part) and not re.match(r"(?:i|we|ive|im|weve)\b", words)


# "right, three things.", "few things while I'm here -", "couple of questions:": an opening that counts the
# requests to come. It asks for nothing; left on the first request it hides what that one asks.
_COUNTED_OPENING = re.compile(
    r"^\s*(?:(?:ok|okay|right|so|hi|hello|hey|good|morning|afternoon|evening|also|and)\b[\s,.!-]*)*"
    r"(?:(?:a|just a|only a)\s+)?(?:few|couple(?:\s+of)?|[2-5]|two|three|four|five)\s+"
    r"(?:(?:more|quick|small|little|other|different)\s+)*(?:things?|questions?|qs|queries|bits)\b"
    r"(?:\s+(?:for you|to ask|to check|please|pls|if i can|if i may|if thats ok|"
    r"while (?:im|i am|i'm) (?:here|on|at it)|whilst (?:im|i am|i'm) (?:here|on|at it)))*"
    r"\s*(?:[:.,;!?\-\u2013\u2014]+\s*|\s+(?=\S))",
    re.IGNORECASE,
)


# "It wants two things from me: A, and B", "quick 2 while the kids are at swimming: A, and B", "my accountant
# needs three figures - A, B and C": a count of requests announced, then a colon (or a dash) and the
# requests themselves, set apart by commas ("the account number and sort code" is one of them, so a bare
# "and" does not cut). Not a story counted ("two things happened: ..."), which asks for nothing.
_ANNOUNCED_LIST = re.compile(
    r"\b(?:(?:(?:a|just a|only a)\s+)?(?P<loose>few|couple(?:\s+of)?)|(?P<n>[2-5]|two|three|four|five))\s+"
    r"(?:(?:more|quick|small|little|other|different|main|separate|simple|short)\s+)*"
    r"(?P<noun>things?|questions?|qs|queries|bits(?: of information)?|figures|numbers|details|items|"
    r"pieces of information)\b"
    r"(?P<filler>[^:\n.?!]{0,60}?)\s*(?::|\s[-\u2013\u2014]+)\s+"
    # "quick 2 while the kids are at swimming: ...": a bare count after "quick"
    r"|\bquick\s+(?P<bare>[2-5]|two|three|four|five)\b(?P<filler2>[^:\n.?!]{0,60}?)\s*:\s+",
    re.IGNORECASE,
)
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}
_STORY_COUNTED = re.compile(r"\b(?:happen|happened|went wrong|gone wrong|to tell|wrong|to report)\b", re.I)
# Where one announced request ends and the next begins: a comma or semicolon, with "and" or "also" after it,
# or "and" right before a question word ("...in November and what my salary came to").
_LIST_CUT = re.compile(
    r"\s*[;,]\s*(?:(?:and|also|plus|n)\s+)?|\s+[-\u2013\u2014]+\s+(?:(?:and|also|plus|n)\s+)?|"
    r"\s+(?:and|plus)\s+(?=(?:what|whats|how|when|whether|which|"
    r"is|are|did|does|has|have|can|could|who|where)\b)",
    re.IGNORECASE,
)


def _announced_items(text: str) -> list[str] | None:
    """The requests a message counts out after a colon ("two figures: A, and B"), when there are as many of
    them as it says (two or three for "a couple", "a few"); None otherwise."""
    found = _ANNOUNCED_LIST.search(text)
    if found is None or _STORY_COUNTED.search(found["filler"] or found["filler2"] or ""):
        return None
    said = (found["n"] or found["bare"] or "").lower()
    count = _COUNT_WORDS.get(said) or (int(said) if said.isdigit() else None)
    items = [p.strip(" ,.;:") for p in _LIST_CUT.split(text[found.end() :]) if p and p.strip(" ,.;:")]
    wanted = {count} if count is not None else {2, 3}
    if len(items) not in wanted or not 2 <= len(items) <= MAX_REQUESTS:
        return None
    return items


def announced_requests(text: str) -> list[str] | None:
    """The requests a message counts out after a colon, each tidied as a request of its own ("few things:
    my balance, last 5 payments, and is my new card sent"), read before the count is tidied away; None
    when it counts out none."""
    items = _announced_items(text)
    return None if items is None else [tidy_request(item) for item in items]


def _tag_kept(text: str) -> list[str]:
    """The pieces ``_SPLIT`` cuts the text into; a piece ending in a tag keeps its question mark ("the card I
    lost is cancelled, isn't it?"), which is what makes it a question."""
    pieces: list[str] = []
    start = 0
    for cut in [*_SPLIT.finditer(text), None]:
        piece = text[start : cut.start() if cut else len(text)]
        if cut and "?" in cut.group(0) and _TAG_ENDING.search(normalise(piece)):
            piece += "?"
        pieces.append(piece)
        start = cut.end() if cut else len(text)
    return pieces


# "how much was m&s in october whats in my account till payday": a second question begun without a mark or
# an "and" between the two. Where one of these openers follows a clause that is itself a question, the
# message is cut there as a full stop would cut it.
_UNMARKED_OPENER = re.compile(
    r"\s+(?=(?:what'?s|what is|what are|how much|how many|how'?s|when (?:did|does|do|will|is|was)|"
    r"is my|are my|has my|have my|did my|can you|could you|can i|could i)\b)",
    re.IGNORECASE,
)
_ASKING_CLAUSE = re.compile(
    r"\b(?:whats|what is|what are|what was|how much|how many|hows|when (?:did|is|was|does|do|will)|is my|"
    r"are my|has my|have i|did my|did i|can you|could you|can i|could i)\b"
)
# A word after which the opener starts a question inside the sentence ("tell me what's left", "I want to know
# how much"), not a new one.
_EMBEDS_A_QUESTION = frozenset(
    "tell show me us know wondering wonder wondered ask asking asked check see sure idea out about and so "
    "but just one if then also or to i is was wanted want need like explain find confirm remind clue clear "
    "understand say said work figure guess what how when where which who why whether much many".split()
)


def _cut_unmarked_questions(text: str) -> str:
    """``text`` with ". " where a question begins right after another one with nothing between them."""
    kept: list[str] = []
    last = 0
    for opener in _UNMARKED_OPENER.finditer(text):
        if not text[: opener.start()][-1:].isalnum():
            continue  # a mark or a dash is there already
        clause = normalise(re.split(r"[.?!;,\n\-\u2013\u2014]", text[last : opener.start()])[-1])
        words = clause.split()
        after = normalise(text[opener.end() :]).split()
        if len(words) < _MIN_PART_WORDS or len(after) < _MIN_PART_WORDS or words[-1] in _EMBEDS_A_QUESTION:
            continue
        if not _ASKING_CLAUSE.search(clause):
            continue  # "my card was declined at tesco can you tell me why": a story, then its question
        kept.append(text[last : opener.start()] + ".")
        last = opener.start()
    return "".join([*kept, text[last:]])


# Facts of the customer's own accounts a message may ask for side by side, as nouns after one verb ("can you
# give me my sort code and account number, and my balance too", "the balance of my savings and the date of
# the next Octopus payment"). Facts of one kind stay one request ("sort code and account number"); facts of
# different kinds are different requests, each answered.
_FACT_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            "balance",
            r"\b(?:balances?|how much (?:money )?(?:is |have i got |ive got |i have |there is )?"
            r"(?:left )?in (?:my|the)\b)",
        ),
        (
            "details",
            r"\b(?:account (?:number|no|details)|acc(?:ount)? no|sort ?code|iban|bic|swift(?: code)?|"
            r"bank details)\b",
        ),
        (
            "expiry",
            r"\b(?:expiry(?: date)?|expiration(?: date)?|(?:card )?(?:expires?|runs? out)|"
            r"end date on (?:my|the) card)\b",
        ),
        ("transactions", r"\b(?:(?:recent|last|latest) )?(?:transactions|statement)\b"),
        (
            "recurring",
            r"\b(?:next (?:\w+ ){0,2}(?:payment|collection|direct debit|standing order|bill)|"
            r"dds?|direct debits?|standing orders?|"
            r"when (?:\w+ ){1,3}(?:goes|comes|go|come) out(?: next)?)\b",
        ),
    )
)
# What joins two facts asked for side by side: "and", "plus", "&", "as well as", a comma (with "and" or
# "also" after it).
_FACT_JOIN = re.compile(r"\s*,\s*(?:(?:and|also|plus|n)\s+)?|\s+(?:and|plus|&|n|as well as|also)\s+")


def _coordinated_facts(text: str) -> list[str]:
    """``text`` cut where it goes from asking one kind of fact to asking another (``_FACT_KINDS``), at the
    last join between them; ``[text]`` when it asks for one kind or the facts are not joined."""
    words = text.lower()
    if len(words) != len(text):
        return [text]  # a letter whose lower case is longer: positions would not map back
    found = sorted(
        (m.start(), m.end(), kind) for kind, pattern in _FACT_KINDS for m in pattern.finditer(words)
    )
    cuts: list[tuple[int, int]] = []
    for (_, end, kind), (start, _, following) in zip(found, found[1:], strict=False):
        if kind == following or start < end:
            continue
        joins = list(_FACT_JOIN.finditer(words, end, start)) or list(_FACT_ASKED.finditer(words, end, start))
        if joins:
            cuts.append((joins[-1].start(), joins[-1].end()))
    if not cuts:
        return [text]
    parts, last = [], 0
    for start, end in cuts:
        parts.append(text[last:start].strip(" ,."))
        last = end
    parts.append(_FACT_LEAD.sub("", text[last:]).strip(" ,."))
    return parts if all(parts) else [text]


# "need my account number how much the nationwide dd is": nothing joins them, but a question word starts the
# second.
_FACT_ASKED = re.compile(r"\s+(?=(?:how much|how many|whats|what|when|which)\b)")
_FACT_LEAD = re.compile(r"^\s*(?:(?:and|also|plus|n|oh)\b[\s,]*)+", re.IGNORECASE)


def split_requests(text: str) -> list[str]:
    """Up to three requests of one message, in order; the message itself when it holds one."""
    parts = [each for part in _split_requests(text) for each in _coordinated_facts(part)]
    for index in range(len(parts) - 1, 0, -1):
        pair = f"{parts[index - 1]} and {parts[index]}"
        if IN_VS_OUT_RE.search(normalise(pair)) and not any(
            IN_VS_OUT_RE.search(normalise(p)) for p in parts[index - 1 : index + 1]
        ):
            # "how much came in and how much went out in october": one question, both sums over one period
            parts[index - 1 : index + 1] = [pair]
    if len(parts) > MAX_REQUESTS:
        return [*parts[: MAX_REQUESTS - 1], " ".join(parts[MAX_REQUESTS - 1 :])]
    return parts


def _split_requests(text: str) -> list[str]:
    if (announced := _announced_items(text)) is not None:
        return announced
    opened = _COUNTED_OPENING.match(text)
    if opened and opened.end() < len(text):
        after = split_requests(text[opened.end() :])
        return after if len(after) > 1 else [text]
    if (numbered := _numbered_items(text)) is not None:
        if len(numbered) > MAX_REQUESTS:
            return [*numbered[: MAX_REQUESTS - 1], " ".join(numbered[MAX_REQUESTS - 1 :])]
        return numbered
    listed = [p.strip() for p in _LISTED.split(text) if p.strip()]
    # A one-word request counts between plus signs ("balance + last 4 of the new card"); a one-letter or
    # one-word piece beside "&" is a name ("M & S", "marks & spencer").
    plus_listed = len(listed) > 1 and bool(_PLUS.search(text)) and not re.search(r"\s&\s", text)
    if len(listed) > 1 and all(
        len(p.split()) >= 2 or (plus_listed and len(p) >= _MIN_WORD_REQUEST and p.isalpha()) for p in listed
    ):
        # Requests the customer set out as a list ("my balance + my last transactions", one per line).
        each = [q for p in listed for q in split_requests(p)]
        if len(each) > MAX_REQUESTS:
            return [*each[: MAX_REQUESTS - 1], " ".join(each[MAX_REQUESTS - 1 :])]
        return each
    pieces = [p.strip(" ,.") for p in _tag_kept(_cut_unmarked_questions(text)) if p and p.strip(" ,.")]
    if len(pieces) < 2:
        return [text]
    parts: list[str] = []
    for piece in pieces:
        words = _ASIDE.sub("", normalise(piece))
        starts_request = (
            # "...and the card I lost is cancelled now, isn't it?": a statement asked to be confirmed
            bool(_REQUEST_START.match(words) or ("?" in text and _TAG_ENDING.search(words)))
            and not _ABOUT_MYSELF.match(words)
            and not _SUBORDINATE.match(words)
        )
        pronoun = _REFERS_BACK.search(words)
        refers_back = bool(pronoun) and not _ANTECEDENT.search(words[: pronoun.start() if pronoun else 0])
        if (
            refers_back
            and parts
            and pronoun
            and pronoun.group(0) == "its"
            and _ASKS_ITSELF.search(normalise(parts[-1]))
        ):
            refers_back = False  # "whats my balance and what are its last transactions": two questions
        if refers_back and parts and _ASKS_ABOUT_IT.match(words) and _asked_before(parts[-1]):
            refers_back = False  # "...and whats pending on it": a question of its own about the same account
        refers_back = (
            refers_back
            or bool(_PLEA.match(words))
            or bool(parts and _BARE_ASK.match(words))
            or bool(parts and _LEFT_AFTER_PURPOSE.match(words))
        )
        if parts and starts_request and len(words.split()) >= _MIN_PART_WORDS and not refers_back:
            parts.append(piece)
        elif parts:
            parts[-1] = f"{parts[-1]} {piece}" if not starts_request else f"{parts[-1]} and {piece}"
        else:
            parts.append(piece)
    while len(parts) > 1 and not _has_request(parts[0]):
        # "hi, 3 things." is an opening, not a request: it belongs with what follows.
        parts[:2] = [f"{parts[0]} {parts[1]}"]
    for index in range(len(parts) - 1, 0, -1):
        # "...someone's been nicking post from the letterboxes. can you stop the new card": the freeze asked
        # for is the one the story calls for, one request with it (not a second freeze after the first).
        story = parts[index - 1]
        told = "?" not in story and not _REQUEST_START.match(_ASIDE.sub("", normalise(story)))
        if (
            (explicit_action(parts[index]) == "freeze" and (urgent_intent(story) or told))
            or (
                # "I've moved my gas to Octopus and they collect it themselves. Could you cancel the British
                # Gas direct debit?": the story is why, not a request of its own ("payment" in it asks
                # nothing).
                told and _STOP_ASKED.match(_ASIDE.sub("", normalise(parts[index])))
            )
            or (
                # "I've had a letter from Octopus saying I'm behind. Has this month's payment gone out?": the
                # payment of the company the story names, one request with it
                told and _THIS_PERIODS_PAYMENT.search(_ASIDE.sub("", normalise(parts[index])))
            )
            or (
                # "I paid my window cleaner in September and he says it never arrived. Did the money come
                # back?": the payment the story tells of, asked after (its payee is only in the story)
                told and _STORY_MONEY_ASKED.search(_ASIDE.sub("", normalise(parts[index])))
            )
        ):
            parts[index - 1 : index + 1] = [f"{parts[index - 1]} {parts[index]}"]
    if len(parts) < 2 or not all(_has_request(p) for p in parts):
        return [text]
    if len(parts) > MAX_REQUESTS:
        parts = [*parts[: MAX_REQUESTS - 1], " ".join(parts[MAX_REQUESTS - 1 :])]
    return parts


_ASKS = re.compile(
    r"\b(?:freeze|unfreeze|block|unblock|cancel|report|dispute|show|tell|check|balance|transactions?|send|"
    r"order|complain|speak|talk|person|human|how much|how many|when|where|what|whats|hows|wheres|why|is my|"
    r"are my|did|whether|savings|account|direct debits?|standing orders?|payments?|spent|spend|owe|card|"
    r"gone through|go through|gone out|gone in|arrived|has the|has my|have i|have my)\b"
)


# "I'd rather pay my credit card off myself from now on": why, before the request; not one of its own.
_PREFERENCE = re.compile(
    r"^(?:(?:so|ok|okay|well|basically|honestly)\s+)*(?:id rather|i would rather|id prefer|i would prefer|"
    r"i prefer|im going to|i am going to|im gonna|i will|ill be|i want to start|from now on)\b"
)


# "The euro one is in my drawer at home": a statement about the request before it.
_STATEMENT = re.compile(r"^(?:the|my|our) (?:\w+ ){0,3}(?:is|was|are|were|s)\b(?! (?:it|there|my|the)\b)")


# "the euro account is showing a minus in the app. whats the actual balance on it": the statement leads to a
# question.
_ASKED_AFTER = re.compile(
    r"\b(?:whats|what is|how much|how many|when (?:did|is|was|does)|can you|could you|tell me|show me)\b"
)


def _has_request(part: str) -> bool:
    """A part is a request of its own when it asks for something, not when it only tells ("I found it")."""
    words = normalise(part)
    # "I sent Diana the money back, has it reached her yet": told, then asked after the comma
    asked_after_comma = any(_YES_NO_QUESTION.match(normalise(c)) for c in re.split(r"[,;]|\band\b", part)[1:])
    told = (
        _STATEMENT.match(words)
        and "?" not in part
        and not _ASKED_AFTER.search(words)
        and not asked_after_comma
    )
    if told and not urgent_intent(part):
        return False
    if _PREFERENCE.match(words) and "?" not in part:
        return False
    return bool(
        _REQUEST_START.match(words)
        or _ASKS.search(words)
        or "?" in part
        or _YES_NO_QUESTION.match(words)
        or asked_after_comma
        or urgent_intent(part)
    )


# "...I sent Diana the money back, has it reached her yet": a yes-no question, whose "?" the split took off.
_YES_NO_QUESTION = re.compile(
    r"^(?:(?:and|so|but|also|then) )?(?:has|have|had|did|does|do|is|are|was|were|will|would|can|could) "
    r"(?:it|she|he|they|that|this|those|these|my|the|our|i|you|u|we|there)\b"
)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def asked_sentence(text: str) -> str | None:
    """The one sentence that asks, in a message that also tells ("Hello, it's Kathleen. I'm doing my budget
    book. What did my last M&S shop come to?"): None when the message is one sentence, or asks more than once
    or not at all."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    if len(sentences) < 2:
        return None
    asked = [s for s in sentences if _has_request(s)]
    if len(asked) > 1:
        asked = [s for s in asked if "?" in s]  # the one with a question mark is the question
    return asked[0] if len(asked) == 1 else None


_SPARED_SPLIT = re.compile(r",\s*|;\s*|\s+(?=(?:and|but) (?:leave|keep|not|dont|do not)\b)")


def requests_after_answer(text: str) -> list[str]:
    """The requests that follow a yes or no in the same message ("Yes please. And what's my balance?")."""
    pieces = re.split(
        r"(?<=[.!?\n])\s+|,\s+(?=(?:and|also|what|whats|how|can|could|tell|show|when|where)\b)",
        text.strip(),
        maxsplit=1,
    )
    if len(pieces) < 2 or not pieces[1].strip():
        return []
    rest = re.sub(r"^(?:and|also|then|plus)\s+", "", pieces[1].strip(), flags=re.IGNORECASE)
    clauses = [c for c in _SPARED_SPLIT.split(rest) if c]
    kept = [c for c in clauses if normalise(c) and not spared_thing(c)]
    if len(kept) < len(clauses):
        # "Freeze it, please, and leave the euro one be": the other card spared narrows the answer; it asks
        # for nothing, and what is left is read as before.
        rest = ", ".join(kept)
        if not normalise(rest):
            return []
    if _ACTION_AGAIN.match(normalise(rest)):
        return []  # "Yes, that's right. Please stop it.": the yes said again with its action, nothing new
    if spared_thing(rest):
        return []  # "ye lock it, he'll learn. leave the credit card": the other card stays as it is
    return split_requests(rest) if _has_request(rest) else []


# "ye lock it, he'll learn. leave the credit card", "yes freeze it, not the euro one": a clause saying which
# other card or account to leave as it is only narrows the answer to the one offered; it asks for nothing.
_SPARED = re.compile(
    r"^(?:but |and |just |please |pls )*(?:leave|keep|not|dont (?:touch|freeze|block|lock|stop|cancel|do)|"
    r"do not (?:touch|freeze|block|lock|stop|cancel|do)) (?:the |my |me |ma )?(?P<thing>(?:\w+ ){0,2}?"
    r"(?:one|card|cards|account|accounts|saver|savings|mastercard|visa))"
    r"(?: (?:alone|as it is|as is|on|active|open|be|out of it|going|please|pls|thanks|thx|though|tho|mind))*$"
)


def spared_thing(text: str) -> str | None:
    """The card or account a clause says to leave as it is ("leave the credit card" -> "credit card")."""
    spared = _SPARED.match(normalise(text))
    return spared.group("thing") if spared else None


# The action just offered, named again after the yes: "Please stop it.", "go ahead and cancel it now".
_ACTION_AGAIN = re.compile(
    r"^(?:(?:please|pls|just|yes|yeah|so|then|ok|okay|go ahead and|you can|you may|can you|could you)\s+)*"
    r"(?:cancel|stop|end|block|freeze|unfreeze|unblock|lock|unlock|report|dispute|do|bin|ditch|scrap|send|"
    r"pay|make|put|set)\s+(?:it|that|them|this|that one|this one|the lot)"
    r"(?:\s+(?:now|then|please|pls|for me|thanks|thank you|straight away|right away|today|through|up|off|"
    r"on))*$"
)


# --- the words of a request, tidied for reading (the transcript keeps what the customer wrote) -------------

# "two things - ...", "quick q:": an announcement of what follows, not a request of its own.
_PREAMBLE = re.compile(
    r"^\s*(?:(?:i have |ive got |got |just )?"
    r"(?:two|2|three|3|a couple of|couple of|a few|few|some|quick|a quick)\s+"
    r"(?:things|questions|qs|q|queries|bits)|quick (?:question|q))\b(?:\s+(?:please|pls|for you|today))?\s*"
    r"[-:,.!]+\s*",
    re.IGNORECASE,
)
# A detail the customer corrects as they write it: "in october - no sorry, september", "on the 11th? No, I
# tell a lie - it was the Saturday, the 12th", "the credit card - no wait, the debit". What was said first is
# dropped and what replaced it stands in its place.
_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
)
_DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_CORRECTED = re.compile(
    r"(?P<old>\b(?:(?:in|on|at|for|from|the)\s+)?(?:the\s+)?"
    rf"(?:{_MONTHS}|{_DAYS}|\d{{1,2}}(?:st|nd|rd|th)|"
    r"(?:credit|debit|euro|pound|dollar|savings|current) (?:card|account|one))\b"
    r"|[£$€]\s?\d+(?:\.\d{2})?)"
    r"\s*[?!.,;:]*\s*(?:[-\u2013\u2014]+\s*)?"
    r"(?:no|nope|sorry|wait|hang on|hold on|i mean|i meant|or rather|correction|scratch that|i tell a lie|"
    r"my mistake|my bad|oops)"
    r"(?:\s*[,!.]?\s*(?:no|sorry|wait|i mean|i meant|i tell a lie|my mistake|my bad|it was|its|it's|"
    r"that should be|should be|make that))*"
    r"\s*[?!.,;:]*\s*(?:[-\u2013\u2014]+\s*)?(?:(?:it was|its|it's|that was|make that|should be)\s+)?"
    r"(?=(?:(?:in|on|at|for|from|the)\s+)?(?:the\s+)?"
    rf"(?:{_MONTHS}|{_DAYS}|\d{{1,2}}(?:st|nd|rd|th)|(?:credit|debit|euro|pound|dollar|savings|current)\b"
    r"|[£$€]\s?\d))",
    re.IGNORECASE,
)


def without_corrected(text: str) -> str:
    """The message with what the customer took back left out ("in october - no sorry, september" -> "in
    september"): the words that replaced it stand where it was."""

    def keep_preposition(found: re.Match[str]) -> str:
        lead = re.match(r"(?:in|on|at|for|from)\s+", found["old"], re.IGNORECASE)
        rest = text[found.end() :]
        said_again = re.match(r"(?:in|on|at|for|from)\b", rest, re.IGNORECASE)
        return lead.group(0) if lead and not said_again else ""

    start = 0
    while (found := _CORRECTED.search(text, start)) is not None:
        rest = text[found.end() :]
        noun = re.search(r"\b(card|account)\s*$", found["old"], re.IGNORECASE)
        if noun:
            # "the credit card - no wait, the debit one": the debit card
            rest = re.sub(r"^((?:the\s+)?\w+\s+)one\b", rf"\g<1>{noun.group(1)}", rest, count=1)
        kept = keep_preposition(found)
        text = f"{text[: found.start()]}{kept}{rest}"
        start = found.start() + len(kept)  # on from the words that replaced it, never back over them
    if _MONTH_NAMED.search(text):
        # "in september, the monday one": a weekday within the month named, not the last Monday before today
        text = _WEEKDAY_ONE.sub("", text)
    return text


_MONTH_NAMED = re.compile(rf"\b(?:in|for|during|of) {_MONTHS}\b", re.IGNORECASE)
_WEEKDAY_ONE = re.compile(rf",?\s*\b(?:the|that) {_DAYS} (?:one|shop|payment|trip)\b", re.IGNORECASE)


# A budget the customer keeps to, not a size of payment to look for: "trying to keep my food shopping under
# fifty pounds a month" (every food shop counts, whatever its size).
_BUDGET_KEPT = re.compile(
    r"(?P<lead>\b(?:keep|keeping|stay|staying|stick|sticking|budget|budgeting)\b[^.?!]{0,40}?)\s+"
    r"(?:under|below|within|less than|to)\s+[^.?!]{1,25}?\s+(?:a|per|each|every)\s+(?:month|week)\b",
    re.IGNORECASE,
)
# A price gone up given as the reason, not asked about: "...under fifty pounds a month now the heating has
# gone up. What has it come to so far this month?" (the food shopping, not the heating bill).
_REASON_RISEN = re.compile(
    r",?\s*\b(?:now|since|because|as|cos|coz|what with)\s+(?:that\s+)?(?:the|my|our|all the)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:has|have|is|are|was|were|went|'s|’s)\s+(?:gone\s+|going\s+|all\s+)?"
    r"(?:up|through the roof|so high|sky high|dearer|higher|more expensive)\b",
    re.IGNORECASE,
)
# "what the mortgage took in November", "what my salary came to": an amount asked in the words of a form or
# a list ("how much the mortgage took"), never "what the charge was for".
_WHAT_AMOUNT = re.compile(
    r"\bwhat (?=(?:the|my|our|his|her|their) (?:[\w&'-]+ ){0,3}?"
    r"(?:took|takes|take|charged|charges|cost|costs|came to|comes to|come to|paid me|pays me)\b)",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\s*(?:hi+|hiya|hello|hey+|heya|yo|morning|evening|afternoon|good (?:morning|afternoon|evening)|"
    r"alright|dear (?:sir|madam|sir or madam|northbank))(?:\s+(?:there|team|northbank|all))?\s*[,.!:;-]*\s+",
    re.IGNORECASE,
)
_SHORTHAND = (
    # "is the debit one still working": the debit card (never a direct debit to dispute)
    (re.compile(r"\b(debit|credit|visa|mastercard)\s+one\b(?!\s+(?:off|time))", re.IGNORECASE), r"\1 card"),
    (re.compile(r"\bacc(?:t|nt)?\b", re.IGNORECASE), "account"),
    (re.compile(r"\b(?:pls|plz|plse)\b", re.IGNORECASE), "please"),
    (re.compile(r"\brn\b", re.IGNORECASE), "right now"),
    (re.compile(r"\bur\b", re.IGNORECASE), "your"),
    (re.compile(r"\bu\b", re.IGNORECASE), "you"),
    (re.compile(r"^\s*n\s+(?=the|my|what|how)", re.IGNORECASE), "and "),
    (re.compile(r"\bthx\b|\bty\b", re.IGNORECASE), "thanks"),
    # Texting spellings of the question words: "hw much is sky takin off me n wat day"
    (re.compile(r"\bhowmuch\b", re.IGNORECASE), "how much"),
    (re.compile(r"\bhw\b", re.IGNORECASE), "how"),
    (re.compile(r"\b(?:wat|wot|wht|wut)s\b", re.IGNORECASE), "whats"),
    (re.compile(r"\b(?:wat|wot|wht|wut)\b", re.IGNORECASE), "what"),
    (re.compile(r"\b(?:wen|whn)\b", re.IGNORECASE), "when"),
    (re.compile(r"(?<=\w) n (?=\w)", re.IGNORECASE), " and "),
    # A dropped g: "takin", "goin out", "comin in"
    (
        re.compile(
            r"\b(tak|go|com|pay|gett|spend|do|send|leav|charg|wait|ask|look|mov|tell|try|sort|check|hav)in\b",
            re.IGNORECASE,
        ),
        r"\1ing",
    ),
    # Shops whose everyday names are phrases, written as statements spell them (one-word nicknames such as
    # "spoons" are found by agents.procedures.slots.MERCHANT_NICKNAMES).
    (
        re.compile(
            r"\bmarks (?:and|&|n|an) (?:spencers?|sparks)(?:'?s)?\b|\bm (?:and|&|n) s\b", re.IGNORECASE
        ),
        "M&S",
    ),
    (re.compile(r"\b(?:the )?(?:coop|co op)\b", re.IGNORECASE), "Co-op"),
    (re.compile(r"\bjusteat\b", re.IGNORECASE), "Just Eat"),
)
MIN_WORDS_AFTER_GREETING = 2
# Thanks for the last answer in front of the next question: "Thank you dear. And the other one?", "thanks
# so much, when does it go next", "lovely, cheers love - and what about October?", "ta very much. is that
# the lot?". Optional words of approval before it, and a term of address after it.
_THANKS_LEAD = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|oh|ah|right|great|lovely|brilliant|brill|perfect|super|cool|fab|fabulous|"
    r"wonderful|marvellous|smashing|nice|excellent|ace|grand|champion|fantastic|amazing|awesome|"
    r"that(?:'|’)?s (?:great|lovely|brilliant|perfect|helpful|(?:very|really|so) helpful|kind|"
    r"(?:very|really|so) kind|useful))\s*[,.!:;-]*\s+)*"
    r"(?:(?:thank(?:s| you|you|u)|thx|ty|cheers|ta|many thanks|much appreciated|appreciate(?:d| it| that))"
    r"(?: (?:ever |very |so )?(?:so much|very much|a lot|a million|loads|muchly|kindly|again|a bunch))?"
    r"(?: for (?:that|this|all that|the (?:help|info|information|answer)|your help|checking|looking|"
    r"letting me know))?"
    r"(?: (?:dear|my dear|love|luv|mate|pal|hun|hon|darling|pet|duck|me duck|sweetheart|bud|buddy|chief|"
    r"son|flower|petal))?)"
    r"\s*[,.!:;-]*\s+",
    re.IGNORECASE,
)


def without_thanks(text: str) -> str:
    """The question after thanks for the last answer ("Thank you dear. And the National Trust one?" -> "And
    the National Trust one?"): thanks in front of a request does not make the message small talk. A message
    that only thanks, or thanks and closes ("thanks, that's all"), is left as it is."""
    stripped = _THANKS_LEAD.sub("", text, count=1)
    if stripped == text or len(stripped.split()) < MIN_WORDS_AFTER_GREETING or not _has_request(stripped):
        return text
    return stripped


def tidy_request(text: str) -> str:
    """'hiya whats in my current acc rn' -> 'whats in my current account right now': a greeting in front of a
    request does not make it small talk, and texting shorthand reads as the words it stands for."""
    stripped = _GREETING.sub("", text, count=1)
    if stripped != text and len(stripped.split()) >= MIN_WORDS_AFTER_GREETING:
        text = stripped
    stripped = _PREAMBLE.sub("", text, count=1)
    if stripped != text and len(stripped.split()) >= MIN_WORDS_AFTER_GREETING:
        text = stripped
    text = without_thanks(text)
    text = _REASON_RISEN.sub(" ", _BUDGET_KEPT.sub(r"\g<lead>", text))
    text = without_corrected(_WHAT_AMOUNT.sub("how much ", text))
    for pattern, words in _SHORTHAND:
        text = pattern.sub(words, text)
    return correct_spelling(text)


# "what's your phone number, I'd rather ring someone", "what number do I call?": the number is the answer.
_ASKS_FOR_NUMBER = re.compile(
    r"\b(?:what(?:s|'s| is)|whats|give me|send me|can i (?:have|get)|could i (?:have|get)|need) "
    r"(?:your|ur|the|a) (?:phone |telephone |contact |helpline |customer service )?(?:number|no)\b"
    r"|\b(?:what|which) (?:phone )?number (?:do|should|can|could) i (?:call|ring|phone|dial|use)\b"
    r"|\bnumber (?:to|i can) (?:call|ring|phone)\b",
    re.IGNORECASE,
)


def asks_for_number(text: str) -> bool:
    return bool(_ASKS_FOR_NUMBER.search(text))


# "can you dispute it", "please raise a dispute for me", "can you challenge it", "can you get my money
# back": the dispute asked for in plain words.
_DISPUTE_VERB = r"(?:dispute|challenge|contest|chargeback|charge back)"
# Who the customer asks: the assistant ("can you"), themselves ("can I"), or the bank by name ("can the bank",
# "could Northbank").
_ASKED_OF = r"(?:you|u|ya|i|we|you guys|you lot|the bank|my bank|northbank)"
_DISPUTE_REQUEST = re.compile(
    rf"\b(?:can|could|would|will) {_ASKED_OF} (?:please |pls )?(?:help me )?"
    rf"(?:(?:(?:raise|open|start|file|log|lodge|put in|make) (?:a |an )?)?{_DISPUTE_VERB}\b"
    r"|(?:get|claim|win) (?:me )?(?:my|the|our|me) (?:money|cash) back\b"
    r"|(?:get|claim) (?:it|that|this|them) (?:back|refunded)\b)"
    # "please claim the money back for me", "is there any way you can claw that money back", "could you get
    # me that money back": the money itself asked back, in whatever words lead up to it
    rf"|\b(?:(?:can|could|would|will) {_ASKED_OF} (?:please |pls )?(?:help me )?|please |pls |"
    r"is there (?:any )?way (?:you can |u can |to |of )?)(?:get|claim|claw|win)(?: me| us)? "
    r"(?:my|our|the|that|this) (?:money|cash) back\b"
    # "can you reverse that", "could you refund the charge"
    rf"|\b(?:can|could|would|will) {_ASKED_OF} (?:please |pls )?(?:reverse|undo|refund) "
    r"(?:it|that|this|them|the (?:payment|charge|transaction))\b"
    # "can you recover it", "could the bank reclaim the money": the money asked back in formal words
    rf"|\b(?:can|could|would|will) {_ASKED_OF} (?:please |pls )?(?:help me )?"
    r"(?:recover|reclaim|recoup|retrieve) "
    r"(?:it|that|this|them|(?:my|our|the|that) (?:money|cash|charge|payment|amount|sum))\b"
    rf"|\b{_DISPUTE_VERB} (?:it|this|that|them|the (?:payment|charge|transaction|order))\b"
    r"|\b(?:raise|open|start|file|lodge) (?:a |an )?(?:dispute|chargeback)\b"
    rf"|\bi (?:want|need|would like|d like) to {_DISPUTE_VERB}\b"
    # "can u raise something so i get my money back", "could you put in a claim for a refund": a claim for
    # the money, asked for without the word dispute
    rf"|\b(?:can|could|would|will) {_ASKED_OF} (?:please |pls )?"
    r"(?:raise|open|start|log|put in|file|lodge|make) (?:something|anything|a claim|a case)\b"
    r"[^.?!]{0,40}\b(?:money back|refund|refunded)\b"
)


_REFUND = r"(?:refunds?|refunded|money back|reimburs\w*)"
# A payment the shop let the customer down on, told as a story: the refund it promised never came, goods sent
# back and no money back, goods or a service paid for that never came ("the driver never showed", "they didnt
# have my order").
_LET_DOWN = re.compile(
    rf"\b(?:no|never|not|still no|still not|yet to) (?:\w+ ){{0,3}}?{_REFUND}\b"
    rf"|\b{_REFUND}\b.{{0,60}}\b(?:never|nothing|not|hasnt|havent|didnt|still waiting|no sign|its been|been "
    r"(?:weeks|ages|months)|weeks later|months later)\b"
    r"|\b(?:never|didnt|did not|hasnt|havent|has not|have not|wont) (?:\w+ )?(?:arrived?|came|come|turned up|"
    r"turn up|showed|show|delivered|received|got here)\b"
    r"|\b(?:never|didnt|did not|wont|doesnt|does not) (?:work|worked|unlock|unlocked|activate|activated|"
    r"download|downloaded|load|loaded)\b"
    # "I paid the bill in cash, yet they charged my card as well": the same thing paid for twice
    r"|\bpaid (?:\w+ ){0,3}?(?:in|with|by) cash\b.{0,160}\b(?:charged|debited|billed|took|taken)\b"
    r"|\b(?:charged|debited|billed|took|taken)\b.{0,120}\b(?:even though|though|when|but|yet|as) (?:i|we) "
    r"(?:had |d )?(?:already )?paid (?:\w+ ){0,3}?(?:in|with|by) cash\b"
    r"|\bno show\b|\bnot (?:delivered|received|arrived)\b|\b(?:didnt|did not|dont) have my (?:\w+ )?order\b"
    # a cash machine that kept the money: "didnt give me the cash", "gave me nothing", "no notes came out"
    r"|\b(?:didnt|did not|never|wouldnt|would not) (?:give|gave|dispense|pay out|hand over)\b"
    r"|\bgave (?:me |us )?(?:nothing|no (?:cash|money|notes))\b|\bno (?:cash|money|notes) (?:came|come) out\b"
    # a charge after the customer ended it: "cancelled in October but they still took money", "took another
    # payment even though I'd left them"
    r"|\b(?:still|yet) (?:took|taken|taking|charged|charging|billed|billing|debited|collected)\b"
    r"|\b(?:took|taken|charged|billed) (?:me |us )?(?:another|again)\b"
    r"|\b(?:even though|after) (?:i|we|id|wed) (?:had |d |have |already )?(?:cancelled|canceled|left|ended|"
    r"stopped|closed)\b"
    r"|\b(?:sent|posted|took|returned) (?:it|them|(?:the|my) \w+) back\b"
    # "they said I'd be refunded within a week": a refund only promised
    rf"|\b(?:said|promised|told me|supposed to)\b.{{0,30}}\b{_REFUND}\b"
    # "said the money would go back on my card": the same promise in other words
    r"|\b(?:said|promised|told me|supposed to)\b.{0,30}\b(?:money|cash|it) "
    r"(?:would |will |should |to |was going to )?(?:go|come|be put|be paid|be sent|get put|get paid) back\b"
)
# Money the customer sent someone, or is owed by an employer, that has not arrived is a payment's status, not
# a shop's failure.
_MONEY_LATE = re.compile(
    # (never what the customer paid on top for the delivery or the postage: "I paid £4.95 delivery")
    r"\b(?:i|we) (?:sent|transferred|paid) (?:\w+ ){0,2}(?:money|£|\d)"
    r"(?![\d ]*(?:quid |pounds )?(?:for )?(?:the )?(?:delivery|postage|shipping|p p|on top|extra)\b)"
    r"|\btransfers?\b"
    r"|\b(?:salary|wages?|pension|benefits?|universal credit)\b"
)
# "can you sort it", "could you help", "what can you do": help asked with the story.
# "i want my money back", "i just want a refund": the money back asked for, with the story.
_HELP_ASKED = re.compile(
    r"\b(?:can|could|would|will) (?:you|u|ya|the bank|northbank) (?:please |pls )?(?:help|sort|fix|chase|"
    r"look into|deal with|do (?:something|anything)|get (?:it|this|that|them|my))\b"
    r"|\bwhat can (?:you|u|ya) do\b|\bhelp me\b"
    r"|\b(?:i|we) (?:\w+ )?(?:want|need|would like|d like|expect) (?:my|our|the|a) (?:money back|refund)\b"
    # "please sort it", "whatever you can do", "could you raise a claim", "can you do something"
    r"|\b(?:please|pls) (?:sort|fix|help|chase|deal with)\b|\bwhatever (?:you|u) can do\b"
    r"|\b(?:can|could|would|will) (?:you|u|ya) (?:please |pls )?(?:raise|put in|file|lodge|make|log|open) "
    r"(?:a |an )?(?:claim|case|something)\b"
    # "I want it back", "I'd like that back please", "I want what I paid for the coach back", "please get me
    # that back", "can you get it refunded": the money of the story asked back
    r"|\b(?:(?:i|we) (?:just |really |only )?(?:want|need|would like|d like)|id like|wed like) "
    r"(?:it|that|this|them|(?:my|our|the|that) (?:money|cash)|"
    r"what (?:i|we|they|it) (?:paid|took|charged)(?: \w+){0,4}?) (?:back|refunded)\b"
    r"|\b(?:please|pls|can|could|would|will) (?:(?:you|u|ya) )?(?:please )?(?:get|claim|claw|win)"
    r"(?: me| us)? (?:it|that|this|them) (?:back|refunded)\b"
    # "...so i get my money back": what the help is for
    r"|\bso (?:that )?(?:i|we) (?:can )?(?:get|see|have) (?:my|our|the) money back\b"
)


def tells_of_let_down(text: str) -> bool:
    """Whether the text tells of a shop that let the customer down (goods that never came, a refund never
    paid, a cash machine that gave nothing, a charge after cancelling)."""
    return bool(_LET_DOWN.search(normalise(text)))


def _asks_money_back(words: str) -> bool:
    """A dispute asked for in words, or help (or the money) asked with the story of a shop that let the
    customer down; ``words`` normalised."""
    return bool(_DISPUTE_REQUEST.search(words)) or bool(
        _LET_DOWN.search(words) and _HELP_ASKED.search(words) and not _MONEY_LATE.search(words)
    )


def adds_to_dispute(text: str) -> bool:
    """Another payment asked to be put on a claim already made ("can that go on as well?", "add the other
    one to my dispute too")."""
    return bool(_ADD_TO_DISPUTE.search(normalise(text)))


def requested_dispute(text: str) -> bool:
    """A dispute asked for in words ("can you dispute it", "get my money back"), or help asked with the story
    of a shop that let the customer down ("...refund in 5 working days. its been weeks. can u sort it")."""
    words = normalise(text)
    if _ADD_TO_DISPUTE.search(words):
        return True  # another payment put on a claim already made: that payment's dispute
    return _asks_money_back(words) and not status_question(text)
