"""Kept for existing imports: the suppression list lives in `outreach.suppressions`."""

from __future__ import annotations

from outreach.suppressions.service import suppress
from outreach.suppressions.status import SuppressionReason, SuppressionSource

__all__ = ["SuppressionReason", "SuppressionSource", "suppress"]
