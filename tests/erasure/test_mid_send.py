"""Erasing a lead whose first email is inside the SMTP DATA exchange, on the real dev
server with a real SMTP server on loopback that holds DATA: the lead's workflow is ended
and its execution deleted, the rows go, and the send finishing afterwards records nothing
(no send row, no event); the one message already on the wire is all that went out."""

from __future__ import annotations

import logging
import secrets

import pytest
from temporalio.service import RPCError, RPCStatusCode

from outreach.leads.erasure import ErasureResult, lead_erasure_id
from outreach.temporal import lead_workflow_id
from tests.erasure.conftest import Tenant, leftovers
from tests.helpers import eventually, sends_of

HOLD_DATA = 4.0  # seconds the SMTP server holds its answer to DATA (under smtp_timeout 5)


async def test_erasing_a_lead_mid_send_leaves_nothing(
    dev_tenant: Tenant, db, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="outreach.activities.email")
    smtp = dev_tenant.stack.smtp
    smtp.data_delay = HOLD_DATA
    try:
        camp = await dev_tenant.campaign(db)
        address = f"mid.send.{secrets.token_hex(5)}@example.com"
        created = await dev_tenant.post_lead(camp.id, address, firstName="Sam")
        assert created.status_code == 201, created.text
        lead_id = created.json()["id"]

        async def in_data() -> bool:
            return any(x.status == "sending" for x in await sends_of(db, lead_id))

        await eventually(in_data)
        resp = await dev_tenant.delete_lead(lead_id)
        assert resp.status_code == 204, resp.text
        assert not smtp.messages  # the erasure did not wait for the send
        assert await leftovers(db, address, lead_id) == []

        # The server takes the message; the send then finds no lead and writes nothing.
        await smtp.wait_for(1, within=HOLD_DATA + 10)
        await eventually(lambda: "erased during step 1" in caplog.text, within=20)
        assert await leftovers(db, address, lead_id) == []
        assert len(smtp.messages) == 1

        # The lead's workflow history (its memo names the address) is deleted, and the
        # erasure's own history holds ids only.
        handle = dev_tenant.stack.env.client.get_workflow_handle(lead_workflow_id(lead_id))

        async def gone() -> bool:
            try:
                await handle.describe()
            except RPCError as exc:
                return exc.status == RPCStatusCode.NOT_FOUND
            return False

        erasure = dev_tenant.stack.env.client.get_workflow_handle(
            lead_erasure_id(lead_id), result_type=ErasureResult
        )
        result = await erasure.result()
        assert result.counts.leads == 1 and result.executions_deleted == 1
        assert address not in (await erasure.fetch_history()).to_json()
        # The server deletes it in the background (about 30 s here).
        await eventually(gone, within=90, every=0.5)
    finally:
        smtp.data_delay = 0.0
