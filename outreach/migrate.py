"""Programmatic Alembic: `outreach migrate` and the test fixtures call this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from outreach.config import Settings
from outreach.datadir import private_dir

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(settings: Settings | None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    if settings is not None:
        cfg.attributes["url"] = settings.db_url
        # Migrations that need more than the URL (0008's encryption keys) read it here.
        cfg.attributes["settings"] = settings
    return cfg


def upgrade(settings: Settings, revision: str = "heads") -> None:
    """Apply migrations. The encryption keys are checked against what is stored before
    (when a migrated database holds secrets) and after: `outreach migrate` refuses a wrong
    key as the api and the worker do."""
    from outreach.encryption.stored import verify

    if settings.db_url.startswith("sqlite"):
        private_dir(settings.data_dir)
    verify(settings, require_keys=False)
    command.upgrade(alembic_config(settings), revision)
    verify(settings, require_keys=False)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)
