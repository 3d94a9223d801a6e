"""Load generator: C virtual customers holding M-turn banking conversations against a running server.

Library: ``await run_load(LoadConfig(...), customers, meter=ProcessMeter(pid))`` returns a ``LoadResult``.
CLI (against a server you started yourself)::

    .venv/bin/python -m bench.loadgen --url http://127.0.0.1:8000 --concurrency 8 --turns 400 \\
        --database-url sqlite+aiosqlite:///var/bankdesk.db --server-pid 12345

Each virtual customer loops: take a customer from the pool, ``POST /v1/conversations``, play one of
``SCRIPTS`` for M turns (``POST /v1/conversations/{id}/messages``, JSON reply), give the customer back.
Every script asks only read-only questions (balances, transactions, "any older ones?", card status, fees,
spending totals), so every turn is an ordinary reply: no confirmation is asked and no person is offered;
the reply's ``kind`` is counted anyway and reported, so a turn that was not a plain reply shows up.

Bankdesk's per-customer limits stay on (30 turns a minute, 2 turns at once, 10 new conversations a
minute). The pool never breaks them: a customer holds one conversation at a time (M <= 30 turns) and
goes back to the pool only ``cooldown`` (61 s) after its conversation ended, so any 60 s window sees at
most one conversation of a customer. ``customers_needed`` says how many to seed so that the pool never
waits; when it does wait anyway, ``pool_waits`` says so (that time counts against throughput).

Measured: turns/s, latency percentiles of the message POST (the conversation POSTs are not turns and are
not timed, but their server CPU is inside the CPU per turn), errors by status, reply kinds, and the server
process tree's CPU seconds per turn and peak RSS (psutil, sampled every 50 ms). The first ``warmup`` turns
are excluded from every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import time
import uuid
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta

import httpx
import psutil
from tqdm import tqdm

# Read-only multi-turn scripts. Follow-ups ("any older ones?", "and my mastercard?", "what about eating
# out") lean on the conversation's memory, as real customers do.
SCRIPTS: tuple[tuple[str, ...], ...] = (
    (
        "what is my balance?",
        "show my recent transactions",
        "any older ones?",
        "how much did I spend on groceries in October",
        "what about eating out",
        "what is the fee for paying by card abroad?",
    ),
    (
        "show me my recent transactions",
        "any older ones?",
        "is my debit card working?",
        "what did I spend last week?",
        "how much does it cost to take cash out abroad?",
        "what's my balance?",
    ),
    (
        "is my visa working?",
        "and my mastercard?",
        "how much is in my current account?",
        "what are my direct debits?",
        "how much did I spend on eating out in October?",
        "show my recent transactions",
    ),
    (
        "what is the fee for paying by card abroad?",
        "what's my balance?",
        "show me my last few payments",
        "any older ones?",
        "how much have I spent on groceries this month?",
        "is my card active?",
    ),
)
COOLDOWN_S = 61.0  # a customer's turns and new conversations are counted over the last 60 s


@dataclass(frozen=True)
class Customer:
    id: uuid.UUID
    token: str


def customer_tokens(
    secret: str, ids: Sequence[uuid.UUID], *, ttl: timedelta = timedelta(hours=6)
) -> list[Customer]:
    """Customer bearer tokens signed with the server's ``BANKDESK_SECRET_KEY``."""
    from app.auth.tokens import issue_token

    return [Customer(i, issue_token(secret, subject=i, kind="customer", ttl=ttl)) for i in ids]


def customers_needed(turns: int, *, turns_per_conversation: int, concurrency: int, warmup: int) -> int:
    """Customers for a fixed-turn run in which no customer is ever used twice: one per conversation,
    plus one per virtual customer for the conversations still open when the run stops."""
    return math.ceil((turns + warmup) / turns_per_conversation) + concurrency


def customers_for_duration(
    seconds: float, *, turns_per_s: float, turns_per_conversation: int, concurrency: int
) -> int:
    """Customers for a timed run at up to ``turns_per_s``: conversations started within one cooldown
    (61 s) must each have their own customer; beyond that the pool reuses them."""
    window = min(seconds, COOLDOWN_S) + turns_per_conversation * concurrency / max(turns_per_s, 1e-9)
    return math.ceil(turns_per_s * window / turns_per_conversation) + concurrency


class CustomerPool:
    """Customers handed out least-recently-used first, each only ``cooldown`` s after it was given back."""

    def __init__(self, customers: Sequence[Customer], *, cooldown: float = COOLDOWN_S) -> None:
        if not customers:
            raise ValueError("the pool needs at least one customer")
        self._free: deque[tuple[float, Customer]] = deque((0.0, c) for c in customers)
        self._cooldown = cooldown
        self._lock = asyncio.Lock()
        self.waits = 0
        self.waited_s = 0.0

    async def acquire(self) -> Customer:
        async with self._lock:  # FIFO: the customer at the head is always the first to be ready
            while not self._free:
                await asyncio.sleep(0.05)
            ready_at, customer = self._free.popleft()
            delay = ready_at - time.monotonic()
            if delay > 0:
                self.waits += 1
                self.waited_s += delay
                await asyncio.sleep(delay)
            return customer

    def release(self, customer: Customer) -> None:
        self._free.append((time.monotonic() + self._cooldown, customer))


class ProcessMeter:
    """CPU seconds and RSS of a process and its children (psutil; /proc on Linux)."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)

    def _tree(self) -> list[psutil.Process]:
        try:
            return [self.process, *self.process.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_seconds(self) -> float:
        total = 0.0
        for p in self._tree():
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system
        return total

    def rss_bytes(self) -> int:
        total = 0
        for p in self._tree():
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total


@dataclass(frozen=True)
class LoadConfig:
    url: str
    concurrency: int = 1
    turns: int | None = 200  # measured turns; None: run for ``duration`` seconds
    duration: float | None = None
    warmup: int = 10
    turns_per_conversation: int = 5
    timeout: float = 60.0
    label: str = ""
    progress: bool = True

    def __post_init__(self) -> None:
        if (self.turns is None) == (self.duration is None):
            raise ValueError("give exactly one of turns and duration")
        if not 1 <= self.turns_per_conversation <= 30:
            raise ValueError("turns_per_conversation must be 1..30 (the per-customer limit is 30 a minute)")


@dataclass
class LoadResult:
    label: str
    concurrency: int
    turns: int
    seconds: float
    turns_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    errors: dict[str, int]
    kinds: dict[str, int]
    conversations: int
    warmup_turns: int
    cpu_s_per_turn: float | None
    peak_rss_mb: float | None
    pool_waits: int
    pool_waited_s: float
    latencies_ms: list[float] = field(repr=False, default_factory=list)

    def summary(self) -> dict[str, object]:
        d = asdict(self)
        d.pop("latencies_ms")
        return d


class _Run:
    """Shared state of one load run: turn tickets, the measuring window and the samples."""

    def __init__(self, config: LoadConfig, meter: ProcessMeter | None) -> None:
        self.config = config
        self.meter = meter
        self.issued = 0
        self.measured_done = 0
        self.window_start: float | None = None
        self.window_end: float | None = None
        self.cpu_start: float | None = None
        self.peak_rss = 0
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.conversations = 0
        self.stop = asyncio.Event()
        self.bar: tqdm | None = None

    def ticket(self) -> bool | None:
        """None: stop sending; True: a measured turn; False: a warm-up turn."""
        if self.stop.is_set():
            return None
        c = self.config
        n = self.issued
        if c.turns is not None and n >= c.warmup + c.turns:
            return None
        if n >= c.warmup and self.window_start is None:
            self.window_start = time.perf_counter()
            self.cpu_start = self.meter.cpu_seconds() if self.meter else None
        if (
            c.duration is not None
            and self.window_start is not None
            and time.perf_counter() - self.window_start >= c.duration
        ):
            self.stop.set()
            return None
        self.issued += 1
        return n >= c.warmup

    def done(self, measured: bool, latency_s: float, outcome: str, ok: bool) -> None:
        if not measured:
            return
        self.window_end = time.perf_counter()
        self.measured_done += 1
        if ok:
            self.latencies.append(latency_s * 1000)
            self.kinds[outcome] += 1
        else:
            self.errors[outcome] += 1
        if self.bar is not None:
            self.bar.update(1)


async def _sample_rss(run: _Run) -> None:
    assert run.meter is not None
    while True:
        if run.window_start is not None:
            run.peak_rss = max(run.peak_rss, run.meter.rss_bytes())
        await asyncio.sleep(0.05)


async def _virtual_customer(vc: int, run: _Run, client: httpx.AsyncClient, pool: CustomerPool) -> None:
    c = run.config
    played = 0
    while not run.stop.is_set():
        customer = await pool.acquire()
        headers = {"Authorization": f"Bearer {customer.token}"}
        try:
            r = await client.post("/v1/conversations", headers=headers, json={})
            if r.status_code != 201:
                run.errors[f"create:{r.status_code}"] += 1
                await asyncio.sleep(0.2)
                continue
            conversation = r.json()["id"]
            run.conversations += 1
            script = SCRIPTS[(vc + played * 7) % len(SCRIPTS)]
            played += 1
            for i in range(c.turns_per_conversation):
                measured = run.ticket()
                if measured is None:
                    return
                content = script[i % len(script)]
                started = time.perf_counter()
                try:
                    r = await client.post(
                        f"/v1/conversations/{conversation}/messages",
                        headers=headers,
                        json={"content": content},
                    )
                except httpx.HTTPError as exc:
                    run.done(
                        measured, time.perf_counter() - started, f"transport:{type(exc).__name__}", False
                    )
                    continue
                latency = time.perf_counter() - started
                if r.status_code == 201:
                    run.done(measured, latency, str(r.json().get("kind", "?")), True)
                else:
                    run.done(measured, latency, str(r.status_code), False)
        except httpx.HTTPError as exc:
            run.errors[f"create:transport:{type(exc).__name__}"] += 1
        finally:
            pool.release(customer)


async def run_load(
    config: LoadConfig, pool: CustomerPool | Sequence[Customer], *, meter: ProcessMeter | None = None
) -> LoadResult:
    """Play ``config.concurrency`` virtual customers against ``config.url`` and measure the turns."""
    if not isinstance(pool, CustomerPool):
        pool = CustomerPool(pool)
    waits_before, waited_before = pool.waits, pool.waited_s
    run = _Run(config, meter)
    total = config.turns if config.turns is not None else None
    limits = httpx.Limits(
        max_connections=config.concurrency + 4, max_keepalive_connections=config.concurrency + 4
    )
    sampler = asyncio.create_task(_sample_rss(run)) if meter else None
    with tqdm(
        total=total,
        desc=f"{config.label or config.url} c={config.concurrency}",
        unit="turn",
        disable=not config.progress,
        leave=False,
        dynamic_ncols=True,
    ) as bar:
        run.bar = bar
        async with httpx.AsyncClient(base_url=config.url, timeout=config.timeout, limits=limits) as client:
            await asyncio.gather(
                *(_virtual_customer(i, run, client, pool) for i in range(config.concurrency))
            )
    if sampler is not None:
        sampler.cancel()
    start = run.window_start or time.perf_counter()
    seconds = max((run.window_end or start) - start, 1e-9)
    cpu = None
    if meter is not None and run.cpu_start is not None and run.measured_done:
        cpu = (meter.cpu_seconds() - run.cpu_start) / run.measured_done
    lat = sorted(run.latencies)
    pct = (
        statistics.quantiles(lat, n=100, method="inclusive")
        if len(lat) >= 2
        else [lat[0] if lat else math.nan] * 99
    )
    return LoadResult(
        label=config.label,
        concurrency=config.concurrency,
        turns=run.measured_done,
        seconds=round(seconds, 3),
        turns_per_s=run.measured_done / seconds,
        p50_ms=pct[49],
        p95_ms=pct[94],
        p99_ms=pct[98],
        mean_ms=statistics.fmean(lat) if lat else math.nan,
        errors=dict(run.errors),
        kinds=dict(run.kinds),
        conversations=run.conversations,
        warmup_turns=min(config.warmup, run.issued),
        cpu_s_per_turn=cpu,
        peak_rss_mb=run.peak_rss / 2**20 if meter else None,
        pool_waits=pool.waits - waits_before,
        pool_waited_s=round(pool.waited_s - waited_before, 2),
        latencies_ms=lat,
    )


async def _customer_ids(database_url: str, limit: int) -> list[uuid.UUID]:
    from app.banking.seed import list_customers
    from app.db import create_engine, create_sessionmaker

    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return [uuid.UUID(c["id"]) for c in await list_customers(session, limit=limit)]
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    import os

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="base URL of a running Bankdesk (or floor) server")
    p.add_argument("--concurrency", "-c", type=int, default=1)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--turns", type=int, help="measured turns (default 200)")
    g.add_argument("--duration", type=float, help="measure for this many seconds instead")
    p.add_argument("--warmup", type=int, default=10, help="turns excluded from the figures")
    p.add_argument("--turns-per-conversation", "-m", type=int, default=5)
    p.add_argument(
        "--database-url", help="read customer ids from this database (else random ids: floor only)"
    )
    p.add_argument(
        "--customers", type=int, default=2000, help="at most this many customers from the database"
    )
    p.add_argument("--secret", default=os.environ.get("BANKDESK_SECRET_KEY", ""), help="server's signing key")
    p.add_argument("--server-pid", type=int, help="measure this process (and its children): CPU and RSS")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args(argv)
    turns = None if args.duration else (args.turns or 200)
    config = LoadConfig(
        url=args.url,
        concurrency=args.concurrency,
        turns=turns,
        duration=args.duration,
        warmup=args.warmup,
        turns_per_conversation=args.turns_per_conversation,
    )
    if args.database_url:
        ids = asyncio.run(_customer_ids(args.database_url, args.customers))
    else:
        ids = [uuid.uuid4() for _ in range(args.customers)]
    if len(ids) < args.concurrency:
        print(f"loadgen: {len(ids)} customers for {args.concurrency} virtual customers", file=sys.stderr)
        return 2
    secret = args.secret or "x" * 32
    result = asyncio.run(
        run_load(
            config,
            customer_tokens(secret, ids),
            meter=ProcessMeter(args.server_pid) if args.server_pid else None,
        )
    )
    if args.json:
        print(json.dumps(result.summary(), indent=2))
    else:
        s = result
        print(
            f"{s.turns} turns in {s.seconds:.1f} s: {s.turns_per_s:.1f} turns/s, p50 {s.p50_ms:.0f} ms, "
            f"p95 {s.p95_ms:.0f} ms, p99 {s.p99_ms:.0f} ms, errors {s.errors or 0}, kinds {s.kinds}"
        )
        if s.cpu_s_per_turn is not None:
            print(f"server CPU {s.cpu_s_per_turn * 1000:.1f} ms/turn, peak RSS {s.peak_rss_mb:.0f} MB")
        if s.pool_waits:
            print(f"the customer pool waited {s.pool_waits} times ({s.pool_waited_s} s): seed more customers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
