"""Run a scenario (fixtures/scenarios/*.yaml) through the HTTP API on a freshly seeded bank, and judge it.

A scenario names a seeded customer, an optional set-up (model providers down, a tiny budget, the OpenAI or
Anthropic providers on recorded payloads) and turns; each turn has expectations checked against the API's
answer (the agent's steps, the reply) and the database (actions, complaints, handoffs, card statuses,
checkpoints). ``run_measured`` also returns what the run cost: the turn latencies as the client saw them and
every model call the gateway stored in ``model_call`` (tier, tokens, cost from the pricing table, latency).

The runner is shared by the test suite (tests/scenarios/) and ``bankdesk eval scenarios``; what differs
between them (the signing secret, placeholder API keys, scripted or failing model servers at the network
edge, extra checks on the stored data) comes in through a :class:`Harness`.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
import httpx2
import time_machine
import yaml
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from agents.safety.redact import redact
from app import db
from app.agent import AgentAssets
from app.auth.tokens import issue_token
from app.banking.seed import list_customers, list_staff, seed_demo_bank
from app.config import PROJECT_ROOT, Settings
from app.main import create_app
from app.models import Account, Card, Complaint, Dispute, Handoff, Message, ModelCall, ToolAction

SCENARIOS = PROJECT_ROOT / "fixtures" / "scenarios"
# Conversations written by an author who never read the agent's code; nobody tunes on them (bench/).
HELDOUT_SCENARIOS = PROJECT_ROOT / "bench" / "data" / "scenarios_heldout"
# The day every scenario runs on. The demo bank is seeded relative to "now" and the agent reads "last week"
# or "last month" against the same clock, so which seeded payments fall in such a range depends on the
# weekday and the day of the month: unpinned, "transactions-date-filter" passed on some days of the week and
# failed on others. The runner travels to this day (the clock keeps ticking from there), for the seed and the
# agent alike.
SCENARIO_DAY = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
SCENARIO_KEYS = frozenset({"name", "description", "customer", "turns", "setup", "providers", "categories"})


@dataclass
class Scenario:
    name: str
    description: str
    customer: int
    turns: list[dict[str, Any]]
    setup: dict[str, Any] = field(default_factory=dict)
    providers: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Scenario:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path.name}: a scenario is a YAML mapping")
        unknown = set(data) - SCENARIO_KEYS
        if unknown:
            raise ValueError(f"{path.name}: unknown keys {sorted(unknown)}")
        missing = {"name", "turns"} - set(data)
        if missing:
            raise ValueError(f"{path.name}: missing keys {sorted(missing)}")
        return cls(
            name=data["name"],
            description=data.get("description", ""),
            customer=int(data.get("customer", 1)),
            turns=list(data["turns"]),
            setup=dict(data.get("setup") or {}),
            providers=list(data.get("providers") or []),
            categories=[str(c) for c in _as_list(data.get("categories") or [])],
        )


def load_scenarios(directory: Path = SCENARIOS) -> list[Scenario]:
    return [Scenario.load(p) for p in sorted(directory.glob("*.yaml"))]


@dataclass(frozen=True)
class ModelSetup:
    """The models one run talks to: the assets (with their gateway config), a transport at the network edge
    (None: the real network), and environment variables set for the length of the run (API keys)."""

    assets: AgentAssets
    transport: httpx2.AsyncBaseTransport | None = None
    env: Mapping[str, str] = field(default_factory=dict)


class Harness(Protocol):
    """What the test suite and the evaluation command do differently around the same runner."""

    secret: str
    settings_overrides: Mapping[str, Any]
    """Settings for every run's app (a scenario's own set-up, such as a token budget, wins)."""

    def models(self, scenario: Scenario, assets: AgentAssets, provider: str) -> ModelSetup:
        """The models for this scenario's set-up (``provider``: "local" means the assets' own config)."""
        ...

    async def after_run(self, w: World) -> list[str]:
        """Problems found once every turn ran (e.g. a full card number stored somewhere)."""
        ...


@dataclass
class World:
    client: httpx.AsyncClient
    customer_headers: dict[str, str]
    staff_headers: dict[str, str]
    auditor_headers: dict[str, str]
    session: AsyncSession
    conversation_id: str
    transport: httpx2.AsyncBaseTransport | None
    customer_id: uuid.UUID


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@asynccontextmanager
async def world(
    scenario: Scenario, *, database_url: str, assets: AgentAssets, harness: Harness, provider: str = "local"
) -> AsyncIterator[World]:
    engine = db.create_engine(database_url)
    stack = ExitStack()
    try:
        await seed_demo_bank(engine, customers=5, seed=7)
        factory = db.create_sessionmaker(engine)
        async with factory() as session:
            customers = await list_customers(session, limit=5)
            staff = await list_staff(session)
        customer_id = uuid.UUID(customers[scenario.customer - 1]["id"])
        agent_id = uuid.UUID(next(s for s in staff if s["role"] == "agent")["id"])
        auditor_id = uuid.UUID(next(s for s in staff if s["role"] == "auditor")["id"])
        ttl = timedelta(hours=1)
        settings_kwargs: dict[str, Any] = dict(harness.settings_overrides)
        models = harness.models(scenario, assets, provider)
        if "token_budget" in scenario.setup:
            settings_kwargs["conversation_token_budget"] = int(scenario.setup["token_budget"])
        secret = harness.secret
        # The run's database is thrown away: its signed audit checkpoints go with it, never into the
        # operator's own checkpoint log (var/audit), which would then refuse the real database.
        scratch = tempfile.TemporaryDirectory(prefix="bankdesk-eval-")
        stack.callback(scratch.cleanup)
        settings_kwargs.setdefault("audit_checkpoint_path", Path(scratch.name) / "checkpoints.jsonl")
        settings = Settings(env="test", database_url=database_url, secret_key=secret, **settings_kwargs)
        with _environment(models.env):
            app = create_app(settings, assets=models.assets, http_transport=models.transport)
            async with app.router.lifespan_context(app):
                async with httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://t"
                ) as client:
                    headers = {
                        "Authorization": "Bearer "
                        + issue_token(secret, subject=customer_id, kind="customer", ttl=ttl)
                    }
                    staff_headers = {
                        "Authorization": "Bearer "
                        + issue_token(secret, subject=agent_id, kind="staff", ttl=ttl)
                    }
                    auditor_headers = {
                        "Authorization": "Bearer "
                        + issue_token(secret, subject=auditor_id, kind="staff", ttl=ttl)
                    }
                    created = await client.post("/v1/conversations", headers=headers)
                    assert created.status_code == 201, created.text
                    async with factory() as session:
                        yield World(
                            client,
                            headers,
                            staff_headers,
                            auditor_headers,
                            session,
                            created.json()["id"],
                            models.transport,
                            customer_id,
                        )
    finally:
        stack.close()
        await engine.dispose()


async def _audited_steps(w: World, after_seq: int) -> tuple[list[dict[str, Any]], int]:
    """The agent.step audit events of this conversation newer than ``after_seq``, and the newest seq."""
    r = await w.client.get(f"/v1/audit/conversations/{w.conversation_id}", headers=w.auditor_headers)
    assert r.status_code == 200, r.text
    events = [e for e in r.json()["events"] if e["seq"] > after_seq]
    newest = max([after_seq, *(e["seq"] for e in events)])
    return [e["payload"] for e in events if e["kind"] == "agent.step"], newest


def _steps(body: dict[str, Any], node: str) -> list[dict[str, Any]]:
    return [s for s in body.get("steps", []) if s.get("node") == node]


def _tools(body: dict[str, Any]) -> list[str]:
    return [c["tool"] for s in body.get("steps", []) for c in s.get("tool_calls") or []]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


async def _db_facts(w: World) -> dict[str, Any]:
    s = w.session
    cid = uuid.UUID(w.conversation_id)
    await s.rollback()  # a fresh snapshot
    facts = {
        "actions": await s.scalar(select(func.count(ToolAction.id)).where(ToolAction.conversation_id == cid)),
        "complaints": await s.scalar(
            select(func.count(Complaint.id)).where(Complaint.conversation_id == cid)
        ),
        "handoffs": await s.scalar(select(func.count(Handoff.id)).where(Handoff.conversation_id == cid)),
        "disputes": await s.scalar(select(func.count(Dispute.id))),
        "messages": await s.scalar(select(func.count(Message.id)).where(Message.conversation_id == cid)),
        "card_statuses": sorted((await s.scalars(select(Card.status))).all()),
        "cards": {
            last4: str(status)
            for last4, status in (
                await s.execute(
                    select(Card.last4, Card.status)
                    .join(Account, Account.id == Card.account_id)
                    .where(Account.customer_id == w.customer_id)
                )
            ).all()
        },
        "handoff_list": [
            (str(priority), reason)
            for priority, reason in (
                await s.execute(
                    select(Handoff.priority, Handoff.reason)
                    .where(Handoff.conversation_id == cid)
                    .order_by(Handoff.created_at)
                )
            ).all()
        ],
    }
    await s.rollback()  # end the read: on SQLite every transaction holds the write lock
    return facts


# LangGraph's channel versions look like "00000000000000000000000000000007.0.5335002647231373": a counter and
# the digits of random(), which are Luhn-valid one time in ten. They are the library's bookkeeping, not text.
def typed_card_numbers(text: str) -> list[re.Pattern[str]]:
    """Patterns for the card numbers the customer typed, in any spacing the redactor accepts."""
    patterns = []
    for finding in redact(text).findings:
        if finding.type == "card_number":
            digits = re.sub(r"\D", "", text[finding.start : finding.end])
            patterns.append(re.compile(r"[\s.-]?".join(digits)))
    return patterns


async def checkpoint_blobs_have_pan(w: World, typed: str) -> bool:
    """Read the agent's checkpoint table directly: does any stored value hold a card number the customer
    typed? (Searching for *any* Luhn-valid run would also match LangGraph's own random ids and versions.)"""
    patterns = typed_card_numbers(typed)
    assert patterns, "checkpoint_clean needs a turn that types a card number"
    s = w.session
    found = False
    for table, column in (("graph_checkpoint", "checkpoint"), ("graph_checkpoint", "writes")):
        rows = (await s.execute(text(f"SELECT {column} FROM {table}"))).all()  # noqa: S608
        assert rows, "checkpoint_clean: the conversation has no stored checkpoint to read"
        for (value,) in rows:
            if value is None:
                continue
            if isinstance(value, str):
                stored = value
            elif isinstance(value, dict | list):  # Postgres keeps the checkpoint itself as JSONB
                stored = json.dumps(value)
            else:
                stored = bytes(value).decode("latin-1")
            if any(p.search(stored) for p in patterns):
                found = True
    await s.rollback()
    return found


EXPECTATIONS = {
    "status_code",
    "model_intents",  # the scripted provider's answers (see world()); not a check
    "kind",
    "intent",
    "route",
    "flow",
    "procedure",
    "tools",
    "no_tools",
    "confirmation",
    "handoff",
    "findings",
    "flags",
    "compliance",
    "reply_contains",
    "reply_contains_any",
    "reply_excludes",
    "handoff_priority",
    "handoff_reason",
    "card_status",
    "message_excludes",
    "conversation_status",
    "actions",
    "complaints",
    "handoffs",
    "disputes",
    "messages",
    "card_statuses_include",
    "checkpoint_clean",
    "same_as_previous",
}


def check_turn(
    expect: dict[str, Any], status: int, body: dict[str, Any], before: dict[str, Any], after: dict[str, Any]
) -> list[str]:
    """Every expectation that does not hold, as a readable line."""
    problems: list[str] = []

    def fail(what: str, want: Any, got: Any) -> None:
        problems.append(f"{what}: expected {want!r}, got {got!r}")

    if status != expect.get("status_code", 201):
        fail("status_code", expect.get("status_code", 201), status)
        return problems
    if status >= 300:
        return problems
    reply = (body.get("reply") or {}).get("content") or ""
    triage = (_steps(body, "triage") or [{}])[0]
    route = (_steps(body, "route") or [{}])[0]
    screen = (_steps(body, "screen") or [{}])[0]
    compliance = [f["rule"] for s in _steps(body, "compliance") for f in s.get("findings", [])]
    unknown = set(expect) - EXPECTATIONS
    if unknown:
        problems.append(f"unknown expectations {sorted(unknown)}")
    tools = _tools(body)
    counted = {"actions", "complaints", "handoffs", "disputes", "messages"} & set(expect)
    for key in counted:
        delta = (after[key] or 0) - (before[key] or 0)
        if delta != expect[key]:
            fail(f"new {key}", expect[key], delta)
    if "kind" in expect and body.get("kind") != expect["kind"]:
        fail("kind", expect["kind"], body.get("kind"))
    if "intent" in expect and triage.get("intent") not in _as_list(expect["intent"]):
        fail("intent", expect["intent"], triage.get("intent"))
    if "route" in expect and triage.get("route") not in _as_list(expect["route"]):
        fail("route", expect["route"], triage.get("route"))
    if "flow" in expect:
        # The flow is route's decision; screen's when it bypassed triage; triage's when it could not
        # classify (every provider down: "degraded", budget spent: "budget_exceeded").
        unclassified = triage.get("decision") if triage and "intent" not in triage else None
        got = route.get("decision") or unclassified or screen.get("decision")
        if got not in _as_list(expect["flow"]):
            fail("flow", expect["flow"], got)
    if "procedure" in expect:
        got = [s.get("procedure") for s in _steps(body, "procedure")]
        if expect["procedure"] not in got:
            fail("procedure", expect["procedure"], got)
    if "tools" in expect and [t for t in _as_list(expect["tools"]) if t not in tools]:
        fail("tools called", expect["tools"], tools)
    if "no_tools" in expect and [t for t in _as_list(expect["no_tools"]) if t in tools]:
        fail("tools not called", expect["no_tools"], tools)
    if "confirmation" in expect and (body.get("kind") == "confirmation_required") != expect["confirmation"]:
        fail("confirmation", expect["confirmation"], body.get("kind"))
    if "handoff" in expect and (body.get("kind") == "handoff") != expect["handoff"]:
        fail("handoff", expect["handoff"], body.get("kind"))
    if "findings" in expect:
        got = sorted({f["type"] for f in screen.get("findings", [])})
        if sorted(set(_as_list(expect["findings"]))) != got:
            fail("findings", expect["findings"], got)
    if "flags" in expect and not set(_as_list(expect["flags"])) <= set(screen.get("flags", [])):
        fail("flags", expect["flags"], screen.get("flags", []))
    if "compliance" in expect and not set(_as_list(expect["compliance"])) <= set(compliance):
        fail("compliance findings", expect["compliance"], compliance)
    for fragment in _as_list(expect.get("reply_contains", [])):
        if fragment.lower() not in reply.lower():
            fail("reply contains", fragment, reply)
    if "reply_contains_any" in expect and not any(
        f.lower() in reply.lower() for f in _as_list(expect["reply_contains_any"])
    ):
        fail("reply contains one of", expect["reply_contains_any"], reply)
    new_handoffs = after["handoff_list"][len(before["handoff_list"]) :]
    if "handoff_priority" in expect:
        # The priority of the handoff this turn made (or, when it made none, of the conversation's newest).
        got = (new_handoffs or after["handoff_list"] or [(None, None)])[-1][0]
        if got != expect["handoff_priority"]:
            fail("handoff priority", expect["handoff_priority"], got)
    if "handoff_reason" in expect:
        got = (new_handoffs or after["handoff_list"] or [(None, "")])[-1][1] or ""
        if expect["handoff_reason"].lower() not in got.lower():
            fail("handoff reason contains", expect["handoff_reason"], got)
    for last4, status in (expect.get("card_status") or {}).items():
        if after["cards"].get(str(last4)) != status:
            fail(f"card ending {last4}", status, after["cards"].get(str(last4)))
    for fragment in _as_list(expect.get("reply_excludes", [])):
        if fragment.lower() in reply.lower():
            fail("reply excludes", fragment, reply)
    stored = body.get("message", {}).get("content", "")
    for fragment in _as_list(expect.get("message_excludes", [])):
        if fragment in stored:
            fail("stored message excludes", fragment, stored)
    if "conversation_status" in expect and body.get("status") != expect["conversation_status"]:
        fail("conversation status", expect["conversation_status"], body.get("status"))
    if "card_statuses_include" in expect and expect["card_statuses_include"] not in after["card_statuses"]:
        fail("card statuses include", expect["card_statuses_include"], after["card_statuses"])
    return problems


@dataclass(frozen=True)
class CallFigures:
    """One model call attempt as the gateway stored it (model_call)."""

    node: str
    tier: str
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cost_usd_micros: int
    latency_ms: float
    outcome: str
    escalation: str | None = None
    """The models config's escalation rule that moved the call up a tier (None: the step's own tier)."""


@dataclass
class RunOutcome:
    """One run of one scenario: what failed, and what it took."""

    problems: list[str] = field(default_factory=list)
    turn_latencies_ms: list[float] = field(default_factory=list)
    calls: list[CallFigures] = field(default_factory=list)
    handoffs: list[tuple[str, str]] = field(default_factory=list)
    """(priority, reason) of every handoff of the conversation at the end."""
    frozen_cards: list[str] = field(default_factory=list)
    """Last four digits of the customer's cards frozen at the end."""
    disputes: int = 0
    complaints: int = 0

    @property
    def passed(self) -> bool:
        return not self.problems


async def run(
    scenario: Scenario,
    *,
    database_url: str,
    assets: AgentAssets,
    harness: Harness,
    provider: str = "local",
    today: datetime = SCENARIO_DAY,
) -> list[str]:
    """Run every turn on the day `today`; return the failed expectations (empty when the scenario passes)."""
    outcome = await run_measured(
        scenario, database_url=database_url, assets=assets, harness=harness, provider=provider, today=today
    )
    return outcome.problems


async def run_measured(
    scenario: Scenario,
    *,
    database_url: str,
    assets: AgentAssets,
    harness: Harness,
    provider: str = "local",
    today: datetime = SCENARIO_DAY,
) -> RunOutcome:
    """Run every turn on the day `today`; the failed expectations with the run's latencies and model calls."""
    with time_machine.travel(today, tick=True):
        return await _run_turns(
            scenario, database_url=database_url, assets=assets, harness=harness, provider=provider
        )


async def _run_turns(
    scenario: Scenario, *, database_url: str, assets: AgentAssets, harness: Harness, provider: str
) -> RunOutcome:
    outcome = RunOutcome()
    problems = outcome.problems
    async with world(
        scenario, database_url=database_url, assets=assets, harness=harness, provider=provider
    ) as w:
        previous: tuple[str, dict[str, Any], dict[str, str]] | None = None
        last_seq = 0
        for index, turn in enumerate(scenario.turns, start=1):
            before = await _db_facts(w)
            url_base = f"/v1/conversations/{w.conversation_id}"
            if "say" in turn:
                headers = dict(w.customer_headers)
                if "idempotency_key" in turn:
                    headers["Idempotency-Key"] = turn["idempotency_key"]
                request = (f"{url_base}/messages", {"content": turn["say"]}, headers)
            elif "confirm" in turn:
                headers = dict(w.customer_headers)
                if "idempotency_key" in turn:
                    headers["Idempotency-Key"] = turn["idempotency_key"]
                request = (f"{url_base}/confirm", {"decision": turn["confirm"]}, headers)
            elif turn.get("retry"):
                assert previous is not None, "retry needs an earlier turn"
                request = previous
            elif "staff" in turn:
                await _staff_action(w, turn["staff"])
                continue
            else:
                raise ValueError(f"{scenario.name} turn {index}: say, confirm, retry or staff")
            started = time.perf_counter()
            response = await w.client.post(request[0], json=request[1], headers=request[2])
            outcome.turn_latencies_ms.append((time.perf_counter() - started) * 1000)
            previous = request
            body = response.json()
            if response.status_code < 300:
                # The customer sees node and decision; what each step did is read where auditors read it.
                body["steps"], last_seq = await _audited_steps(w, last_seq)
            after = await _db_facts(w)
            for line in check_turn(turn.get("expect", {}), response.status_code, body, before, after):
                problems.append(f"turn {index}: {line}")
            typed = str(turn.get("say", ""))
            if turn.get("expect", {}).get("checkpoint_clean") and await checkpoint_blobs_have_pan(w, typed):
                problems.append(f"turn {index}: a checkpoint holds a full card number")
        problems.extend(await harness.after_run(w))
        await _final_state(w, outcome)
    return outcome


async def _final_state(w: World, outcome: RunOutcome) -> None:
    """The bank's state at the end (handoffs, frozen cards, disputes) and every model call stored.

    Each run has a bank of its own, so every model_call row belongs to this run."""
    facts = await _db_facts(w)
    outcome.handoffs = list(facts["handoff_list"])
    outcome.frozen_cards = sorted(last4 for last4, status in facts["cards"].items() if status == "frozen")
    outcome.disputes = int(facts["disputes"] or 0)
    outcome.complaints = int(facts["complaints"] or 0)
    rows = (await w.session.scalars(select(ModelCall).order_by(ModelCall.created_at))).all()
    outcome.calls = [
        CallFigures(
            node=r.node,
            tier=r.tier,
            provider=r.provider,
            model=r.model,
            input_tokens=r.input_tokens,
            output_tokens=r.output_tokens,
            cost_usd_micros=r.cost_usd_micros,
            latency_ms=r.latency_ms,
            outcome=r.outcome,
            escalation=r.escalation,
        )
        for r in rows
    ]
    await w.session.rollback()


async def _staff_action(w: World, action: dict[str, Any]) -> None:
    queue = (await w.client.get("/v1/handoffs?status=open", headers=w.staff_headers)).json()["items"]
    claimed = (await w.client.get("/v1/handoffs?status=claimed", headers=w.staff_headers)).json()["items"]
    mine = [h for h in queue + claimed if h["conversation_id"] == w.conversation_id]
    assert mine, "no handoff for this conversation"
    hid = mine[0]["id"]
    if mine[0]["status"] == "open":
        assert (await w.client.post(f"/v1/handoffs/{hid}/claim", headers=w.staff_headers)).status_code == 200
    if "say" in action:
        r = await w.client.post(
            f"/v1/handoffs/{hid}/messages", json={"content": action["say"]}, headers=w.staff_headers
        )
        assert r.status_code == 201, r.text
    if action.get("return"):
        assert (await w.client.post(f"/v1/handoffs/{hid}/return", headers=w.staff_headers)).status_code == 200
