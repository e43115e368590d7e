"""What every activity class holds: the database, the settings, a Temporal client, and the
fan-out of the events an activity has just committed."""

from __future__ import annotations

from temporalio.client import Client

from outreach.config import Settings
from outreach.db import Database
from outreach.events import publish_events


class Activities:
    def __init__(self, db: Database, settings: Settings, client: Client) -> None:
        self.db = db
        self.settings = settings
        self.client = client

    async def _publish(self, event_ids: list[str]) -> None:
        await publish_events(self.db, self.client, self.settings.webhook_task_queue, event_ids)
