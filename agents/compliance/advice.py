"""Investment, legal and tax advice in a draft: the bank may state its own products, fees and rules, but
must not tell a customer what to invest in, whether to sue, or how their tax works.

Patterns run on one clause at a time (lower case), so "we can't give investment advice" guards its own
clause only and not the "but you should buy bitcoin" that follows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.compliance.text import clauses, normalise, sentences

INVESTMENT = "investment_advice"
LEGAL = "legal_advice"
TAX = "tax_advice"

_ASSET = (
    # whole words only: "together" holds no "ether", "marigold" no "gold"
    r"\b(?:shares?|stocks?|equit(?:y|ies)|crypto(?:currenc(?:y|ies))?|bitcoins?|btc|ethereum|ether|eth|"
    r"dogecoin|altcoins?|nfts?|(?:index|mutual|tracker|investment|hedge|etf) funds?|etfs?|bonds?|gilts?|"
    r"gold|silver|commodit(?:y|ies)|options|forex|the (?:stock )?market|s&p(?: 500)?|ftse(?: 100)?|nasdaq|"
    r"stocks and shares isa|isas?|portfolio|property|buy-to-let|pensions?|trackers?|premium bonds|"
    r"investments?)\b"
)
# An investment product plus any opinion or nudge in the same clause; refusals are filtered out before.
_NUDGE = (
    r"\b(?:should|ought to|you'd|i'd|i would|i think|consider\w*|better|best|cheap|cheaper|"
    r"undervalued|bargain|avoid|bet|poor choice|good choice|great choice|smart|wise|buy the dip)\b"
)
_LEGAL_TOPIC = (
    r"\b(?:court|tribunal|proceedings|lawsuit|legal action|trading standards|unenforceable|unlawful|illegal|"
    r"consumer (?:law|rights)|your (?:legal |statutory )?rights|small claims|letter before action)\b"
)
_LEGAL_NUDGE = (
    r"\b(?:you (?:should|can|could|might|may want to)|you'd|tell (?:them|him|her|the \w+)|you'll see|start|"
    r"threaten|report them|ignore|so you|demand)\b"
)
_TAX_TOPIC = (
    r"\b(?:(?<!council )tax(?!\s+(?:year|code))|taxes|taxable|hmrc|self[- ]assessment|capital gains)\b"
)
_TAX_NUDGE = (
    r"\b(?:you can (?:claim|deduct|offset|expense|write|put|avoid|skip|ignore|reduce)"
    r"|you (?:don't|won't|do not|will not) (?:have|need) to|you're fine|don't worry|no need"
    r"|(?:aren't|isn't|not) reported|"
    r"put (?:it|the cost|this) down|as an? (?:\w+ )?expense|nothing to pay|no tax|tax[- ]free|exempt)\b"
)
# An investment product plus a stance on it ("worth buying", "best place for your money", "likely to rise").
_STANCE = (
    r"\b(?:worth (?:buying|investing|considering|getting|a punt)|best (?:place|option|choice|bet|home|way)|"
    r"better off|go for|my advice|advice:|undervalued|overvalued|(?:likely|expected|set|bound) to "
    r"(?:rise|fall|grow|go up|go down|increase|recover|double|crash)"
    r"|outperform\w*|could grow|will grow|higher returns|"
    r"(?:good|great|right|ideal|perfect|best) (?:moment|time) to|invest the rest|personally)\b"
)
_INVEST = r"invest(?:ing|ment|ments|ed)?\b"
_YOU_MODAL = (
    r"\byou(?:'d| would)? (?:should|ought to|must|need to|might want to|may want to|could|'d better|"
    r"had better|'d be wise to|would be wise to|want to)"
)

_INVESTMENT_PATTERNS = tuple(
    re.compile(p)
    for p in (
        rf"{_YOU_MODAL} (?:\w+ )?{_INVEST}",
        rf"{_YOU_MODAL} (?:\w+ )?(?:buy|sell|hold on to|hold|put|move|switch|get into|diversify)\b"
        rf".{{0,40}}?{_ASSET}",
        rf"\b(?:i|we)(?:'d| would)? (?:\w+ )?(?:recommend|suggest|advise)\b.{{0,50}}?(?:{_ASSET}|{_INVEST})",
        r"\b(?:good|great|safe|smart|solid|excellent|wise|sound|brilliant|fantastic|terrible|bad|poor|risky)"
        r" investments?\b",
        r"\b(?:stock|share|investment|crypto|trading) tips?\b|\bhot tip\b|\bno-brainer\b",
        r"\b(?:now is|it's|it is) (?:a |the )?(?:good|great|right|perfect|ideal|best) (?:time|moment) to "
        r"(?:buy|invest|sell|get into)\b",
        rf"\bif i were you\b.{{0,60}}?(?:{_ASSET}|{_INVEST})",
        rf"\bi(?:'d| would) (?:put|invest|buy|sell|move)\b.{{0,40}}?{_ASSET}",
        rf"^(?:\w+ )?(?:put|invest|move|stick|pile) (?:your|the|that|this|some|all|it)\b.{{0,40}}?"
        rf"\b(?:in|into) {_ASSET}",
        r"\b(?:is|are) (?:going|set|bound) to (?:double|triple|soar|rocket|moon|skyrocket)\b",
        rf"{_ASSET}.{{0,40}}?\b(?:will|is going to|are going to|should) (?:go up|rise|increase|soar|recover|"
        r"outperform|grow|keep rising|hold (?:its|their) value)",
        r"\balways holds? (?:its|their) value\b",
        rf"{_ASSET}.{{0,60}}?{_STANCE}",
        rf"{_STANCE}.{{0,60}}?{_ASSET}",
        rf"{_ASSET}.*?{_NUDGE}|{_NUDGE}.*?{_ASSET}",
    )
)

_LEGAL_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\bsu(?:e|ing) (?:them|him|her|the|it|your|for|over)\b",
        r"\btake (?:\w+ ){0,3}to (?:the )?(?:small claims )?(?:court|tribunal)\b",
        r"(?:^|\byou (?:\w+ ){0,2}|\band |\bso |\bthen )(?:take|threaten|start|begin|pursue|bring) (?:\w+ )?"
        r"legal (?:action|proceedings)\b",
        r"\bsmall claims court\b|\blawsuit\b|\bfile (?:a )?(?:claim in court|court claim)\b",
        r"\blegally,? (?:you|they|the merchant|the \w+)(?:'re| are| is)? (?:\w+ )?"
        r"(?:entitled|allowed|obliged|required|owed|liable|responsible|within)\b",
        r"\b(?:you are|you're) legally (?:entitled|allowed|owed|protected)\b",
        r"\byou have (?:a|the) (?:legal|statutory) right\b|\bwithin your (?:legal )?rights\b",
        r"\bunder (?:the )?(?:consumer rights act|consumer credit act|section 75|consumer law|contract law)\b"
        r".{0,60}?\b(?:you|they)(?:'re| are| can| have| must| will)\b",
        r"\b(?:you have|you've got) a (?:strong|good|solid|watertight|clear|winning) "
        r"(?:legal )?(?:case|claim)\b",
        r"\b(?:is|was|are|were) (?:clearly |definitely |plainly |probably )?"
        r"(?:illegal|unlawful|against the law)\b",
        r"\bbreach of contract\b|\bmy legal (?:advice|opinion|view)\b|\blegally speaking\b",
        r"\bfrom a legal (?:point of view|perspective|standpoint)\b|\bbreaking the law\b",
        r"\b(?:is|are|was|were)(?:n't| not)? legally "
        r"(?:obliged|required|entitled|bound|allowed|liable|responsible)\b",
        r"\b(?:issue|file|make|bring|start|lodge) (?:a |an )?(?:\w+ )?"
        r"(?:county court|court|tribunal|small claims) (?:claim|case)\b"
        r"|\b(?:employment|county court) tribunal\b|\bletter (?:before action|of claim)\b",
        r"\byou (?:\w+ ){0,2}?(?:win|lose)\b.{0,30}?\bcourt\b"
        r"|\b(?:then|should|could|can|will|just|must|you) sue\b",
        r"\bcontract is (?:void|unenforceable|invalid)\b"
        r"|\byou (?:owe|don't owe) them nothing\b|\byou owe nothing\b",
        r"\b(?:you're|you are) entitled to\b.{0,80}?\b(?:consumer rights act|consumer credit act|section 75|"
        r"the law|statutory)\b",
        rf"{_LEGAL_TOPIC}.*?{_LEGAL_NUDGE}|{_LEGAL_NUDGE}.*?{_LEGAL_TOPIC}",
    )
)

_TAX_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\btax[- ]?deduct\w*|\bdeductible (?:for|against|from) (?:your )?tax\b",
        r"\b(?:don't|do not|won't|will not|wouldn't|would not|shouldn't|should not|never|needn't) "
        r"(?:\w+ ){0,2}?(?:pay|owe|be charged|be liable for|be taxed)(?: any)? (?:\w+ ){0,2}?tax\b",
        r"\bno (?:\w+ )?tax (?:is |will be )?(?:due|payable|owed|to pay)\b",
        r"\b(?:is|are|will be|it's) (?:completely |totally |entirely |always )?(?:tax[- ]free|not taxable|"
        r"non-taxable|exempt from tax|tax[- ]exempt)\b",
        r"\b(?:don't|do not|won't|no need to|not need to|needn't) (?:\w+ ){0,2}?"
        r"(?:tell|inform|declare|report|notify)\b.{0,30}?\b(?:hmrc|taxman|tax)\b",
        r"\b(?:hmrc|the taxman) (?:won't|will not|doesn't|does not|wouldn't|never) (?:\w+ ){0,2}?"
        r"(?:notice|know|check|find out|care|mind|tax)\b",
        r"\bdon't worry about (?:declaring|paying tax|tax|hmrc)\b",
        r"\bas a business expense\b|\boffset\b.{0,30}?\btax\b|\bclaim\b.{0,30}?\bagainst (?:your )?tax\b",
        r"\b(?:reduce|lower|cut|minimi[sz]e|avoid|save on|get out of|dodge|escape) (?:\w+ ){0,2}?"
        r"(?:tax|tax bill|taxes)\b",
        r"\bmy tax advice\b|\btax (?:tips?|loopholes?)\b",
        r"\b(?:never|doesn't|does not|don't|do not|won't|will not|wouldn't|isn't|is not|aren't|are not)\b "
        r"(?:\w+ ){0,3}?(?:declared|taxed|taxable|reported to hmrc)\b",
        r"\bpay (?:less|no|zero|lower|little) (?:\w+ )?tax\b|\bexpense (?:your|the|it|this|that)\b",
        r"\b(?:skip|ignore|don't file|do not file|no need to file|don't bother with) (?:the |your |a )?"
        r"(?:self[- ]assessment|tax return)\b|\bunder the (?:tax )?threshold\b",
        rf"{_TAX_TOPIC}.*?{_TAX_NUDGE}|{_TAX_NUDGE}.*?{_TAX_TOPIC}",
    )
)

# "We can't give/offer/recommend ...", "I'm not able to advise ...": the bank declining to advise.
_REFUSAL = re.compile(
    r"\b(?:can't|cannot|can not|unable to|not able to|not allowed to|not authori[sz]ed to|not permitted to|"
    r"(?:do|does|did|will|would|are|am|is)(?: not|n't)|never|not)\b(?: \w+){0,4}? (?:give|giving|offer|"
    r"offering|provide|providing|advise|advising|recommend|recommending|comment|commenting|tell you|say|"
    r"help you decide|judge|make recommendations)\b"
)

_RULES: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    (INVESTMENT, _INVESTMENT_PATTERNS),
    (LEGAL, _LEGAL_PATTERNS),
    (TAX, _TAX_PATTERNS),
)


@dataclass(frozen=True)
class AdviceHit:
    rule: str
    phrase: str


def find_advice(draft: str) -> list[AdviceHit]:
    """The first offending phrase of each advice rule found in ``draft``; at most one hit per rule."""
    hits: dict[str, AdviceHit] = {}
    for sentence in sentences(draft):
        for clause in clauses(normalise(sentence.text)):
            if _REFUSAL.search(clause):
                continue
            for rule, patterns in _RULES:
                if rule in hits:
                    continue
                for pattern in patterns:
                    match = pattern.search(clause)
                    if match:
                        hits[rule] = AdviceHit(rule, match.group().strip())
                        break
    return list(hits.values())


# --------------------------------------------------------------------------- requests for advice
# The other direction: is the *customer* asking for investment, legal or tax advice? Only such a request
# gets the advice refusal; a question about a savings rate, a fee, a limit or a double charge is a banking
# question and gets an answer (issue 12). A request needs both a topic and a request for an opinion
# ("should I", "which", "best", "worth", "recommend", "advice"): "can I pay my tax bill by card?" asks
# how, not what to do.
_OPINION = (
    r"(?:should|shall|ought|would you|do you (?:recommend|suggest|think|reckon)|would it be|is it (?:a )?"
    r"(?:good|bad|wise|smart|sensible|safe|better|worth)|is (?:now|this) (?:a )?(?:good|right|bad)|which|"
    r"what(?:'s| is| are) the best|best|worth|recommend\w*|suggest\w*|advi[cs]e|your (?:opinion|view)|"
    r"what do you think|tips?|good idea|better (?:to|off|option))"
)
# Asking for a verdict on a plan in everyday words: "good shout or not?", "thoughts?", "yay or nay".
_VERDICT = (
    r"(?:\bgood (?:shout|idea|move|call|bet|plan)\b|\bbad (?:idea|move|shout)\b|\bor not\b|\bworth it\b|"
    r"\bthoughts\b|\bwhat do you (?:think|reckon)\b|\byou reckon\b|\byay or nay\b|\bsensible\b|\bwise\b|"
    r"\bsmart\b|\bshould (?:i|we)\b|\bwould you\b)"
)
_CURRENCY = r"(?:pound|sterling|euro|dollar|currency|currencies|exchange rate|yen|franc|zloty|krona|kroner)"
_ASK_INVESTMENT = tuple(
    re.compile(p)
    for p in (
        # "overpay the mortgage or put it in stocks and shares? which will make me more money?"
        r"\b(?:should|shall|would) (?:i|we)\b.{0,80}\b(?:stocks and shares|shares|stocks|funds?|invest\w*|"
        r"crypto|bitcoin|pension|isa)\b.{0,80}\b(?:or|vs|versus|instead)\b"
        r"|\bwhich (?:one )?(?:will|would) (?:make|earn|get) (?:me|us) (?:more|the most) (?:money|return)",
        r"\b(?:investment|financial|investing|stock|share|crypto|pension|isa) advice\b",
        r"\b(?:should|shall|would you|do you recommend|is it (?:a )?(?:good|wise|smart|worth)|worth)\b.{0,40}"
        rf"\b(?:{_INVEST}|buy(?:ing)?|sell(?:ing)?|put(?:ting)?|move|moving|stick|hold(?:ing)?)\b"
        rf".{{0,40}}{_ASSET}",
        rf"\b(?:should|shall) (?:i|we) (?:\w+ ){{0,2}}?{_INVEST}",
        r"\bwhich (?:\w+ )?(?:funds?|stocks?|shares?|crypto\w*|coins?|etfs?|investments?|isas?|pensions?|"
        r"bonds?)\b",
        rf"\b(?:best|good|safest|smartest|better) (?:\w+ )?(?:investments?|way to {_INVEST}|place to "
        r"(?:invest|put (?:my|our) (?:money|savings))|thing to do with (?:my|our) (?:money|savings|bonus|"
        r"inheritance))",
        r"\bis (?:it|now) (?:a )?(?:good|right|bad|smart|wise) (?:time|idea|moment) to (?:buy|sell|invest)\b",
        rf"\bworth (?:investing|buying)\b|\b{_INVEST}.{{0,40}}\b(?:worth it|good idea|good bet)\b",
        rf"{_ASSET}.{{0,30}}\b(?:a good (?:buy|bet|idea|investment)|going to (?:go up|rise|crash|fall)|will "
        r"(?:go up|rise|crash|fall))",
        r"\bwhat (?:should|shall) (?:i|we) do with (?:my|our|the) (?:[£$€]?[\d,.]+k? )?"
        r"(?:money|savings|bonus|inheritance|lump sum|cash|pay ?out|windfall)\b",
        rf"\b(?:recommend|suggest)\b.{{0,30}}{_ASSET}",
        rf"{_ASSET}.{{0,20}}\b(?:should|shall) (?:i|we) (?:buy|sell|get|choose|pick)\b",
        rf"\bbest (?:\w+ )?{_ASSET}",
        rf"\b(?:will|is|are) {_ASSET}.{{0,20}}\b(?:crash|go up|rise|fall|recover|double|collapse)\b",
        # Which mortgage or borrowing to choose is financial advice too: "should I fix for 2 years or 5?",
        # "is a tracker better than a fixed rate?", "should we overpay the mortgage or save?"
        r"\b(?:should|shall|would you|do you (?:recommend|suggest|think)|is it (?:better|best|wise|smarter)|"
        r"better (?:to|off)|which)\b.{0,60}\b(?:fix|fixed|fixing|tracker|variable|remortgag\w*|overpay\w*|"
        r"interest.only|repayment mortgage)\b.{0,60}(?:\b(?:or|vs|versus|than|instead)\b|\?)",
        r"\b(?:fix|fixed|fixing)\b.{0,20}\b(?:\d+|two|three|five|ten) (?:years? |yrs? )?(?:or|vs|versus) "
        r"(?:\d+|two|three|five|ten)\b",
        r"\b(?:tracker|fixed(?: rate)?|variable(?: rate)?|interest.only|repayment mortgage)\b.{0,30}"
        r"\b(?:better|best|safer|cheaper|wiser|smarter)\b.{0,30}\b(?:than|or|for (?:me|us))\b",
        # "should I use my savings to pay a chunk off the mortgage or keep a rainy day fund?": what to do
        # with one's own money between options is a personal recommendation.
        r"\b(?:should|shall) (?:i|we)\b.{0,60}\b(?:savings|money|bonus|inheritance|lump sum|cash|pay "
        r"?out|windfall|"
        r"pension|isa)\b.{0,80}\b(?:or|instead of|rather than)\b.{0,40}\b(?:keep\w*|sav\w*|leave|leaving|"
        r"invest\w*|"
        r"put\w*|pay\w*|spend\w*|use|using|hold\w*|overpay\w*|clear\w*|emergency fund|rainy day)\b"
        r"|\bwhat would you do\b.{0,40}\b(?:with (?:my|the|our|that|this) (?:money|savings|cash|bonus|"
        r"inheritance)|"
        r"if you were me|in my (?:shoes|position))\b",
        r"\b(?:should|shall) (?:i|we) (?:\w+ ){0,3}?(?:fix|remortgage|overpay|pay off|pay down|switch|"
        r"take out|get) (?:\w+ ){0,3}?(?:mortgage|mortgages|fixed rate|tracker|mortgage deal|loan)\b.{0,40}"
        r"\b(?:or|instead|rather)\b",
        # Putting one's money into an asset, then asking for a verdict in any words ("sticking my savings
        # in bitcoin, good shout or not?", "moving the isa into shares, thoughts?"): a recommendation.
        rf"^(?=.*\b(?:put|putting|stick|sticking|chuck|chucking|move|moving|shift|shifting|switch|switching|"
        rf"transfer|transferring|plough|ploughing|sink|sinking|throw|throwing)\b.{{0,60}}\b(?:in|into|on)\b "
        rf"(?:\w+ ){{0,2}}?{_ASSET})(?=.*{_VERDICT})",
        # A decision about a pension, an investment or a big-ticket borrowing, with a verdict asked for in
        # any words ("opting out of my work pension to save for a deposit, is that a good idea?", "cash in my
        # pension early, worth it?", "consolidate my debts into one loan, would you?"): a recommendation.
        r"^(?=.*\b(?:pensions?|annuit(?:y|ies)|equity release|premium bonds?|lifetime isa|lisa|"
        r"stocks and shares|shares|crypto\w*|bitcoin|investments?|consolidat\w* (?:my |our |all )?"
        r"(?:debts?|loans?|credit cards?)|debt consolidation)\b)"
        r"(?=.*(?:\b(?:good|bad|wise|smart|sensible|daft|stupid|silly) (?:idea|move|plan|shout|call)\b|"
        r"\bis (?:that|this|it) (?:a )?(?:good|bad|wise|smart|sensible|daft|stupid)\b|\bworth it\b|"
        r"\bor not\b|"
        r"\bwhat do you (?:think|reckon)\b|\byou reckon\b|\bwould you\b|\bdo you (?:recommend|advise)\b|"
        r"(?<!when )(?<!how )(?<!where )(?<!what )\bshould (?:i|we) (?:\w+ )?(?:opt|stop|cash|take|move|"
        r"transfer|pause|consolidate|buy|sell|keep|put|invest|pull|withdraw|close|switch|leave)\b))",
        # A recommendation asked about a money decision in any words ("should I overpay my mortgage", "which
        # is better, a cash isa or premium bonds", "what would you do with a 5k bonus", "is it worth taking
        # the 0% balance transfer deal"); how-to and when questions, and card actions, are not.
        r"^(?=.*(?:\b(?:should|shall) (?:i|we)\b|\b(?:would|do) you (?:recommend|suggest|advise)\b|"
        r"\bdo you think (?:i|we) should\b|"
        # "he says I should put 5k into it. yes or no?": someone's tip, the verdict asked of us
        r"\b(?:i|we) should\b.{0,80}\b(?:yes or no|yay or nay|good idea or not)\b|"
        r"\bis (?:it|now|this|that) (?:a )?(?:good|bad|right|wise|smart|"
        r"sensible|safe) (?:time|idea|move|bet|investment|place)\b|\bis it worth\b|"
        r"\bworth (?:taking|getting|it)\b|\bwhich (?:is|one is|would be|one would be|one s|s) (?:the )?"
        r"(?:better|best|smarter|smartest|wiser|cheaper|smart|wise)\b|"
        # "klarna in 3 or a credit card, just pick one for me": the choice handed to us
        r"\b(?:pick|choose|decide)(?: one| which(?: one)?| between (?:them|the two))? for (?:me|us)\b|"
        r"\bwhich \w+ (?:account |deal )?should (?:i|we)\b|\bwhere should (?:i|we) (?:put|keep|invest)\b|"
        r"\bwhat would you do\b|"
        # "income protection or critical illness, what would you go for": the choice asked of us
        # "pcp or a personal loan, which one would u go for", "which of the two would you pick"
        r"\b(?:what|which)(?: one| of (?:them|the two|those|these|the 2))? (?:would|do|'d) you "
        r"(?:go for|pick|choose|get|opt for|take)\b|"
        # "would you take out a car loan or use my savings?": which of two ways, asked as what we would do
        r"\bwould you (?:\w+ ){0,2}?(?:take|get|use|go for|choose|pick|pay|keep|clear|borrow)\b.{0,60}\bor\b|"
        # "my friend says I should clear the mortgage with my savings. is that the right thing to do?"
        r"\b(?:is|would) (?:that|this|it) (?:be )?(?:the |a )?(?:right|best|wise|sensible|smart|good|"
        r"correct) (?:thing|idea|move|choice|option|decision|plan|way)\b"
        r"|\b(?:is|would) (?:that|this|it) (?:be )?(?:wise|sensible|smart|silly|daft|mad)\b"
        r"|\b(?:am i|are we|would i be) (?:doing )?the right thing\b|"
        # "would you say that is the sensible thing to do?": the same verdict, asked the other way round
        r"\b(?:would you say|do you think|you think) (?:that|this|it) ?(?:s|is|would be|was) (?:the |a )?"
        r"(?:right|best|wise|sensible|smart|good|correct) "
        r"(?:thing|idea|move|choice|option|decision|plan|way)\b|"
        r"\bis \w+ a (?:safe|good|sound) (?:investment|bet)\b))"
        r"(?=.*\b(?:mortgage|remortgag\w*|loans?|credit cards?|car finance|finance|pcp|hire purchase|"
        r"klarna|clearpay|laybuy|paypal credit|buy now,? pay later|bnpl|pay in (?:3|three|instalments)|"
        r"overdraft|savings?|saver|"
        r"isas?|premium bonds?|pensions?|sipp|shares?|stocks?|gold|crypto\w*|bitcoin|invest\w*|bonus|"
        r"inheritance|lump sum|grand|\d+k|balance transfer|deal|credit score|lend|savings account|"
        # which insurance or protection policy to buy is a recommendation about a financial product too
        r"insurance|income protection|critical illness|life (?:cover|assurance)|protection (?:policy|cover)|"
        r"annuit(?:y|ies))\b)"
        r"(?!.*\b(?:freeze|unfreeze|block|dispute|report|expect|cancel (?:my|the) card)\b)"
        r"(?!.*\b(?:when|how|what time) (?:should|shall|do|would|can) (?:i|we)\b)"
        r"(?!.*\bwhat (?:should|shall|do) (?:i|we) do\b(?! with))",
        # When to change money into another currency, or where the pound is heading, is a market call:
        # "change 500 into euros now or wait?", "is the pound going up?", "will the dollar drop before june?"
        rf"\b(?:will|is|are|going to) (?:the )?{_CURRENCY}s?\b(?! account).{{0,20}}\b"
        r"(?:go(?:ing)? (?:up|down)|ris(?:e|ing)|fall(?:ing)?|drop(?:ping)?|crash(?:ing)?|improv(?:e|ing)|"
        r"strengthen(?:ing)?|weaken(?:ing)?|"
        r"get(?:ting)? (?:better|worse|stronger|weaker))\b",
        rf"^(?=.*\b(?:change|changing|exchange|exchanging|convert|converting|swap|swapping|buy|buying|get|"
        rf"getting)\b.{{0,40}}\b{_CURRENCY}s?\b)(?=.*\b(?:now or (?:wait|later|hold off|leave it)|"
        r"wait (?:or|till|until|for)|(?:good|right|best|bad) time to)\b)",
    )
)
_ASK_TAX = tuple(
    re.compile(p)
    for p in (
        r"\btax advice\b|\btax (?:tips?|loopholes?)\b",
        # "will she have to pay tax on it, or will I?", "does my son need to declare it": whoever is to pay
        r"(?<!how )\b(?:do|does|will|would|should|shall|must) (?:i|we|he|she|they|my \w+|the \w+) "
        r"(?:have to |has to |need to |needs to )?"
        r"(?:pay|declare|report|owe)\b.{0,40}\b(?:tax|taxes|hmrc|capital gains|vat)\b"
        r"|\bwho (?:pays|has to pay|will pay|would pay|needs to pay|owes) (?:the |any )?(?:\w+ )?tax\b"
        r"|\b(?:inheritance|gift) tax\b.{0,60}\b(?:should|better|best|avoid|how much|do i|will i|would i)\b"
        r"|\b(?:should|better|best|how much|do i|will i|would i)\b.{0,60}\b(?:inheritance|gift) tax\b",
        r"\b(?:should|do) (?:i|we) (?:tell|inform|notify) (?:hmrc|the taxman|the tax office)\b",
        r"\b(?:avoid|reduce|minimi[sz]e|lower|save on|cut) (?:my |our |paying )?(?:\w+ )?"
        r"(?:tax|taxes|tax bill)\b",
        r"\b(?:is|are) (?:it|this|that|my \w+|the \w+) (?:\w+ )?(?:taxable|tax[- ]free|tax[- ]deductible)\b",
        r"\bhow (?:much )?(?:is|are|will|would) (?:\w+ ){0,4}?(?:taxed|tax do i (?:owe|pay))\b"
        r"|\bhow much tax (?:do|will|should) (?:i|we)\b",
        r"\b(?:help|do) (?:me )?with my tax return\b"
        r"|\bself[- ]assessment\b.{0,30}\b(?:should|how do i|help)\b",
    )
)
_ASK_LEGAL = tuple(
    re.compile(p)
    for p in (
        r"\blegal (?:advice|opinion)\b",
        r"\b(?:can|should|could|shall) (?:i|we) (?:sue|take (?:\w+ ){0,3}?to (?:the )?(?:small claims )?"
        r"(?:court|tribunal)|take legal action|get a (?:lawyer|solicitor))\b",
        r"\bhow (?:do|can) (?:i|we) (?:sue|take (?:\w+ ){0,3}?to court)\b",
        r"\b(?:do (?:i|we) have|have (?:i|we) got|is there) a (?:legal |strong |good )?case\b",
        r"\b(?:is|are) (?:it|this|that|they|he|she|my \w+) (?:\w+ )?(?:legal|illegal|lawful|unlawful|"
        r"allowed by law|breaking the law)\b(?! (?:for you|for northbank|for the bank))",
        r"\b(?:my|our) (?:legal|statutory) rights\b"
        r"|\bwhat are my rights (?:if|as|when|under) (?:my )?"
        r"(?:employer|landlord|tenant|ex|divorce|the will)",
        r"\b(?:divorce|custody|tenancy|will|probate|employment|immigration|visa) (?:lawyer|solicitor|law)\b",
        r"\bam i (?:legally )?allowed to\b.{0,30}\b(?:break|end|cancel|leave|terminate|withhold)\b.{0,30}"
        r"\b(?:contract|tenancy|lease|agreement)\b",
        r"\b(?:tenant|employment|employee|legal|statutory) rights\b"
        r"|\bcontest (?:a|my|the) (?:parking )?(?:fine|ticket|penalty)\b"
        r"|\b(?:write|make) (?:a|my) will\b|\bneed (?:a|to see a) (?:solicitor|lawyer)\b",
    )
)
ADVICE_REQUESTS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    (INVESTMENT, _ASK_INVESTMENT),
    (TAX, _ASK_TAX),
    (LEGAL, _ASK_LEGAL),
)
ADVICE_TOPIC_NAMES = {INVESTMENT: "investment", LEGAL: "legal", TAX: "tax"}
ADVICE_SOURCES = {
    INVESTMENT: "an independent financial adviser",
    LEGAL: "a solicitor or Citizens Advice",
    TAX: "HMRC or a qualified tax adviser",
}


# Texting shorthand for the person asked ("what would u do", "in ur shoes"), read as the words it stands for.
_TEXTING = ((re.compile(r"\bu\b"), "you"), (re.compile(r"\bur\b"), "your"))


def advice_requested(text: str) -> list[str]:
    """The advice rules (investment_advice, legal_advice, tax_advice) the customer's message asks for."""
    folded = normalise(text)
    for shorthand, words in _TEXTING:
        folded = shorthand.sub(words, folded)
    return [rule for rule, patterns in ADVICE_REQUESTS if any(p.search(folded) for p in patterns)]


def advice_refusal(rules: list[str]) -> str:
    """The refusal for a request for advice: only the topics asked about, where to get that advice, and what
    the assistant can do instead."""
    names = [ADVICE_TOPIC_NAMES[r] for r in rules if r in ADVICE_TOPIC_NAMES] or ["investment"]
    sources = [ADVICE_SOURCES[r] for r in rules if r in ADVICE_SOURCES] or [ADVICE_SOURCES[INVESTMENT]]
    topics = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    where = sources[0] if len(sources) == 1 else f"{', '.join(sources[:-1])} or {sources[-1]}"
    return (
        f"I'm sorry, I can't give {topics} advice. For that, please speak to {where}; MoneyHelper "
        "(www.moneyhelper.org.uk) also offers free, impartial money guidance. I can tell you about "
        "Northbank's own accounts, fees and limits, or help with your cards and payments."
    )
