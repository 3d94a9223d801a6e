"""The event-loop lag monitor (a blocking call shows up as lag) and the simulated model latency setting."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from app.observability import Metrics, event_loop_lag_monitor


def _sample(metrics: Metrics, name: str) -> float:
    value = metrics.registry.get_sample_value(name)
    return 0.0 if value is None else value


async def test_a_blocking_call_in_the_loop_shows_up_as_lag() -> None:
    metrics = Metrics()
    async with event_loop_lag_monitor(metrics, interval=0.02):
        await asyncio.sleep(0.1)  # a few quiet ticks
        quiet_max = _sample(metrics, "bankdesk_event_loop_lag_max_seconds")
        time.sleep(0.3)  # blocks every task on the loop, the monitor's too
        await asyncio.sleep(0.1)

    assert quiet_max < 0.15
    assert _sample(metrics, "bankdesk_event_loop_lag_max_seconds") >= 0.25
    assert _sample(metrics, "bankdesk_event_loop_lag_seconds_count") >= 3
    # Exactly one tick was late by more than 250 ms: the one the sleep blocked.
    late = _sample(metrics, "bankdesk_event_loop_lag_seconds_count") - (
        metrics.registry.get_sample_value("bankdesk_event_loop_lag_seconds_bucket", {"le": "0.25"}) or 0.0
    )
    assert late == 1


async def test_work_in_a_thread_does_not_show_up_as_lag() -> None:
    metrics = Metrics()
    async with event_loop_lag_monitor(metrics, interval=0.02):
        await asyncio.sleep(0.05)
        await asyncio.to_thread(time.sleep, 0.3)
        await asyncio.sleep(0.05)

    assert _sample(metrics, "bankdesk_event_loop_lag_max_seconds") < 0.15


def test_the_simulated_latency_setting_reaches_the_local_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.agent import load_assets
    from app.config import Settings
    from tests.factories import SECRET

    monkeypatch.setenv("BANKDESK_SIMULATED_LATENCY_MS", "2000")
    settings = Settings(env="test", secret_key=SECRET)

    assert settings.simulated_latency_ms == 2000
    assert load_assets(settings).gateway_config.providers["local"].simulated_latency_ms == 2000
    monkeypatch.delenv("BANKDESK_SIMULATED_LATENCY_MS")
    assert Settings(env="test", secret_key=SECRET).simulated_latency_ms is None


async def test_a_served_app_runs_blas_on_one_thread(settings: Any, agent_assets: Any) -> None:
    """OpenBLAS's spare threads spin-wait after each call: with them a turn cost about twice its CPU."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from app.main import create_app

    def blas_threads() -> set[int]:
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}

    before = threadpool_limits(limits=2, user_api="blas")
    try:
        assert blas_threads() == {2}
        application = create_app(settings, assets=agent_assets)
        async with application.router.lifespan_context(application):
            assert blas_threads() == {1}
    finally:
        before.restore_original_limits()


async def test_a_served_app_hides_its_start_up_objects_from_the_collector(
    settings: Any, agent_assets: Any
) -> None:
    """A full collection scanned everything start-up built and paused the process ~0.4 s every ~600 turns."""
    import gc

    from app.main import create_app

    gc.unfreeze()
    try:
        application = create_app(settings.model_copy(update={"env": "prod"}), assets=agent_assets)
        async with application.router.lifespan_context(application):
            assert gc.get_freeze_count() > 0
        gc.unfreeze()
        test_app = create_app(settings, assets=agent_assets)  # a test process builds many apps: none frozen
        async with test_app.router.lifespan_context(test_app):
            assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
