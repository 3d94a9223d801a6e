"""`bankdesk screen`: one message per input line in, one JSON object per line out."""

from __future__ import annotations

import json
from typing import TextIO

from agents.safety.screen import screen, to_json


def screen_command(stdin: TextIO, stdout: TextIO) -> int:
    """Screen each line of `stdin` and write its JSON object to `stdout`; returns the exit status.

    Streams line by line, so exports of any size work in constant memory. Every input line yields
    exactly one output line (a blank line yields the object for the empty string), so output line N
    always belongs to input line N. The trailing newline (LF or CRLF) is not part of the message;
    offsets count Unicode code points of the message.
    """
    for line in stdin:
        message = line.removesuffix("\n").removesuffix("\r")
        stdout.write(json.dumps(to_json(screen(message)), ensure_ascii=False))
        stdout.write("\n")
    stdout.flush()
    return 0
