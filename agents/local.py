"""The embedded ``local`` provider's handlers: real work done offline, no API key.

- triage: the trained intent model (agents.triage)
- reply: the grounded template draft, as written by the procedure or knowledge-base step
- summary: an extractive summary of the conversation
- review: the rule checks already ran; the local reviewer adds no judgement of its own
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from agents.models.providers.local import LocalHandler, LocalResult
from agents.models.types import ModelRequest
from agents.summary import extractive_summary
from agents.triage.model import TriageModel


def build_local_handlers(triage_model: TriageModel) -> Mapping[str, LocalHandler]:
    async def triage(request: ModelRequest) -> LocalResult:
        # The model's inference is CPU work (milliseconds, tens at the first call or on a long message): in a
        # worker thread it cannot stall the other conversations streaming on this event loop. A text the
        # model has already scored is answered from its memory, on the loop (a dictionary lookup).
        text = str(request.inputs.get("text", ""))
        result = triage_model.remembered(text)
        if result is None:
            result = await asyncio.to_thread(triage_model.predict, text)
        data: dict[str, Any] = {
            "intent": result.intent,
            "confidence": result.confidence,
            "alternatives": [[name, prob] for name, prob in result.alternatives],
        }
        return LocalResult(data=data)

    def reply(request: ModelRequest) -> LocalResult:
        return LocalResult(text=str(request.inputs.get("draft", "")))

    def summary(request: ModelRequest) -> LocalResult:
        history = request.inputs.get("history") or []
        reason = str(request.inputs.get("reason", "handoff"))
        return LocalResult(
            text=extractive_summary(history, reason=reason, triage=request.inputs.get("triage"))
        )

    def review(request: ModelRequest) -> LocalResult:
        return LocalResult(data={"verdict": "ok", "reasons": ["local: rule checks only"]})

    return {"triage": triage, "reply": reply, "summary": summary, "review": review}
