"""Train each triage grade once per session; the cache under var/ makes later sessions load in a second."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from agents.triage.config import TriageConfig, load_triage_config
from agents.triage.data import DEFAULT_DATA_DIR, read_labelled_csv
from agents.triage.model import TriageModel, load_or_train
from agents.triage.static_vectors import STATIC_VECTORS_FILE

REPO_ROOT = Path(__file__).resolve().parents[3]
TEST_CACHE_DIR = REPO_ROOT / "var" / "models" / "tests"
HELDOUT_CSV = DEFAULT_DATA_DIR / "triage" / "extra_heldout.csv"
SMALL_INTENTS = ("card_arrival", "lost_or_stolen_card", "exchange_rate", "change_pin")


@pytest.fixture(scope="session")
def triage_config() -> TriageConfig:
    return load_triage_config()


@pytest.fixture(scope="session")
def light_model() -> TriageModel:
    return load_or_train(grade="light", cache_dir=TEST_CACHE_DIR)


@pytest.fixture(scope="session")
def embeddings_model() -> TriageModel:
    return load_or_train(grade="embeddings", cache_dir=TEST_CACHE_DIR)


@pytest.fixture(scope="session")
def heldout_rows() -> list[tuple[str, str]]:
    return read_labelled_csv(HELDOUT_CSV)


def write_rows(path: Path, rows: list[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        writer.writerows(rows)


def make_small_data_dir(root: Path) -> Path:
    """A few intents of the real data: trains in well under a second, for cache and determinism tests."""
    banking = read_labelled_csv(DEFAULT_DATA_DIR / "banking77" / "train.csv")
    extra = read_labelled_csv(DEFAULT_DATA_DIR / "triage" / "extra_train.csv")
    write_rows(root / "banking77" / "train.csv", [r for r in banking if r[1] in SMALL_INTENTS][:400])
    write_rows(root / "triage" / "extra_train.csv", [r for r in extra if r[1] in ("greeting", "thanks")])
    shutil.copyfile(DEFAULT_DATA_DIR / STATIC_VECTORS_FILE, root / STATIC_VECTORS_FILE)
    return root
