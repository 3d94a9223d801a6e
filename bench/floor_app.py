"""The floor: the least a chat turn can cost on the same stack, to measure Bankdesk's turn against.

Same URL shapes as Bankdesk (``POST /v1/conversations`` -> ``{"id"}``, ``POST
/v1/conversations/{id}/messages`` ``{"content"}`` -> 201 with the stored message and a reply), same
framework (FastAPI), same server (uvicorn, 1 worker, log level info with access log, as ``bankdesk
serve``), same engine factory (``app.db.create_engine``: on SQLite WAL, ``BEGIN IMMEDIATE`` and
busy_timeout; on Postgres psycopg with the same session timeouts and pre-ping) and the same database
server. A turn is one transaction: one INSERT of the customer's message and one SELECT of the
conversation's last 10 messages, then commit, then the reply.

What it skips, on purpose (that is what Bankdesk's turn costs above the floor): the bearer token is
required but NOT verified (no JWT decode, no customer lookup, no ownership check), no rate limits,
admission, idempotency or turn journal, no agent (screening, triage, LangGraph, procedures, banking
reads, checkpoints), no redaction, no audit events, no assistant message row, no metrics or security
headers middleware, no events.

Run: ``BENCH_FLOOR_DATABASE_URL=... uvicorn bench.floor_app:create_app --factory --port 8001``; the
tables (``floor_conversation``, ``floor_message``) are created at startup if missing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import DateTime, ForeignKey, Index, MetaData, String, Text, Uuid, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.db import create_engine

HISTORY = 10


class Base(DeclarativeBase):
    metadata = MetaData()


class FloorConversation(Base):
    __tablename__ = "floor_conversation"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FloorMessage(Base):
    __tablename__ = "floor_message"
    __table_args__ = (Index("ix_floor_message_conversation_created", "conversation_id", "created_at"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("floor_conversation.id", ondelete="CASCADE")
    )
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: str = Field(min_length=1, max_length=4000)


bearer = HTTPBearer()
Token = Annotated[HTTPAuthorizationCredentials, Depends(bearer)]  # present, never verified


def _engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


Engine = Annotated[AsyncEngine, Depends(_engine)]


def create_app(database_url: str | None = None) -> FastAPI:
    url = database_url or os.environ["BENCH_FLOOR_DATABASE_URL"]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        app.state.engine = engine
        yield
        await engine.dispose()

    app = FastAPI(title="Bankdesk floor", lifespan=lifespan)

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/v1/conversations", status_code=status.HTTP_201_CREATED)
    async def create_conversation(_token: Token, engine: Engine) -> dict[str, Any]:
        cid, now = uuid.uuid4(), datetime.now(UTC)
        async with engine.begin() as conn:
            await conn.execute(insert(FloorConversation).values(id=cid, created_at=now))
        return {"id": str(cid), "status": "active", "created_at": now, "updated_at": now}

    @app.post("/v1/conversations/{conversation_id}/messages", status_code=status.HTTP_201_CREATED)
    async def post_message(
        conversation_id: uuid.UUID, body: MessageIn, _token: Token, engine: Engine
    ) -> dict[str, Any]:
        mid, now = uuid.uuid4(), datetime.now(UTC)
        async with engine.begin() as conn:
            await conn.execute(
                insert(FloorMessage).values(
                    id=mid,
                    conversation_id=conversation_id,
                    role="customer",
                    content=body.content,
                    created_at=now,
                )
            )
            history = (
                await conn.execute(
                    select(FloorMessage.role, FloorMessage.content)
                    .where(FloorMessage.conversation_id == conversation_id)
                    .order_by(FloorMessage.created_at.desc())
                    .limit(HISTORY)
                )
            ).all()
        if not history:
            raise HTTPException(status.HTTP_404_NOT_FOUND)
        message = {"id": str(mid), "role": "customer", "content": body.content, "created_at": now}
        return {
            "conversation_id": str(conversation_id),
            "status": "active",
            "message": message,
            "reply": {
                "id": str(uuid.uuid4()),
                "role": "assistant",
                "content": f"(floor) {len(history)} messages in this conversation",
                "created_at": now,
            },
            "steps": [],
            "kind": "reply",
            "confirmation": None,
        }

    return app
