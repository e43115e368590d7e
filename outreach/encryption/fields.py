"""The encrypted columns, and the one place each is sealed and opened.

A value is bound to its row and column (the associated data names both), so a password
copied to another mailbox, or into a webhook's secret, does not open. Open a value only
where the secret is used (the IMAP login, the HMAC signature): never for an API answer,
never for a log line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from outreach.encryption.crypto import Keyring, seal, unseal

if TYPE_CHECKING:
    from outreach.models import Mailbox, WebhookEndpoint


@dataclass(frozen=True)
class SecretColumn:
    table: str
    column: str

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"

    def context(self, row_id: str) -> str:
        return f"{self.name}:{row_id}"

    def seal(self, keyring: Keyring, row_id: str, plaintext: str) -> str:
        return seal(keyring, self.context(row_id), plaintext)

    def open(self, keyring: Keyring, row_id: str, value: str) -> str:
        return unseal(keyring, self.context(row_id), value)


MAILBOX_PASSWORD = SecretColumn("mailbox", "password")  # its IMAP login
MAILBOX_SMTP_PASSWORD = SecretColumn("mailbox", "smtp_password")  # its SMTP login (optional)
WEBHOOK_SECRET = SecretColumn("webhook_endpoint", "secret")
# One known value under the keys, written at migration: tells a wrong key at start even
# while no mailbox or webhook exists yet.
CHECK_VALUE = SecretColumn("encryption_check", "value")
CHECK_ID = "check"
CHECK_TEXT = "outreach encryption check"

# Every column holding a secret, the check value first.
SECRET_COLUMNS = (CHECK_VALUE, MAILBOX_PASSWORD, MAILBOX_SMTP_PASSWORD, WEBHOOK_SECRET)


def seal_mailbox_password(keyring: Keyring, mailbox_id: str, password: str) -> str:
    return MAILBOX_PASSWORD.seal(keyring, mailbox_id, password)


def mailbox_password(keyring: Keyring, mailbox: Mailbox) -> str:
    return MAILBOX_PASSWORD.open(keyring, mailbox.id, mailbox.password)


def seal_smtp_password(keyring: Keyring, mailbox_id: str, password: str) -> str:
    return MAILBOX_SMTP_PASSWORD.seal(keyring, mailbox_id, password)


def smtp_password(keyring: Keyring, mailbox: Mailbox) -> str | None:
    if not mailbox.smtp_password:
        return None
    return MAILBOX_SMTP_PASSWORD.open(keyring, mailbox.id, mailbox.smtp_password)


def seal_webhook_secret(keyring: Keyring, endpoint_id: str, secret: str) -> str:
    return WEBHOOK_SECRET.seal(keyring, endpoint_id, secret)


def webhook_secret(keyring: Keyring, endpoint: WebhookEndpoint) -> str:
    return WEBHOOK_SECRET.open(keyring, endpoint.id, endpoint.secret)
