"""The last line of defence for stored text: no flush writes a full card number, whatever the caller did.

Redaction happens where text comes in (the screening step, staff replies, handoff summaries). This guard
is there for the path someone forgets: a ``before_flush`` listener looks at every new object and every
changed attribute of a dirty one, and refuses the flush when a text value (or a string inside a JSON
value) holds a Luhn-valid card number of 12-19 digits in any of the forms the redactor recognises
(``agents.safety.redact.contains_full_pan``, same normalisation). The error names the table and column,
never the value.

Binary columns (the LangGraph checkpoint) are not decoded here: only redacted text enters the graph, and
the scenario tests scan those blobs. Rows written through Core (``insert()`` in the demo seed) do not go
through the unit of work and are not seen by this listener: code that writes people's text through Core
(the turn's hot path, ``app.conversations.service``) calls ``refuse_full_pans`` on its rows, the same check.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, event, inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapper, Session, sessionmaker

from agents.safety.redact import contains_full_pan

_F = TypeVar("_F", async_sessionmaker[AsyncSession], sessionmaker[Session], type[Session])


class FullCardNumberRefused(ValueError):
    """A flush would have stored a full card number."""


# The Session classes the listener is registered on (a sessionmaker listens through its own `class_`).
# Not `event.contains`: SQLAlchemy keys that registry on id() of the object passed to `listen` and keeps
# the key after a sessionmaker is garbage-collected, so a new sessionmaker allocated at a dead one's address
# looked guarded, was skipped, and its sessions stored card numbers. A weak set forgets dead classes.
_GUARDED: weakref.WeakSet[type[Session]] = weakref.WeakSet()
# The attribute keys the guard reads, worked out once per mapper.
_KEYS: weakref.WeakKeyDictionary[Mapper[Any], tuple[str, ...]] = weakref.WeakKeyDictionary()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _guarded_keys(mapper: Mapper[Any]) -> tuple[str, ...]:
    """The mapper's column attributes that may hold someone's text (all but ``MACHINE_MADE`` columns)."""
    keys = _KEYS.get(mapper)
    if keys is None:
        keys = tuple(
            attr.key
            for attr in mapper.column_attrs
            if not any(column.info.get("machine_made") for column in attr.columns)
        )
        _KEYS[mapper] = keys
    return keys


# The column names of a table the guard reads, worked out once per table.
_TABLE_COLUMNS: weakref.WeakKeyDictionary[Table, frozenset[str]] = weakref.WeakKeyDictionary()


def refuse_full_pans(table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
    """The guard for rows written through Core (``insert(table)`` / ``update(table).values``): raise
    FullCardNumberRefused when a text value of a column people's words can reach holds a full card number.
    ``rows`` are keyed by column name."""
    columns = _TABLE_COLUMNS.get(table)
    if columns is None:
        columns = frozenset(c.name for c in table.columns if not c.info.get("machine_made"))
        _TABLE_COLUMNS[table] = columns
    for row in rows:
        offending = [
            name
            for name, value in row.items()
            if name in columns and any(contains_full_pan(text) for text in _strings(value))
        ]
        if offending:
            raise _refused(table.name, offending)


def _offending_columns(obj: object, *, only_changed: bool) -> Iterable[str]:
    state = inspect(obj)
    for key in _guarded_keys(state.mapper):
        history = state.attrs[key].history
        values = history.added if only_changed else [*history.added, *history.unchanged]
        if any(contains_full_pan(text) for value in values for text in _strings(value)):
            yield key


def check_flush(session: Session) -> None:
    """Raise FullCardNumberRefused when a new or changed value holds a full card number."""
    for objects, only_changed in ((session.new, False), (session.dirty, True)):
        for obj in objects:
            columns = list(_offending_columns(obj, only_changed=only_changed))
            if columns:
                raise _refused(getattr(obj, "__tablename__", type(obj).__name__), columns)


def _refused(table: str, columns: Sequence[str]) -> FullCardNumberRefused:
    """The one refusal both guards raise (ORM flush and Core rows): it names the table and columns."""
    return FullCardNumberRefused(
        f"refusing to store a full card number in {table}.{', '.join(columns)}; "
        "redact the text first (agents.safety.redact.redact)"
    )


def _before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    check_flush(session)


def install_pan_guard(target: _F) -> _F:
    """Register the guard on a session factory (async or sync) or a Session class; returns `target`.

    An ``async_sessionmaker`` gets a sync ``sessionmaker`` of its own as its ``sync_session_class`` (the
    way SQLAlchemy's asyncio documentation attaches session events), so other factories are unaffected.
    Installing twice is harmless.
    """
    if isinstance(target, async_sessionmaker):
        sync_class = target.kw.get("sync_session_class")
        if not isinstance(sync_class, sessionmaker):
            sync_class = sessionmaker(class_=sync_class or Session)
            target.configure(sync_session_class=sync_class)
        session_class = sync_class.class_
    elif isinstance(target, sessionmaker):
        session_class = target.class_
    else:
        session_class = target
    if session_class not in _GUARDED:
        event.listen(session_class, "before_flush", _before_flush)
        _GUARDED.add(session_class)
    return target
