"""A Postgres restart under load: every acknowledged message is in the database afterwards.

The test makes its own throwaway Postgres cluster (the machine's shared server is never touched),
migrates it, seeds customers, and serves the real app from a uvicorn process on it. Four clients
post messages (two as JSON, two as event streams), each with its own Idempotency-Key, retrying a
failed request with the same key as a well-behaved client would. Once every client has had a turn
answered and a few seconds more, the cluster is restarted (``pg_ctl restart``, fast and immediate);
the load goes on until every client is answered again, and a few seconds more. Afterwards every
message the server acknowledged (a 201 with the turn, or a ``message.completed`` event) must be in
the ``message`` table exactly once, no message may be stored twice for one key, every failure must
have been a clean problem+json answer or an ``error`` event (never a hang or a dropped connection),
and the server must serve again soon after the restart.

Runs when ``BANKDESK_TEST_DATABASE_URL`` is set (the switch for every Postgres test); the URL itself
is not used.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from app import db
from app.auth.tokens import issue_token
from tests.conftest import PG_ENV
from tests.factories import SECRET, make_customer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set"),
]

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 4
WARM_UP_S = 30.0
LOAD_BEFORE_S = 4.0
LOAD_AFTER_S = 3.0
RETRY_PAUSE_S = 0.2
# After the restart finished, every client must have a turn acknowledged within this long: a turn
# the restart cut short holds its conversation's lease (30 s, ``TurnServices.lease``) until it runs
# out, and a retry then recovers it; 15 s more for the retry to get through.
RECOVERY_S = 45.0
# A request that takes longer than this counts as a hang.
REQUEST_TIMEOUT_S = 20.0
WHOLE_TEST_S = 150.0


def _pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if not versions:
        pytest.skip("no Postgres server binaries under /usr/lib/postgresql")
    return versions[-1].parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database} connect_timeout=5"

    def command(self, *args: str) -> list[str]:
        # initdb and postgres refuse to run as root; the cluster belongs to the postgres user then.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return [*prefix, *args]

    def pg_ctl(self, *args: str) -> list[str]:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        return self.command(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, *args
        )


@contextlib.contextmanager
def private_cluster() -> Iterator[Cluster]:
    """A throwaway Postgres cluster in a temporary directory, stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="bankdesk-pg-"))
    cluster = Cluster(bin=_pg_bin(), root=root, port=_free_port())
    started = False
    try:
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        subprocess.run(
            cluster.command(
                str(cluster.bin / "initdb"), "-D", str(cluster.data), "-U", "postgres", "-A", "trust"
            ),
            check=True,
            capture_output=True,
            timeout=60,
        )
        subprocess.run(cluster.pg_ctl("-w", "-t", "30", "start"), check=True, capture_output=True, timeout=40)
        started = True
        with psycopg.connect(cluster.dsn("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bankdesk")
        yield cluster
    finally:
        if started:
            subprocess.run(
                cluster.pg_ctl("-w", "-t", "30", "-m", "immediate", "stop"), timeout=40, check=False
            )
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def app_server(database_url: str, log_path: Path) -> Iterator[str]:
    """The real app in a uvicorn process; yields its base URL once ``/readyz`` answers."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANKDESK_")}
    env.update(
        {
            "BANKDESK_ENV": "test",
            "BANKDESK_DATABASE_URL": database_url,
            "BANKDESK_SECRET_KEY": SECRET,
            # The test is about the database, not the per-customer rate limit.
            "BANKDESK_RATE_LIMIT_PER_MINUTE": "100000",
        }
    )
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"the server exited:\n{log_path.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the server never got ready:\n{log_path.read_text()[-3000:]}"
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@dataclass
class Attempt:
    key: str
    content: str
    streaming: bool
    started: float
    elapsed: float
    outcome: str  # "ack", "error" (a clean failure) or "bad" (a hang, a dropped connection, a raw error)
    status: int | None
    detail: str


@dataclass
class ClientLog:
    attempts: list[Attempt] = field(default_factory=list)
    # message ids the server acknowledged, by Idempotency-Key
    acked: dict[str, list[str]] = field(default_factory=dict)
    contents: dict[str, str] = field(default_factory=dict)


def _sse_events(text: str) -> list[tuple[str, dict[str, object]]]:
    events = []
    for block in text.split("\n\n"):
        name, data = None, None
        for line in block.splitlines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data = json.loads(line[len("data: ") :])
        if name is not None and isinstance(data, dict):
            events.append((name, data))
    return events


def _problem_detail(attempt: Attempt) -> str:
    """The ``detail`` of a problem+json body or an SSE ``error`` event, else the start of the text."""
    for line in attempt.detail.splitlines():
        if line.startswith("data: "):
            line = line[len("data: ") :]
        with contextlib.suppress(ValueError):
            body = json.loads(line)
            if isinstance(body, dict) and "detail" in body:
                return str(body["detail"])
    return attempt.detail[:80]


def _is_problem(response: httpx.Response) -> bool:
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return False
    body = response.json()
    return isinstance(body, dict) and body.get("status") == response.status_code


async def _one_attempt(
    client: httpx.AsyncClient, cid: str, headers: dict[str, str], key: str, content: str, streaming: bool
) -> Attempt:
    started = time.monotonic()
    h = {**headers, "Idempotency-Key": key}
    if streaming:
        h["Accept"] = "text/event-stream"
    status: int | None = None
    try:
        response = await client.post(
            f"/v1/conversations/{cid}/messages", json={"content": content}, headers=h
        )
    except httpx.TimeoutException as exc:
        outcome, detail = "bad", f"no answer within {REQUEST_TIMEOUT_S} s ({type(exc).__name__})"
    except httpx.TransportError as exc:
        outcome, detail = "bad", f"connection failed: {type(exc).__name__}: {exc}"
    else:
        status = response.status_code
        detail = response.text
        # A stream answers before the turn runs (200 today, though the schema says 201): what counts
        # is the event it ends with.
        if status in (200, 201) and streaming:
            events = dict(_sse_events(response.text))
            if "message.completed" in events:
                outcome, detail = "ack", json.dumps(events["message.completed"])
            elif "error" in events:
                outcome = "error"
            else:
                outcome = "bad"  # the stream ended with neither a completion nor an error
        elif status == 201:
            outcome = "ack"
        elif (status >= 500 or status == 409) and _is_problem(response):
            # 5xx while the database is away; 409 when a retry meets its own unfinished first try.
            outcome = "error"
        else:
            outcome = "bad"
    return Attempt(key, content, streaming, started, time.monotonic() - started, outcome, status, detail)


@dataclass
class Run:
    """What the conductor tells the clients: when to stop."""

    stop: asyncio.Event = field(default_factory=asyncio.Event)


async def _drive(base: str, n: int, customer_id: uuid.UUID, run: Run, log: ClientLog) -> None:
    token = issue_token(SECRET, subject=customer_id, kind="customer", ttl=timedelta(hours=1))
    headers = {"Authorization": f"Bearer {token}"}
    streaming = n % 2 == 1
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
        r = await client.post("/v1/conversations", headers=headers)
        assert r.status_code == 201, r.text
        cid = r.json()["id"]
        i = 0
        while not run.stop.is_set():
            key, content = f"restart-{n}-{i}-{uuid.uuid4().hex[:8]}", f"What is my balance? (client {n} #{i})"
            log.contents[key] = content
            # Retry with the same key until acknowledged or told to stop, as a careful client does.
            while not run.stop.is_set():
                attempt = await _one_attempt(client, cid, headers, key, content, streaming)
                log.attempts.append(attempt)
                if attempt.outcome == "ack":
                    body = json.loads(attempt.detail)
                    ids = [body["message"]["id"]] + ([body["reply"]["id"]] if body.get("reply") else [])
                    log.acked[key] = ids
                    break
                await asyncio.sleep(RETRY_PAUSE_S)
            i += 1


def _acked_since(log: ClientLog, since: float) -> bool:
    return any(a.outcome == "ack" and a.started >= since for a in log.attempts)


async def _until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


def _stored(cluster: Cluster) -> tuple[dict[str, int], dict[str, int]]:
    """How often each message id and each customer message text is in the ``message`` table."""
    with psycopg.connect(cluster.dsn("bankdesk")) as conn:
        ids: dict[str, int] = {}
        for (mid,) in conn.execute("SELECT id FROM message"):
            ids[str(mid)] = ids.get(str(mid), 0) + 1
        contents: dict[str, int] = {}
        for (text,) in conn.execute("SELECT content FROM message WHERE role = 'customer'"):
            contents[text] = contents.get(text, 0) + 1
    return ids, contents


async def _seed(url: str) -> list[uuid.UUID]:
    engine = db.create_engine(url)
    try:
        async with db.create_sessionmaker(engine)() as session:
            return [(await make_customer(session, name=f"Load Customer {n}")).id for n in range(CLIENTS)]
    finally:
        await engine.dispose()


# fast: Postgres ends every session and checkpoints; immediate: it stops as if it crashed and
# replays its WAL on start, so an acknowledged commit must have reached the WAL on disk.
@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_acknowledged_messages_survive_a_postgres_restart(tmp_path: Path, mode: str) -> None:
    async with asyncio.timeout(WHOLE_TEST_S):
        with private_cluster() as cluster:
            url = cluster.url("bankdesk")
            await asyncio.to_thread(db.upgrade, url)
            customers = await _seed(url)
            with app_server(url, tmp_path / "server.log") as base:
                logs = [ClientLog() for _ in range(CLIENTS)]
                run = Run()
                clients = [
                    asyncio.create_task(_drive(base, n, customers[n], run, logs[n])) for n in range(CLIENTS)
                ]
                try:
                    # Warm up (the first turn of a fresh process loads the agent), then load for a while.
                    warm = await _until(lambda: all(_acked_since(log, 0) for log in logs), WARM_UP_S)
                    await asyncio.sleep(LOAD_BEFORE_S)
                    restart_began = time.monotonic()
                    restart = await asyncio.create_subprocess_exec(
                        *cluster.pg_ctl("-w", "-t", "30", "-m", mode, "restart"),
                        stdout=asyncio.subprocess.DEVNULL,
                        stderr=asyncio.subprocess.PIPE,
                    )
                    _, err = await restart.communicate()
                    assert restart.returncode == 0, err.decode()
                    restarted = time.monotonic()
                    await _until(lambda: all(_acked_since(log, restarted) for log in logs), RECOVERY_S)
                    await asyncio.sleep(LOAD_AFTER_S)
                finally:
                    run.stop.set()
                    await asyncio.gather(*clients, return_exceptions=True)
                for task in clients:
                    task.result()  # a client that broke down (not a request that failed) fails the test
                server_log = (tmp_path / "server.log").read_text(errors="replace")

            ids, contents = _stored(cluster)

    assert warm, f"not every client had a turn acknowledged within {WARM_UP_S} s of starting"
    attempts = [a for log in logs for a in log.attempts]
    errors = Counter(f"{a.status} {_problem_detail(a)}" for a in attempts if a.outcome == "error")
    recovered = [
        min(
            (
                a.started + a.elapsed - restarted
                for a in log.attempts
                if a.outcome == "ack" and a.started >= restarted
            ),
            default=float("inf"),
        )
        for log in logs
    ]
    summary = (
        f"{len(attempts)} attempts, {sum(a.outcome == 'ack' for a in attempts)} acknowledged; restart took "
        f"{restarted - restart_began:.1f} s; first acknowledgement after it, by client: "
        + ", ".join(f"{r:.1f} s" for r in recovered)
        + "; clean errors: "
        + (", ".join(f"{n} x {e}" for e, n in errors.most_common()) or "none")
    )
    bad = [a for a in attempts if a.outcome == "bad"]
    assert not bad, (
        f"{summary}\nunclean failures:\n"
        + "\n".join(
            f"{a.status} after {a.elapsed:.1f} s ({'sse' if a.streaming else 'json'}): {a.detail[:400]}"
            for a in bad
        )
        + f"\nserver log tail:\n{server_log[-4000:]}"
    )

    lost = {key: [i for i in acked if ids.get(i) != 1] for log in logs for key, acked in log.acked.items()}
    lost = {k: v for k, v in lost.items() if v}
    assert not lost, f"{summary}\nacknowledged but not stored exactly once: {lost}"

    doubled = {
        log.contents[k]: contents[log.contents[k]]
        for log in logs
        for k in log.contents
        if contents.get(log.contents[k], 0) > 1
    }
    assert not doubled, f"{summary}\nstored more than once for one Idempotency-Key: {doubled}"

    for n, log in enumerate(logs):
        assert any(a.outcome == "ack" and a.started < restart_began for a in log.attempts), (
            f"client {n} had nothing acknowledged before the restart; {summary}"
        )
        assert recovered[n] < RECOVERY_S, (
            f"client {n} had nothing acknowledged within {RECOVERY_S} s of the restart; {summary}"
        )
