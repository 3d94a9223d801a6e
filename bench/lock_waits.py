"""Do turns of different customers wait for each other in Postgres? (issue 14: the audit log's appends
must not serialise them.)

Samples ``pg_stat_activity`` every ``--interval`` seconds while another benchmark runs (start it first, e.g.
``python -m bench.turn_bench --backends postgres --levels 16``) and counts, over the sampled backends of
the databases whose name starts with ``--prefix``, what each one was doing: running, idle in a
transaction, waiting on a lock (by kind: ``advisory`` is an audit chain's lock, ``tuple``/``transactionid``
a row lock such as the customer's admission lock), or waiting on I/O or the client. A chain is one
conversation, so with every client in a conversation of its own, advisory waits should be about zero.

    python -m bench.lock_waits --seconds 60 --out bench/out/lock_waits.json
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import psycopg
from tqdm import tqdm

from bench.live import PG_ADMIN

QUERY = """
SELECT state, wait_event_type, wait_event, query
FROM pg_stat_activity
WHERE datname LIKE %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'
"""


def _what(state: str | None, wait_type: str | None, wait_event: str | None) -> str:
    if wait_type == "Lock":
        return f"waiting on a lock: {wait_event}"
    if state == "active":
        return "running" if wait_type is None else f"active, waiting on {wait_type}"
    return state or "unknown"


def sample(prefix: str, seconds: float, interval: float) -> dict[str, object]:
    seen: Counter[str] = Counter()
    advisory_queries: Counter[str] = Counter()
    samples = 0
    busy_samples = 0
    deadline = time.monotonic() + seconds
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn, tqdm(total=int(seconds), unit="s") as bar:
        started = time.monotonic()
        while time.monotonic() < deadline:
            rows = conn.execute(QUERY, (prefix + "%",)).fetchall()
            samples += 1
            if any(state == "active" for state, *_ in rows):
                busy_samples += 1
            for state, wait_type, wait_event, query in rows:
                what = _what(state, wait_type, wait_event)
                seen[what] += 1
                if wait_event == "advisory":
                    advisory_queries[" ".join(str(query).split())[:80]] += 1
            bar.n = int(time.monotonic() - started)
            bar.refresh()
            time.sleep(interval)
    backend_samples = sum(seen.values())
    return {
        "samples": samples,
        "samples_with_an_active_backend": busy_samples,
        "backend_samples": backend_samples,
        "by_state": dict(seen.most_common()),
        "share_waiting_on_advisory_locks": (
            seen["waiting on a lock: advisory"] / backend_samples if backend_samples else 0.0
        ),
        "share_waiting_on_any_lock": (
            sum(v for k, v in seen.items() if k.startswith("waiting on a lock")) / backend_samples
            if backend_samples
            else 0.0
        ),
        "advisory_waits_by_query": dict(advisory_queries.most_common(5)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", default="bench_bankdesk_", help="databases whose name starts with this")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=0.02)
    parser.add_argument("--out", type=Path, default=Path("bench/out/lock_waits.json"))
    args = parser.parse_args()
    result = sample(args.prefix, args.seconds, args.interval)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
