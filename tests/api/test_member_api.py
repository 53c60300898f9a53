"""The member API: an organisation's own listings and jobs through its token (RELIABILITY 13, 15 JSON form,
20, 21, 23, 24, 30). Organisation A's token is the caller; organisation B's records are the bait."""

import json

import pytest

from app.models import AuditEntry, Job, Listing
from tests.api.conftest import OWNER, rows

LISTINGS = "/api/v1/orgs/org-a/listings"
JOBS = "/api/v1/orgs/org-a/jobs"
NEW_LISTING = {"kind": "product", "category": "hardware/cryogenics", "title": "Pulse tube cooler",
               "title_zh": "脉冲管制冷机", "summary": "4 K without liquid helium", "tags": ["cryocooler", "4 K"],
               "trl": 7}
NEW_JOB = {"title": "Microwave engineer", "function": "engineering", "employment_type": "full_time",
           "workplace": "onsite", "country": "CN", "city": "Hefei", "description": "Design readout chains.",
           "apply_url": "https://alpha.example/jobs/1"}


def snapshot(api):
    """Every listing and job as stored: what must not change after a refused request."""
    with api.session() as session:
        from sqlmodel import select

        listings = [l.model_dump() for l in session.exec(select(Listing).order_by(Listing.id)).all()]
        jobs = [j.model_dump() for j in session.exec(select(Job).order_by(Job.id)).all()]
    return listings, jobs


def test_listing_create_read_update_publish_delete(api):
    h = api.bearer("a")
    created = api.client.post(LISTINGS, json=NEW_LISTING, headers=h)
    assert created.status_code == 201, created.text
    listing = created.json()
    assert listing["status"] == "draft" and listing["version"] == 1
    assert listing["category"] == "hardware/cryogenics" and listing["tags"] == ["cryocooler", "4 K"]
    assert "no-store" in created.headers["cache-control"]
    url = f"{LISTINGS}/{listing['id']}"
    [stored] = rows(api, Listing, Listing.id == listing["id"])
    assert stored.organization_id == api.ids["org_a"]

    listed = api.client.get(LISTINGS, headers=h).json()["listings"]
    assert {item["id"] for item in listed} == {listing["id"], api.ids["listing_a"]}  # any status, only A's
    assert api.client.get(url, headers=h).json()["title"] == "Pulse tube cooler"

    patched = api.client.patch(url, json={"version": 1, "title": "Pulse tube cooler PT-2"}, headers=h)
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["title"] == "Pulse tube cooler PT-2" and body["version"] == 2
    assert body["title_zh"] == "脉冲管制冷机" and body["tags"] == ["cryocooler", "4 K"] and body["trl"] == 7

    published = api.client.post(f"{url}/publish", headers=h)
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = api.client.post(f"{url}/publish", headers=h)  # the state machine decides: published → published
    assert again.status_code == 409 and again.json()["error"] == "conflict"
    assert api.client.post(f"{url}/unpublish", headers=h).json()["status"] == "draft"

    deleted = api.client.delete(url, headers=h)
    assert deleted.status_code == 204 and deleted.content == b""
    assert api.client.get(url, headers=h).status_code == 404
    assert api.client.patch(url, json={"version": 9, "title": "x"}, headers=h).status_code == 404
    assert listing["id"] not in {item["id"] for item in api.client.get(LISTINGS, headers=h).json()["listings"]}
    [gone] = rows(api, Listing, Listing.id == listing["id"])
    assert gone.status == "deleted" and gone.deleted_at is not None  # soft: staff may restore it

    actions = {e.action for e in rows(api, AuditEntry, AuditEntry.target_type == "listing",
                                      AuditEntry.target_id == listing["id"])}
    assert {"listing.created", "listing.updated", "listing.publish", "listing.unpublish", "listing.delete"} <= actions


def test_a_stale_version_is_409_and_no_change_is_lost(api):
    h = api.bearer("a")
    url = f"{LISTINGS}/{api.ids['listing_a']}"
    version = api.client.get(url, headers=h).json()["version"]
    first = api.client.patch(url, json={"version": version, "title": "First writer"}, headers=h)
    assert first.status_code == 200
    second = api.client.patch(url, json={"version": version, "summary": "Second writer"}, headers=h)
    assert second.status_code == 409 and second.json()["error"] == "conflict"
    [stored] = rows(api, Listing, Listing.id == api.ids["listing_a"])
    assert stored.title == "First writer" and stored.summary != "Second writer" and stored.version == version + 1

    missing = api.client.patch(url, json={"title": "No version"}, headers=h)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "version"
    for bad in ("2", True, 0, None):
        response = api.client.patch(url, json={"version": bad, "title": "Bad version"}, headers=h)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "version", bad
    assert rows(api, Listing, Listing.id == api.ids["listing_a"])[0].title == "First writer"


@pytest.mark.parametrize("field,value", [
    ("org_id", 2), ("organization_id", 2), ("status", "published"), ("is_featured", True), ("id", 999),
    ("created_by", 1), ("approved_at", "2026-01-01T00:00:00Z"), ("slug", "chosen"), ("version", 5),
])
def test_mass_assignment_is_a_422_naming_the_field_and_nothing_is_stored(api, field, value):
    h = api.bearer("a")
    before = snapshot(api)
    created = api.client.post(LISTINGS, json=NEW_LISTING | {field: value}, headers=h)
    assert created.status_code == 422, created.text
    assert field in [e["field"] for e in created.json()["errors"]]
    if field != "version":
        url = f"{LISTINGS}/{api.ids['listing_a']}"
        patched = api.client.patch(url, json={"version": 1, field: value}, headers=h)
        assert patched.status_code == 422 and field in [e["field"] for e in patched.json()["errors"]]
    assert snapshot(api) == before


@pytest.mark.parametrize("payload,field", [
    ({"category": "hardware"}, "category"),  # not a leaf
    ({"title": ""}, "title"),
    ({"title": "x" * 10_000}, "title"),
    ({"description": "d" * 25_000}, "description"),
    ({"description": "d" * 2_000_000}, "description"),  # RELIABILITY 24: named, not cut off by the body limit
    ({"tags": ["t"] * 10_000}, "tags"),
    ({"trl": "high"}, "trl"),
    ({"trl": 12}, "trl"),
    ({"datasheet_url": "javascript:alert(1)"}, "datasheet_url"),
    ({"title": "bad\u0000title"}, "title"),
])
def test_bad_input_is_a_422_with_the_field_and_nothing_is_stored(api, payload, field):
    before = snapshot(api)
    response = api.client.post(LISTINGS, json=NEW_LISTING | payload, headers=api.bearer("a"))
    assert response.status_code == 422, response.text
    assert any(e["field"].split(".")[0].split("[")[0] == field for e in response.json()["errors"]), response.json()
    assert snapshot(api) == before


@pytest.mark.parametrize("raw,field", [
    (b"not json", "body"),
    (b"[1, 2]", "body"),
    (b'{"kind": "product", "title": NaN}', "body"),
    (b'{"kind": "product", "category": "hardware/cryogenics", "title": "A", "title": "B"}', "title"),
    (b'{"kind": "product", "category": "hardware/cryogenics", "title": "\\ud800"}', "title"),
    (b'{"kind": "product", "category": "hardware/cryogenics", "title": "A", "org_id": 1, "org_id": 2}', "org_id"),
])
def test_malformed_json_and_duplicate_keys_are_refused_deterministically(api, raw, field):
    before = snapshot(api)
    response = api.client.post(LISTINGS, content=raw, headers=api.bearer("a") | {"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert snapshot(api) == before


def test_the_organisation_comes_from_the_token_and_the_path_only(api):
    """Duplicate or planted query parameters cannot move a record to another organisation (RELIABILITY 30)."""
    url = f"{LISTINGS}?org=org-b&org_id={api.ids['org_b']}&slug=org-b&slug=org-a"
    response = api.client.post(url, json=NEW_LISTING, headers=api.bearer("a"))
    assert response.status_code == 201
    [stored] = rows(api, Listing, Listing.id == response.json()["id"])
    assert stored.organization_id == api.ids["org_a"]


def test_another_organisation_s_slug_and_ids_are_404_and_nothing_changes(api):
    h = api.bearer("a")
    before = snapshot(api)
    listing_b, job_b = api.ids["listing_b"], api.ids["job_b"]
    attempts = [
        ("GET", "/api/v1/orgs/org-b/listings", None), ("POST", "/api/v1/orgs/org-b/listings", NEW_LISTING),
        ("GET", f"/api/v1/orgs/org-b/listings/{listing_b}", None),
        ("GET", f"{LISTINGS}/{listing_b}", None),
        ("PATCH", f"{LISTINGS}/{listing_b}", {"version": 1, "title": "Hijacked"}),
        ("DELETE", f"{LISTINGS}/{listing_b}", None),
        ("POST", f"{LISTINGS}/{listing_b}/unpublish", None),
        ("POST", f"{LISTINGS}/{listing_b}/archive", None),
        ("GET", "/api/v1/orgs/org-b/jobs", None), ("POST", "/api/v1/orgs/org-b/jobs", NEW_JOB),
        ("GET", f"{JOBS}/{job_b}", None),
        ("PATCH", f"{JOBS}/{job_b}", {"version": 1, "title": "Hijacked"}),
        ("POST", f"{JOBS}/{job_b}/close", None), ("POST", f"{JOBS}/{job_b}/submit", None),
        ("GET", "/api/v1/orgs/no-such-org/listings", None),
    ]
    for method, url, body in attempts:
        response = api.client.request(method, url, json=body, headers=h)
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json()["error"] == "not_found"
    assert snapshot(api) == before


def test_answers_carry_no_private_data(api):
    """No creator e-mail, token hash, staff note or applicant data in any answer (RELIABILITY 21)."""
    h = api.bearer("a")
    with api.engine.begin() as connection:
        from sqlalchemy import text

        connection.execute(text("UPDATE listing SET moderation_note = 'STAFF-ONLY-NOTE' WHERE id = :id"),
                           {"id": api.ids["listing_a"]})
        hashes = [row[0] for row in connection.execute(text("SELECT secret_hash FROM api_token"))]
    bodies = [api.client.get(LISTINGS, headers=h).text, api.client.get(f"{LISTINGS}/{api.ids['listing_a']}", headers=h).text,
              api.client.get(JOBS, headers=h).text, api.client.get(f"{JOBS}/{api.ids['job_a']}", headers=h).text,
              api.client.post(LISTINGS, json=NEW_LISTING, headers=h).text]
    for body in bodies:
        assert OWNER not in body and "STAFF-ONLY-NOTE" not in body and "moderation_note" not in body
        assert not any(secret_hash in body for secret_hash in hashes)
        assert "created_by" not in body and "password" not in body


def test_job_create_edit_submit_and_close(api):
    h = api.bearer("a")
    created = api.client.post(JOBS, json=NEW_JOB, headers=h)
    assert created.status_code == 201, created.text
    job = created.json()
    assert job["status"] == "draft" and job["version"] == 1 and job["region"]
    url = f"{JOBS}/{job['id']}"
    assert job["id"] in {j["id"] for j in api.client.get(JOBS, headers=h).json()["jobs"]}

    patched = api.client.patch(url, json={"version": 1, "city": "Shanghai", "apply_url": None,
                                          "apply_email": "jobs@alpha.example"}, headers=h)
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["city"] == "Shanghai" and body["apply_email"] == "jobs@alpha.example" and body["apply_url"] is None
    assert body["title"] == "Microwave engineer" and body["version"] == 2

    stale = api.client.patch(url, json={"version": 1, "title": "Lost update"}, headers=h)
    assert stale.status_code == 409
    assert rows(api, Job, Job.id == job["id"])[0].title == "Microwave engineer"

    submitted = api.client.post(f"{url}/submit", headers=h)
    assert submitted.status_code == 200 and submitted.json()["status"] == "review"
    assert api.client.post(f"{url}/close", headers=h).status_code == 409  # only a published job closes

    live = f"{JOBS}/{api.ids['job_a']}"
    closed = api.client.post(f"{live}/close", headers=h)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    actions = {e.action for e in rows(api, AuditEntry, AuditEntry.target_type == "job")}
    assert {"job.create", "job.submit", "job.close"} <= actions


@pytest.mark.parametrize("field,value", [("slug", "my-slug"), ("published_at", "2026-01-01T00:00:00Z"),
                                         ("expires_at", "2030-01-01T00:00:00Z"), ("status", "published"),
                                         ("organization_id", 2), ("rejection_reason", "none")])
def test_job_mass_assignment_is_a_422_naming_the_field(api, field, value):
    before = snapshot(api)
    created = api.client.post(JOBS, json=NEW_JOB | {field: value}, headers=api.bearer("a"))
    assert created.status_code == 422 and field in [e["field"] for e in created.json()["errors"]]
    patched = api.client.patch(f"{JOBS}/{api.ids['job_a']}", json={"version": 1, field: value},
                               headers=api.bearer("a"))
    assert patched.status_code == 422 and field in [e["field"] for e in patched.json()["errors"]]
    assert snapshot(api) == before


def test_job_bad_input_names_the_field(api):
    before = snapshot(api)
    for payload, field in (({"salary_min": -5, "salary_max": 10, "salary_currency": "CNY",
                             "salary_period": "year"}, "salary_min"),
                           ({"apply_url": "http://insecure.example"}, "apply_url"),
                           ({"country": "XX"}, "country")):
        response = api.client.post(JOBS, json=NEW_JOB | payload, headers=api.bearer("a"))
        assert response.status_code == 422, response.text
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert snapshot(api) == before


def test_a_body_over_the_limit_is_413_and_not_read_into_a_record(api):
    before = snapshot(api)
    huge = json.dumps(NEW_LISTING | {"description": "x" * (5 * 1024 * 1024)})
    response = api.client.post(LISTINGS, content=huge, headers=api.bearer("a") | {"Content-Type": "application/json"})
    assert response.status_code == 413
    assert snapshot(api) == before
