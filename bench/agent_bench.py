"""Per-turn time of the agent on the embedded local provider, through the HTTP API (in-process ASGI).

Usage: .venv/bin/python bench/agent_bench.py [--conversations N] [--postgres URL]

Seeds a small bank on a scratch SQLite database (or the given Postgres server), then runs N conversations
of a fixed script (greeting, balance, transactions, fees question, lost card -> confirmation -> yes,
complaint) and reports p50/p95/max per turn overall and by kind of turn. Writes bench/out/agent.json and
a plot bench/out/agent_turns.png. Time is wall-clock on a shared 2-core machine: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from app import db
from app.agent import load_assets
from app.auth.tokens import issue_token
from app.banking.seed import list_customers, seed_demo_bank
from app.config import Settings
from app.main import create_app

OUT = Path(__file__).resolve().parent / "out"
SECRET = "bench-secret-0123456789abcdefghijklmnop"
SCRIPT = [
    ("smalltalk", "hello"),
    ("balance", "what is my balance?"),
    ("transactions", "show my transactions over £20 in the last 30 days"),
    ("kb", "how long does a new card take to arrive?"),
    ("procedure_ask", "I lost my card"),
    ("procedure_confirm", "1"),
    ("execute", "yes"),
    ("complaint", "I'm really unhappy with how long this took, I want to complain"),
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run(conversations: int, database_url: str | None) -> dict[str, Any]:
    url = database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    await asyncio.to_thread(db.upgrade, url)
    engine = db.create_engine(url)
    await seed_demo_bank(engine, customers=max(conversations, 5), seed=11, replace=True)
    async with db.create_sessionmaker(engine)() as s:
        customers = await list_customers(s, limit=conversations)
    await engine.dispose()
    settings = Settings(env="test", database_url=url, secret_key=SECRET, rate_limit_per_minute=10_000)
    started = time.perf_counter()
    assets = load_assets(settings)
    load_s = time.perf_counter() - started
    app = create_app(settings, assets=assets)
    timings: dict[str, list[float]] = {kind: [] for kind, _ in SCRIPT}
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as client:
            for n, customer in enumerate(customers, start=1):
                token = issue_token(
                    SECRET, subject=uuid.UUID(customer["id"]), kind="customer", ttl=timedelta(hours=1)
                )
                headers = {"Authorization": f"Bearer {token}"}
                cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
                for kind, text in SCRIPT:
                    t0 = time.perf_counter()
                    r = await client.post(
                        f"/v1/conversations/{cid}/messages", json={"content": text}, headers=headers
                    )
                    timings[kind].append((time.perf_counter() - t0) * 1000)
                    if r.status_code != 201:
                        raise SystemExit(f"{kind}: HTTP {r.status_code} {r.text}")
                print(f"\rconversation {n}/{len(customers)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    everything = [t for ts in timings.values() for t in ts]
    return {
        "backend": "postgres" if url.startswith("postgresql") else "sqlite",
        "conversations": len(customers),
        "turns": len(everything),
        "assets_load_s": round(load_s, 2),
        "turn_ms": {
            "p50": _pct(everything, 0.5),
            "p95": _pct(everything, 0.95),
            "max": max(everything),
            "mean": statistics.fmean(everything),
        },
        "by_kind_ms": {k: {"p50": _pct(v, 0.5), "p95": _pct(v, 0.95)} for k, v in timings.items()},
        "raw_ms": timings,
    }


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(report["raw_ms"])
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.boxplot([report["raw_ms"][k] for k in kinds], showfliers=False)
    ax.set_xticks(range(1, len(kinds) + 1), kinds, rotation=30, ha="right")
    ax.set_ylabel("ms per turn (HTTP in-process, local provider)")
    ax.set_title(f"Bankdesk per-turn time, {report['backend']}, {report['conversations']} conversations")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--postgres", default=None, help="a postgresql+psycopg:// URL of a scratch database")
    args = parser.parse_args()
    report = asyncio.run(run(args.conversations, args.postgres))
    OUT.mkdir(exist_ok=True)
    (OUT / "agent.json").write_text(json.dumps({k: v for k, v in report.items() if k != "raw_ms"}, indent=2))
    plot(report, OUT / "agent_turns.png")
    t = report["turn_ms"]
    head = f"{report['turns']} turns on {report['backend']}"
    print(f"{head}: p50 {t['p50']:.1f} ms, p95 {t['p95']:.1f} ms, max {t['max']:.1f} ms")
    for kind, v in report["by_kind_ms"].items():
        print(f"  {kind:<18} p50 {v['p50']:7.1f} ms   p95 {v['p95']:7.1f} ms")


if __name__ == "__main__":
    main()
