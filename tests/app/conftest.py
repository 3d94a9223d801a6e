from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app.agent import AgentAssets
from app.config import Settings
from app.main import create_app
from tests.factories import SECRET


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=SECRET,
        rate_limit_per_minute=30,
        # Each test's own audit checkpoint file and signing key, never the project's var/.
        audit_checkpoint_path=tmp_path / "audit" / "checkpoints.jsonl",
        audit_signing_key=base64.b64encode(os.urandom(32)).decode("ascii"),
    )


@pytest.fixture
async def app(settings: Settings, agent_assets: AgentAssets) -> AsyncIterator[FastAPI]:
    application = create_app(settings, assets=agent_assets)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bankdesk.test") as c:
        yield c
