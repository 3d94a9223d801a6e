"""The console script, run as a real process against a temporary database."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BANKDESK = [sys.executable, "-m", "app.cli"]
ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANKDESK_")}
    env.update(
        {
            "BANKDESK_ENV": "dev",
            "BANKDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
            "BANKDESK_SECRET_KEY": "cli-test-secret-0123456789abcdefghij",
            # The app's signed audit checkpoints for this test's database, not the project's var/.
            "BANKDESK_AUDIT_CHECKPOINT_PATH": str(tmp_path / "audit" / "checkpoints.jsonl"),
            "BANKDESK_AUDIT_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode("ascii"),
            **extra,
        }
    )
    return env


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        BANKDESK + args,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )


def test_migrate_seed_list_and_token(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _run(["db", "upgrade"], env).returncode == 0
    seeded = _run(["seed", "--customers", "4", "--seed", "3"], env)
    assert seeded.returncode == 0, seeded.stderr
    assert json.loads(seeded.stdout.splitlines()[-1])["customers"] == 4
    again = _run(["seed", "--customers", "4"], env)
    assert again.returncode == 1
    assert "already" in again.stderr

    customers = json.loads(_run(["customers", "--limit", "2", "--json"], env).stdout)
    assert len(customers) == 2
    assert {"id", "full_name", "email"} <= set(customers[0])
    staff = json.loads(_run(["staff", "--json"], env).stdout)
    assert {s["role"] for s in staff} == {"agent", "supervisor", "auditor"}

    token = _run(["token", "customer", customers[0]["id"]], env)
    assert token.returncode == 0
    assert token.stdout.count(".") == 2
    assert _run(["token", "staff", customers[0]["id"]], env).returncode == 1  # a customer id is not staff
    assert _run(["token", "customer", "not-an-id"], env).returncode == 2


def test_screen_reads_lines_and_writes_json_lines(tmp_path: Path) -> None:
    out = _run(["screen"], _env(tmp_path), stdin="card 4111 1111 1111 1111\nhello\n")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["findings"][0]["type"] if line["findings"] else None for line in lines] == [
        "card_number",
        None,
    ]
    assert "4111 1111 1111 1111" not in lines[0]["redacted"]


def test_eval_triage_json_and_bad_csv(tmp_path: Path) -> None:
    csv_path = tmp_path / "sample.csv"
    csv_path.write_text(
        "text,category\nI lost my card,lost_or_stolen_card\n"
        "how do I top up by bank transfer,transfer_into_account\nhello there,greeting\n",
        encoding="utf-8",
    )
    env = _env(tmp_path)
    out = _run(["eval", "triage", "--csv", str(csv_path), "--json"], env)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert {"accuracy", "macro_f1", "coverage", "ece", "latency_ms_p50", "latency_ms_p95", "model"} <= set(
        report
    )
    assert 0 <= report["accuracy"] <= 1
    bad = _run(["eval", "triage", "--csv", str(tmp_path / "missing.csv")], env)
    assert bad.returncode == 2
    assert bad.stderr


def test_refuses_default_secret_outside_dev(tmp_path: Path) -> None:
    env = _env(tmp_path, BANKDESK_ENV="prod")
    del env["BANKDESK_SECRET_KEY"]
    out = _run(["db", "upgrade"], env)
    assert out.returncode != 0
    assert "BANKDESK_SECRET_KEY" in out.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_up_migrates_seeds_and_serves(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path)
    proc = subprocess.Popen(
        [*BANKDESK, "up", "--port", str(port), "--customers", "3"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # A fresh checkout trains the light triage model first (about 2 minutes on 2 cores).
        deadline = time.monotonic() + 480
        ready = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    ready = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.5)
        assert ready == {"status": "ready", "database": "ok"}, (
            proc.stdout.read() if proc.poll() is not None else ""
        )
        customers = json.loads(_run(["customers", "--json"], env).stdout)
        assert len(customers) == 3
    finally:
        proc.terminate()
        proc.wait(timeout=30)
