"""A campaign's status and the changes allowed between them.

draft --> active <--> paused
  \\         \\         /
   `---------> archived (final: its leads are stopped)
"""

from __future__ import annotations

from enum import StrEnum


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


_ALLOWED: dict[CampaignStatus, frozenset[CampaignStatus]] = {
    CampaignStatus.DRAFT: frozenset(CampaignStatus),
    CampaignStatus.ACTIVE: frozenset(
        {CampaignStatus.ACTIVE, CampaignStatus.PAUSED, CampaignStatus.ARCHIVED}
    ),
    CampaignStatus.PAUSED: frozenset(
        {CampaignStatus.PAUSED, CampaignStatus.ACTIVE, CampaignStatus.ARCHIVED}
    ),
    CampaignStatus.ARCHIVED: frozenset({CampaignStatus.ARCHIVED}),
}


def can_become(current: str, target: str) -> bool:
    return CampaignStatus(target) in _ALLOWED[CampaignStatus(current)]


class Channel(StrEnum):
    """Where a step goes: an email is sent; a LinkedIn or Twitter step becomes a channel
    touch queued for the founder to paste."""

    EMAIL = "email"
    LINKEDIN = "linkedin"
    TWITTER = "twitter"
