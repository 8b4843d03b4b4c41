"""The Sync screen and the ERP connection dialog pages (R-CONN-1, R-CONN-2, R-CONN-4, R-UI-2)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from erpsync.connectors.demo.seed import init_database
from erpsync.db import Database
from tests.conftest import make_user, signed_in

ACCESS_KEY = "sync-page-secret-7"


@pytest.fixture(scope="module")
def demo_erp(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("erp") / "demo-erp.db"
    init_database(path, customers=30, suppliers=5, partners=2, access_key=ACCESS_KEY)
    return str(path)


def _add(client: TestClient, demo_erp: str, name: str, **extra: Any) -> dict[str, Any]:
    config = {"database": demo_erp, "access_key": ACCESS_KEY}
    test = client.post("/api/v1/connections/test", json={"connector": "demo", "config": config})
    token = test.json()["test_token"]
    body = {"name": name, "connector": "demo", "config": config, "test_token": token, **extra}
    response = client.post("/api/v1/connections", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _row(html: str, name: str) -> str:
    match = re.search(rf'<tr data-connection-id="\d+" data-name="{name}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {name}"
    return match.group(1)


def test_sync_screen_lists_connections_with_their_fields(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    make_user(database, "anna", "anna-password-1")
    admin_client.post("/api/v1/groups", json={"name": "Sales", "members": ["anna"]})
    _add(admin_client, demo_erp, "Main ERP", priority=2)
    _add(
        admin_client,
        demo_erp,
        "Sales ERP",
        scope="grants",
        grants=[{"group": "Sales"}, {"user": "anna", "can_create_in_erp": True}],
    )
    page = admin_client.get("/sync")
    assert page.status_code == 200
    assert "ERP connections" in page.text and 'href="/sync/connections/new"' in page.text
    main = _row(page.text, "Main ERP")
    assert "Demo ERP" in main and "Everyone" in main and "<td>2</td>" in main
    assert 'class="activate"' in main and "checked" not in main.split("sync-active")[1][:120]
    assert "never" in main and 'data-health="ok"' in main
    sales = _row(page.text, "Sales ERP")
    assert "Sales, anna" in sales
    assert "Deleted" not in page.text


def test_deleted_connections_are_under_deleted_with_restore(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    created = _add(admin_client, demo_erp, "Old ERP")
    csrf = str(admin_client.headers["X-CSRF-Token"])
    deleted = admin_client.post(
        f"/sync/connections/{created['id']}/delete", data={"csrf_token": csrf}
    )
    assert deleted.status_code == 200 and "ERP connection Old ERP deleted." in deleted.text
    section = deleted.text.split('<details class="card sync-deleted">', 1)[1]
    assert "Old ERP" in section and f"/sync/connections/{created['id']}/restore" in section
    assert 'data-name="Old ERP"' not in deleted.text
    restored = admin_client.post(
        f"/sync/connections/{created['id']}/restore", data={"csrf_token": csrf}
    )
    assert 'data-name="Old ERP"' in restored.text and "sync-deleted" not in restored.text


def test_non_admins_get_403_on_the_sync_pages(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    created = _add(admin_client, demo_erp, "Main ERP")
    make_user(database, "olle", "olle-password-1")
    olle = signed_in(TestClient(admin_client.app), "olle", "olle-password-1")
    for url in ("/sync", "/sync/connections/new", f"/sync/connections/{created['id']}/edit"):
        assert olle.get(url).status_code == 403, url
    csrf = str(olle.headers["X-CSRF-Token"])
    response = olle.post(f"/sync/connections/{created['id']}/delete", data={"csrf_token": csrf})
    assert response.status_code == 403
    assert len(admin_client.get("/api/v1/connections").json()) == 1


def test_new_dialog_renders_the_connector_select(
    admin_client: TestClient, database: Database
) -> None:
    page = admin_client.get("/sync/connections/new")
    assert page.status_code == 200
    assert "New ERP connection" in page.text and "<dialog open" in page.text
    select = re.search(r'<select id="c-connector"[^>]*>(.*?)</select>', page.text, re.S)
    assert select and '<option value="demo"' in select.group(1)
    assert "No users or groups selected" in page.text and 'id="ok-button" disabled' in page.text
    # The first connector is chosen and its field metadata is in the page (the connection
    # tests' plug-in, when installed earlier in the session, sorts before the demo).
    first = re.search(r'<option value="([^"]+)"', select.group(1))
    assert first and first.group(1) in {"demo", "configtest"}
    expected = {"demo": "database", "configtest": "host"}[first.group(1)]
    assert f'"key": "{expected}"' in page.text


def test_edit_dialog_shows_no_secret_anywhere(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    created = _add(admin_client, demo_erp, "Main ERP", description="Our books")
    page = admin_client.get(f"/sync/connections/{created['id']}/edit")
    assert page.status_code == 200
    assert "Edit ERP connection" in page.text and 'value="Main ERP"' in page.text
    assert "Our books" in page.text and '"access_key": {"set": true}' in page.text
    assert ACCESS_KEY not in page.text
    assert ACCESS_KEY not in admin_client.get("/sync").text


def test_sync_pages_speak_swedish(admin_client: TestClient, database: Database) -> None:
    headers = {"Accept-Language": "sv-SE,sv;q=0.9"}
    screen = admin_client.get("/sync", headers=headers).text
    assert "ERP-kopplingar" in screen and "Lägg till" in screen
    dialog = admin_client.get("/sync/connections/new", headers=headers).text
    for text in (
        "Ange ny ERP-koppling",
        "Namn",
        "Synlighet",
        "Alla",
        "Angivna användare + grupper",
        "Inga användare eller grupper har valts",
        "Konfigurationsfält",
        "Beskrivning",
        "Testa ERP-kopplingen",
    ):
        assert text in dialog, text


def test_edit_dialog_of_a_connector_no_longer_installed_says_so(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    from erpsync.connections.models import Connection

    created = _add(admin_client, demo_erp, "Old ERP")
    with database.session() as session:
        connection = session.get(Connection, created["id"])
        assert connection is not None
        connection.connector_key = "gone"
    page = admin_client.get(f"/sync/connections/{created['id']}/edit")
    assert page.status_code == 200
    assert '<option value="gone" selected>gone (not installed)</option>' in page.text
    assert '"fields_error": "' in page.text and "gone" in page.text.split('"fields_error"')[1]
