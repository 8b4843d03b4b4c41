"""The dead letters page's forms as a browser reads them (R-SYNC-6, R-UI-2): the search is
a GET form of its own and Retry all / Discard all post their own forms (a form inside
another would be dropped by the browser, and the button would search instead)."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyUpdate
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


class Forms(HTMLParser):
    """Each form's method, action and button texts; `nested` counts forms inside forms."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self.open: list[dict[str, object]] = []
        self.nested = 0
        self.in_button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            self.nested += bool(self.open)
            found = dict(attrs)
            form: dict[str, object] = {
                "method": found.get("method"), "action": found.get("action"), "buttons": [],
            }  # fmt: skip
            self.forms.append(form)
            self.open.append(form)
        self.in_button = tag == "button" or self.in_button

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.open:
            self.open.pop()
        if tag == "button":
            self.in_button = False

    def handle_data(self, data: str) -> None:
        if self.in_button and self.open and data.strip():
            buttons = self.open[-1]["buttons"]
            assert isinstance(buttons, list)
            buttons.append(data.strip())


def _forms(page: str) -> Forms:
    parser = Forms()
    parser.feed(page)
    return parser


def test_search_and_retry_all_are_separate_forms(env: SyncEnv, admin_client: TestClient) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    with env.database.session() as session:
        too_long = CompanyUpdate(phone="+46 " + "1" * 50)  # the ERP's phone holds 30
        crm.update_company(session, env.links()["10004"].crm_id, too_long)
    env.run()
    path = f"/sync/connections/{env.connection_id}/dead-letters"

    page = admin_client.get(path).text
    forms = _forms(page)
    assert forms.nested == 0
    by_button = {tuple(f["buttons"]): f for f in forms.forms}  # type: ignore[arg-type]
    assert by_button[("Search",)]["method"] == "get"
    assert by_button[("Retry all",)] == {
        "method": "post", "action": f"{path}/retry", "buttons": ["Retry all"],
    }  # fmt: skip
    assert by_button[("Discard all",)]["action"] == f"{path}/discard"
    assert "takes at most 30 characters" in page and "1–1 of 1" in page

    found = admin_client.get(path, params={"q": "at most 30"}).text
    assert 'data-dead-letter-id="' in found and 'value="at most 30"' in found
    none = admin_client.get(path, params={"q": "no such key"}).text
    assert "No dead letters." in none and "Retry all" not in none
