"""CRM record pages (R-UI-2): lists with search and paging, forms with field errors, delete."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from erpsync.crm import service
from erpsync.crm.demo import load_demo_crm
from erpsync.crm.schemas import CompanyCreate, PersonCreate, ProjectCreate
from erpsync.db import Database
from tests.crm.helpers import counts, seed_lists


def _csrf(client: TestClient) -> str:
    return str(client.headers["X-CSRF-Token"])


def _company(database: Database, name: str = "Acme AB", **fields: object) -> int:
    with database.session() as session:
        data = CompanyCreate.model_validate({"name": name, **fields})
        return service.create_company(session, data).id


def test_company_list_shows_demo_companies_with_search_and_paging(
    admin_client: TestClient, database: Database
) -> None:
    with database.session() as session:
        load_demo_crm(session)
    page = admin_client.get("/companies")
    assert page.status_code == 200
    assert "1–25 of 50" in page.text
    assert len(re.findall(r'href="/companies/\d+"', page.text)) == 25
    assert 'rel="next"' in page.text
    second = admin_client.get("/companies", params={"offset": 25})
    assert "26–50 of 50" in second.text and 'rel="next"' not in second.text
    found = admin_client.get("/companies", params={"q": "Nordisk Verktyg"})
    assert "Nordisk Verktyg AB" in found.text and "1–1 of 1" in found.text
    assert "10001" in found.text


def test_company_is_created_through_the_form(admin_client: TestClient, database: Database) -> None:
    seed_lists(database)
    form = admin_client.get("/companies/new")
    assert form.status_code == 200
    assert '<option value="SE"' in form.text and 'name="csrf_token"' in form.text
    response = admin_client.post(
        "/companies/new",
        data={
            "csrf_token": _csrf(admin_client),
            "name": "Solvik Livsmedel AB",
            "number": "10004",
            "city": "Malmö",
            "country": "SE",
            "currency": "SEK",
            "active": "on",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    detail = admin_client.get(response.headers["location"])
    assert "Solvik Livsmedel AB" in detail.text
    assert "Sweden" in detail.text and "Company saved." in detail.text
    assert 'class="tabs"' in detail.text and "Details" in detail.text


def test_a_refused_form_is_shown_again_with_the_message_and_the_values(
    admin_client: TestClient, database: Database
) -> None:
    seed_lists(database)
    response = admin_client.post(
        "/companies/new",
        data={
            "csrf_token": _csrf(admin_client),
            "name": "  ",
            "city": "Malmö",
            "email": "nope",
            "country": "SE",
        },
    )
    assert response.status_code == 422
    assert re.search(r'id="e-name">Required\.<', response.text)
    assert re.search(r'id="e-email">Not a valid email address\.<', response.text)
    assert 'value="Malmö"' in response.text
    assert re.search(r'<option value="SE"\s+selected', response.text)
    unknown = admin_client.post(
        "/companies/new",
        data={"csrf_token": _csrf(admin_client), "name": "Acme", "currency": "XXX"},
    )
    assert unknown.status_code == 422
    assert "no currency with code &#39;XXX&#39;" in unknown.text
    assert counts(database) == (0, 0, 0)


def test_company_is_edited_and_deleted(admin_client: TestClient, database: Database) -> None:
    company_id = _company(database, "Old Name AB", city="Lund")
    form = admin_client.get(f"/companies/{company_id}/edit")
    assert 'value="Old Name AB"' in form.text and 'value="Lund"' in form.text
    saved = admin_client.post(
        f"/companies/{company_id}/edit",
        data={
            "csrf_token": _csrf(admin_client),
            "name": "New Name AB",
            "city": "Lund",
            "active": "on",
        },
    )
    assert saved.status_code == 200 and "New Name AB" in saved.text
    blank = admin_client.post(
        f"/companies/{company_id}/edit", data={"csrf_token": _csrf(admin_client), "name": ""}
    )
    assert blank.status_code == 422 and 'id="e-name"' in blank.text
    deleted = admin_client.post(
        f"/companies/{company_id}/delete", data={"csrf_token": _csrf(admin_client)}
    )
    assert "Company deleted." in deleted.text
    assert admin_client.get(f"/companies/{company_id}").status_code == 404


def test_company_page_lists_its_persons_and_projects(
    admin_client: TestClient, database: Database
) -> None:
    company_id = _company(database)
    with database.session() as session:
        service.create_person(
            session, PersonCreate(company_id=company_id, first_name="Eva", last_name="Holm")
        )
    page = admin_client.get(f"/companies/{company_id}")
    assert "Eva Holm" in page.text
    assert f'href="/persons/new?company_id={company_id}"' in page.text
    new_person = admin_client.get("/persons/new", params={"company_id": company_id})
    assert re.search(rf'<option value="{company_id}"\s+selected', new_person.text)


def test_person_form_requires_a_company_and_creates_the_person(
    admin_client: TestClient, database: Database
) -> None:
    company_id = _company(database)
    refused = admin_client.post(
        "/persons/new",
        data={"csrf_token": _csrf(admin_client), "company_id": "", "last_name": "Holm"},
    )
    assert refused.status_code == 422 and 'id="e-company_id"' in refused.text
    created = admin_client.post(
        "/persons/new",
        data={
            "csrf_token": _csrf(admin_client),
            "company_id": str(company_id),
            "first_name": "Eva",
            "last_name": "Holm",
            "active": "on",
        },
    )
    assert created.status_code == 200 and "Eva Holm" in created.text
    assert "Eva Holm" in admin_client.get("/persons", params={"q": "holm"}).text


def test_project_form_takes_a_status_and_an_optional_company(
    admin_client: TestClient, database: Database
) -> None:
    seed_lists(database)
    company_id = _company(database)
    created = admin_client.post(
        "/projects/new",
        data={
            "csrf_token": _csrf(admin_client),
            "name": "ERP rollout",
            "number": "P-1",
            "status": "in_progress",
            "company_id": str(company_id),
            "active": "on",
        },
    )
    assert created.status_code == 200
    assert "ERP rollout" in created.text and "In progress" in created.text
    listed = admin_client.get("/projects")
    assert "ERP rollout" in listed.text and "Acme AB" in listed.text
    assert "ERP rollout" in admin_client.get(f"/companies/{company_id}").text


def test_pages_redirect_to_sign_in_when_not_signed_in(app_client: TestClient) -> None:
    for path in ("/companies", "/companies/new", "/persons", "/projects/1"):
        response = app_client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_a_form_without_csrf_token_is_refused(admin_client: TestClient, database: Database) -> None:
    response = admin_client.post("/companies/new", data={"name": "Acme"})
    assert response.status_code == 403
    assert counts(database) == (0, 0, 0)


def test_pages_speak_swedish_to_a_swedish_browser(
    admin_client: TestClient, database: Database
) -> None:
    company_id = _company(database)
    headers = {"Accept-Language": "sv-SE,sv;q=0.9"}
    page = admin_client.get(f"/companies/{company_id}", headers=headers)
    assert "Detaljer" in page.text and "Redigera" in page.text
    form = admin_client.get("/companies/new", headers=headers)
    assert "Nytt företag" in form.text and "Ort" in form.text


def test_standard_list_items_speak_swedish_too(
    admin_client: TestClient, database: Database
) -> None:
    """Categories and project statuses are the product's own words: a Swedish page shows
    them in Swedish, on the record and in the form's choices; the stored codes stay."""
    seed_lists(database)
    company_id = _company(database, category="prospect")
    with database.session() as session:
        service.create_project(
            session, ProjectCreate(name="Lager", status="on_hold", company_id=company_id)
        )
    headers = {"Accept-Language": "sv-SE,sv;q=0.9"}
    page = admin_client.get(f"/companies/{company_id}", headers=headers)
    assert "Prospekt" in page.text and "Vilande" in page.text
    assert "Prospect" not in page.text and "On hold" not in page.text
    form = admin_client.get(f"/companies/{company_id}/edit", headers=headers)
    assert re.search(r'<option value="prospect"\s+selected>Prospekt</option>', form.text)
    assert "Prospect" in admin_client.get(f"/companies/{company_id}").text
