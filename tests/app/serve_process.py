"""``bankdesk serve`` (the console script, as a deployment runs it) in a subprocess, for tests with several
processes on one database. Builds on ``tests/app/live_server.py``."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from tests.app.live_server import LiveServer

BANKDESK = Path(sys.executable).with_name("bankdesk")


class BankdeskServe(LiveServer):
    """``bankdesk serve --host 127.0.0.1 --port P [--workers N]``; ``start()`` waits for /readyz."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        log_path: Path,
        workers: int = 1,
        port: int | None = None,
        argv: list[str] | None = None,
    ) -> None:
        """``argv``: run exactly this command instead (it must serve on ``port``)."""
        super().__init__(env, log_path=log_path)
        self.workers = workers
        if port is not None:
            self.port = port
        self.argv = argv

    def command(self) -> list[str]:
        if self.argv is not None:
            return self.argv
        return [str(BANKDESK), "serve", "--host", "127.0.0.1", "--port", str(self.port)] + (
            ["--workers", str(self.workers)] if self.workers != 1 else []
        )
