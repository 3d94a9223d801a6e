"""The page shells: the demo bank with the customer widget, the staff console, the auditor workspace.

Shells carry no data: each page signs in with a bearer token kept in the tab's ``sessionStorage`` and reads
the JSON API, so there is no ambient credential for a cross-site request to ride on (no CSRF).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.deps import SettingsDep
from app.web.templating import templates

router = APIRouter(include_in_schema=False)


def _page(request: Request, template: str, settings: SettingsDep) -> HTMLResponse:
    response: HTMLResponse = templates.TemplateResponse(
        request, template, {"demo": settings.demo_enabled}, headers={"Cache-Control": "no-store"}
    )
    return response


@router.get("/", response_class=HTMLResponse)
async def demo_bank(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The fictional bank's page with the chat widget embedded by one script tag."""
    return _page(request, "demo_bank.html", settings)


@router.get("/console", response_class=HTMLResponse)
async def console(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The staff handoff console."""
    return _page(request, "console.html", settings)


@router.get("/audit", response_class=HTMLResponse)
async def audit(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The compliance auditor's workspace."""
    return _page(request, "audit.html", settings)
