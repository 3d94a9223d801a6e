"""The customer chat widget in real Chromium, on the demo bank's page, against a real server and agent.

Covers the lost-card flow with the confirmation buttons, a reload, a dropped stream, attack payloads
(typed, and as a merchant's name on a transaction), staff replies and the opening hours after a handoff,
and keyboard-only use at 375 px with axe-core."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Locator, Page, Route, expect
from sqlalchemy import select

from app.db import create_engine, create_sessionmaker
from app.models import Account, Transaction
from app.models.enums import AccountKind, TransactionStatus
from app.support.hours import DAYS
from tests.browser.conftest import Guard, NewContext, Server

PAYLOADS = Path("/work/shared/data/attacks/payloads")
if not PAYLOADS.exists():  # a checkout beside ../shared
    PAYLOADS = Path(__file__).resolve().parents[3] / "shared" / "data" / "attacks" / "payloads"

Shoot = Callable[..., Awaitable[Path]]
Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]
W = "#bankdesk-chat"  # the widget's host element; Playwright's CSS locators pierce its open shadow root


def widget(page: Page, selector: str, *, has_text: str | None = None) -> Locator:
    return page.locator(f"{W} {selector}", has_text=has_text)


async def sign_in(page: Page, server: Server, number: int = 1) -> str:
    """Sign in on the demo bank's page as seeded customer ``number``; the widget opens."""
    customer = server.customer(number)
    await page.goto(server.url + "/")
    await expect(page.locator(f"#nb-customer option[value='{customer['id']}']")).to_be_attached()
    await page.select_option("#nb-customer", customer["id"])
    await page.click("#nb-demo-form button[type=submit]")
    await expect(page.locator("#nb-name")).to_have_text(customer["full_name"])
    await expect(widget(page, ".bdw-panel")).to_be_visible()
    return str(customer["id"])


async def say(page: Page, text: str) -> None:
    box = widget(page, ".bdw-input")
    await box.fill(text)
    await box.press("Enter")


async def replies(page: Page) -> int:
    return await widget(page, ".bdw-msg--assistant, .bdw-msg--staff").count()


async def say_and_wait(page: Page, text: str) -> Locator:
    """Send ``text`` and wait for the answer (or, while a person has the conversation, its being stored)."""
    before = await replies(page)
    customers = await widget(page, ".bdw-msg--customer[data-id]").count()
    await say(page, text)
    await expect(widget(page, ".bdw-msg--customer[data-id]")).to_have_count(customers + 1, timeout=30_000)
    await expect(widget(page, ".bdw-msg--pending")).to_have_count(0, timeout=30_000)
    if await widget(page, ".bdw-msg--customer.bdw-msg--failed").count():
        raise AssertionError(await widget(page, ".bdw-error").last.inner_text())
    after = await replies(page)
    assert after >= before
    return widget(page, ".bdw-msg--assistant").last


async def assert_no_duplicates(page: Page) -> list[str]:
    ids: list[str] = await widget(page, ".bdw-log [data-id]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.id)"
    )
    assert len(ids) == len(set(ids)), ids
    return ids


# --- 1. lost card, confirmed with the button ---------------------------------------------------------------


async def test_lost_card_confirmed_with_the_button_shows_the_replacement_date(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard], shoot: Shoot
) -> None:
    page = await (await new_context()).new_page()
    found = guard(page)
    await sign_in(page, live_server)
    await expect(widget(page, ".bdw-disclosure")).to_contain_text("AI assistant")
    await expect(widget(page, ".bdw-input")).to_be_focused()

    await say_and_wait(page, "I lost my card, please report it lost")
    if not await widget(page, ".bdw-yes").count():  # several cards: the assistant asks which
        await say_and_wait(page, "1")
    yes = widget(page, ".bdw-yes")
    await expect(yes).to_be_visible()
    await expect(widget(page, ".bdw-confirm")).to_have_attribute("aria-label", re.compile(r"^Confirm: \S"))
    await shoot(page, "widget-confirmation", full_page=False)

    await yes.click()
    done = widget(page, ".bdw-msg--assistant").last
    await expect(done).to_contain_text("reported lost", timeout=30_000)
    await expect(done).to_contain_text("should arrive by")
    await expect(widget(page, ".bdw-confirm")).to_have_count(0)
    await expect(widget(page, ".bdw-msg--customer").last).to_contain_text("Yes")
    await shoot(page, "widget-lost-card-done", full_page=False)
    await assert_no_duplicates(page)
    found.assert_clean()


# --- 2. a reload keeps the conversation --------------------------------------------------------------------


async def test_reload_keeps_the_conversation(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard], shoot: Shoot
) -> None:
    page = await (await new_context()).new_page()
    found = guard(page)
    await sign_in(page, live_server, 2)
    await say_and_wait(page, "What is my balance?")
    await say_and_wait(page, "What are your opening hours?")

    # While the answer is on its way (held back here), the typing indicator shows, for eyes and ears.
    async def slow(route: Route) -> None:
        await asyncio.sleep(1.5)
        await route.continue_()

    await page.route("**/messages", slow)
    await say(page, "What is my balance?")
    await expect(widget(page, ".bdw-typing")).to_be_visible()
    await expect(widget(page, "[role=status]")).to_have_text("The assistant is typing…")
    await expect(widget(page, ".bdw-typing")).to_be_hidden(timeout=30_000)
    await page.unroute("**/messages")
    before = await assert_no_duplicates(page)
    assert len(before) == 6
    texts = await widget(page, ".bdw-msg .bdw-text").all_inner_texts()

    await page.reload()
    await expect(widget(page, ".bdw-panel")).to_be_visible()  # it was open: it opens again
    await expect(widget(page, ".bdw-log [data-id]")).to_have_count(len(before))
    assert await assert_no_duplicates(page) == before
    assert await widget(page, ".bdw-msg .bdw-text").all_inner_texts() == texts
    await expect(page.locator("#nb-name")).to_be_visible()
    await shoot(page, "widget-after-reload", full_page=False)

    # The conversation goes on where it was: the next message lands in the same conversation.
    await say_and_wait(page, "thanks")
    assert len(await assert_no_duplicates(page)) == 8
    found.assert_clean()


# --- 3. a dropped stream resumes with Last-Event-ID: nothing missed, nothing twice -------------------------


def _staff_take_over(server: Server, conversation_id: str) -> tuple[Any, str]:
    agent = server.client(server.staff("agent")["id"])
    queue = agent.get("/v1/handoffs", params={"status": "open"}).json()["items"]
    [handoff] = [h for h in queue if h["conversation_id"] == conversation_id]
    assert agent.post(f"/v1/handoffs/{handoff['id']}/claim").status_code == 200
    return agent, str(handoff["id"])


async def _ask_for_a_person(page: Page) -> str:
    await say_and_wait(page, "I want to speak to a person please")
    await expect(widget(page, ".bdw-notice--status").first).to_be_visible(timeout=30_000)
    conversation_id = await page.evaluate("() => sessionStorage.getItem('bankdesk.widget.conversation')")
    assert conversation_id
    return str(conversation_id)


async def test_a_dropped_stream_resumes_without_duplicates(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard], shoot: Shoot
) -> None:
    context = await new_context()
    page = await context.new_page()
    found = guard(page)
    resumes: list[str | None] = []
    page.on(
        "request",
        lambda r: resumes.append(r.headers.get("last-event-id")) if r.url.endswith("/events") else None,
    )
    await sign_in(page, live_server, 3)
    conversation_id = await _ask_for_a_person(page)
    agent, handoff_id = _staff_take_over(live_server, conversation_id)
    await expect(widget(page, ".bdw-notice", has_text="has joined")).to_be_visible()

    # The network drops: the open stream fails, and what staff write meanwhile is not delivered.
    await context.set_offline(True)
    await expect(widget(page, ".bdw-banner")).to_contain_text("You're offline")
    for text in ("First reply while you were away.", "Second reply while you were away."):
        r = agent.post(f"/v1/handoffs/{handoff_id}/messages", json={"content": text})
        assert r.status_code == 201, r.text
    await shoot(page, "widget-offline", full_page=False)
    assert await widget(page, ".bdw-msg--staff").count() == 0

    await context.set_offline(False)
    staff = widget(page, ".bdw-msg--staff")
    await expect(staff).to_have_count(2, timeout=30_000)
    await expect(widget(page, ".bdw-banner")).to_be_hidden()
    await expect(staff.last).to_contain_text("Second reply while you were away.")
    ids = await assert_no_duplicates(page)
    assert len([i for i in resumes if i]) >= 1, resumes  # the reconnect said where it had got to
    assert resumes[0] is None

    # And live again afterwards, once.
    r = agent.post(f"/v1/handoffs/{handoff_id}/messages", json={"content": "Back online?"})
    await expect(staff).to_have_count(3)
    assert len(await assert_no_duplicates(page)) == len(ids) + 1
    await shoot(page, "widget-resumed", full_page=False)

    # Staff close it; the customer's next question starts a new conversation below the old one.
    r = agent.post(f"/v1/handoffs/{handoff_id}/resolve", json={"reason_code": "answered"})
    assert r.status_code == 200, r.text
    agent.close()
    await expect(widget(page, ".bdw-notice", has_text="closed this conversation")).to_be_visible()
    await say_and_wait(page, "one more thing: what's my balance?")
    await expect(widget(page, ".bdw-msg--assistant").last).to_contain_text("balance")
    fresh = await page.evaluate("() => sessionStorage.getItem('bankdesk.widget.conversation')")
    assert fresh not in (None, conversation_id)
    await expect(staff).to_have_count(3)
    await assert_no_duplicates(page)
    found.assert_clean()


# --- 4. a person joins, replies live, and hands back; opening hours when nobody is on shift ---------------


async def test_handoff_outside_hours_then_staff_reply_and_return(
    after_hours_server: Server, new_context: NewContext, guard: Callable[[Page], Guard], shoot: Shoot
) -> None:
    server = after_hours_server
    page = await (await new_context()).new_page()
    found = guard(page)
    await sign_in(page, server, 4)
    conversation_id = await _ask_for_a_person(page)
    away = widget(page, ".bdw-notice", has_text="away right now")
    await expect(away).to_contain_text("A person will reply when we're back")
    await expect(widget(page, ".bdw-notice", has_text="Our opening hours")).to_contain_text("09:00–17:00")
    await shoot(page, "widget-handoff-after-hours", full_page=False)

    agent, handoff_id = _staff_take_over(server, conversation_id)
    await expect(widget(page, ".bdw-notice", has_text="has joined")).to_be_visible()
    r = agent.post(
        f"/v1/handoffs/{handoff_id}/messages", json={"content": "Hello, I'm **Sam**. How can I help?"}
    )
    assert r.status_code == 201
    staff = widget(page, ".bdw-msg--staff")
    await expect(staff).to_have_count(1)
    await expect(staff.locator("strong")).to_have_text("Sam")
    await expect(staff.locator(".bdw-who")).to_have_text("Northbank team")
    # The screen reader hears it.
    await expect(widget(page, "[aria-live=polite]")).to_contain_text("Northbank team: Hello")
    # With the chat closed, the launcher counts what came in.
    await widget(page, ".bdw-close").click()
    r = agent.post(f"/v1/handoffs/{handoff_id}/messages", json={"content": "Are you still there?"})
    assert r.status_code == 201
    await expect(widget(page, ".bdw-badge")).to_have_text("1, 1 new message")
    await shoot(page, "widget-unread-badge", full_page=False)
    await widget(page, ".bdw-launcher").click()
    await expect(widget(page, ".bdw-badge")).to_be_hidden()
    await expect(staff).to_have_count(2)

    assert agent.post(f"/v1/handoffs/{handoff_id}/return", json={}).status_code == 200
    await expect(widget(page, ".bdw-notice", has_text="back with the AI assistant")).to_be_visible()
    agent.close()
    before = await replies(page)
    await say_and_wait(page, "what's my balance?")
    await expect(widget(page, ".bdw-msg--assistant, .bdw-msg--staff")).to_have_count(before + 1)
    await shoot(page, "widget-returned", full_page=False)
    await assert_no_duplicates(page)
    found.assert_clean()


@pytest.fixture
def after_hours_server(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Server:
    """A server whose team works only on a weekday three days from today: closed now, whatever the time."""
    day = (datetime.now(ZoneInfo("Europe/London")).weekday() + 3) % 7
    monkeypatch.setenv("BANKDESK_SUPPORT_HOURS", f"{DAYS[day]} 09:00-17:00")
    monkeypatch.setenv("BANKDESK_SUPPORT_HOLIDAYS", "")
    server: Server = request.getfixturevalue("live_server")
    return server


# --- 5. attack payloads never execute ----------------------------------------------------------------------


def _payloads() -> list[str]:
    found: list[str] = []
    for path in sorted(PAYLOADS.glob("*.json")):
        found += json.loads(path.read_text())["payloads"]
    assert len(found) > 20
    return found


async def _seed_merchant(server: Server, customer_id: str, merchants: list[str]) -> None:
    """Transactions whose merchant names are attacks, booked just now on the customer's current account."""
    engine = create_engine(server.live.env["BANKDESK_DATABASE_URL"])
    try:
        async with create_sessionmaker(engine)() as session:
            account = await session.scalar(
                select(Account).where(
                    Account.customer_id == uuid.UUID(customer_id), Account.kind == AccountKind.current
                )
            )
            assert account is not None
            for minutes, merchant in enumerate(merchants):
                session.add(
                    Transaction(
                        account_id=account.id,
                        amount_minor=-1234 - minutes,
                        currency=account.currency,
                        merchant=merchant[:120],
                        description=merchant[:500],
                        category="shopping",
                        status=TransactionStatus.posted,
                        booked_at=datetime.now(UTC),
                    )
                )
            await session.commit()
    finally:
        await engine.dispose()


async def _nothing_ran(page: Page) -> None:
    log = widget(page, ".bdw-log")
    for dangerous in ("script", "img", "iframe", "object", "embed", "svg", "[onerror]", "[style]"):
        assert await log.locator(dangerous).count() == 0, dangerous
    hrefs: list[str] = await log.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert all(h.startswith(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2]) for h in hrefs), hrefs
    assert await page.evaluate("() => window.__pwned === undefined")


async def test_attack_payloads_render_as_text_and_never_execute(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard], shoot: Shoot
) -> None:
    # Payloads as merchants' names, read back by the assistant in a transaction listing.
    merchant_attacks = [
        "<img src=x onerror=alert(1)>",
        "<script>alert('merchant')</script>",
        "[Refund](javascript:alert(1)) **Shop**",
        "![x](https://evil.example/pixel.png)",
    ]
    await _seed_merchant(live_server, live_server.customer(5)["id"], merchant_attacks)
    page = await (await new_context()).new_page()
    found = guard(page)
    await sign_in(page, live_server, 5)
    listing = await (await say_and_wait(page, "show my recent transactions")).inner_text()
    assert "onerror" in listing, listing
    await _nothing_ran(page)
    await shoot(page, "widget-merchant-attack", full_page=False)

    # Every payload typed as a message.
    payloads = _payloads()
    for payload in payloads:
        await say_and_wait(page, payload)
    customer_texts = await widget(page, ".bdw-msg--customer .bdw-text").all_inner_texts()
    # What was typed is shown as typed (the server stores it as text; only card numbers would be masked).
    assert [t.strip() for t in customer_texts[1:]] == [p.strip() for p in payloads]
    await _nothing_ran(page)
    await shoot(page, "widget-attack-payloads", full_page=False)

    # And again when the whole history is loaded from the API after a reload.
    shown = await widget(page, ".bdw-log [data-id]").count()
    await page.reload()
    await expect(widget(page, ".bdw-log [data-id]")).to_have_count(shown)
    await _nothing_ran(page)
    await assert_no_duplicates(page)
    found.assert_clean()


# --- 6. keyboard only, 375 px wide, axe --------------------------------------------------------------------

FOCUSED = """() => {
    let node = document.activeElement;
    while (node && node.shadowRoot && node.shadowRoot.activeElement) node = node.shadowRoot.activeElement;
    return node ? (node.id || node.className || node.tagName) : null;
}"""


async def tab_to(page: Page, target: str, *, back: bool = False, limit: int = 25) -> None:
    """Press Tab (or Shift+Tab) until the focused element's id or class contains ``target``."""
    seen = []
    for _ in range(limit):
        await page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = await page.evaluate(FOCUSED)
        seen.append(focused)
        if focused and target in focused:
            return
    raise AssertionError(f"{target} not reached by keyboard; focus went {seen}")


async def no_violations(page: Page, axe: Axe) -> None:
    violations = await axe(page)
    assert violations == [], json.dumps(violations, indent=1)


def without_axe_noise(found: Guard) -> Guard:
    """axe's own probes set inline styles, which the page's CSP refuses and logs; those console errors are
    not the page's (the other tests, which run no axe, hold the widget to a clean console)."""
    found.console_errors = [e for e in found.console_errors if not e.startswith("Applying inline style")]
    return found


async def test_keyboard_only_at_375px_with_no_serious_accessibility_violations(
    live_server: Server,
    new_context: NewContext,
    guard: Callable[[Page], Guard],
    shoot: Shoot,
    axe: Axe,
) -> None:
    page = await (await new_context(viewport={"width": 375, "height": 740})).new_page()
    found = guard(page)
    await page.goto(live_server.url + "/")
    await expect(page.locator("#nb-customer option").first).to_have_attribute("value", re.compile(r"\S"))
    await no_violations(page, axe)
    await shoot(page, "widget-375-closed", full_page=False)

    # Sign in with the keyboard (the demo bank's login); the chat opens with the focus in its input.
    await tab_to(page, "nb-customer")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await expect(widget(page, ".bdw-panel")).to_be_visible()
    await expect(widget(page, ".bdw-input")).to_be_focused()
    box = await widget(page, ".bdw-panel").bounding_box()
    assert box is not None
    assert box["width"] <= 375
    assert box["x"] >= 0

    await page.keyboard.type("I lost my card, please report it lost")
    await page.keyboard.press("Enter")
    await expect(widget(page, ".bdw-msg--assistant")).to_have_count(1, timeout=30_000)
    if not await widget(page, ".bdw-yes").count():
        await page.keyboard.type("1")
        await page.keyboard.press("Enter")
    await expect(widget(page, ".bdw-yes")).to_be_visible(timeout=30_000)
    await no_violations(page, axe)
    await shoot(page, "widget-375-confirmation", full_page=False)

    # The Yes button is reachable backwards from the input, and Enter presses it.
    await tab_to(page, "bdw-yes", back=True, limit=6)
    await page.keyboard.press("Enter")
    await expect(widget(page, ".bdw-msg--assistant").last).to_contain_text("should arrive by", timeout=30_000)
    await expect(widget(page, ".bdw-input")).to_be_focused()
    # A screen reader was told.
    await expect(widget(page, "[aria-live=polite]")).to_contain_text("Assistant: Done")

    # Escape closes and gives the focus back to the launcher; Enter opens again, focus in the input.
    await page.keyboard.press("Escape")
    await expect(widget(page, ".bdw-panel")).to_be_hidden()
    await expect(widget(page, ".bdw-launcher")).to_be_focused()
    await expect(widget(page, ".bdw-launcher")).to_have_attribute("aria-expanded", "false")
    await page.keyboard.press("Enter")
    await expect(widget(page, ".bdw-input")).to_be_focused()
    await tab_to(page, "bdw-send")
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= 375
    await no_violations(page, axe)
    await shoot(page, "widget-375-done", full_page=False)
    without_axe_noise(found).assert_clean()


# --- 7. the Markdown subset ------------------------------------------------------------------------------

LINK = '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>'
MARKDOWN_CASES = [
    ("**Done**: card ****1234 and ****5678", "<p><strong>Done</strong>: card ****1234 and ****5678</p>"),
    (
        "- one\n- two\n\n1. first\n2. second",
        "<ul><li>one</li><li>two</li></ul>" + "<ol><li>first</li><li>second</li></ol>",
    ),
    ("3) third\n4) fourth", '<ol start="3"><li>third</li><li>fourth</li></ol>'),
    ("Paid -£56.59\nthen more", "<p>Paid -£56.59<br>then more</p>"),
    ("-£5 is not an item", "<p>-£5 is not an item</p>"),
    ("<b>hi</b> <script>x()</script>", "<p>&lt;b&gt;hi&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;</p>"),
    ("[bad](javascript:alert`1`)", "<p>bad</p>"),
    ("[bad](JaVaScRiPt:alert`1`)", "<p>bad</p>"),
    ("[bad](data:text/html;base64,PHNjcmlwdD4=)", "<p>bad</p>"),
    ("[bad](https://evil.example/login)", "<p>bad</p>"),
    ("[bad](//evil.example/login)", "<p>bad</p>"),
    ("[bad](https://user:pw@evil.example/)", "<p>bad</p>"),
    ("![pixel](https://evil.example/p.png)", "<p>pixel</p>"),
    ("![own](/static/widget.css)", "<p>own</p>"),
    (
        "[Help](https://help.northbank.example/cards)",
        "<p>" + LINK.format("https://help.northbank.example/cards", "Help") + "</p>",
    ),
    (
        "[Cards](/help/cards)",
        "<p>" + LINK.format("{origin}/help/cards", "Cards") + "</p>",
    ),
]


async def test_a_host_page_hands_over_the_token_by_event(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard]
) -> None:
    page = await (await new_context()).new_page()
    found = guard(page)
    await page.goto(live_server.url + "/")
    await widget(page, ".bdw-launcher").click()
    await expect(widget(page, ".bdw-signin")).to_be_visible()  # nobody signed in: nothing to send with
    await expect(widget(page, ".bdw-input")).to_be_disabled()
    token = live_server.token(live_server.customer(2)["id"])
    await page.evaluate(
        "(token) => document.dispatchEvent(new CustomEvent('bankdesk:token', {detail: {token}}))", token
    )
    await expect(widget(page, ".bdw-signin")).to_be_hidden()
    await say_and_wait(page, "hello")
    assert token not in page.url
    await page.evaluate("() => document.dispatchEvent(new CustomEvent('bankdesk:token', {detail: {}}))")
    await expect(widget(page, ".bdw-signin")).to_be_visible()
    await expect(widget(page, ".bdw-log [data-id]")).to_have_count(0)
    assert await page.evaluate("() => sessionStorage.getItem('bankdesk.token.customer')") is None
    found.assert_clean()


async def test_markdown_subset_builds_only_safe_nodes(live_server: Server, new_context: NewContext) -> None:
    page = await (await new_context()).new_page()
    await page.goto(live_server.url + "/")
    rendered: list[str] = await page.evaluate(
        """async (cases) => {
            const { renderMarkdown } = await import('/static/markdown.js');
            return cases.map((text) => {
                const box = document.createElement('div');
                box.append(renderMarkdown(text, { linkOrigins: ['https://help.northbank.example'] }));
                return box.innerHTML;
            });
        }""",
        [text for text, _ in MARKDOWN_CASES],
    )
    expected = [html.replace("{origin}", live_server.url) for _, html in MARKDOWN_CASES]
    assert rendered == expected


# --- 8. two app processes on one Postgres database ---------------------------------------------------------


async def test_staff_reply_written_through_another_process_arrives_live(
    pg_live_servers: tuple[Server, Server],
    new_context: NewContext,
    guard: Callable[[Page], Guard],
    shoot: Shoot,
) -> None:
    """The widget's stream is served by one process; staff write through the other (LISTEN/NOTIFY)."""
    widget_server, console_server = pg_live_servers
    page = await (await new_context()).new_page()
    found = guard(page)
    await sign_in(page, widget_server, 1)
    conversation_id = await _ask_for_a_person(page)
    agent, handoff_id = _staff_take_over(console_server, conversation_id)
    await expect(widget(page, ".bdw-notice", has_text="has joined")).to_be_visible()
    r = agent.post(f"/v1/handoffs/{handoff_id}/messages", json={"content": "Hello from the other process."})
    assert r.status_code == 201, r.text
    await expect(widget(page, ".bdw-msg--staff")).to_have_text(re.compile("Hello from the other process."))
    assert agent.post(f"/v1/handoffs/{handoff_id}/return", json={}).status_code == 200
    await expect(widget(page, ".bdw-notice", has_text="back with the AI assistant")).to_be_visible()
    agent.close()
    await assert_no_duplicates(page)
    await shoot(page, "widget-two-processes", full_page=False)
    found.assert_clean()
