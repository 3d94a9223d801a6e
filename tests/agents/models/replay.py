"""Replay recorded provider payloads to the real OpenAI and Anthropic SDKs: an httpx2 transport, no network.

    transport = ReplayTransport()
    transport.queue(OPENAI_HOST, recorded("openai/rate_limited_429.http"),
                    recorded("openai/chat_completion_reply.json"))
    gateway = build_gateway(config, recorder=..., env=FAKE_KEYS, http_transport=transport)

Both SDKs are built on httpx2 (the Anthropic SDK refuses plain httpx objects), hence httpx2 here.
Other test packages import from here: `from tests.agents.models.replay import ReplayTransport, recorded`.
"""

from __future__ import annotations

import dataclasses
import json
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "providers"
OPENAI_HOST = "api.openai.com"
ANTHROPIC_HOST = "api.anthropic.com"
FAKE_KEYS = {"OPENAI_API_KEY": "sk-test-not-a-real-key", "ANTHROPIC_API_KEY": "sk-ant-test-not-a-real-key"}


@dataclass(frozen=True)
class Replay:
    """One canned answer to one request: a response, or an exception raised by the transport."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    raises: Callable[[httpx2.Request], Exception] | None = None
    name: str = ""

    def respond(self, request: httpx2.Request) -> httpx2.Response:
        if self.raises is not None:
            raise self.raises(request)
        headers = list(self.headers)
        if dict(headers).get("content-type", "").startswith("text/event-stream"):
            return httpx2.Response(
                self.status, headers=headers, stream=_SSEStream(self.body), request=request
            )
        return httpx2.Response(self.status, headers=headers, content=self.body, request=request)


def recorded(name: str, **overrides: Any) -> Replay:
    """A fixture under fixtures/providers: *.json (200 JSON), *.txt (200 SSE), *.http (full response)."""
    path = FIXTURES / name
    raw = path.read_bytes()
    if path.suffix == ".json":
        replay = Replay(200, (("content-type", "application/json"),), raw, name=name)
    elif path.suffix == ".txt":
        replay = Replay(200, (("content-type", "text/event-stream; charset=utf-8"),), raw, name=name)
    elif path.suffix == ".http":
        replay = _parse_http(raw, name)
    else:
        raise ValueError(f"unknown fixture type: {name}")
    return dataclasses.replace(replay, **overrides)


def json_body(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Replay:
    """A response built in the test, for shapes not worth a fixture file."""
    all_headers = {"content-type": "application/json", **(headers or {})}
    return Replay(status, tuple(all_headers.items()), json.dumps(body).encode(), name=f"inline {status}")


def transport_error(error: type[httpx2.TransportError] = httpx2.ReadTimeout) -> Replay:
    """The network failing instead of answering (ReadTimeout, ConnectError, ...)."""
    return Replay(
        raises=lambda request: error(f"replayed {error.__name__}", request=request), name=error.__name__
    )


class ReplayTransport(httpx2.AsyncBaseTransport):
    """Answers each request with the next Replay queued for its host; records every request it saw.

    A request with nothing queued is answered 599 and remembered in `unexpected`, so a test that made
    more calls than it scripted fails in `assert_exhausted` instead of passing by accident.
    """

    def __init__(self) -> None:
        self._queues: dict[str, deque[Replay]] = {}
        self.requests: list[httpx2.Request] = []
        self.unexpected: list[str] = []

    def queue(self, host: str, *replays: Replay) -> ReplayTransport:
        self._queues.setdefault(host, deque()).extend(replays)
        return self

    def pending(self, host: str | None = None) -> int:
        queues = [self._queues.get(host, deque())] if host else list(self._queues.values())
        return sum(len(q) for q in queues)

    def bodies(self, host: str | None = None) -> list[dict[str, Any]]:
        """The JSON bodies the SDKs sent, in order (optionally for one host)."""
        return [
            json.loads(r.content) for r in self.requests if (host is None or r.url.host == host) and r.content
        ]

    def assert_exhausted(self) -> None:
        assert not self.unexpected, f"requests with no replay queued: {self.unexpected}"
        assert self.pending() == 0, f"{self.pending()} queued replays were never requested"

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        self.requests.append(request)
        queue = self._queues.get(request.url.host)
        if not queue:
            self.unexpected.append(f"{request.method} {request.url}")
            return httpx2.Response(599, json={"error": "no replay queued"}, request=request)
        return queue.popleft().respond(request)


@dataclass
class _SSEStream(httpx2.AsyncByteStream):
    """Delivers an event stream one event at a time, as a server would."""

    body: bytes
    closed: bool = field(default=False)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for event in self.body.split(b"\n\n"):
            if event.strip():
                yield event + b"\n\n"

    async def aclose(self) -> None:
        self.closed = True


def _parse_http(raw: bytes, name: str) -> Replay:
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    status_line, *header_lines = head.decode().splitlines()
    status = int(status_line.split()[1])
    headers = tuple(
        (key.strip().lower(), value.strip())
        for key, _, value in (line.partition(":") for line in header_lines)
    )
    return Replay(status, headers, body, name=name)
