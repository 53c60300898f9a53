"""The API's OpenAPI document (/api/v1/openapi.json) and its docs page: the API alone, the bearer scheme on
exactly the routes that need a token, a request body with an example for every write that reads one, and the
project's error shape for every documented error."""

import pytest

from app.api.auth import api_auth, import_body, record_body
from app.api.openapi import dependency_calls
from tests.helpers import app_routes

READS_A_BODY = (record_body, import_body)


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def api_operations(app):
    for route in app_routes(app.routes):
        if route.path.startswith("/api/v1/") and route.include_in_schema:
            for method in route.methods - {"HEAD"}:
                yield route, method.lower()


def test_only_api_paths_are_listed(client, document):
    paths = document["paths"]
    assert all(path.startswith("/api/v1/") for path in paths), [p for p in paths if not p.startswith("/api/v1/")]
    for contract in ("/api/v1/orgs", "/api/v1/orgs/{slug}", "/api/v1/listings", "/api/v1/listings/{slug}",
                     "/api/v1/jobs", "/api/v1/jobs/{slug}", "/api/v1/categories", "/api/v1/webinars",
                     "/api/v1/search", "/api/v1/export", "/api/v1/import", "/api/v1/orgs/{slug}/listings"):
        assert contract in paths, contract
    listed = {(path, method) for path, operations in paths.items() for method in operations}
    assert listed == {(route.path, method) for route, method in api_operations(client.app)}
    assert "HTTPValidationError" not in document["components"]["schemas"]  # FastAPI's shape, not the app's


def test_the_bearer_scheme_is_on_exactly_the_routes_that_need_a_token(client, document):
    schemes = document["components"]["securitySchemes"]
    [name] = schemes
    assert (schemes[name]["type"], schemes[name]["scheme"]) == ("http", "bearer")
    guarded = 0
    for route, method in api_operations(client.app):
        operation = document["paths"][route.path][method]
        needs_token = api_auth in dependency_calls(route.dependant)
        assert (operation.get("security") == [{name: []}]) == needs_token, (method, route.path)
        assert document.get("security") is None  # nothing applied globally: public reads stay open
        if needs_token:
            guarded += 1
            assert "401" in operation["responses"], (method, route.path)
    assert guarded >= 15
    for public in ("/api/v1/orgs", "/api/v1/listings/{slug}", "/api/v1/jobs", "/api/v1/search"):
        assert "security" not in document["paths"][public]["get"]
    assert document["paths"]["/api/v1/export"]["get"]["security"] == [{name: []}]


def test_every_write_that_reads_a_body_documents_it_with_an_example(client, document):
    writes = []
    for route, method in api_operations(client.app):
        if any(call in READS_A_BODY for call in dependency_calls(route.dependant)):
            writes.append((method, route.path))
            operation = document["paths"][route.path][method]
            media = operation["requestBody"]["content"]["application/json"]
            assert media["example"], (method, route.path)
            ref = media["schema"]["$ref"].removeprefix("#/components/schemas/")
            assert document["components"]["schemas"][ref]["properties"], ref
            for status in ("415", "422"):
                assert status in operation["responses"], (method, route.path, status)
    assert sorted(writes) == [("patch", "/api/v1/orgs/{slug}/jobs/{job_id}"),
                              ("patch", "/api/v1/orgs/{slug}/listings/{listing_id}"),
                              ("post", "/api/v1/import"), ("post", "/api/v1/orgs/{slug}/jobs"),
                              ("post", "/api/v1/orgs/{slug}/listings")]
    changes = document["components"]["schemas"]["ListingChanges"]
    assert changes["required"] == ["version"] and "title" in changes["properties"]


def test_the_examples_are_accepted_by_the_api(api):
    """The documented examples are real requests: each is taken by its route."""
    document = api.client.get("/api/v1/openapi.json").json()

    def example(path: str, method: str) -> dict:
        return document["paths"][path][method]["requestBody"]["content"]["application/json"]["example"]

    listing = api.client.post("/api/v1/orgs/org-a/listings", json=example("/api/v1/orgs/{slug}/listings", "post"),
                              headers=api.bearer("a"))
    assert listing.status_code == 201, listing.text
    changes = example("/api/v1/orgs/{slug}/listings/{listing_id}", "patch") | {"version": listing.json()["version"]}
    changed = api.client.patch(f"/api/v1/orgs/org-a/listings/{listing.json()['id']}", json=changes,
                               headers=api.bearer("a"))
    assert changed.status_code == 200, changed.text
    job = api.client.post("/api/v1/orgs/org-a/jobs", json=example("/api/v1/orgs/{slug}/jobs", "post"),
                          headers=api.bearer("a"))
    assert job.status_code == 201, job.text
    bundle = api.client.post("/api/v1/import", json=example("/api/v1/import", "post"), headers=api.bearer("staff"))
    assert bundle.status_code == 200, bundle.text


def test_errors_are_documented_in_the_projects_shape(document):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error", "message", "errors"]
    seen = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and status != "503":
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
                    seen.add(status)
    assert {"400", "401", "404", "409", "413", "415", "422", "429"} <= seen


def test_the_docs_page_is_served_with_the_apps_assets(client):
    moved = client.get("/docs", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/api/v1/docs"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    nonce = page.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    html = page.text
    for asset in ("/static/vendor/swagger-ui-bundle-5.36.0.js", "/static/js/api-docs.js"):
        assert f'<script src="{asset}" nonce="{nonce}">' in html, asset
        assert client.get(asset).status_code == 200
    assert client.get("/static/vendor/swagger-ui-5.36.0.css").status_code == 200
    assert "<script>" not in html and "http" not in html.split("<body>")[1]  # no inline script, no CDN
    assert client.get("/openapi.json").status_code == 404  # the whole app's document is gone
