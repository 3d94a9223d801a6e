"""Time the demo-bank seed: 100,000 customers on Postgres (target < 120 s), 50 on SQLite (target < 3 s).

Usage: .venv/bin/python bench/seed_bench.py [--customers N] [--pg-admin DSN] [--skip-postgres]

Creates a scratch Postgres database, migrates it with Alembic, seeds it, prints rows per table,
seconds and rows/second, and drops the database afterwards (also on failure).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from app import db
from app.banking.seed import SeedReport, seed_demo_bank

NOW = datetime(2026, 11, 1, tzinfo=UTC)
PG_TARGET_SECONDS = 120.0
SQLITE_TARGET_SECONDS = 3.0


def _print_report(label: str, report: SeedReport, target: float) -> None:
    verdict = "OK" if report.seconds < target else "TOO SLOW"
    rate = report.rows / report.seconds
    print(f"\n{label}: {report.seconds:.1f} s for {report.rows:,} rows ({rate:,.0f} rows/s)")
    for table, count in report.counts().items():
        print(f"  {table:<12} {count:>12,}")
    print(f"  target < {target:.0f} s: {verdict}")


async def _seed(url: str, customers: int) -> SeedReport:
    await asyncio.to_thread(db.upgrade, url)
    engine = db.create_engine(url)
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"  {time.perf_counter() - started:6.1f} s  {message}", flush=True)

    try:
        return await seed_demo_bank(engine, customers=customers, now=NOW, progress=progress)
    finally:
        await engine.dispose()


def bench_postgres(admin_dsn: str, customers: int) -> SeedReport:
    name = f"bankdesk_seed_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(admin_dsn).set(drivername="postgresql+psycopg", database=name)
    try:
        print(f"Postgres ({name}), {customers:,} customers:")
        started = time.perf_counter()
        report = asyncio.run(_seed(url.render_as_string(hide_password=False), customers))
        print(f"  (migration + seed wall time {time.perf_counter() - started:.1f} s)")
        return report
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_sqlite(customers: int) -> SeedReport:
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite, {customers:,} customers:")
        return asyncio.run(_seed(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", customers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--sqlite-customers", type=int, default=50)
    parser.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    sqlite_report = bench_sqlite(args.sqlite_customers)
    pg_report = None if args.skip_postgres else bench_postgres(args.pg_admin, args.customers)
    _print_report(f"SQLite, {args.sqlite_customers:,} customers", sqlite_report, SQLITE_TARGET_SECONDS)
    if pg_report is not None:
        _print_report(f"Postgres, {args.customers:,} customers", pg_report, PG_TARGET_SECONDS)


if __name__ == "__main__":
    main()
