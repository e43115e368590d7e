"""The `data` of webhook events: each entity exactly as the API's GET returns it (the same
schema renders both), so a receiver and an API client read one shape."""

from __future__ import annotations

from typing import Any

from outreach.inbound.schemas import ReplyOut
from outreach.leads.schemas import LeadOut
from outreach.models import ChannelTouch, Lead, Reply, Send
from outreach.schemas import dump
from outreach.sends.schemas import SendOut, TouchOut


def lead_payload(lead: Lead) -> dict[str, Any]:
    return dump(LeadOut.from_row(lead))


def send_payload(send: Send) -> dict[str, Any]:
    return dump(SendOut.from_row(send))


def touch_payload(touch: ChannelTouch) -> dict[str, Any]:
    return dump(TouchOut.from_row(touch))


def reply_payload(reply: Reply) -> dict[str, Any]:
    return dump(ReplyOut.from_row(reply))
