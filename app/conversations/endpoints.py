"""Customer chat routes."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

import jwt
from fastapi import APIRouter, Header, Request, status
from fastapi.responses import JSONResponse, StreamingResponse
from sse_starlette import EventSourceResponse, ServerSentEvent

from app.conversations import events, idempotency, repository, service
from app.conversations.schemas import (
    ConfirmIn,
    ConversationCreate,
    ConversationDetail,
    ConversationList,
    ConversationOut,
    MessageIn,
    MessageOut,
    TurnOut,
)
from app.deps import (
    Credentials,
    CurrentCustomer,
    EventsDep,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    TurnCustomer,
)
from app.errors import Unprocessable
from app.web.sse import last_event_id, sse

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/conversations", tags=["conversations"])

_SSE_DOC = (
    "With `Accept: text/event-stream` the reply streams as Server-Sent Events: `message.created`, "
    "`agent.step`, `message.delta`, `agent.confirmation_required`, `message.completed` and, on failure, "
    "`error`."
)
# One Server-Sent Event: its name, its id (1, 2, ... within the stream) and its data as a JSON string.
_SSE_EVENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "event": {
            "type": "string",
            "enum": [
                "message.created",
                "agent.step",
                "message.delta",
                "agent.confirmation_required",
                "message.completed",
                "error",
            ],
        },
        "id": {"type": "string"},
        "data": {"type": "string", "contentMediaType": "application/json"},
    },
    "required": ["event", "data"],
}
_TURN_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "With `Accept: text/event-stream`: the turn as Server-Sent Events",
        "content": {"text/event-stream": {"schema": _SSE_EVENT}},
    },
    503: {"description": "The database is not reachable; nothing was saved; see Retry-After"},
    409: {
        "description": "Same Idempotency-Key still in flight, or another turn of this conversation running"
    },
    422: {"description": "Invalid content, or an Idempotency-Key reused with another body"},
    429: {"description": "Rate limit exceeded; see Retry-After"},
}


def _services(request: Request) -> service.TurnServices:
    services: service.TurnServices = request.app.state.turn_services
    return services


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ConversationOut,
    responses={429: {"description": "Too many new conversations; see Retry-After"}},
)
async def create_conversation(
    customer: CurrentCustomer, session: SessionDep, request: Request, body: ConversationCreate | None = None
) -> ConversationOut:
    """Start a conversation with the bank's assistant (assigned a sticky A/B model variant)."""
    conversation = await service.create_conversation(
        session,
        customer_id=customer.id,
        assign_variant=request.app.state.assign_variant,
        per_minute=_services(request).limits.conversations_per_minute,
    )
    return ConversationOut.model_validate(conversation)


@router.get("", response_model=ConversationList)
async def list_conversations(customer: CurrentCustomer, session: SessionDep) -> ConversationList:
    """List the customer's own conversations, newest first."""
    rows = await repository.list_conversations(session, customer_id=customer.id)
    return ConversationList(items=[ConversationOut.model_validate(r) for r in rows])


@router.get("/{conversation_id}", response_model=ConversationDetail)
async def get_conversation(
    conversation_id: uuid.UUID, customer: CurrentCustomer, session: SessionDep
) -> ConversationDetail:
    """One of the customer's conversations with its messages."""
    conversation = await repository.get_owned_conversation(
        session, conversation_id=conversation_id, customer_id=customer.id
    )
    messages = await repository.list_messages(session, conversation_id=conversation.id)
    return ConversationDetail(
        **ConversationOut.model_validate(conversation).model_dump(),
        messages=[MessageOut.model_validate(m) for m in messages],
    )


_EVENTS_DOC = """The conversation as it happens, as Server-Sent Events (read with `fetch`, with the token).

- `message` (id: position): `{id, role: customer|assistant|staff, content, created_at, confirmation}`;
  `confirmation` is `{action_id, procedure, summary, prompt}` when the assistant asks for a yes or no
  (answer with `POST .../confirm`, or in words), else `null`.
- `status` (id: position): `{status: handed_off|claimed|waiting|returned|resolved, at}` (`waiting`: back in
  the queue after a reassignment); `handed_off` and `waiting` add
  `queue_position` (1 = next; `null` once taken) and `hours` (as `GET /v1/support/hours`, at the time of the
  handoff: whether a person is working, and when they are back).
- `typing` (no id): `{active}`: a reply is being written.

Without `Last-Event-ID` the whole conversation is sent first; with it, exactly what came after that id.
Ids are the conversation's audit-chain positions: in commit order, so nothing is missed or repeated."""
_EVENT_STREAM: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The conversation's events as Server-Sent Events",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    },
    404: {"description": "No such conversation of yours"},
    422: {"description": "Last-Event-ID is not an id of this stream"},
}


def _resume_after(value: str | None, head: int) -> int:
    if value is None:
        return 0
    if not value.isdigit() or int(value) > head:
        raise Unprocessable(
            "Last-Event-ID must be the id of an event this stream sent (a whole number, at most "
            f"{head}); reconnect without it to receive the whole conversation"
        )
    return int(value)


@router.get(
    "/{conversation_id}/events",
    response_class=EventSourceResponse,
    responses=_EVENT_STREAM,
    description=_EVENTS_DOC,
)
async def conversation_events(
    conversation_id: uuid.UUID,
    request: Request,
    customer: CurrentCustomer,
    credentials: Credentials,
    factory: SessionFactoryDep,
    bus: EventsDep,
    settings: SettingsDep,
) -> EventSourceResponse:
    """Follow one of your conversations live: messages, handoff status and typing."""
    # The stream ends when the token does (verified above): a reconnect then needs a valid token.
    assert credentials is not None
    expires = datetime.fromtimestamp(
        int(jwt.decode(credentials.credentials, options={"verify_signature": False})["exp"]), UTC
    )
    async with factory() as session:
        await repository.get_owned_conversation(
            session, conversation_id=conversation_id, customer_id=customer.id
        )
        head = await events.head_position(session, conversation_id)
    after = _resume_after(last_event_id(request), head)

    async def stream() -> AsyncIterator[ServerSentEvent]:
        async for event in events.customer_events(
            factory, bus, conversation_id=conversation_id, after=after, hours=settings.hours(), until=expires
        ):
            yield ServerSentEvent(
                data=json.dumps(event.data, separators=(",", ":")),
                event=event.name,
                id=None if event.id is None else str(event.id),
            )

    return sse(stream())


def _sse(event_id: int, name: str, data: dict[str, Any]) -> bytes:
    return f"id: {event_id}\nevent: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def _turn_request(
    customer_id: uuid.UUID,
    conversation_id: uuid.UUID,
    content: str,
    idempotency_key: str | None,
    kind: service.TurnKind,
) -> service.TurnRequest:
    if idempotency_key is not None:
        idempotency.validate_key(idempotency_key)
    return service.TurnRequest(
        customer_id=customer_id,
        conversation_id=conversation_id,
        content=content,
        idempotency_key=idempotency_key,
        kind=kind,
    )


async def _run_turn(request: Request, turn: service.TurnRequest, *, accept: str | None) -> Any:
    services = _services(request)
    admitted = await service.admit(services, turn)
    streaming = accept is not None and "text/event-stream" in accept

    if isinstance(admitted, idempotency.Replay):
        replay = admitted
        if not streaming:
            return JSONResponse(
                replay.body, status_code=replay.status_code, headers={"Idempotent-Replay": "true"}
            )

        async def replayed() -> AsyncIterator[bytes]:
            yield _sse(1, "message.created", replay.body["message"])
            yield _sse(2, "message.completed", replay.body)

        return StreamingResponse(
            replayed(), media_type="text/event-stream", headers={"Idempotent-Replay": "true"}
        )

    # The turn runs in a task of its own: it finishes and stores itself even if this client goes away.
    running = service.start(services, admitted)
    if not streaming:
        return JSONResponse(await running.result(), status_code=status.HTTP_201_CREATED)

    async def stream() -> AsyncIterator[bytes]:
        event_id = 0
        try:
            async for event in running.events():
                event_id += 1
                yield _sse(event_id, event.name, event.data)
        except Exception:
            log.exception("streamed turn failed in conversation %s", turn.conversation_id)
            event_id += 1
            yield _sse(
                event_id,
                "error",
                {"status": 500, "detail": "The turn failed and nothing of it was saved; please retry."},
            )

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _within_message_limit(content: str, limit: int) -> None:
    """The deployment's limit (``BANKDESK_MAX_MESSAGE_CHARS``, at most the schema's ceiling): a longer message
    is refused whole, before anything is stored, with the limit and its length so the client can split it.
    Nothing is ever cut short silently."""
    if len(content) <= limit:
        return
    raise Unprocessable(
        f"body.content: String should have at most {limit} characters (this message has {len(content)}); "
        "nothing was sent: please split it into shorter messages",
        errors=[
            {
                "loc": ["body", "content"],
                "msg": f"String should have at most {limit} characters",
                "type": "string_too_long",
            }
        ],
        max_length=limit,
        length=len(content),
    )


@router.post(
    "/{conversation_id}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=TurnOut,
    description=_SSE_DOC,
    responses=_TURN_RESPONSES,
)
async def post_message(
    conversation_id: uuid.UUID,
    body: MessageIn,
    request: Request,
    customer: TurnCustomer,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """Send a message and get the assistant's reply."""
    _within_message_limit(body.content, settings.max_message_chars)
    if idempotency_key is not None:
        idempotency.validate_key(idempotency_key)
    turn = service.TurnRequest(
        customer_id=customer.id,
        conversation_id=conversation_id,
        content=body.content,
        idempotency_key=idempotency_key,
    )
    return await _run_turn(request, turn, accept=accept)


@router.post(
    "/{conversation_id}/confirm",
    status_code=status.HTTP_201_CREATED,
    response_model=TurnOut,
    description="Answer the assistant's confirmation request. " + _SSE_DOC,
    responses={
        **_TURN_RESPONSES,
        409: {"description": "Nothing is waiting for confirmation, or a turn is running"},
    },
)
async def confirm(
    conversation_id: uuid.UUID,
    body: ConfirmIn,
    request: Request,
    customer: TurnCustomer,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """Say yes or no to the action the assistant proposed (freeze, unfreeze, report, dispute)."""
    turn = _turn_request(customer.id, conversation_id, body.decision, idempotency_key, "confirm")
    return await _run_turn(request, turn, accept=accept)
