"""Real customer turns through the app with a real model: SmolLM2-135M behind llama.cpp's server.

Usage: make llm-server   (another shell), then
       .venv/bin/python -m bench.smollm2_turns [--models agents/models/config/smollm2.example.toml]

Seeds a scratch SQLite bank, sends the turns below through the HTTP API (in-process ASGI) under the given
models file, and prints per turn: wall-clock latency, the reply, what the phrase step decided (phrased,
as drafted, faithfulness fallback and why), where assist and routing went, and every model call with its
provider, outcome, latency and detail (e.g. structured output via JSON mode). Writes
bench/out/smollm2_turns.json. Time is wall-clock on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from app import db
from app.agent import load_assets
from app.auth.tokens import issue_token
from app.banking.seed import list_customers, seed_demo_bank
from app.config import Settings
from app.main import create_app
from app.models import AuditEvent, ModelCall

OUT = Path(__file__).resolve().parent / "out"
SECRET = "bench-secret-0123456789abcdefghijklmnop"
DEFAULT_MODELS = Path("agents/models/config/smollm2.example.toml")
# The six turns of issue 15's first try, and a confirmation.
TURNS = [
    "hello",
    "what's my balance?",
    "show my recent transactions",
    "how long does a new card take to arrive?",
    "my purse got pinched on the bus",
    "yes",
    "I'm fed up, nobody has fixed my problem",
]


async def run(models: Path) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/smollm2.db"
    await asyncio.to_thread(db.upgrade, url)
    engine = db.create_engine(url)
    await seed_demo_bank(engine, customers=2, seed=11, replace=True)
    async with db.create_sessionmaker(engine)() as s:
        customer = (await list_customers(s, limit=1))[0]
    settings = Settings(
        env="test", database_url=url, secret_key=SECRET, rate_limit_per_minute=10_000, models_config=models
    )
    app = create_app(settings, assets=load_assets(settings))
    token = issue_token(SECRET, subject=uuid.UUID(customer["id"]), kind="customer", ttl=timedelta(hours=1))
    headers = {"Authorization": f"Bearer {token}"}
    turns: list[dict[str, Any]] = []
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://b", timeout=120
        ) as client:
            cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
            for text in TURNS:
                t0 = time.perf_counter()
                r = await client.post(
                    f"/v1/conversations/{cid}/messages", json={"content": text}, headers=headers
                )
                ms = (time.perf_counter() - t0) * 1000
                body = r.json()
                turns.append({"text": text, "status": r.status_code, "ms": round(ms), "reply": _reply(body)})
    async with db.create_sessionmaker(engine)() as s:
        events = (
            await s.scalars(
                select(AuditEvent)
                .where(AuditEvent.conversation_id == uuid.UUID(cid), AuditEvent.kind == "agent.step")
                .order_by(AuditEvent.seq)
            )
        ).all()
        calls = (
            await s.scalars(
                select(ModelCall)
                .where(ModelCall.conversation_id == uuid.UUID(cid))
                .order_by(ModelCall.created_at)
            )
        ).all()
    await engine.dispose()
    steps = [json.loads(e.payload) for e in events]
    return {
        "models": str(models),
        "turns": turns,
        "steps": [s for s in steps if s.get("node") in ("triage", "route", "assist", "phrase", "compliance")],
        "calls": [
            {
                "node": c.node,
                "tier": c.tier,
                "provider": c.provider,
                "outcome": c.outcome,
                "ms": round(c.latency_ms),
                "tokens": [c.input_tokens, c.output_tokens],
                "detail": c.detail,
            }
            for c in calls
        ],
    }


def _reply(body: dict[str, Any]) -> str:
    reply = body.get("reply") or {}
    return str(reply.get("content", body.get("detail", "")))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=Path, default=DEFAULT_MODELS)
    parser.add_argument("--out", type=Path, default=OUT / "smollm2_turns.json")
    args = parser.parse_args()
    result = asyncio.run(run(args.models))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str))
    for turn in result["turns"]:
        print(f"{turn['ms']:>6} ms  {turn['status']}  {turn['text']!r}\n          -> {turn['reply'][:300]!r}")
    print("\nsteps:")
    for step in result["steps"]:
        extra = {k: step[k] for k in ("reason", "faithfulness", "rejected", "urgent", "tier") if k in step}
        print(f"  {step['node']:<10} {step.get('decision')!s:<24} {json.dumps(extra)[:300]}")
    print("\nmodel calls:")
    for call in result["calls"]:
        print(
            f"  {call['node']:<10} {call['tier']:<5} {call['provider']:<8} {call['outcome']:<10} "
            f"{call['ms']:>6} ms {call['tokens']}  {(call['detail'] or '')[:160]}"
        )


if __name__ == "__main__":
    main()
