"""Signed checkpoints of the audit log: signed tree heads over every chain's head, kept outside the database.

The design follows Certificate Transparency (RFC 6962) and Sigstore Rekor: the database holds the log, but
its state is periodically fixed by a signature made with a key the database never sees, and the signed
statements live where the database's credentials cannot reach (an append-only JSON-lines file on the app's
host, and every ``/v1/audit/verify`` response, for an auditor to keep). Anyone who can rewrite the database
can rewrite the hash chains too; they cannot forge the signature on a checkpoint that recorded the old
heads, so truncation, deletion of the newest events and recomputed chains all show up.

A checkpoint line is ``{"checkpoint": BODY, "signature": base64(Ed25519(canonical_json(BODY)))}`` with BODY:

- ``version``, ``key_id`` (first 16 hex digits of sha256 of the public key), ``created_at``;
- ``size``: events covered (the sum of every chain's head position), ``max_seq``, ``chains``;
- ``root``: the RFC 6962 Merkle tree hash over the sorted heads ``[chain_id, chain_seq, hash]``;
- ``heads``: only the heads changed since the previous line (``{chain_id: [chain_seq, hash]}``), so a
  line stays small however many conversations there are; replaying the file gives every head;
- ``prev``: sha256 of the previous line (the file is itself a hash chain).

Before signing, the writer checks that the database still holds every previously signed head at its
position and that every changed chain re-hashes from genesis up to its new head; otherwise it refuses
to sign and logs an error (a signature must never bless a rewritten log).
"""

from __future__ import annotations

import asyncio
import base64
import fcntl
import hashlib
import json
import logging
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.chain import GENESIS_HASH, ChainVerdict, canonical_json
from app.audit.service import Head, capped, describe_chain, link_problem, read_chains, read_heads, scan_chains
from app.background import running
from app.config import Settings
from app.models.base import utcnow

logger = logging.getLogger(__name__)

CHECKPOINT_VERSION = 1


class CheckpointError(Exception):
    """The checkpoint log or the signing key cannot be used."""


class CheckpointRefused(CheckpointError):
    """The database no longer matches what was signed: no new checkpoint is made."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(capped(problems, 5)))
        self.problems = problems


# --- Merkle tree hash (RFC 6962, section 2.1) ----------------------------------------------------------


def head_leaf(chain_id: str, chain_seq: int, head_hash: str) -> bytes:
    return canonical_json([chain_id, chain_seq, head_hash]).encode("utf-8")


def _mth(leaves: Sequence[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((n - 1).bit_length() - 1)  # the largest power of two smaller than n
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def merkle_root(heads: dict[str, tuple[int, str]]) -> str:
    """The Merkle tree hash over every chain's head, sorted by chain id."""
    return _mth([head_leaf(cid, seq, h) for cid, (seq, h) in sorted(heads.items())]).hex()


# --- The signing key ------------------------------------------------------------------------------------


def signing_key_path(settings: Settings) -> Path:
    return settings.audit_signing_key_file or settings.var_dir / "audit" / "signing.key"


def checkpoint_path(settings: Settings) -> Path:
    return settings.audit_checkpoint_path or settings.var_dir / "audit" / "checkpoints.jsonl"


def _decode_key(text: str, where: str) -> Ed25519PrivateKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise CheckpointError(f"{where}: not base64") from None
    if len(raw) != 32:
        raise CheckpointError(f"{where}: an Ed25519 private key is 32 bytes, got {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw)


def encode_private_key(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def public_key_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


def load_signing_key(settings: Settings, *, create: bool) -> Ed25519PrivateKey | None:
    """``BANKDESK_AUDIT_SIGNING_KEY`` (base64 of the raw 32-byte key), else the key file.

    Without either, a key is generated on first use under ``var/audit/signing.key`` (mode 0600); keep a
    copy of it (or of its public key) away from the database's administrators.
    """
    if settings.audit_signing_key is not None:
        return _decode_key(settings.audit_signing_key, "BANKDESK_AUDIT_SIGNING_KEY")
    path = signing_key_path(settings)
    if path.exists():
        return _decode_key(path.read_text(encoding="ascii"), str(path))
    if settings.audit_signing_key_file is not None:
        raise CheckpointError(f"BANKDESK_AUDIT_SIGNING_KEY_FILE: {path} does not exist")
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        return _decode_key(path.read_text(encoding="ascii"), str(path))
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(encode_private_key(key) + "\n")
    logger.warning("generated the audit signing key %s (key id %s)", path, key_id(key.public_key()))
    return key


# --- The checkpoint file --------------------------------------------------------------------------------


@dataclass
class LogState:
    """The checkpoint file replayed: every chain's signed head and where it was recorded."""

    heads: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # chain -> (seq, hash, created_at)
    lines: int = 0
    last_hash: str = GENESIS_HASH
    latest: dict[str, Any] | None = None
    offset: int = 0
    problems: list[str] = field(default_factory=list)

    def head_map(self) -> dict[str, tuple[int, str]]:
        return {cid: (seq, h) for cid, (seq, h, _) in self.heads.items()}


def _apply_line(state: LogState, raw: bytes, public_key: Ed25519PublicKey) -> None:
    state.lines += 1
    n = state.lines
    line_hash = hashlib.sha256(raw).hexdigest()
    try:
        item = json.loads(raw)
        body = item["checkpoint"]
        signature = base64.b64decode(item["signature"], validate=True)
        when = str(body["created_at"])
        heads = {str(cid): (int(v[0]), str(v[1])) for cid, v in body["heads"].items()}
        prev = str(body["prev"])
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        state.problems.append(f"checkpoint line {n} is not a checkpoint")
        state.last_hash = line_hash
        return
    try:
        public_key.verify(signature, canonical_json(body).encode("utf-8"))
    except InvalidSignature:
        state.problems.append(
            f"checkpoint line {n} ({when}): signature does not verify with key {key_id(public_key)} "
            "(forged or altered)"
        )
        state.last_hash = line_hash
        return
    if prev != state.last_hash:
        state.problems.append(
            f"checkpoint line {n} ({when}) does not follow the line before it (a line was removed or altered)"
        )
    for cid, (seq, h) in heads.items():
        old = state.heads.get(cid)
        if old is not None and seq < old[0]:
            state.problems.append(f"checkpoint line {n} ({when}): {describe_chain(cid)} goes back")
        state.heads[cid] = (seq, h, when)
    state.last_hash = line_hash
    state.latest = item


def _catch_up(state: LogState, fh: IO[bytes], public_key: Ed25519PublicKey) -> None:
    fh.seek(state.offset)
    data = fh.read()
    end = data.rfind(b"\n")
    if end < 0:
        return
    for raw in data[: end + 1].splitlines():
        if raw.strip():
            _apply_line(state, raw, public_key)
    state.offset += end + 1


def read_log(path: Path, public_key: Ed25519PublicKey) -> LogState:
    state = LogState()
    if path.exists():
        with path.open("rb") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH)
            try:
                _catch_up(state, fh, public_key)
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    if state.latest is not None:
        body = state.latest["checkpoint"]
        heads = state.head_map()
        if body.get("root") != merkle_root(heads) or body.get("size") != sum(s for s, _ in heads.values()):
            state.problems.append(
                f"checkpoint file: the latest checkpoint ({body.get('created_at')}) does not match the heads "
                "the file records (lines removed or altered)"
            )
    return state


async def _lock(fh: IO[bytes]) -> None:
    """An exclusive flock without blocking the event loop (other workers may hold it)."""
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            await asyncio.sleep(0.05)


class CheckpointLog:
    """The append-only checkpoint file and the signing key; appends are serialised across processes."""

    def __init__(self, path: Path, key: Ed25519PrivateKey) -> None:
        self.path = path
        self.key = key
        self.state = LogState()

    async def write(self, factory: async_sessionmaker[AsyncSession]) -> dict[str, Any] | None:
        """Sign the log's current heads; None when nothing changed since the last checkpoint.

        Raises ``CheckpointRefused`` (and logs an error) when the database no longer holds what was signed.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as fh:
            await _lock(fh)
            try:
                return await self._write_locked(fh, factory)
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    async def _write_locked(
        self, fh: IO[bytes], factory: async_sessionmaker[AsyncSession]
    ) -> dict[str, Any] | None:
        public_key = self.key.public_key()
        _catch_up(self.state, fh, public_key)
        if self.state.problems:
            raise self._refuse(list(self.state.problems))
        heads = await read_heads(factory)
        changed = await consistency_problems(factory, self.state, heads)
        if isinstance(changed, list):
            raise self._refuse(changed)
        if not changed and self.state.lines:
            return None
        all_heads = {cid: (h.chain_seq, h.hash) for cid, h in heads.items()}
        body = {
            "version": CHECKPOINT_VERSION,
            "key_id": key_id(public_key),
            "created_at": utcnow().isoformat(),
            "size": sum(h.chain_seq for h in heads.values()),
            "max_seq": max((h.seq for h in heads.values()), default=0),
            "chains": len(heads),
            "root": merkle_root(all_heads),
            "heads": {cid: [h.chain_seq, h.hash] for cid, h in sorted(changed.items())},
            "prev": self.state.last_hash,
        }
        signature = self.key.sign(canonical_json(body).encode("utf-8"))
        item = {"checkpoint": body, "signature": base64.b64encode(signature).decode("ascii")}
        raw = canonical_json(item).encode("utf-8")
        fh.seek(0, os.SEEK_END)
        fh.write(raw + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
        _catch_up(self.state, fh, public_key)
        return item

    def _refuse(self, problems: list[str]) -> CheckpointRefused:
        logger.error(
            "audit checkpoint refused: the audit log no longer matches its signed checkpoints: %s",
            "; ".join(capped(problems, 10)),
        )
        return CheckpointRefused(problems)


async def consistency_problems(
    factory: async_sessionmaker[AsyncSession], state: LogState, heads: dict[str, Head]
) -> dict[str, Head] | list[str]:
    """The heads changed since ``state`` if the database is consistent with it, else what is wrong.

    Consistent means: every signed head is still there at its position with its hash, and every changed
    chain re-hashes from genesis to its new head (so the new head extends the signed one).
    """
    problems: list[str] = []
    for cid, (seq, h, when) in sorted(state.heads.items()):
        current = heads.get(cid)
        have = current.chain_seq if current else 0
        if have < seq:
            problems.append(
                f"{describe_chain(cid)}: checkpoint {when} recorded {seq} events (head {h[:12]}), "
                f"the database has {have}"
            )
        elif current is not None and have == seq and current.hash != h:
            problems.append(
                f"{describe_chain(cid)}: checkpoint {when} recorded head {h[:12]} at {seq}, "
                f"the database has {current.hash[:12]} (rewritten)"
            )
    changed = {
        cid: head
        for cid, head in heads.items()
        if cid not in state.heads or head.chain_seq > state.heads[cid][0]
    }
    async for cid, events in read_chains(factory, changed):
        old = state.heads.get(cid)
        prev_seq, prev_hash = 0, GENESIS_HASH
        for event in events:
            problem = link_problem(event, prev_seq, prev_hash)
            if problem is None and old is not None and event.chain_seq == old[0] and event.hash != old[1]:
                problem = (
                    f"{describe_chain(cid)}: checkpoint {old[2]} recorded head {old[1][:12]} at {old[0]}, "
                    f"the database has {event.hash[:12]} (rewritten)"
                )
            if problem is not None:
                problems.append(problem)
                break
            prev_seq, prev_hash = event.chain_seq, event.hash
        else:
            if prev_seq != changed[cid].chain_seq:
                problems.append(f"{describe_chain(cid)}: events changed while being checked")
    return problems if problems else changed


# --- Verification ---------------------------------------------------------------------------------------


async def verify_log(factory: async_sessionmaker[AsyncSession], settings: Settings) -> ChainVerdict:
    """Recompute every chain and hold the database against every signed checkpoint."""
    path = checkpoint_path(settings)
    key = load_signing_key(settings, create=False)
    state: LogState | None = None
    problems: list[str] = []
    if key is not None:
        state = read_log(path, key.public_key())
        problems.extend(state.problems)
    elif path.exists() and path.stat().st_size:
        problems.append(f"{path} holds checkpoints but no signing key is configured to verify them")
    watch = {cid: seq for cid, (seq, _, _) in state.heads.items()} if state else {}
    scan = await scan_chains(factory, watch=watch)
    missing: list[str] = []
    if state is not None and state.latest is not None:
        recorded = 0
        covered = 0
        for cid, (seq, h, when) in sorted(state.heads.items()):
            have = scan.counts.get(cid, 0)
            recorded += seq
            covered += min(have, seq)
            got = scan.hashes_at.get(cid)
            if got is None:
                missing.append(
                    f"{describe_chain(cid)}: checkpoint {when} recorded {seq} events (head {h[:12]}), "
                    f"the database has {have}"
                )
            elif got != h:
                missing.append(
                    f"{describe_chain(cid)}: checkpoint {when} recorded head {h[:12]} at {seq}, "
                    f"the database has {got[:12]} there (rewritten)"
                )
        latest_at = state.latest["checkpoint"]["created_at"]
        if covered < recorded:
            if scan.checked == 0:
                missing.insert(
                    0,
                    f"log truncated: checkpoint {latest_at} recorded {recorded:,} events, the database has 0",
                )
            else:
                missing.insert(
                    0,
                    f"{recorded - covered:,} signed event(s) missing: checkpoint {latest_at} recorded "
                    f"{recorded:,} events, the database has {covered:,} of them",
                )
    problems.extend(missing)
    problems.extend(scan.problems)
    problems = capped(problems)
    return ChainVerdict(
        ok=not problems,
        checked=scan.checked,
        first_broken_seq=scan.first_broken_seq,
        reason=problems[0] if problems else None,
        chains=len(scan.heads),
        problems=problems,
        checkpoint=state.latest if state else None,
        checkpoints_verified=state.lines if state else 0,
    )


# --- The periodic writer --------------------------------------------------------------------------------


async def _checkpoint_quietly(log: CheckpointLog, factory: async_sessionmaker[AsyncSession]) -> None:
    try:
        await log.write(factory)
    except CheckpointRefused:
        pass  # logged as an error by the writer
    except Exception:
        logger.exception("audit checkpoint failed")


@asynccontextmanager
async def periodic_checkpoints(
    settings: Settings, factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[CheckpointLog | None]:
    """Write a signed checkpoint every ``audit_checkpoint_seconds`` (0: never) and one at shutdown."""
    if settings.audit_checkpoint_seconds <= 0:
        yield None
        return
    key = load_signing_key(settings, create=True)
    assert key is not None
    log = CheckpointLog(checkpoint_path(settings), key)

    async def loop() -> None:
        while True:
            await asyncio.sleep(settings.audit_checkpoint_seconds)
            await _checkpoint_quietly(log, factory)

    try:
        async with running(loop(), name="audit-checkpoints"):
            yield log
    finally:
        await _checkpoint_quietly(log, factory)
