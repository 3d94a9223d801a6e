"""Pass rate of the conversation scenarios by category, on the default agent (local provider, SQLite).

    python -m bench.scenario_eval                      # the tuned suite, fixtures/scenarios
    python -m bench.scenario_eval --heldout            # the held-out set, bench/data/scenarios_heldout
    python -m bench.scenario_eval --heldout --show-failures

Each scenario runs through the HTTP API on a freshly migrated and seeded SQLite database (a copy of one
migrated template), exactly as tests/scenarios/test_scenarios.py runs it. A scenario passes when every
expectation of every turn holds; a scenario counts once in each of its categories.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from app.agent import load_assets
from app.config import Settings
from tests.factories import SECRET
from tests.scenarios.runner import HELDOUT_SCENARIOS, SCENARIOS, Scenario, load_scenarios, run

ROOT = Path(__file__).resolve().parents[1]


def _template(directory: Path) -> Path:
    path = directory / "template.db"
    env = {**os.environ, "BANKDESK_DATABASE_URL": f"sqlite+aiosqlite:///{path}"}
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return path


WIDTH = int(os.environ.get("BANKDESK_FAILURE_WIDTH", "300"))
"""How much of each failed expectation --show-failures prints."""


async def evaluate(scenarios: list[Scenario], *, show_failures: bool) -> dict[str, list[bool]]:
    assets = load_assets(Settings(env="test", secret_key=SECRET))
    results: dict[str, list[bool]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        template = _template(Path(tmp))
        started = time.perf_counter()
        for index, scenario in enumerate(scenarios, start=1):
            db_path = Path(tmp) / f"s{index}.db"
            shutil.copy(template, db_path)
            problems = await run(scenario, database_url=f"sqlite+aiosqlite:///{db_path}", assets=assets)
            db_path.unlink()
            ok = not problems
            for category in scenario.categories or ["uncategorised"]:
                results[category].append(ok)
            results["all"].append(ok)
            elapsed = time.perf_counter() - started
            mark = "pass" if ok else "FAIL"
            print(f"[{index}/{len(scenarios)} {elapsed:5.0f}s] {mark} {scenario.name}", file=sys.stderr)
            if show_failures and problems:
                for line in problems:
                    print(f"      {line[:WIDTH]}", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", action="store_true", help="run the held-out set instead")
    parser.add_argument("--dir", type=Path, help="a folder of scenario files")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("-k", help="only scenarios whose name contains this")
    args = parser.parse_args()
    directory = args.dir or (HELDOUT_SCENARIOS if args.heldout else SCENARIOS)
    scenarios = [s for s in load_scenarios(directory) if not args.k or args.k in s.name]
    results = asyncio.run(evaluate(scenarios, show_failures=args.show_failures))
    print(f"{'category':28} {'passed':>7} {'total':>6} {'rate':>6}")
    for category in sorted(results, key=lambda c: (c == "all", c)):
        outcomes = results[category]
        rate = sum(outcomes) / len(outcomes)
        print(f"{category:28} {sum(outcomes):7d} {len(outcomes):6d} {rate:6.0%}")


if __name__ == "__main__":
    main()
