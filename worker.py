"""The Temporal worker: every workflow and activity of the engine, on four task queues.

  <queue>           workflows and database activities
  <queue>-email     perform_step and send_reply (SMTP); its rate can be capped server-side
  <queue>-webhooks  webhook delivery attempts (HTTP)
  <queue>-enrich    enrichment and discovery: DNS queries, page fetches, searches and
                    model calls; at most OUTREACH_ENRICH_MAX_CONCURRENT_ACTIVITIES at once

Run with `python worker.py` or `outreach worker`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence

from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from outreach import mail
from outreach.config import Settings, get_settings
from outreach.db import Database
from outreach.encryption.crypto import EncryptionError
from outreach.encryption.stored import verify as verify_stored_secrets
from outreach.logs import setup_logging
from outreach.opsserver import OpsServer, sdk_runtime
from outreach.temporal import connect, register_search_attributes

log = logging.getLogger("outreach.worker")


def main_queue_workflows() -> list[type]:
    """The workflows of the main task queue (the webhooks queue has its own)."""
    from workflows.autopilot import AutopilotWorkflow
    from workflows.campaign import CampaignSyncWorkflow
    from workflows.counters import CountersRollupWorkflow
    from workflows.discovery import DiscoveryWorkflow
    from workflows.drafts import DraftReplyWorkflow, RegenerateTouchWorkflow, ReplySendWorkflow
    from workflows.enrichment import EnrichLeadWorkflow
    from workflows.erasure import EraseLeadsWorkflow
    from workflows.lead import LeadWorkflow
    from workflows.mailbox import MailboxSyncWorkflow
    from workflows.outbox import OutboxSweepWorkflow
    from workflows.reply import InboundReplyWorkflow

    return [
        LeadWorkflow,
        CampaignSyncWorkflow,
        InboundReplyWorkflow,
        MailboxSyncWorkflow,
        OutboxSweepWorkflow,
        DraftReplyWorkflow,
        RegenerateTouchWorkflow,
        ReplySendWorkflow,
        CountersRollupWorkflow,
        EraseLeadsWorkflow,
        EnrichLeadWorkflow,
        DiscoveryWorkflow,
        AutopilotWorkflow,
    ]


def webhook_queue_workflows() -> list[type]:
    from workflows.webhook_delivery import WebhookDeliveryWorkflow

    return [WebhookDeliveryWorkflow]


def all_workflows() -> list[type]:
    """Every workflow type the engine runs (the replay tests replay them all)."""
    return main_queue_workflows() + webhook_queue_workflows()


def build_workers(client: Client, settings: Settings, db: Database) -> Sequence[Worker]:
    from activities.autopilot import AutopilotActivities
    from activities.counters import CounterActivities
    from activities.discovery import DiscoveryActivities
    from activities.drafts import DraftActivities, ReplySendActivities
    from activities.email import EmailActivities
    from activities.enrichment import EnrichmentActivities
    from activities.erasure import ErasureActivities
    from activities.leads import LeadActivities
    from activities.outbox import OutboxActivities
    from activities.replies import ReplyActivities
    from activities.webhooks import WebhookActivities

    leads = LeadActivities(db, settings, client)
    email = EmailActivities(db, settings, client)
    replies = ReplyActivities(db, settings, client)
    webhooks = WebhookActivities(db, settings)
    outbox = OutboxActivities(db, settings, client)
    drafts = DraftActivities(db, settings, client)
    reply_send = ReplySendActivities(db, settings, client)
    counter = CounterActivities(db, settings, client)
    erasure = ErasureActivities(db, settings, client)
    enrich = EnrichmentActivities(db, settings, client)
    discover = DiscoveryActivities(db, settings, client, enrich)  # shares its robots cache
    autopilot = AutopilotActivities(db, settings, client)

    return [
        Worker(
            client,
            task_queue=settings.task_queue,
            workflows=main_queue_workflows(),
            activities=[
                leads.load_plan,
                leads.publish,
                leads.transition_lead,
                leads.mark_touch_sent,
                leads.signal_campaign_leads,
                replies.match,
                replies.classify,
                replies.apply_effect,
                replies.apply_bounce,
                replies.sync_mailbox,
                outbox.sweep,
                drafts.write_with_model,
                drafts.write_builtin,
                drafts.regenerate_with_model,
                drafts.regenerate_variant,
                reply_send.fail,
                counter.rollup,
                erasure.end_lead_workflows,
                erasure.erase_rows,
                erasure.forget_executions,
                enrich.read_address,
                enrich.store,
                discover.open_run,
                discover.create_leads,
                discover.finish,
                autopilot.begin,
                autopilot.draft_rows,
                autopilot.count_enrolled,
                autopilot.finish,
            ],
            workflow_runner=workflow_runner(),
        ),
        Worker(
            client,
            task_queue=settings.email_task_queue,
            activities=[email.perform_step, reply_send.send_reply],
            # The server caps this queue's rate across every worker (0: no cap).
            max_task_queue_activities_per_second=settings.max_sends_per_second or None,
        ),
        Worker(
            client,
            task_queue=settings.webhook_task_queue,
            workflows=webhook_queue_workflows(),
            activities=[webhooks.deliver, webhooks.record],
            workflow_runner=workflow_runner(),
        ),
        Worker(
            client,
            task_queue=settings.enrich_task_queue,
            activities=[
                enrich.lookup_mx,
                enrich.lookup_address,
                enrich.fetch_page,
                enrich.write_with_model,
                discover.plan_queries,
                discover.search,
                discover.fetch_page,
            ],
            # Tenants' sites and DNS can be slow: they wait here, never in the main queue.
            max_concurrent_activities=settings.enrich_max_concurrent_activities,
        ),
    ]


def workflow_runner() -> SandboxedWorkflowRunner:
    """The sandbox, with our own modules passed through: they hold no mutable state, and
    re-importing them for every workflow instance costs more CPU than the workflow itself."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            "workflows", "outreach", "isodate", "zoneinfo"
        )
    )


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    workers: list[Worker] = []
    ops, runtime = await start_ops_server(settings, lambda: workers)
    try:
        client = await connect(settings, attempts=60, delay=1.0, runtime=runtime)
        await register_search_attributes(client, settings.temporal_namespace)
        db = Database(settings)
        workers.extend(build_workers(client, settings, db))
        log.info("worker polling %s", ", ".join(w.task_queue for w in workers))
        try:
            async with asyncio.TaskGroup() as group:
                for w in workers:
                    group.create_task(w.run())
                group.create_task(catch_up_outbox(client, settings, db))
                group.create_task(ensure_rollup_schedule(client, settings))
                await stop.wait()
                for w in workers:
                    group.create_task(w.shutdown())
        finally:
            await mail.close_pool()  # the mailboxes' reused SMTP connections
            await db.dispose()
    finally:
        if ops is not None:
            await ops.close()


async def catch_up_outbox(client: Client, settings: Settings, db: Database) -> None:
    """At start: the sweeper's schedule exists, and what the outbox holds is delivered now
    (after an outage or a deploy) rather than at the next tick. Failures are logged: the
    schedule retries every minute."""
    from outreach import outbox

    try:
        if await outbox.ensure_schedule(client, settings):
            log.info("created the schedule %s", outbox.schedule_id(settings))
        await outbox.sweep(db, settings, client)
    except Exception:
        log.exception("outbox catch-up failed; the schedule retries")


async def ensure_rollup_schedule(client: Client, settings: Settings) -> None:
    """At start: the counters roll-up schedule exists (logged when it cannot be made: the
    next worker start tries again, and reads stay exact without it)."""
    from outreach.campaigns import rollup

    try:
        if await rollup.ensure_schedule(client, settings):
            log.info("created the schedule %s", rollup.schedule_id(settings))
    except Exception:
        log.exception("could not make the counters roll-up schedule")


async def start_ops_server(
    settings: Settings, workers: Callable[[], Sequence[Worker]]
) -> tuple[OpsServer | None, Runtime | None]:
    """The health and metrics port (outreach/opsserver.py) and a Temporal runtime exporting
    the SDK's metrics to it; (None, None) when OUTREACH_METRICS_PORT is 0. A port that
    cannot be bound is logged and the worker runs on without it (its healthcheck fails)."""
    if not settings.metrics_port:
        return None, None
    runtime, sdk_url = sdk_runtime()
    ops = OpsServer(settings.metrics_host, settings.metrics_port, workers, sdk_url)
    try:
        await ops.start()
    except OSError as exc:
        log.error(
            "worker health/metrics port %s:%s unavailable (%s); running without it",
            settings.metrics_host,
            settings.metrics_port,
            exc.strerror or exc,
        )
        await ops.close()
        return None, runtime
    return ops, runtime


def run_worker(settings: Settings | None = None) -> int:
    setup_logging()
    settings = settings or get_settings()
    try:  # the keys open what is stored, or the worker does not start
        verify_stored_secrets(settings)
    except EncryptionError as exc:
        log.error("not starting: %s", exc)
        return 1
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        loop.run_until_complete(serve(settings, stop))
    except Exception:
        log.exception("worker failed")
        return 1
    return 0


if __name__ == "__main__":
    code = run_worker()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # the SDK can abort at interpreter exit (sdk-python #300)
