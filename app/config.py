"""Settings from the environment (prefix ``BANKDESK_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "dev-insecure-secret-change-me-0123456789"  # noqa: S105 - refused outside dev, see below
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BANKDESK_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    database_url: str = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'bankdesk.db'}"
    secret_key: str = DEFAULT_SECRET
    demo: bool | None = None
    token_ttl_minutes: int = Field(default=60 * 12, gt=0)
    rate_limit_per_minute: int = Field(default=30, gt=0)
    max_message_chars: int = Field(default=4000, gt=0)
    var_dir: Path = PROJECT_ROOT / "var"
    kb_dir: Path = PROJECT_ROOT / "fixtures" / "kb"
    log_level: str = "INFO"
    # The agent
    triage_grade: Literal["light", "embeddings"] = "light"
    triage_clarify_threshold: float = Field(default=0.45, ge=0, le=1)
    models_config: Path = PROJECT_ROOT / "agents" / "models" / "config" / "default.toml"
    conversation_token_budget: int = Field(default=60_000, gt=0)
    conversation_cost_budget_usd_micros: int = Field(default=2_000_000, gt=0)
    agent_recursion_limit: int = Field(default=40, ge=10)
    # Signed audit checkpoints (app/audit/checkpoint.py). Key: base64 of a raw 32-byte Ed25519 private
    # key, or a file holding it; neither set: generated under var_dir/audit/signing.key on first use.
    audit_signing_key: str | None = Field(default=None, repr=False)
    audit_signing_key_file: Path | None = None
    audit_checkpoint_path: Path | None = None  # default var_dir/audit/checkpoints.jsonl
    audit_checkpoint_seconds: float = Field(default=30, ge=0)  # 0: no periodic checkpoints

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.env != "dev" and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                "BANKDESK_SECRET_KEY is the built-in development secret; set a real secret "
                "or run with BANKDESK_ENV=dev"
            )
        if len(self.secret_key) < 32:
            raise ValueError("BANKDESK_SECRET_KEY must be at least 32 characters (HS256 key)")
        return self

    @property
    def demo_enabled(self) -> bool:
        return self.env == "dev" if self.demo is None else self.demo

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
