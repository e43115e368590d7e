"""API key scopes. The first seven are the seed's; the rest are additive."""

from enum import StrEnum


class Scope(StrEnum):
    LEADS_READ = "leads:read"
    LEADS_WRITE = "leads:write"
    CAMPAIGNS_READ = "campaigns:read"
    CAMPAIGNS_WRITE = "campaigns:write"
    REPLIES_READ = "replies:read"
    SENDS_READ = "sends:read"
    SENDS_TRIGGER = "sends:trigger"
    # additive (v1 grows by addition): webhook endpoints, inbound mail, mailboxes, the
    # suppression list
    REPLIES_WRITE = "replies:write"
    WEBHOOKS_READ = "webhooks:read"
    WEBHOOKS_WRITE = "webhooks:write"
    MAILBOXES_READ = "mailboxes:read"
    MAILBOXES_WRITE = "mailboxes:write"
    SUPPRESSIONS_READ = "suppressions:read"
    SUPPRESSIONS_WRITE = "suppressions:write"


ALL_SCOPES = tuple(s.value for s in Scope)
PLANS = ("free", "pro", "business")
API_PLANS = frozenset({"pro", "business"})  # the API is a Pro-plan feature (seed)


def parse_scopes(text: str) -> list[str]:
    """`a,b` -> ["a", "b"]; unknown scopes raise ValueError. `*` means every scope."""
    items = [s.strip() for s in text.split(",") if s.strip()]
    if items == ["*"]:
        return list(ALL_SCOPES)
    unknown = [s for s in items if s not in ALL_SCOPES]
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(ALL_SCOPES)}")
    return list(dict.fromkeys(items))
