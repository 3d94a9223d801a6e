"""Staff queue routes (roles agent and supervisor; auditors may read)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from sse_starlette import EventSourceResponse

from app.conversations.schemas import MessageOut
from app.deps import (
    Credentials,
    EventsDep,
    HandoffReader,
    SessionDep,
    SessionFactoryDep,
    SupportStaff,
)
from app.events.bus import HANDOFFS_TOPIC, EventBus, conversation_topic
from app.handoffs import repository, service, stream
from app.handoffs.schemas import (
    AssignIn,
    HandoffDetail,
    HandoffList,
    HandoffOut,
    HandoffTransition,
    NoteIn,
    NoteOut,
    ResolveIn,
    ReturnIn,
    StaffList,
    StaffMessageIn,
    StaffMessageOut,
    StaffOut,
)
from app.models import Handoff
from app.models.enums import HandoffStatus
from app.web.sse import last_event_id, sse

router = APIRouter(prefix="/v1/handoffs", tags=["handoffs"])
_CLAIM_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "The handoff is not open: another member of staff claimed it first (the problem's "
        "`assignee_name` says who), or it was returned or resolved"
    }
}
_HOLDER_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The handoff is not claimed, or another member of staff holds it"}
}
_NOT_YOURS: dict[int | str, dict[str, Any]] = {
    403: {"description": "An agent may open only open handoffs and their own (supervisors: any)"}
}
_STREAM: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"}
}


async def _wake(events: EventBus, session: SessionDep, handoff: Handoff) -> None:
    """The staff queue and the customer's stream hear of this write once it commits."""
    await events.notify(session, HANDOFFS_TOPIC)
    await events.notify(session, conversation_topic(handoff.conversation_id))


@router.get("", response_model=HandoffList)
async def list_handoffs(
    staff: HandoffReader, session: SessionDep, status: HandoffStatus | None = None
) -> HandoffList:
    """The queue, most urgent first (priority, then SLA due time): open and claimed handoffs unless a
    status is given. Agents see the open ones and their own; supervisors and auditors see the whole team's."""
    return HandoffList(items=await repository.queue(session, viewer=staff, status=status))


@router.get("/stream", responses=_STREAM, response_class=EventSourceResponse)
async def queue_stream(
    staff: HandoffReader,
    credentials: Credentials,
    factory: SessionFactoryDep,
    events: EventsDep,
    request: Request,
) -> EventSourceResponse:
    """The queue as Server-Sent Events: a `queue` event with the whole queue (as `GET /v1/handoffs` shows
    it to you) now and after every change, until your token expires. The event id fingerprints the queue:
    reconnect with `Last-Event-ID` and nothing is sent until the queue differs from what you last saw."""
    until = stream.token_expiry(credentials.credentials) if credentials else None
    return sse(
        stream.queue_events(factory, events, viewer=staff, last_id=last_event_id(request), until=until)
    )


@router.get("/me", response_model=StaffOut)
async def whoami(staff: HandoffReader) -> StaffOut:
    """The signed-in member of staff (from the token): the console shows the name and offers what the
    role may do."""
    return StaffOut(id=staff.id, full_name=staff.full_name, role=staff.role.value)


@router.get("/staff", response_model=StaffList)
async def list_support_staff(staff: SupportStaff, session: SessionDep) -> StaffList:
    """Agents and supervisors, for assigning a handoff."""
    rows = await repository.support_staff(session)
    return StaffList(items=[StaffOut(id=s.id, full_name=s.full_name, role=s.role.value) for s in rows])


@router.get("/{handoff_id}", response_model=HandoffDetail, responses=_NOT_YOURS)
async def get_handoff(handoff_id: uuid.UUID, staff: HandoffReader, session: SessionDep) -> HandoffDetail:
    """One handoff: summary, the whole transcript with each turn's intent, route and flags, staff notes,
    and the customer's context (accounts and cards by their last four digits, disputes, complaints)."""
    return await service.detail(session, handoff_id=handoff_id, viewer=staff)


@router.get("/{handoff_id}/stream", responses={**_STREAM, **_NOT_YOURS}, response_class=EventSourceResponse)
async def handoff_stream(
    handoff_id: uuid.UUID,
    staff: HandoffReader,
    credentials: Credentials,
    factory: SessionFactoryDep,
    events: EventsDep,
    request: Request,
) -> EventSourceResponse:
    """One handoff as Server-Sent Events: a `handoff` event with the whole detail now and whenever it
    changes (a customer message, a reply, a note, a claim, `conversation.typing`...); `gone` when you may no
    longer see it. The id fingerprints the detail, as in the queue stream; it ends when your token does."""
    async with factory() as session:  # 404 / 403 as a plain answer, before the stream starts
        first = await service.detail(session, handoff_id=handoff_id, viewer=staff)
    return sse(
        stream.detail_events(
            factory,
            events,
            viewer=staff,
            handoff_id=handoff_id,
            conversation_id=first.conversation.id,
            last_id=last_event_id(request),
            until=stream.token_expiry(credentials.credentials) if credentials else None,
        )
    )


@router.post("/{handoff_id}/claim", response_model=HandoffOut, responses=_CLAIM_CONFLICT)
async def claim(
    handoff_id: uuid.UUID, staff: SupportStaff, session: SessionDep, events: EventsDep, request: Request
) -> HandoffOut:
    """Take a handoff: it becomes yours to answer. If someone claimed it first: 409 saying who."""
    handoff = await service.claim(session, handoff_id=handoff_id, staff=staff)
    await _wake(events, session, handoff)
    request.app.state.metrics.handoffs.labels(action="claimed").inc()
    return await service.out(session, handoff)


@router.post(
    "/{handoff_id}/messages",
    response_model=StaffMessageOut,
    status_code=status.HTTP_201_CREATED,
    responses=_HOLDER_CONFLICT,
)
async def post_message(
    handoff_id: uuid.UUID, body: StaffMessageIn, staff: SupportStaff, session: SessionDep, events: EventsDep
) -> StaffMessageOut:
    """Write to the customer of a handoff you hold (delivered live to their chat)."""
    handoff, message = await service.post_staff_message(
        session, handoff_id=handoff_id, staff=staff, content=body.content
    )
    await _wake(events, session, handoff)
    return StaffMessageOut(
        handoff=await service.out(session, handoff), message=MessageOut.model_validate(message)
    )


@router.post(
    "/{handoff_id}/notes", response_model=NoteOut, status_code=status.HTTP_201_CREATED, responses=_NOT_YOURS
)
async def add_note(
    handoff_id: uuid.UUID, body: NoteIn, staff: SupportStaff, session: SessionDep, events: EventsDep
) -> NoteOut:
    """A private note on the handoff: staff and auditors read it; the customer never sees it."""
    handoff, note = await service.add_note(session, handoff_id=handoff_id, staff=staff, content=body.content)
    await events.notify(session, HANDOFFS_TOPIC)  # staff pages only: the customer's stream has nothing new
    await events.notify(session, conversation_topic(handoff.conversation_id))
    return NoteOut(
        id=note.id,
        kind=note.kind,
        content=note.content,
        author_staff_id=note.author_staff_id,
        author_name=staff.full_name,
        created_at=note.created_at,
    )


@router.post("/{handoff_id}/assign", response_model=HandoffOut, responses=_HOLDER_CONFLICT)
async def assign(
    handoff_id: uuid.UUID, body: AssignIn, staff: SupportStaff, session: SessionDep, events: EventsDep
) -> HandoffOut:
    """Supervisors: give an open or claimed handoff to an agent or supervisor (or back to the open queue
    with `assignee_id: null`)."""
    handoff = await service.reassign(
        session, handoff_id=handoff_id, supervisor=staff, assignee_id=body.assignee_id
    )
    await _wake(events, session, handoff)
    return await service.out(session, handoff)


@router.post("/{handoff_id}/return", response_model=HandoffTransition, responses=_HOLDER_CONFLICT)
async def return_to_agent(
    handoff_id: uuid.UUID,
    staff: SupportStaff,
    session: SessionDep,
    events: EventsDep,
    request: Request,
    body: ReturnIn | None = None,
) -> HandoffTransition:
    """Give the conversation back to the assistant, with an optional note it reads on the next turn."""
    handoff, conversation = await service.return_to_agent(
        session, handoff_id=handoff_id, staff=staff, note=body.note if body else None
    )
    await _wake(events, session, handoff)
    request.app.state.metrics.handoffs.labels(action="returned").inc()
    return HandoffTransition(
        handoff=await service.out(session, handoff), conversation_status=conversation.status
    )


@router.post("/{handoff_id}/resolve", response_model=HandoffTransition, responses=_HOLDER_CONFLICT)
async def resolve(
    handoff_id: uuid.UUID,
    body: ResolveIn,
    staff: SupportStaff,
    session: SessionDep,
    events: EventsDep,
    request: Request,
) -> HandoffTransition:
    """Close the handoff and the conversation as resolved, with a reason code."""
    handoff, conversation = await service.resolve(
        session, handoff_id=handoff_id, staff=staff, reason_code=body.reason_code, note=body.note
    )
    await _wake(events, session, handoff)
    request.app.state.metrics.handoffs.labels(action="resolved").inc()
    return HandoffTransition(
        handoff=await service.out(session, handoff), conversation_status=conversation.status
    )
