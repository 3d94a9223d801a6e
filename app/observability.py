"""Prometheus metrics (one registry per app, so tests can build many apps) and the request middleware."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "bankdesk_http_requests",
            "HTTP requests by route template, method and status",
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


class RequestMiddleware:
    """Counts and times every request, and refuses bodies over ``max_body_bytes`` with 413.

    Pure ASGI (not BaseHTTPMiddleware) so Server-Sent Events stream through untouched.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_body_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            response = problem(
                413,
                "Content Too Large",
                f"The request body is larger than {self.max_body_bytes} bytes",
                type_slug="too-large",
            )
            await response(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            self.metrics.requests.labels(scope["method"], template, str(status)).inc()
            self.metrics.latency.labels(scope["method"], template).observe(time.perf_counter() - started)
