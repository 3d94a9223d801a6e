"""A real Bankdesk server in a subprocess (uvicorn), for tests that crash it, cut its connections or
restart it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``start()`` runs ``uvicorn app.main:create_app --factory`` and waits for /readyz."""

    def __init__(self, env: Mapping[str, str], *, log_path: Path) -> None:
        self.env = {**os.environ, **env}
        self.port = free_port()
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """The server's command line (``self.port`` is free)."""
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]

    def start(self, timeout: float = 120) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.command(),
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"server not ready after {timeout} s: {self.log_tail()}")

    def wait_dead(self, timeout: float = 30) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def server_env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a test server on ``database_url`` (its audit checkpoints under ``tmp_path``)."""
    from tests.factories import SECRET

    return {
        "BANKDESK_ENV": "test",
        "BANKDESK_DATABASE_URL": database_url,
        "BANKDESK_SECRET_KEY": SECRET,
        "BANKDESK_RATE_LIMIT_PER_MINUTE": "1000",
        "BANKDESK_CONVERSATIONS_PER_MINUTE": "1000",
        "BANKDESK_AUDIT_CHECKPOINT_PATH": str(tmp_path / "checkpoints.jsonl"),
        **extra,
    }


@contextmanager
def live_server(database_url: str, tmp_path: Path, **extra: str) -> Iterator[LiveServer]:
    """A server (not yet started) on ``database_url``, stopped on the way out."""
    live = LiveServer(server_env(database_url, tmp_path, **extra), log_path=tmp_path / "server.log")
    try:
        yield live
    finally:
        live.stop()


async def seeded_customers(database_url: str, count: int, *, seed: int) -> list[uuid.UUID]:
    """Seed the demo bank with ``count`` customers and return their ids."""
    from app.banking.seed import list_customers, seed_demo_bank
    from app.db import create_engine, create_sessionmaker

    engine = create_engine(database_url)
    try:
        await seed_demo_bank(engine, customers=count, seed=seed)
        async with create_sessionmaker(engine)() as s:
            return [uuid.UUID(c["id"]) for c in await list_customers(s, limit=count)]
    finally:
        await engine.dispose()
