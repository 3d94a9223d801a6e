"""Scratch databases and real server processes for the turn benchmarks (``turn_bench``, ``profile_turn``).

Everything made here is undone by the ``contextlib.ExitStack`` it is registered on: servers are
terminated (killed after 20 s), Postgres databases dropped (``WITH (FORCE)``), temporary directories
removed, also on Ctrl-C or SIGTERM (``sigterm_as_interrupt``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import httpx
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SHARED_MODELS = ROOT / "var" / "models"  # the triage model cache (training it takes minutes)
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def sigterm_as_interrupt() -> None:
    """SIGTERM unwinds like Ctrl-C, so the ExitStack's clean-up runs."""

    def _raise(_sig: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def scratch_dir(stack: contextlib.ExitStack, prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    stack.callback(shutil.rmtree, path, ignore_errors=True)
    return path


def scratch_database(stack: contextlib.ExitStack, backend: str, name: str, workdir: Path) -> str:
    """A new empty database: a Postgres database on the server at ``PG_ADMIN``, or a SQLite file."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / (name + '.db')}"
    db = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
    stack.callback(drop_database, db)
    admin = psycopg.conninfo.conninfo_to_dict(PG_ADMIN)
    user = admin.get("user", "postgres")
    host, port = admin.get("host", "127.0.0.1"), admin.get("port", "5432")
    return f"postgresql+psycopg://{user}@{host}:{port}/{db}"


def drop_database(db: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL as psycopg takes it."""
    return database_url.replace("postgresql+psycopg://", "postgresql://", 1)


def bankdesk_env(database_url: str, var_dir: Path, secret: str, **extra: str) -> dict[str, str]:
    """Bankdesk's environment: production mode, a private var dir sharing the trained triage model."""
    var_dir.mkdir(parents=True, exist_ok=True)
    models = var_dir / "models"
    if not models.exists():
        SHARED_MODELS.mkdir(parents=True, exist_ok=True)
        models.symlink_to(SHARED_MODELS, target_is_directory=True)
    return {
        **os.environ,
        "BANKDESK_ENV": "prod",
        "BANKDESK_DATABASE_URL": database_url,
        "BANKDESK_SECRET_KEY": secret,
        "BANKDESK_VAR_DIR": str(var_dir),
        "BANKDESK_MODELS_DIR": str(SHARED_MODELS),  # if this settings version has it
        **extra,
    }


def new_secret() -> str:
    return secrets.token_urlsafe(48)


def bankdesk(args: Sequence[str], env: Mapping[str, str]) -> str:
    """Run the ``bankdesk`` console script; its stdout, or an error with its stderr."""
    done = subprocess.run(
        [str(BIN / "bankdesk"), *args], env=dict(env), cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"bankdesk {' '.join(args)} failed ({done.returncode}): {done.stderr[-3000:]}")
    return done.stdout


def prepare_bankdesk(env: Mapping[str, str], *, customers: int, seed: int = 7) -> list[uuid.UUID]:
    """Migrate, seed ``customers`` customers and return their ids."""
    bankdesk(["db", "upgrade"], env)
    bankdesk(["seed", "--customers", str(customers), "--seed", str(seed)], env)
    listed = json.loads(bankdesk(["customers", "--json", "--limit", str(customers)], env))
    return [uuid.UUID(c["id"]) for c in listed]


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def start_server(
    stack: contextlib.ExitStack, name: str, argv: Sequence[str], env: Mapping[str, str], log_path: Path
) -> Server:
    """Start ``argv`` (which must listen on the port given as ``{port}``); stopped when the stack closes."""
    port = free_port()
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [a.format(port=port) for a in argv], env=dict(env), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(name, proc, port, log_path)
    stack.callback(server.stop)
    return server


def bankdesk_serve_argv(workers: int = 1) -> list[str]:
    """``bankdesk serve``: uvicorn, one worker unless told, the settings' log level (info: access log on)."""
    return [
        str(BIN / "bankdesk"), "serve", "--host", "127.0.0.1", "--port", "{port}", "--workers", str(workers)
    ]  # fmt: skip


def floor_serve_argv() -> list[str]:
    """The floor under uvicorn with what ``bankdesk serve`` passes: factory, 1 worker, log level info."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.floor_app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        "1",
        "--log-level",
        "info",
    ]
