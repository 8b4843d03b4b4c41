"""The runs page names a run's counts in words, in English and Swedish (R-SYNC-9, R-UI-2):
no stored key (`dead_letters`, `crm_read`, …) reaches the page or its script's texts."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyUpdate
from erpsync.sdk.model import ActorType
from erpsync.sync.counts import DESCRIPTIONS
from erpsync.web.i18n import catalog
from erpsync.web.run_counts import COUNT_LABELS
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv

SWEDISH = {"Accept-Language": "sv-SE,sv;q=0.9"}


def _run_with_every_kind_of_outcome(env: SyncEnv) -> int:
    """A run that reads, saves, refuses, deletes and unlinks (see test_run_counts)."""
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    with env.database.session() as session:
        links = env.links()
        too_long = CompanyUpdate(phone="+46 " + "1" * 50)  # the ERP's phone holds 30
        crm.update_company(session, links["10002"].crm_id, too_long)
        crm.update_company(session, links["10003"].crm_id, CompanyUpdate(phone="+46 1"))
        crm.delete_company(session, links["10005"].crm_id)
    with env.erp() as erp:
        erp.delete(ActorType.CUSTOMER, "10006")
    result = env.run()
    assert result.state == "succeeded", result.error
    return result.run_id


def _counts_cell(page: str, run_id: int) -> str:
    row = page.split(f'data-run-id="{run_id}"', 1)[1].split("</tr>", 1)[0]
    found = re.search(r'class="run-counts">(.*?)</td>', row, re.S)
    assert found is not None
    return found.group(1)


def _script_texts(page: str) -> dict[str, dict[str, str]]:
    found = re.search(r'id="sync-run-texts">(.*?)</script>', page, re.S)
    assert found is not None
    return dict(json.loads(found.group(1)))


def test_the_runs_page_names_each_count_in_english_and_swedish(
    env: SyncEnv, admin_client: TestClient
) -> None:
    run_id = _run_with_every_kind_of_outcome(env)
    path = f"/sync/connections/{env.connection_id}/runs"

    english = admin_client.get(path).text
    assert _counts_cell(english, run_id) == (
        "read from the ERP 1, removed in the ERP 1, read from the CRM 3, saved in the ERP 1, "
        "unlinked 1, dead letters from the CRM 1, dead letters 1"
    )
    swedish = admin_client.get(path, headers=SWEDISH).text
    assert _counts_cell(swedish, run_id) == (
        "lästa från ERP 1, borttagna i ERP 1, lästa från CRM 3, sparade i ERP 1, "
        "avlänkade 1, felposter från CRM 1, felposter 1"
    )
    texts = _script_texts(swedish)
    assert texts["states"]["failed"] == "misslyckades"
    assert texts["counts"]["failed"] == "felposter från ERP"
    assert texts["counts"]["crm_unchanged"] == "inget att skicka"
    raw_keys = [key for key in DESCRIPTIONS if "_" in key]
    for page in (english, swedish):
        assert not any(f"{key} " in _counts_cell(page, run_id) for key in raw_keys)


def test_every_count_has_a_label_and_a_swedish_name() -> None:
    assert set(COUNT_LABELS) == set(DESCRIPTIONS)
    swedish = catalog("sv")
    assert [label for label in COUNT_LABELS.values() if label not in swedish] == []
