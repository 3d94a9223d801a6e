"""Shared fixtures: a freshly migrated database per test, on SQLite and (when configured) Postgres.

Every test that asks for ``database_url`` gets its own database cloned from one built by
``alembic upgrade head`` at the start of the session (a file copy on SQLite, ``CREATE DATABASE ...
TEMPLATE`` on Postgres). Tests commit for real, so concurrency, idempotency and the hash chain are
exercised as in production, and no test can see another test's rows.
"""

from __future__ import annotations

import base64
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app import db
from app.agent import AgentAssets, load_assets
from app.config import Settings

PG_ENV = "BANKDESK_TEST_DATABASE_URL"


def _backends() -> list[str]:
    return ["sqlite", "postgres"] if os.environ.get(PG_ENV) else ["sqlite"]


def pg_admin_dsn(url: str) -> str:
    """A libpq DSN for the maintenance database of the server behind ``url``."""
    u = make_url(url)
    return u.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)


def pg_url_for(url: str, database: str) -> str:
    return (
        make_url(url)
        .set(drivername="postgresql+psycopg", database=database)
        .render_as_string(hide_password=False)
    )


def pg_execute(url: str, *statements: str) -> None:
    with psycopg.connect(pg_admin_dsn(url), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every app a test starts signs its audit checkpoints into the test's own file with its own key."""
    monkeypatch.setenv("BANKDESK_AUDIT_CHECKPOINT_PATH", str(tmp_path / "audit" / "checkpoints.jsonl"))
    monkeypatch.setenv("BANKDESK_AUDIT_SIGNING_KEY", base64.b64encode(os.urandom(32)).decode("ascii"))


@pytest.fixture(scope="session", params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def template_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to clone; yields its URL (SQLite) or its name (Postgres)."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "template.db"
        db.upgrade(f"sqlite+aiosqlite:///{path}")
        yield str(path)
        return
    base = os.environ[PG_ENV]
    name = f"bankdesk_tpl_{uuid.uuid4().hex[:10]}"
    pg_execute(base, f'CREATE DATABASE "{name}"')
    try:
        db.upgrade(pg_url_for(base, name))
        yield name
    finally:
        pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(backend: str, template_database: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / "bankdesk.db"
        shutil.copyfile(template_database, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    base = os.environ[PG_ENV]
    name = f"bankdesk_t_{uuid.uuid4().hex[:12]}"
    pg_execute(base, f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    try:
        yield pg_url_for(base, name)
    finally:
        pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = db.create_engine(database_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return db.create_sessionmaker(engine)


@pytest.fixture
async def session(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for arranging and inspecting rows; commit explicitly when the app must see them."""
    async with session_factory() as s:
        yield s


@pytest.fixture(scope="session")
def agent_assets() -> AgentAssets:
    """The trained triage model, knowledge base and procedures: built (or loaded from var/) once."""
    from tests.factories import SECRET

    return load_assets(Settings(env="test", secret_key=SECRET))
