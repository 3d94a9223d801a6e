"""A scripted model server for scenarios run through the real OpenAI and Anthropic SDKs.

Each answer is one of the recorded payloads under fixtures/providers/ with only its content replaced: the
triage intent the scenario expects, the draft handed to the phraser, a reviewer's "ok", a summary. The
transport sits at the network edge (httpx2), so everything above it is the real SDK and gateway.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx2

from agents.models.gateway_config import GatewayConfig, load_bundled_config
from tests.agents.models.replay import recorded

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "providers"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def model_triaged(name: str) -> GatewayConfig:
    """A bundled config with triage starting on nano: the scripted model, not the embedded one, classifies
    every turn (the example files start triage on the embedded model, which would decide the turns it is
    sure of before the scripted server is asked)."""
    config = load_bundled_config(name)
    start = config.escalation.start.model_copy(update={"triage": "nano"})
    return config.model_copy(update={"escalation": config.escalation.model_copy(update={"start": start})})


def _task_of(system: str) -> str:
    if system.startswith("You classify one message"):
        return "triage"
    if system.startswith("Summarise this bank support conversation"):
        return "summary"
    if "DRAFT reply" in system:
        return "reply"
    if "helping one signed-in customer" in system:
        return "assist"
    return "review"


def _summarise_tool_results(results: list[str]) -> str:
    """What a model would write from lookup results: plain sentences, not the raw JSON."""
    parts: list[str] = []
    for raw in results:
        data = json.loads(raw)
        for account in data.get("accounts", []):
            parts.append(f"your {account['name']} ending {account['number_last4']} has {account['balance']}")
    return ("Here is what I found: " + "; ".join(parts) + ".") if parts else "I couldn't find anything."


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content if isinstance(b, dict))


def _draft_of(user: str) -> str:
    return user.split("DRAFT:\n", 1)[1] if "DRAFT:\n" in user else user


class ScriptedModelServer(httpx2.AsyncBaseTransport):
    """Answers chat-completions (OpenAI) and messages (Anthropic) requests from recorded payload shapes."""

    def __init__(
        self, *, intents: list[str], confidence: float = 0.97, tool: tuple[str, dict[str, Any]] | None = None
    ) -> None:
        self.intents = list(intents)
        self.confidence = confidence
        self.tool = tool  # the lookup the assisting model asks for, once
        self.tool_results: list[str] = []
        self.seen: list[tuple[str, str]] = []  # (host, task)

    def _answer(self, task: str, user: str, data: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None]:
        if task == "triage":
            intent = self.intents.pop(0) if self.intents else "out_of_scope"
            return "", {"intent": intent, "confidence": self.confidence}
        if task == "review":
            return "", {"verdict": "ok", "reasons": []}
        if task == "summary":
            return (
                "Issue: see transcript\nWhat was tried: the assistant\nCustomer sentiment: neutral\n"
                "Suggested next step: reply to the customer",
                None,
            )
        return _draft_of(user), None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        body = json.loads(request.content)
        host = request.url.host
        if host == "api.openai.com":
            messages = body["messages"]
            system = next((m["content"] for m in messages if m["role"] in ("system", "developer")), "")
            user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
            task = _task_of(system)
            tool_results = [m["content"] for m in messages if m["role"] == "tool"]
            if task == "assist" and self.tool and not tool_results:
                payload = copy.deepcopy(_load("openai/chat_completion_tool_call.json"))
                call = payload["choices"][0]["message"]["tool_calls"][0]["function"]
                call["name"], call["arguments"] = self.tool[0], json.dumps(self.tool[1])
            else:
                self.tool_results += tool_results
                text, data = self._answer(task, user, None)
                if task == "assist":
                    text = _summarise_tool_results(tool_results)
                payload = copy.deepcopy(_load("openai/chat_completion_reply.json"))
                payload["choices"][0]["message"]["content"] = json.dumps(data) if data is not None else text
        else:
            system_field = body.get("system", "")
            system = (
                system_field if isinstance(system_field, str) else " ".join(b["text"] for b in system_field)
            )
            last = body["messages"][-1]["content"]
            user = last if isinstance(last, str) else " ".join(b.get("text", "") for b in last)
            task = _task_of(system)
            results = [
                b.get("content")
                for m in body["messages"]
                if isinstance(m["content"], list)
                for b in m["content"]
                if b.get("type") == "tool_result"
            ]
            text, data = self._answer(task, user, None)
            if task == "assist" and self.tool and not results:
                payload = copy.deepcopy(_load("anthropic/message_tool_use.json"))
                payload["content"][1]["name"], payload["content"][1]["input"] = self.tool
                self.seen.append((host, task))
                return httpx2.Response(200, json=payload, request=request)
            if task == "assist":
                self.tool_results += [_text_of(r) for r in results]
                text = _summarise_tool_results(self.tool_results)
            if data is not None:
                payload = copy.deepcopy(_load("anthropic/message_triage_structured.json"))
                payload["content"][0]["name"] = body["tool_choice"]["name"]
                payload["content"][0]["input"] = data
            else:
                payload = copy.deepcopy(_load("anthropic/message_reply.json"))
                payload["content"] = [{"type": "text", "text": text}]
        self.seen.append((host, task))
        return httpx2.Response(200, json=payload, request=request)


class DownModelServer(httpx2.AsyncBaseTransport):
    """Every provider answers with its recorded 500: the gateway must degrade gracefully."""

    def __init__(self) -> None:
        self.calls = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        self.calls += 1
        vendor = "openai" if request.url.host == "api.openai.com" else "anthropic"
        return recorded(f"{vendor}/server_error_500.http").respond(request)
