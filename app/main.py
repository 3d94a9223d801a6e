"""The FastAPI application factory: engines, the agent and metrics are built in ``lifespan``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx2
from fastapi import FastAPI

from agents.models.variants import assign_variant
from agents.ports import TurnAgent
from app.agent import AgentAssets, agent_runtime, load_assets
from app.audit.endpoints import router as audit_router
from app.config import Settings, get_settings
from app.conversations.endpoints import router as conversations_router
from app.db import create_engine, create_sessionmaker
from app.errors import install_error_handlers
from app.handoffs.endpoints import router as handoffs_router
from app.observability import Metrics, RequestMiddleware
from app.ops.endpoints import router as ops_router

MAX_BODY_BYTES = 64 * 1024


def create_app(
    settings: Settings | None = None,
    *,
    assets: AgentAssets | None = None,
    agent: TurnAgent | None = None,
    http_transport: httpx2.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the app. Tests pass prebuilt ``assets`` (the trained triage model...), a replay
    ``http_transport`` for the provider SDKs, or a whole ``agent``."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        app.state.engine = engine
        app.state.session_factory = create_sessionmaker(engine)
        async with AsyncExitStack() as stack:
            stack.push_async_callback(engine.dispose)
            # Signed audit checkpoints every few seconds and at shutdown (before the engine goes).
            from app.audit.checkpoint import periodic_checkpoints

            await stack.enter_async_context(periodic_checkpoints(settings, app.state.session_factory))
            loaded = assets if assets is not None else await asyncio.to_thread(load_assets, settings)
            app.state.assign_variant = lambda cid: assign_variant(cid, loaded.gateway_config)
            if agent is not None:
                app.state.agent = agent
                app.state.drain_calls = lambda _cid: []
            else:
                runtime = await stack.enter_async_context(
                    agent_runtime(settings, loaded, http_transport=http_transport)
                )
                app.state.agent = runtime.agent
                app.state.drain_calls = runtime.recorder.drain
            yield

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
