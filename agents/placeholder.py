"""PLACEHOLDER agent: replies with a plain acknowledgement.

This is the only placeholder in Bankdesk and it is temporary: the LangGraph agent (issue 4) replaces
it. It understands nothing; it exists so that the chat API, its storage, streaming and audit trail
can be built and tested end to end before the agent lands.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from agents.ports import AgentEvent, TurnInput

PLACEHOLDER_REPLY = (
    "Thanks, your message has been received. (Placeholder: Bankdesk's AI agent is not connected yet, "
    "so this is an automatic acknowledgement.)"
)


class AcknowledgementAgent:
    name = "placeholder-ack"

    async def run_turn(self, turn: TurnInput) -> AsyncIterator[AgentEvent]:
        yield AgentEvent("step", {"node": "placeholder", "decision": "acknowledge"})
        for word in PLACEHOLDER_REPLY.split(" "):
            yield AgentEvent("delta", {"text": word + " "})
        yield AgentEvent("completed", {"content": PLACEHOLDER_REPLY})
