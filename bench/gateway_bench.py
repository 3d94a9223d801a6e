"""Gateway overhead on the local provider: per-call latency of `call` and `stream` with a trivial handler.

    .venv/bin/python bench/gateway_bench.py [--calls 5000]

What it measures is the gateway's own cost (breaker, deadline, structured-output check, recording),
which every customer turn pays several times; the handlers themselves are benchmarked by their owners.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from agents.models import (
    CallMeta,
    ChatMessage,
    InMemoryRecorder,
    LocalResult,
    ModelRequest,
    StreamCompleted,
    build_gateway,
    load_config,
)
from agents.models.structured import StructuredOutput


class Triage(StructuredOutput):
    intent: str
    confidence: float


def triage(request: ModelRequest) -> LocalResult:
    return LocalResult(data={"intent": "card_arrival", "confidence": 0.9})


def reply(request: ModelRequest) -> LocalResult:
    return LocalResult(text="Your new card was posted on 12 March and should arrive within five days.")


async def run(calls: int) -> None:
    recorder = InMemoryRecorder()
    handlers = {"triage": triage, "reply": reply}
    gateway = build_gateway(load_config(), recorder=recorder, local_handlers=handlers)
    meta = CallMeta(conversation_id="bench", node="triage", variant=None)
    triage_request = ModelRequest(
        task="triage", messages=[ChatMessage("user", "my card has not arrived")], response_model=Triage
    )
    reply_request = ModelRequest(task="reply", messages=[ChatMessage("user", "my card has not arrived")])

    call_us = []
    for _ in range(calls):
        started = time.perf_counter()
        await gateway.call("nano", triage_request, meta=meta, deadline_s=5)
        call_us.append((time.perf_counter() - started) * 1e6)

    stream_us = []
    for _ in range(calls):
        started = time.perf_counter()
        events = [event async for event in gateway.stream("large", reply_request, meta=meta)]
        assert isinstance(events[-1], StreamCompleted)
        stream_us.append((time.perf_counter() - started) * 1e6)

    await gateway.aclose()
    for name, samples in (("call (structured)", call_us), ("stream (14 deltas)", stream_us)):
        ordered = sorted(samples)
        p95 = ordered[int(len(ordered) * 0.95)]
        print(f"{name:20s} n={len(samples)} median={statistics.median(samples):.0f}us p95={p95:.0f}us")
    print(f"records: {len(recorder.records)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=5000)
    asyncio.run(run(parser.parse_args().calls))


if __name__ == "__main__":
    main()
