"""Demo CRM data: companies with persons and projects, and the CRM lists (placeholder)."""

from __future__ import annotations

from sqlalchemy.orm import Session


def load_demo_crm(session: Session) -> int:
    """Load the demo CRM once; returns the number of companies created (0 if present)."""
    return 0
