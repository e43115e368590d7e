"""Erasure: what forgetting a person means, decided without I/O.

`DELETE /leads/{id}` erases one lead; `POST /erasure {"email"}` every lead of the workspace
with that address, the unmatched replies from it and its suppression entry. The API
resolves the request into ids (never the address: the workflow's history must not name
the person) and starts `EraseLeadsWorkflow` (workflows/erasure.py) with a deterministic
id, so a repeated request joins the running erasure. The workflow ends each lead's
workflow, deletes the rows in one transaction (outreach/leads/erasure_store.py) and then
deletes the Temporal executions that held the person's data.

An address on the suppression list stays suppressed: its entry becomes a hashed entry
(`email_hash`, SHA-256 hex of the normalised address, no `email`, no `leadId`). A plain
hash, not a keyed one: the same address always hashes the same, in every workspace and
after a secret-key rotation, so the check never silently lapses; the price is that
someone holding the database can test a guessed address against it (as with any
suppression list kept for compliance).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from outreach.drafts.contracts import draft_workflow_id, reply_send_workflow_id
from outreach.enrichment.contracts import enrich_workflow_id
from outreach.inbound.contracts import reply_workflow_id
from outreach.temporal import lead_workflow_id

ERASE_LEADS_WORKFLOW = "EraseLeadsWorkflow"
LEAD_DELETED = "lead.deleted"


class ErasureStatus(StrEnum):
    ERASED = "erased"  # every row is gone
    ERASING = "erasing"  # still running (202): it finishes by itself


def email_hash(normalised_email: str) -> str:
    """SHA-256 hex of the address as stored (outreach.emails.normalise_email)."""
    return hashlib.sha256(normalised_email.encode("utf-8")).hexdigest()


def lead_erasure_id(lead_id: str) -> str:
    """The workflow id of `DELETE /leads/{id}`."""
    return f"erase-{lead_id}"


def address_erasure_id(workspace_id: str, normalised_email: str) -> str:
    """The workflow id of `POST /erasure`: the address's hash, never the address."""
    return f"erase-{workspace_id}-{email_hash(normalised_email)[:32]}"


@dataclass
class EraseRequest:
    """What to erase, by id: leads, unmatched replies, and suppression entries to hash
    (an address with no lead left)."""

    workspace_id: str
    lead_ids: list[str] = field(default_factory=list)
    reply_ids: list[str] = field(default_factory=list)
    suppression_ids: list[str] = field(default_factory=list)


@dataclass
class ErasureCounts:
    leads: int = 0
    replies: int = 0
    suppressions_hashed: int = 0


@dataclass
class ErasedRows:
    """What the database step did, and the Temporal executions that still hold the
    person's data (to end and delete)."""

    counts: ErasureCounts
    workflow_ids: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)  # the `lead.deleted` events


@dataclass
class ErasureResult:
    counts: ErasureCounts
    executions_deleted: int = 0
    executions_kept: int = 0  # the server could not delete them (see README)


def hash_entry(address_still_used: bool) -> bool:
    """Whether an erased lead's address entry becomes a hashed entry: yes, unless another
    lead of the workspace still has the address (that lead names the person anyway, and
    each of its sends checks the plain entry in the same query; `POST /erasure` erases
    them all, so its entries are always hashed)."""
    return not address_still_used


def executions_of(
    lead_ids: list[str], reply_ids: list[str], draft_ids: list[str], delivery_ids: list[str]
) -> list[str]:
    """The workflow ids whose histories carry the erased rows' data: each lead's sequence
    (its memo and inputs name the address), each reply's pipeline, each draft and answer,
    each webhook delivery of an erased event."""
    ids = [lead_workflow_id(x) for x in lead_ids]
    ids += [enrich_workflow_id(x) for x in lead_ids]
    ids += [reply_workflow_id(x) for x in reply_ids]
    ids += [draft_workflow_id(x) for x in draft_ids]
    ids += [reply_send_workflow_id(x) for x in draft_ids]
    ids += delivery_ids
    return list(dict.fromkeys(ids))
