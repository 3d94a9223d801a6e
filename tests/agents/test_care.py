"""The care flows (issue 12): the scripts quoted from the help centre, and the graph sending scams, third
parties, vulnerability kinds and advice requests where they belong."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy.ext.asyncio import AsyncEngine

from agents.compliance.advice import INVESTMENT, LEGAL, TAX, advice_refusal, advice_requested
from agents.context import AgentSettings
from agents.dialogue.support_cues import purchase_scam_before_paying
from agents.graph import build_graph
from agents.kb import KnowledgeBase, load_kb
from agents.local import build_local_handlers
from agents.models.factory import build_gateway
from agents.models.recording import InMemoryRecorder
from agents.nodes import answers
from agents.nodes.care import (
    SCAM_REASON,
    banking_question,
    coercion_card_notice,
    scam_before_paying_script,
    scam_script,
    support_script,
    third_party_script,
)
from agents.ports import AgentEvent, TurnInput
from agents.runner import GraphAgent
from agents.safety.screen import screen, to_json
from app.agent import AgentAssets
from app.banking.ports import SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.db import create_sessionmaker

KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb(KB_DIR)


# --------------------------------------------------------------------------- scripts


def test_scam_script_warns_offers_the_freeze_and_hands_off_urgently(kb: KnowledgeBase) -> None:
    script = scam_script(kb, "fraud_victim")
    assert "We will never ask you to move money to keep it safe" in script.draft
    assert "0808 157 0192" in script.draft  # the help centre's "If you think you have been scammed"
    assert "freeze" in script.draft.lower()
    assert script.handoff == {"reason": SCAM_REASON, "priority": "urgent"}


@pytest.mark.parametrize(
    ("rules", "said"),
    [
        ({"overpayment_send_difference"}, "overpayment scam"),
        ({"payment_held_until_you_pay", "advance_fee_compensation"}, "overpayment scam"),
        ({"family_impersonation"}, "Call them on the number you already had"),
        ({"safe_account"}, "We will never ask you to move money to keep it safe"),
    ],
)
def test_a_scam_with_a_shape_of_its_own_is_warned_of_in_its_own_words(
    kb: KnowledgeBase, rules: set[str], said: str
) -> None:
    script = scam_script(kb, "fraud_victim", rules=rules)
    assert said in script.draft
    assert "scam" in script.draft
    assert script.handoff == {"reason": SCAM_REASON, "priority": "urgent"}


def test_coercion_gets_the_abuse_text_not_the_debt_script(kb: KnowledgeBase) -> None:
    script = scam_script(kb, "coercion")
    assert "not your fault" in script.draft
    assert "0808 2000 247" in script.draft  # National Domestic Abuse Helpline, from the help centre
    assert "StepChange" not in script.draft
    assert script.handoff == {"reason": SCAM_REASON, "priority": "urgent"}


def test_coercion_with_the_card_in_their_hands_keeps_the_abuse_text_before_the_freeze(
    kb: KnowledgeBase,
) -> None:
    notice = coercion_card_notice(kb)
    assert notice.startswith("Thank you for telling us; it is not your fault.")
    assert "0808 2000 247" in notice
    assert notice.endswith("Let's make your card safe first, then a member of our team will help.")


def test_self_harm_in_a_scam_message_is_answered_first(kb: KnowledgeBase) -> None:
    draft = scam_script(kb, "self_harm").draft
    assert draft.index("116 123") < draft.index("We will never ask you to move money")


@pytest.mark.parametrize(
    ("kind", "contains", "excludes", "priority"),
    [
        ("bereavement", ["sorry for your loss", "death certificate"], ["StepChange", "Samaritans"], "high"),
        ("health", ["Mind (0300 123 3393)"], ["StepChange"], "high"),
        ("financial_difficulty", ["StepChange", "repayment plan"], ["Samaritans"], "high"),
        (
            "mistaken_block",
            ["Card > Freeze", "+44 20 7946 0192", "confirm it was you"],
            ["StepChange"],
            "high",
        ),
        ("self_harm", ["116 123", "85258", "999"], ["StepChange"], "urgent"),
        ("fraud_victim", ["move money to keep it safe"], ["StepChange"], "urgent"),
        ("coercion", ["0808 2000 247"], ["StepChange"], "urgent"),
        ("distress", ["Samaritans"], [], "urgent"),
    ],
)
def test_each_kind_gets_its_own_script_and_priority(
    kb: KnowledgeBase, kind: str, contains: list[str], excludes: list[str], priority: str
) -> None:
    script = support_script(kb, kind)
    for text in contains:
        assert text in script.draft
    for text in excludes:
        assert text not in script.draft
    assert script.handoff is not None
    assert script.handoff["priority"] == priority


def test_a_carer_also_hears_about_a_mandate_or_power_of_attorney(kb: KnowledgeBase) -> None:
    assert "Power of Attorney" in support_script(kb, "health", third_party=True).draft
    assert "Power of Attorney" not in support_script(kb, "health").draft


def test_third_party_script_explains_without_a_handoff(kb: KnowledgeBase) -> None:
    script = third_party_script(kb)
    assert script.handoff is None
    assert "can't share or change anything on someone else's account" in script.draft
    assert "third-party mandate or a Power of Attorney" in script.draft
    assert "Samaritans" not in script.draft


def test_third_party_script_gives_the_freephone_number_only(kb: KnowledgeBase) -> None:
    # A reply about someone else's account carries no more digits than it must (a set-23 author's excluded
    # "946", the other customer's mortgage, was found in "+44 20 7946 0192").
    draft = third_party_script(kb).draft
    assert "By phone: Call 0808 157 0192 (free from UK landlines and mobiles)." in draft
    assert "+44" not in draft
    assert "from abroad" not in draft


def test_advice_refusal_names_only_what_was_asked() -> None:
    tax = advice_refusal([TAX])
    assert "can't give tax advice" in tax
    assert "HMRC" in tax
    assert "investment" not in tax
    assert "legal or tax advice" not in advice_refusal([LEGAL])


@pytest.mark.parametrize(
    ("text", "banking"),
    [
        ("What's the interest rate on the Easy Saver?", True),
        ("what's your phone number?", True),
        ("I've been charged twice", True),
        ("what's the daily limit?", True),
        ("who won the football last night", False),
        ("what's the weather like in Paris tomorrow?", False),
    ],
)
def test_banking_questions_are_told_apart_from_the_rest(text: str, banking: bool) -> None:
    assert banking_question(text) is banking


# --------------------------------------------------------------------------- through the graph


async def _agent(assets: AgentAssets) -> GraphAgent:
    gateway = build_gateway(
        assets.gateway_config,
        recorder=InMemoryRecorder(),
        local_handlers=build_local_handlers(assets.triage),
    )
    return GraphAgent(
        graph=build_graph(InMemorySaver()),
        gateway=gateway,
        kb=assets.kb,
        procedures=assets.procedures,
        settings=dataclasses.replace(AgentSettings(triage_threshold=assets.threshold)),
    )


async def _port(engine: AsyncEngine) -> SqlBankingPort:
    await seed_demo_bank(engine, customers=1, seed=7)
    factory = create_sessionmaker(engine)
    async with factory() as s:
        customer = (await list_customers(s, limit=1))[0]
    return SqlBankingPort(factory, customer_id=uuid.UUID(customer["id"]))


async def _run(assets: AgentAssets, engine: AsyncEngine, text: str) -> dict[str, Any]:
    screened = screen(text)
    turn = TurnInput(
        conversation_id=f"c-{uuid.uuid4().hex[:8]}",
        customer_id="unused-by-the-graph",
        text=screened.redacted,
        screening=to_json(screened) | {"vulnerability": screened.vulnerability},
        today="2026-11-28",
    )
    events: list[AgentEvent] = [e async for e in (await _agent(assets)).run_turn(turn, await _port(engine))]
    steps = [e.data for e in events if e.kind == "step"]
    return {
        "flow": steps[0]["decision"],
        "nodes": [s["node"] for s in steps],
        "handoffs": [e.data for e in events if e.kind == "effect" and e.data["type"] == "handoff"],
        "complaints": [e.data for e in events if e.kind == "effect" and e.data["type"] == "complaint"],
        "reply": events[-1].data.get("content", ""),
    }


async def test_safe_account_call_gets_the_warning_and_an_urgent_scam_handoff(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    run = await _run(
        agent_assets,
        engine,
        "I'm scared, someone from your fraud team is on the phone: I must move my savings to a safe account",
    )
    assert run["flow"] == "scam"
    assert [(h["reason"], h["priority"]) for h in run["handoffs"]] == [("scam", "urgent")]
    assert run["complaints"] == []  # fear is not a complaint
    assert "procedure" not in run["nodes"]
    assert "move money to keep it safe" in run["reply"]


async def test_a_card_in_a_safe_account_story_does_not_turn_the_scam_into_a_card_freeze(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    # The card is the caller's proof ("she knew my card had been stolen"); the money is what is at risk.
    run = await _run(
        agent_assets,
        engine,
        "a lady from your security department says my account is compromised and she knew my card had been "
        "stolen last week, i have to transfer my savings into a secure account today, can you do it",
    )
    assert [(h["reason"], h["priority"]) for h in run["handoffs"]] == [("scam", "urgent")]
    assert "procedure" not in run["nodes"]


async def test_coercion_with_the_card_kept_from_the_customer_offers_the_freeze_with_the_abuse_text(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    # The card is in the other person's hands: frozen first (asked, never done), the abuse support beside the
    # offer, and no scam wording; the person follows once the freeze is answered.
    run = await _run(
        agent_assets,
        engine,
        "my ex-husband kept my debit card when he moved out and won't give it back, he's been spending on it "
        "without my permission",
    )
    assert "procedure" in run["nodes"]
    assert run["handoffs"] == []
    assert "0808 2000 247" in run["reply"]
    assert "Shall I freeze" in run["reply"]
    assert "signs of a scam" not in run["reply"]


async def test_coercion_without_the_card_out_of_hand_keeps_the_script_and_the_urgent_person(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    text = "My partner takes my card and PIN every payday and I can't stop him"
    run = await _run(agent_assets, engine, text)
    assert "procedure" not in run["nodes"]
    assert [h["priority"] for h in run["handoffs"]] == ["urgent"]


async def test_a_relative_asking_gets_an_explanation_and_no_handoff(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    run = await _run(agent_assets, engine, "my mum asked me to check her account for her")
    assert run["flow"] == "third_party"
    assert run["handoffs"] == []
    assert "procedure" not in run["nodes"]
    assert "Samaritans" not in run["reply"]
    assert "Power of Attorney" in run["reply"]


async def test_bereavement_gets_condolences_and_the_offer_of_a_person(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    # Lead's decision (2 Dec): bereavement, health, financial difficulty and complaints offer a person; the
    # customer's yes hands off at high priority (scenario vulnerable-bereavement), a no keeps the assistant.
    run = await _run(agent_assets, engine, "My wife passed away on Tuesday, what happens to her account?")
    assert run["flow"] == "vulnerability"
    assert run["handoffs"] == []
    assert "sorry for your loss" in run["reply"]
    assert run["reply"].endswith("Would you like me to pass this to a member of our team?")
    assert "StepChange" not in run["reply"]


@pytest.mark.parametrize(
    ("text", "expected", "refused"),
    [
        # triaged out of scope by the local model, but a banking question: answered from the help centre
        ("which is better, standard or plus?", "£4.50 a month", False),
        ("what's the weather like in Paris tomorrow?", "I can't help with that here", False),
        ("should I buy bitcoin with my savings?", "can't give investment advice", True),
    ],
)
async def test_the_advice_refusal_answers_only_requests_for_advice(
    agent_assets: AgentAssets, engine: AsyncEngine, text: str, expected: str, refused: bool
) -> None:
    run = await _run(agent_assets, engine, text)
    assert expected in run["reply"]
    assert ("advice" in run["reply"]) is refused


@pytest.mark.parametrize(
    "text",
    [
        "thinking of sticking my easy saver money in bitcoin, everyone at work is. good shout or not?",
        "I'm not feeling great about it",
    ],
)
async def test_a_help_centre_answer_never_quotes_the_crisis_script(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    # The self-harm script says a person is on the way: only the care node sends it, when a screening cue
    # fired. Word overlap alone ("not", "feeling") must not pick it for an ordinary message.
    monkeypatch.setattr(answers, "emit_step", lambda *args, **kwargs: None)
    runtime = cast(Any, SimpleNamespace(context=SimpleNamespace(kb=kb)))
    result = await answers.kb_answer(cast(Any, {"text": text}), runtime)
    assert "Samaritans" not in result["draft"]
    assert "Self-harm" not in result["draft"]


@pytest.mark.parametrize(
    "text",
    [
        "thinking of sticking my easy saver money in bitcoin, everyone at work is. good shout or not?",
        "moving my isa money into shares next month, thoughts?",
        "got 500 quid to change into euros for the summer. do it now or wait? is the pound going up?",
        "will the dollar drop before we go to florida",
        "is it a good time to exchange my pounds for euros",
    ],
)
def test_a_verdict_on_an_investment_or_when_to_change_currency_is_advice(text: str) -> None:
    assert advice_requested(text) == [INVESTMENT]


@pytest.mark.parametrize(
    "text",
    [
        "move 200 into my easy saver",
        "what's the exchange rate for euros today",
        "i want to change 200 pounds into euros",
        "how much did i spend in euros last month",
        "is the euro account going down much this month",
    ],
)
def test_moving_money_or_asking_a_rate_is_not_advice(text: str) -> None:
    assert advice_requested(text) == []


def test_a_doorstep_trader_before_paying_is_warned_of_in_its_own_words(kb: KnowledgeBase) -> None:
    script = scam_before_paying_script(kb, rules={"doorstep_trader"})
    assert "rogue trader" in script.draft
    assert script.offer
    assert script.handoff == {"reason": SCAM_REASON, "priority": "urgent"}
    assert "rogue trader" not in scam_before_paying_script(kb).draft  # a purchase scam keeps its own


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("A man knocked and says my roof tiles are loose, he needs half today paid into his account", True),
        ("a man knocked saying my roof needs doing, I've already paid him half by bank transfer", False),
    ],
)
def test_a_doorstep_trader_is_before_paying_until_the_customer_says_so(text: str, before: bool) -> None:
    assert purchase_scam_before_paying(text) is before


async def test_the_doorstep_story_going_on_after_the_offer_of_a_person_is_warned_of_again(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    agent, port = await _agent(agent_assets), await _port(engine)
    conversation = f"c-{uuid.uuid4().hex[:8]}"

    def turn_of(text: str) -> TurnInput:
        screened = screen(text)
        return TurnInput(
            conversation_id=conversation,
            customer_id="unused-by-the-graph",
            text=screened.redacted,
            screening=to_json(screened) | {"vulnerability": screened.vulnerability},
            today="2026-11-28",
        )

    first = turn_of(
        "A man knocked and says my gutters are hanging off, he wants £400 up front today for materials by "
        "bank transfer. How do I pay him?"
    )
    events = [e async for e in agent.run_turn(first, port)]
    assert await agent.pending_confirmation(conversation) is not None  # a person offered
    assert "rogue trader" in events[-1].data.get("content", "")
    # Neither yes nor no to the offer (the app reads it "unclear"): the story goes on.
    second = turn_of("He's very friendly and he showed me the gutter on his phone, he's waiting outside")
    events = [e async for e in agent.resume(second, "unclear", port)]
    steps = [e.data for e in events if e.kind == "step"]
    assert ("confirm", "other") in [(s["node"], s["decision"]) for s in steps]
    assert "scam" in [s["node"] for s in steps]
    assert not [e for e in events if e.kind == "effect" and e.data["type"] == "complaint"]
    assert "rogue trader" in events[-1].data.get("content", "")


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("the breeder online wants £200 by bank transfer today to hold him, cant do a video call", True),
        ("seller on vinted wants £90 by transfer and refuses to facetime, is that ok", True),
        ("the seller on facebook wants a £50 deposit by transfer to secure the bike for me", True),
        ("I bought a sofa online and paid £300 by bank transfer, it came yesterday", False),
    ],
)
def test_a_seller_who_will_not_show_the_thing_or_wants_money_to_hold_it_is_a_purchase_scam(
    text: str, before: bool
) -> None:
    assert purchase_scam_before_paying(text) is before
