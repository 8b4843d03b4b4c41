"""The outbox review and sync settings pages (R-SEM-5, R-SYNC-7, R-SYNC-9, R-UI-2): reached
from the Sync screen and the connection's tabs, forms with CSRF that settle an entry or
set the delete policy, bad input shown and nothing written, English and Swedish, 403 for
other users."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from erpsync.sync.models import OutboxEntry, SyncPolicy
from erpsync.web.i18n import catalog
from erpsync.web.templating import TEMPLATES
from tests.conftest import make_user, signed_in
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv
from tests.sync.test_outbox_api import waiting


def _post(client: TestClient, path: str, **form: str) -> str:
    """Post a page form with the CSRF token; the text of the page it leads to."""
    data = {"csrf_token": client.headers["X-CSRF-Token"], **form}
    answer = client.post(path, data=data, follow_redirects=True)
    assert answer.status_code == 200, answer.text
    return answer.text


def _state(env: SyncEnv, entry_id: int) -> str:
    with env.database.read_session() as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        return entry.state


def test_the_review_page_is_reached_from_the_sync_screen_and_settles_entries(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS)
    first, first_crm = waiting(env, "Page One AB", "Several Customer actors match.")
    second, _ = waiting(env, "Page Two AB", "The ERP did not answer.")
    third, _ = waiting(env, "Page Three AB", "The ERP probably never reached it.")
    page = f"/sync/connections/{env.connection_id}/outbox"
    screen = admin_client.get("/sync").text
    assert f'href="{page}">Outbox review (3)</a>' in screen
    dead_letters = admin_client.get(f"/sync/connections/{env.connection_id}/dead-letters").text
    assert f'href="{page}"' in dead_letters

    shown = admin_client.get(page).text
    assert "Several Customer actors match." in shown and "Page Two AB" in shown
    assert f'data-outbox-id="{first}"' in shown and f'href="/companys/{first_crm}"' not in shown
    assert f'href="/companies/{first_crm}"' in shown

    bad = _post(admin_client, f"{page}/{first}/link", erp_key="999999")
    assert "no live Customer with the key" in bad and _state(env, first) == "review"
    done = _post(admin_client, f"{page}/{first}/link", erp_key="10005")
    assert f"Entry {first} linked to 10005." in done
    assert env.links()["10005"].crm_id == first_crm
    taken = _post(admin_client, f"{page}/{second}/link", erp_key="10005")
    assert "already linked to company" in taken and _state(env, second) == "review"

    created = _post(admin_client, f"{page}/{second}/retry")
    assert re.search(rf"Entry {second} created in the ERP as \d+ and linked\.", created)
    assert _state(env, second) == "done"
    dropped = _post(admin_client, f"{page}/{third}/discard")
    assert f"Entry {third} discarded." in dropped and "Nothing waits in the outbox." in dropped
    again = _post(admin_client, f"{page}/{third}/discard")
    assert "is discarded" in again

    no_csrf = admin_client.post(f"{page}/{third}/retry", data={})
    assert no_csrf.status_code == 403


def test_the_delete_policy_is_set_on_the_sync_settings_page(
    env: SyncEnv, admin_client: TestClient
) -> None:
    page = f"/sync/connections/{env.connection_id}/settings"
    assert f'href="{page}">Sync settings</a>' in admin_client.get("/sync").text
    shown = admin_client.get(page).text
    assert '<option value="flag" selected>' in shown
    assert "kept for 90 days and purged once a day" in shown

    saved = _post(admin_client, page, delete_policy="deactivate")
    assert "Sync settings of Demo ERP saved: Deactivate the CRM record." in saved
    assert '<option value="deactivate" selected>' in saved
    refused = _post(admin_client, page, delete_policy="erase")
    assert "&#39;erase&#39; is not a delete policy" in refused
    with env.database.read_session() as session:
        stored = session.get(SyncPolicy, env.connection_id)
        assert stored is not None and stored.delete_policy == "deactivate"

    swedish = admin_client.get(page, headers={"Accept-Language": "sv"}).text
    assert "Borttagningsregel" in swedish and "Inaktivera CRM-posten" in swedish


def test_other_users_get_403_and_every_text_has_a_swedish_translation(
    env: SyncEnv, admin_client: TestClient
) -> None:
    entry_id, _ = waiting(env, "Not Yours AB", "Several Customer actors match.")
    make_user(env.database, "olle", "olle-password-1")
    olle = signed_in(TestClient(admin_client.app), "olle", "olle-password-1")
    base = f"/sync/connections/{env.connection_id}"
    csrf = {"csrf_token": olle.headers["X-CSRF-Token"]}
    assert olle.get(f"{base}/outbox").status_code == 403
    assert olle.get(f"{base}/settings").status_code == 403
    for action in ("link", "retry", "discard"):
        answer = olle.post(f"{base}/outbox/{entry_id}/{action}", data={**csrf, "erp_key": "1"})
        assert answer.status_code == 403, action
    answer = olle.post(f"{base}/settings", data={**csrf, "delete_policy": "unlink"})
    assert answer.status_code == 403
    assert _state(env, entry_id) == "review"

    swedish = catalog("sv")
    texts: set[str] = set()
    pattern = re.compile(r"""_\((?:"([^"]+)"|'([^']+)')""")
    for name in ("outbox.html", "settings.html", "_connection.html"):
        for pair in pattern.findall((TEMPLATES / "sync" / name).read_text()):
            texts.update(pair)
    missing = sorted(text for text in texts if text and text not in swedish)
    assert missing == []
    page = admin_client.get(f"{base}/outbox", headers={"Accept-Language": "sv"}).text
    assert "Granskning av utkorgen (1)" in page and "Skapa igen" in page
