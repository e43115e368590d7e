"""Email address normalisation (email-validator: IDNA domains, SMTPUTF8 local parts)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def normalise_email(value: str) -> str:
    """Canonical form used for uniqueness and suppression: lower-cased, IDNA-decoded domain.
    ValueError with the validator's reason when it is not an address."""
    if not isinstance(value, str) or len(value) > 320:
        raise ValueError("not an email address")
    try:
        result = validate_email(value.strip(), check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    return result.normalized.lower()
