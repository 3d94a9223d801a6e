"""Sign-in for demo mode only. A real deployment runs with demo mode off, where these routes answer 404 and
tokens come from the bank's own login (``bankdesk token`` shows the shape; README, "Embedding the widget")."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter
from sqlalchemy import select

from app.auth.tokens import issue_token
from app.demo.schemas import DemoPeople, DemoPerson, DemoToken
from app.deps import SessionDep, SettingsDep
from app.errors import NotFound
from app.models import Customer, StaffUser

router = APIRouter(prefix="/v1/demo", tags=["demo"])

DEMO_CUSTOMERS = 12
DEMO_TOKEN_TTL = timedelta(hours=2)


def _require_demo(settings: SettingsDep) -> None:
    if not settings.demo_enabled:
        raise NotFound("Demo sign-in is off on this server")


@router.get("/people", response_model=DemoPeople)
async def people(settings: SettingsDep, session: SessionDep) -> DemoPeople:
    """Seeded customers and staff to sign in as (demo mode only)."""
    _require_demo(settings)
    customers = await session.scalars(
        select(Customer).order_by(Customer.created_at, Customer.id).limit(DEMO_CUSTOMERS)
    )
    staff = await session.scalars(select(StaffUser).order_by(StaffUser.role, StaffUser.email))
    return DemoPeople(
        customers=[DemoPerson(id=c.id, kind="customer", full_name=c.full_name) for c in customers],
        staff=[DemoPerson(id=s.id, kind="staff", full_name=s.full_name, role=s.role) for s in staff],
    )


@router.post("/tokens/{subject_id}", response_model=DemoToken, status_code=201)
async def token(subject_id: uuid.UUID, settings: SettingsDep, session: SessionDep) -> DemoToken:
    """A short-lived token for a seeded customer or staff member (demo mode only)."""
    _require_demo(settings)
    customer = await session.get(Customer, subject_id)
    staff = None if customer is not None else await session.get(StaffUser, subject_id)
    if customer is None and staff is None:
        raise NotFound("No customer or staff member with that id")
    now = datetime.now(UTC)
    if customer is not None:
        value = issue_token(
            settings.secret_key, subject=subject_id, kind="customer", ttl=DEMO_TOKEN_TTL, now=now
        )
        return DemoToken(
            token=value, kind="customer", full_name=customer.full_name, expires_at=now + DEMO_TOKEN_TTL
        )
    assert staff is not None
    value = issue_token(settings.secret_key, subject=subject_id, kind="staff", ttl=DEMO_TOKEN_TTL, now=now)
    return DemoToken(
        token=value, kind="staff", full_name=staff.full_name, role=staff.role, expires_at=now + DEMO_TOKEN_TTL
    )
