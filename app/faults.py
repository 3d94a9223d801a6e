"""Crash points for fault-injection tests.

With ``BANKDESK_CRASH_FILE=<path>`` set, a process reaching a crash point whose name is the content of that
file deletes the file and kills itself with SIGKILL, as ``kill -9`` would at that very step. This is how
tests/app/test_crash_recovery.py proves what a crash at each step of a confirmed action leaves behind. The
file arms one crash at a time, so the same server can be armed, crash, and (restarted) be checked. Nothing
happens unless the variable is set, and never when ``BANKDESK_ENV=prod``.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

POINTS = ("before_tool", "after_tool_commit", "after_turn_commit")


def crash_point(name: str) -> None:
    armed = os.environ.get("BANKDESK_CRASH_FILE")
    if not armed or os.environ.get("BANKDESK_ENV") == "prod":
        return
    path = Path(armed)
    try:
        wanted = path.read_text().strip()
    except OSError:
        return
    if wanted == name:
        path.unlink(missing_ok=True)
        os.kill(os.getpid(), signal.SIGKILL)
