"""The ``bankdesk`` console script."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from app.config import Settings, get_settings


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:
        raise SystemExit(f"bankdesk: configuration error: {exc}") from None


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


def cmd_db(args: argparse.Namespace) -> int:
    from app import db

    settings = _settings()
    if args.action == "upgrade":
        db.upgrade(settings.database_url, args.revision or "head")
    else:
        db.downgrade(settings.database_url, args.revision or "-1")
    print(f"database {args.action}d ({_redacted_url(settings.database_url)})")
    return 0


def _redacted_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


async def _seed(settings: Settings, customers: int, seed: int, replace: bool, if_empty: bool) -> int:
    from app.banking.seed import SeedError, seed_demo_bank
    from app.db import create_engine

    engine = create_engine(settings.database_url)
    try:
        started = time.perf_counter()
        report = await seed_demo_bank(
            engine,
            customers=customers,
            seed=seed,
            replace=replace,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    except SeedError as exc:
        if if_empty:
            print(f"seed skipped: {exc}", file=sys.stderr)
            return 0
        print(f"bankdesk seed: {exc}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(json.dumps({**dataclasses.asdict(report), "seconds": round(time.perf_counter() - started, 2)}))
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    if args.customers < 1:
        print("bankdesk seed: --customers must be at least 1", file=sys.stderr)
        return 2
    return asyncio.run(_seed(_settings(), args.customers, args.seed, args.replace, args.if_empty))


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = _settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level.lower(),
    )
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    """Migrate, seed the demo bank if the database is empty and demo mode is on, then serve."""
    settings = _settings()
    cmd_db(argparse.Namespace(action="upgrade", revision="head"))
    if settings.demo_enabled:
        code = asyncio.run(_seed(settings, args.customers, args.seed, replace=False, if_empty=True))
        if code:
            return code
    # Train (first start) or load the triage model once here, so that N workers only load the cache.
    from app.agent import load_assets

    started = time.perf_counter()
    print("preparing the agent (the first start trains the triage model)...", file=sys.stderr, flush=True)
    load_assets(settings)
    print(f"agent ready in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return cmd_serve(args)


async def _list(kind: str, limit: int) -> list[dict[str, Any]]:
    from app.banking.seed import list_customers, list_staff
    from app.db import create_engine, create_sessionmaker

    engine = create_engine(_settings().database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            if kind == "customers":
                return await list_customers(session, limit=limit)
            return await list_staff(session)
    finally:
        await engine.dispose()


def cmd_customers(args: argparse.Namespace) -> int:
    rows = asyncio.run(_list("customers", args.limit))
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(f"{row['id']}  {row['full_name']:<30} {row['email']}")
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    rows = asyncio.run(_list("staff", 0))
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(f"{row['id']}  {row['role']:<10} {row['full_name']:<30} {row['email']}")
    return 0


async def _subject_exists(kind: str, subject: uuid.UUID) -> bool:
    from app.db import create_engine, create_sessionmaker
    from app.models import Customer, StaffUser

    engine = create_engine(_settings().database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            model: type[Customer] | type[StaffUser] = Customer if kind == "customer" else StaffUser
            return await session.get(model, subject) is not None
    finally:
        await engine.dispose()


def cmd_token(args: argparse.Namespace) -> int:
    from app.auth.tokens import issue_token

    settings = _settings()
    try:
        subject = uuid.UUID(args.id)
    except ValueError:
        print(f"bankdesk token: {args.id!r} is not a valid id", file=sys.stderr)
        return 2
    if not asyncio.run(_subject_exists(args.kind, subject)):
        print(f"bankdesk token: no {args.kind} with id {subject}", file=sys.stderr)
        return 1
    ttl = timedelta(minutes=args.minutes or settings.token_ttl_minutes)
    print(issue_token(settings.secret_key, subject=subject, kind=args.kind, ttl=ttl))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from agents.triage.cli import eval_command

    settings = _settings()
    grade = args.grade or settings.triage_grade
    return eval_command(args.csv, as_json=args.json, grade=grade, cache_dir=settings.var_dir / "models")


def cmd_train(args: argparse.Namespace) -> int:
    from agents.triage.cli import static_vectors_command, train_command

    if args.static_vectors:
        return static_vectors_command()
    settings = _settings()
    return train_command(args.grade or settings.triage_grade, cache_dir=settings.var_dir / "models")


def cmd_screen(args: argparse.Namespace) -> int:
    from agents.safety.cli import screen_command

    return screen_command(sys.stdin, sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bankdesk", description="Bankdesk: banking customer-support agent")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("db", help="schema migrations (Alembic)")
    p.add_argument("action", choices=["upgrade", "downgrade"])
    p.add_argument("revision", nargs="?", help="target revision (default: head / -1)")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("seed", help="build the deterministic demo bank")
    p.add_argument("--customers", type=int, default=50)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--replace", action="store_true", help="delete existing demo bank rows first")
    p.add_argument("--if-empty", action="store_true", help="do nothing (exit 0) if customers exist")
    p.set_defaults(func=cmd_seed)

    for name, func, helptext in (
        ("serve", cmd_serve, "serve the API"),
        ("up", cmd_up, "migrate, seed the demo bank if empty (demo mode), and serve"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--workers", type=int, default=1)
        if name == "up":
            p.add_argument("--customers", type=int, default=50)
            p.add_argument("--seed", type=int, default=7)
        p.set_defaults(func=func)

    p = sub.add_parser("customers", help="list customers")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_customers)

    p = sub.add_parser("staff", help="list staff users")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_staff)

    p = sub.add_parser("token", help="print a signed bearer token")
    p.add_argument("kind", choices=["customer", "staff"])
    p.add_argument("id")
    p.add_argument("--minutes", type=int, default=None, help="lifetime (default from settings)")
    p.set_defaults(func=cmd_token)

    p = sub.add_parser("eval", help="evaluate a model")
    eval_sub = p.add_subparsers(dest="what", required=True)
    t = eval_sub.add_parser("triage", help="evaluate the triage model on a CSV with columns text,category")
    t.add_argument("--csv", required=True)
    t.add_argument("--json", action="store_true", help="print one JSON object")
    t.add_argument("--grade", choices=["light", "embeddings"], default=None)
    t.set_defaults(func=cmd_eval)

    p = sub.add_parser("train", help="train (or load from cache) the triage model")
    p.add_argument("--grade", choices=["light", "embeddings"], default=None)
    p.add_argument(
        "--static-vectors",
        action="store_true",
        help="rebuild fixtures/triage/minilm_static.npz from MiniLM after the training data change "
        "(needs the embeddings extra)",
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("screen", help="screen messages (one per line on stdin) to JSON lines")
    p.set_defaults(func=cmd_screen)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
