"""Bodies only the API has: `/me` and the list envelopes. Each entity's own bodies live with
its domain (`outreach/<domain>/schemas.py`), shared by the API and the webhook events; the
base classes (`In`, `Out`, `Timestamp`) are in `outreach.schemas`."""

from __future__ import annotations

from outreach.campaigns.schemas import CampaignOut
from outreach.inbound.schemas import ReplyOut
from outreach.leads.schemas import LeadOut
from outreach.schemas import In, Out, Timestamp
from outreach.sends.schemas import SendOut, TouchOut

__all__ = ["In", "Out", "Timestamp"]  # the bases, for the routes' own small bodies


class WorkspaceOut(Out):
    id: str
    name: str
    created_at: Timestamp


class KeyOut(Out):
    prefix: str
    scopes: list[str]


class MeOut(Out):
    workspace: WorkspaceOut
    key: KeyOut


class CampaignList(Out):
    data: list[CampaignOut]
    next_cursor: str | None


class LeadList(Out):
    data: list[LeadOut]
    next_cursor: str | None


class SendList(Out):
    data: list[SendOut]
    next_cursor: str | None


class ReplyList(Out):
    data: list[ReplyOut]
    next_cursor: str | None


class TouchList(Out):
    data: list[TouchOut]
    next_cursor: str | None
