"""Evidence for choosing models: `bankdesk eval scenarios | compare | replay | traffic` (issue 15).

Each command lives in its own module here and exposes ``command(args) -> int`` (the exit status).
"""
