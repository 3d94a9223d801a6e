from __future__ import annotations

import subprocess
import sys

from agents.triage.model import TriageModel

from .conftest import TEST_CACHE_DIR

SCRIPT = """
import sys
from pathlib import Path
from agents.triage.model import load_or_train
from agents.triage.evaluate import evaluate
model = load_or_train(grade="light", cache_dir=Path({cache!r}))
assert model.predict("where is my card").intent
evaluate(model, [("hello", "greeting")])
heavy = sorted(name for name in ("torch", "sentence_transformers", "transformers") if name in sys.modules)
print(",".join(heavy) or "clean")
"""


def test_light_grade_never_imports_torch(light_model: TriageModel) -> None:
    # The session fixture has already cached the light model, so the child process only loads it.
    assert light_model.grade == "light"
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(cache=str(TEST_CACHE_DIR))],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert completed.stdout.strip() == "clean"
