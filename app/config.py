"""Settings from the environment (prefix ``BANKDESK_``)."""

from __future__ import annotations

import os
import secrets
import stat
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.support.hours import DEFAULT_HOLIDAYS, DEFAULT_HOURS, DEFAULT_TIMEZONE, SupportHours, load_hours

# Signing keys this project has published (its old built-in default, docker-compose.yml's example): anyone
# could mint any token with them, so they are refused in every environment.
PUBLISHED_SECRETS = frozenset(
    {"dev-insecure-secret-change-me-0123456789", "compose-demo-secret-change-me-0123456789"}
)
SECRET_FILE = "secret_key"
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The longest message the API schema accepts at all; a deployment may set a lower max_message_chars.
MESSAGE_CHARS_CEILING = 4000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BANKDESK_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    database_url: str = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'bankdesk.db'}"
    # Unset: generated once under var_dir/secret_key (mode 0600) outside prod; see load_or_create_secret.
    secret_key: str = Field(default="", repr=False)
    # Set: GET /metrics needs "Authorization: Bearer <token>"; unset: only loopback clients may scrape.
    metrics_token: str | None = Field(default=None, repr=False)
    demo: bool | None = None
    token_ttl_minutes: int = Field(default=60 * 12, gt=0, le=24 * 60)  # tokens live at most 24 h
    rate_limit_per_minute: int = Field(default=30, gt=0)
    # Longer messages are refused (422). At most the request schema's ceiling, MESSAGE_CHARS_CEILING.
    max_message_chars: int = Field(default=MESSAGE_CHARS_CEILING, gt=0, le=MESSAGE_CHARS_CEILING)
    var_dir: Path = PROJECT_ROOT / "var"
    # The trained triage model's cache; unset: var_dir/models. A container image trains into its own
    # directory at build time (docker-compose.yml): a volume mounted on var_dir cannot hide it or keep a
    # stale one.
    models_dir: Path | None = None
    kb_dir: Path = PROJECT_ROOT / "fixtures" / "kb"
    log_level: str = "INFO"
    # The agent
    triage_grade: Literal["light", "embeddings"] = "light"
    triage_clarify_threshold: float = Field(default=0.45, ge=0, le=1)
    models_config: Path = PROJECT_ROOT / "agents" / "models" / "config" / "default.toml"
    # Set: every local provider in models_config sleeps this long per model call (load tests, bench/).
    simulated_latency_ms: float | None = Field(default=None, ge=0)
    conversation_token_budget: int = Field(default=60_000, gt=0)
    conversation_cost_budget_usd_micros: int = Field(default=2_000_000, gt=0)
    agent_recursion_limit: int = Field(default=40, ge=10)
    # The turn pipeline (app/conversations/service.py)
    concurrent_turns_per_customer: int = Field(default=2, gt=0)
    conversations_per_minute: int = Field(default=10, gt=0)
    turn_lease_seconds: float = Field(default=30, gt=0)  # a dead process's turn is recovered after this
    # Postgres connection pool per process. A turn holds a connection only for its short transactions
    # (admit, banking reads, lease renewals, store), never while the model runs; but 1,000 turns admitted
    # at once queue on the pool, and a wait past db_pool_timeout_seconds fails the request (503).
    db_pool_size: int = Field(default=10, gt=0)
    db_max_overflow: int = Field(default=20, ge=0)
    db_pool_timeout_seconds: float = Field(default=30, gt=0)
    # Signed audit checkpoints (app/audit/checkpoint.py). Key: base64 of a raw 32-byte Ed25519 private
    # key, or a file holding it; neither set: generated under var_dir/audit/signing.key on first use.
    audit_signing_key: str | None = Field(default=None, repr=False)
    audit_signing_key_file: Path | None = None
    audit_checkpoint_path: Path | None = None  # default var_dir/audit/checkpoints.jsonl
    audit_checkpoint_seconds: float = Field(default=30, ge=0)  # 0: no periodic checkpoints
    # When people answer handed-off conversations (app/support/hours.py): a weekly timetable, its time
    # zone, and the holidays-package calendar whose public holidays are closed ("" for none).
    support_hours: str = DEFAULT_HOURS
    support_timezone: str = DEFAULT_TIMEZONE
    support_holidays: str = DEFAULT_HOLIDAYS

    @model_validator(mode="after")
    def _support_hours_valid(self) -> Settings:
        SupportHours.from_settings(self.support_hours, self.support_timezone, self.support_holidays)
        return self

    def hours(self) -> SupportHours:
        """The support team's timetable (validated when the settings were read)."""
        return load_hours(self.support_hours, self.support_timezone, self.support_holidays)

    @model_validator(mode="after")
    def _signing_secret(self) -> Settings:
        if not self.secret_key:
            if self.env == "prod":
                # Every instance of a production install must share one key; a per-host file would not.
                raise ValueError(
                    "BANKDESK_SECRET_KEY is not set: production needs one random signing key of 32+ "
                    "characters shared by every instance"
                )
            self.secret_key = load_or_create_secret(self.var_dir)
        if self.secret_key in PUBLISHED_SECRETS:
            raise ValueError(
                "BANKDESK_SECRET_KEY is a published example value (from this project's source or "
                "docker-compose.yml), so anyone could sign tokens with it; set a random secret"
            )
        if len(self.secret_key) < 32:
            raise ValueError("BANKDESK_SECRET_KEY must be at least 32 characters (HS256 key)")
        return self

    @property
    def demo_enabled(self) -> bool:
        return self.env == "dev" if self.demo is None else self.demo

    @property
    def model_cache_dir(self) -> Path:
        return self.models_dir or self.var_dir / "models"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_or_create_secret(var_dir: Path) -> str:
    """The install's token-signing key from ``var_dir/secret_key``, generated on first use (mode 0600).

    The key is written to a private temporary file and hard-linked into place; the link fails if the key
    already exists (like O_CREAT|O_EXCL), so processes starting at once all read the one key that won and
    never a half-written file. The server and ``bankdesk token`` therefore sign with the same key.
    """
    path = var_dir / SECRET_FILE
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        staging = var_dir / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(8)}"
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                os.fchmod(fh.fileno(), 0o600)  # whatever the umask
                fh.write(secrets.token_urlsafe(48) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(staging, path)
            except FileExistsError:
                pass  # another process got there first: use its key
        finally:
            staging.unlink(missing_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ValueError(
            f"{path} is readable or writable by others (mode {mode:04o}); make it 0600 "
            "(chmod 600) or set BANKDESK_SECRET_KEY"
        )
    return path.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
