"""Many slow conversations (issue 14): ONE server process holds 1,000 concurrent SSE conversations.

Usage: .venv/bin/python bench/slow_conversations.py [--conversations 1000] [--turns 3] [--latency-ms 2000]
       [--ramp-s 60] [--think-s 45 90] [--idle-hold-s 30] [--burst] [--vanish 200] [--never-read 200]
       [--pg-admin DSN] [--keep-db] [--out PATH]

1. Creates a fresh Postgres database, migrates it and seeds one customer per conversation (the per-customer
   limits allow 2 running turns and 10 new conversations a minute), plus one per misbehaving client.
2. Starts one ``bankdesk serve`` process with every model call sleeping ``--latency-ms`` (the local
   provider's simulated latency, BANKDESK_SIMULATED_LATENCY_MS).
3. Load phase, two workloads:

   * default, the chat widget: ``--conversations`` customers arrive evenly over ``--ramp-s`` (60 s). Each
     creates a conversation and opens its live event stream (``GET /v1/conversations/{id}/events``, SSE, as
     ``app/web/static/widget.js`` does), which stays open for the whole run (reconnecting with
     ``Last-Event-ID`` if it drops; every drop is counted). The customer sends its first message after a
     random 0..max think time, then ``--turns`` messages in all, each a streamed turn (``POST .../messages``
     with ``Accept: text/event-stream``), with a think time drawn uniformly from ``--think-s`` (45-90 s:
     reading the reply, typing the next message) between the end of a reply and the next message. When
     every conversation is done the streams stay open ``--idle-hold-s`` more, to measure what holding them
     costs, and each turn's messages are looked for on the conversation's stream.
   * ``--burst``: the earlier stress run: clients ramped over ``--ramp-s`` (20 s), each sending its turns
     back to back (0.5 s apart), no event stream: as many turns in flight as clients.

   Errors are turns without ``message.completed`` (a status other than 200, an ``error`` event, a dropped
   turn stream) and event streams that failed to open or dropped.
4. Misbehaving clients: ``--vanish`` clients send a turn, read its first event and drop the connection;
   ``--never-read`` clients send a turn and never read a byte (holding the socket open for a while, then
   dropping it). Afterwards the database must hold no half-stored turn: ``turn_journal`` empty, every
   customer message answered, no Idempotency-Key left in flight. Server RSS is read again after an idle
   interval, to see that the dropped clients pinned nothing.

Figures: conversations held (event streams open at once), turns in flight at peak, errors (%), turn latency
p50/p95/p99 (request sent -> ``message.completed``), time to the first event, turns whose messages arrived on
the event stream, server peak RSS (/proc VmHWM and sampled VmRSS), event-loop lag (the server's
``bankdesk_event_loop_lag_seconds``), database pool connections in use, server CPU per turn. Written to
bench/out/slow_conversations.json (``--out`` to change).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url
from tqdm import tqdm

from app.auth.tokens import issue_token

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "slow_conversations.json"
BANKDESK = Path(sys.executable).parent / "bankdesk"
# Questions the agent answers itself (no handoff, so no turn is silent): each conversation asks them in turn.
QUESTIONS = (
    "hi there",
    "what's my balance?",
    "show my recent payments",
    "how long does a bank transfer take?",
    "when does my card expire?",
)
LAG_METRIC = "bankdesk_event_loop_lag_seconds"


# --- the server --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def _rss_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (the peak) of a process, in KiB."""
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Scrape:
    lag_buckets: dict[float, float]
    lag_count: float
    lag_sum: float
    lag_max: float
    pool_in_use: float
    pool_max: float


async def _scrape(client: httpx.AsyncClient) -> Scrape:
    text = (await client.get("/metrics", timeout=30)).text
    buckets: dict[float, float] = {}
    scrape = Scrape(buckets, 0, 0, 0, 0, 0)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == f"{LAG_METRIC}_bucket":
                buckets[float(sample.labels["le"])] = sample.value
            elif sample.name == f"{LAG_METRIC}_count":
                scrape.lag_count = sample.value
            elif sample.name == f"{LAG_METRIC}_sum":
                scrape.lag_sum = sample.value
            elif sample.name == "bankdesk_event_loop_lag_max_seconds":
                scrape.lag_max = sample.value
            elif sample.name == "bankdesk_db_pool_connections_in_use":
                scrape.pool_in_use = sample.value
            elif sample.name == "bankdesk_db_pool_connections_max":
                scrape.pool_max = sample.value
    return scrape


def _lag_between(before: Scrape, after: Scrape) -> dict[str, Any]:
    """The lag observed between two scrapes: count, mean, and p50/p99 as the bucket bound they fall under."""
    count = after.lag_count - before.lag_count
    if count <= 0:
        return {"samples": 0}
    deltas = sorted((le, after.lag_buckets[le] - before.lag_buckets.get(le, 0)) for le in after.lag_buckets)

    def quantile(q: float) -> float:
        for le, cumulative in deltas:
            if cumulative >= q * count:
                return le
        return float("inf")

    return {
        "samples": int(count),
        "mean_s": round((after.lag_sum - before.lag_sum) / count, 4),
        "p50_le_s": quantile(0.50),
        "p99_le_s": quantile(0.99),
        "over_100ms": int(count - dict(deltas).get(0.1, count)),
        "max_since_start_s": round(after.lag_max, 4),
    }


# --- the clients -------------------------------------------------------------------------------------------


@dataclass
class Turn:
    ok: bool
    latency_s: float
    first_event_s: float | None
    error: str | None = None
    message_id: str | None = None
    reply_id: str | None = None
    completed_at: float | None = None  # perf_counter() when message.completed arrived


@dataclass
class Load:
    turns: list[Turn] = field(default_factory=list)
    conversation_errors: list[str] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0
    conversations: list[str] = field(default_factory=list)
    # The conversations' event streams (widget mode).
    streams_open: int = 0
    peak_streams_open: int = 0
    streams_opened: int = 0  # successful opens, reconnects included
    stream_failures: dict[str, int] = field(default_factory=dict)  # failed opens and drops, by cause
    streams_never_opened: int = 0
    stream_events: int = 0
    closing: bool = False  # the run is closing the streams: an end now is no drop
    timeline: list[dict[str, float]] = field(default_factory=list)

    def stream_failed(self, cause: str) -> None:
        self.stream_failures[cause] = self.stream_failures.get(cause, 0) + 1


@dataclass
class Followed:
    """What one conversation's event stream delivered: message id -> perf_counter() it arrived."""

    seen: dict[str, float] = field(default_factory=dict)
    opened: bool = False


def _token(secret: str, customer_id: str) -> str:
    return issue_token(secret, subject=uuid.UUID(customer_id), kind="customer", ttl=timedelta(hours=2))


async def _sse_blocks(response: httpx.Response) -> Any:
    """Yield (event, data) per Server-Sent Event block; comments (pings) are skipped."""
    event = ""
    data: list[str] = []
    async for line in response.aiter_lines():
        if not line:
            if event or data:
                yield event or "message", "\n".join(data)
            event, data = "", []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)


async def _stream_turn(client: httpx.AsyncClient, cid: str, token: str, text: str, load: Load) -> Turn:
    started = time.perf_counter()
    first: float | None = None
    event = ""
    load.in_flight += 1
    load.peak_in_flight = max(load.peak_in_flight, load.in_flight)
    try:
        async with client.stream(
            "POST",
            f"/v1/conversations/{cid}/messages",
            json={"content": text},
            headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"},
        ) as response:
            if response.status_code != 200:
                await response.aread()
                return Turn(False, time.perf_counter() - started, None, f"HTTP {response.status_code}")
            async for event, data in _sse_blocks(response):
                now = time.perf_counter()
                if first is None:
                    first = now - started
                if event == "message.completed":
                    body = json.loads(data)
                    reply = body.get("reply") or {}
                    return Turn(True, now - started, first, None, body["message"]["id"], reply.get("id"), now)
                if event == "error":
                    return Turn(False, now - started, first, "error event")
        return Turn(False, time.perf_counter() - started, first, f"stream ended after {event or 'nothing'}")
    except httpx.HTTPError as exc:
        return Turn(False, time.perf_counter() - started, first, type(exc).__name__)
    finally:
        load.in_flight -= 1


async def _conversation(
    client: httpx.AsyncClient, token: str, turns: int, offset: int, load: Load, bar: tqdm[Any]
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    try:
        created = await client.post("/v1/conversations", headers=headers)
    except httpx.HTTPError as exc:
        load.conversation_errors.append(type(exc).__name__)
        bar.update(turns)
        return
    if created.status_code != 201:
        load.conversation_errors.append(f"HTTP {created.status_code}")
        bar.update(turns)
        return
    cid = created.json()["id"]
    load.conversations.append(cid)
    for n in range(turns):
        turn = await _stream_turn(client, cid, token, QUESTIONS[(offset + n) % len(QUESTIONS)], load)
        load.turns.append(turn)
        bar.update(1)
        bar.set_postfix(streams=load.in_flight, errors=sum(not t.ok for t in load.turns), refresh=False)
        await asyncio.sleep(0.5)  # the customer reads the answer


async def _follow(client: httpx.AsyncClient, cid: str, token: str, followed: Followed, load: Load) -> None:
    """Hold the conversation's event stream open, as the widget does, until cancelled; on a drop reconnect
    with ``Last-Event-ID`` after half a second (the widget's first back-off). Every message event's id is
    recorded with the time it arrived."""
    last_id: str | None = None
    while True:
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last_id is not None:
            headers["Last-Event-ID"] = last_id
        opened = False
        try:
            # The server pings every 15 s: a read that waits 60 s means the stream is dead.
            async with client.stream(
                "GET",
                f"/v1/conversations/{cid}/events",
                headers=headers,
                timeout=httpx.Timeout(60, connect=60, pool=60),
            ) as response:
                if response.status_code != 200:
                    await response.aread()
                    load.stream_failed(f"open: HTTP {response.status_code}")
                    if response.status_code in (401, 403, 404):
                        return  # the widget gives up too
                else:
                    opened = followed.opened = True
                    load.streams_opened += 1
                    load.streams_open += 1
                    load.peak_streams_open = max(load.peak_streams_open, load.streams_open)
                    async for event, data in _sse_blocks(response):
                        load.stream_events += 1
                        if event == "message":
                            followed.seen.setdefault(json.loads(data)["id"], time.perf_counter())
                    if not load.closing:
                        load.stream_failed("dropped: ended by the server")
        except httpx.HTTPError as exc:
            if not load.closing:
                load.stream_failed(f"{'dropped' if opened else 'open'}: {type(exc).__name__}")
        finally:
            if opened:
                load.streams_open -= 1
        await asyncio.sleep(0.5)


async def _widget_conversation(
    client: httpx.AsyncClient,
    token: str,
    args: argparse.Namespace,
    offset: int,
    load: Load,
    bar: tqdm[Any],
    rng: random.Random,
    streams: list[tuple[asyncio.Task[None], Followed, list[Turn]]],
) -> None:
    """One customer in the chat widget: create the conversation, open its event stream (left open), then
    send ``args.turns`` messages as streamed turns with a think time before each."""
    headers = {"Authorization": f"Bearer {token}"}
    try:
        created = await client.post("/v1/conversations", headers=headers)
    except httpx.HTTPError as exc:
        load.conversation_errors.append(type(exc).__name__)
        bar.update(args.turns)
        return
    if created.status_code != 201:
        load.conversation_errors.append(f"HTTP {created.status_code}")
        bar.update(args.turns)
        return
    cid = created.json()["id"]
    load.conversations.append(cid)
    followed = Followed()
    mine: list[Turn] = []
    streams.append((asyncio.create_task(_follow(client, cid, token, followed, load)), followed, mine))
    low, high = args.think_s
    await asyncio.sleep(rng.uniform(0, high))  # the customer opens the chat, then types the first message
    for n in range(args.turns):
        if n:
            await asyncio.sleep(rng.uniform(low, high))  # reads the reply, types the next message
        turn = await _stream_turn(client, cid, token, QUESTIONS[(offset + n) % len(QUESTIONS)], load)
        load.turns.append(turn)
        mine.append(turn)
        bar.update(1)
        bar.set_postfix(
            streams=load.streams_open,
            turns=load.in_flight,
            errors=sum(not t.ok for t in load.turns) + sum(load.stream_failures.values()),
            refresh=False,
        )


async def _misbehave(port: int, path: str, token: str, *, read_first: bool, hold_s: float) -> str:
    """Send a streamed turn over a raw socket, then either read its first event and vanish (abort: no FIN
    handshake), or read nothing at all for ``hold_s`` and then vanish. Returns what was seen."""
    payload = json.dumps({"content": "what's my balance?"}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sock = writer.get_extra_info("socket")
    if not read_first and sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)  # as little as the kernel allows
    writer.write(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Accept: text/event-stream\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        ).encode()
        + payload
    )
    await writer.drain()
    seen = "nothing read"
    try:
        if read_first:
            head = await asyncio.wait_for(
                reader.readuntil(b"\n\n"), 60
            )  # the headers' blank line is \r\n\r\n
            while b"event:" not in head:
                head += await asyncio.wait_for(reader.readuntil(b"\n\n"), 60)
            seen = (
                "first event" if b" 200 " in head.split(b"\r\n", 1)[0] else head.split(b"\r\n", 1)[0].decode()
            )
        else:
            await asyncio.sleep(hold_s)
    except (TimeoutError, asyncio.IncompleteReadError, ConnectionError) as exc:
        seen = type(exc).__name__
    finally:
        writer.transport.abort()
    return seen


# --- the database checks ---------------------------------------------------------------------------------


def _db_state(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as conn:

        def one(sql: str) -> int:
            row = conn.execute(sql).fetchone()
            return int(row[0]) if row else 0

        return {
            "turn_journal_rows": one("select count(*) from turn_journal"),
            "idempotency_in_flight": one("select count(*) from idempotency_record where state = 'in_flight'"),
            "customer_messages": one("select count(*) from message where role = 'customer'"),
            "assistant_messages": one("select count(*) from message where role = 'assistant'"),
            # A conversation whose customer and assistant messages do not pair up holds a half-stored turn
            # (a handed-off conversation's silent turns would too: the questions asked never hand off).
            "unpaired_conversations": one(
                "select count(*) from (select conversation_id from message group by conversation_id having "
                "count(*) filter (where role = 'customer') <> count(*) filter (where role = 'assistant')) u"
            ),
            "handed_off_conversations": one("select count(*) from conversation where status = 'handed_off'"),
        }


# --- the run ---------------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


async def _sample(
    pid: int,
    samples: list[tuple[float, int]],
    scrape_into: list[Scrape],
    metrics: httpx.AsyncClient,
    load: Load | None = None,
) -> None:
    started = time.perf_counter()
    tick = 0
    while True:
        with contextlib.suppress(OSError):
            samples.append((time.perf_counter() - started, _rss_kib(pid)["VmRSS"]))
        if tick % 8 == 0:
            with contextlib.suppress(httpx.HTTPError):
                scrape_into.append(await _scrape(metrics))
        if load is not None and tick % 40 == 0:  # every 10 s: streams held, turns in flight, CPU
            with contextlib.suppress(OSError):
                load.timeline.append(
                    {
                        "t_s": round(time.perf_counter() - started, 1),
                        "streams_open": load.streams_open,
                        "turns_in_flight": load.in_flight,
                        "turns_done": len(load.turns),
                        "server_cpu_s": round(_cpu_s(pid), 1),
                        "pool_in_use": scrape_into[-1].pool_in_use if scrape_into else -1,
                    }
                )
        tick += 1
        await asyncio.sleep(0.25)


@dataclass
class Held:
    """The widget run's extra figures: the idle hold and what each stream delivered."""

    streams: list[tuple[asyncio.Task[None], Followed, list[Turn]]] = field(default_factory=list)
    streams_open_at_end: int = 0
    idle_hold_s: float = 0.0
    idle_cpu_s: float = 0.0
    turns_done_s: float = 0.0  # from the start of the load phase until the last turn finished
    turns_cpu_s: float = 0.0  # server CPU over that time


async def _load_phase(
    args: argparse.Namespace, base: str, secret: str, customers: list[str], pid: int, load: Load
) -> Held:
    held = Held()
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=2 * args.conversations + 10)
    timeout = httpx.Timeout(180, connect=60, pool=60)
    rng = random.Random(14)
    started = time.perf_counter()
    cpu_before = _cpu_s(pid)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        bar = tqdm(total=args.conversations * args.turns, desc="turns", unit="turn", smoothing=0.05)
        tasks = []
        gap = args.ramp_s / max(args.conversations, 1)
        for i in range(args.conversations):
            token = _token(secret, customers[i])
            if args.burst:
                job = _conversation(client, token, args.turns, i, load, bar)
            else:
                job = _widget_conversation(client, token, args, i, load, bar, rng, held.streams)
            tasks.append(asyncio.create_task(job))
            await asyncio.sleep(gap)
        await asyncio.gather(*tasks)
        held.turns_done_s = time.perf_counter() - started
        cpu_after_turns = _cpu_s(pid)
        bar.close()
        if held.streams:
            # Every conversation is done: the widgets stay open, idle. What does holding them cost?
            cpu = _cpu_s(pid)
            t = time.perf_counter()
            await asyncio.sleep(args.idle_hold_s)
            held.idle_hold_s = time.perf_counter() - t
            held.idle_cpu_s = _cpu_s(pid) - cpu
            held.streams_open_at_end = load.streams_open
            load.closing = True
            for task, _followed, _turns in held.streams:
                task.cancel()
            await asyncio.gather(*(task for task, _f, _t in held.streams), return_exceptions=True)
            load.streams_never_opened = sum(not followed.opened for _t, followed, _ in held.streams)
        held.turns_cpu_s = cpu_after_turns - cpu_before
    return held


def _stream_report(load: Load, held: Held, args: argparse.Namespace) -> dict[str, Any]:
    """Streams held, failures, and whether each completed turn's two messages came on the event stream."""
    delivered = missing = 0
    reply_delay: list[float] = []
    for _task, followed, turns in held.streams:
        for turn in turns:
            if not turn.ok:
                continue
            wanted = [i for i in (turn.message_id, turn.reply_id) if i is not None]
            if all(i in followed.seen for i in wanted):
                delivered += 1
            else:
                missing += 1
            if turn.reply_id in followed.seen and turn.completed_at is not None:
                reply_delay.append(followed.seen[turn.reply_id] - turn.completed_at)
    failures = sum(load.stream_failures.values())
    # A conversation that was never created had no stream either: counted as a failed stream.
    streams = args.conversations
    failed_streams = failures + len(load.conversation_errors)
    return {
        "streams": streams,
        "peak_open": load.peak_streams_open,
        "open_at_end_of_idle_hold": held.streams_open_at_end,
        "opened_incl_reconnects": load.streams_opened,
        "never_opened": load.streams_never_opened,
        "failures": load.stream_failures,
        "failures_pct": round(100 * failed_streams / max(streams, 1), 2),
        "events_received": load.stream_events,
        "turns_on_stream": delivered,
        "turns_missing_on_stream": missing,
        # When the reply arrived on the event stream, relative to message.completed on the turn's own
        # stream (negative: the event stream was first).
        "reply_on_stream_after_completed_s": {
            "p50": _percentile(reply_delay, 0.5),
            "p99": _percentile(reply_delay, 0.99),
            "max": _percentile(reply_delay, 1.0),
        },
        "idle_hold": {
            "seconds": round(held.idle_hold_s, 1),
            "streams_open": held.streams_open_at_end,
            "server_cpu_s": round(held.idle_cpu_s, 2),
            "server_cpu_pct_of_one_core": round(100 * held.idle_cpu_s / max(held.idle_hold_s, 1e-9), 1),
        },
    }


async def _misbehaving_phase(
    args: argparse.Namespace, port: int, base: str, secret: str, customers: list[str]
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        started = []
        for customer in customers:
            token = _token(secret, customer)
            created = await client.post("/v1/conversations", headers={"Authorization": f"Bearer {token}"})
            if created.status_code != 201:
                raise RuntimeError(
                    f"creating a conversation: HTTP {created.status_code} {created.text[:300]}"
                )
            started.append((created.json()["id"], token))
    jobs = [
        _misbehave(
            port, f"/v1/conversations/{cid}/messages", token, read_first=i < args.vanish, hold_s=args.hold_s
        )
        for i, (cid, token) in enumerate(started)
    ]
    seen: dict[str, int] = {}
    for outcome in await asyncio.gather(*jobs):
        seen[outcome] = seen.get(outcome, 0) + 1
    return seen


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    misbehaving = args.vanish + args.never_read
    name = f"bankdesk_slow_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg_admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(args.pg_admin).set(drivername="postgresql+psycopg", database=name)
    database_url = url.render_as_string(hide_password=False)
    dsn = make_url(args.pg_admin).set(database=name).render_as_string(hide_password=False)
    secret = secrets.token_urlsafe(48)
    tmp = Path(tempfile.mkdtemp(prefix="bankdesk-slow-"))
    env = {
        **os.environ,
        "BANKDESK_ENV": "test",
        "BANKDESK_DATABASE_URL": database_url,
        "BANKDESK_SECRET_KEY": secret,
        "BANKDESK_SIMULATED_LATENCY_MS": str(args.latency_ms),
        "BANKDESK_AUDIT_CHECKPOINT_PATH": str(tmp / "checkpoints.jsonl"),
        "BANKDESK_LOG_LEVEL": "WARNING",
    }
    report: dict[str, Any] = {
        "conversations": args.conversations,
        "turns_per_conversation": args.turns,
        "simulated_latency_ms": args.latency_ms,
        "ramp_s": args.ramp_s,
        "workload": "burst" if args.burst else "widget",
        "think_s": None if args.burst else list(args.think_s),
        "idle_hold_s": None if args.burst else args.idle_hold_s,
        "cpus": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()),
        "open_files_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
    }
    server: subprocess.Popen[bytes] | None = None
    try:
        t = time.perf_counter()
        _run([str(BANKDESK), "db", "upgrade"], env)
        _run(
            [str(BANKDESK), "seed", "--customers", str(args.conversations + misbehaving), "--seed", "14"], env
        )
        report["setup_s"] = round(time.perf_counter() - t, 1)
        with psycopg.connect(dsn) as conn:
            customers = [str(r[0]) for r in conn.execute("select id from customer order by id")]
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = tmp / "server.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [str(BANKDESK), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        async with httpx.AsyncClient(base_url=base, timeout=30) as metrics:
            deadline = time.monotonic() + 120
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"server exited: {log_path.read_text()[-3000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await metrics.get("/readyz")).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise TimeoutError("server not ready")
                await asyncio.sleep(0.2)
            await asyncio.sleep(2)
            baseline = _rss_kib(server.pid)["VmRSS"]
            report["rss_baseline_mib"] = round(baseline / 1024, 1)
            print(f"server pid {server.pid} on {base}, RSS {baseline / 1024:.0f} MiB; database {name}")

            samples: list[tuple[float, int]] = []
            scrapes: list[Scrape] = []
            load = Load()
            before = await _scrape(metrics)
            sampler = asyncio.create_task(_sample(server.pid, samples, scrapes, metrics, load))
            t = time.perf_counter()
            held = await _load_phase(args, base, secret, customers[: args.conversations], server.pid, load)
            elapsed = time.perf_counter() - t
            after = await _scrape(metrics)
            sampler.cancel()
            ok = [t.latency_s for t in load.turns if t.ok]
            attempted = args.conversations * args.turns
            failed = attempted - len(ok)
            errors: dict[str, int] = {}
            for turn in load.turns:
                if not turn.ok:
                    errors[turn.error or "?"] = errors.get(turn.error or "?", 0) + 1
            for problem in load.conversation_errors:
                errors[f"create: {problem}"] = errors.get(f"create: {problem}", 0) + 1
            turns_s = held.turns_done_s
            cpu = held.turns_cpu_s
            report["load"] = {
                "workload": "burst" if args.burst else "widget",
                "seconds": round(elapsed, 1),
                "seconds_until_last_turn": round(turns_s, 1),
                "turns_attempted": attempted,
                "turns_completed": len(ok),
                "turn_errors_pct": round(100 * failed / attempted, 2),
                "errors": errors,
                "peak_concurrent_turns": load.peak_in_flight,
                "turns_per_s": round(len(ok) / turns_s, 2),
                "server_cpu_s": round(cpu, 1),
                "server_cpu_ms_per_turn": round(1000 * cpu / max(len(load.turns), 1), 1),
                "server_cpu_busy_pct": round(100 * cpu / turns_s, 1),
                "latency_s": {
                    "p50": _percentile(ok, 0.5),
                    "p95": _percentile(ok, 0.95),
                    "p99": _percentile(ok, 0.99),
                    "max": _percentile(ok, 1.0),
                },
                "first_event_s": {
                    "p50": _percentile(
                        [t.first_event_s for t in load.turns if t.first_event_s is not None], 0.5
                    ),
                    "p95": _percentile(
                        [t.first_event_s for t in load.turns if t.first_event_s is not None], 0.95
                    ),
                    "p99": _percentile(
                        [t.first_event_s for t in load.turns if t.first_event_s is not None], 0.99
                    ),
                },
                "event_loop_lag": _lag_between(before, after),
                "db_pool_in_use_max": max((s.pool_in_use for s in scrapes), default=None),
                "db_pool_max": after.pool_max,
                "rss_peak_sampled_mib": round(max((r for _t, r in samples), default=0) / 1024, 1),
                "rss_hwm_mib": round(_rss_kib(server.pid)["VmHWM"] / 1024, 1),
            }
            if args.burst:
                report["load"]["errors_pct"] = report["load"]["turn_errors_pct"]
                report["load"]["peak_concurrent_streams"] = load.peak_in_flight
            else:
                streams = _stream_report(load, held, args)
                report["load"]["event_streams"] = streams
                failed_streams = sum(load.stream_failures.values()) + len(load.conversation_errors)
                report["load"]["errors_pct"] = round(
                    100 * (failed + failed_streams) / (attempted + args.conversations), 2
                )
                # The turn rate this workload asks for: every conversation's turns spread over the ramp
                # plus its turns' think and answer times.
                mean_think = sum(args.think_s) / 2
                turn_s = report["load"]["latency_s"]["p50"] or 0.0
                report["load"]["implied_turns_per_s"] = round(
                    attempted / (args.ramp_s + args.turns * (mean_think + turn_s)), 2
                )
            report["load"]["timeline"] = load.timeline
            await asyncio.sleep(args.gc_s)
            report["rss_after_load_mib"] = round(_rss_kib(server.pid)["VmRSS"] / 1024, 1)

            if misbehaving:
                before = await _scrape(metrics)
                t = time.perf_counter()
                seen = await _misbehaving_phase(
                    args, port, base, secret, customers[args.conversations : args.conversations + misbehaving]
                )
                # Every admitted turn runs in its own task and stores itself: wait for the journal to empty
                # (at most a lease after the last turn, had a turn's task been lost).
                deadline = time.monotonic() + 120
                while True:
                    state = _db_state(dsn)
                    if state["turn_journal_rows"] == 0 or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(1)
                settled_s = time.perf_counter() - t
                rss_peak = _rss_kib(server.pid)["VmRSS"]
                await asyncio.sleep(args.gc_s)
                after = await _scrape(metrics)
                report["misbehaving"] = {
                    "vanish_after_first_event": args.vanish,
                    "never_read": args.never_read,
                    "hold_s": args.hold_s,
                    "client_saw": seen,
                    "settled_s": round(settled_s, 1),
                    "database": state,
                    "rss_right_after_mib": round(rss_peak / 1024, 1),
                    "rss_after_idle_mib": round(_rss_kib(server.pid)["VmRSS"] / 1024, 1),
                    "event_loop_lag": _lag_between(before, after),
                }
            report["database_final"] = _db_state(dsn)
            report["rss_final_mib"] = round(_rss_kib(server.pid)["VmRSS"] / 1024, 1)
            report["rss_hwm_mib"] = round(_rss_kib(server.pid)["VmHWM"] / 1024, 1)
        log_text = log_path.read_text(errors="replace")
        report["server_log_errors"] = log_text.count("ERROR") + log_text.count("Traceback")
        report["server_log_tail"] = log_text[-1500:]
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if not args.keep_db:
            with psycopg.connect(args.pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return report


def _summary(report: dict[str, Any]) -> None:
    load = report["load"]
    lag = load["event_loop_lag"]
    rows = [
        (
            "workload",
            f"{load['workload']}: {report['conversations']} x {report['turns_per_conversation']} turns, "
            f"ramp {report['ramp_s']} s, think {report['think_s']} s",
        ),
        ("simulated latency / model call", f"{report['simulated_latency_ms']} ms"),
    ]
    streams = load.get("event_streams")
    if streams is not None:
        rows += [
            (
                "event streams held at peak / at end",
                f"{streams['peak_open']} / {streams['open_at_end_of_idle_hold']} of {streams['streams']}",
            ),
            ("event stream failures", f"{streams['failures_pct']} % {streams['failures'] or ''}"),
            (
                "turns seen on the event stream",
                f"{streams['turns_on_stream']} (missing {streams['turns_missing_on_stream']}); reply there "
                "p50 / p99 {p50} / {p99} s after completed".format(
                    **streams["reply_on_stream_after_completed_s"]
                ),
            ),
            (
                "idle hold: server CPU",
                "{server_cpu_pct_of_one_core} % of a core, {streams_open} streams, {seconds} s".format(
                    **streams["idle_hold"]
                ),
            ),
            ("implied turn rate", f"{load['implied_turns_per_s']} turns/s"),
        ]
    rows += [
        ("peak turns in flight", str(load["peak_concurrent_turns"])),
        ("errors (turns + streams)", f"{load['errors_pct']} %; turns {load['turn_errors_pct']} %"),
        ("turn errors", str(load["errors"] or "none")),
        ("turn latency p50 / p95 / p99", "{p50} / {p95} / {p99} s".format(**load["latency_s"])),
        ("first event p50 / p95 / p99", "{p50} / {p95} / {p99} s".format(**load["first_event_s"])),
        ("throughput", f"{load['turns_per_s']} turns/s over {load['seconds_until_last_turn']} s"),
        (
            "server CPU per turn / busy",
            f"{load['server_cpu_ms_per_turn']} ms / {load['server_cpu_busy_pct']} % of one core",
        ),
        (
            "loop lag mean / p99 (<=) / max",
            f"{lag.get('mean_s')} / {lag.get('p99_le_s')} / {lag.get('max_since_start_s')} s",
        ),
        ("loop lag samples over 100 ms", f"{lag.get('over_100ms')} of {lag.get('samples')}"),
        ("DB pool in use (max seen / size)", f"{load['db_pool_in_use_max']} / {load['db_pool_max']}"),
        (
            "RSS baseline / peak / after idle",
            f"{report['rss_baseline_mib']} / {report['rss_hwm_mib']} / {report['rss_after_load_mib']} MiB",
        ),
    ]
    if "misbehaving" in report:
        m = report["misbehaving"]
        rows += [
            (
                "vanish / never-read clients",
                f"{m['vanish_after_first_event']} / {m['never_read']}: {m['client_saw']}",
            ),
            ("journal empty after", f"{m['settled_s']} s; db {m['database']}"),
            ("RSS after misbehaving / idle", f"{m['rss_right_after_mib']} / {m['rss_after_idle_mib']} MiB"),
        ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=2000)
    parser.add_argument(
        "--burst",
        action="store_true",
        help="the earlier stress run: turns back to back, no event streams (ramp 20 s unless --ramp-s)",
    )
    parser.add_argument("--ramp-s", type=float, default=None, help="default 60 s (burst: 20 s)")
    parser.add_argument(
        "--think-s",
        type=float,
        nargs=2,
        default=[45.0, 90.0],
        metavar=("MIN", "MAX"),
        help="think time between a reply and the next message, drawn uniformly (widget mode)",
    )
    parser.add_argument(
        "--idle-hold-s",
        type=float,
        default=30.0,
        help="how long the widgets' streams stay open, idle, after the last turn (widget mode)",
    )
    parser.add_argument("--vanish", type=int, default=200)
    parser.add_argument("--never-read", type=int, default=200)
    parser.add_argument(
        "--hold-s", type=float, default=20.0, help="how long never-read clients hold the socket"
    )
    parser.add_argument("--gc-s", type=float, default=15.0, help="idle wait before RSS is read again")
    parser.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.ramp_s is None:
        args.ramp_s = 20.0 if args.burst else 60.0
    report = asyncio.run(main_async(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nMany slow conversations -> {args.out}")
    _summary(report)


if __name__ == "__main__":
    main()
