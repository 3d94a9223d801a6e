"""Prometheus metrics (one registry per app, so tests can build many apps) and the request middleware."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.tokens import decode_token
from app.background import running
from app.errors import Unauthorized, problem

# Every label takes its value from a fixed set, so no request can add a time series: an invented method is
# "other", a path no route matched is "unmatched", an unusual status is its class ("4xx").
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
STATUSES = frozenset(
    {200, 201, 202, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502, 503, 504}
)
# Routes under this prefix all need a token: a request body to them is not read without a valid one.
AUTHENTICATED_PREFIX = "/v1/"


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


def route_label(scope: Scope) -> str:
    template = getattr(scope.get("route"), "path", None)
    return template if isinstance(template, str) else "unmatched"


def status_label(status: int) -> str:
    if status in STATUSES:
        return str(status)
    return f"{status // 100}xx" if 100 <= status < 600 else "other"


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "bankdesk_http_requests",
            "HTTP requests by route template, method and status (each from a fixed set)",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "bankdesk_http_request_duration_seconds",
            "HTTP request latency by route template",
            ["method", "route"],
            registry=self.registry,
        )
        self.turns = Counter(
            "bankdesk_turns",
            "Customer turns by outcome (reply, silent, error)",
            ["outcome"],
            registry=self.registry,
        )
        self.handoffs = Counter(
            "bankdesk_handoffs", "Handoff lifecycle events by action", ["action"], registry=self.registry
        )
        self.loop_lag = Histogram(
            "bankdesk_event_loop_lag_seconds",
            "How late the event loop woke a task that slept a fixed interval: time every stream waited",
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.loop_lag_max = Gauge(
            "bankdesk_event_loop_lag_max_seconds",
            "The largest event-loop lag seen since the process started",
            registry=self.registry,
        )
        self.db_pool_in_use = Gauge(
            "bankdesk_db_pool_connections_in_use",
            "Database connections checked out of this process's pool",
            registry=self.registry,
        )
        self.db_pool_size = Gauge(
            "bankdesk_db_pool_connections_max",
            "The most connections this process's pool opens (pool size + overflow)",
            registry=self.registry,
        )


# From 1 ms (noise) to 10 s (a stalled process): the loop's lag is every stream's extra latency.
LAG_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_INTERVAL_S = 0.1


@asynccontextmanager
async def event_loop_lag_monitor(metrics: Metrics, interval: float = LAG_INTERVAL_S) -> AsyncIterator[None]:
    """Measure the running loop's lag while the block runs: a task sleeps ``interval`` and records how much
    later than asked it woke. Anything that blocks the loop (CPU work, a synchronous call) shows up here."""

    async def watch() -> None:
        loop = asyncio.get_running_loop()
        worst = 0.0
        while True:
            asked = loop.time() + interval
            await asyncio.sleep(interval)
            lag = max(0.0, loop.time() - asked)
            metrics.loop_lag.observe(lag)
            if lag > worst:
                worst = lag
                metrics.loop_lag_max.set(lag)

    async with running(watch(), name="event-loop-lag"):
        yield


class _BodyTooLarge(Exception):
    """Raised into the app from ``receive`` once the body passed the limit (the 413 is already sent)."""


def _only_body_too_large(exc: BaseException) -> bool:
    if isinstance(exc, BaseExceptionGroup):
        return exc.split(_BodyTooLarge)[1] is None
    return isinstance(exc, _BodyTooLarge)


@dataclass
class _Exchange:
    status: int = 500
    started: bool = False  # a response has begun (ours or the app's)
    answered: bool = False  # the middleware answered; whatever the app sends afterwards is dropped


class RequestMiddleware:
    """Counts and times every request, and guards request bodies without ever buffering them.

    - A body declared (Content-Length) or found (counted as it arrives, whatever the transfer encoding)
      to be over ``max_body_bytes`` gets 413 the moment the limit passes; the app's read fails and the
      connection is closed rather than drained.
    - A request with a body to ``/v1/*`` must carry a bearer token whose signature, audience, expiry and
      lifetime verify before the app reads a byte of it; otherwise 401. (The endpoints still resolve the
      token's subject and roles.)

    Pure ASGI (not BaseHTTPMiddleware) so Server-Sent Events stream through untouched.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_body_bytes: int, secret_key: str) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes
        self.secret_key = secret_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        exchange = _Exchange()

        async def answer(response: JSONResponse) -> None:
            exchange.answered = exchange.started = True
            exchange.status = response.status_code
            await response(scope, receive, send)

        async def send_from_app(message: Message) -> None:
            if exchange.answered:
                return
            if message["type"] == "http.response.start":
                exchange.started = True
                exchange.status = int(message["status"])
            await send(message)

        received = 0

        async def receive_counted() -> Message:
            nonlocal received
            if exchange.answered:
                return {"type": "http.disconnect"}  # the exchange is over as far as the app is concerned
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    if not exchange.started:
                        await answer(self._too_large(scope))
                    raise _BodyTooLarge
            return message

        try:
            refusal = self._refusal(scope)
            if refusal is not None:
                await answer(refusal)
                return
            try:
                await self.app(scope, receive_counted, send_from_app)
            except Exception as exc:
                if not (exchange.answered and _only_body_too_large(exc)):
                    raise
        finally:
            method, route = method_label(scope["method"]), route_label(scope)
            self.metrics.requests.labels(method, route, status_label(exchange.status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)

    def _refusal(self, scope: Scope) -> JSONResponse | None:
        """The answer to give before the app runs (and before any of the body is read), if any."""
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            return self._too_large(scope)
        has_body = b"transfer-encoding" in headers or (declared is not None and declared not in (b"", b"0"))
        if not has_body or not str(scope.get("path", "")).startswith(AUTHENTICATED_PREFIX):
            return None
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("A bearer token is required")
            decode_token(self.secret_key, token.strip())
        except Unauthorized as exc:
            return problem(
                401,
                exc.title,
                exc.detail,
                type_slug=exc.type_slug,
                instance=scope.get("path"),
                headers={**exc.headers, "Connection": "close"},
            )
        return None

    def _too_large(self, scope: Scope) -> JSONResponse:
        return problem(
            413,
            "Content Too Large",
            f"The request body is larger than {self.max_body_bytes} bytes",
            type_slug="too-large",
            instance=scope.get("path"),
            headers={"Connection": "close"},
        )
