"""The on-disk model cache: one directory per (grade, key), a pickle and a manifest with its checksum.

The key is the sha256 of the training data, the training configuration and the library versions, so a
change to any of them makes a new key. The manifest's checksum catches a truncated or tampered pickle;
either way the caller retrains rather than trusting the file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pickle
import platform
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ARTIFACT = "model.pkl"
MANIFEST = "manifest.json"
# Bump when the pickled layout or the training code changes meaning.
FORMAT_VERSION = 4


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("scikit-learn", "numpy", "scipy"):
        versions[package] = metadata.version(package)
    return versions


def cache_key(parts: dict[str, Any]) -> str:
    canonical = json.dumps({"format": FORMAT_VERSION, **parts}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def entry_dir(cache_dir: Path, grade: str, key: str) -> Path:
    return cache_dir / f"triage-{grade}-{key[:16]}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class StaleOrCorrupt(Exception):
    """The cache entry is missing, for another key, or fails its checksum."""


@contextlib.contextmanager
def building(cache_dir: Path, grade: str) -> Iterator[None]:
    """Held while one process reads or trains this grade: several app processes (or test workers) starting
    together on a fresh machine train once, and the others wait and load what it wrote, instead of all
    training and removing one another's entries. An advisory lock on a file beside the entries."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with (cache_dir / f".triage-{grade}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read(cache_dir: Path, grade: str, key: str) -> tuple[Any, dict[str, Any]]:
    folder = entry_dir(cache_dir, grade, key)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StaleOrCorrupt(f"no readable manifest in {folder}") from error
    if manifest.get("key") != key or manifest.get("format") != FORMAT_VERSION:
        raise StaleOrCorrupt(f"{folder} was built for another key or format")
    artifact = folder / ARTIFACT
    try:
        checksum = file_sha256(artifact)
    except OSError as error:
        raise StaleOrCorrupt(f"{artifact} is unreadable") from error
    if checksum != manifest.get("artifact_sha256"):
        raise StaleOrCorrupt(f"{artifact} does not match the checksum in its manifest")
    with artifact.open("rb") as handle:
        # Safe to unpickle: we wrote it, and the checksum in our manifest matches.
        return pickle.load(handle), manifest


def write(cache_dir: Path, grade: str, key: str, payload: Any, details: dict[str, Any]) -> dict[str, Any]:
    """Write atomically (temp dir, then rename) and remove this grade's entries for older keys."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    folder = entry_dir(cache_dir, grade, key)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=cache_dir))
    try:
        data = pickle.dumps(payload, protocol=5)
        (staging / ARTIFACT).write_bytes(data)
        manifest = {
            "format": FORMAT_VERSION,
            "key": key,
            "grade": grade,
            "artifact_sha256": hashlib.sha256(data).hexdigest(),
            "created_at": datetime.now(UTC).isoformat(),
            **details,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    for old in cache_dir.glob(f"triage-{grade}-*"):
        if old != folder and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return manifest
