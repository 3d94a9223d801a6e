"""CPU and SQL statements per customer turn, in one process: the steering figures of issue 14.

Usage: .venv/bin/python -m bench.turn_cost [--backends sqlite,postgres] [--turns 100] [--statements]
[--profile DIR] [--phases] [--no-memory]

Wall-clock figures on a shared machine are noisy; what a turn costs in CPU and in round trips to the
database is much less so, and is what decides the throughput of one process. For each backend a fresh
database is migrated and seeded (as ``bench.turn_bench`` does), then the app is built in this process
(``app.main.create_app``, production settings, local provider) and driven through its ASGI interface by one
client playing the read-only 5-turn conversations of ``bench.loadgen`` (one customer per conversation), one
turn at a time. After ``--warmup`` turns it counts, over ``--turns`` turns:

- CPU: this process's CPU seconds (``time.process_time``: every thread, so aiosqlite's too) per turn, the
  conversation POSTs included (as the load generator's server CPU does); the client's share is the small
  cost of httpx's ASGI transport;
- statements: every statement the app's engines send (a SQLAlchemy ``before_cursor_execute`` listener),
  per turn, and with ``--statements`` the most frequent ones;
- with ``--profile DIR``: cProfile's tables of the measured turns, by own and by cumulative time
  (DIR/turn_cost_<backend>.txt); deterministic profiling slows the turn down, so read its shares;
- with ``--phases``: the CPU a turn split by where the process was: admission (``service.admit``), the
  agent (from the turn's first agent event to its last), storing and releasing the turn (the rest of
  ``service._run_turn``) and everything else of the request (the HTTP stack, the token, the JSON, the
  test client, the conversation POSTs). One turn runs at a time, so every thread's CPU in an interval is
  that phase's;
- with ``--no-memory``: the text memories (``agents.memo``: triage, screening, tokens) keep nothing, so every
  message costs what a message never seen before does (the bench's scripted messages repeat).

There is no uvicorn here (its HTTP parsing is the same for Bankdesk and the floor): compare these figures
with each other (before/after a change, run back to back), not with ``turn_bench``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench import live
from bench.loadgen import SCRIPTS, customer_tokens

OUT = live.ROOT / "bench" / "out"


class Phases:
    """CPU seconds of the process (every thread) spent in each phase of the measured turns."""

    def __init__(self) -> None:
        self.on = False
        self.cpu: dict[str, float] = {"admission": 0.0, "agent": 0.0, "run_turn": 0.0}

    def install(self) -> None:
        from app.conversations import service

        admit, run_turn, agent_events = service.admit, service._run_turn, service._agent_events
        phases = self

        async def timed_admit(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return await admit(*args, **kwargs)
            finally:
                phases.add("admission", start)

        async def timed_agent_events(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                async for item in agent_events(*args, **kwargs):
                    yield item
            finally:
                phases.add("agent", start)

        async def timed_run_turn(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return await run_turn(*args, **kwargs)
            finally:
                phases.add("run_turn", start)

        service.admit = timed_admit
        service._agent_events = timed_agent_events
        service._run_turn = timed_run_turn

    def add(self, phase: str, start: float) -> None:
        if self.on:
            self.cpu[phase] += time.process_time() - start

    def per_turn(self, total_cpu: float, turns: int) -> dict[str, float]:
        store = self.cpu["run_turn"] - self.cpu["agent"]
        rest = total_cpu - self.cpu["admission"] - self.cpu["run_turn"]
        split = {
            "admission": self.cpu["admission"],
            "agent": self.cpu["agent"],
            "store": store,
            "request": rest,
        }
        return {k: 1000 * v / turns for k, v in split.items()}


class StatementCounter:
    def __init__(self) -> None:
        self.on = False
        self.count = 0
        self.texts: Counter[str] = Counter()

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.on:
            self.count += 1
            self.texts[_shape(statement)] += 1


def _shape(statement: str) -> str:
    text = re.sub(r"\s+", " ", statement).strip()
    text = re.sub(r"\(\s*(\$\d+|\?|%\(\w+\)s)(\s*,\s*(\$\d+|\?|%\(\w+\)s))*\s*\)", "(...)", text)
    return text[:160]


async def _play(
    app: Any,
    tokens: list[str],
    *,
    warmup: int,
    turns: int,
    counter: StatementCounter,
    profile: Path | None,
    phases: Phases | None = None,
) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=app)
    customers = iter(tokens)
    played = 0
    cpu_start = wall_start = 0.0
    profiler: Any = None
    kinds: Counter[str] = Counter()
    async with httpx.AsyncClient(transport=transport, base_url="http://bankdesk", timeout=60) as client:
        conversation = 0
        while played < warmup + turns:
            headers = {"Authorization": f"Bearer {next(customers)}"}
            created = await client.post("/v1/conversations", headers=headers)
            created.raise_for_status()
            cid = created.json()["id"]
            for text in SCRIPTS[conversation % len(SCRIPTS)][:5]:
                if played == warmup:
                    counter.on = True
                    counter.count = 0
                    counter.texts.clear()
                    if phases is not None:
                        phases.on = True
                    if profile is not None:
                        import cProfile

                        profiler = cProfile.Profile()
                        profiler.enable()
                    cpu_start, wall_start = time.process_time(), time.perf_counter()
                if played == warmup + turns:
                    break
                reply = await client.post(
                    f"/v1/conversations/{cid}/messages", headers=headers, json={"content": text}
                )
                if reply.status_code != 201:
                    raise RuntimeError(f"turn failed: {reply.status_code} {reply.text[:500]}")
                if played >= warmup:
                    kinds[reply.json()["kind"]] += 1
                played += 1
            conversation += 1
    cpu, wall = time.process_time() - cpu_start, time.perf_counter() - wall_start
    counter.on = False
    if phases is not None:
        phases.on = False
    report: str | None = None
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        if raw := os.environ.get("BENCH_PROFILE_RAW"):
            profiler.dump_stats(raw)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(60)
        stats.sort_stats("cumulative").print_stats(120)
        stats.print_callers("__instancecheck__")
        report = out.getvalue()
    return {
        "turns": turns,
        "cpu_ms_per_turn": 1000 * cpu / turns,
        "wall_ms_per_turn": 1000 * wall / turns,
        "statements_per_turn": counter.count / turns,
        "kinds": dict(kinds),
        "top_statements": [(n / turns, s) for s, n in counter.texts.most_common(40)],
        "profile": report,
        "phases_ms_per_turn": phases.per_turn(cpu, turns) if phases is not None else None,
    }


def run_backend(backend: str, args: argparse.Namespace, stack: contextlib.ExitStack) -> dict[str, Any]:
    work = live.scratch_dir(stack, f"turn-cost-{backend}-")
    secret = live.new_secret()
    url = live.scratch_database(stack, backend, "turncost", work)
    env = live.bankdesk_env(url, work / "var", secret, BANKDESK_AUDIT_CHECKPOINT_SECONDS="0")
    needed = (args.turns + args.warmup) // 5 + 3
    ids = live.prepare_bankdesk(env, customers=needed, seed=args.seed)
    tokens = [c.token for c in customer_tokens(secret, ids)]
    os.environ.update({k: v for k, v in env.items() if k.startswith("BANKDESK_")})

    from app.config import Settings
    from app.main import create_app

    counter = StatementCounter()
    phases = Phases() if args.phases else None
    if phases is not None:
        phases.install()
    # On Postgres the turn's statements go through SQLAlchemy and straight to psycopg's connection (admission,
    # the store, the banking reads): all are counted at psycopg's cursor. On SQLite at SQLAlchemy's event.
    import psycopg

    execute, executemany = psycopg.AsyncCursor.execute, psycopg.AsyncCursor.executemany

    async def counted_execute(cursor: Any, query: Any, *a: Any, **k: Any) -> Any:
        counter(None, None, str(query))
        return await execute(cursor, query, *a, **k)

    async def counted_executemany(cursor: Any, query: Any, *a: Any, **k: Any) -> Any:
        counter(None, None, str(query))
        return await executemany(cursor, query, *a, **k)

    if backend == "postgres":
        psycopg.AsyncCursor.execute = counted_execute  # type: ignore[method-assign]
        psycopg.AsyncCursor.executemany = counted_executemany  # type: ignore[method-assign]
    else:
        event.listen(Engine, "before_cursor_execute", counter)
    try:
        app = create_app(Settings())

        async def go() -> dict[str, Any]:
            async with app.router.lifespan_context(app):
                return await _play(
                    app,
                    tokens,
                    warmup=args.warmup,
                    turns=args.turns,
                    counter=counter,
                    profile=args.profile,
                    phases=phases,
                )

        result = asyncio.run(go())
    finally:
        if backend == "postgres":
            psycopg.AsyncCursor.execute = execute  # type: ignore[method-assign]
            psycopg.AsyncCursor.executemany = executemany  # type: ignore[method-assign]
        else:
            event.remove(Engine, "before_cursor_execute", counter)
    if args.profile is not None and result["profile"]:
        args.profile.mkdir(parents=True, exist_ok=True)
        (args.profile / f"turn_cost_{backend}.txt").write_text(result["profile"])
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument("--turns", type=int, default=100, help="measured turns per backend (default 100)")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--statements", action="store_true", help="print the most frequent statements")
    p.add_argument("--phases", action="store_true", help="split the CPU a turn by phase")
    p.add_argument("--profile", type=Path, default=None, help="write cProfile's tables here")
    p.add_argument("--json", type=Path, default=None, help="write the figures here")
    p.add_argument(
        "--no-memory",
        action="store_true",
        help="keep nothing in the text memories (agents.memo): every message costs what a new one does",
    )
    args = p.parse_args(argv)
    if args.no_memory:
        from agents.memo import TextMemo

        TextMemo.keep = lambda self, text, answer: None  # type: ignore[method-assign]
    live.sigterm_as_interrupt()
    results: dict[str, Any] = {}
    for backend in args.backends.split(","):
        with contextlib.ExitStack() as stack:
            r = run_backend(backend, args, stack)
        results[backend] = {k: v for k, v in r.items() if k != "profile"}
        print(
            f"{backend:<9} CPU {r['cpu_ms_per_turn']:6.1f} ms/turn  "
            f"wall {r['wall_ms_per_turn']:6.1f} ms/turn  "
            f"statements {r['statements_per_turn']:5.1f}/turn  kinds {r['kinds']}",
            flush=True,
        )
        if r["phases_ms_per_turn"]:
            print(
                "          "
                + "  ".join(f"{k} {v:.1f}" for k, v in r["phases_ms_per_turn"].items())
                + " ms/turn"
            )
        if args.statements:
            for n, s in r["top_statements"]:
                print(f"   {n:5.2f}  {s}")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
