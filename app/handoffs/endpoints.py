"""Staff queue routes (roles agent and supervisor; auditors may read)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status

from app.conversations.schemas import MessageOut
from app.deps import HandoffReader, SessionDep, SupportStaff
from app.handoffs import service
from app.handoffs.schemas import HandoffList, HandoffOut, HandoffTransition, StaffMessageIn, StaffMessageOut
from app.models.enums import HandoffStatus

router = APIRouter(prefix="/v1/handoffs", tags=["handoffs"])
_CLAIM_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The handoff is not open (already claimed by someone else, returned or resolved)"}
}
_HOLDER_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The handoff is not claimed, or another member of staff holds it"}
}


@router.get("", response_model=HandoffList)
async def list_handoffs(
    staff: HandoffReader, session: SessionDep, status: HandoffStatus | None = None
) -> HandoffList:
    """The queue of handed-off conversations, most urgent first."""
    rows = await service.list_handoffs(session, status=status)
    return HandoffList(items=[HandoffOut.model_validate(r) for r in rows])


@router.post("/{handoff_id}/claim", response_model=HandoffOut, responses=_CLAIM_CONFLICT)
async def claim(
    handoff_id: uuid.UUID, staff: SupportStaff, session: SessionDep, request: Request
) -> HandoffOut:
    """Take a handoff: it becomes yours to answer."""
    handoff = await service.claim(session, handoff_id=handoff_id, staff=staff)
    request.app.state.metrics.handoffs.labels(action="claimed").inc()
    return HandoffOut.model_validate(handoff)


@router.post(
    "/{handoff_id}/messages",
    response_model=StaffMessageOut,
    status_code=status.HTTP_201_CREATED,
    responses=_HOLDER_CONFLICT,
)
async def post_message(
    handoff_id: uuid.UUID, body: StaffMessageIn, staff: SupportStaff, session: SessionDep
) -> StaffMessageOut:
    """Write to the customer of a handoff you hold."""
    handoff, message = await service.post_staff_message(
        session, handoff_id=handoff_id, staff=staff, content=body.content
    )
    return StaffMessageOut(
        handoff=HandoffOut.model_validate(handoff), message=MessageOut.model_validate(message)
    )


@router.post("/{handoff_id}/return", response_model=HandoffTransition, responses=_HOLDER_CONFLICT)
async def return_to_agent(
    handoff_id: uuid.UUID, staff: SupportStaff, session: SessionDep, request: Request
) -> HandoffTransition:
    """Give the conversation back to the AI agent."""
    handoff, conversation = await service.return_to_agent(session, handoff_id=handoff_id, staff=staff)
    request.app.state.metrics.handoffs.labels(action="returned").inc()
    return HandoffTransition(
        handoff=HandoffOut.model_validate(handoff), conversation_status=conversation.status
    )


@router.post("/{handoff_id}/resolve", response_model=HandoffTransition, responses=_HOLDER_CONFLICT)
async def resolve(
    handoff_id: uuid.UUID, staff: SupportStaff, session: SessionDep, request: Request
) -> HandoffTransition:
    """Close the handoff and the conversation as resolved."""
    handoff, conversation = await service.resolve(session, handoff_id=handoff_id, staff=staff)
    request.app.state.metrics.handoffs.labels(action="resolved").inc()
    return HandoffTransition(
        handoff=HandoffOut.model_validate(handoff), conversation_status=conversation.status
    )
