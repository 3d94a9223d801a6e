"""The FastAPI application factory: engines, the agent and metrics are built in ``lifespan``."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx2
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool
from threadpoolctl import threadpool_limits

from agents.models.variants import assign_variant
from agents.ports import TurnAgent
from app.agent import AgentAssets, agent_runtime, load_assets
from app.audit.endpoints import router as audit_router
from app.config import Settings, get_settings
from app.conversations.endpoints import router as conversations_router
from app.conversations.service import TurnLimits, TurnServices, drain_turns, turn_recovery
from app.db import create_engine, create_sessionmaker
from app.demo.endpoints import router as demo_router
from app.errors import install_error_handlers
from app.events.bus import event_bus
from app.handoffs.endpoints import router as handoffs_router
from app.observability import Metrics, RequestMiddleware, event_loop_lag_monitor
from app.ops.endpoints import router as ops_router
from app.review.endpoints import router as review_router
from app.support.endpoints import router as support_router
from app.web.pages import router as pages_router
from app.web.security import SecurityHeadersMiddleware
from app.web.templating import STATIC_DIR

MAX_BODY_BYTES = 64 * 1024


def _pool_options(settings: Settings) -> dict[str, Any]:
    if settings.is_sqlite:
        return {}
    return {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout_seconds,
    }


def _watch_pool(metrics: Metrics, engine: AsyncEngine, settings: Settings) -> None:
    pool = engine.sync_engine.pool
    if isinstance(pool, QueuePool):
        metrics.db_pool_in_use.set_function(pool.checkedout)
        metrics.db_pool_size.set(pool.size() + settings.db_max_overflow)


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
        engine = create_engine(settings.database_url, **_pool_options(settings))
        app.state.engine = engine
        app.state.session_factory = create_sessionmaker(engine)
        async with AsyncExitStack() as stack:
            stack.push_async_callback(engine.dispose)
            await stack.enter_async_context(event_loop_lag_monitor(app.state.metrics))
            _watch_pool(app.state.metrics, engine, settings)
            # Wakes the live pages' streams (LISTEN/NOTIFY on Postgres, in-process on SQLite).
            app.state.events = await stack.enter_async_context(event_bus(engine.url))
            # Signed audit checkpoints every few seconds and at shutdown (before the engine goes).
            from app.audit.checkpoint import periodic_checkpoints

            await stack.enter_async_context(periodic_checkpoints(settings, app.state.session_factory))
            loaded = assets if assets is not None else await asyncio.to_thread(load_assets, settings)
            # A turn's linear algebra is tiny (one triage vector); OpenBLAS's extra threads would spin-wait
            # after every call and burned more CPU than the turn itself (bench/README.md, 3 Dec).
            threadpool_limits(limits=1, user_api="blas")
            app.state.assign_variant = lambda cid: assign_variant(cid, loaded.gateway_config)
            limits = TurnLimits(
                turns_per_minute=settings.rate_limit_per_minute,
                concurrent_turns=settings.concurrent_turns_per_customer,
                conversations_per_minute=settings.conversations_per_minute,
                lease=timedelta(seconds=settings.turn_lease_seconds),
            )
            if agent is not None:
                app.state.agent = agent
                app.state.drain_calls = lambda _cid: []
                checkpoints = None
            else:
                runtime = await stack.enter_async_context(
                    agent_runtime(
                        settings, loaded, factory=app.state.session_factory, http_transport=http_transport
                    )
                )
                app.state.agent = runtime.agent
                app.state.drain_calls = runtime.recorder.drain
                checkpoints = runtime.saver
            services = TurnServices(
                factory=app.state.session_factory,
                agent=app.state.agent,
                metrics=app.state.metrics,
                drain_calls=app.state.drain_calls,
                checkpoints=checkpoints,
                events=app.state.events,
                hours=settings.hours(),
                limits=limits,
            )
            app.state.turn_services = services
            # Turns still running finish (and store themselves) before the agent and the engine go away;
            # turns cut short in a process that died are settled by the sweep.
            stack.push_async_callback(drain_turns, services)
            await stack.enter_async_context(turn_recovery(services))
            if settings.env != "test":
                # What start-up built (the triage model, the graph, the help centre's index...) lives as long
                # as the process: out of the collector's sight, a full collection scans only what turns
                # allocate. Without it one came every ~600 turns and paused the process for ~0.4 s
                # (bench/README.md, "Turn cost against the floor"). Not in tests, which build many apps.
                gc.collect()  # start-up's own garbage is freed first, not kept for good
                gc.freeze()
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
    app.add_middleware(
        RequestMiddleware, metrics=metrics, max_body_bytes=MAX_BODY_BYTES, secret_key=settings.secret_key
    )
    app.add_middleware(SecurityHeadersMiddleware)
    install_error_handlers(app)
    for router in (
        conversations_router,
        handoffs_router,
        audit_router,
        review_router,
        ops_router,
        support_router,
        demo_router,
        pages_router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
