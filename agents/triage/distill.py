"""Build `fixtures/triage/minilm_static.npz` from MiniLM (needs the embeddings extra; run when data change).

    bankdesk train --static-vectors

Sentence vectors come from the same int8 encoder the embeddings grade uses (its last pooled layer, the
sentence-embedding layer); a word piece's prior is the float model's mean output over `[CLS] piece [SEP]`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from agents.triage.data import DEFAULT_DATA_DIR, load_training_rows
from agents.triage.encoder import POOLED_LAYERS, load_encoder, model_path
from agents.triage.static_vectors import STATIC_VECTORS_FILE, WordPieceTokenizer, write_artifact

Progress = Callable[[str], None]
PRIOR_BATCH = 512


def piece_priors(piece_ids: list[int]) -> np.ndarray:
    """MiniLM's output for each word piece alone, mean-pooled over `[CLS] piece [SEP]` (float model)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = str(model_path())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    ids = torch.tensor(piece_ids, dtype=torch.long)
    parts = []
    with torch.inference_mode():
        for start in range(0, len(ids), PRIOR_BATCH):
            batch = ids[start : start + PRIOR_BATCH]
            inputs = torch.stack(
                [
                    torch.full_like(batch, tokenizer.cls_token_id),
                    batch,
                    torch.full_like(batch, tokenizer.sep_token_id),
                ],
                dim=1,
            )
            hidden = model(input_ids=inputs, attention_mask=torch.ones_like(inputs)).last_hidden_state
            parts.append(hidden.mean(dim=1).numpy())
    return np.vstack(parts) if parts else np.zeros((0, int(model.config.hidden_size)))


def build_static_vectors(
    data_dir: Path | None = None, *, output: Path | None = None, progress: Progress | None = None
) -> Path:
    report = progress or (lambda _message: None)
    root = data_dir or DEFAULT_DATA_DIR
    target = output or root / STATIC_VECTORS_FILE
    texts = [text for text, _ in load_training_rows(data_dir)]
    vocab_file = model_path() / "vocab.txt"
    vocab = vocab_file.read_text(encoding="utf-8").splitlines()
    tokenizer = WordPieceTokenizer(tuple(vocab))
    pieces = sorted({token for text in texts for token in tokenizer.ids(text)})
    report(f"MiniLM priors for {len(pieces)} word pieces")
    priors = piece_priors(pieces)
    encoder = load_encoder(threads=1)
    dimension = priors.shape[1]
    layer = POOLED_LAYERS.index(max(POOLED_LAYERS))
    vectors = []
    for start in range(0, len(texts), 1000):
        report(f"MiniLM sentence vectors {start + 1}-{min(start + 1000, len(texts))} of {len(texts)}")
        encoded = encoder.encode(texts[start : start + 1000])
        vectors.append(encoded[:, layer * dimension : (layer + 1) * dimension])
    write_artifact(
        target,
        vocab=vocab,
        prior_ids=pieces,
        prior=priors,
        texts=texts,
        targets=np.vstack(vectors),
        source=f"{encoder.name}; sentence layer {max(POOLED_LAYERS)}",
    )
    report(f"wrote {target}")
    return target
