"""The erasure's pure rules: the hash of an address, the workflow ids (never the address),
when an address entry is hashed, and which executions carry an erased person's data."""

from __future__ import annotations

import hashlib

from outreach.leads.erasure import (
    address_erasure_id,
    email_hash,
    executions_of,
    hash_entry,
    lead_erasure_id,
)


def test_the_hash_is_sha256_hex_of_the_normalised_address() -> None:
    assert email_hash("sam@example.com") == hashlib.sha256(b"sam@example.com").hexdigest()
    assert len(email_hash("sam@example.com")) == 64


def test_workflow_ids_are_deterministic_and_never_name_the_address() -> None:
    assert lead_erasure_id("lead_1") == "erase-lead_1"
    one = address_erasure_id("ws_1", "sam@example.com")
    assert one == address_erasure_id("ws_1", "sam@example.com")
    assert "sam" not in one and "example" not in one
    assert one != address_erasure_id("ws_2", "sam@example.com")
    assert one != address_erasure_id("ws_1", "bo@example.com")


def test_an_entry_is_hashed_once_no_lead_uses_the_address() -> None:
    assert hash_entry(address_still_used=False)
    assert not hash_entry(address_still_used=True)


def test_executions_of_the_erased_rows() -> None:
    ids = executions_of(["lead_1"], ["reply_1"], ["draft_1"], ["webhook-evt_1-whk_1"])
    assert ids == [
        "lead-lead_1",
        "enrich-lead_1",  # its enrichment runs (their histories hold its domain and site)
        "reply-reply_1",
        "draft-draft_1",
        "reply-send-draft_1",
        "webhook-evt_1-whk_1",
    ]
    assert executions_of(["lead_1", "lead_1"], [], [], []) == ["lead-lead_1", "enrich-lead_1"]
