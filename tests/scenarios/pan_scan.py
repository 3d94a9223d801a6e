"""Read every table of a database and report any full card number stored in it (issue 11, finding 5).

Every text column is checked, and every binary column too: the LangGraph checkpoint (``graph_checkpoint``,
and ``checkpoints``/``checkpoint_blobs``/``checkpoint_writes`` when a LangGraph saver made them) is decoded
with LangGraph's own serializer and each string in it checked. LangGraph's channel versions
("00000000000000000000000000000007.0.5335002647231373": a counter and the digits of random(), Luhn-valid one
time in ten) are the library's bookkeeping and are skipped by key; UUIDs and long hexadecimal tokens
(hashes) are not numbers anyone typed and are blanked first.

The check itself (``tests.agents.safety.pan_forms.any_luhn_run``) is written apart from the redactor: after
normalisation it joins digit groups across any separator and looks for a Luhn-valid 12-19 digit number.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from typing import Any

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.agents.safety.pan_forms import any_luhn_run

_BOOKKEEPING_KEYS = frozenset({"channel_versions", "versions_seen", "updated_channels"})
_OPAQUE = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}|[0-9a-fA-F]{32,}"
)
# A phone number written with its country code ("+44 20 7946 0958", at most 15 digits: E.164): the seeded
# customers have them.
_PHONE = re.compile(r"\+\d{1,3}(?:[ -]\d+)+")


@dataclasses.dataclass(frozen=True)
class StoredPan:
    table: str
    column: str
    digits: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column} holds a Luhn-valid {len(self.digits)}-digit number"


def _strings(value: Any, *, depth: int = 0) -> Iterator[str]:
    if depth > 50:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, int) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, bytes | bytearray | memoryview):
        yield bytes(value).decode("utf-8", "ignore")
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in _BOOKKEEPING_KEYS:
                continue
            yield from _strings(key, depth=depth + 1)
            yield from _strings(item, depth=depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item, depth=depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name), depth=depth + 1)
    elif hasattr(value, "model_dump"):
        yield from _strings(value.model_dump(), depth=depth + 1)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        yield from _strings(vars(value), depth=depth + 1)


def _json_strings(value: str) -> Iterator[str]:
    """A JSON document's strings and integers (its floats are a model's numbers, not typed text:
    "0.2079830145749075" is a confidence); any other text as it is."""
    if value[:1] in ("{", "["):
        try:
            document = json.loads(value, parse_float=lambda _: None, parse_int=lambda i: i)
        except ValueError:
            pass
        else:
            yield from _strings(document)
            return
    yield value


def _decode_binary(serde: JsonPlusSerializer, type_name: str | None, blob: bytes) -> Iterator[str]:
    if type_name:
        try:
            yield from _strings(serde.loads_typed((type_name, blob)))
            return
        except Exception:  # noqa: BLE001 - not LangGraph's format: read the bytes as text
            pass
    yield blob.decode("utf-8", "ignore")


def _type_column(column: str, columns: list[str]) -> str | None:
    for candidate in (f"{column}_type", "type"):
        if candidate in columns and candidate != column:
            return candidate
    if column == "metadata" and "metadata_type" in columns:
        return "metadata_type"
    return None


def pan_in(value: str) -> str | None:
    cleaned = _PHONE.sub(
        lambda m: " " if sum(c.isdigit() for c in m.group()) <= 15 else m.group(), _OPAQUE.sub(" ", value)
    )
    return any_luhn_run(cleaned)


async def stored_pans(session: AsyncSession) -> list[StoredPan]:
    """Every (table, column) of the database holding a full card number."""
    tables: dict[str, list[str]] = await session.run_sync(
        lambda s: {
            name: [c["name"] for c in inspect(s.connection()).get_columns(name)]
            for name in inspect(s.connection()).get_table_names()
        }
    )
    assert "message" in tables, sorted(tables)
    assert "graph_checkpoint" in tables, sorted(tables)
    serde = JsonPlusSerializer()
    found: list[StoredPan] = []
    for table, columns in sorted(tables.items()):
        quoted = ", ".join(f'"{c}"' for c in columns)
        rows = (await session.execute(text(f'SELECT {quoted} FROM "{table}"'))).all()  # noqa: S608
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            for column, value in values.items():
                if value is None:
                    continue
                if isinstance(value, bytes | bytearray | memoryview):
                    type_column = _type_column(column, columns)
                    type_name = values.get(type_column) if type_column else None
                    strings = list(_decode_binary(serde, type_name, bytes(value)))
                elif isinstance(value, dict | list):  # JSON / JSONB
                    strings = list(_strings(value))
                elif isinstance(value, str):
                    strings = list(_json_strings(value))
                else:
                    continue
                for stored in strings:
                    digits = pan_in(stored)
                    if digits:
                        found.append(StoredPan(table, column, digits))
    await session.rollback()
    return found
