"""The staff handoff console in real Chromium, against real servers and the real agent.

(a) a customer asks for a person in the widget; a member of staff claims it in a second browser profile,
    replies (the customer sees it live), leaves a private note, and returns the conversation with a note
    for the assistant, which then answers the customer's next message;
(b) the same with two app processes on one Postgres database: the widget on one, the console on the other;
(c) attack payloads written by staff (replies and notes), sent by the customer and planted as merchants'
    names never execute in the console;
(d) keyboard-only use, and axe-core finds no serious or critical violation.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import BrowserContext, Locator, Page, Route, expect
from sqlalchemy import select

from app.db import create_engine, create_sessionmaker
from app.models import Account, Dispute, Handoff, Transaction
from app.models.enums import DisputeStatus, HandoffPriority, TransactionStatus
from tests.browser.conftest import Guard, NewContext, Server

PAYLOADS_DIR = Path("/work/shared/data/attacks/payloads")
if not PAYLOADS_DIR.exists():  # a checkout beside ../shared
    PAYLOADS_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "attacks" / "payloads"

Shoot = Callable[..., Awaitable[Path]]
Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]
W = "#bankdesk-chat"  # the widget's host element; Playwright's CSS locators pierce its open shadow root
LIVE = 15_000  # ms: a live update arrives far sooner; the streams' poll fallback is 15 s
# Focus that moves after a request (sign in, open, claim, send) waits as long too: on a loaded 2-core
# machine a claim once took over Playwright's default 5 s, and the check failed on the wait, not on focus.


def payloads() -> list[str]:
    found: list[str] = []
    for path in sorted(PAYLOADS_DIR.glob("*.json")):
        found.extend(json.loads(path.read_text())["payloads"])
    assert len(found) > 20, PAYLOADS_DIR
    return found


# --- the customer's side (the widget on the demo bank's page) ----------------------------------------------


def widget(page: Page, selector: str) -> Locator:
    return page.locator(f"{W} {selector}")


async def customer_signs_in(page: Page, server: Server, number: int = 1) -> dict[str, Any]:
    customer = server.customer(number)
    await page.goto(server.url + "/")
    await expect(page.locator(f"#nb-customer option[value='{customer['id']}']")).to_be_attached()
    await page.select_option("#nb-customer", customer["id"])
    await page.click("#nb-demo-form button[type=submit]")
    await expect(widget(page, ".bdw-panel")).to_be_visible()
    return customer


async def customer_says(page: Page, text: str) -> None:
    before = await widget(page, ".bdw-msg--customer[data-id]").count()
    box = widget(page, ".bdw-input")
    await box.fill(text)
    await box.press("Enter")
    await expect(widget(page, ".bdw-msg--customer[data-id]")).to_have_count(before + 1, timeout=30_000)
    await expect(widget(page, ".bdw-msg--pending")).to_have_count(0, timeout=30_000)


# --- the staff side (the console) --------------------------------------------------------------------------


async def staff_signs_in(page: Page, server: Server, role: str = "agent") -> dict[str, Any]:
    staff = server.staff(role)
    await page.goto(server.url + "/console")
    await expect(page.locator(f"#bd-demo-person option[value='{staff['id']}']")).to_be_attached()
    await page.select_option("#bd-demo-person", staff["id"])
    await page.click("#bd-demo-form button[type=submit]")
    await expect(page.locator("#bd-who-name")).to_contain_text(staff["full_name"])
    await expect(page.locator("#bd-conn")).to_have_text("Live")
    return staff


def queue_item(page: Page, customer_name: str) -> Locator:
    return page.locator(".bd-queue__item", has_text=customer_name)


async def open_handoff(page: Page, customer_name: str) -> None:
    await queue_item(page, customer_name).first.click(timeout=LIVE)
    await expect(page.locator("#bd-handoff-title")).to_contain_text(customer_name)
    await expect(page.locator("#bd-handoff-title")).to_be_focused(timeout=LIVE)


async def claim(page: Page) -> None:
    await page.get_by_role("button", name="Claim this handoff").click()
    await expect(page.locator("#bd-reply-text")).to_be_focused(timeout=LIVE)
    await expect(page.locator(".bd-handoff__status")).to_contain_text("held by you")


async def refused(page: Page) -> str:
    """The console's error message, if it shows one (for the assertion message of a failed step)."""
    alert = page.locator("#bd-handoff-body [role=alert]")
    return await alert.first.inner_text() if await alert.count() else ""


async def staff_replies(page: Page, text: str) -> None:
    before = await page.locator(".bd-msg--staff").count()
    await page.fill("#bd-reply-text", text)
    await page.get_by_role("button", name="Send reply").click()
    try:
        await expect(page.locator(".bd-msg--staff")).to_have_count(before + 1, timeout=LIVE)
    except AssertionError as exc:
        raise AssertionError(f"reply not shown; the console says: {await refused(page)!r}") from exc
    await expect(page.locator("#bd-reply-text")).to_have_value("")


async def staff_notes(page: Page, text: str) -> None:
    before = await page.locator(".bd-note").count()
    await page.fill("#bd-note-text", text)
    await page.get_by_role("button", name="Add note").click()
    try:
        await expect(page.locator(".bd-note")).to_have_count(before + 1, timeout=LIVE)
    except AssertionError as exc:
        raise AssertionError(f"note not shown; the console says: {await refused(page)!r}") from exc
    await expect(page.locator("#bd-note-text")).to_have_value("")


async def return_to_assistant(page: Page, note: str) -> None:
    await page.locator("summary", has_text="Return to the assistant").click()
    await page.fill("#bd-return-note", note)
    await page.get_by_role("button", name="Return to the assistant").click()
    await expect(page.locator(".bd-handoff__status")).to_contain_text("Back with the assistant")


async def hand_off_and_handle(
    customer_page: Page,
    staff_page: Page,
    customer_server: Server,
    staff_server: Server,
    shoot: Shoot,
    tag: str,
) -> None:
    """Scenario (a), with the widget served by ``customer_server`` and the console by ``staff_server``."""
    customer = await customer_signs_in(customer_page, customer_server)
    await staff_signs_in(staff_page, staff_server)
    await expect(staff_page.locator("#bd-queue-empty")).to_be_visible()

    await customer_says(customer_page, "I'd like to speak to a person please")
    await expect(widget(customer_page, ".bdw-log")).to_contain_text("member of our team", timeout=LIVE)

    # The new handoff arrives in the console's queue without a reload, and is announced.
    await expect(queue_item(staff_page, customer["full_name"])).to_be_visible(timeout=LIVE)
    await expect(staff_page.locator("#bd-announce")).to_contain_text(customer["full_name"], timeout=LIVE)
    countdown = queue_item(staff_page, customer["full_name"]).locator(".bd-sla")
    await expect(countdown).to_contain_text("due in")
    await expect(countdown).not_to_have_text(await countdown.inner_text(), timeout=3_000)  # it ticks
    await open_handoff(staff_page, customer["full_name"])
    await expect(staff_page.locator(".bd-msg--customer").first).to_contain_text("speak to a person")
    await expect(staff_page.locator(".bd-trace").first).to_contain_text("Outcome")
    await expect(staff_page.locator(".bd-context")).to_contain_text("ending")
    await claim(staff_page)
    await shoot(staff_page, f"console-{tag}-claimed")

    reply = "Hello, this is the Northbank team. I can see your accounts: how can I help?"
    await staff_replies(staff_page, reply)
    # Live in the customer's widget: no reload, no new message from the customer.
    await expect(widget(customer_page, ".bdw-msg--staff")).to_contain_text(reply, timeout=LIVE)
    await staff_notes(staff_page, "Customer sounded in a hurry; checked identity in the chat.")
    await expect(widget(customer_page, ".bdw-log")).not_to_contain_text("checked identity")

    # The customer answers; the console shows it live.
    await customer_says(customer_page, "Thanks, I just wanted to check my balance is right")
    await expect(staff_page.locator(".bd-msg--customer").last).to_contain_text(
        "balance is right", timeout=LIVE
    )

    await return_to_assistant(staff_page, "Customer wants their balance confirmed; nothing else outstanding.")
    await shoot(staff_page, f"console-{tag}-returned")
    # The assistant is back: it answers the customer's next message.
    assistant_before = await widget(customer_page, ".bdw-msg--assistant").count()
    await customer_says(customer_page, "what's my balance?")
    await expect(widget(customer_page, ".bdw-msg--assistant")).to_have_count(
        assistant_before + 1, timeout=30_000
    )
    await expect(widget(customer_page, ".bdw-msg--assistant").last).to_contain_text("£")
    await expect(widget(customer_page, ".bdw-log")).not_to_contain_text("nothing else outstanding")
    # ...and the console's view of the (returned) handoff follows the conversation live.
    await expect(staff_page.locator(".bd-msg--assistant").last).to_contain_text("£", timeout=LIVE)
    await shoot(customer_page, f"console-{tag}-widget-after-return")


async def test_staff_claim_reply_and_return_while_the_customer_watches_live(
    live_server: Server,
    new_context: NewContext,
    guard: Callable[[Page], Guard],
    shoot: Shoot,
) -> None:
    customer_page = await (await new_context()).new_page()
    staff_page = await (await new_context()).new_page()
    found = [guard(customer_page), guard(staff_page)]
    await hand_off_and_handle(customer_page, staff_page, live_server, live_server, shoot, "sqlite")
    for g in found:
        g.assert_clean()


async def test_the_same_across_two_app_processes_on_postgres(
    pg_live_servers: tuple[Server, Server],
    new_context: NewContext,
    guard: Callable[[Page], Guard],
    shoot: Shoot,
) -> None:
    widget_server, console_server = pg_live_servers
    customer_page = await (await new_context()).new_page()
    staff_page = await (await new_context()).new_page()
    found = [guard(customer_page), guard(staff_page)]
    await hand_off_and_handle(customer_page, staff_page, widget_server, console_server, shoot, "postgres")
    for g in found:
        g.assert_clean()


async def test_a_second_member_of_staff_is_told_who_claimed_first(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard], shoot: Shoot
) -> None:
    customer = live_server.customer(2)
    with live_server.client(customer["id"]) as client:
        cid = client.post("/v1/conversations").json()["id"]
        r = client.post(f"/v1/conversations/{cid}/messages", json={"content": "I want to talk to a human"})
        assert r.json()["kind"] == "handoff", r.text
    staff = [s for s in live_server.people()["staff"] if s["role"] == "agent"][:2]
    pages: list[Page] = []
    for member in staff:
        page = await (await new_context()).new_page()
        pages.append(page)
        await page.goto(live_server.url + "/console")
        await expect(page.locator(f"#bd-demo-person option[value='{member['id']}']")).to_be_attached()
        await page.select_option("#bd-demo-person", member["id"])
        await page.click("#bd-demo-form button[type=submit]")
        if member is staff[1]:
            # The second's live view of the handoff is cut off, so its screen still offers the claim after
            # the first has taken it: the moment two people click at once.
            await page.route("**/v1/handoffs/*/stream", lambda route: route.abort())
        await open_handoff(page, customer["full_name"])
    found = [guard(p) for p in pages]
    first, second = pages
    await claim(first)
    await second.get_by_role("button", name="Claim this handoff").click()
    alert = second.locator("#bd-handoff-body [role=alert]")
    await expect(alert).to_contain_text(f"{staff[0]['full_name']} claimed this handoff first")
    await expect(alert).to_contain_text("no longer in the open queue")
    await shoot(second, "console-claim-conflict")
    await expect(first.locator(".bd-handoff__status")).to_contain_text("held by you")
    for g in found:
        g.assert_clean()


async def set_priority(server: Server, conversation_id: str, priority: str, due_in: timedelta) -> None:
    """Make a handoff urgent or overdue (as if it had waited), straight in the database."""
    engine = create_engine(server.live.env["BANKDESK_DATABASE_URL"])
    try:
        async with create_sessionmaker(engine)() as session:
            handoff = await session.scalar(
                select(Handoff).where(Handoff.conversation_id == uuid.UUID(conversation_id))
            )
            assert handoff is not None
            handoff.priority = HandoffPriority(priority)
            handoff.sla_due_at = datetime.now(UTC) + due_in
            await session.commit()
    finally:
        await engine.dispose()


async def test_a_supervisor_sees_the_team_queue_and_reassigns(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard], shoot: Shoot
) -> None:
    customers = [live_server.customer(n) for n in (1, 2, 3)]
    conversations = []
    for customer in customers:
        with live_server.client(customer["id"]) as client:
            cid = client.post("/v1/conversations").json()["id"]
            r = client.post(f"/v1/conversations/{cid}/messages", json={"content": "can I talk to a person?"})
            assert r.json()["kind"] == "handoff", r.text
            conversations.append(cid)
    await set_priority(live_server, conversations[1], "urgent", timedelta(minutes=-3))  # overdue
    await set_priority(live_server, conversations[2], "high", timedelta(minutes=40))
    agents = [s for s in live_server.people()["staff"] if s["role"] == "agent"][:2]
    with live_server.client(agents[0]["id"]) as client:
        hid = next(
            h["id"]
            for h in client.get("/v1/handoffs").json()["items"]
            if h["conversation_id"] == conversations[0]
        )
        assert client.post(f"/v1/handoffs/{hid}/claim").status_code == 200

    page = await (await new_context()).new_page()
    found = guard(page)
    await staff_signs_in(page, live_server, role="supervisor")
    items = page.locator(".bd-queue__item")
    await expect(items).to_have_count(3)
    # Most urgent first: the overdue urgent one, the high one, then the normal one (claimed by an agent).
    await expect(items.nth(0)).to_contain_text(customers[1]["full_name"])
    await expect(items.nth(0).locator(".bd-sla")).to_contain_text("overdue by")
    await expect(items.nth(1)).to_contain_text(customers[2]["full_name"])
    await expect(items.nth(2)).to_contain_text(f"Held by {agents[0]['full_name']}")
    await shoot(page, "console-team-queue", full_page=False)

    await open_handoff(page, customers[0]["full_name"])
    await page.locator("summary", has_text="Reassign").click()
    await page.select_option("#bd-assign-to", agents[1]["id"])
    await page.get_by_role("button", name="Assign").click()
    await expect(page.locator(".bd-handoff__status")).to_contain_text(f"held by {agents[1]['full_name']}")
    await expect(items.nth(2)).to_contain_text(f"Held by {agents[1]['full_name']}", timeout=LIVE)
    await expect(page.locator("#bd-announce")).to_contain_text(f"Assigned to {agents[1]['full_name']}")
    with live_server.client(agents[1]["id"]) as client:
        mine = [h for h in client.get("/v1/handoffs").json()["items"] if h["assignee_id"] == agents[1]["id"]]
    assert [h["conversation_id"] for h in mine] == [conversations[0]]
    # On a narrow screen the columns stack, with nothing wider than the window.
    await page.set_viewport_size({"width": 720, "height": 900})
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= 720
    await shoot(page, "console-narrow")
    found.assert_clean()


# --- (c) attack payloads -----------------------------------------------------------------------------------


async def plant_merchants(server: Server, customer_id: str, names: list[str]) -> None:
    """Disputed transactions whose merchant names are attack payloads (as if the card network sent them)."""
    database_url = server.live.env["BANKDESK_DATABASE_URL"]
    engine = create_engine(database_url)
    try:
        factory = create_sessionmaker(engine)
        async with factory() as session:
            account = await session.scalar(
                select(Account).where(Account.customer_id == uuid.UUID(customer_id))
            )
            assert account is not None
            for i, name in enumerate(names):
                txn = Transaction(
                    account_id=account.id,
                    amount_minor=-(1000 + i),
                    currency=account.currency,
                    merchant=name[:120],
                    description=name[:500],
                    category="shopping",
                    status=TransactionStatus.posted,
                    booked_at=datetime.now(UTC) - timedelta(days=1),
                )
                session.add(txn)
                await session.flush()
                session.add(
                    Dispute(
                        customer_id=account.customer_id,
                        transaction_id=txn.id,
                        reason=name[:500],
                        status=DisputeStatus.open,
                    )
                )
            await session.commit()
    finally:
        await engine.dispose()


async def test_attack_payloads_never_execute_in_the_console(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard], shoot: Shoot
) -> None:
    attacks = payloads()
    customer = live_server.customer(3)
    html_attacks = [p for p in attacks if "<" in p][:10]
    await plant_merchants(live_server, customer["id"], html_attacks)
    with live_server.client(customer["id"]) as client:
        cid = client.post("/v1/conversations").json()["id"]
        r = client.post(
            f"/v1/conversations/{cid}/messages", json={"content": "Please put me through to a person"}
        )
        assert r.json()["kind"] == "handoff", r.text
        for text in attacks:  # while a person has the conversation, the customer's messages are stored
            r = client.post(f"/v1/conversations/{cid}/messages", json={"content": text})
            assert r.status_code == 201, r.text

    page = await (await new_context()).new_page()
    found = guard(page)
    await staff_signs_in(page, live_server)
    await open_handoff(page, customer["full_name"])
    await claim(page)
    for text in attacks:
        await staff_replies(page, text)
        await staff_notes(page, text)
    await page.wait_for_timeout(500)  # anything that were to run on insertion has had its chance

    # Every payload is on screen as the text that was written, and none became markup.
    body = page.locator("#bd-handoff-body")
    shown = await body.inner_text()
    for text in ("<script>alert(1)</script>", '"onerror="alert(1)', "javascript:prompt(document.cookie)"):
        assert text in shown, text
    assert await body.locator("script, img, iframe, object, embed, a, svg, style").count() == 0
    assert await page.evaluate("() => document.cookie") == ""
    await expect(page.locator(".bd-context")).to_contain_text("<script>alert(1)</script>")
    await shoot(page, "console-attack-payloads", full_page=False)
    # Reloading renders everything again from the API (a second chance for a stored payload): still inert.
    await page.reload()
    await open_handoff(page, customer["full_name"])
    await expect(page.locator(".bd-note")).to_have_count(len(attacks))
    await page.wait_for_timeout(500)
    found.assert_clean()


# --- (d) keyboard and accessibility ------------------------------------------------------------------------


async def checked(axe: Axe, page: Page, found: Guard) -> list[dict[str, Any]]:
    """axe's violations. axe-core copies the page's stylesheets into <style> elements to read them (its CSSOM
    preload), which this page's CSP refuses; those refusals, logged while axe runs, are axe's, not the
    page's, and are left out of the guard (everything before and after is still checked)."""
    found.assert_clean()
    before = len(found.console_errors)
    violations = await axe(page)
    await page.wait_for_timeout(300)  # console messages arrive a little after the evaluation returns
    during = found.console_errors[before:]
    del found.console_errors[before:]
    found.console_errors.extend(e for e in during if "Applying inline style violates" not in e)
    return violations


async def tab_to(page: Page, selector: str, *, limit: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has focus (fails after ``limit`` presses)."""
    target = page.locator(selector).first
    for _ in range(limit):
        if await target.evaluate("node => node === document.activeElement"):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"never reached {selector} with the keyboard")


async def test_keyboard_only_and_axe(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard], shoot: Shoot, axe: Axe
) -> None:
    customer = live_server.customer(4)
    with live_server.client(customer["id"]) as client:
        cid = client.post("/v1/conversations").json()["id"]
        client.post(f"/v1/conversations/{cid}/messages", json={"content": "what's my balance?"})
        r = client.post(
            f"/v1/conversations/{cid}/messages", json={"content": "can I speak to someone please"}
        )
        assert r.json()["kind"] == "handoff", r.text
    supervisor = live_server.staff("supervisor")
    context: BrowserContext = await new_context()
    page = await context.new_page()
    found = guard(page)
    await page.goto(live_server.url + "/console")
    await expect(page.locator(f"#bd-demo-person option[value='{supervisor['id']}']")).to_be_attached()
    assert await checked(axe, page, found) == [], "sign-in"
    await shoot(page, "console-signin")

    # Sign in with the keyboard: the skip link, the picker, the button.
    await page.keyboard.press("Tab")
    await expect(page.locator(".bd-skip")).to_be_focused()
    await tab_to(page, "#bd-demo-person")
    await page.select_option("#bd-demo-person", supervisor["id"])  # a select's value by keyboard is native
    await page.keyboard.press("Tab")
    await expect(page.locator("#bd-demo-form button[type=submit]")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("#bd-queue-title")).to_be_focused(timeout=LIVE)

    # To the handoff in the queue, open it, claim it, reply: all with the keyboard.
    await tab_to(page, f".bd-queue__item:has-text('{customer['full_name']}')")
    await page.keyboard.press("Enter")
    # Loaded, and the focus on its title (a Tab pressed while it loads must not be undone by the load).
    await expect(page.locator("#bd-handoff-title")).to_contain_text(customer["full_name"], timeout=LIVE)
    await expect(page.locator("#bd-handoff-title")).to_be_focused(timeout=LIVE)
    await tab_to(page, "button:has-text('Claim this handoff')")
    await page.keyboard.press("Enter")
    await expect(page.locator("#bd-reply-text")).to_be_focused(timeout=LIVE)
    await page.keyboard.type("Sorry to hear that. I have frozen the card for you.")
    await page.keyboard.press("Control+Enter")
    await expect(page.locator(".bd-msg--staff")).to_contain_text("frozen the card", timeout=LIVE)
    await expect(page.locator("#bd-reply-text")).to_be_focused(timeout=LIVE)
    await expect(page.locator("#bd-announce")).to_contain_text("Reply sent", timeout=LIVE)

    # Resolve with a reason code, by keyboard.
    await tab_to(page, "summary:has-text('Resolve')")
    await page.keyboard.press("Enter")
    await tab_to(page, "#bd-resolve-code")
    await page.select_option("#bd-resolve-code", "action_taken")
    await tab_to(page, "button:has-text('Resolve handoff')")
    await page.keyboard.press("Enter")
    await expect(page.locator(".bd-handoff__status")).to_contain_text("Resolved")
    await expect(page.locator(".bd-handoff__status")).to_contain_text("Action taken")

    # The team view with a claimed handoff open: no serious violations either.
    with live_server.client(customer["id"]) as client:
        cid = client.post("/v1/conversations").json()["id"]
        r = client.post(f"/v1/conversations/{cid}/messages", json={"content": "I need a person, please"})
        assert r.json()["kind"] == "handoff", r.text
    await open_handoff(page, customer["full_name"])
    await page.get_by_role("button", name="Claim this handoff").click()
    await page.locator("summary", has_text="Reassign").click()
    await shoot(page, "console-supervisor")
    assert await checked(axe, page, found) == [], "workspace"
    found.assert_clean()


async def test_a_keyboard_user_who_moves_on_while_a_handoff_loads_keeps_the_focus(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard]
) -> None:
    """On a slow connection the handoff's actions appear only with its detail, and the load never
    pulls the focus back from where the user moved it (a key pressed on a Claim button that then
    lost the focus would go nowhere)."""
    customer = live_server.customer(5)
    with live_server.client(customer["id"]) as client:
        cid = client.post("/v1/conversations").json()["id"]
        r = client.post(f"/v1/conversations/{cid}/messages", json={"content": "can I talk to a person"})
        assert r.json()["kind"] == "handoff", r.text
    page = await (await new_context()).new_page()
    found = guard(page)
    await staff_signs_in(page, live_server, "supervisor")
    held = asyncio.Event()
    release = asyncio.Event()

    async def slow(route: Route) -> None:
        held.set()
        await release.wait()
        await route.continue_()

    await page.route("**/v1/handoffs/*", slow)  # the detail only: the stream's path is longer
    item = queue_item(page, customer["full_name"]).first
    await item.focus()
    await page.keyboard.press("Enter")
    await asyncio.wait_for(held.wait(), timeout=LIVE / 1000)
    await expect(page.locator("#bd-handoff-title")).to_have_text("Loading handoff…")
    assert not await page.get_by_role("button", name="Claim this handoff").is_visible()
    await page.keyboard.press("Shift+Tab")  # back to the queue while it loads
    await tab_to(page, f".bd-queue__item:has-text('{customer['full_name']}')")
    release.set()
    await expect(page.locator("#bd-handoff-title")).to_contain_text(customer["full_name"], timeout=LIVE)
    await expect(page.get_by_role("button", name="Claim this handoff")).to_be_visible()
    await expect(item).to_be_focused()
    await page.unroute("**/v1/handoffs/*")
    found.assert_clean()


async def test_a_pasted_token_signs_in_and_a_customer_token_is_refused(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard]
) -> None:
    page = await (await new_context()).new_page()
    found = guard(page)
    await page.goto(live_server.url + "/console")
    await page.fill("#bd-token", live_server.token(live_server.customer(1)["id"]))
    await page.get_by_role("button", name="Sign in with this token").click()
    await expect(page.locator("#bd-signin-error")).to_contain_text("not a staff token")
    auditor = live_server.staff("auditor")
    await page.fill("#bd-token", live_server.token(auditor["id"]))
    await page.get_by_role("button", name="Sign in with this token").click()
    await expect(page.locator("#bd-who-name")).to_contain_text(auditor["full_name"])
    # The token is in the tab's sessionStorage, never in the URL or a cookie.
    assert "token" not in page.url
    assert await page.evaluate("() => document.cookie") == ""
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.locator("#bd-signin")).to_be_visible()
    assert await page.evaluate("() => sessionStorage.getItem('bankdesk.token.staff')") is None
    found.assert_clean()
    async with httpx.AsyncClient() as c:  # the page itself holds no data
        assert "Bo" not in (await c.get(live_server.url + "/console")).text
    await asyncio.sleep(0)
