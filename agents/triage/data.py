"""Reading labelled CSVs (`text,category`) and the triage training set."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "fixtures"
TRAINING_FILES: tuple[str, ...] = ("banking77/train.csv", "triage/extra_train.csv")
REQUIRED_COLUMNS = ("text", "category")

LabelledRows = list[tuple[str, str]]


class CsvError(ValueError):
    """A labelled CSV that cannot be used, with a message fit for the person who gave it."""


def read_labelled_csv(path: Path) -> LabelledRows:
    """Rows of (text, category); raises CsvError for a missing file, missing columns or no rows."""
    if not path.is_file():
        raise CsvError(f"{path}: no such file")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            missing = [name for name in REQUIRED_COLUMNS if name not in columns]
            if missing:
                raise CsvError(
                    f"{path}: missing column(s) {', '.join(missing)}; expected a header 'text,category', "
                    f"found {','.join(columns) or 'nothing'}"
                )
            rows = [(row["text"] or "", row["category"] or "") for row in reader]
    except UnicodeDecodeError as error:
        raise CsvError(f"{path}: not UTF-8 text ({error.reason})") from error
    except csv.Error as error:
        raise CsvError(f"{path}: malformed CSV ({error})") from error
    if not rows:
        raise CsvError(f"{path}: no data rows")
    unlabelled = sum(1 for _, category in rows if not category.strip())
    if unlabelled:
        raise CsvError(f"{path}: {unlabelled} row(s) have an empty category")
    return rows


def training_paths(data_dir: Path | None = None) -> list[Path]:
    root = data_dir or DEFAULT_DATA_DIR
    return [root / name for name in TRAINING_FILES]


def load_training_files(data_dir: Path | None = None) -> list[LabelledRows]:
    """The rows of each training file, in `TRAINING_FILES` order (Banking77 first)."""
    return [read_labelled_csv(path) for path in training_paths(data_dir)]


def load_training_rows(data_dir: Path | None = None) -> LabelledRows:
    """Banking77 train (Casanueva et al. 2020, CC BY 4.0) followed by the Bankdesk support intents."""
    return [row for rows in load_training_files(data_dir) for row in rows]


def training_data_digest(data_dir: Path | None = None, extra_files: tuple[str, ...] = ()) -> str:
    """sha256 over the training files' (and `extra_files`') names and bytes: part of the model cache key.

    A missing extra file is digested as missing, so adding it later changes the key.
    """
    digest = hashlib.sha256()
    root = data_dir or DEFAULT_DATA_DIR
    for name in TRAINING_FILES + extra_files:
        path = root / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() or name in TRAINING_FILES else b"\0missing")
    return digest.hexdigest()
