"""A progress bar on stderr for the long evaluation commands (rich when installed, else nothing)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(label: str, total: int, *, enabled: bool = True) -> Iterator[Callable[[], None]]:
    """Yields ``advance()``: call it once per item done."""
    if not enabled:
        yield lambda: None
        return
    try:
        from rich.console import Console
        from rich.progress import Progress
    except ImportError:  # pragma: no cover - rich comes with the dev install
        yield lambda: None
        return
    with Progress(console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)
