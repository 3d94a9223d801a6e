"""Bankdesk's turn against the floor (issue 14): throughput and latency at several concurrency levels.

Usage: .venv/bin/python -m bench.turn_bench [--quick] [--levels 1,4,8,16] [--turns 300] [--floor-turns 2400]
       [--backends sqlite,postgres] [--turns-per-conversation 5]

For each backend (SQLite file, Postgres database at BENCH_PG_ADMIN, default postgres@127.0.0.1:5432),
in one run: a fresh database is migrated (``bankdesk db upgrade``) and seeded (``bankdesk seed
--customers N --seed 7``, N = one customer per conversation the run will hold, so the per-customer limits,
which stay on, are never reached); ``bankdesk serve`` (production mode, the local model provider, one
worker) and the floor (``bench/floor_app.py``: one INSERT and one SELECT per turn, on a database of its
own on the same server) start on free ports; then at each concurrency level ``bench/loadgen.py`` plays
that many customers against Bankdesk, then against the floor. The load generator runs in this process on
the same machine, so it takes CPU from the servers (and Postgres) at high concurrency on a small machine.

Prints one table and the issue's two goals (throughput ratio at 16 clients >= 0.25, p50 ratio at 1 client
<= 4); writes bench/out/turn_bench.json and bench/out/latency_vs_concurrency.png. Databases, files and
processes are removed on exit, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import live
from bench.loadgen import (
    CustomerPool,
    LoadConfig,
    LoadResult,
    ProcessMeter,
    customer_tokens,
    customers_needed,
    run_load,
)

OUT = live.ROOT / "bench" / "out"
GOAL_THROUGHPUT_RATIO = 0.25  # at 16 clients, Bankdesk's turns/s >= 1/4 of the floor's
GOAL_P50_RATIO = 4.0  # at 1 client, Bankdesk's median turn <= 4x the floor's
console = Console() if sys.stdout.isatty() else Console(width=150)  # a log keeps the table whole


def _levels(text: str) -> list[int]:
    levels = sorted({int(x) for x in text.split(",") if x.strip()})
    if not levels or levels[0] < 1:
        raise argparse.ArgumentTypeError("levels are positive integers, e.g. 1,4,8,16")
    return levels


def _git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=live.ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "app", "agents"],
            cwd=live.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return head + (" + uncommitted changes in app/ or agents/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def bench_backend(
    backend: str, args: argparse.Namespace, stack: contextlib.ExitStack
) -> list[dict[str, Any]]:
    """Every level against Bankdesk and the floor on one backend; one row per (app, level)."""
    work = live.scratch_dir(stack, f"turn-bench-{backend}-")
    m = args.turns_per_conversation
    needed = sum(
        customers_needed(args.turns, turns_per_conversation=m, concurrency=c, warmup=args.warmup)
        for c in args.levels
    )
    needed += 10  # the readiness check's conversation and slack
    secret = live.new_secret()
    bank_url = live.scratch_database(stack, backend, "bankdesk", work)
    env = live.bankdesk_env(bank_url, work / "var", secret)
    console.print(f"[bold]{backend}[/]: migrating and seeding {needed} customers...")
    started = time.perf_counter()
    ids = live.prepare_bankdesk(env, customers=needed, seed=args.seed)
    console.print(f"  seeded in {time.perf_counter() - started:.1f} s")
    floor_url = live.scratch_database(stack, backend, "floor", work)
    bank = live.start_server(
        stack, "bankdesk", live.bankdesk_serve_argv(args.workers), env, work / "bankdesk.log"
    )
    floor = live.start_server(
        stack,
        "floor",
        live.floor_serve_argv(),
        {**os.environ, "BENCH_FLOOR_DATABASE_URL": floor_url},
        work / "floor.log",
    )
    console.print("  waiting for both servers (the first start ever trains the triage model: minutes)...")
    bank.wait_ready(timeout=900)
    floor.wait_ready(timeout=120)
    bank_pool = CustomerPool(customer_tokens(secret, ids))
    # The floor verifies no token and limits nothing: its customers can be reused at once.
    floor_pool = CustomerPool(
        customer_tokens("floor-does-not-verify-" + "x" * 16, [uuid.uuid4() for _ in range(64)]), cooldown=0
    )
    rows: list[dict[str, Any]] = []

    async def all_levels() -> None:  # one event loop: the pools' locks belong to it
        for c in args.levels:
            for app, server, pool, turns in (
                ("bankdesk", bank, bank_pool, args.turns),
                ("floor", floor, floor_pool, args.floor_turns),
            ):
                config = LoadConfig(
                    url=server.url,
                    concurrency=c,
                    turns=turns,
                    warmup=args.warmup,
                    turns_per_conversation=m,
                    label=f"{backend} {app}",
                    progress=not args.no_progress,
                )
                flame = (
                    _flame_graph(stack, server.pid, args.flame / f"flame_{backend}_c{c}.{args.flame_format}")
                    if args.flame is not None and app == "bankdesk" and c == max(args.levels)
                    else None
                )
                result = await run_load(config, pool, meter=ProcessMeter(server.pid))
                if flame is not None:
                    _stop_flame_graph(flame)
                rows.append(_row(backend, app, result))
                _print_line(rows[-1])

    asyncio.run(all_levels())
    bank.stop()
    floor.stop()
    if bank.proc.returncode not in (0, -signal.SIGTERM, None):  # uvicorn re-raises the SIGTERM it handled
        console.print(f"[red]bankdesk exited with {bank.proc.returncode}[/]\n{bank.log_tail()}")
    return rows


def _flame_graph(stack: contextlib.ExitStack, pid: int, svg: Path) -> subprocess.Popen[bytes]:
    """py-spy samples the server (and its workers) while the level runs; SIGINT makes it write the SVG."""
    svg.parent.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen(
        [str(live.BIN / "py-spy"), "record", "--pid", str(pid), "--subprocesses", "--rate", "200",
         "--format", "raw" if svg.suffix == ".txt" else "flamegraph", "--nonblocking", "--output", str(svg)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    stack.callback(spy.kill)
    time.sleep(1.0)  # attached before the first turn
    return spy


def _stop_flame_graph(spy: subprocess.Popen[bytes]) -> None:
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(timeout=60)
    except subprocess.TimeoutExpired:
        spy.kill()


def _row(backend: str, app: str, r: LoadResult) -> dict[str, Any]:
    return {"backend": backend, "app": app, **r.summary()}


def _print_line(row: dict[str, Any]) -> None:
    console.print(
        f"  {row['app']:<8} c={row['concurrency']:<3} {row['turns_per_s']:7.1f} turns/s  "
        f"p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  errors {sum(row['errors'].values())}"
    )


def add_ratios(rows: list[dict[str, Any]]) -> None:
    floors = {(r["backend"], r["concurrency"]): r for r in rows if r["app"] == "floor"}
    for r in rows:
        f = floors.get((r["backend"], r["concurrency"]))
        if r["app"] != "bankdesk" or f is None:
            continue
        r["throughput_ratio"] = r["turns_per_s"] / f["turns_per_s"] if f["turns_per_s"] else math.nan
        r["p50_ratio"] = r["p50_ms"] / f["p50_ms"] if f["p50_ms"] else math.nan


def goals(rows: list[dict[str, Any]], levels: list[int]) -> list[dict[str, Any]]:
    """The issue's two goals per backend, measured at the nearest levels run (16 and 1 by default)."""
    out = []
    for backend in sorted({r["backend"] for r in rows}):
        bank = {r["concurrency"]: r for r in rows if r["backend"] == backend and r["app"] == "bankdesk"}
        high, low = max(levels), min(levels)
        out.append(
            {
                "backend": backend,
                "throughput_ratio_at": high,
                "throughput_ratio": bank[high].get("throughput_ratio"),
                "throughput_goal": GOAL_THROUGHPUT_RATIO,
                "throughput_met": bank[high].get("throughput_ratio", 0) >= GOAL_THROUGHPUT_RATIO,
                "p50_ratio_at": low,
                "p50_ratio": bank[low].get("p50_ratio"),
                "p50_goal": GOAL_P50_RATIO,
                "p50_met": bank[low].get("p50_ratio", math.inf) <= GOAL_P50_RATIO,
            }
        )
    return out


def _f(x: float | None, spec: str) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def print_table(rows: list[dict[str, Any]], goal_rows: list[dict[str, Any]]) -> None:
    table = Table(title="Turn cost: Bankdesk against the floor (one INSERT + one SELECT per turn)")
    for name, justify in (
        ("backend", "left"),
        ("app", "left"),
        ("clients", "right"),
        ("turns", "right"),
        ("turns/s", "right"),
        ("p50 ms", "right"),
        ("p95 ms", "right"),
        ("p99 ms", "right"),
        ("errors", "right"),
        ("CPU ms/turn", "right"),
        ("peak RSS MB", "right"),
        ("thru ratio", "right"),
        ("p50 ratio", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in sorted(rows, key=lambda r: (r["backend"], r["concurrency"], r["app"])):
        errors = sum(r["errors"].values())
        table.add_row(
            r["backend"],
            r["app"],
            str(r["concurrency"]),
            str(r["turns"]),
            _f(r["turns_per_s"], ".1f"),
            _f(r["p50_ms"], ".1f"),
            _f(r["p95_ms"], ".1f"),
            _f(r["p99_ms"], ".1f"),
            f"[red]{errors}[/]" if errors else "0",
            _f(r["cpu_s_per_turn"] * 1000 if r["cpu_s_per_turn"] is not None else None, ".1f"),
            _f(r["peak_rss_mb"], ".0f"),
            _f(r.get("throughput_ratio"), ".3f"),
            _f(r.get("p50_ratio"), ".1f"),
            end_section=r["app"] == "floor" and r["concurrency"] == max(x["concurrency"] for x in rows),
        )
    console.print(table)
    for r in rows:
        if r["errors"] or set(r["kinds"]) - {"reply"} or r["pool_waits"]:
            console.print(
                f"  note {r['backend']} {r['app']} c={r['concurrency']}: errors {r['errors']}, reply kinds "
                f"{r['kinds']}, customer-pool waits {r['pool_waits']}"
            )
    console.print("[bold]Issue 14 goals[/]")
    for g in goal_rows:
        t_ok = "[green]met[/]" if g["throughput_met"] else "[red]NOT met[/]"
        p_ok = "[green]met[/]" if g["p50_met"] else "[red]NOT met[/]"
        console.print(
            f"  {g['backend']:<8} throughput ratio at {g['throughput_ratio_at']} clients: "
            f"{_f(g['throughput_ratio'], '.3f')} (goal >= {g['throughput_goal']}) {t_ok};  "
            f"p50 ratio at {g['p50_ratio_at']} client(s): {_f(g['p50_ratio'], '.1f')} "
            f"(goal <= {g['p50_goal']:g}) {p_ok}"
        )


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    backends = sorted({r["backend"] for r in rows})
    fig, axes = plt.subplots(1, len(backends), figsize=(6 * len(backends), 4.5), squeeze=False, sharey=True)
    for ax, backend in zip(axes[0], backends, strict=True):
        for app, color in (("bankdesk", "tab:blue"), ("floor", "tab:gray")):
            pts = sorted(
                (r for r in rows if r["backend"] == backend and r["app"] == app),
                key=lambda r: r["concurrency"],
            )
            xs = [r["concurrency"] for r in pts]
            ax.plot(xs, [r["p50_ms"] for r in pts], "o-", color=color, label=f"{app} p50")
            ax.plot(xs, [r["p95_ms"] for r in pts], "s--", color=color, label=f"{app} p95")
        ax.set_title(backend)
        ax.set_xlabel("concurrent clients")
        ax.set_xscale("log", base=2)
        ax.set_xticks(
            sorted({r["concurrency"] for r in rows}),
            labels=[str(x) for x in sorted({r["concurrency"] for r in rows})],
        )
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    axes[0][0].set_ylabel("turn latency (ms, log scale)")
    fig.suptitle("Turn latency against concurrency: Bankdesk and the floor")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--levels", type=_levels, default=[1, 4, 8, 16], help="concurrency levels (default 1,4,8,16)"
    )
    p.add_argument("--turns", type=int, default=300, help="measured turns per app and level (default 300)")
    p.add_argument(
        "--floor-turns",
        type=int,
        help="measured floor turns per level (default 8x --turns: it is that much faster)",
    )
    p.add_argument("--warmup", type=int, default=20, help="turns excluded per app and level (default 20)")
    p.add_argument("--turns-per-conversation", type=int, default=5)
    p.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both (default)")
    p.add_argument("--seed", type=int, default=7, help="bankdesk seed --seed")
    p.add_argument(
        "--quick", action="store_true", help="a short run: 60 turns per level (floor 480), 5 warm-up"
    )
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--workers", type=int, default=1, help="bankdesk serve --workers (default 1)")
    p.add_argument(
        "--flame",
        type=Path,
        default=None,
        help="write py-spy flame graphs (SVG) of Bankdesk at the highest level into this folder",
    )
    p.add_argument(
        "--flame-format", choices=("svg", "txt"), default="svg", help="svg, or txt: collapsed stacks"
    )
    args = p.parse_args(argv)
    if args.quick:
        args.turns, args.warmup = 60, 5
    args.floor_turns = args.floor_turns or 8 * args.turns
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not set(backends) <= {"sqlite", "postgres"}:
        p.error("--backends takes sqlite and/or postgres")
    live.sigterm_as_interrupt()
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    try:
        for backend in backends:
            with contextlib.ExitStack() as stack:
                rows += bench_backend(backend, args, stack)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted: servers stopped, scratch databases dropped[/]")
        return 130
    add_ratios(rows)
    goal_rows = goals(rows, args.levels)
    print_table(rows, goal_rows)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # The machine may be shared: a 1-minute load average above its CPUs means other work competed.
            "load_avg_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        },
        "settings": {k: v for k, v in vars(args).items() if k != "out"},
        "seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
        "goals": goal_rows,
    }
    (args.out / "turn_bench.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    plot(rows, args.out / "latency_vs_concurrency.png")
    console.print(f"wrote {args.out / 'turn_bench.json'} and {args.out / 'latency_vs_concurrency.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
