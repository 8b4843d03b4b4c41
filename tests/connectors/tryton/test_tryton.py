"""The Tryton connector beyond the kit: user explanations for bad settings (no password
in any of them), address and contact-mechanism edits in the change stream, and saves
written to the Tryton record that holds each field (R-CON-2)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from erpsync.connectors.tryton import TrytonConnector
from erpsync.sdk import Actor, ActorType, Category, ConfigValues
from erpsync.sdk.host import ConnectorHost
from tests.connectors.tryton.server import ADMIN_PASSWORD, TrytonServer, free_port

CUSTOMER = ActorType.CUSTOMER


def config(server: TrytonServer, **changes: Any) -> ConfigValues:
    values: dict[str, Any] = {
        "url": server.url,
        "database": server.database,
        "user": "admin",
        "password": ADMIN_PASSWORD,
        "customer_categories": "Customer",
        "supplier_categories": "Supplier",
        "overlap_seconds": 5,
    }
    return {**values, **changes}


@pytest.fixture
def host(tryton_server: TrytonServer) -> Iterator[ConnectorHost]:
    host = ConnectorHost(TrytonConnector(), timeout=30)
    host.open("test", config(tryton_server))
    try:
        yield host
    finally:
        host.close()


def _refused(values: ConfigValues, caplog: pytest.LogCaptureFixture) -> tuple[Category, str]:
    with caplog.at_level(logging.DEBUG):
        answer = TrytonConnector().test_config(values)
    assert not answer.ok
    assert answer.category is not None
    shown = answer.user_explanation + answer.technical_explanation + caplog.text
    assert "secret-password-x" not in shown and ADMIN_PASSWORD not in shown
    return answer.category, answer.user_explanation


def test_wrong_login_is_config_naming_user_never_password(
    tryton_server: TrytonServer, caplog: pytest.LogCaptureFixture
) -> None:
    category, text = _refused(config(tryton_server, password="secret-password-x"), caplog)
    assert category is Category.CONFIG
    assert "'admin'" in text and tryton_server.url in text
    category, text = _refused(
        config(tryton_server, user="nobody", password="secret-password-x"), caplog
    )
    assert category is Category.CONFIG and "'nobody'" in text


def test_unknown_database_is_config_naming_it(
    tryton_server: TrytonServer, caplog: pytest.LogCaptureFixture
) -> None:
    category, text = _refused(config(tryton_server, database="no_such_db"), caplog)
    assert category is Category.CONFIG
    assert "'no_such_db'" in text


def test_unreachable_server_is_transient_and_malformed_url_is_config(
    tryton_server: TrytonServer, caplog: pytest.LogCaptureFixture
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    category, text = _refused(config(tryton_server, url=nobody), caplog)
    assert category is Category.TRANSIENT and nobody in text
    category, text = _refused(config(tryton_server, url="erp.example.com:8000"), caplog)
    assert category is Category.CONFIG and "URL" in text


class _NotTryton(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = b"<html><body>Welcome</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


def test_a_web_server_that_is_not_tryton_is_config(
    tryton_server: TrytonServer, caplog: pytest.LogCaptureFixture
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotTryton)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        category, text = _refused(config(tryton_server, url=url), caplog)
    finally:
        server.shutdown()
        server.server_close()
    assert category is Category.CONFIG
    assert url in text and "Tryton server" in text


def test_unknown_category_is_config_listing_existing(
    tryton_server: TrytonServer, caplog: pytest.LogCaptureFixture
) -> None:
    category, text = _refused(config(tryton_server, supplier_categories="Vendors"), caplog)
    assert category is Category.CONFIG
    assert "'Vendors'" in text and "Customer, Prospect, Supplier" in text


def test_all_parties_customers(tryton_server: TrytonServer) -> None:
    connector = TrytonConnector()
    connector.open("all", config(tryton_server, all_parties_customers=True))
    try:
        keys = {a.key for b in connector.changes(CUSTOMER, None, []) for a in b.actors}
        supplier = connector.search(ActorType.SUPPLIER, "Supplier 003")[0]
        assert supplier.key in keys  # suppliers are customers too
    finally:
        connector.close()


def _changed_keys(host: ConnectorHost, cursor: str | None) -> dict[str, Actor]:
    return {a.key: a for b in host.changes(CUSTOMER, cursor) for a in b.actors}


def test_address_and_mechanism_edits_arrive_in_stream(
    host: ConnectorHost, tryton_server: TrytonServer
) -> None:
    admin = tryton_server.client()
    first, second = host.search(CUSTOMER, "Customer 00", limit=2)
    before = admin.search_read(
        "party.party", [("id", "in", [int(first.key), int(second.key)])], ["write_date"]
    )
    cursor = list(host.changes(CUSTOMER, None, []))[-1].cursor
    assert first.key not in _changed_keys(host, cursor)

    (address,) = admin.search_read("party.address", [("party", "=", int(first.key))], ["id"])
    admin.model("party.address", "write", [address["id"]], {"city": "Göteborg"})
    (email,) = admin.search_read(
        "party.contact_mechanism",
        [("party", "=", int(second.key)), ("type", "=", "email")],
        ["id"],
    )
    admin.model("party.contact_mechanism", "write", [email["id"]], {"value": "new@b.example.com"})

    after = admin.search_read(
        "party.party", [("id", "in", [int(first.key), int(second.key)])], ["write_date"]
    )
    assert before == after  # the parties' own dates did not move
    changed = _changed_keys(host, cursor)
    assert changed[first.key].values["city"] == "Göteborg"
    assert changed[second.key].values["email"] == "new@b.example.com"
    admin.close()


def test_save_writes_each_field_to_its_tryton_record(
    host: ConnectorHost, tryton_server: TrytonServer
) -> None:
    admin = tryton_server.client()
    actor = host.search(CUSTOMER, "Customer 005")[0]
    edit = Actor(
        CUSTOMER,
        actor.key,
        {"city": "Malmö", "email": "sales@c5.example.com", "website": "https://c5.example.com"},
    )
    (result,) = host.save([edit])
    assert result.ok and result.changed
    party = int(actor.key)
    addresses = admin.search_read("party.address", [("party", "=", party)], ["city"])
    assert [a["city"] for a in addresses] == ["Malmö"]  # written, not a second address
    mechanisms = admin.search_read(
        "party.contact_mechanism", [("party", "=", party)], ["type", "value"]
    )
    held = {m["type"]: m["value"] for m in mechanisms}
    assert held["email"] == "sales@c5.example.com"
    assert held["website"] == "https://c5.example.com"
    assert len(mechanisms) == 3  # email replaced in place, website added, phone kept
    (again,) = host.save([edit])
    assert again.ok and not again.changed
    (bad,) = host.save([Actor(CUSTOMER, actor.key, {"email": "not an email"})])
    assert not bad.ok and bad.response.category is Category.DATA
    admin.close()
