"""The ``bankdesk`` console script."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import re
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
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
    if args.action == "grant-app-role":
        return asyncio.run(_grant_app_role(settings.database_url, args.role))
    if args.action == "upgrade":
        db.upgrade(settings.database_url, args.revision or "head")
    else:
        db.downgrade(settings.database_url, args.revision or "-1")
    print(f"database {args.action}d ({_redacted_url(settings.database_url)})")
    return 0


_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


async def _grant_app_role(database_url: str, role: str) -> int:
    """Grant the app's runtime role what it needs and no more; run as the schema owner after migrations.

    Every table: SELECT, INSERT, UPDATE, DELETE, except ``audit_event`` (SELECT and INSERT only: the log is
    append-only) and ``alembic_version`` (SELECT). Sequences: USAGE and SELECT. The role must not own the
    tables (an owner may ``ALTER TABLE ... DISABLE TRIGGER``) nor be a superuser (who may ``SET
    session_replication_role = replica`` and so skip triggers): both are refused here.
    """
    from sqlalchemy import text

    from app.db import create_engine

    if not _ROLE_NAME.fullmatch(role):
        print(f"bankdesk db grant-app-role: {role!r} is not a plain role name", file=sys.stderr)
        return 2
    engine = create_engine(database_url)
    try:
        if engine.dialect.name != "postgresql":
            print("bankdesk db grant-app-role: database roles need Postgres", file=sys.stderr)
            return 2
        async with engine.begin() as conn:
            found = (
                await conn.execute(
                    text(
                        "SELECT r.rolsuper, pg_has_role(:r, t.tableowner, 'MEMBER') AS owns, "
                        "current_database() AS db, current_schema() AS schema "
                        "FROM pg_roles r, pg_tables t "
                        "WHERE r.rolname = :r AND t.tablename = 'audit_event' "
                        "AND t.schemaname = current_schema()"
                    ),
                    {"r": role},
                )
            ).first()
            if found is None:
                print(
                    f"bankdesk db grant-app-role: no role {role!r}, or no audit_event table "
                    "(create the role, run `bankdesk db upgrade` first)",
                    file=sys.stderr,
                )
                return 1
            if found.rolsuper or found.owns:
                print(
                    f"bankdesk db grant-app-role: {role!r} is a superuser or owns the tables; the app "
                    "must run as a role that can neither disable triggers nor bypass them",
                    file=sys.stderr,
                )
                return 1
            q = f'"{role}"'
            schema = f'"{found.schema}"'
            for statement in (
                f'GRANT CONNECT ON DATABASE "{found.db}" TO {q}',
                f"GRANT USAGE ON SCHEMA {schema} TO {q}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {q}",
                f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {schema}.audit_event FROM {q}",
                f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.alembic_version FROM {q}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {q}",
            ):
                await conn.execute(text(statement))
    finally:
        await engine.dispose()
    print(f"granted {role}: read/write on every table, SELECT and INSERT only on audit_event")
    return 0


async def _audit(settings: Settings, action: str, as_json: bool) -> int:
    from app.audit.checkpoint import (
        CheckpointLog,
        CheckpointRefused,
        checkpoint_path,
        load_signing_key,
        verify_log,
    )
    from app.db import create_engine, create_sessionmaker

    engine = create_engine(settings.database_url)
    try:
        factory = create_sessionmaker(engine)
        if action == "checkpoint":
            key = load_signing_key(settings, create=True)
            assert key is not None
            try:
                line = await CheckpointLog(checkpoint_path(settings), key).write(factory)
            except CheckpointRefused as exc:
                print(
                    "bankdesk audit checkpoint: refused, the log no longer matches what was signed:",
                    file=sys.stderr,
                )
                for problem in exc.problems:
                    print(f"  {problem}", file=sys.stderr)
                return 1
            if line is None:
                print("no new events since the last checkpoint", file=sys.stderr)
            else:
                print(json.dumps(line))
            return 0
        verdict = await verify_log(factory, settings)
    finally:
        await engine.dispose()
    if as_json:
        _print_json(dataclasses.asdict(verdict))
    else:
        print(
            f"{'ok' if verdict.ok else 'NOT OK'}: {verdict.checked} events in {verdict.chains} chains, "
            f"{verdict.checkpoints_verified} signed checkpoints verified"
        )
        for problem in verdict.problems:
            print(f"  {problem}")
    return 0 if verdict.ok else 1


def cmd_audit(args: argparse.Namespace) -> int:
    from app.audit.checkpoint import CheckpointError

    try:
        return asyncio.run(_audit(_settings(), args.action, getattr(args, "json", False)))
    except CheckpointError as exc:
        print(f"bankdesk audit: {exc}", file=sys.stderr)
        return 2


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


def _one_native_thread_each() -> None:
    """Before numpy and scipy load in a serving process (and its workers, which inherit the environment):
    one thread for OpenBLAS and OpenMP. A turn's linear algebra is one tiny triage call, after which spare
    BLAS threads spin-wait: they cost more CPU than the rest of the turn (bench/README.md, 3 Dec). An
    operator's own setting wins."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")


def cmd_serve(args: argparse.Namespace) -> int:
    _one_native_thread_each()
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
    _one_native_thread_each()
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
    from app.auth.tokens import MAX_TOKEN_LIFETIME

    ttl = timedelta(minutes=args.minutes or settings.token_ttl_minutes)
    if ttl <= timedelta(0) or ttl > MAX_TOKEN_LIFETIME:
        limit = int(MAX_TOKEN_LIFETIME.total_seconds() // 60)
        print(f"bankdesk token: --minutes must be between 1 and {limit}", file=sys.stderr)
        return 2
    print(issue_token(settings.secret_key, subject=subject, kind=args.kind, ttl=ttl))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from agents.triage.cli import eval_command

    settings = _settings()
    grade = args.grade or settings.triage_grade
    return eval_command(args.csv, as_json=args.json, grade=grade, cache_dir=settings.model_cache_dir)


def cmd_evaluation(args: argparse.Namespace) -> int:
    """`bankdesk eval scenarios|compare|replay|traffic`: each lives in its own module of app/evaluation/."""
    import importlib

    module = importlib.import_module(f"app.evaluation.{args.what}")
    code: int = module.command(args)
    return code


def _add_evaluation_parsers(eval_sub: Any) -> None:
    s = eval_sub.add_parser(
        "scenarios",
        help="run the conversation scenarios K times against a model configuration; report.md/json and plots",
    )
    s.add_argument("--models", type=Path, default=None, help="models config TOML (default: the bundled one)")
    s.add_argument("--k", type=int, default=1, help="runs per scenario (pass^k needs every run to pass)")
    s.add_argument("--tag", action="append", default=[], help="only scenarios in this category (repeatable)")
    s.add_argument("--dir", type=Path, default=None, help="a folder of scenario files (default: the suite)")
    s.add_argument("--out", type=Path, default=Path("eval-out/scenarios"), help="where the report goes")
    s.set_defaults(func=cmd_evaluation)

    c = eval_sub.add_parser(
        "compare", help="the same scenarios under two model configurations, side by side; gates a change"
    )
    c.add_argument("a", type=Path, help="configuration A (models TOML)")
    c.add_argument("b", type=Path, help="configuration B (models TOML)")
    c.add_argument("--k", type=int, default=1)
    c.add_argument("--tag", action="append", default=[])
    c.add_argument("--dir", type=Path, default=None)
    c.add_argument(
        "--max-drop",
        type=float,
        default=0.02,
        help="exit 1 when B's pass rate is more than this below A's (a fraction; default 0.02)",
    )
    c.add_argument("--out", type=Path, default=Path("eval-out/compare"))
    c.set_defaults(func=cmd_evaluation)

    r = eval_sub.add_parser(
        "replay",
        help="replay stored conversations under another configuration, tools answered from the record",
    )
    r.add_argument("--since", required=True, help="first day (YYYY-MM-DD) of stored conversations to replay")
    r.add_argument("--until", default=None, help="last day (YYYY-MM-DD), inclusive (default: today)")
    r.add_argument("--models", type=Path, required=True, help="configuration B (models TOML)")
    r.add_argument("--limit", type=int, default=None, help="at most this many conversations")
    r.add_argument("--out", type=Path, default=Path("eval-out/replay"))
    r.add_argument("--recorded-only", action="store_true", help="unrecorded reads: tool not recorded")
    r.set_defaults(func=cmd_evaluation)

    t = eval_sub.add_parser("traffic", help="the A/B view of real traffic per model variant")
    t.add_argument("--since", required=True, help="first day (YYYY-MM-DD)")
    t.add_argument("--until", default=None, help="last day (YYYY-MM-DD), inclusive (default: today)")
    t.add_argument("--out", type=Path, default=Path("eval-out/traffic"))
    t.set_defaults(func=cmd_evaluation)


def cmd_train(args: argparse.Namespace) -> int:
    from agents.triage.cli import static_vectors_command, train_command

    if args.static_vectors:
        return static_vectors_command()
    settings = _settings()
    return train_command(args.grade or settings.triage_grade, cache_dir=settings.model_cache_dir)


def cmd_screen(args: argparse.Namespace) -> int:
    from agents.safety.cli import screen_command

    return screen_command(sys.stdin, sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bankdesk", description="Bankdesk: banking customer-support agent")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("db", help="schema migrations (Alembic) and the app's database role")
    db_sub = p.add_subparsers(dest="action", required=True)
    for action, default in (("upgrade", "head"), ("downgrade", "-1")):
        d = db_sub.add_parser(action, help=f"Alembic {action}")
        d.add_argument("revision", nargs="?", help=f"target revision (default: {default})")
        d.set_defaults(func=cmd_db)
    d = db_sub.add_parser(
        "grant-app-role",
        help="as the schema owner, after migrations: grant ROLE what the app needs "
        "(SELECT and INSERT only on audit_event)",
    )
    d.add_argument("role")
    d.set_defaults(func=cmd_db)

    p = sub.add_parser("audit", help="signed checkpoints of the audit log")
    audit_sub = p.add_subparsers(dest="action", required=True)
    a = audit_sub.add_parser("checkpoint", help="sign the log's current chain heads now")
    a.set_defaults(func=cmd_audit)
    a = audit_sub.add_parser("verify", help="recompute every chain and check every signed checkpoint")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_audit)

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
    _add_evaluation_parsers(eval_sub)

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
