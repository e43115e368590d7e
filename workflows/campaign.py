"""CampaignSyncWorkflow: after a campaign edit, pause or resume, tell its running leads."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.leads import LeadActivities
    from outreach.contracts import CAMPAIGN_SYNC_WORKFLOW


@workflow.defn(name=CAMPAIGN_SYNC_WORKFLOW)
class CampaignSyncWorkflow:
    @workflow.run
    async def run(self, campaign_id: str) -> int:
        return await workflow.execute_activity_method(
            LeadActivities.signal_campaign_leads,
            campaign_id,
            start_to_close_timeout=timedelta(minutes=30),
            heartbeat_timeout=timedelta(minutes=1),
            retry_policy=RetryPolicy(maximum_attempts=10, maximum_interval=timedelta(minutes=1)),
        )
