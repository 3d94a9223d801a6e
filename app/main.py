"""The FastAPI application factory: engines, the agent and metrics are built in ``lifespan``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from agents.placeholder import AcknowledgementAgent
from agents.ports import TurnAgent
from app.audit.endpoints import router as audit_router
from app.config import Settings, get_settings
from app.conversations.endpoints import router as conversations_router
from app.db import create_engine, create_sessionmaker
from app.errors import install_error_handlers
from app.handoffs.endpoints import router as handoffs_router
from app.observability import Metrics, RequestMiddleware
from app.ops.endpoints import router as ops_router

MAX_BODY_BYTES = 64 * 1024


def build_agent(settings: Settings) -> TurnAgent:
    # The PLACEHOLDER acknowledgement agent, until the LangGraph agent (issue 4) is wired here.
    return AcknowledgementAgent()


def create_app(settings: Settings | None = None, *, agent: TurnAgent | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        app.state.engine = engine
        app.state.session_factory = create_sessionmaker(engine)
        app.state.agent = agent or build_agent(settings)
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="Bankdesk",
        version="0.1.0",
        summary="Banking customer-support agent: customer chat, staff queue and compliance audit.",
        lifespan=lifespan,
    )
    metrics = Metrics()
    app.state.settings = settings
    app.state.metrics = metrics
    app.add_middleware(RequestMiddleware, metrics=metrics, max_body_bytes=MAX_BODY_BYTES)
    install_error_handlers(app)
    for router in (conversations_router, handoffs_router, audit_router, ops_router):
        app.include_router(router)
    return app
