"""A list mapping written straight into the CRM database for tests: the demo ERP's
countries matched to the CRM's country list by code."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from erpsync.connectors.demo.admin import DemoErp
from erpsync.crm.models import ListItem
from erpsync.db import Database
from erpsync.mapping.models import ListItemMapping, ListMapping


def map_countries_by_code(
    database: Database, erp_path: Path, connection_id: int, missing: str | None = None
) -> None:
    """Country list mapping by code for the connection, leaving `missing` out if given."""
    with DemoErp(erp_path) as erp:
        erp_items = erp.db.execute(
            "SELECT id, code FROM list_item WHERE list_name = 'countries'"
        ).fetchall()
    with database.session() as session:
        crm_ids = dict(
            session.execute(
                select(ListItem.code, ListItem.id).where(ListItem.list_name == "country")
            ).all()
        )
        mapping = ListMapping(connection_id=connection_id, erp_list="countries", crm_list="country")
        mapping.items = [
            ListItemMapping(erp_item=str(item_id), crm_item_id=crm_ids[code])
            for item_id, code in erp_items
            if code != missing and code in crm_ids
        ]
        session.add(mapping)
