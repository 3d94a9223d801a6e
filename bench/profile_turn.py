"""Where a Bankdesk turn's time goes, and how much database work it does (issue 14).

Usage: .venv/bin/python -m bench.profile_turn [--turns 60] [--count-turns 20] [--backends sqlite,postgres]

For each backend a fresh database is migrated and seeded, and Bankdesk is served exactly as ``bankdesk
serve`` does (uvicorn, ``app.main:create_app``, one worker) but inside pyinstrument, in a subprocess
(``--serve``). After 10 warm-up turns the profiler is started (SIGUSR1), ``--turns`` turns are played
one at a time by one client (the read-only scripts of ``bench/loadgen.py``, on conversations created
beforehand, so only turns are profiled) and the profiler is stopped (SIGUSR2). It samples the server's
main thread every 1 ms whatever runs there (``async_mode="disabled"``), so time the event loop spends
waiting (for Postgres, or for aiosqlite's thread) shows as idle in ``select``/``epoll``.

Writes bench/out/flame_<backend>.html (pyinstrument's interactive call tree and timeline),
bench/out/profile_<backend>.txt (the call tree, the top frames by own time, and the share of time inside
named parts of the turn) and bench/out/profile_turn.json.

Then, without the profiler, ``--count-turns`` more turns are played and the database's own counters are
read before and after (each read after 11 s of quiet, because Postgres backends publish their statistics
at most every second and at the latest after 10 s idle): on Postgres ``pg_stat_database`` (transactions,
rows inserted/updated/deleted, rows fetched and returned) and ``pg_stat_user_tables`` (rows inserted per
table); on both backends the change in row counts per table (e.g. audit events per turn). Periodic audit
checkpoints are off (``BANKDESK_AUDIT_CHECKPOINT_SECONDS=0``) so that only turns are counted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import sql
from rich.console import Console
from rich.table import Table

from bench import live
from bench.loadgen import SCRIPTS, Customer, customer_tokens

OUT = live.ROOT / "bench" / "out"
WARMUP_TURNS = 10
STATS_QUIET_S = 11.0  # Postgres backends flush their statistics when idle, at the latest after 10 s
console = Console() if sys.stdout.isatty() else Console(width=150)


# --- the profiled server (a subprocess) ------------------------------------------------------------------


def serve_profiled(port: int, prefix: Path) -> None:
    """``bankdesk serve`` inside pyinstrument: SIGUSR1 starts sampling, SIGUSR2 stops it and writes
    ``prefix``.html / .txt / .json and then ``prefix``.done."""
    import uvicorn
    from pyinstrument import Profiler

    from app.config import get_settings

    profiler = Profiler(interval=0.001, async_mode="disabled")
    config = uvicorn.Config(
        "app.main:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=1,
        log_level=get_settings().log_level.lower(),
    )
    server = uvicorn.Server(config)

    def stop_and_write() -> None:
        session = profiler.stop()
        prefix.with_suffix(".html").write_text(profiler.output_html())
        tree = profiler.output_text(unicode=True, color=False, show_all=False)
        flat = profiler.output_text(unicode=True, color=False, flat=True)
        parts = summarise(session.root_frame())
        prefix.with_suffix(".json").write_text(
            json.dumps({"duration_s": session.duration, **parts}, indent=2)
        )
        prefix.with_suffix(".txt").write_text(
            _parts_text(parts)
            + "\n\nTop frames by own time (flat)\n"
            + "\n".join(flat.splitlines()[:60])
            + "\n\nCall tree\n"
            + tree
        )
        prefix.with_suffix(".done").touch()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGUSR1, profiler.start)
        loop.add_signal_handler(signal.SIGUSR2, stop_and_write)
        await server.serve()

    asyncio.run(main())


# --- what the time was spent on ----------------------------------------------------------------------------

# Named parts of a turn: time inside the outermost frame that matches, sub-frames included. Parts overlap
# (the audit append is inside the turn's store, SQLAlchemy's flush inside both), so shares do not add up.
PARTS: tuple[tuple[str, Callable[[str, str], bool]], ...] = (
    ("admit (_admit_once: lock, limits, journal)", lambda fn, fp: fn == "_admit_once"),
    (
        "turn task (_run_turn: agent + store)",
        lambda fn, fp: fn == "_run_turn" and "conversations/service" in fp,
    ),
    (
        "LangGraph run (astream, nodes included)",
        lambda fn, fp: fn.endswith("astream") and "langgraph/pregel" in fp,
    ),
    ("screening, redaction (agents/safety)", lambda fn, fp: "/agents/safety/" in fp),
    ("triage (agents/triage, nodes/triage)", lambda fn, fp: "/agents/triage/" in fp or "nodes/triage" in fp),
    ("procedures (agents/procedures)", lambda fn, fp: "/agents/procedures/" in fp),
    ("compliance rules (agents/compliance)", lambda fn, fp: "/agents/compliance/" in fp),
    ("banking reads (app/banking)", lambda fn, fp: "/app/banking/" in fp),
    (
        "checkpoint saver (conversations/checkpoints)",
        lambda fn, fp: fp.endswith("conversations/checkpoints.py"),
    ),
    ("checkpoint serialisation (langgraph serde)", lambda fn, fp: "langgraph/checkpoint/serde" in fp),
    ("store turn (_store_turn)", lambda fn, fp: fn == "_store_turn"),
    ("audit append (append_event)", lambda fn, fp: fn == "append_event" and "app/audit/service" in fp),
    ("PAN guard on flush (app/models/pan_guard)", lambda fn, fp: "app/models/pan_guard" in fp),
    (
        "SQLAlchemy Session.flush (driver included)",
        lambda fn, fp: fn.endswith("flush") and "sqlalchemy/orm/session" in fp,
    ),
    (
        "SQLAlchemy execute/get/scalar (driver incl.)",
        lambda fn, fp: (
            fn.split(".")[-1] in {"execute", "get", "scalar", "scalars"} and "sqlalchemy/orm/session" in fp
        ),
    ),
    (
        "SQLAlchemy commit (driver included)",
        lambda fn, fp: fn.endswith("commit") and "sqlalchemy/orm/session" in fp,
    ),
    ("JWT verify (decode_token)", lambda fn, fp: fn == "decode_token"),
)

# Own time by where the code lives (first match wins).
LIBRARIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("idle: event loop waiting (I/O, other threads)", ("selectors.py",)),
    ("sqlalchemy", ("/sqlalchemy/",)),
    ("psycopg", ("/psycopg/", "/psycopg_binary/", "/psycopg_pool/")),
    ("aiosqlite / sqlite3", ("/aiosqlite/", "/sqlite3/")),
    ("langgraph / langchain_core", ("/langgraph/", "/langchain_core/")),
    ("pydantic", ("/pydantic/", "/pydantic_core/")),
    (
        "fastapi / starlette / uvicorn",
        ("/fastapi/", "/starlette/", "/uvicorn/", "/h11/", "/httptools/", "/sse_starlette/"),
    ),
    ("sklearn / numpy / scipy", ("/sklearn/", "/numpy/", "/scipy/")),
    ("json / msgpack", ("/json/", "/ormsgpack", "/msgpack")),
    ("asyncio (not idle)", ("/asyncio/",)),
    ("logging", ("/logging/",)),
    ("app/ (Bankdesk service)", ("/app/",)),
    ("agents/ (Bankdesk agent)", ("/agents/",)),
)


@dataclass
class _Walk:
    parts: dict[str, float]
    libraries: dict[str, float]


def _library(fp: str, fn: str) -> str:
    for name, needles in LIBRARIES:
        if any(n in fp for n in needles):
            return name
    if fp in {"", "<built-in>"} and fn.split(".")[-1] in {"select", "poll"}:
        return "idle: event loop waiting (I/O, other threads)"
    return "other"


def summarise(root: Any) -> dict[str, Any]:
    """Seconds and shares of the named parts (inclusive) and of own time by library, from a pyinstrument
    frame tree."""
    walk = _Walk(parts=defaultdict(float), libraries=defaultdict(float))

    def visit(frame: Any, inside: frozenset[str], parent: tuple[str, str]) -> None:
        fn, fp = frame.function or "", (frame.file_path or "").replace("\\", "/")
        if frame.is_synthetic:  # "[self]" and "[await]" leaves: the time of the frame above them
            fn, fp = parent
        entered = set(inside)
        for name, match in PARTS:
            if name not in inside and match(fn, fp):
                walk.parts[name] += frame.time
                entered.add(name)
        own = frame.time - sum(child.time for child in frame.children)
        walk.libraries[_library(fp, fn)] += max(own, 0.0)
        for child in frame.children:
            visit(child, frozenset(entered), (fn, fp))

    visit(root, frozenset(), ("", ""))
    total = root.time or math.nan
    return {
        "total_s": total,
        "parts": {name: walk.parts.get(name, 0.0) for name, _ in PARTS},
        "libraries": dict(sorted(walk.libraries.items(), key=lambda kv: -kv[1])),
    }


def _parts_text(parts: dict[str, Any], *, turns: int | None = None) -> str:
    total = parts["total_s"]
    lines = [f"Sampled {total:.2f} s of the server's main thread" + (f" over {turns} turns" if turns else "")]
    lines.append("\nTime inside named parts (inclusive, so parts overlap and shares do not add up)")
    for name, secs in parts["parts"].items():
        lines.append(f"  {name:<48} {secs:8.3f} s  {100 * secs / total:5.1f} %")
    lines.append("\nOwn time by library")
    for name, secs in parts["libraries"].items():
        lines.append(f"  {name:<48} {secs:8.3f} s  {100 * secs / total:5.1f} %")
    return "\n".join(lines)


# --- the driver --------------------------------------------------------------------------------------------


def _conversation(client: httpx.Client, customer: Customer) -> str:
    r = client.post("/v1/conversations", headers={"Authorization": f"Bearer {customer.token}"}, json={})
    r.raise_for_status()
    return str(r.json()["id"])


def play(client: httpx.Client, plan: list[tuple[Customer, str, int]], m: int) -> list[float]:
    """Play each (customer, conversation, script) for ``m`` turns, one turn at a time; latencies in ms."""
    latencies = []
    for customer, conversation, script_no in plan:
        script = SCRIPTS[script_no % len(SCRIPTS)]
        for i in range(m):
            started = time.perf_counter()
            r = client.post(
                f"/v1/conversations/{conversation}/messages",
                headers={"Authorization": f"Bearer {customer.token}"},
                json={"content": script[i % len(script)]},
            )
            if r.status_code != 201:
                raise RuntimeError(f"turn failed: {r.status_code} {r.text[:300]}")
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def make_plan(
    client: httpx.Client, customers: Iterator[Customer], turns: int, m: int
) -> list[tuple[Customer, str, int]]:
    plan = []
    for n in range(math.ceil(turns / m)):
        customer = next(customers)
        plan.append((customer, _conversation(client, customer), n))
    return plan


def table_counts(database_url: str) -> dict[str, int]:
    """Rows per table (both backends)."""

    async def count() -> dict[str, int]:
        from sqlalchemy import inspect, text

        from app.db import create_engine

        engine = create_engine(database_url)
        try:
            async with engine.connect() as conn:
                names = await conn.run_sync(lambda c: inspect(c).get_table_names())
                return {
                    n: int((await conn.execute(text(f'SELECT count(*) FROM "{n}"'))).scalar_one())
                    for n in sorted(names)
                    if n != "alembic_version"
                }
        finally:
            await engine.dispose()

    return asyncio.run(count())


PG_DATABASE_COLUMNS = (
    "xact_commit",
    "xact_rollback",
    "tup_inserted",
    "tup_updated",
    "tup_deleted",
    "tup_fetched",
    "tup_returned",
    "blks_hit",
    "blks_read",
)


def pg_database_stats(db: str) -> dict[str, int]:
    with psycopg.connect(live.PG_ADMIN, autocommit=True) as conn:
        row = conn.execute(
            sql.SQL("SELECT {} FROM pg_stat_database WHERE datname = %s").format(
                sql.SQL(", ").join(map(sql.Identifier, PG_DATABASE_COLUMNS))
            ),
            (db,),
        ).fetchone()
    assert row is not None
    return dict(zip(PG_DATABASE_COLUMNS, map(int, row), strict=True))


def pg_table_inserts(database_url: str) -> dict[str, int]:
    with psycopg.connect(live.libpq_url(database_url), autocommit=True) as conn:
        return {
            name: int(n)
            for name, n in conn.execute(
                "SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_user_tables"
            ).fetchall()
        }


def profile_backend(backend: str, args: argparse.Namespace, stack: contextlib.ExitStack) -> dict[str, Any]:
    work = live.scratch_dir(stack, f"profile-turn-{backend}-")
    m = args.turns_per_conversation
    customers_needed = math.ceil((WARMUP_TURNS + args.turns + args.count_turns) / m) + 5
    secret = live.new_secret()
    url = live.scratch_database(stack, backend, "profile", work)
    env = live.bankdesk_env(url, work / "var", secret, BANKDESK_AUDIT_CHECKPOINT_SECONDS="0")
    console.print(f"[bold]{backend}[/]: migrating and seeding {customers_needed} customers...")
    customers = iter(
        customer_tokens(secret, live.prepare_bankdesk(env, customers=customers_needed, seed=args.seed))
    )
    prefix = work / "profile"
    server = live.start_server(
        stack,
        "bankdesk (profiled)",
        [sys.executable, "-m", "bench.profile_turn", "--serve", "{port}", str(prefix)],
        env,
        work / "server.log",
    )
    server.wait_ready(timeout=900)
    with httpx.Client(base_url=server.url, timeout=60) as client:
        play(client, make_plan(client, customers, WARMUP_TURNS, m), m)
        profile_plan = make_plan(client, customers, args.turns, m)
        count_plan = make_plan(client, customers, args.count_turns, m)
        console.print(f"  profiling {args.turns} turns (one client)...")
        server.proc.send_signal(signal.SIGUSR1)
        time.sleep(0.2)
        started = time.perf_counter()
        latencies = play(client, profile_plan, m)
        wall = time.perf_counter() - started
        server.proc.send_signal(signal.SIGUSR2)
        deadline = time.monotonic() + 120
        while not prefix.with_suffix(".done").exists():
            if time.monotonic() > deadline or server.proc.poll() is not None:
                raise RuntimeError(f"the profiled server wrote no profile:\n{server.log_tail()}")
            time.sleep(0.2)
        for suffix in (".html", ".txt"):
            dest = (
                args.out / f"flame_{backend}{suffix}"
                if suffix == ".html"
                else args.out / f"profile_{backend}.txt"
            )
            dest.write_bytes(prefix.with_suffix(suffix).read_bytes())
        parts = json.loads(prefix.with_suffix(".json").read_text())
        turns = len(latencies)

        console.print(
            f"  counting database work over {args.count_turns} turns "
            f"(waits {2 * STATS_QUIET_S:.0f} s for Postgres statistics)..."
        )
        db_name = url.rsplit("/", 1)[1]
        time.sleep(STATS_QUIET_S if backend == "postgres" else 0)
        rows_before = table_counts(url)
        pg_before = pg_table_inserts(url) if backend == "postgres" else {}
        stats_before = pg_database_stats(db_name) if backend == "postgres" else {}
        counted = len(play(client, count_plan, m))
        time.sleep(STATS_QUIET_S if backend == "postgres" else 0)
        stats_after = pg_database_stats(db_name) if backend == "postgres" else {}
        pg_after = pg_table_inserts(url) if backend == "postgres" else {}
        rows_after = table_counts(url)
    per_turn_rows = {
        t: (rows_after[t] - rows_before.get(t, 0)) / counted
        for t in rows_after
        if rows_after[t] != rows_before.get(t, 0)
    }
    per_turn_stats = {k: (stats_after[k] - stats_before[k]) / counted for k in stats_after}
    per_turn_written = {
        t: (pg_after[t] - pg_before.get(t, 0)) / counted
        for t in pg_after
        if pg_after[t] != pg_before.get(t, 0)
    }
    lat = sorted(latencies)
    return {
        "backend": backend,
        "load_avg_1min": round(os.getloadavg()[0], 2),  # above the CPU count: other work competed
        "profiled_turns": turns,
        "profiled_wall_s": round(wall, 2),
        "profiled_p50_ms": lat[len(lat) // 2],
        "profile": parts,
        "counted_turns": counted,
        "rows_added_per_turn": per_turn_rows,
        "pg_stat_database_per_turn": per_turn_stats,
        "pg_rows_written_per_turn_by_table": per_turn_written,
    }


def report(results: list[dict[str, Any]]) -> None:
    for r in results:
        parts = r["profile"]
        console.print(
            f"\n[bold]{r['backend']}[/]: {r['profiled_turns']} turns profiled in {r['profiled_wall_s']} s "
            f"(p50 {r['profiled_p50_ms']:.0f} ms under the profiler)"
        )
        console.print(_parts_text(parts, turns=r["profiled_turns"]))
    table = Table(
        title=f"Database work per turn (over {results[0]['counted_turns']} turns; conversations made before)"
    )
    table.add_column("per turn")
    for r in results:
        table.add_column(r["backend"], justify="right")
    keys: list[tuple[str, str, str]] = [
        ("pg_stat_database_per_turn", k, f"pg: {k}") for k in PG_DATABASE_COLUMNS if k != "blks_read"
    ]
    tables = sorted({t for r in results for t in r["rows_added_per_turn"]})
    keys += [("rows_added_per_turn", t, f"rows added: {t}") for t in tables]
    for section, key, label in keys:
        table.add_row(label, *(_num(r[section].get(key)) for r in results))
    console.print(table)
    for r in results:
        if r["pg_rows_written_per_turn_by_table"]:
            written = ", ".join(
                f"{t} {v:.1f}"
                for t, v in sorted(r["pg_rows_written_per_turn_by_table"].items(), key=lambda kv: -kv[1])
            )
            console.print(f"{r['backend']}: rows inserted or updated per turn by table: {written}")


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:.2f}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--serve"]:
        serve_profiled(int(argv[1]), Path(argv[2]))
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--turns", type=int, default=60, help="profiled turns per backend (default 60)")
    p.add_argument(
        "--count-turns", type=int, default=20, help="turns whose database work is counted (default 20)"
    )
    p.add_argument("--turns-per-conversation", type=int, default=5)
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not set(backends) <= {"sqlite", "postgres"}:
        p.error("--backends takes sqlite and/or postgres")
    live.sigterm_as_interrupt()
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for backend in backends:
            with contextlib.ExitStack() as stack:
                results.append(profile_backend(backend, args, stack))
    except KeyboardInterrupt:
        console.print("[yellow]interrupted: servers stopped, scratch databases dropped[/]")
        return 130
    report(results)
    (args.out / "profile_turn.json").write_text(json.dumps(results, indent=2) + "\n")
    console.print(f"wrote {args.out}/flame_<backend>.html, profile_<backend>.txt and profile_turn.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
