"""Customers who write in another language (screening's ``language``: es, fr, de, pl, pt, it, nl).

With a model configured (the mini tier is an LLM), nothing takes over: the turn runs as usual and ``phrase``
asks the mini tier to write the reply in the customer's language. Offline (the local provider has no
language but English), ``foreign_language`` answers in the customer's language that the assistant works in
English and passes the conversation to a person straight away (decided: the customer may not read an
English follow-up question, so asking "would you like a person?" would be one more turn they cannot use):
priority urgent when the message says a card is lost or stolen or mentions fraud, otherwise normal.
A language screening reads that has no wording here (agents.safety.language.OTHER: Romanian, Turkish,
Russian...) gets the same answer in English (``IN_ENGLISH``); with a model configured, such a message runs
as usual, in English.

A message mixing another language with English is served in English from its English sentences (offline),
with a one-line note in the customer's language; urgent cues or a request for a person in the other
language win over that, as they would in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langgraph.runtime import Runtime

from agents.compliance.disclosure import DEFAULT_DISCLOSURE
from agents.context import AgentContext, AgentSettings
from agents.nodes.common import emit_step
from agents.safety.language import (
    BALANCE,
    FRAUD,
    HUMAN,
    NAMES,
    ROMAN_URDU,
    SCAM,
    URGENT_CUES,
    detect_language,
    foreign_cues,
    is_foreign,
    mixed_english_part,
    written_in_latin,
)
from agents.safety.spending_words import spending_in_english
from agents.state import AgentState

FLOW = "language"
# The help centre's 24-hour card line ("Report it lost or stolen"), said in every language below.
_PHONE = "0808 157 0192"
_PHONE_ABROAD = "+44 20 7946 0192"


@dataclass(frozen=True)
class Wording:
    disclosure: str
    english_only: str
    card_urgent: str
    fraud_urgent: str
    scam_warning: str
    """Said when a caller wants money moved to a "safe account": the bank never asks that."""
    card_freeze: str
    """How to stop the card at once while a person picks up (the help centre's "Freeze your card")."""
    handoff_urgent: str
    handoff_normal: str
    mixed_note: str
    balance_note: str
    """Before the balances answered offline for a message in this language that asks only for them."""
    spending_note: str
    """Before a spending total answered offline for a spending question in this language."""


WORDING: dict[str, Wording] = {
    "es": Wording(
        disclosure="Soy el asistente de inteligencia artificial de Northbank, no una persona.",
        english_only="Lo siento, de momento solo puedo atender en inglés.",
        card_urgent="Como su tarjeta puede haberse perdido o haber sido robada, lo tratamos como urgente.",
        fraud_urgent="Como puede tratarse de un fraude, lo tratamos como urgente.",
        scam_warning=(
            "Nunca le pediremos que mueva su dinero para protegerlo. No envíe dinero ni comparta ningún "
            "código."
        ),
        card_freeze=(
            "Mientras tanto, puede bloquear (congelar) su tarjeta ahora mismo en la app, en Card > "
            f"Freeze, o llamarnos a cualquier hora al {_PHONE} (desde el extranjero, {_PHONE_ABROAD})."
        ),
        handoff_urgent="Paso su conversación ahora mismo, con prioridad, a una persona de nuestro equipo, "
        "que le responderá aquí en breve.",
        handoff_normal="Paso su conversación a una persona de nuestro equipo, que le responderá aquí lo "
        "antes posible.",
        mixed_note="Solo puedo atender en inglés, así que respondo a la parte de su mensaje escrita en "
        "inglés; si lo prefiere, pida hablar con una persona.",
        balance_note=(
            "Solo puedo ayudarle en inglés, pero aquí tiene su saldo; si lo prefiere, pida hablar con una"
            " persona."
        ),
        spending_note=(
            "Solo puedo ayudarle en inglés, pero aquí tiene lo que ha gastado; si lo prefiere, pida hablar"
            " con una persona."
        ),
    ),
    "fr": Wording(
        disclosure="Je suis l'assistant d'intelligence artificielle de Northbank, pas une personne.",
        english_only="Désolé, pour l'instant je ne peux vous aider qu'en anglais.",
        card_urgent="Comme votre carte a peut-être été perdue ou volée, nous traitons votre demande en "
        "priorité.",
        fraud_urgent="Comme il peut s'agir d'une fraude, nous traitons votre demande en priorité.",
        scam_warning=(
            "Nous ne vous demanderons jamais de déplacer votre argent pour le protéger. N'envoyez pas "
            "d'argent et ne communiquez aucun code."
        ),
        card_freeze=(
            "En attendant, vous pouvez bloquer (geler) votre carte tout de suite dans l'application, sous "
            f"Card > Freeze, ou nous appeler à toute heure au {_PHONE} (depuis l'étranger, "
            f"{_PHONE_ABROAD})."
        ),
        handoff_urgent="Je transmets dès maintenant votre conversation à un conseiller de notre équipe, "
        "qui vous répondra ici très rapidement.",
        handoff_normal="Je transmets votre conversation à un conseiller de notre équipe, qui vous répondra "
        "ici dès que possible.",
        mixed_note="Je ne peux vous aider qu'en anglais : je réponds donc à la partie de votre message "
        "écrite en anglais. Si vous préférez, demandez à parler à un conseiller.",
        balance_note=(
            "Je ne peux vous aider qu'en anglais, mais voici votre solde ; si vous le souhaitez, demandez"
            " à parler à un conseiller."
        ),
        spending_note=(
            "Je ne peux vous aider qu'en anglais, mais voici ce que vous avez dépensé ; si vous le"
            " souhaitez, demandez à parler à un conseiller."
        ),
    ),
    "de": Wording(
        disclosure="Ich bin der KI-Assistent der Northbank, kein Mensch.",
        english_only="Leider kann ich Ihnen im Moment nur auf Englisch helfen.",
        card_urgent="Da Ihre Karte verloren gegangen oder gestohlen worden sein könnte, behandeln wir das "
        "als dringend.",
        fraud_urgent="Da es sich um Betrug handeln könnte, behandeln wir das als dringend.",
        scam_warning=(
            "Wir werden Sie niemals bitten, Ihr Geld zu seiner Sicherheit zu überweisen. Überweisen Sie kein"
            " Geld und geben Sie keine Codes weiter."
        ),
        card_freeze=(
            "Bis dahin können Sie Ihre Karte sofort in der App sperren (einfrieren), unter Card > Freeze, "
            f"oder uns rund um die Uhr unter {_PHONE} anrufen (aus dem Ausland {_PHONE_ABROAD})."
        ),
        handoff_urgent="Ich gebe Ihr Gespräch jetzt mit Vorrang an einen Mitarbeiter unseres Teams weiter, "
        "der Ihnen hier in Kürze antwortet.",
        handoff_normal="Ich gebe Ihr Gespräch an einen Mitarbeiter unseres Teams weiter, der Ihnen hier so "
        "bald wie möglich antwortet.",
        mixed_note="Ich kann nur auf Englisch helfen und antworte deshalb auf den englischen Teil Ihrer "
        "Nachricht. Wenn Sie möchten, bitten Sie einfach um einen Mitarbeiter.",
        balance_note=(
            "Ich kann Ihnen nur auf Englisch helfen, aber hier ist Ihr Kontostand; wenn Sie möchten, "
            "bitten Sie um ein Gespräch mit einem Mitarbeiter."
        ),
        spending_note=(
            "Ich kann Ihnen nur auf Englisch helfen, aber hier sind Ihre Ausgaben; wenn Sie möchten, bitten"
            " Sie um ein Gespräch mit einem Mitarbeiter."
        ),
    ),
    "pl": Wording(
        disclosure="Jestem asystentem AI banku Northbank, a nie człowiekiem.",
        english_only="Przepraszam, na razie mogę pomóc tylko po angielsku.",
        card_urgent="Ponieważ karta mogła zostać zgubiona lub skradziona, traktujemy to jako pilne.",
        fraud_urgent="Ponieważ może to być oszustwo, traktujemy to jako pilne.",
        scam_warning=(
            "Nigdy nie poprosimy o przelanie pieniędzy, aby je zabezpieczyć. Nie wysyłaj pieniędzy i nie "
            "podawaj żadnych kodów."
        ),
        card_freeze=(
            "W międzyczasie można od razu zablokować (zamrozić) kartę w aplikacji, w Card > Freeze, albo "
            f"zadzwonić do nas o każdej porze pod numer {_PHONE} (z zagranicy {_PHONE_ABROAD})."
        ),
        handoff_urgent="Przekazuję teraz rozmowę w pierwszej kolejności konsultantowi z naszego zespołu, "
        "który wkrótce odpowie tutaj.",
        handoff_normal="Przekazuję rozmowę konsultantowi z naszego zespołu, który odpowie tutaj tak szybko, "
        "jak to możliwe.",
        mixed_note="Mogę pomóc tylko po angielsku, więc odpowiadam na część wiadomości napisaną po "
        "angielsku. W razie potrzeby można poprosić o rozmowę z konsultantem.",
        balance_note=(
            "Mogę pomóc tylko po angielsku, ale oto saldo Twojego konta; jeśli wolisz, poproś o rozmowę z"
            " konsultantem."
        ),
        spending_note=(
            "Mogę pomóc tylko po angielsku, ale oto Twoje wydatki; jeśli wolisz, poproś o rozmowę z"
            " konsultantem."
        ),
    ),
    "pt": Wording(
        disclosure="Sou o assistente de inteligência artificial do Northbank, não uma pessoa.",
        english_only="Desculpe, de momento só consigo ajudar em inglês.",
        card_urgent="Como o seu cartão pode ter sido perdido ou roubado, vamos tratar isto como urgente.",
        fraud_urgent="Como pode ser uma fraude, vamos tratar isto como urgente.",
        scam_warning=(
            "Nunca lhe pediremos para transferir o seu dinheiro para o proteger. Não envie dinheiro nem "
            "partilhe nenhum código."
        ),
        card_freeze=(
            "Entretanto, pode bloquear (congelar) o seu cartão já na aplicação, em Card > Freeze, ou "
            f"ligar-nos a qualquer hora para o {_PHONE} (do estrangeiro, {_PHONE_ABROAD})."
        ),
        handoff_urgent="Vou passar agora a sua conversa, com prioridade, para um atendente do Northbank, "
        "que responderá aqui em breve.",
        handoff_normal="Vou passar a sua conversa para um atendente do Northbank, que responderá aqui assim "
        "que possível.",
        mixed_note="Só consigo ajudar em inglês, por isso respondo à parte da sua mensagem escrita em "
        "inglês. Se preferir, peça para falar com um atendente.",
        balance_note=(
            "Só consigo ajudar em inglês, mas aqui está o seu saldo; se preferir, peça para falar com uma"
            " pessoa."
        ),
        spending_note=(
            "Só consigo ajudar em inglês, mas aqui está o que gastou; se preferir, peça para falar com uma"
            " pessoa."
        ),
    ),
    "it": Wording(
        disclosure="Sono l'assistente di intelligenza artificiale di Northbank, non una persona.",
        english_only="Mi dispiace, al momento posso aiutarla solo in inglese.",
        card_urgent="Poiché la sua carta potrebbe essere stata persa o rubata, trattiamo la richiesta come "
        "urgente.",
        fraud_urgent="Poiché potrebbe trattarsi di una frode, trattiamo la richiesta come urgente.",
        scam_warning=(
            "Non le chiederemo mai di spostare il suo denaro per metterlo al sicuro. Non invii denaro e non "
            "comunichi alcun codice."
        ),
        card_freeze=(
            "Nel frattempo può bloccare (congelare) subito la carta nell'app, in Card > Freeze, oppure "
            f"chiamarci a qualsiasi ora allo {_PHONE} (dall'estero {_PHONE_ABROAD})."
        ),
        handoff_urgent="Passo subito la conversazione, con priorità, a un operatore del nostro team, che le "
        "risponderà qui a breve.",
        handoff_normal="Passo la conversazione a un operatore del nostro team, che le risponderà qui il "
        "prima possibile.",
        mixed_note="Posso aiutarla solo in inglese, quindi rispondo alla parte del messaggio scritta in "
        "inglese. Se preferisce, chieda di parlare con un operatore.",
        balance_note=(
            "Posso aiutarla solo in inglese, ma ecco il suo saldo; se preferisce, chieda di parlare con "
            "una persona."
        ),
        spending_note=(
            "Posso aiutarla solo in inglese, ma ecco quanto ha speso; se preferisce, chieda di parlare con"
            " una persona."
        ),
    ),
    "nl": Wording(
        disclosure="Ik ben de AI-assistent van Northbank, geen mens.",
        english_only="Sorry, ik kan u op dit moment alleen in het Engels helpen.",
        card_urgent="Omdat uw kaart mogelijk kwijt of gestolen is, behandelen we dit als dringend.",
        fraud_urgent="Omdat het om fraude kan gaan, behandelen we dit als dringend.",
        scam_warning=(
            "Wij zullen u nooit vragen uw geld over te maken om het veilig te stellen. Maak geen geld over "
            "en deel geen codes."
        ),
        card_freeze=(
            "Tot die tijd kunt u uw kaart meteen blokkeren (bevriezen) in de app, onder Card > Freeze, of "
            f"ons dag en nacht bellen op {_PHONE} (vanuit het buitenland {_PHONE_ABROAD})."
        ),
        handoff_urgent="Ik geef uw gesprek nu met voorrang door aan een medewerker van ons team, die u hier "
        "snel antwoordt.",
        handoff_normal="Ik geef uw gesprek door aan een medewerker van ons team, die u hier zo snel "
        "mogelijk antwoordt.",
        mixed_note="Ik kan alleen in het Engels helpen, dus ik beantwoord het Engelse deel van uw bericht. "
        "Vraag gerust naar een medewerker als u dat liever wilt.",
        balance_note=(
            "Ik kan u alleen in het Engels helpen, maar hier is uw saldo; als u wilt, vraag dan om een "
            "medewerker."
        ),
        spending_note=(
            "Ik kan u alleen in het Engels helpen, maar hier zijn uw uitgaven; als u wilt, vraag dan om een"
            " medewerker."
        ),
    ),
}


# A language the assistant has no wording for (Romanian, Turkish, Russian...: agents.safety.language.OTHER):
# the same answer, in English, which such a customer is likelier to read than a guess at their language.
IN_ENGLISH = Wording(
    disclosure=DEFAULT_DISCLOSURE,
    english_only="I'm sorry, I can only help in English at the moment.",
    card_urgent="As your card may be lost or stolen, we're treating this as urgent.",
    fraud_urgent="As this may be fraud, we're treating this as urgent.",
    scam_warning=(
        "We will never ask you to move your money to keep it safe. Please don't send any money or share any "
        "codes."
    ),
    card_freeze=(
        "In the meantime, you can freeze your card straight away in the app, under Card > Freeze, or call us "
        f"at any time on {_PHONE} (from abroad, {_PHONE_ABROAD})."
    ),
    handoff_urgent="I'm passing your conversation to a member of our team now, as a priority; they'll reply "
    "here shortly.",
    handoff_normal="I'm passing your conversation to a member of our team, who will reply here as soon as "
    "they can.",
    mixed_note="I can only help in English, so I've answered the part of your message written in English; "
    "you can ask to speak to a person if you prefer.",
    balance_note="I can only help in English, but here is your balance; you can ask to speak to a person if "
    "you prefer.",
    spending_note="I can only help in English, but here is what you spent; you can ask to speak to a person "
    "if you prefer.",
)


def wording_for(language: str) -> Wording:
    """The customer's language's wording, or the English one for a language the assistant has none for."""
    return WORDING.get(language, IN_ENGLISH)


def model_configured(settings: AgentSettings) -> bool:
    """The mini tier is a real model (app/agent.py sets these only then); the local provider is English."""
    return settings.llm_tools or settings.llm_review


@dataclass(frozen=True)
class LanguageScreen:
    """What ``screen`` does about the message's language."""

    flow: str
    """``FLOW`` when ``foreign_language`` answers this turn, else "" (the usual rules decide)."""
    text: str
    """The text the turn works on: the English sentences of a mixed message, else the message."""
    notice: str | None = None
    """A one-line note in the customer's language, shown before the reply."""


def screen_language(text: str, screening: dict[str, Any], settings: AgentSettings) -> LanguageScreen:
    read = screening.get("language")
    if not is_foreign(read):
        return LanguageScreen("", text)
    language = str(read)
    wording = wording_for(language)
    cues = foreign_cues(text, language)
    if model_configured(settings):
        # The model reads the language itself; a request for a person stays a rule, as in English.
        return LanguageScreen(FLOW if HUMAN in cues else "", text)
    english = mixed_english_part(text)
    if not cues - {BALANCE} and (spent := spending_in_english(text, language)):
        # "combien j'ai dépensé chez Aldi depuis septembre ?": a spending total, not the balance ("combien
        # j'ai" alone would be); the figures need no translation.
        return LanguageScreen("", spent, wording.spending_note)
    if cues == {BALANCE}:
        # "wie viel Geld habe ich auf meinem Girokonto?": the figures need no translation; a note in the
        # customer's language says the assistant works in English and a person can be asked for.
        return LanguageScreen("", "what is my balance", wording.balance_note)
    if english and not cues - {BALANCE}:
        return LanguageScreen("", english, wording.mixed_note)
    if language == ROMAN_URDU and not cues and written_in_latin(text):
        # "bhai mere paise kab aayenge, salary abhi tak nahi aayi": typed in Latin letters and mixed with the
        # English banking words it borrows, it is read as it is, in English, as it always was.
        return LanguageScreen("", text)
    return LanguageScreen(FLOW, text)


async def foreign_language(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Say, in the customer's language, that the assistant works in English, and hand off to a person."""
    language = str((state.get("screening") or {}).get("language") or "")
    wording = wording_for(language)
    cues = foreign_cues(state.get("text", ""), language)
    urgent = cues & URGENT_CUES
    parts = [wording.english_only]
    if urgent - {FRAUD, SCAM}:
        parts.append(wording.card_urgent)
    elif urgent:
        parts.append(wording.fraud_urgent)
    if SCAM in cues:
        parts.append(wording.scam_warning)
    if urgent:
        # A person picks up soon, but the card can be stopped now, by the customer, in any language.
        parts.append(wording.card_freeze)
    priority = "urgent" if urgent else "normal"
    reason = f"language: {language}" + (f" ({', '.join(sorted(cues))})" if cues else "")
    emit_step("foreign_language", f"handoff_{priority}", language=language, cues=sorted(cues))
    return {
        "draft": " ".join(parts),
        "draft_kind": "answer",
        "handoff": {
            "reason": reason,
            "priority": priority,
            "notice": wording.handoff_urgent if urgent else wording.handoff_normal,
        },
    }


def reply_language(state: AgentState, settings: AgentSettings) -> str | None:
    """The language ``phrase`` asks the mini tier to write in: the customer's, when a model is configured."""
    language = (state.get("screening") or {}).get("language")
    if is_foreign(language) and language in WORDING and model_configured(settings):
        return str(language)
    return None


def phrase_instruction(language: str) -> str:
    return f"in {NAMES[language]} (the customer's language; keep names, amounts and dates as given)"


def disclosure_text(state: AgentState, draft: str) -> str:
    """The AI disclosure for the first reply, in the language the reply is written in."""
    language = (state.get("screening") or {}).get("language")
    wording = WORDING.get(str(language))
    if wording and (state.get("flow") == FLOW or detect_language(draft) == language):
        return wording.disclosure
    return DEFAULT_DISCLOSURE
