"""The ERP tab pages through real HTTP (R-TAB-1…4, R-UI-2): the tab in the record's tab
strip, search and connect by form with a choice per field, create in ERP with field
errors shown in place, disconnect; English and Swedish."""

from __future__ import annotations

import re

from sqlalchemy import select

from erpsync.crm.models import Company
from erpsync.sync.models import Link
from tests.linking.conftest import TabEnv


def csrf(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_company_page_has_the_erp_tab_only_in_scope(env: TabEnv) -> None:
    company_id = env.company(name="Page AB")
    sales = env.as_user("sales")
    page = sales.get(f"/companies/{company_id}")
    assert f'href="/companies/{company_id}/erp/{env.connection_id}"' in page.text
    tab = sales.get(f"/companies/{company_id}/erp/{env.connection_id}")
    assert tab.status_code == 200
    assert "Connect" in tab.text and "Create in ERP" in tab.text
    outsider = env.as_user("outsider")
    assert "/erp/" not in outsider.get(f"/companies/{company_id}").text
    hidden = outsider.get(f"/companies/{company_id}/erp/{env.connection_id}")
    assert hidden.status_code == 404 and "Demo ERP" not in hidden.text
    viewer = env.as_user("viewer").get(f"/companies/{company_id}/erp/{env.connection_id}")
    assert viewer.status_code == 200 and "Create in ERP" not in viewer.text


def test_search_choose_and_connect_by_form(env: TabEnv) -> None:
    company_id = env.company(name="Form Connect AB", city="Visby")
    sales = env.as_user("sales")
    base = f"/companies/{company_id}/erp/{env.connection_id}"
    first = sales.get(base + "/connect", params={"actor_type": "Customer"})
    assert first.status_code == 200 and 'name="r0_field"' in first.text
    found = sales.get(
        base + "/connect",
        params={
            "actor_type": "Customer",
            "r0_field": "number",
            "r0_operator": "equals",
            "r0_value": "10009",
            "go": "1",
        },
    )
    assert found.status_code == 200 and 'data-erp-key="10009"' in found.text
    bad = sales.get(
        base + "/connect",
        params={
            "actor_type": "Customer",
            "r0_field": "employees",
            "r0_operator": "ge",
            "r0_value": "many",
            "go": "1",
        },
    )
    assert bad.status_code == 422 and "restrictions.0.values" in bad.text
    compare = sales.get(base + "/compare", params={"actor_type": "Customer", "erp_key": "10009"})
    assert compare.status_code == 200 and 'name="c_city"' in compare.text
    done = sales.post(
        base + "/compare",
        data={
            "csrf_token": csrf(compare.text),
            "actor_type": "Customer",
            "erp_key": "10009",
            "c_city": "crm",
            "c_name": "crm",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    tab = sales.get(base)
    assert "Connected to Customer 10009." in tab.text
    assert 'data-field="city">Visby<' in tab.text and "Disconnect" in tab.text
    gone = sales.post(
        base + "/disconnect",
        data={"csrf_token": csrf(tab.text), "actor_type": "Customer"},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert "Disconnected; both records stay." in sales.get(base).text


def test_create_by_form_shows_errors_in_place_then_links(env: TabEnv) -> None:
    company_id = env.company(name="Form Create AB", city="Luleå")
    sales = env.as_user("sales")
    base = f"/companies/{company_id}/erp/{env.connection_id}"
    form = sales.get(base + "/create", params={"actor_type": "Customer"})
    assert form.status_code == 200
    assert 'name="v_payment_terms"' in form.text and 'name="v_credit_limit"' not in form.text
    token = csrf(form.text)
    refused = sales.post(
        base + "/create",
        data={
            "csrf_token": token,
            "actor_type": "Customer",
            "v_customer_group": "2",
            "v_payment_terms": "",
        },
    )
    assert refused.status_code == 422 and 'id="e-payment_terms"' in refused.text
    done = sales.post(
        base + "/create",
        data={
            "csrf_token": token,
            "actor_type": "Customer",
            "v_customer_group": "3",
            "v_payment_terms": "2",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    with env.database.read_session() as session:
        [link] = session.scalars(select(Link)).all()
        company = session.get(Company, company_id)
        assert company is not None and company.number == link.erp_key
    assert "in the ERP and linked it" in sales.get(base).text


def test_the_tab_speaks_swedish(env: TabEnv) -> None:
    company_id = env.company(name="Svensk AB")
    sales = env.as_user("sales")
    sales.headers["Accept-Language"] = "sv"
    tab = sales.get(f"/companies/{company_id}/erp/{env.connection_id}")
    assert "Skapa i ERP" in tab.text and "Koppla" in tab.text
    form = sales.get(
        f"/companies/{company_id}/erp/{env.connection_id}/create", params={"actor_type": "Customer"}
    )
    assert "Hämtat från CRM" in form.text
