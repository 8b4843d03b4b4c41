"""Connect's comparison names List values as search and the ERP tab do (R-TAB-2, R-UI-2):
the ERP item's name on both sides, the CRM side through the list mapping; a CRM code
the mapping does not cover shows as itself. On SQLite and PostgreSQL CRM databases."""

from __future__ import annotations

from sqlalchemy import delete, select

from erpsync.crm.models import ListItem
from erpsync.mapping.models import ListItemMapping
from tests.linking.conftest import CUSTOMER, TabEnv
from tests.list_mappings import map_countries_by_code

COUNTRY = ("country", "country", "both", True, True, None, None)


def _map_countries(env: TabEnv) -> None:
    env.map("Customer", [COUNTRY])
    map_countries_by_code(env.database, env.erp_path, env.connection_id)


def _compare(env: TabEnv, company_id: int) -> tuple[dict[str, str], str]:
    sales = env.as_user("sales")
    params = {"actor_type": "Customer", "erp_key": "10001"}  # in Sweden
    answer = sales.get(env.url(company_id, "/compare"), params=params)
    assert answer.status_code == 200, answer.text
    [row] = [r for r in answer.json()["rows"] if r["erp_field"] == "country"]
    base = f"/companies/{company_id}/erp/{env.connection_id}/compare"
    return row, sales.get(base, params=params).text


def test_list_values_show_the_erp_items_names(env: TabEnv) -> None:
    _map_countries(env)
    company_id = env.company(name="Fjord AS", country="NO")
    row, page = _compare(env, company_id)
    assert (row["crm_value"], row["erp_value"]) == ("NO", "SE")  # codes stay the values
    assert (row["crm_text"], row["erp_text"]) == ("Norway", "Sweden")
    assert "Norway" in page and "Sweden" in page
    assert "> NO" not in page and "> SE" not in page


def test_a_crm_code_without_a_mapped_item_shows_itself(env: TabEnv) -> None:
    _map_countries(env)
    with env.database.session() as session:
        norway = session.scalar(
            select(ListItem.id).where(ListItem.list_name == "country", ListItem.code == "NO")
        )
        session.execute(delete(ListItemMapping).where(ListItemMapping.crm_item_id == norway))
    company_id = env.company(name="Fjord AS", country="NO")
    row, page = _compare(env, company_id)
    assert (row["crm_text"], row["erp_text"]) == (None, "Sweden")
    assert "NO" in page and "Sweden" in page


def test_fields_that_are_no_list_have_no_names(env: TabEnv) -> None:
    assert CUSTOMER[1][0] == "name"
    company_id = env.company(name="Plain AB")
    sales = env.as_user("sales")
    params = {"actor_type": "Customer", "erp_key": "10001"}
    rows = sales.get(env.url(company_id, "/compare"), params=params).json()["rows"]
    assert rows and all(r["crm_text"] is None and r["erp_text"] is None for r in rows)
