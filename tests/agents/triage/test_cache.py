"""Determinism and cache invalidation, on a small slice of the data so each training takes a moment."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from agents.triage import cache
from agents.triage.config import TriageConfig
from agents.triage.model import TriageModel, load_or_train

from .conftest import make_small_data_dir

PROBES = ["where is my new card", "my card got stolen", "hello there", "what rate do you use", "cheers"]


class Recorder:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, message: str) -> None:
        self.messages.append(message)

    @property
    def trained(self) -> bool:
        return any(message.startswith("training") for message in self.messages)


@pytest.fixture
def small_data(tmp_path: Path) -> Path:
    return make_small_data_dir(tmp_path / "data")


def _load(
    cache_dir: Path, data_dir: Path, config: TriageConfig | None = None
) -> tuple[TriageModel, Recorder]:
    recorder = Recorder()
    model = load_or_train(
        grade="light", cache_dir=cache_dir, data_dir=data_dir, progress=recorder, config=config
    )
    return model, recorder


def _artifact(cache_dir: Path) -> Path:
    (entry,) = cache_dir.glob("triage-light-*")
    return entry / cache.ARTIFACT


def test_training_is_deterministic(tmp_path: Path, small_data: Path) -> None:
    first, _ = _load(tmp_path / "a", small_data)
    second, _ = _load(tmp_path / "b", small_data)
    assert cache.file_sha256(_artifact(tmp_path / "a")) == cache.file_sha256(_artifact(tmp_path / "b"))
    assert first.predict_batch(PROBES) == second.predict_batch(PROBES)


def test_training_is_deterministic_across_processes(tmp_path: Path, small_data: Path) -> None:
    # Another process has other memory addresses and another hash seed: neither may reach the pickle.
    script = (
        "import sys; from pathlib import Path; from agents.triage.model import load_or_train; "
        "load_or_train(grade='light', cache_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2]))"
    )
    for name in ("a", "b"):
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / name), str(small_data)], check=True, timeout=300
        )
    assert cache.file_sha256(_artifact(tmp_path / "a")) == cache.file_sha256(_artifact(tmp_path / "b"))


def test_processes_starting_together_train_once(tmp_path: Path, small_data: Path) -> None:
    """Three app processes (or test workers) start at once on a fresh machine: one trains, the others wait for
    its entry and load it, and none fails on an entry another removed under it."""
    script = (
        "import sys; from pathlib import Path; from agents.triage.model import load_or_train; "
        "m = load_or_train(grade='light', cache_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2]), "
        "progress=lambda line: print(line, flush=True)); "
        "print('intent', m.predict('my card got stolen').intent)"
    )
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / "shared"), str(small_data)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=300)[0] for process in starts]
    assert [process.returncode for process in starts] == [0, 0, 0]
    trained = [output for output in outputs if "training the light triage model" in output]
    assert len(trained) == 1, outputs
    assert all("intent lost_or_stolen_card" in output for output in outputs)
    assert len(list((tmp_path / "shared").glob("triage-light-*"))) == 1


def test_second_load_uses_the_cache(tmp_path: Path, small_data: Path) -> None:
    _, cold = _load(tmp_path, small_data)
    warm_model, warm = _load(tmp_path, small_data)
    assert cold.trained
    assert not warm.trained
    assert warm_model.predict("my card got stolen").intent == "lost_or_stolen_card"


def test_changed_data_retrains(tmp_path: Path, small_data: Path) -> None:
    first, _ = _load(tmp_path, small_data)
    extra = small_data / "triage" / "extra_train.csv"
    extra.write_text(extra.read_text() + "yo yo yo,greeting\n")
    second, recorder = _load(tmp_path, small_data)
    assert recorder.trained
    assert second.key != first.key
    assert len(list(tmp_path.glob("triage-light-*"))) == 1, "the stale entry is removed"


def test_changed_config_retrains(tmp_path: Path, small_data: Path, triage_config: TriageConfig) -> None:
    _load(tmp_path, small_data, triage_config)
    light = dataclasses.replace(triage_config.training["light"], C=0.25)
    changed = dataclasses.replace(triage_config, training={**triage_config.training, "light": light})
    _, recorder = _load(tmp_path, small_data, changed)
    assert recorder.trained


@pytest.mark.parametrize("damage", ["truncate", "flip_byte", "delete_manifest", "foreign_manifest_key"])
def test_corrupt_cache_is_rebuilt(tmp_path: Path, small_data: Path, damage: str) -> None:
    _load(tmp_path, small_data)
    artifact = _artifact(tmp_path)
    good_hash = cache.file_sha256(artifact)
    manifest = artifact.with_name(cache.MANIFEST)
    if damage == "truncate":
        artifact.write_bytes(artifact.read_bytes()[:100])
    elif damage == "flip_byte":
        data = bytearray(artifact.read_bytes())
        data[len(data) // 2] ^= 0xFF
        artifact.write_bytes(bytes(data))
    elif damage == "delete_manifest":
        manifest.unlink()
    else:
        manifest.write_text(manifest.read_text().replace('"key": "', '"key": "0'))
    model, recorder = _load(tmp_path, small_data)
    assert recorder.trained
    assert cache.file_sha256(_artifact(tmp_path)) == good_hash
    assert model.predict("my card got stolen").intent == "lost_or_stolen_card"
