"""The agent's checkpoints, stored in the turn's own transaction.

LangGraph's own savers write a checkpoint (and pending writes) after every step of the graph, on their own
connection, so a turn that failed, was cancelled or was killed half-way left its steps in the agent's memory
while nothing of it was in the conversation record. This saver keeps what a running turn writes in memory
(staged per conversation) and hands it to the app, which writes the newest checkpoint in the same
transaction as the turn's messages and audit events: the turn is stored whole or not at all, and a failed
turn leaves the previous checkpoint exactly as it was.

Only the newest checkpoint of a thread is kept (the graph never reads older ones: the conversation record
and the audit log are the history), with the pending writes that belong to it, which is where LangGraph
keeps an interrupt such as a confirmation request.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_checkpoint_metadata,
)
from sqlalchemy import Row, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.models import GraphCheckpoint
from app.models.base import utcnow
from app.turn_statements import CHECKPOINT_COLUMNS, Pipeline, upsert_checkpoint

_TABLE = cast(Table, GraphCheckpoint.__table__)


class Unread(enum.Enum):
    UNREAD = "unread"


UNREAD = Unread.UNREAD

# (task_id, channel, value, task_path), keyed by (task_id, index) as LangGraph's savers do.
_Write = tuple[str, str, Any, str]


@dataclass
class StagedCheckpoint:
    """What a running turn wrote for one thread: the newest checkpoint and its pending writes."""

    thread_id: str
    checkpoint: Checkpoint
    metadata: CheckpointMetadata
    parent_checkpoint_id: str | None
    writes: dict[tuple[str, int], _Write] = field(default_factory=dict)

    @property
    def checkpoint_id(self) -> str:
        return str(self.checkpoint["id"])

    def ordered_writes(self) -> list[_Write]:
        return [self.writes[k] for k in sorted(self.writes)]


class TurnScopedSaver(BaseCheckpointSaver[str]):
    """A LangGraph checkpointer whose writes are staged in memory until the app stores the turn.

    ``await take(thread_id)`` hands the staged checkpoint (with its pending writes) to the caller, who
    writes it with ``store`` in its own transaction; ``discard(thread_id)`` forgets it (the turn failed).
    Reads see what a running turn staged, otherwise what is stored. LangGraph may save a checkpoint's
    pending writes before the checkpoint itself, so writes are staged by checkpoint id on their own.
    """

    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__()
        self._factory = factory
        self._staged: dict[str, StagedCheckpoint] = {}
        self._writes: dict[tuple[str, str], dict[tuple[str, int], _Write]] = {}
        # Threads with a turn running in this process, and the stored checkpoint that turn read: the turn
        # holds the conversation's lease, so nobody else can store a newer one until it ends (take/discard).
        self._running: dict[str, StagedCheckpoint | None] = {}
        self._running_threads: set[str] = set()

    # --- the app's side ----------------------------------------------------------------------------

    def begin(self, thread_id: str, stored: Row[Any] | None | Unread = UNREAD) -> None:
        """A turn of ``thread_id`` starts in this process: the stored checkpoint is read once for it.

        ``stored``: the thread's stored row (columns ``CHECKPOINT_COLUMNS``, or None when it has none) if the
        caller already read it in the transaction that admitted the turn; then it is not read again.
        """
        self._running.pop(thread_id, None)
        self._running_threads.add(thread_id)
        if not isinstance(stored, Unread):
            self._running[thread_id] = None if stored is None else self._from_row(thread_id, stored)

    async def take(self, thread_id: str) -> StagedCheckpoint | None:
        """What the running turn wrote for ``thread_id``, ready to ``store`` (and no longer staged)."""
        staged = self._staged.get(thread_id)
        if staged is None and not any(t == thread_id for t, _ in self._writes):
            self.discard(thread_id)
            return None
        current = await self._current(thread_id)
        self.discard(thread_id)
        return current

    def discard(self, thread_id: str) -> None:
        self._running_threads.discard(thread_id)
        self._running.pop(thread_id, None)
        self._staged.pop(thread_id, None)
        for key in [k for k in self._writes if k[0] == thread_id]:
            del self._writes[key]

    def store(self, p: Pipeline, staged: StagedCheckpoint) -> None:
        """Queue in ``p`` the write of ``staged`` as the thread's checkpoint, in the caller's transaction."""
        checkpoint_type, checkpoint_bytes = self.serde.dumps_typed(staged.checkpoint)
        metadata_type, metadata_bytes = self.serde.dumps_typed(staged.metadata)
        ordered = staged.ordered_writes()
        writes_type, writes_bytes = self.serde.dumps_typed([list(w) for w in ordered])
        values = {
            "thread_id": staged.thread_id,
            "checkpoint_id": staged.checkpoint_id,
            "parent_checkpoint_id": staged.parent_checkpoint_id,
            "checkpoint_type": checkpoint_type,
            "checkpoint": checkpoint_bytes,
            "metadata_type": metadata_type,
            "metadata": metadata_bytes,
            "writes_type": writes_type,
            "writes": writes_bytes,
            "updated_at": utcnow(),
        }
        # One statement, insert or replace: the turn holds the conversation's lease, so no other writer.
        p.add(upsert_checkpoint(postgres=p.postgres), values)

    # --- loading ------------------------------------------------------------------------------------

    async def _stored(self, thread_id: str) -> StagedCheckpoint | None:
        if thread_id in self._running:
            return self._running[thread_id]
        stored = await self._read(thread_id)
        if thread_id in self._running_threads:
            self._running[thread_id] = stored
        return stored

    async def _read(self, thread_id: str) -> StagedCheckpoint | None:
        async with self._factory() as session:
            query = select(*CHECKPOINT_COLUMNS).where(_TABLE.c.thread_id == thread_id)
            row = (await session.execute(query)).first()
        return None if row is None else self._from_row(thread_id, row)

    def _from_row(self, thread_id: str, row: Any) -> StagedCheckpoint | None:
        if row.checkpoint_id is None:  # an outer join that found nothing
            return None
        checkpoint: Checkpoint = self.serde.loads_typed((row.checkpoint_type, row.checkpoint))
        metadata: CheckpointMetadata = self.serde.loads_typed((row.metadata_type, row.metadata))
        raw_writes: list[list[Any]] = self.serde.loads_typed((row.writes_type, row.writes))
        parent = row.parent_checkpoint_id
        writes: dict[tuple[str, int], _Write] = {}
        for position, (task_id, channel, value, task_path) in enumerate(raw_writes):
            writes[(str(task_id), WRITES_IDX_MAP.get(channel, position))] = (
                str(task_id),
                str(channel),
                value,
                str(task_path),
            )
        return StagedCheckpoint(thread_id, checkpoint, metadata, parent, writes)

    async def _current(self, thread_id: str) -> StagedCheckpoint | None:
        """The newest checkpoint of the thread (staged, else stored) with every pending write it has."""
        base = await self._base(thread_id)
        if base is None:
            return None
        writes = dict(base.writes)
        for key, write in self._writes.get((thread_id, base.checkpoint_id), {}).items():
            if key[1] >= 0 and key in writes:
                continue
            writes[key] = write
        return StagedCheckpoint(
            base.thread_id, base.checkpoint, base.metadata, base.parent_checkpoint_id, writes
        )

    async def _base(self, thread_id: str) -> StagedCheckpoint | None:
        """The newest checkpoint without its staged writes: this turn's, else the stored one."""
        staged = self._staged.get(thread_id)
        return staged if staged is not None else await self._stored(thread_id)

    def _tuple(self, staged: StagedCheckpoint, ns: str) -> CheckpointTuple:
        ordered = staged.ordered_writes()
        return CheckpointTuple(
            config={
                "configurable": {
                    "thread_id": staged.thread_id,
                    "checkpoint_ns": ns,
                    "checkpoint_id": staged.checkpoint_id,
                }
            },
            checkpoint=staged.checkpoint,
            metadata=staged.metadata,
            parent_config=(
                {
                    "configurable": {
                        "thread_id": staged.thread_id,
                        "checkpoint_ns": ns,
                        "checkpoint_id": staged.parent_checkpoint_id,
                    }
                }
                if staged.parent_checkpoint_id
                else None
            ),
            pending_writes=[(task_id, channel, value) for task_id, channel, value, _ in ordered],
        )

    # --- BaseCheckpointSaver (async) ----------------------------------------------------------------

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        configurable = config["configurable"]
        thread_id = str(configurable["thread_id"])
        ns = str(configurable.get("checkpoint_ns", ""))
        if ns:  # the support graph has no subgraphs; a namespaced read has nothing stored
            return None
        staged = await self._current(thread_id)
        if staged is None:
            return None
        wanted = get_checkpoint_id(config)
        if wanted and wanted != staged.checkpoint_id:
            return None  # only the newest checkpoint is kept
        return self._tuple(staged, ns)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        if config is None or before is not None or limit == 0:
            return
        found = await self.aget_tuple(config)
        if found is not None and all(found.metadata.get(k) == v for k, v in (filter or {}).items()):
            yield found

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        thread_id = str(config["configurable"]["thread_id"])
        ns = str(config["configurable"].get("checkpoint_ns", ""))
        previous = await self._base(thread_id)
        values: dict[str, Any] = dict(previous.checkpoint["channel_values"]) if previous else {}
        given = checkpoint.get("channel_values", {})
        for name in new_versions:
            if name in given:
                values[name] = given[name]
            else:
                values.pop(name, None)
        for name, value in given.items():
            values.setdefault(name, value)
        versions = checkpoint.get("channel_versions", {})
        full: Checkpoint = {
            **checkpoint,
            "channel_values": {k: v for k, v in values.items() if k in versions},
        }
        self._staged[thread_id] = StagedCheckpoint(
            thread_id=thread_id,
            checkpoint=full,
            metadata=get_checkpoint_metadata(config, metadata),
            parent_checkpoint_id=config["configurable"].get("checkpoint_id"),
        )
        return {
            "configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": checkpoint["id"]}
        }

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        thread_id = str(config["configurable"]["thread_id"])
        checkpoint_id = str(config["configurable"].get("checkpoint_id") or "")
        staged = self._writes.setdefault((thread_id, checkpoint_id), {})
        for index, (channel, value) in enumerate(writes):
            key = (task_id, WRITES_IDX_MAP.get(channel, index))
            if key[1] >= 0 and key in staged:
                continue
            staged[key] = (task_id, channel, value, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        self.discard(thread_id)
        async with self._factory() as session, session.begin():
            await session.execute(delete(GraphCheckpoint).where(GraphCheckpoint.thread_id == thread_id))

    # --- sync API: the app only runs the graph asynchronously ---------------------------------------

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        raise NotImplementedError("TurnScopedSaver is async only: use aget_tuple")

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        raise NotImplementedError("TurnScopedSaver is async only: use alist")

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        raise NotImplementedError("TurnScopedSaver is async only: use aput")

    def put_writes(
        self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = ""
    ) -> None:
        raise NotImplementedError("TurnScopedSaver is async only: use aput_writes")

    def get_next_version(self, current: str | None, channel: None) -> str:
        if current is None:
            number = 0
        elif isinstance(current, int):
            number = current
        else:
            number = int(str(current).split(".")[0])
        return f"{number + 1:032}.{0:016}"
