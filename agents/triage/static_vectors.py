"""Static MiniLM word-piece vectors: semantic features for the light grade, with numpy and no torch.

The light grade cannot run MiniLM, but it can use what MiniLM knows. `fixtures/triage/minilm_static.npz`
(built once by `bankdesk train --static-vectors`, which needs the embeddings extra) holds, int8-quantised:

- the MiniLM word-piece vocabulary, so this module tokenises exactly as MiniLM does;
- a prior vector for each word piece of the training texts: MiniLM's output for that piece alone
  (the Model2Vec distillation);
- the MiniLM sentence vector of each training text, keyed by a hash of the text.

Training fits a table of word-piece vectors whose IDF-weighted mean reproduces the sentence vectors of the
training rows (ridge regression towards the priors, the Tokenlearn idea), so a message is embedded by a
table lookup and a sum. Only the training rows of each cross-validation fold are used to fit it.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import linalg, sparse

from agents.triage.calibration import FloatArray

STATIC_VECTORS_FILE = "triage/minilm_static.npz"
# As the MiniLM encoder: the intent is stated well within 64 word pieces.
MAX_TOKENS = 64
MAX_WORD_CHARS = 100
UNKNOWN = "[UNK]"
FORMAT = 1


class StaticVectorsError(RuntimeError):
    """The static-vector file is missing or unreadable; the message says how to rebuild it."""


def text_key(text: str) -> int:
    """A 64-bit key for a training text (sha256 prefix), to find its sentence vector."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def basic_words(text: str) -> list[str]:
    """BERT's basic tokenisation (uncased): clean, split CJK, lowercase, strip accents, split punctuation."""
    chars = []
    for char in text:
        code = ord(char)
        category = unicodedata.category(char)
        if code == 0 or code == 0xFFFD or (category in ("Cc", "Cf") and char not in "\t\n\r"):
            continue
        if _is_cjk(code):
            chars.append(f" {char} ")
        elif char.isspace():
            chars.append(" ")
        else:
            chars.append(char)
    normalised = unicodedata.normalize("NFD", "".join(chars).lower())
    stripped = "".join(char for char in normalised if unicodedata.category(char) != "Mn")
    words: list[str] = []
    for chunk in stripped.split():
        current = ""
        for char in chunk:
            if _is_punctuation(char):
                if current:
                    words.append(current)
                    current = ""
                words.append(char)
            else:
                current += char
        if current:
            words.append(current)
    return words


@dataclass
class WordPieceTokenizer:
    """MiniLM's (BERT uncased) word-piece tokeniser in plain Python: greedy longest match per word."""

    vocab: tuple[str, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index = {piece: i for i, piece in enumerate(self.vocab)}

    def __getstate__(self) -> dict[str, Any]:
        return {"vocab": self.vocab}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.vocab = state["vocab"]
        self.__post_init__()

    def ids(self, text: str) -> list[int]:
        result: list[int] = []
        unknown = self._index[UNKNOWN]
        for word in basic_words(text):
            if len(word) > MAX_WORD_CHARS:
                result.append(unknown)
            else:
                result.extend(self._word_pieces(word, unknown))
            if len(result) >= MAX_TOKENS:
                break
        return result[:MAX_TOKENS]

    def _word_pieces(self, word: str, unknown: int) -> list[int]:
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = -1
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self._index.get(piece, -1)
                if found >= 0:
                    break
                end -= 1
            if found < 0:
                return [unknown]
            pieces.append(found)
            start = end
        return pieces


def _dequantise(values: NDArray[np.int8], scales: NDArray[np.float32]) -> NDArray[np.float32]:
    result: NDArray[np.float32] = values.astype(np.float32) * scales[:, None]
    return result


def quantise(rows: NDArray[Any]) -> tuple[NDArray[np.int8], NDArray[np.float32]]:
    """Symmetric int8 per row: each row's largest magnitude maps to 127."""
    rows = np.asarray(rows, dtype=np.float32)
    scales = (np.abs(rows).max(axis=1) / 127.0).astype(np.float32)
    safe = np.where(scales == 0.0, 1.0, scales)
    values = np.clip(np.rint(rows / safe[:, None]), -127, 127).astype(np.int8)
    return values, scales


@dataclass(frozen=True)
class StaticArtifact:
    """The contents of the static-vector file."""

    vocab: tuple[str, ...]
    prior_ids: NDArray[np.int64]
    prior: NDArray[np.float32]
    target_keys: NDArray[np.uint64]
    targets: NDArray[np.float32]
    source: str

    @property
    def dimension(self) -> int:
        return int(self.targets.shape[1])

    def tokenizer(self) -> WordPieceTokenizer:
        return WordPieceTokenizer(self.vocab)

    def prior_table(self) -> dict[int, NDArray[np.float32]]:
        return {int(token): self.prior[row] for row, token in enumerate(self.prior_ids)}

    def targets_for(self, texts: list[str]) -> tuple[NDArray[np.bool_], NDArray[np.float32]]:
        """Each text's sentence vector (zeros where the file has none) and which texts have one."""
        where = {int(key): row for row, key in enumerate(self.target_keys)}
        rows = [where.get(text_key(text), -1) for text in texts]
        found = np.array([row >= 0 for row in rows], dtype=np.bool_)
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if found.any():
            result[found] = self.targets[[row for row in rows if row >= 0]]
        return found, result


def read_artifact(path: Path) -> StaticArtifact:
    if not path.is_file():
        raise StaticVectorsError(
            f"{path}: no such file; the light grade's static MiniLM vectors are rebuilt with "
            "`bankdesk train --static-vectors` (needs pip install -e '.[embeddings]')"
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != FORMAT:
                raise StaticVectorsError(f"{path}: format {int(data['format'])}, expected {FORMAT}")
            return StaticArtifact(
                vocab=tuple(str(data["vocab"]).split("\n")),
                prior_ids=data["prior_ids"].astype(np.int64),
                prior=_dequantise(data["prior"], data["prior_scales"]),
                target_keys=data["target_keys"].astype(np.uint64),
                targets=_dequantise(data["targets"], data["target_scales"]),
                source=str(data["source"]),
            )
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise StaticVectorsError(f"{path}: unreadable static vectors ({error}); rebuild them") from error


def write_artifact(
    path: Path,
    *,
    vocab: list[str],
    prior_ids: list[int],
    prior: NDArray[Any],
    texts: list[str],
    targets: NDArray[Any],
    source: str,
) -> None:
    """Write the file deterministically (same inputs, same bytes), one row per distinct text."""
    keys: dict[int, int] = {}
    for row, text in enumerate(texts):
        keys.setdefault(text_key(text), row)
    order = sorted(keys)
    prior_values, prior_scales = quantise(prior)
    target_values, target_scales = quantise(np.asarray(targets)[[keys[key] for key in order]])
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed over it, so an interrupted rebuild leaves the old file whole.
    staging = path.with_name(f".{path.name}.partial")
    try:
        with staging.open("wb") as handle:
            np.savez_compressed(
                handle,
                format=np.int64(FORMAT),
                vocab=np.array("\n".join(vocab)),
                prior_ids=np.array(prior_ids, dtype=np.int32),
                prior=prior_values,
                prior_scales=prior_scales,
                target_keys=np.array(order, dtype=np.uint64),
                targets=target_values,
                target_scales=target_scales,
                source=np.array(source),
            )
        os.replace(staging, path)
    except BaseException:
        # A failed or interrupted write (disk full, Ctrl-C) leaves no half-written file behind.
        staging.unlink(missing_ok=True)
        raise


def unit_rows(vectors: FloatArray) -> FloatArray:
    """Each row scaled to unit length (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    result: FloatArray = vectors / np.where(norms == 0.0, 1.0, norms)
    return result


@dataclass
class StaticEncoder:
    """A fitted word-piece table: a text's vector is the IDF-weighted sum of its pieces' rows, unit length."""

    tokenizer: WordPieceTokenizer
    rows: dict[int, int]  # word-piece id -> row of `table`
    table: NDArray[np.float32]  # rows pre-multiplied by their IDF weight

    def encode(self, texts: list[str]) -> FloatArray:
        return self.encode_ids([self.tokenizer.ids(text) for text in texts])

    def encode_ids(self, id_lists: list[list[int]]) -> FloatArray:
        result = np.zeros((len(id_lists), self.table.shape[1]), dtype=np.float64)
        for i, ids in enumerate(id_lists):
            rows = [self.rows[token] for token in ids if token in self.rows]
            if rows:
                result[i] = self.table[rows].sum(axis=0, dtype=np.float64)
        return unit_rows(result)


def _counts(id_lists: list[list[int]], n_columns: int) -> sparse.csr_matrix:
    indptr = np.cumsum([0] + [len(ids) for ids in id_lists])
    indices = np.fromiter((token for ids in id_lists for token in ids), dtype=np.int64, count=int(indptr[-1]))
    matrix = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.float64), indices, indptr), shape=(len(id_lists), n_columns)
    )
    matrix.sum_duplicates()
    return matrix


def fit_static_encoder(
    tokenizer: WordPieceTokenizer,
    id_lists: list[list[int]],
    has_target: NDArray[np.bool_],
    targets: NDArray[np.float32],
    prior: dict[int, NDArray[np.float32]],
    *,
    alpha: float,
) -> StaticEncoder:
    """Ridge regression of the pieces' vectors on the sentence vectors, shrunk towards the priors.

    Minimises ||A T - E||^2 + alpha ||T - P||^2 over the rows that have a sentence vector, where A holds
    each row's IDF-weighted piece counts scaled to sum to one, E the sentence vectors and P the priors
    (zero for a piece without one). A piece seen only in rows without a sentence vector keeps its prior.
    """
    n_rows = len(id_lists)
    counts = _counts(id_lists, len(tokenizer.vocab))
    document_frequency = np.asarray((counts > 0).sum(axis=0)).ravel()
    idf = np.log((1.0 + n_rows) / (1.0 + document_frequency))
    seen = np.flatnonzero(document_frequency)
    dimension = targets.shape[1]
    priors = np.zeros((len(seen), dimension), dtype=np.float64)
    for row, token in enumerate(seen):
        vector = prior.get(int(token))
        if vector is not None:
            priors[row] = vector / max(float(np.linalg.norm(vector)), 1e-12)
    table = priors.copy()
    weighted = counts[:, seen].multiply(idf[seen][None, :]).tocsr()
    design = weighted[np.flatnonzero(has_target)]
    totals = np.asarray(design.sum(axis=1)).ravel()
    design = sparse.diags(1.0 / np.where(totals == 0.0, 1.0, totals)) @ design
    used = np.flatnonzero(np.asarray((design != 0).sum(axis=0)).ravel())
    if len(used):
        a = design[:, used]
        gram = (a.T @ a).toarray() + alpha * np.eye(len(used))
        right = a.T @ targets[has_target].astype(np.float64) + alpha * priors[used]
        table[used] = linalg.solve(gram, right, assume_a="pos")
    weighted_table = (table * idf[seen][:, None]).astype(np.float32)
    return StaticEncoder(tokenizer, {int(token): row for row, token in enumerate(seen)}, weighted_table)
