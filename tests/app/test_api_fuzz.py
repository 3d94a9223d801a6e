"""Every route, every role, generated requests: the API never answers with a server error.

Schemathesis reads the app's own OpenAPI document and builds a Hypothesis strategy per operation
(valid and invalid bodies, query strings, headers, path ids); each request is sent in-process to the
real app (real agent, fresh migrated database) as nobody, as a customer, and as staff of each role.
Half the generated requests use path ids that exist in the seeded database (a conversation awaiting
a confirmation, a handed-off conversation and its handoff, another customer's conversation and
handoff), so the routes get past their "not found" branch and walk through real state changes;
Idempotency-Keys come from a small pool so replays and reuse with another body happen too, and
half the turns ask for an event stream.

Besides ``not_a_server_error`` the responses are checked against the schema where it says something:
a documented status code's body and content type must match it, and any status must be either
documented or one of the answers every protected route may give (401, 403, 404). A streamed turn
answers before it runs, so a failure inside it arrives as an ``error`` event: that counts as a
server error too.

Schemathesis's pytest loader for fixture-built schemas (``schemathesis.pytest.from_fixture``) fails
on this pytest (it sets ``Function._nodeid``, which pytest 9.2 no longer has), so the test drives
``APIOperation.as_strategy()`` with ``hypothesis.given`` itself: one test per database backend and
role, every operation in it, and every operation's failure reported rather than only the first.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.agent import AgentAssets
from app.auth.tokens import issue_token
from app.banking.seed import list_customers, seed_demo_bank
from app.config import Settings
from app.main import create_app
from app.models import Customer, Handoff
from app.models.enums import ConversationStatus, StaffRole
from tests.factories import SECRET, make_conversation, make_handoff, make_staff

ROLES = ["anonymous", "customer", *(r.value for r in StaffRole)]
# Answers any route may give that the schema does not list on each operation: a body that is not
# JSON at all (400), no or a bad token (401), the wrong role (403), a missing or foreign id (404).
#
# When written (2 Dec 2026) this failed on answers the schema did not list, since documented: a streamed
# turn's 200 (and each of its events, as an object with event, id and data), 409 on the handoff routes, 429
# on POST /v1/conversations. Fix the app or its OpenAPI document, not this set.
UNDOCUMENTED_OK = {400, 401, 403, 404}
EXAMPLES_PER_OPERATION = 25
REQUEST_TIMEOUT_S = 30
IDEMPOTENCY_KEYS = ["fuzz-key-1", "fuzz-key-2", "fuzz-key-3"]
SCHEMATHESIS_CONFIG = SchemathesisConfig.from_dict(
    {
        # Read a streamed turn to its end (the default stops after 20 events, like a client that
        # hangs up), so an ``error`` event at the end is seen; a request that hangs fails the test.
        "max-stream-events": 1000,
        "request-timeout": REQUEST_TIMEOUT_S,
    }
)
# Requests that answered 500 before (found by this test on d58a671, 2 Dec 2026): sent as every role
# on every run, whatever the generator draws. Auditor and supervisor reached the database with
#   - an offset past 64-bit integers: OverflowError on SQLite ("Python int too large to convert to
#     SQLite INTEGER", app/audit/repository.py), an out-of-range bigint on Postgres;
#   - a from/to whose UTC value falls outside year 1..9999: OverflowError "date value out of range".
REGRESSIONS: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/v1/audit/conversations", {"offset": "99999999999999999999"}),
    ("GET", "/v1/audit/conversations", {"offset": "9223372036854775808"}),
    ("GET", "/v1/audit/conversations", {"from": "0001-01-01T00:00:00+14:00"}),
    ("GET", "/v1/audit/conversations", {"to": "9999-12-31T23:59:59-14:00"}),
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    # Failures are collected rather than raised, so there is nothing to shrink.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@dataclass(frozen=True)
class Seeded:
    headers: dict[str, dict[str, str]]
    # Ids that exist, by path parameter name: the token customer's conversations and another
    # customer's; every handoff (the seeded one and the one the agent opened).
    ids: dict[str, list[str]]


def _bearer(subject: uuid.UUID, kind: str) -> dict[str, str]:
    token = issue_token(SECRET, subject=subject, kind=kind, ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def seeded(
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    agent_assets: AgentAssets,
) -> Seeded:
    """The demo bank, staff of each role, and conversations in the states the routes care about."""
    await seed_demo_bank(engine, customers=2, seed=11)
    async with session_factory() as session:
        me_id, other_id = (uuid.UUID(c["id"]) for c in await list_customers(session, limit=2))
        me, other = await session.get(Customer, me_id), await session.get(Customer, other_id)
        assert me is not None
        assert other is not None
        staff = {r: await make_staff(session, role=r) for r in StaffRole}
        mine = await make_conversation(session, customer=me)
        theirs = await make_conversation(session, customer=other, status=ConversationStatus.handed_off)
        their_handoff = await make_handoff(session, conversation=theirs)
        conversations = [str(mine.id), str(theirs.id)]
    customer_headers = _bearer(me_id, "customer")

    # Real turns through a short-lived app: a confirmation waiting for a yes, and a handoff.
    application = create_app(settings, assets=agent_assets)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://seed") as c:
            for texts in (["I lost my card", "1"], ["I want to speak to a person please"]):
                cid = (await c.post("/v1/conversations", headers=customer_headers)).json()["id"]
                conversations.append(cid)
                for text in texts:
                    r = await c.post(
                        f"/v1/conversations/{cid}/messages", json={"content": text}, headers=customer_headers
                    )
                    assert r.status_code == 201, r.text
                    if r.json()["kind"] in ("confirmation_required", "handoff"):
                        break
                else:
                    raise AssertionError(f"{texts} did not reach a confirmation or a handoff: {r.text}")

    async with session_factory() as session:
        handoffs = [str(h) for h in (await session.scalars(select(Handoff.id))).all()]
    assert str(their_handoff.id) in handoffs
    assert len(handoffs) == 2, handoffs
    headers: dict[str, dict[str, str]] = {"anonymous": {}, "customer": customer_headers}
    headers.update({r.value: _bearer(s.id, "staff") for r, s in staff.items()})
    return Seeded(headers=headers, ids={"conversation_id": conversations, "handoff_id": handoffs})


@pytest.fixture
def api_schema(settings: Settings, agent_assets: AgentAssets, seeded: Seeded) -> Iterator[OpenApiSchema]:
    """The app's schema, bound to a fresh app that schemathesis serves in-process."""
    application = create_app(settings, assets=agent_assets)
    try:
        # Schemathesis runs the app's lifespan on its own event loop thread; stop it with the test.
        yield schemathesis.openapi.from_asgi("/openapi.json", application, config=SCHEMATHESIS_CONFIG)
    finally:
        shutdown_lifespans()


def no_error_event(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A streamed turn answers before it runs; a failure inside it arrives as an ``error`` event."""
    content_type = response.headers.get("content-type", [""])[0]
    if content_type.startswith("text/event-stream"):
        assert "\nevent: error\n" not in f"\n{response.text}", (
            f"server error inside the event stream:\n{response.text[-800:]}"
        )
    return None


def documented_or_auth_status(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Any status the schema lists for the operation, or an answer every protected route may give."""
    allowed = {int(s) for s in case.operation.responses.status_codes if s.isdigit()} | UNDOCUMENTED_OK
    assert response.status_code in allowed, f"{response.status_code} is not among {sorted(allowed)}"
    return None


def success_matches_schema(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A success has the documented content type and body."""
    if 200 <= response.status_code < 300:
        content_type_conformance(ctx, response, case)
        response_schema_conformance(ctx, response, case)
    return None


def errors_are_problems(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Errors are RFC 9457 problem+json with their own status (the schema's 422 entries are
    FastAPI's default ``HTTPValidationError``, which the app deliberately does not use)."""
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/problem+json"), f"error as {content_type!r}"
        assert response.json().get("status") == response.status_code, response.text[:300]
    return None


CHECKS = [
    not_a_server_error,
    no_error_event,
    documented_or_auth_status,
    success_matches_schema,
    errors_are_problems,
]


class _ServerTracebacks(logging.Handler):
    """Keeps the tracebacks the app logs, so a failure report carries the server's side too."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(self.format(record))


# Live streams (a conversation's events, the staff queue, a handoff) never end on their own: a client
# reads them until it hangs up. Schemathesis reads a response to its end, so each would cost the whole
# request timeout; their refusals (bad Last-Event-ID, foreign ids, wrong role, expired token) are tested
# in tests/app/test_customer_events.py and tests/app/handoffs/.
ENDLESS_STREAMS = ("/events", "/stream")


def _endless(operation: APIOperation) -> bool:
    return operation.method.upper() == "GET" and operation.path.endswith(ENDLESS_STREAMS)


def _cases(operation: APIOperation, known_ids: dict[str, list[str]]) -> st.SearchStrategy[Case]:
    """Valid and invalid requests, most of them on ids that exist."""
    names = [p.name for p in operation.path_parameters]
    positive, negative = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
    branches = [operation.as_strategy(positive), operation.as_strategy(negative)]
    # Ids seeded below; other path parameters (an enum such as a chart's name, the id of a review sample)
    # are left to the generator, whose valid values reach the route's own branches.
    if names and all(name in known_ids for name in names):
        ids = st.fixed_dictionaries({name: st.sampled_from(known_ids[name]) for name in names})
        # Valid requests on existing ids are the ones that reach the agent and the state changes.
        for mode in positive, positive, negative:
            branches.append(
                ids.flatmap(lambda p, m=mode: operation.as_strategy(m, path_parameters=p))  # type: ignore[misc]
            )
    return st.one_of(branches)


def _failure_titles(exc: BaseException) -> list[str]:
    if isinstance(exc, BaseExceptionGroup):
        return [t for e in exc.exceptions for t in _failure_titles(e)]
    return [getattr(exc, "title", None) or type(exc).__name__]


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_with_a_server_error(api_schema: OpenApiSchema, seeded: Seeded, role: str) -> None:
    """Every generated request is answered without a server error and as the schema documents.

    The run does not stop at the first failure: every distinct failure (operation, check, status)
    is kept with one request that reproduces it and the server's traceback, and reported at the end.
    """
    auth = seeded.headers[role]
    tracebacks = _ServerTracebacks()
    logging.getLogger().addHandler(tracebacks)
    failures: dict[tuple[str, str, int], str] = {}
    statuses: Counter[tuple[str, int]] = Counter()
    every = [result.ok() for result in api_schema.get_all_operations()]
    operations = [op for op in every if not _endless(op)]
    assert len(operations) >= 17, [op.label for op in operations]

    def send(case: Case, *, stream: bool = False, idempotency_key: str | None = None) -> None:
        # Generated headers may carry an Authorization of their own; the role's token replaces it
        # (as nobody, a generated one stays: a garbage token is one more way of having none).
        headers = {k: v for k, v in (case.headers or {}).items() if not auth or k.lower() != "authorization"}
        headers.update(auth)
        if "Idempotency-Key" in headers and idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        case.headers = headers
        # OpenAPI ignores a header parameter named Accept, so schemathesis never sends the one the
        # turn routes declare; it goes with the call instead.
        extra = {"Accept": "text/event-stream"} if stream else {}
        label = f"{case.operation.label} as {role}"
        tracebacks.records.clear()
        try:
            response = case.call(headers=extra)
        except requests.Timeout:
            failures.setdefault(
                (case.operation.label, "timeout", 0),
                f"--- {label}: no answer within {REQUEST_TIMEOUT_S} s\n{case.as_curl_command(headers=extra)}",
            )
            return
        except Exception as exc:
            # The in-process transport re-raises what the app did not handle (a client gets a 500).
            key = (case.operation.label, f"unhandled {type(exc).__name__}", 500)
            failures.setdefault(
                key,
                f"--- {label}: unhandled exception, a 500 to the client\n"
                f"{case.as_curl_command(headers=extra)}\n{''.join(traceback.format_exception(exc)[-12:])}",
            )
            return
        statuses[(case.operation.label, response.status_code)] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:
            for title in _failure_titles(exc):
                server = "\n".join(tracebacks.records[-2:]) or "(no traceback logged)"
                failures.setdefault(
                    (case.operation.label, title, response.status_code),
                    f"--- {label}: {title} ({response.status_code})\n{exc}\nserver log:\n{server}",
                )

    try:
        for method, path, query in REGRESSIONS:
            send(api_schema[path][method].Case(query=query))
        for operation in operations:
            turn = operation.path.endswith(("/messages", "/confirm"))

            @FUZZ_SETTINGS
            @given(
                case=_cases(operation, seeded.ids),
                # Half the turns ask for the event stream; keys from a small pool replay and clash.
                stream=st.booleans() if turn else st.just(False),
                idempotency_key=st.none() | st.sampled_from(IDEMPOTENCY_KEYS),
            )
            def run(case: Case, stream: bool, idempotency_key: str | None) -> None:
                send(case, stream=stream, idempotency_key=idempotency_key)

            run()
    finally:
        logging.getLogger().removeHandler(tracebacks)
    seen = ", ".join(f"{label} {status}: {n}" for (label, status), n in sorted(statuses.items()))
    assert not failures, (
        f"{len(failures)} distinct failures:\n" + "\n".join(failures.values()) + f"\n\nanswers seen: {seen}"
    )
