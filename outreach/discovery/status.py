"""Discovery's enums: where a run stands, and what became of each candidate."""

from __future__ import annotations

from enum import StrEnum


class DiscoveryStatus(StrEnum):
    PENDING = "pending"  # asked for; the workflow has not picked it up yet
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"  # the campaign went away or stopped taking leads


class Outcome(StrEnum):
    """What became of one candidate (a person found on a company's pages)."""

    CREATED = "created"  # a new lead in the campaign (`leadId`)
    DUPLICATE = "duplicate"  # the campaign has the address already, or the run found it twice
    SUPPRESSED = "suppressed"  # the address or its domain is on the suppression list
    NO_ADDRESS = "no_address"  # no address seen, and no confirmed pattern to propose one
    NOT_MATCHING = "not_matching"  # the title matches none of the ICP's roles
    UNDELIVERABLE = "undeliverable"  # the address's domain takes no mail (MX etc.)
    INVALID = "invalid"  # a lead rule refused it (the reason says which)
    LIMIT_REACHED = "limit_reached"  # the run's `limit` of new leads was reached first


class CompanyStatus(StrEnum):
    """What became of one company's site."""

    READ = "read"  # at least one page read
    UNREACHABLE = "unreachable"  # no page could be read (failures, 4xx, not HTML...)
    REFUSED = "refused"  # the SSRF guard refused the host (or a redirect's)
    ROBOTS = "disallowed_by_robots"  # robots.txt forbids the home page, or is unreachable
    INVALID = "invalid"  # not a domain or website URL that can be fetched
    LIMIT_REACHED = "limit_reached"  # over the run's cap of companies
