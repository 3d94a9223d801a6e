"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from app.deps import SessionFactoryDep, SettingsDep
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


def _loopback(host: str | None) -> bool:
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def may_scrape(request: Request, token: str | None) -> bool:
    """With a scrape token configured, only ``Authorization: Bearer <token>``; otherwise loopback clients.

    Behind a reverse proxy on the same host every client looks like loopback unless the proxy sends
    X-Forwarded-For (which uvicorn trusts from 127.0.0.1): set BANKDESK_METRICS_TOKEN there.
    """
    if token:
        scheme, _, presented = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode())
    return _loopback(request.client.host if request.client else None)


@router.get("/metrics", response_class=Response)
async def metrics(request: Request, settings: SettingsDep) -> Response:
    """Prometheus text exposition, for the scraper only (scrape token, or loopback when none is set)."""
    if not may_scrape(request, settings.metrics_token):
        return problem(
            403,
            "Forbidden",
            "Metrics are for the scraper: send the scrape token, or scrape from this host",
            type_slug="forbidden",
            instance="/metrics",
        )
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
