"""POST /api/v1/import: the import bundle for a staff token; all of it or nothing (DESIGN §4)."""

from app.models import AuditEntry, Job, Listing, Organization
from tests.api.conftest import rows
from tests.factories import job_row, listing_row, org_row

IMPORT = "/api/v1/import"


def test_a_staff_token_imports_a_bundle_and_gets_the_counts(api):
    bundle = {"organizations": [org_row(slug="imported-org")], "listings": [listing_row("imported-org")],
              "jobs": [job_row("imported-org")]}
    response = api.client.post(IMPORT, json=bundle, headers=api.bearer("staff"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"]["organizations"]["created"] == 1 and body["counts"]["listings"]["created"] == 1
    assert body["counts"]["jobs"]["created"] == 1 and body["changed"] == 3
    [org] = rows(api, Organization, Organization.slug == "imported-org")
    assert org.status == "active"
    assert rows(api, Listing, Listing.organization_id == org.id)[0].status == "published"
    [audit] = rows(api, AuditEntry, AuditEntry.action == "import.bundle")
    assert audit.actor_id == api.ids["staff"]

    again = api.client.post(IMPORT, json=bundle, headers=api.bearer("staff"))  # unchanged, still on record
    assert again.status_code == 200 and again.json()["changed"] == 0
    assert len(rows(api, AuditEntry, AuditEntry.action == "import.bundle")) == 2


def test_one_bad_row_rejects_the_bundle_with_a_report_and_nothing_is_written(api):
    before = (len(rows(api, Organization)), len(rows(api, Listing)), len(rows(api, Job)))
    bundle = {"organizations": [org_row(slug="fine-org")],
              "listings": [listing_row("fine-org"), listing_row("fine-org", category="no/such-category")],
              "jobs": [job_row("fine-org", apply_url="javascript:alert(1)")]}
    response = api.client.post(IMPORT, json=bundle, headers=api.bearer("staff"))
    assert response.status_code == 422
    body = response.json()
    fields = {e["field"] for e in body["errors"]}
    assert "listings[2].category" in fields and "jobs[1].apply_url" in fields, fields
    assert "nothing was written" in body["message"]
    assert (len(rows(api, Organization)), len(rows(api, Listing)), len(rows(api, Job))) == before
    assert not rows(api, AuditEntry, AuditEntry.action == "import.bundle")


def test_a_bundle_that_is_not_json_is_422(api):
    response = api.client.post(IMPORT, content=b"{oops", headers=api.bearer("staff") | {"Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body"


def test_only_a_staff_token_may_import(api):
    bundle = {"organizations": [org_row(slug="sneaky-org")], "listings": [], "jobs": []}
    assert api.client.post(IMPORT, json=bundle, headers=api.bearer("a")).status_code == 404
    anonymous = api.client.post(IMPORT, json=bundle)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")
    assert not rows(api, Organization, Organization.slug == "sneaky-org")
