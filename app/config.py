"""Settings from the environment (prefix QM_), read once per process."""

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QM_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./var/qmarket.db"
    search_backend: Literal["embedded", "meilisearch"] = "embedded"
    search_path: str = "./var/search.db"
    # How long a search's answer is kept for the same search again (app/search/result_cache.py); 0: never.
    search_cache_seconds: float = Field(default=10.0, ge=0, le=300)
    meili_url: str | None = None
    # The admin key scoped to the app's indexes (the relay writes with it) and a search-only key for
    # queries; `qmarket search keys` makes both. Never the master key.
    meili_key: str | None = None
    meili_search_key: str | None = None
    # The index name: staging and production can share one server under different names.
    meili_index: str = Field(default="qmarket", pattern=r"^[A-Za-z0-9_-]{1,200}$")
    secret_key: str = "dev-insecure-secret-change-me"  # DEVELOPMENT_SECRET; refused in production
    host: str = "127.0.0.1"
    port: int = 8000
    # Worker processes of `qmarket serve` (its --workers overrides it): about one per core.
    workers: int = Field(default=1, ge=1, le=64)
    smtp_url: str | None = None
    # Where new jobs waiting for review are announced (one message per submission); none: no mail.
    staff_email: str | None = None

    # How long a published job stays live unless its poster sets a shorter date.
    job_live_days: int = Field(default=60, ge=1, le=365)
    # A listing not confirmed by its organisation for this many days leaves the public pages and search.
    listing_confirm_days: int = Field(default=180, ge=15, le=3650)
    # Where uploaded files (organisation logos, re-encoded) are kept.
    upload_path: str = "./var/uploads"
    # Sessions end after this much inactivity, and in any case after the maximum lifetime.
    session_idle_minutes: int = Field(default=120, ge=5)
    session_max_hours: int = Field(default=24 * 14, ge=1)
    # Sign-in attempts per account, and per client address, in the rate-limit window.
    signin_limit: int = 10
    signin_window_seconds: int = 300
    reset_limit: int = 5
    reset_window_seconds: int = 3600
    # Served over https (production): cookies get Secure and the __Host- prefix, HSTS is sent.
    https: bool = False
    # The client's address comes from X-Forwarded-For only behind a proxy that sets it.
    trust_forwarded_for: bool = False
    # A new organisation's first listings, and a new member's first inquiries, wait for staff.
    review_first_listings: int = Field(default=2, ge=0, le=100)
    review_first_inquiries: int = Field(default=2, ge=0, le=100)
    # Deleted listings and organisations can be restored by staff for this long, then they are purged.
    deleted_retention_days: int = Field(default=30, ge=1, le=3650)
    # Logo uploads per organisation per day (each replaces the last; the old file is removed).
    logo_uploads_per_day: int = Field(default=20, ge=1)
    # Requests per minute one client address may make to public pages before it is slowed down (429).
    public_requests_per_minute: int = Field(default=600, ge=10)
    # The periodic tasks' intervals. Every worker runs the loops; each pass runs in the one process that
    # holds the task's lease (app/periodic.py), which it renews every third of QM_LEASE_SECONDS; when a
    # holder dies another worker takes over within that many seconds.
    job_expiry_interval_seconds: float = Field(default=300.0, ge=1)
    listing_reminder_interval_seconds: float = Field(default=6 * 3600.0, ge=1)
    purge_interval_seconds: float = Field(default=6 * 3600.0, ge=1)
    webinar_reminder_interval_seconds: float = Field(default=3600.0, ge=1)
    lease_seconds: float = Field(default=30.0, ge=3, le=3600)
    # /metrics (Prometheus text format) asks for `Authorization: Bearer <this>` when set; in production
    # without it /metrics does not exist (404). In development and test it is open.
    metrics_token: str | None = None
    # Log lines: one JSON object each (with the request id), or plain text; default json in production.
    log_format: Literal["json", "text"] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Postgres pool; SQLite ignores these.
    db_pool_size: int = 5
    db_max_overflow: int = 5
    db_pool_timeout: float = 5.0

    @property
    def session_cookie(self) -> str:
        return "__Host-qm_session" if self.https else "qm_session"

    @property
    def logs_as_json(self) -> bool:
        return self.log_format == "json" or (self.log_format is None and self.environment == "production")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


DEVELOPMENT_SECRET = "dev-insecure-secret-change-me"


def production_problems(settings: Settings, environ: Mapping[str, str] = os.environ) -> list[str]:
    """What makes these settings unsafe to serve the public with (checked at start-up in production)."""
    problems = []
    if settings.secret_key == DEVELOPMENT_SECRET or len(settings.secret_key) < 32:
        problems.append("QM_SECRET_KEY must be set to a random value of at least 32 characters")
    if not settings.https:
        problems.append("QM_HTTPS must be true: cookies and HSTS need https")
    if settings.meili_key and settings.meili_key == settings.secret_key:
        problems.append("QM_MEILI_KEY must not be the application's secret key")
    master = environ.get("QM_MEILI_MASTER_KEY") or environ.get("MEILI_MASTER_KEY")
    if master:
        problems.append("the Meilisearch master key must not be in the app's environment: give it to "
                        "`qmarket search keys` once and set QM_MEILI_KEY and QM_MEILI_SEARCH_KEY")
    if settings.search_backend == "meilisearch" and not settings.meili_search_key:
        problems.append("QM_MEILI_SEARCH_KEY must be set: pages search with a key that can only search")
    return problems


@lru_cache
def get_settings() -> Settings:
    return Settings()
