"""The mapping pages (R-MAP-1…6, R-MAP-8, R-SEM-1, R-UI-2) through the real app: every
page's bad input is shown next to its field and saves nothing; only administrators get
in, and a connection they cannot see is a 404."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.mapping import lists, policy, service
from erpsync.mapping.erp import read
from erpsync.secrets import SecretBox
from erpsync.settings import Settings
from tests.conftest import USER_PASSWORD, make_user, signed_in
from tests.web.forms import read_form


@pytest.fixture(scope="module")
def demo_erp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mapping-pages") / "demo-erp.db"
    init_database(path, customers=20, suppliers=3, partners=2)
    return path


@pytest.fixture
def keys(settings: Settings) -> connections.Keys:
    return connections.Keys(SecretBox(settings.secret_keys), settings.session_secret)


def _add(database: Database, keys: connections.Keys, admin: User, path: Path, name: str) -> int:
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(name=name, connector="demo", config={"database": str(path)})
        _, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None
        return connection.id


@pytest.fixture
def connection_id(database: Database, keys: connections.Keys, admin: User, demo_erp: Path) -> int:
    return _add(database, keys, admin, demo_erp, "Demo ERP")


def _stored(database: Database, connection_id: int, actor_type: str = "Customer") -> list[str]:
    with database.read_session() as session:
        rows = service.stored(session, connection_id, actor_type)
        return [f"{r.erp_field}:{r.crm_field}:{r.direction}" for r in rows]


def _csrf(client: TestClient) -> str:
    return str(client.headers["X-CSRF-Token"])


def _form(client: TestClient, connection_id: int) -> dict[str, str]:
    page = client.get(f"/sync/connections/{connection_id}/mapping/Customer")
    assert page.status_code == 200, page.text
    return read_form(page.text, "mapping-form")


def test_mapping_page_shows_fields_in_rank_order_and_the_entity_mapping(
    admin_client: TestClient, connection_id: int
) -> None:
    home = admin_client.get(f"/sync/connections/{connection_id}/mapping", follow_redirects=False)
    assert home.status_code == 303
    assert home.headers["location"].endswith("/mapping/Customer")
    page = admin_client.get(home.headers["location"])
    assert page.status_code == 200
    text = page.text
    assert text.index('data-key="number"') < text.index('data-key="name"')
    assert text.index('data-key="name"') < text.index('data-key="customer_group"')
    entities = text.split('id="entity-mapping"', 1)[1].split("</ul>", 1)[0]
    for actor_type, entity in [
        ("Customer", "company"),
        ("Supplier", "company"),
        ("Partner", "company"),
        ("Person", "person"),
        ("Project", "project"),
    ]:
        assert f"<span>{actor_type}</span> → <strong>{entity}</strong>" in entities
    # A ReadOnly field does not offer writing to the ERP.
    number = text.split('data-key="number"', 1)[1].split("</tr>", 1)[0]
    assert '<option value="to_erp" disabled>' in number


def test_saving_a_read_only_field_to_the_erp_is_refused_next_to_it(
    admin_client: TestClient, database: Database, connection_id: int
) -> None:
    form = _form(admin_client, connection_id)
    form.update({"crm.name": "name", "dir.name": "both", "crm.number": "number"})
    form["dir.number"] = "to_erp"
    response = admin_client.post(f"/sync/connections/{connection_id}/mapping/Customer", data=form)
    assert response.status_code == 422
    row = response.text.split('data-key="number"', 1)[1].split("</tr>", 1)[0]
    assert 'data-error-for="direction"' in row and "ReadOnly in the ERP" in row
    # The form keeps what was typed, and nothing was saved.
    name_row = response.text.split('data-key="name"', 1)[1].split("</tr>", 1)[0]
    assert '<option value="both" selected>' in name_row
    assert _stored(database, connection_id) == []


def test_two_erp_fields_writing_one_crm_field_and_a_default_not_in_the_list(
    admin_client: TestClient, database: Database, connection_id: int
) -> None:
    form = _form(admin_client, connection_id)
    form.update({"crm.name": "name", "dir.name": "to_crm", "crm.notes": "name"})
    form["dir.notes"] = "both"
    response = admin_client.post(f"/sync/connections/{connection_id}/mapping/Customer", data=form)
    assert response.status_code == 422
    notes = response.text.split('data-key="notes"', 1)[1].split("</tr>", 1)[0]
    assert "already written by the ERP field &#39;name&#39;" in notes
    form = _form(admin_client, connection_id)
    form.update({"default.payment_terms": "NOPE", "mode.payment_terms": "set"})
    response = admin_client.post(f"/sync/connections/{connection_id}/mapping/Customer", data=form)
    assert response.status_code == 422
    terms = response.text.split('data-key="payment_terms"', 1)[1].split("</tr>", 1)[0]
    assert 'data-error-for="default_value"' in terms and "is not an item id" in terms
    form = _form(admin_client, connection_id)
    form.update({"dir.city": "sideways", "crm.city": "city"})
    response = admin_client.post(f"/sync/connections/{connection_id}/mapping/Customer", data=form)
    assert response.status_code == 422
    city = response.text.split('data-key="city"', 1)[1].split("</tr>", 1)[0]
    assert 'data-error-for="direction"' in city
    form = _form(admin_client, connection_id)
    form["crm.no_such_field"] = "name"
    response = admin_client.post(f"/sync/connections/{connection_id}/mapping/Customer", data=form)
    assert response.status_code == 422 and "has no field &#39;no_such_field&#39;" in response.text
    assert _stored(database, connection_id) == []


def test_automap_shows_reasons_and_applies_only_the_chosen(
    admin_client: TestClient, database: Database, connection_id: int
) -> None:
    base = f"/sync/connections/{connection_id}/mapping/Customer"
    csrf = {"csrf_token": _csrf(admin_client)}
    proposals = admin_client.post(base + "/automap", data=csrf)
    assert proposals.status_code == 200
    assert "the ERP field&#39;s key &#39;zip&#39; means &#39;Postal code&#39;" in proposals.text
    assert _stored(database, connection_id) == []
    none_chosen = admin_client.post(base + "/automap/apply", data=csrf)
    assert none_chosen.status_code == 422 and "Choose at least one proposal." in none_chosen.text
    chosen = {**csrf, "pick.zip": "on", "pick.city": "on"}
    applied = admin_client.post(base + "/automap/apply", data=chosen)
    assert applied.status_code == 200 and "2 proposals applied." in applied.text
    assert _stored(database, connection_id) == ["zip:zip:none", "city:city:none"]


def test_up_and_down_buttons_move_a_field_and_keep_ranks_whole(
    admin_client: TestClient, database: Database, connection_id: int
) -> None:
    form = _form(admin_client, connection_id)
    for key in ("name", "zip", "city"):
        form.update({f"crm.{key}": key, f"dir.{key}": "to_crm"})
    saved = admin_client.post(f"/sync/connections/{connection_id}/mapping/Customer", data=form)
    assert saved.status_code == 200 and "Mapping of Customer saved." in saved.text
    assert _stored(database, connection_id) == [
        "name:name:to_crm",
        "zip:zip:to_crm",
        "city:city:to_crm",
    ]
    form = read_form(saved.text, "mapping-form")
    form["move"] = "city|up"
    admin_client.post(f"/sync/connections/{connection_id}/mapping/Customer", data=form)
    assert _stored(database, connection_id) == [
        "name:name:to_crm",
        "city:city:to_crm",
        "zip:zip:to_crm",
    ]
    with database.read_session() as session:
        ranks = [r.rank for r in service.stored(session, connection_id, "Customer")]
    assert ranks == [1, 2, 3]
    # Ranks as a dragged page sends them.
    form = _form(admin_client, connection_id)
    form.update({"rank.zip": "1", "rank.name": "2", "rank.city": "3"})
    admin_client.post(f"/sync/connections/{connection_id}/mapping/Customer", data=form)
    assert _stored(database, connection_id)[0] == "zip:zip:to_crm"


def test_create_policy_with_a_bad_filter_is_shown_and_not_saved(
    admin_client: TestClient, database: Database, connection_id: int
) -> None:
    url = f"/sync/connections/{connection_id}/mapping/Customer/policy"
    body = {"csrf_token": _csrf(admin_client), "erp_to_crm": "create", "crm_to_erp": "create"}
    refused = admin_client.post(url, data={**body, "filter.category": "customer, nonsense"})
    assert refused.status_code == 422
    assert 'data-error-for="policy.crm_filter.category"' in refused.text
    assert "has no item &#39;nonsense&#39;" in refused.text
    bad_word = admin_client.post(url, data={**body, "erp_to_crm": "maybe"})
    assert bad_word.status_code == 422 and 'data-error-for="policy.erp_to_crm"' in bad_word.text
    with database.read_session() as session:
        assert policy.get(session, connection_id, "Customer").erp_to_crm == "ignore"
    saved = admin_client.post(url, data={**body, "filter.category": "customer"})
    assert saved.status_code == 200 and "Create policy of Customer saved." in saved.text
    with database.read_session() as session:
        stored = policy.get(session, connection_id, "Customer")
    assert (stored.erp_to_crm, stored.crm_filter) == ("create", {"category": ["customer"]})


def test_list_page_auto_matches_and_refuses_a_duplicate_pair(
    admin_client: TestClient,
    database: Database,
    keys: connections.Keys,
    admin: User,
    connection_id: int,
) -> None:
    url = f"/sync/connections/{connection_id}/lists/countries"
    overview = admin_client.get(f"/sync/connections/{connection_id}/lists")
    assert overview.status_code == 200 and 'data-list="countries"' in overview.text
    page = admin_client.get(url + "?crm_list=country")
    assert page.status_code == 200 and 'class="flag unmapped"' in page.text
    matched = admin_client.post(
        url + "/automatch", data={"csrf_token": _csrf(admin_client), "crm_list": "country"}
    )
    assert matched.status_code == 200 and "items matched." in matched.text
    with database.read_session() as session:
        connection = connections.get(session, admin, connection_id)
        meta = read(keys, connection, ["countries"])
        before = lists.report(session, meta, connection_id, "countries").items
    assert before
    form = read_form(matched.text, "list-form")
    first, second = [name for name in form if name.startswith("item.")][:2]
    form[second] = form[first]
    refused = admin_client.post(url, data=form)
    assert refused.status_code == 422
    row = refused.text.split(f'data-item="{second.removeprefix("item.")}"', 1)[1].split("</tr>")[0]
    assert "duplicate" in row and "already paired" in row
    form = read_form(matched.text, "list-form")
    form[first] = "XX-NOT-A-CODE"
    refused = admin_client.post(url, data=form)
    assert refused.status_code == 422 and "has no item &#39;XX-NOT-A-CODE&#39;" in refused.text
    with database.read_session() as session:
        assert lists.report(session, meta, connection_id, "countries").items == before
    assert admin_client.get(f"/sync/connections/{connection_id}/lists/nope").status_code == 404


def test_priorities_page_shows_ties_and_refuses_a_bad_priority(
    admin_client: TestClient,
    database: Database,
    keys: connections.Keys,
    admin: User,
    demo_erp: Path,
    connection_id: int,
) -> None:
    other = _add(database, keys, admin, demo_erp, "Second ERP")
    for cid in (connection_id, other):
        form = _form(admin_client, cid)
        form.update({"crm.name": "name", "dir.name": "both"})
        admin_client.post(f"/sync/connections/{cid}/mapping/Customer", data=form)
    page = admin_client.get("/sync/priorities")
    assert page.status_code == 200
    assert page.text.count('class="warn-text tie"') == 2 and "company.name" in page.text
    form = read_form(page.text, "priorities-form")
    refused = admin_client.post("/sync/priorities", data={**form, f"priority.{other}": "0"})
    assert refused.status_code == 422
    assert f'data-error-for="priority.{other}"' in refused.text
    assert "is not a priority" in refused.text
    with database.read_session() as session:
        assert connections.get(session, admin, other).priority == 1
    saved = admin_client.post("/sync/priorities", data={**form, f"priority.{other}": "2"})
    assert saved.status_code == 200 and "Priorities saved." in saved.text
    assert 'class="warn-text tie"' not in saved.text


def test_activation_refused_lists_reasons_linked_to_the_pages_that_fix_them(
    admin_client: TestClient, database: Database, connection_id: int
) -> None:
    url = f"/sync/connections/{connection_id}/mapping/Customer/activate"
    refused = admin_client.post(url, data={"csrf_token": _csrf(admin_client)})
    assert refused.status_code == 409
    assert f'<a href="/sync/connections/{connection_id}/mapping">No actor type is mapped' in (
        refused.text
    )
    form = _form(admin_client, connection_id)
    form.update({"crm.country": "country", "dir.country": "to_crm"})
    admin_client.post(f"/sync/connections/{connection_id}/mapping/Customer", data=form)
    refused = admin_client.post(url, data={"csrf_token": _csrf(admin_client)})
    assert f'href="/sync/connections/{connection_id}/lists/countries"' in refused.text
    assert f'href="/sync/connections/{connection_id}/mapping/Customer"' in refused.text


def test_only_administrators_get_in_and_unknown_connections_are_404(
    app_client: TestClient, database: Database, connection_id: int
) -> None:
    make_user(database, "anna", USER_PASSWORD)
    client = signed_in(app_client, "anna", USER_PASSWORD)
    for path in (
        f"/sync/connections/{connection_id}/mapping/Customer",
        f"/sync/connections/{connection_id}/lists",
        "/sync/priorities",
    ):
        assert client.get(path).status_code == 403, path
    posted = client.post(
        f"/sync/connections/{connection_id}/mapping/Customer",
        data={"csrf_token": _csrf(client), "crm.name": "name", "dir.name": "both"},
    )
    assert posted.status_code == 403
    assert _stored(database, connection_id) == []


def test_unknown_or_deleted_connections_and_actor_types_are_404(
    admin_client: TestClient, database: Database, admin: User, connection_id: int
) -> None:
    assert admin_client.get("/sync/connections/999999/mapping/Customer").status_code == 404
    page = admin_client.get(f"/sync/connections/{connection_id}/mapping/Dragon")
    assert page.status_code == 404
    with database.session() as session:
        connections.delete(session, admin, connection_id)
    assert admin_client.get(f"/sync/connections/{connection_id}/mapping").status_code == 404
    assert admin_client.get(f"/sync/connections/{connection_id}/lists").status_code == 404


def test_every_text_of_the_mapping_pages_has_a_swedish_translation(
    admin_client: TestClient, connection_id: int
) -> None:
    import re

    from erpsync.web.i18n import catalog
    from erpsync.web.templating import TEMPLATES

    swedish = catalog("sv")
    texts: set[str] = set()
    for template in (TEMPLATES / "mapping").glob("*.html"):
        texts.update(re.findall(r"""_\((?:"([^"]+)"|'([^']+)')""", template.read_text()))
    missing = sorted(t for pair in texts for t in pair if t and t not in swedish)
    assert missing == []
    page = admin_client.get(
        f"/sync/connections/{connection_id}/mapping/Customer", headers={"Accept-Language": "sv"}
    )
    assert "Mappning för Demo ERP" in page.text and "<span>Kund</span>" in page.text
