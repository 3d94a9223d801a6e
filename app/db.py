"""Engine and session factories, and schema migration by Alembic.

The request (or the CLI command) owns the transaction: services only flush.
"""

from __future__ import annotations

import select
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.config import PROJECT_ROOT


def create_engine(url: str, *, foreign_keys: bool = True, **kwargs: Any) -> AsyncEngine:
    """Make the app's engine. On SQLite every transaction is ``BEGIN IMMEDIATE``.

    SQLite has one writer; a deferred transaction that reads and later writes can fail with
    SQLITE_BUSY_SNAPSHOT instead of waiting, which would fork the audit hash chain or lose a turn.
    Taking the write lock up front makes transactions queue on ``busy_timeout`` instead (the
    same choice Rails 8 made for SQLite in production).

    Migrations pass ``foreign_keys=False``: SQLite's batch mode rebuilds a table by dropping it, which with
    foreign keys on would cascade-delete the rows that reference it.
    """
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        database = sa_url.database or ""
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine, foreign_keys=foreign_keys)
        return engine
    # Backstops against a stuck client or a forgotten transaction: the server ends a statement after
    # 30 s and a session idle in a transaction after 60 s, so neither can pin a pooled connection for good.
    kwargs.setdefault("connect_args", {"options": PG_SESSION_TIMEOUTS})
    engine = create_async_engine(url, **kwargs)
    _check_pooled_connections(engine)
    return engine


# A pooled connection idle longer than this is pinged (one round trip) before it is handed out.
IDLE_PING_SECONDS = 30.0


def _check_pooled_connections(engine: AsyncEngine) -> None:
    """Hand out only live connections, without a round trip on every checkout.

    SQLAlchemy's ``pool_pre_ping`` sends a statement each time a connection leaves the pool: about five a
    turn, a fifth of a turn's round trips (bench/README.md, 7 Dec, twelfth session). A connection the server
    has ended (a restart, ``pg_terminate_backend``, an idle timeout) has its ending waiting on the socket:
    a zero-timeout ``poll`` on it sees that without asking the server anything, and the pool then opens a
    new connection instead. A connection idle for longer than ``IDLE_PING_SECONDS`` (where a dropped network
    path says nothing on the socket) is pinged as before.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        connection = dbapi_connection.driver_connection
        if connection.closed or connection.broken:
            raise exc.DisconnectionError("the pooled connection is closed")
        # The server writes nothing to an idle connection that listens for nothing: anything there (an
        # error saying it is shutting down, the end of the stream) means the connection is over. poll, not
        # select: a process holding a thousand open streams has descriptors past select's limit of 1,024.
        poller = select.poll()
        poller.register(connection.pgconn.socket, select.POLLIN)
        if poller.poll(0):
            raise exc.DisconnectionError("the server ended or wrote on an idle pooled connection")
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since > IDLE_PING_SECONDS:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except Exception as error:
                if engine.dialect.is_disconnect(cast(Any, error), dbapi_connection, None):
                    raise exc.DisconnectionError(f"the pooled connection failed its ping: {error}") from error
                raise


PG_SESSION_TIMEOUTS = "-c statement_timeout=30000 -c idle_in_transaction_session_timeout=60000"


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions are off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(_AUTOCOMMIT_READS):
            return  # a single read: SQLite runs it in its own snapshot, without the write lock
        conn.exec_driver_sql("BEGIN IMMEDIATE")


_AUTOCOMMIT_READS = "bankdesk_autocommit_reads"
_READ_ENGINES: weakref.WeakKeyDictionary[Any, AsyncEngine] = weakref.WeakKeyDictionary()


def read_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same engine and pool for single-statement reads outside a transaction.

    A read that is one statement needs no transaction of its own: each statement sees what was committed
    when it started, as it did in a transaction of its own. On Postgres the connection is in autocommit (a
    client-side switch in psycopg: no BEGIN and no ROLLBACK round trip); on SQLite the read does not take the
    write lock (``BEGIN IMMEDIATE``) every transaction takes, so it no longer queues behind writers. Never
    for writes or for reads that must agree with each other.
    """
    derived = _READ_ENGINES.get(engine.sync_engine)
    if derived is None:
        if engine.dialect.name == "postgresql":
            derived = engine.execution_options(isolation_level="AUTOCOMMIT")
        else:
            derived = engine.execution_options(**{_AUTOCOMMIT_READS: True})
        _READ_ENGINES[engine.sync_engine] = derived
    return derived


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    from app.models.pan_guard import install_pan_guard  # the last line of defence against stored PANs

    return install_pan_guard(async_sessionmaker(engine, expire_on_commit=False, autoflush=False))


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
