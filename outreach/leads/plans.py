"""Build a lead's schedule plan from the configuration rows."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from outreach.campaigns.service import load_steps
from outreach.campaigns.status import CampaignStatus
from outreach.contracts import Plan, StepPlan
from outreach.leads.status import LeadStatus
from outreach.models import Campaign, Lead, Step


def plan_from(campaign: Campaign, steps: list[Step], lead: Lead) -> Plan:
    return Plan(
        lead_status=LeadStatus(lead.status),
        campaign_status=CampaignStatus(campaign.status),
        timezone=lead.timezone or campaign.timezone,
        window=campaign.send_window,
        steps=[
            StepPlan(position=s.position, channel=s.channel, delay=s.delay)
            for s in sorted(steps, key=lambda s: s.position)
        ],
        auto_enrich=campaign.auto_enrich,
    )


async def load_plan(session: AsyncSession, lead: Lead) -> Plan:
    campaign = await session.get(Campaign, lead.campaign_id)
    assert campaign is not None
    return plan_from(campaign, await load_steps(session, campaign.id), lead)
