"""Helpers shared by the CRM tests (service, API, pages): seeded lists and counts."""

from __future__ import annotations

from sqlalchemy import func, select

from erpsync.crm import lists
from erpsync.crm.models import Company, Person, Project
from erpsync.db import Database


def seed_lists(database: Database) -> None:
    with database.session() as session:
        lists.ensure_standard_lists(session)


def counts(database: Database) -> tuple[int, int, int]:
    """(companies, persons, projects) rows, deleted ones included."""
    with database.read_session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Company, Person, Project)
        )
