"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from app.deps import SessionFactoryDep
from app.errors import problem

router = APIRouter(tags=["ops"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(factory: SessionFactoryDep) -> JSONResponse | dict[str, str]:
    """The database answers."""
    try:
        async with factory() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        return problem(503, "Service Unavailable", "The database is not reachable", type_slug="not-ready")
    return {"status": "ready", "database": "ok"}


@router.get("/metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """Prometheus text exposition."""
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
