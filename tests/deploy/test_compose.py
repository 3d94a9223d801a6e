"""What ``docker compose up --scale app=3`` runs, tested without a Docker engine.

The file's structure is read with PyYAML (one-shot migrations, app replicas that publish nothing and only
serve, a proxy in front). Then the commands themselves run here: the image's build-time training step
into a temporary directory, after which the app's own command starts without training; and Debian's
nginx with deploy/nginx.conf (upstream and port rewritten to local ones) in front of two ``bankdesk
serve`` processes, through which requests alternate between the processes, a conversation's live event
stream delivers events while it is still open, and a streamed turn arrives whole.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from app.auth.tokens import issue_token
from tests.app.live_server import ROOT, free_port, seeded_customers, server_env
from tests.app.serve_process import BANKDESK, BankdeskServe
from tests.factories import SECRET

COMPOSE = ROOT / "docker-compose.yml"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
IMAGE_ROOT = "/srv/bankdesk"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def _dockerfile(compose: dict[str, Any]) -> list[str]:
    text: str = compose["services"]["app"]["build"]["dockerfile_inline"]
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def _image_env(compose: dict[str, Any]) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in _dockerfile(compose):
        if line.startswith("ENV "):
            name, _, value = line[4:].partition("=")
            env[name.strip()] = value.strip()
    return env


def _command(service: dict[str, Any]) -> str:
    command = service["command"]
    return command if isinstance(command, str) else shlex.join(command)


# --- the file --------------------------------------------------------------------------------------------


def test_one_shot_migrations_then_serving_replicas_behind_a_proxy(compose: dict[str, Any]) -> None:
    services = compose["services"]
    migrate, app, proxy, db = services["migrate"], services["app"], services["proxy"], services["db"]
    # Migrations and the demo seed run once, in migrate, which the replicas wait for.
    migrate_command = migrate["command"][-1]
    assert re.search(r"bankdesk db upgrade\b", migrate_command)
    assert "bankdesk seed --if-empty" in migrate_command
    assert "bankdesk db grant-app-role bankdesk_app" in migrate_command
    assert migrate["depends_on"] == {"db-roles": {"condition": "service_completed_successfully"}}
    assert app["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    # A replica only serves, and publishes nothing (three replicas would clash on a host port).
    assert app["command"][:2] == ["bankdesk", "serve"]
    assert "--workers" not in app["command"]
    assert not re.search(r"\b(upgrade|seed|train|up)\b", " ".join(app["command"][1:]))
    assert "ports" not in app
    assert "container_name" not in app
    assert "ports" not in db
    assert app["environment"]["BANKDESK_DATABASE_URL"].startswith("postgresql+psycopg://bankdesk_app:")
    # The replicas share the var volume (token secret, audit signing key, checkpoints) with migrate,
    # which makes those once.
    assert "bankdesk-var:/srv/bankdesk/var" in app["volumes"]
    assert "bankdesk-var:/srv/bankdesk/var" in (migrate["volumes"])
    # The proxy: an official image, the repo's config read-only, the one published port.
    assert proxy["image"].startswith("nginx:")
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert proxy["ports"] == ["127.0.0.1:8000:8000"]
    assert proxy["depends_on"] == {"app": {"condition": "service_healthy"}}


def test_the_image_trains_the_model_outside_the_var_volume(compose: dict[str, Any]) -> None:
    lines = _dockerfile(compose)
    models_dir = _image_env(compose)["BANKDESK_MODELS_DIR"]
    assert not models_dir.startswith(f"{IMAGE_ROOT}/var")  # the volume would hide it
    install = next(i for i, line in enumerate(lines) if line.startswith("RUN pip install"))
    train = next(i for i, line in enumerate(lines) if line.startswith("RUN") and "bankdesk train" in line)
    env = next(i for i, line in enumerate(lines) if line.startswith("ENV BANKDESK_MODELS_DIR="))
    assert install < train
    assert env < train
    assert "BANKDESK_MODELS_DIR" not in compose["services"]["app"]["environment"]


def test_the_proxy_config_streams_and_forwards_the_client() -> None:
    conf = NGINX_CONF.read_text()
    for directive in (
        "proxy_buffering off;",
        "proxy_http_version 1.1;",
        'proxy_set_header Connection "";',
        "proxy_read_timeout 24h;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "server app:8000;",
        "listen 8000;",
    ):
        assert directive in conf, directive


# --- the build step and the app's start ------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_models(compose: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the image's training step as written, with the image's paths under a temporary root."""
    root = tmp_path_factory.mktemp("image")
    step = next(line for line in _dockerfile(compose) if line.startswith("RUN") and "bankdesk train" in line)
    models = Path(_image_env(compose)["BANKDESK_MODELS_DIR"].replace(IMAGE_ROOT, str(root)))
    command = step.removeprefix("RUN ").replace("/tmp/", f"{root}/tmp-")
    env = {
        **os.environ,
        "PATH": f"{BANKDESK.parent}:{os.environ['PATH']}",
        "BANKDESK_MODELS_DIR": str(models),
        "BANKDESK_ENV": "dev",
    }
    env.pop("BANKDESK_SECRET_KEY", None)
    done = subprocess.run(
        ["sh", "-c", command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "training the light triage model" in done.stderr  # it trained, from nothing
    assert not list(root.glob("tmp-*"))  # the throwaway var dir (and its secret) is gone
    return models


def _snapshot(models: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(models)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in models.rglob("*")}


def test_the_app_starts_on_the_built_model_without_training(
    compose: dict[str, Any], built_models: Path, database_url: str, tmp_path: Path
) -> None:
    before = _snapshot(built_models)
    assert any(name.endswith("model.pkl") for name in before)
    port = free_port()
    argv = compose["services"]["app"]["command"]
    argv = [str(BANKDESK), *argv[1:]]
    argv[argv.index("--host") + 1] = "127.0.0.1"
    argv[argv.index("--port") + 1] = str(port)
    env = server_env(database_url, tmp_path, BANKDESK_MODELS_DIR=str(built_models))
    server = BankdeskServe(env, log_path=tmp_path / "app.log", port=port, argv=argv)
    try:
        server.start()
        assert httpx.get(f"{server.url}/readyz", timeout=5).status_code == 200
    finally:
        server.stop()
    assert _snapshot(built_models) == before  # read, not retrained (a retrain replaces the folder)
    assert "training" not in server.log_tail(100_000)


# --- nginx in front of two processes ---------------------------------------------------------------------


def _nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if found is None:
        pytest.skip("nginx is not installed (make deploy-deps installs Debian's nginx-light)")
    return found


@pytest.fixture
def proxied(backend: str, database_url: str, tmp_path: Path) -> Iterator[tuple[str, list[BankdeskServe]]]:
    """deploy/nginx.conf, rewritten for local ports, in front of two ``bankdesk serve`` processes."""
    if backend != "postgres":
        pytest.skip("several processes share one database (and wake each other's streams) only on Postgres")
    nginx = _nginx()
    env = server_env(database_url, tmp_path)
    servers = [BankdeskServe(env, log_path=tmp_path / f"app-{i}.log") for i in range(2)]
    port = free_port()
    conf = NGINX_CONF.read_text()
    conf = conf.replace(
        "server app:8000;", "".join(f"server 127.0.0.1:{s.port};\n        " for s in servers).rstrip()
    )
    conf = conf.replace("listen 8000;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("access_log /dev/stdout", f"access_log {tmp_path / 'access.log'}")
    assert conf.count("127.0.0.1:") == 3
    rendered = tmp_path / "nginx.conf"
    rendered.write_text(conf)
    log = (tmp_path / "nginx.log").open("ab")
    proc: subprocess.Popen[bytes] | None = None
    try:
        for server in servers:
            server.start()
        proc = subprocess.Popen(
            [
                nginx,
                "-p",
                str(tmp_path),
                "-e",
                str(tmp_path / "error.log"),
                "-c",
                str(rendered),
                "-g",
                f"daemon off; pid {tmp_path / 'nginx.pid'};",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, (tmp_path / "nginx.log").read_text()
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", servers
    finally:
        log.close()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        for server in servers:
            server.stop()


def _headers(customer_id: uuid.UUID) -> dict[str, str]:
    token = issue_token(SECRET, subject=customer_id, kind="customer", ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


async def _read_events(response: httpx.Response, names: list[str], wanted: int) -> None:
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            names.append(line.split(":", 1)[1].strip())
            if names.count("message") >= wanted:
                return


async def test_nginx_spreads_requests_and_streams_events(
    proxied: tuple[str, list[BankdeskServe]], database_url: str
) -> None:
    url, servers = proxied
    customer = (await seeded_customers(database_url, 1, seed=11))[0]
    # Round robin: consecutive requests land on alternate processes (each process logs what it served).
    with httpx.Client(base_url=url, timeout=30) as client:
        for probe in range(6):
            assert client.get(f"/readyz?probe={probe}").status_code == 200
        # The client's address is the one nginx saw: a forged X-Forwarded-For is replaced, so loopback
        # still may scrape /metrics; sent straight to a process (which trusts loopback), it would count.
        forged = {"X-Forwarded-For": "203.0.113.9"}
        assert client.get("/metrics", headers=forged).status_code == 200
        assert httpx.get(f"{servers[0].url}/metrics", headers=forged).status_code == 403
    time.sleep(0.5)
    served = [[f"probe={p} " in s.log_tail(1_000_000) for s in servers] for p in range(6)]
    assert all(sum(row) == 1 for row in served), served
    assert all(served[p] != served[p + 1] for p in range(5)), served

    async with httpx.AsyncClient(base_url=url, timeout=30, headers=_headers(customer)) as client:
        cid = (await client.post("/v1/conversations")).json()["id"]
        # The live stream is open on one process; the turn runs on another (the next request), and its
        # two messages must reach the reader through nginx while the stream is still open.
        names: list[str] = []
        async with client.stream("GET", f"/v1/conversations/{cid}/events") as stream:
            assert stream.status_code == 200
            reader = asyncio.create_task(_read_events(stream, names, 2))
            await asyncio.sleep(0.3)
            posted = await client.post(f"/v1/conversations/{cid}/messages", json={"content": "hello"})
            assert posted.status_code == 201, posted.text
            await asyncio.wait_for(reader, timeout=20)
        assert names.count("message") == 2, names
        # A streamed turn through nginx: every event, in order, to the end.
        turn: list[str] = []
        async with client.stream(
            "POST",
            f"/v1/conversations/{cid}/messages",
            json={"content": "how do I order a new chequebook?"},
            headers={"Accept": "text/event-stream"},
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    turn.append(line.split(":", 1)[1].strip())
        assert turn[0] == "message.created", turn
        assert turn[-1] == "message.completed", turn
