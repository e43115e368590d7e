"""What a send, a channel touch and one run of a step can be.

A `Send` row, unique on (lead, step), is the exactly-once anchor:
  claimed  -> Message-ID assigned and stored, nothing handed to SMTP yet (safe to resend)
  sending  -> the SMTP DATA exchange has started (outcome unknown if the worker dies now)
  sent / bounced / unknown -> final; a retry finds it and does nothing more
  failed   -> SMTP kept failing (retries ran out); may be resent after a resume
"""

from __future__ import annotations

from enum import StrEnum


class SendKind(StrEnum):
    STEP = "step"  # a step of the campaign's sequence
    REPLY = "reply"  # an answer to one of the lead's replies (POST /replies/{id}/send)


class SendStatus(StrEnum):
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"


# A retry that finds one of these reports it and sends nothing.
SETTLED = frozenset({SendStatus.SENT, SendStatus.BOUNCED, SendStatus.UNKNOWN})
# The emails a follow-up threads under (In-Reply-To / References).
IN_THREAD = (SendStatus.SENT, SendStatus.UNKNOWN)
# A send the workflow may report failed once SMTP retries ran out.
RETRIABLE = frozenset({SendStatus.CLAIMED, SendStatus.FAILED})


class TouchStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"


class StepOutcome(StrEnum):
    """What one run of the step activity did (its result, read by the lead workflow)."""

    SENT = "sent"
    TOUCH_QUEUED = "touch_queued"
    UNKNOWN = "unknown"  # died inside DATA: reported, never resent
    BOUNCED = "bounced"
    CAP_REACHED = "cap_reached"
    MAILBOX_SLOT = "mailbox_slot"  # a later send slot on the lead's mailbox is reserved
    MAILBOX_UNAVAILABLE = "mailbox_unavailable"  # its mailbox is paused or in error
    SUPPRESSED = "suppressed"
    UNDELIVERABLE = "undeliverable"  # enrichment found the address cannot take mail
    LEAD_INACTIVE = "lead_inactive"
    CAMPAIGN_INACTIVE = "campaign_inactive"
    NO_STEP = "no_step"
    FAILED = "failed"  # SMTP kept failing (only in a send-next answer)
    PENDING = "pending"  # still in progress when the API stopped waiting (API only)

    @property
    def step_done(self) -> bool:
        """The lead passed the step (its position moves on)."""
        return self in (StepOutcome.SENT, StepOutcome.TOUCH_QUEUED, StepOutcome.UNKNOWN)
