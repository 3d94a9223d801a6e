"""Drive realistic traffic into a fresh database, for `bankdesk eval replay` and `bankdesk eval traffic`.

    .venv/bin/python -m bench.eval_traffic --database var/eval-traffic.db \\
        --models docs/eval/traffic/variants.toml --conversations 36

Migrates and seeds a demo bank in a new SQLite file, starts the app (its real lifespan, agent and
database) and holds ``--conversations`` conversations through its HTTP API, as demo customers: read-only
questions (the load generator's scripts), card freezes confirmed with yes, complaints, requests for a
person and a lost card. Prints what it drove per variant (JSON) so the traffic report can be checked.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx

from agents.models.gateway_config import load_config
from agents.models.variants import assign_variant
from app.agent import load_assets
from app.auth.tokens import issue_token
from app.banking.seed import list_customers, seed_demo_bank
from app.config import Settings
from app.db import create_engine, create_sessionmaker, upgrade
from app.main import create_app
from bench.loadgen import SCRIPTS

SECRET = "eval-traffic-secret-key-0123456789"
OTHER_SCRIPTS: tuple[tuple[str, ...], ...] = (
    ("what's my balance?", "please freeze my card", "1", "yes"),
    ("I want to make a complaint, you charged me twice and nobody has helped", "thanks"),
    ("I'd like to speak to a human please",),
    ("I think I lost my card", "yes"),
)


async def drive(database: Path, models: Path, conversations: int, customers: int) -> dict[str, object]:
    if database.exists():
        raise SystemExit(f"{database} exists: this script fills a new database")
    url = f"sqlite+aiosqlite:///{database.resolve()}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    await seed_demo_bank(engine, customers=customers, seed=15)
    async with create_sessionmaker(engine)() as session:
        ids = [uuid.UUID(c["id"]) for c in await list_customers(session, limit=customers)]
    await engine.dispose()
    settings = Settings(
        env="test",
        database_url=url,
        secret_key=SECRET,
        models_config=models,
        audit_checkpoint_path=database.parent / f"{database.stem}-checkpoints.jsonl",
        audit_signing_key=base64.b64encode(os.urandom(32)).decode("ascii"),
    )
    config = load_config(models)
    assets = await asyncio.to_thread(load_assets, settings)
    scripts = [*(script[:3] for script in SCRIPTS), *OTHER_SCRIPTS]
    driven: dict[str, Counter[str]] = {}
    app = create_app(settings, assets=assets)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bankdesk", timeout=60
        ) as client:
            for i in range(conversations):
                customer = ids[i % len(ids)]
                token = issue_token(SECRET, subject=customer, kind="customer", ttl=timedelta(hours=1))
                headers = {"Authorization": f"Bearer {token}"}
                cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
                counts = driven.setdefault(assign_variant(cid, config), Counter())
                counts["conversations"] += 1
                for text in scripts[i % len(scripts)]:
                    response = await client.post(
                        f"/v1/conversations/{cid}/messages", json={"content": text}, headers=headers
                    )
                    response.raise_for_status()
                    counts["turns"] += 1
                    counts[f"kind:{response.json()['kind']}"] += 1
                sys.stderr.write(f"\rconversations: {i + 1}/{conversations}")
    sys.stderr.write("\n")
    return {"database_url": url, "variants": {name: dict(c) for name, c in sorted(driven.items())}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="a new SQLite file")
    parser.add_argument("--models", type=Path, required=True, help="models config (with variants)")
    parser.add_argument("--conversations", type=int, default=36)
    parser.add_argument("--customers", type=int, default=12, help="demo customers (rate limits hold)")
    args = parser.parse_args()
    result = asyncio.run(drive(args.database, args.models, args.conversations, args.customers))
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
