"""Settings, read from the environment (``MICROCRED_`` prefix) by entry points only.

Domains never import this module; they receive what they need as arguments. Every
setting is listed in the README's settings table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from microcred.errors import InvalidInput

__all__ = ["DEVELOPMENT_MASTER_KEY", "DEVELOPMENT_SECRET_KEY", "Settings"]

#: Placeholder secrets for development. Production refuses to start with them.
DEVELOPMENT_MASTER_KEY = "dev-master-key-change-me-0000000000000000000000000000"
DEVELOPMENT_SECRET_KEY = "dev-secret-key-change-me"  # noqa: S105 - refused in production


class Settings(BaseSettings):
    """All configuration of a microcred deployment."""

    model_config = SettingsConfigDict(env_prefix="MICROCRED_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    base_url: str = "http://127.0.0.1:8000"
    master_key: SecretStr = SecretStr(DEVELOPMENT_MASTER_KEY)
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET_KEY)
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    mail_from: str = "microcred <no-reply@localhost>"
    allow_network: bool = True
    rate_limit_per_minute: int = Field(default=120, ge=1)
    max_request_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    #: Body limit for bulk CSV uploads (``POST .../bulk``), which may be far larger.
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    bulk_max_rows: int = Field(default=200_000, ge=1)
    #: Largest evidence file an applicant may upload (assessment / recognition of prior
    #: learning); files live in ``<data_dir>/evidence``.
    evidence_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    token_ttl_days: int = Field(default=365, ge=1)
    #: How long a web process may reuse what verification reads from the database (this
    #: server's status lists and DID documents, accreditations, registry entries,
    #: endorsements). Writes by the same process are seen at once; writes by other
    #: processes (other workers, the job worker) within this many seconds. 0 turns it off.
    verify_cache_seconds: float = Field(default=2.0, ge=0, le=300)
    #: The job worker reads each consumed trust registry again when its last reading is
    #: older than this many hours (0: only `microcred trust refresh` or the API does).
    trust_refresh_hours: float = Field(default=24.0, ge=0, le=24 * 366)

    @model_validator(mode="after")
    def _production_refuses_placeholders(self) -> Settings:
        if self.environment == "production":
            if self.master_key.get_secret_value() == DEVELOPMENT_MASTER_KEY:
                raise ValueError("MICROCRED_MASTER_KEY must be set to a real secret in production")
            if self.secret_key.get_secret_value() == DEVELOPMENT_SECRET_KEY:
                raise ValueError("MICROCRED_SECRET_KEY must be set to a real secret in production")
            if not self.base_url.startswith("https://"):
                raise ValueError("MICROCRED_BASE_URL must be an https:// URL in production")
        if len(self.master_key.get_secret_value()) < 32:
            raise ValueError("MICROCRED_MASTER_KEY must be at least 32 characters")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL; SQLite in the data directory when none is set."""
        if self.database_url:
            url = self.database_url
            if url.startswith(("postgresql://", "postgres://")):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        return f"sqlite:///{self.data_dir / 'microcred.db'}"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def public_base_url(self) -> str:
        return self.base_url.rstrip("/")

    @classmethod
    def load(cls) -> Settings:
        """Read settings from the environment, turning mistakes into an actionable error."""
        try:
            return cls()
        except ValueError as exc:
            raise InvalidInput(f"Invalid settings: {exc}", code="invalid_settings") from None
