"""Would fine-tuning MiniLM lift the embeddings grade to 94 %? An experiment, not part of the product.

    .venv/bin/python bench/triage_finetune.py [--layers 2] [--epochs 5] [--lr 2e-4] [--folds 0 1]

For each chosen fold of the training run's own 5-fold split, this fine-tunes the top `--layers` transformer
layers of all-MiniLM-L6-v2 (fp32, the layers below frozen and their output computed once) with a mean-pooled
linear head on the fold's training rows, scores the held-out rows, and adds those scores as a fourth member
to the embeddings grade's out-of-fold members (TF-IDF SVM, MiniLM SVM, neighbours). It reports accuracy on
the Banking77 rows of those folds, alone and in the ensemble at several weights, and the minutes per fold.
Needs the embeddings extra. Writes bench/out/triage_finetune.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold

from agents.triage.calibration import fit_temperature
from agents.triage.config import load_triage_config
from agents.triage.data import load_training_files
from agents.triage.encoder import MAX_TOKENS, load_encoder, model_path, set_torch_threads
from agents.triage.training import combine, member_weights, out_of_fold_scores

OUT = Path(__file__).resolve().parent / "out"
BATCH = 32
HIDDEN = 384
POOL_SCALE = 20.0  # unit-length pooled vectors times this: logits of a useful range for the linear head
HEAD_LR_FACTOR = 20


def lower_layer_states(model: Any, token_ids: list[list[int]], first_trained: int) -> list[Any]:
    """Each text's hidden states entering the first trained layer, computed once (those layers are frozen)."""
    import torch

    states: list[Any] = [None] * len(token_ids)
    order = np.argsort([len(ids) for ids in token_ids])
    with torch.no_grad():
        for start in range(0, len(order), 64):
            rows = order[start : start + 64]
            width = max(len(token_ids[i]) for i in rows)
            ids = torch.zeros((len(rows), width), dtype=torch.long)
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for j, i in enumerate(rows):
                ids[j, : len(token_ids[i])] = torch.tensor(token_ids[i])
                mask[j, : len(token_ids[i])] = 1
            hidden = model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
            for j, i in enumerate(rows):
                states[i] = hidden[first_trained][j, : len(token_ids[i])].clone()
    return states


def fine_tune_fold(
    model: Any,
    states: list[Any],
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    args: argparse.Namespace,
) -> np.ndarray:
    import torch
    from transformers.masking_utils import create_bidirectional_mask

    torch.manual_seed(0)
    first = 6 - args.layers
    layers = torch.nn.ModuleList([model.encoder.layer[i] for i in range(first, 6)])
    original = [{k: v.clone() for k, v in layer.state_dict().items()} for layer in layers]
    head = torch.nn.Linear(HIDDEN, int(y.max()) + 1)

    def forward(rows: list[int]) -> Any:
        width = max(len(states[i]) for i in rows)
        hidden = torch.zeros((len(rows), width, HIDDEN))
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for j, i in enumerate(rows):
            hidden[j, : len(states[i])] = states[i]
            mask[j, : len(states[i])] = 1
        attention = create_bidirectional_mask(config=model.config, inputs_embeds=hidden, attention_mask=mask)
        for layer in layers:
            hidden = layer(hidden, attention)
            hidden = hidden[0] if isinstance(hidden, tuple) else hidden
        weights = mask.unsqueeze(-1).float()
        pooled = torch.nn.functional.normalize((hidden * weights).sum(1) / weights.sum(1), dim=-1)
        return head(pooled * POOL_SCALE)

    rates = [args.lr, args.lr * HEAD_LR_FACTOR]
    optimiser = torch.optim.AdamW(
        [{"params": layers.parameters(), "lr": rates[0]}, {"params": head.parameters(), "lr": rates[1]}],
        weight_decay=0.01,
    )
    steps = args.epochs * ((len(train) + BATCH - 1) // BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=rates, total_steps=steps, pct_start=0.1, anneal_strategy="linear"
    )
    rng = np.random.default_rng(0)
    targets = torch.tensor(y)
    layers.train()
    for epoch in range(args.epochs):
        started = time.perf_counter()
        # Batches of similar length (sorted within random chunks), in random order: little padding.
        shuffled = rng.permutation(train)
        batches: list[list[int]] = []
        for start in range(0, len(shuffled), BATCH * 50):
            chunk = sorted(shuffled[start : start + BATCH * 50].tolist(), key=lambda i: len(states[i]))
            batches += [chunk[k : k + BATCH] for k in range(0, len(chunk), BATCH)]
        rng.shuffle(batches)
        total = 0.0
        for rows in batches:
            loss = torch.nn.functional.cross_entropy(forward(rows), targets[rows], label_smoothing=0.1)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.item())
        print(
            f"    epoch {epoch + 1}/{args.epochs}: loss {total / len(batches):.3f},"
            f" {time.perf_counter() - started:.0f} s"
        )
    layers.eval()
    scores = np.zeros((len(test), head.out_features))
    with torch.no_grad():
        order = sorted(range(len(test)), key=lambda j: len(states[test[j]]))
        for start in range(0, len(order), 64):
            chunk = order[start : start + 64]
            scores[chunk] = forward([int(test[j]) for j in chunk]).numpy()
    for layer, weights in zip(layers, original, strict=True):
        layer.load_state_dict(weights)  # the next fold starts from MiniLM again
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=2, choices=range(1, 7))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--folds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    from transformers import AutoModel, AutoTokenizer

    config = load_triage_config().training["embeddings"]
    files = load_training_files()
    rows = [row for file_rows in files for row in file_rows]
    texts = [text for text, _ in rows]
    classes = sorted({label for _, label in rows})
    y = np.array([classes.index(label) for _, label in rows], dtype=np.int64)
    banking77 = np.arange(len(rows)) < len(files[0])

    print("the embeddings grade's out-of-fold members (int8 MiniLM, as training encodes)")
    embeddings = load_encoder(threads=args.threads).encode(texts)
    weights = member_weights(config, with_embeddings=True)
    oof = out_of_fold_scores(texts, y, embeddings, config, weights, lambda message: print(f"  {message}"))

    set_torch_threads(args.threads)
    path = str(model_path())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    token_ids = [tokenizer(text, truncation=True, max_length=MAX_TOKENS)["input_ids"] for text in texts]
    started = time.perf_counter()
    states = lower_layer_states(model, token_ids, 6 - args.layers)
    print(f"frozen layers' output for all rows: {time.perf_counter() - started:.0f} s")

    splits = list(
        StratifiedKFold(config.calibration_folds, shuffle=True, random_state=config.seed).split(texts, y)
    )
    held_out = np.concatenate([splits[fold][1] for fold in args.folds])
    tuned_parts, minutes = [], []
    for fold in args.folds:
        print(f"fold {fold}: fine-tuning the top {args.layers} layers")
        started = time.perf_counter()
        tuned_parts.append(fine_tune_fold(model, states, y, splits[fold][0], splits[fold][1], args))
        minutes.append((time.perf_counter() - started) / 60)

    members = {name: scores[held_out] for name, scores in oof.items()} | {"tuned": np.vstack(tuned_parts)}
    labels, rows_b77 = y[held_out], banking77[held_out]
    temperatures = {name: fit_temperature(scores, labels) for name, scores in members.items()}

    def accuracy(mix: dict[str, float]) -> float:
        combined = combine(members, temperatures, mix)
        return float((combined[rows_b77].argmax(axis=1) == labels[rows_b77]).mean())

    alone = {name: accuracy({name: 1.0}) for name in members}
    ensemble = {"as configured": accuracy(weights)} | {
        f"+ tuned x{w}": accuracy(weights | {"tuned": w}) for w in (0.5, 1.0, 2.0, 3.0)
    }
    result = {
        "settings": vars(args) | {"rows": len(texts), "held_out_banking77_rows": int(rows_b77.sum())},
        "minutes_per_fold": [round(m, 2) for m in minutes],
        "banking77_accuracy_alone": alone,
        "banking77_accuracy_ensemble": ensemble,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "triage_finetune.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
