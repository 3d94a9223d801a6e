"""`bankdesk eval replay`: stored conversations replayed under another model configuration, turn by turn.

Each stored conversation in the window is replayed in order, from its first turn, by an agent built on
configuration B (a fresh in-memory graph memory per conversation): every customer message exactly as it was
stored (redacted), on the day it was sent, with tool results answered from what the audit log recorded
for that turn (``app.evaluation.replay_port``: no live read, no write, no real action). For each turn the
report sets what was recorded (A) beside what B does: intent, route, proposed or run action, handoff,
compliance outcome, reply length and model cost.

The agent's memory of a conversation is kept only as its newest checkpoint, so the state before turn N is
not stored: B builds its memory from its own replies to the same customer messages. A turn after the
first one whose intent, route, action or handoff changed is marked ``after_divergence``: from there on
the customer would probably have written something else.

A conversation runs under B's variant of the same name when B declares one, else under B's base tiers.
What staff wrote to the customer after a handoff is not passed to B (turns while a person had the
conversation were not answered by the agent and are reported as ``silent``).

Nothing is written: the database is only read (the session is never committed), model calls are counted
in memory, and the graph's memory lives in memory.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agents.dialogue.decision import read_answer
from agents.graph import build_graph
from agents.local import build_local_handlers
from agents.models.errors import GatewayConfigError
from agents.models.factory import build_gateway
from agents.models.gateway_config import GatewayConfig, load_config
from agents.models.recording import CallRecord, InMemoryRecorder
from agents.models.variants import DEFAULT_VARIANT
from agents.ports import AgentEvent, OutcomeKind, TurnInput, TurnOutcome
from agents.runner import GraphAgent
from agents.safety.screen import screen, to_json
from app.agent import AgentAssets, build_agent_settings, load_assets
from app.banking.ports import SqlBankingPort
from app.config import Settings, get_settings
from app.db import create_engine, create_sessionmaker
from app.evaluation.progress import progress_bar
from app.evaluation.replay_port import ReplayBankingPort, ToolNotRecorded
from app.evaluation.stored import (
    StoredCall,
    StoredConversation,
    StoredTurn,
    WindowError,
    conversations_in,
    load_conversation,
    model_calls,
    parse_window,
)

FIELDS = ("intent", "route", "action", "handoff", "compliance", "reply_chars", "cost_usd_micros")
# Nodes every turn passes through, or that the fields below read on their own: not part of the route.
NOT_ROUTE = frozenset(
    {"triage", "screen", "route", "confirm", "procedure", "execute", "compliance", "phrase", "respond"}
)
DECISIVE = ("intent", "route", "action", "handoff")  # a change here means the conversation would diverge


@dataclass(frozen=True)
class TurnFacts:
    """What one turn did, in the fields the report compares."""

    intent: str
    route: str
    action: str
    handoff: bool
    compliance: str
    reply_chars: int
    cost_usd_micros: int
    model_calls: int

    def value(self, name: str) -> Any:
        return getattr(self, name)


@dataclass
class TurnComparison:
    conversation_id: str
    variant: str
    turn: int
    text: str
    kind: str
    status: str  # replayed | tool_not_recorded | error | silent
    note: str
    recorded: TurnFacts | None
    replayed: TurnFacts | None
    changed: list[str] = field(default_factory=list)
    after_divergence: bool = False
    proposed_writes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "variant": self.variant,
            "turn": self.turn,
            "text": self.text,
            "kind": self.kind,
            "status": self.status,
            "note": self.note,
            "recorded": dataclasses.asdict(self.recorded) if self.recorded else None,
            "replayed": dataclasses.asdict(self.replayed) if self.replayed else None,
            "changed": self.changed,
            "after_divergence": self.after_divergence,
            "proposed_writes": self.proposed_writes,
        }


@dataclass
class ReplayReport:
    window: str
    models: str
    conversations: int
    turns: list[TurnComparison]

    def summary(self) -> dict[str, Any]:
        # Only turns B ran to their end; one stopped by an unrecorded read or an error counts by its status.
        compared = [
            t
            for t in self.turns
            if t.status == "replayed" and t.recorded is not None and t.replayed is not None
        ]
        statuses: dict[str, int] = {}
        for t in self.turns:
            statuses[t.status] = statuses.get(t.status, 0) + 1
        return {
            "conversations": self.conversations,
            "turns": len(self.turns),
            "compared": len(compared),
            "by_status": statuses,
            "changed": {name: sum(name in t.changed for t in compared) for name in FIELDS},
            "turns_with_any_change": sum(bool(t.changed) for t in compared),
            "turns_after_divergence": sum(t.after_divergence for t in self.turns),
            "turns_with_live_reads": sum("live read:" in t.note for t in self.turns),
            "cost_usd_micros": {
                "recorded": sum(t.recorded.cost_usd_micros for t in compared if t.recorded),
                "replayed": sum(t.replayed.cost_usd_micros for t in compared if t.replayed),
            },
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "command": "bankdesk eval replay",
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "window": self.window,
            "models": self.models,
            "summary": self.summary(),
            "turns": [t.as_json() for t in self.turns],
        }


# --- what a turn did, from its steps (the audit log's agent.step payloads and B's step events alike) --


def _short(value: Any) -> str:
    text = str(value)
    return text[:8] if len(text) == 36 and text.count("-") == 4 else text  # a UUID: its first 8 digits


def _action_text(tool: Any, arguments: Any) -> str:
    args = arguments if isinstance(arguments, dict) else {}
    inside = ", ".join(f"{_short(v)}" for k, v in sorted(args.items()) if k != "idempotency_key")
    return f"{tool}({inside})"


def facts_of(
    steps: Sequence[dict[str, Any]], *, reply: str | None, handoff: bool, calls: Sequence[tuple[int, str]]
) -> TurnFacts:
    """``calls``: (cost in micro-dollars, call id) of every model-call attempt of the turn."""
    intents: list[str] = []
    route: list[str] = []
    actions: list[str] = []
    compliance: list[str] = []
    for step in steps:
        node = step.get("node")
        if node == "triage":
            # No intent: the model was not asked or did not answer (e.g. "degraded").
            intents.append(str(step["intent"]) if step.get("intent") else f"({step.get('decision')})")
        elif node == "screen":
            if step.get("decision") != "triage":  # screening itself chose the flow (refuse, scam...)
                route.append(f"screen:{step.get('decision')}")
        elif node not in NOT_ROUTE:  # a flow's own node: degraded, handoff, complaint, clarify...
            route.append(f"{node}:{step.get('decision')}")
        if node == "route":
            if step.get("decision") != "procedure":  # a procedure is named by its own step
                route.append(str(step.get("decision")))
        elif node == "confirm":
            route.append(f"confirm:{step.get('decision')}")
        elif node == "procedure":
            if step.get("procedure") and not route[-1:] == [f"procedure:{step['procedure']}"]:
                route.append(f"procedure:{step['procedure']}")
            action = step.get("action")
            if isinstance(action, dict):
                actions.append("ask " + _action_text(action.get("tool"), action.get("args")))
        elif node == "execute":
            actions.append(
                f"run {_action_text(step.get('tool'), step.get('arguments'))}: {step.get('decision')}"
            )
        elif node == "compliance":
            compliance.append(str(step.get("decision")))
    return TurnFacts(
        intent="+".join(intents),
        route=" ".join(route),
        action="; ".join(actions),
        handoff=handoff,
        compliance=" ".join(compliance),
        reply_chars=len(reply or ""),
        cost_usd_micros=sum(cost for cost, _ in calls),
        model_calls=len({call_id for _, call_id in calls}),
    )


# --- the agent under configuration B --------------------------------------------------------------


@dataclass
class Replayer:
    agent: GraphAgent
    recorder: InMemoryRecorder
    config: GatewayConfig
    settings: Settings
    # Unrecorded reads go to the bank's live data (read-only) through it; None: they are "tool not recorded".
    factory: async_sessionmaker[AsyncSession] | None = None

    async def aclose(self) -> None:
        await self.agent.gateway.aclose()


def build_replayer(
    settings: Settings,
    assets: AgentAssets,
    config: GatewayConfig,
    *,
    http_transport: httpx2.AsyncBaseTransport | None = None,
) -> Replayer:
    """An agent like the app's (``app.agent.agent_runtime``) on configuration B, with its memory in memory."""
    recorder = InMemoryRecorder()
    gateway = build_gateway(
        config,
        recorder=recorder,
        local_handlers=build_local_handlers(assets.triage),
        http_transport=http_transport,
    )
    agent_settings = build_agent_settings(settings, assets, config)
    agent = GraphAgent(
        graph=build_graph(InMemorySaver()),
        gateway=gateway,
        kb=assets.kb,
        procedures=assets.procedures,
        settings=agent_settings,
    )
    return Replayer(agent=agent, recorder=recorder, config=config, settings=settings)


async def _replay_turn(
    replayer: Replayer,
    conversation: StoredConversation,
    turn: StoredTurn,
    *,
    first_reply: bool,
    spent: tuple[int, int],
) -> tuple[str, str, list[dict[str, Any]], TurnOutcome | None, list[CallRecord], ReplayBankingPort]:
    agent = replayer.agent
    cid = str(conversation.id)
    variant = conversation.variant if conversation.variant in replayer.config.variants else DEFAULT_VARIANT
    screened = screen(turn.text)
    hours = replayer.settings.hours()
    turn_input = TurnInput(
        conversation_id=cid,
        customer_id=str(conversation.customer_id),
        text=turn.text,
        variant=variant,
        first_reply=first_reply,
        screening=to_json(screened) | {"vulnerability": screened.vulnerability},
        today=turn.at.date().isoformat(),
        tokens_used=spent[0],
        cost_usd_micros=spent[1],
        support_hours=hours.summary(),
        support_open_now=hours.status(turn.at).open_now,
    )
    live = (
        None
        if replayer.factory is None
        else SqlBankingPort(replayer.factory, customer_id=conversation.customer_id, require_consent=True)
    )
    port = ReplayBankingPort(conversation, turn, live=live)
    pending = await agent.pending_confirmation(cid)
    if pending is not None:
        confirmed = turn.decision if turn.kind == "confirm" else None
        decision = confirmed or read_answer(turn.text, pending).value
        stream = agent.resume(turn_input, decision, port)
    else:
        stream = agent.run_turn(turn_input, port)
    before = len(replayer.recorder.records)
    steps: list[dict[str, Any]] = []
    outcome: TurnOutcome | None = None
    status, note = "replayed", ""
    try:
        async for event in stream:
            outcome = _collect(event, steps) or outcome
    except ToolNotRecorded as exc:
        status, note = "tool_not_recorded", str(exc)
    except Exception as exc:  # B failing a turn is a finding, not a reason to stop the whole replay
        status, note = "error", f"{type(exc).__name__}: {exc}"
    if turn.kind == "confirm" and pending is None:
        note = (note + "; " if note else "") + "B was not waiting for a confirmation here"
    if port.live_reads:
        note = (note + "; " if note else "") + "live read: " + ", ".join(dict.fromkeys(port.live_reads))
    if port.borrowed:
        note = (note + "; " if note else "") + "read from another turn: " + ", ".join(port.borrowed)
    return status, note, steps, outcome, replayer.recorder.records[before:], port


def _collect(event: AgentEvent, steps: list[dict[str, Any]]) -> TurnOutcome | None:
    if event.kind == "step":
        steps.append(dict(event.data))
    if event.kind == "completed":
        return event.outcome
    return None


async def replay(
    settings: Settings,
    models: Path,
    *,
    since: str,
    until: str | None = None,
    limit: int | None = None,
    assets: AgentAssets | None = None,
    http_transport: httpx2.AsyncBaseTransport | None = None,
    show_progress: bool = False,
    recorded_only: bool = False,
) -> ReplayReport:
    """Replay the stored conversations of the window under ``models``. Raises WindowError /
    GatewayConfigError on bad input, before anything runs."""
    window = parse_window(since, until)
    if limit is not None and limit < 1:
        raise WindowError("--limit must be at least 1")
    config = load_config(models)
    if assets is None:
        assets = await asyncio.to_thread(load_assets, settings)
    replayer = build_replayer(settings, assets, config, http_transport=http_transport)
    engine = create_engine(settings.database_url)
    factory = create_sessionmaker(engine)
    replayer.factory = None if recorded_only else factory
    stored: list[tuple[StoredConversation, dict[str, list[StoredCall]]]] = []
    try:
        async with factory() as session:
            for row in await conversations_in(session, window, limit=limit):
                loaded = await load_conversation(session, row)
                stored.append((loaded, await model_calls(session, row.id)))
            await session.rollback()
        comparisons: list[TurnComparison] = []
        total = sum(len(c.turns) for c, _ in stored)
        with progress_bar("replaying turns", total, enabled=show_progress) as advance:
            for conversation, calls in stored:
                comparisons += await _replay_conversation(replayer, conversation, calls, advance)
    finally:
        await replayer.aclose()
        await engine.dispose()
    return ReplayReport(
        window=window.label(), models=str(models), conversations=len(stored), turns=comparisons
    )


async def _replay_conversation(
    replayer: Replayer,
    conversation: StoredConversation,
    calls: dict[str, list[StoredCall]],
    advance: Any,
) -> list[TurnComparison]:
    out: list[TurnComparison] = []
    diverged = False
    replied = False
    spent = (0, 0)
    for turn in conversation.turns:
        base = TurnComparison(
            conversation_id=str(conversation.id),
            variant=conversation.variant,
            turn=turn.index + 1,
            text=turn.text,
            kind=turn.kind,
            status="silent",
            note="",
            recorded=None,
            replayed=None,
            after_divergence=diverged,
        )
        advance()
        if turn.silent:
            base.note = "the conversation was with a person; the agent did not answer"
            out.append(base)
            continue
        recorded_calls = [
            (row.cost_usd_micros, row.call_id) for cid in turn.call_ids for row in calls.get(cid, [])
        ]
        base.recorded = facts_of(turn.steps, reply=turn.reply, handoff=turn.handoff, calls=recorded_calls)
        status, note, steps, outcome, records, port = await _replay_turn(
            replayer, conversation, turn, first_reply=not replied, spent=spent
        )
        replied = replied or bool(turn.reply)
        spent = (
            spent[0] + sum(r.input_tokens + r.output_tokens for r in records),
            spent[1] + sum(r.cost_usd_micros for r in records),
        )
        handoff = outcome is not None and (outcome.handoff is not None or outcome.kind == OutcomeKind.HANDOFF)
        base.replayed = facts_of(
            steps,
            reply=outcome.reply if outcome else None,
            handoff=handoff,
            calls=[(r.cost_usd_micros, r.call_id) for r in records],
        )
        base.status, base.note = status, note
        base.proposed_writes = [f"{w.tool}({_short(w.target_id)}): {w.answered}" for w in port.writes]
        base.changed = [name for name in FIELDS if base.recorded.value(name) != base.replayed.value(name)]
        diverged = diverged or any(name in base.changed for name in DECISIVE) or status != "replayed"
        out.append(base)
    return out


# --- output ------------------------------------------------------------------------------------------

LABELS = {
    "intent": "intent",
    "route": "route",
    "action": "action",
    "handoff": "handoff",
    "compliance": "compliance",
    "reply_chars": "reply length",
    "cost_usd_micros": "cost (µ$)",
}


def _cell(t: TurnComparison, name: str) -> str:
    if t.recorded is None or t.replayed is None:
        return "—"
    a, b = t.recorded.value(name), t.replayed.value(name)
    return f"{a or '∅'} → {b or '∅'}" if name in t.changed else "="


def render_markdown(report: ReplayReport) -> str:
    s = report.summary()
    lines = [
        "# Replay of stored conversations",
        "",
        f"- Window: {report.window}",
        f"- Configuration B: `{report.models}`",
        f"- Conversations: {s['conversations']}; turns: {s['turns']}; compared: {s['compared']}; "
        f"by status: {', '.join(f'{k} {v}' for k, v in sorted(s['by_status'].items()))}",
        f"- Turns with any change: {s['turns_with_any_change']}; turns after a divergence: "
        f"{s['turns_after_divergence']}; turns with a read the audit log did not record, answered from "
        f"live data: {s['turns_with_live_reads']}",
        f"- Model cost (µ$): recorded {s['cost_usd_micros']['recorded']}, "
        f"under B {s['cost_usd_micros']['replayed']}",
        "",
        "Tool results come from what each turn recorded (a read recorded nowhere: from live data, read-only, "
        "marked in the notes); nothing was written and no action was run. "
        "`=`: the same as recorded; `A → B` otherwise.",
        "",
        "## Turns changed, per field",
        "",
        "| field | turns changed |",
        "|---|---|",
        *[f"| {LABELS[name]} | {count} |" for name, count in s["changed"].items()],
        "",
        "## Turn by turn",
        "",
        "| conv | turn | message | status | " + " | ".join(LABELS[n] for n in FIELDS) + " |",
        "|---|---|---|---|" + "---|" * len(FIELDS),
    ]
    for t in report.turns:
        message = t.text.replace("|", "\\|").replace("\n", " ")[:60]
        status = t.status + (" (after divergence)" if t.after_divergence else "")
        cells = " | ".join(_cell(t, n).replace("|", "\\|") for n in FIELDS)
        lines.append(f"| {t.conversation_id[:8]} | {t.turn} | {message} | {status} | {cells} |")
    notes = [t for t in report.turns if t.note or t.proposed_writes]
    if notes:
        lines += ["", "## Notes", ""]
        for t in notes:
            extra = "; ".join(filter(None, [t.note, ", ".join(f"write {w}" for w in t.proposed_writes)]))
            lines.append(f"- {t.conversation_id[:8]} turn {t.turn}: {extra}")
    return "\n".join(lines) + "\n"


def print_table(report: ReplayReport) -> None:
    s = report.summary()
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich is a dependency of the dev install only
        sys.stdout.write(render_markdown(report))
        return
    table = Table(title=f"Replay under {report.models} ({report.window})")
    for column in ("conv", "turn", "message", "status", *(LABELS[n] for n in FIELDS)):
        table.add_column(column, overflow="fold")
    for t in report.turns:
        table.add_row(
            t.conversation_id[:8],
            str(t.turn),
            t.text[:40],
            t.status + ("*" if t.after_divergence else ""),
            *(_cell(t, n) for n in FIELDS),
        )
    console = Console()
    if not console.is_terminal:  # a file or a pipe: wide enough for the table
        console = Console(width=160)
    console.print(table)
    console.print(
        f"{s['compared']} of {s['turns']} turns compared; changed: "
        + ", ".join(f"{LABELS[n]} {c}" for n, c in s["changed"].items())
        + f"; * after a divergence ({s['turns_after_divergence']})",
        highlight=False,
    )


def write_reports(report: ReplayReport, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n")
    (out / "report.md").write_text(render_markdown(report))


def command(args: argparse.Namespace) -> int:
    """`bankdesk eval replay --since DATE [--until DATE] --models B.toml [--limit N] [--out DIR]`."""
    models = Path(args.models)
    if not models.is_file():
        sys.stderr.write(f"bankdesk eval replay: models file {str(models)!r} not found\n")
        return 2
    try:
        report = asyncio.run(
            replay(
                get_settings(),
                models,
                since=args.since,
                until=args.until,
                limit=args.limit,
                show_progress=True,
                recorded_only=bool(getattr(args, "recorded_only", False)),
            )
        )
    except (WindowError, GatewayConfigError) as exc:
        sys.stderr.write(f"bankdesk eval replay: {exc}\n")
        return 2
    print_table(report)
    write_reports(report, Path(args.out))
    sys.stdout.write(f"report: {Path(args.out) / 'report.md'}, {Path(args.out) / 'report.json'}\n")
    return 0
