"""The pages' ground rules, checked on every response and every file that ships.

- Security headers (CSP without 'unsafe-inline', nosniff, no referrer, no framing) on pages, API answers,
  errors and static files alike.
- No inline script, inline style or inline event handler in any template (the CSP would refuse them, and
  they are how injected markup runs), and no HTML-from-string sink in any script: text from customers,
  merchants and staff is inserted as text only.
- Demo sign-in exists only in demo mode.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent import AgentAssets
from app.config import Settings
from app.main import create_app
from app.models.enums import StaffRole
from app.web.templating import STATIC_DIR, WEB_DIR
from tests.factories import make_customer, make_staff

TEMPLATES = sorted((WEB_DIR / "templates").glob("*.html"))
SCRIPTS = sorted(STATIC_DIR.glob("**/*.js"))
HTML_SINKS = re.compile(
    r"\.(?:innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\s*\("
    r"|createContextualFragment|\.srcdoc\s*="
)


@pytest.mark.parametrize("path", ["/", "/console", "/audit", "/healthz", "/v1/conversations", "/nowhere"])
async def test_every_response_carries_the_security_headers(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    policy = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_static_files_are_served_with_the_policy_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/api.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "content-security-policy" in response.headers
    assert (await client.get("/static/../config.py")).status_code == 404


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_hold_no_inline_script_style_or_handler(template: Path) -> None:
    html = template.read_text()
    for script in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        assert "src=" in script.group(1), f"inline script in {template.name}"
        assert not script.group(2).strip(), f"script with a body in {template.name}"
    assert not re.search(r"<style\b", html, re.I), f"inline <style> in {template.name}"
    assert not re.search(r"\sstyle\s*=", html, re.I), f"style attribute in {template.name}"
    assert not re.search(r"\son[a-z]+\s*=", html, re.I), f"inline event handler in {template.name}"
    assert not re.search(r"\|\s*safe\b|autoescape\s+false", html), f"escaping turned off in {template.name}"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_never_turn_strings_into_markup(script: Path) -> None:
    source = script.read_text()
    sink = HTML_SINKS.search(source)
    assert sink is None, (
        f"{script.name} uses {sink.group(0) if sink else ''}: build DOM nodes with text instead"
    )


def test_scripts_are_found() -> None:
    """The scans above would pass vacuously on an empty folder."""
    assert any(p.name == "api.js" for p in SCRIPTS)
    assert any(p.name == "base.html" for p in TEMPLATES)


async def test_demo_sign_in_is_off_outside_demo_mode(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    await session.commit()
    # The test app runs with env="test": demo mode is off unless asked for, as in production.
    assert (await client.get("/v1/demo/people")).status_code == 404
    assert (await client.post(f"/v1/demo/tokens/{customer.id}")).status_code == 404


async def test_demo_tokens_only_for_people_who_exist(
    settings: Settings, agent_assets: AgentAssets, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    staff = await make_staff(session, role=StaffRole.auditor)
    await session.commit()
    app = create_app(settings.model_copy(update={"demo": True}), assets=agent_assets)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bankdesk.test") as c:
            people = (await c.get("/v1/demo/people")).json()
            assert str(customer.id) in {p["id"] for p in people["customers"]}
            issued = await c.post(f"/v1/demo/tokens/{customer.id}")
            assert issued.status_code == 201
            token = issued.json()["token"]
            mine = await c.get("/v1/conversations", headers={"Authorization": f"Bearer {token}"})
            assert mine.status_code == 200
            as_staff = (await c.post(f"/v1/demo/tokens/{staff.id}")).json()
            assert as_staff["kind"] == "staff"
            assert as_staff["role"] == "auditor"
            assert (await c.post(f"/v1/demo/tokens/{uuid.uuid4()}")).status_code == 404
            assert (await c.post("/v1/demo/tokens/not-a-uuid")).status_code == 422
