"""Unsubscribe links: `GET /u/{token}` asks, `POST /u/{token}` unsubscribes (RFC 8058
one-click, and the page's button). 200 and no redirect, as RFC 8058 requires."""

from __future__ import annotations

import base64
import hashlib
import html
import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, or_, select

from api.deps import SessionDep, StateDep
from api.errors import error_response
from outreach import outbox
from outreach.contracts import LeadSignal
from outreach.leads.erasure import email_hash
from outreach.leads.runs import signal_lead
from outreach.models import Lead, Suppression
from outreach.security import verify_token
from outreach.suppression import SuppressionReason, SuppressionSource, suppress

log = logging.getLogger("outreach.api.unsubscribe")
router = APIRouter(tags=["unsubscribe"], include_in_schema=True)

UNSUBSCRIBE_PURPOSE = "unsub"

_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;"
    "color:#222}button{font:inherit;padding:.5rem 1.2rem;cursor:pointer}"
)
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport"
content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>{title}</title><style>{style}</style></head><body><h1>{title}</h1>{body}</body></html>"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()

# The token in the URL is a capability: the page loads nothing, cannot be framed (a framed
# one-click button is a clickjacking target), is never sniffed as another type, and sends
# no Referer anywhere. Its one style is allowed by hash; its form posts back to itself.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _hardened(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


def _page(title: str, body: str, status: int = 200) -> Response:
    return _hardened(
        HTMLResponse(
            _PAGE.format(title=html.escape(title), style=_STYLE, body=body), status_code=status
        )
    )


async def _lead_for(request: Request, session: SessionDep, token: str) -> Lead | Response:
    key = request.app.state.outreach.settings.signing_key()
    lead_id = verify_token(key, UNSUBSCRIBE_PURPOSE, token)
    lead = await session.get(Lead, lead_id) if lead_id else None
    if lead is None:
        if "text/html" in request.headers.get("accept", ""):
            return _page(
                "Link not valid", "<p>This unsubscribe link is not valid or has expired.</p>", 404
            )
        return _hardened(error_response(404, "Unsubscribe link not valid.", "not_found"))
    return lead


@router.get("/u/{token}", response_class=HTMLResponse, summary="Unsubscribe page")
async def unsubscribe_page(token: str, request: Request, session: SessionDep) -> Response:
    found = await _lead_for(request, session, token)
    if not isinstance(found, Lead):
        return found
    suppressed = (
        await session.exec(
            select(Suppression).where(
                Suppression.workspace_id == found.workspace_id,
                or_(  # its entry, or its hashed one (the address of an erased lead)
                    col(Suppression.email) == found.email,
                    col(Suppression.email_hash) == email_hash(found.email),
                ),
            )
        )
    ).first()
    if suppressed is not None and suppressed.reason == SuppressionReason.UNSUBSCRIBED:
        return _page(
            "You are unsubscribed",
            f"<p>{html.escape(found.email)} will not receive further emails.</p>",
        )
    return _page(
        "Unsubscribe",
        f"<p>Stop emails to <strong>{html.escape(found.email)}</strong>?</p>"
        f'<form method="post" action="{html.escape(str(request.url.path))}">'
        '<button type="submit">Unsubscribe</button></form>',
    )


@router.post(
    "/u/{token}",
    summary="Unsubscribe (RFC 8058 one-click)",
    responses={200: {"content": {"text/html": {}}}},
)
async def unsubscribe(
    token: str, request: Request, session: SessionDep, state: StateDep
) -> Response:
    found = await _lead_for(request, session, token)
    if not isinstance(found, Lead):
        return found
    lead = found
    # The suppression row is written here, so no later step can go out even if the
    # workflow engine is unreachable right now; the lead's workflow records the rest.
    # The signal goes into the outbox in the same transaction: if Temporal is unreachable
    # now, the sweeper delivers it later (outreach/outbox.py).
    await suppress(
        session,
        lead.workspace_id,
        lead.email,
        SuppressionReason.UNSUBSCRIBED,
        lead.id,
        SuppressionSource.UNSUBSCRIBE_LINK,
    )
    await outbox.add_lead_signal(session, lead, LeadSignal.UNSUBSCRIBE, "link")
    try:
        await session.commit()
    except IntegrityError:  # a concurrent click wrote it (or its outbox row) first
        await session.rollback()
    await session.refresh(lead)
    try:
        client = await state.temporal()
        await signal_lead(client, state.settings, lead, LeadSignal.UNSUBSCRIBE, "link")
        await outbox.delivered(session, outbox.signal_key(lead.id, LeadSignal.UNSUBSCRIBE))
    except Exception as exc:  # noqa: BLE001 - the suppression already protects the address
        log.warning("lead %s unsubscribed; its workflow hears it from the outbox: %s", lead.id, exc)
    if "text/html" in request.headers.get("accept", ""):
        return _page(
            "You are unsubscribed",
            f"<p>{html.escape(lead.email)} will not receive further emails.</p>",
        )
    return _hardened(JSONResponse({"unsubscribed": True, "email": lead.email}))
