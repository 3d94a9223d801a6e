"""``bankdesk serve`` (the console script, as a deployment runs it) in a subprocess, for tests with several
processes on one database. Builds on ``tests/app/live_server.py``."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from tests.app.live_server import ROOT, LiveServer

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

    def start(self, timeout: float = 120) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.command(), env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"server not ready after {timeout} s: {self.log_tail()}")
