"""Search attributes that make leads and deliveries filterable in the Temporal web UI.

Pure definitions (imported by workflows). Registered at every start by
`outreach.temporal.register_search_attributes` (idempotent).
"""

from temporalio.common import SearchAttributeKey

WORKSPACE_ID = SearchAttributeKey.for_keyword("OutreachWorkspaceId")
CAMPAIGN_ID = SearchAttributeKey.for_keyword("OutreachCampaignId")
LEAD_STATUS = SearchAttributeKey.for_keyword("OutreachLeadStatus")
STEP = SearchAttributeKey.for_int("OutreachStep")
EVENT_TYPE = SearchAttributeKey.for_keyword("OutreachEventType")
WEBHOOK_ENDPOINT_ID = SearchAttributeKey.for_keyword("OutreachWebhookEndpointId")
DELIVERY_STATUS = SearchAttributeKey.for_keyword("OutreachDeliveryStatus")

ALL = (
    WORKSPACE_ID,
    CAMPAIGN_ID,
    LEAD_STATUS,
    STEP,
    EVENT_TYPE,
    WEBHOOK_ENDPOINT_ID,
    DELIVERY_STATUS,
)
