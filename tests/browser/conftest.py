"""Browser tests: real Chromium (Debian's ``/usr/bin/chromium``, never a downloaded build) driven by the
Playwright async API against a real Bankdesk server in a subprocess.

Fixtures:
- ``live_server``: one server on a fresh SQLite file, migrated and seeded (5 customers, seed 7), demo mode on.
- ``pg_live_servers``: two servers on one fresh Postgres database (only when BANKDESK_TEST_DATABASE_URL
  points at Postgres), for updates that must cross processes (LISTEN/NOTIFY).
- ``browser`` / ``new_context``: Chromium, headless; each context is a separate browser profile.
- ``guard(page)``: records dialogs, uncaught errors, console errors (a CSP violation is one) and requests
  to any other host, so an attack payload that executes or phones home is seen.
- ``shoot(page, name)``: a screenshot under ``test-artifacts/screenshots/``.
- ``axe(page)``: axe-core (from npm, ``make browser-deps``) run in the page; its serious and critical
  WCAG 2.x A/AA violations.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    async_playwright,
)

from app import db
from tests.app.live_server import LiveServer, server_env
from tests.conftest import PG_ENV, pg_execute, pg_url_for

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("BANKDESK_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SEEDED_CUSTOMERS = 5
SEED = 7
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class Server:
    """A running server: its URL, and tokens and seeded people for arranging a test through the API."""

    live: LiveServer

    @property
    def url(self) -> str:
        return self.live.url

    def people(self) -> dict[str, Any]:
        response = httpx.get(f"{self.url}/v1/demo/people", timeout=10)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def token(self, subject_id: uuid.UUID | str) -> str:
        response = httpx.post(f"{self.url}/v1/demo/tokens/{subject_id}", timeout=10)
        response.raise_for_status()
        return str(response.json()["token"])

    def customer(self, number: int = 1) -> dict[str, Any]:
        """Seeded customer ``number`` (1-based, in the order they joined)."""
        customer: dict[str, Any] = self.people()["customers"][number - 1]
        return customer

    def staff(self, role: str) -> dict[str, Any]:
        staff: dict[str, Any] = next(s for s in self.people()["staff"] if s["role"] == role)
        return staff

    def client(self, subject_id: uuid.UUID | str) -> httpx.Client:
        """An API client signed in as ``subject_id``."""
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.token(subject_id)}"}, timeout=60
        )


def _seed(url: str) -> None:
    from tests.app.live_server import seeded_customers

    asyncio.run(seeded_customers(url, SEEDED_CUSTOMERS, seed=SEED))


@pytest.fixture(scope="session")
def _web_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated and seeded SQLite database to copy for each server."""
    path = tmp_path_factory.mktemp("web") / "template.db"
    url = f"sqlite+aiosqlite:///{path}"
    db.upgrade(url)
    _run_in_thread(_seed, url)  # seeding runs its own event loop, off the test session's loop
    return path


def _run_in_thread(fn: Callable[..., None], *args: Any) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            fn(*args)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def _start(url: str, tmp_path: Path, name: str) -> LiveServer:
    env = server_env(url, tmp_path, BANKDESK_DEMO="true")
    live = LiveServer(env, log_path=tmp_path / f"{name}.log")
    live.start()
    return live


@pytest.fixture
def live_server(_web_template: Path, tmp_path: Path) -> Iterator[Server]:
    path = tmp_path / "web.db"
    shutil.copyfile(_web_template, path)
    live = _start(f"sqlite+aiosqlite:///{path}", tmp_path, "server")
    try:
        yield Server(live)
    finally:
        live.stop()


@pytest.fixture
def pg_live_servers(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    base = os.environ.get(PG_ENV, "")
    if not base.startswith("postgresql"):
        pytest.skip("two app processes share a database only on Postgres (set BANKDESK_TEST_DATABASE_URL)")
    name = f"bankdesk_web_{uuid.uuid4().hex[:10]}"
    pg_execute(base, f'CREATE DATABASE "{name}"')
    url = pg_url_for(base, name)
    servers: list[LiveServer] = []
    try:
        db.upgrade(url)
        _run_in_thread(_seed, url)
        for which in ("a", "b"):
            (tmp_path / which).mkdir()
            servers.append(_start(url, tmp_path / which, f"server-{which}"))
        yield Server(servers[0]), Server(servers[1])
    finally:
        for live in servers:
            live.stop()
        pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium")
    async with async_playwright() as p:
        chromium = await p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            yield chromium
        finally:
            await chromium.close()


NewContext = Callable[..., Awaitable[BrowserContext]]


@pytest.fixture
async def new_context(browser: Browser) -> AsyncIterator[NewContext]:
    """``await new_context(viewport={...})``: a fresh browser profile, closed after the test."""
    contexts: list[BrowserContext] = []

    async def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("locale", "en-GB")
        options.setdefault("timezone_id", "Europe/London")
        context = await browser.new_context(**options)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        await context.close()


@dataclass
class Guard:
    """What a page did that no page of ours should: open dialogs, throw, log errors, call other hosts."""

    origin_hosts: set[str]
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        found = {
            "dialogs": self.dialogs,
            "page errors": self.page_errors,
            "console errors": self.console_errors,
            "requests to other hosts": self.foreign_requests,
        }
        return {name: items for name, items in found.items() if items}

    def assert_clean(self) -> None:
        assert not self.problems(), self.problems()


@pytest.fixture
def guard() -> Callable[[Page], Guard]:
    def attach(page: Page) -> Guard:
        found = Guard(origin_hosts={"127.0.0.1", "localhost"})

        async def on_dialog(dialog: Dialog) -> None:
            found.dialogs.append(f"{dialog.type}: {dialog.message}")
            await dialog.dismiss()

        def on_console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            if message.text.startswith("Failed to load resource"):
                found.http_errors.append(message.text)  # an API refusal the page handles, not a script error
            else:
                found.console_errors.append(message.text)

        def on_request(request: Request) -> None:
            parts = urlsplit(request.url)
            if parts.scheme in ("data", "blob", "about"):
                return
            if parts.hostname not in found.origin_hosts:
                found.foreign_requests.append(request.url)

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda error: found.page_errors.append(str(error)))
        page.on("request", on_request)
        return found

    return attach


@pytest.fixture
def shoot() -> Callable[[Page, str], Awaitable[Path]]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    async def take(page: Page, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        await page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make browser-deps` installs axe-core from npm")
    return AXE.read_text()


@pytest.fixture
def axe(axe_source: str) -> Callable[[Page], Awaitable[list[dict[str, Any]]]]:
    """Serious and critical WCAG A/AA violations on the page as it is now (open shadow roots included).

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the page keeps
    its real policy during the check; ``preload: false`` stops axe copying the stylesheets into <style>
    elements, which that policy refuses (and logs as console errors)."""

    async def check(page: Page) -> list[dict[str, Any]]:
        if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
            await page.evaluate(f"() => {{ {axe_source}\n;window.axe = window.axe || axe; }}")
        violations: list[dict[str, Any]] = await page.evaluate(
            """async (tags) => {
                const options = {runOnly: {type: 'tag', values: tags}, preload: false};
                const result = await window.axe.run(document, options);
                return result.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                                nodes: v.nodes.slice(0, 5).map(
                                    n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
            }""",
            AXE_TAGS,
        )
        return violations

    return check
