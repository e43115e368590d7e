"""Fixtures of the mailbox tests: the private Dovecot of the inbound-mail tests (its
fixture, reused), and a clean SMTP pool around every test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from outreach import mail
from tests.replies.conftest import dovecot  # noqa: F401 - the fixture, reused


@pytest.fixture(autouse=True)
async def _clean_pool() -> AsyncIterator[None]:
    await mail.close_pool()
    yield
    await mail.close_pool()
