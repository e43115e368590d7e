"""Configuration from the environment (pydantic-settings).

The variable names are part of the operator interface (DESIGN.md): keep them stable.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from outreach.encryption.crypto import Keyring


def _rewrite_db_url(url: str) -> str:
    """Accept the URLs operators paste and pick the drivers we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OUTREACH_", extra="ignore")

    data_dir: Path = Path(".data")
    database_url: str | None = None

    temporal_address: str = Field(
        "localhost:7233", validation_alias=AliasChoices("TEMPORAL_ADDRESS")
    )
    temporal_namespace: str = Field("default", validation_alias=AliasChoices("TEMPORAL_NAMESPACE"))
    task_queue: str = "outreach"

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout: float = 30.0
    # Mailbox SMTP connections (outreach.mail.SmtpTarget): seconds a pooled connection may
    # sit idle before it is closed (0 = no reuse), and an extra CA bundle trusted for
    # their TLS besides the system store (None = the system store alone).
    smtp_idle_seconds: float = 60.0
    smtp_ca_file: Path | None = None
    # Cap on messages handed to SMTP per second across all workers (Temporal enforces it
    # on the email task queue). 0 = no cap.
    max_sends_per_second: float = 0.0

    public_url: str = "http://localhost:8000"
    # Signs unsubscribe tokens. Default: a random key kept in <data_dir>/secret_key.
    secret_key: str | None = None
    # Encrypts mailbox passwords and webhook secrets at rest (outreach/encryption/keys.py):
    # `[<kid>:]<base64 of 32 bytes>`, comma-separated, the current key first; or a file
    # holding them. Default: with SQLite, a key generated once into <data_dir>/encryption_key.
    encryption_key: SecretStr | None = None
    encryption_key_file: Path | None = None

    # Dev and tests only (`outreach dev` turns it on): every outbound connection made on a
    # user's behalf (webhook targets, IMAP hosts; see outreach.netguard) may then reach
    # loopback and private addresses. Metadata, link-local, unspecified and the other
    # non-public ranges stay refused whatever it says.
    webhook_allow_private_targets: bool = False

    # Lead enrichment's DNS resolver: comma-separated `host[:port]` (`[v6]:port`); empty
    # means the system's (/etc/resolv.conf). And the deadline of one page fetch (seconds,
    # redirects included).
    dns_nameservers: str | None = None
    enrich_fetch_timeout: float = Field(10.0, gt=0, le=25)
    # Enrichment's DNS, page and model activities run on their own task queue
    # (`<task_queue>-enrich`), so slow tenant sites never hold the main queue's slots; at
    # most this many run at once in one worker.
    enrich_max_concurrent_activities: int = Field(20, ge=1, le=1000)

    # Lead discovery (outreach/discovery): a SearXNG instance whose JSON API
    # (`<url>/search?q=...&format=json`) finds companies from an ICP (unset: off, only seed
    # domains are read; an operator setting, but its results are fetched through the SSRF
    # guard like every tenant-given URL); its answer's deadline; and the bounds of one run:
    # companies read, pages per company, seconds between two pages of one site.
    search_url: str | None = None
    search_timeout: float = Field(10.0, gt=0, le=30)
    discovery_max_companies: int = Field(10, ge=1, le=50)
    discovery_max_pages: int = Field(5, ge=1, le=10)
    discovery_crawl_delay: float = Field(1.0, ge=0, le=30)

    # Seconds of random spread added when many leads wake at the same window opening.
    send_jitter_seconds: int = 300

    # A sending mailbox is paused when more than this share of its last
    # `mailbox_bounce_window` step sends hard-bounced (outreach/mailboxes/health.py).
    mailbox_bounce_threshold: float = Field(0.05, gt=0, le=1)
    mailbox_bounce_window: int = Field(50, ge=1, le=10_000)

    # Per-plan overrides of the contract's rate limits (outreach.ratelimit.limits), JSON:
    # {"business": {"reply_draft": [20, 120, 400]}} (per minute, hour, day).
    rate_limits: dict[str, dict[str, list[int]]] = Field(default_factory=dict)

    # -- operations (health, metrics, logs) ------------------------------------------------
    # The worker's health and metrics port (outreach/opsserver.py); 0 turns it off. The
    # host defaults to loopback: containers set 0.0.0.0 so Prometheus can reach it.
    metrics_port: int = Field(9100, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    # `text` (human lines) or `json` (one JSON object per line; outreach/logs.py).
    log_format: Literal["text", "json"] = "text"

    _signing_key: tuple[tuple[str | None, Path], bytes] | None = PrivateAttr(None)
    _keyring: tuple[tuple[object, ...], Keyring] | None = PrivateAttr(None)

    @field_validator("rate_limits")
    @classmethod
    def _rate_limits(cls, v: dict[str, dict[str, list[int]]]) -> dict[str, dict[str, list[int]]]:
        from outreach.ratelimit.limits import check_overrides

        check_overrides(v)
        return v

    @field_validator("dns_nameservers")
    @classmethod
    def _nameservers(cls, v: str | None) -> str | None:
        from outreach.enrichment.dns import parse_nameservers

        parse_nameservers(v)
        return v or None

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str | None) -> str | None:
        return _rewrite_db_url(v) if v else v

    # -- derived -------------------------------------------------------------------------
    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'outreach.db').resolve()}"

    @property
    def async_db_url(self) -> str:
        url = self.db_url
        if url.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
        return url

    @property
    def email_task_queue(self) -> str:
        return f"{self.task_queue}-email"

    @property
    def webhook_task_queue(self) -> str:
        return f"{self.task_queue}-webhooks"

    @property
    def enrich_task_queue(self) -> str:
        return f"{self.task_queue}-enrich"

    def signing_key(self) -> bytes:
        """The key that signs unsubscribe tokens and cursors; created once per data dir, read
        once per process (it is on the send path)."""
        source = (self.secret_key, self.data_dir)
        if self._signing_key is None or self._signing_key[0] != source:
            self._signing_key = (source, self._load_signing_key())
        return self._signing_key[1]

    def keyring(self) -> Keyring:
        """The keys that encrypt stored secrets (the first seals, all open); loaded once
        per process. Raises KeyConfigError (a clear sentence) when missing or malformed."""
        from outreach.encryption.keys import load_keyring

        key = self.encryption_key.get_secret_value() if self.encryption_key else None
        source = (key, self.encryption_key_file, self.data_dir, self.db_url)
        if self._keyring is None or self._keyring[0] != source:
            self._keyring = (source, load_keyring(self))
        return self._keyring[1]

    def _load_signing_key(self) -> bytes:
        if self.secret_key:
            return self.secret_key.encode()
        from outreach.datadir import private_dir, tighten, write_private

        path = self.data_dir / "secret_key"
        if not path.exists():
            private_dir(self.data_dir)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.unlink(missing_ok=True)
            write_private(tmp, secrets.token_urlsafe(48).encode())
            tmp.replace(path)
        tighten(path)
        return path.read_text().strip().encode()


@lru_cache
def get_settings() -> Settings:
    return Settings()
