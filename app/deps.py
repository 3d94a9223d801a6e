"""Annotated dependency aliases used by the endpoints."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agents.ports import TurnAgent
from app.auth.tokens import TokenClaims, decode_token
from app.config import Settings
from app.db import transaction
from app.errors import Forbidden, Unauthorized
from app.events.bus import EventBus
from app.models import Customer, StaffUser
from app.models.enums import StaffRole

_bearer = HTTPBearer(auto_error=False, description="Signed bearer token from `bankdesk token`")


# The request-state lookups are ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in a worker
# thread, and these hops (two or three a request) cost more CPU than anything they do (issue 14).
async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session_factory(request: Request) -> async_sessionmaker[AsyncSession]:
    factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    return factory


async def get_session(
    factory: Annotated[async_sessionmaker[AsyncSession], Depends(get_session_factory)],
) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed if the endpoint succeeds, rolled back otherwise.

    Used as ``SessionDep``, scoped to the function: FastAPI runs the exit (the commit) after the endpoint
    returns and before the response is sent, so a commit that fails answers 500, never a 2xx for rows
    that were not stored. With the default request scope the exit ran after the response had gone.
    """
    async with transaction(factory) as session:
        yield session


async def get_events(request: Request) -> EventBus:
    events: EventBus = request.app.state.events
    return events


async def get_agent(request: Request) -> TurnAgent:
    agent: TurnAgent = request.app.state.agent
    return agent


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SessionFactoryDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_session_factory)]
AgentDep = Annotated[TurnAgent, Depends(get_agent)]
EventsDep = Annotated[EventBus, Depends(get_events)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


@dataclass(frozen=True)
class CustomerPrincipal:
    id: uuid.UUID
    full_name: str


@dataclass(frozen=True)
class StaffPrincipal:
    id: uuid.UUID
    full_name: str
    role: StaffRole


def _claims(credentials: HTTPAuthorizationCredentials | None, settings: Settings) -> TokenClaims:
    """The bearer token's verified claims (``Unauthorized`` when it is missing or invalid)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("A bearer token is required")
    return decode_token(settings.secret_key, credentials.credentials)


async def _principal_row(
    credentials: HTTPAuthorizationCredentials | None,
    settings: Settings,
    factory: async_sessionmaker[AsyncSession],
) -> Customer | StaffUser:
    claims = _claims(credentials, settings)
    async with factory() as session:
        row: Customer | StaffUser | None = (
            await session.get(Customer, claims.subject)
            if claims.kind == "customer"
            else await session.get(StaffUser, claims.subject)
        )
    if row is None:
        raise Unauthorized("The token's subject no longer exists")
    return row


async def current_customer(
    credentials: Credentials,
    settings: Annotated[Settings, Depends(get_settings_dep)],
    factory: Annotated[async_sessionmaker[AsyncSession], Depends(get_session_factory)],
) -> CustomerPrincipal:
    row = await _principal_row(credentials, settings, factory)
    if not isinstance(row, Customer):
        raise Forbidden("This route is for customers")
    return CustomerPrincipal(id=row.id, full_name=row.full_name)


async def current_staff(
    credentials: Credentials,
    settings: Annotated[Settings, Depends(get_settings_dep)],
    factory: Annotated[async_sessionmaker[AsyncSession], Depends(get_session_factory)],
) -> StaffPrincipal:
    row = await _principal_row(credentials, settings, factory)
    if not isinstance(row, StaffUser):
        raise Forbidden("This route is for bank staff")
    return StaffPrincipal(id=row.id, full_name=row.full_name, role=row.role)


@dataclass(frozen=True)
class TokenCustomer:
    """A customer known from a verified token alone, not yet from the database."""

    id: uuid.UUID


async def token_customer(
    credentials: Credentials, settings: Annotated[Settings, Depends(get_settings_dep)]
) -> TokenCustomer:
    """For the turn routes only: the token is verified here, and the customer's row is read (and locked) by
    the turn's admission, which refuses a subject that no longer exists exactly as ``current_customer``
    does. One database session and round trip fewer a turn (bench/README.md, issue 14)."""
    claims = _claims(credentials, settings)
    if claims.kind != "customer":
        raise Forbidden("This route is for customers")
    return TokenCustomer(id=claims.subject)


def require_roles(*roles: StaffRole) -> object:
    async def _check(staff: Annotated[StaffPrincipal, Depends(current_staff)]) -> StaffPrincipal:
        if staff.role not in roles:
            raise Forbidden(f"This route needs one of the roles: {', '.join(r.value for r in roles)}")
        return staff

    return Depends(_check)


CurrentCustomer = Annotated[CustomerPrincipal, Depends(current_customer)]
TurnCustomer = Annotated[TokenCustomer, Depends(token_customer)]
CurrentStaff = Annotated[StaffPrincipal, Depends(current_staff)]
SupportStaff = Annotated[StaffPrincipal, require_roles(StaffRole.agent, StaffRole.supervisor)]
HandoffReader = Annotated[
    StaffPrincipal, require_roles(StaffRole.agent, StaffRole.supervisor, StaffRole.auditor)
]
Auditor = Annotated[StaffPrincipal, require_roles(StaffRole.auditor, StaffRole.supervisor)]
