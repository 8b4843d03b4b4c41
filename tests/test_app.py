"""The app shell: health, metrics, OpenAPI, problem details (R-NF-3, R-UI-1)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_reports_the_database(app_client: TestClient) -> None:
    body = app_client.get("/health").json()
    assert body["status"] == "ok"
    assert body["database"] in ("sqlite", "postgresql")


def test_metrics_count_requests_by_route(app_client: TestClient) -> None:
    app_client.get("/health")
    app_client.get("/api/v1/me")
    text = app_client.get("/metrics").text
    assert 'erpsync_http_requests_total{handler="app.health",method="GET",status="2xx"}' in text
    assert 'handler="accounts.me",method="GET",status="4xx"' in text
    assert "erpsync_info" in text


def test_openapi_is_served(app_client: TestClient) -> None:
    spec = app_client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "erpsync"
    assert "/api/v1/tokens" in spec["paths"]
    assert app_client.get("/docs").status_code == 200


def test_api_errors_are_problem_details(app_client: TestClient) -> None:
    response = app_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert body["title"] == "Not signed in"
    missing = app_client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_validation_errors_name_the_field(admin_client: TestClient) -> None:
    response = admin_client.post("/api/v1/users", json={"login": "x", "password": "1"})
    assert response.status_code == 422
    fields = [error["field"] for error in response.json()["errors"]]
    assert fields == ["password"]
    assert "password" in response.json()["detail"]


def test_unknown_pages_render_an_html_error(admin_client: TestClient) -> None:
    response = admin_client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_error_pages_speak_the_users_language(admin_client: TestClient) -> None:
    swedish = {"Accept-Language": "sv-SE,sv;q=0.9"}
    unknown = admin_client.get("/no/such/page", headers=swedish)
    assert "<h1>Hittades inte</h1>" in unknown.text and "Not Found" not in unknown.text
    missing = admin_client.get("/companies/999999", headers=swedish)
    assert missing.status_code == 404 and "<h1>Hittades inte</h1>" in missing.text
    assert "<h1>Not found</h1>" in admin_client.get("/companies/999999").text
