"""Fixtures of the enrichment tests: a real DNS server (dnslib) and a real website on
loopback, and the real worker on the time-skipping server with the resolver set to that DNS
server (`OUTREACH_DNS_NAMESERVERS`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from outreach.config import Settings
from outreach.db import Database
from tests.conftest import settings_for
from tests.enrichment.servers import Dns, Site, dns_server, website
from tests.helpers import running_worker


@pytest.fixture(scope="module")
def dns() -> Iterator[Dns]:
    with dns_server() as d:
        yield d


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with website() as s:
        yield s


@dataclass
class Env:
    client: Client
    settings: Settings
    db: Database
    dns: Dns
    site: Site


@pytest.fixture(scope="module")
async def env(
    ts_env: WorkflowEnvironment, settings: Settings, db: Database, dns: Dns, site: Site
) -> AsyncIterator[Env]:
    cfg = settings_for(settings, dns_nameservers=dns.nameservers, enrich_fetch_timeout=1.0)
    async with running_worker(ts_env.client, cfg, db):
        yield Env(ts_env.client, cfg, db, dns, site)
