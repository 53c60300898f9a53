"""The public read API (DESIGN §4): /api/v1/orgs, /listings, /jobs (lists and details), /categories and
/webinars, without a token; the same visibility as the pages; filters; cursor paging through `next`."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from app.catalog.schemas import ListingIn
from app.catalog.service import categories_by_path, upsert_listing
from app.db import unit_of_work
from app.main import create_app
from app.models.base import utcnow
from app.models.states import JobStatus, OrgStatus
from app.organizations.service import set_status
from tests.factories import listing_row, make_job, make_listing, make_org, make_pending_org, make_webinar


@pytest.fixture
def public(settings, engine):
    """Three active organisations with listings and jobs, and records the public must never see."""
    with unit_of_work(engine) as session:
        hefei = make_org(session, slug="hefei-cryo", name="Hefei Cryo", org_type="sme",
                         offers=["hardware/cryogenics"], needs=["software/general"])
        zurich = make_org(session, slug="zurich-optics", name="Zurich Optics", org_type="academic", country="CH",
                          province=None, city="Zurich", offers=["hardware/light-sources-detectors"])
        tokyo = make_org(session, slug="tokyo-soft", name="Tokyo Soft", org_type="large_enterprise", country="JP",
                         province=None, city="Tokyo", offers=["software/general"])
        for n in range(5):
            make_listing(session, hefei, title=f"Cryostat {n}", slug=f"cryostat-{n}")
        make_listing(session, zurich, title="SNSPD array", slug="snspd-array", kind="product",
                     category="hardware/light-sources-detectors")
        make_listing(session, tokyo, title="Compiler service", slug="compiler-service", kind="service",
                     category="software/general")
        make_job(session, hefei, title="Cryo engineer", slug="cryo-engineer", function="engineering",
                 salary_min=20000, salary_max=30000, salary_currency="CNY", salary_period="month")
        make_job(session, zurich, title="Optics postdoc", slug="optics-postdoc", function="rd",
                 employment_type="phd_postdoc", country="CH", city="Zurich", workplace="hybrid",
                 apply_url=None, apply_email="jobs@zurich.example")
        make_job(session, tokyo, title="Remote developer", slug="remote-developer", function="engineering",
                 workplace="remote", country="JP", city="Tokyo")
        expired = make_job(session, hefei, title="Old job", slug="old-job")
        expired.expires_at = utcnow() - timedelta(days=1)
        closed = make_job(session, hefei, title="Closed job", slug="closed-job")
        closed.status = JobStatus.closed
        suspended = make_org(session, slug="suspended-org", name="Suspended Org")
        make_listing(session, suspended, title="Hidden fridge", slug="hidden-fridge")
        make_job(session, suspended, title="Hidden job", slug="hidden-job")
        set_status(session, org=suspended, status=OrgStatus.suspended, reason="unpaid")
        make_pending_org(session, slug="pending-org")
        row = listing_row("hefei-cryo", slug="draft-listing")
        row.pop("org")
        draft = ListingIn.model_validate(row)
        upsert_listing(session, org=hefei, data=draft, category=categories_by_path(session)["hardware/cryogenics"],
                       publish=False)
        shown = make_listing(session, zurich, title="Shown detector", slug="shown-detector",
                             category="hardware/light-sources-detectors")
        make_webinar(session, days_from_now=10, presenters=[zurich, suspended], listings=[shown])
        make_webinar(session, days_from_now=20)
        make_webinar(session, days_from_now=-5)
    with TestClient(create_app(settings)) as client:
        yield client


def walk(client, url: str) -> tuple[list[dict], int]:
    """Every item of a list, following `next` until null; and how many pages it took."""
    items, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next"}
        items += body["items"]
        pages += 1
        url = body["next"]
        if url:
            assert url.startswith("http://testserver/api/v1/"), url  # absolute
        assert pages < 50, "paging does not end"
    return items, pages


def slugs(items: list[dict]) -> list[str]:
    return [item["slug"] for item in items]


def test_reads_need_no_token_and_are_json(public):
    for url in ("/api/v1/orgs", "/api/v1/listings", "/api/v1/jobs", "/api/v1/categories", "/api/v1/webinars",
                "/api/v1/orgs/hefei-cryo", "/api/v1/listings/cryostat-0", "/api/v1/jobs/cryo-engineer"):
        response = public.get(url)
        assert response.status_code == 200, (url, response.text)
        assert response.headers["content-type"].startswith("application/json")


def test_paging_through_next_gives_every_visible_record_once(public):
    for base, expected in (("/api/v1/orgs", 3), ("/api/v1/listings", 8), ("/api/v1/jobs", 3)):
        everything, pages = walk(public, f"{base}?limit=100")
        assert pages == 1 and len(everything) == expected, (base, slugs(everything))
        paged, pages = walk(public, f"{base}?limit=2")
        assert slugs(paged) == slugs(everything), base  # same stable order, no duplicates, nothing skipped
        assert pages == -(-expected // 2)


def test_the_next_link_keeps_the_filters(public):
    items, pages = walk(public, "/api/v1/listings?org=hefei-cryo&limit=2")
    assert pages == 3 and slugs(items) == [f"cryostat-{n}" for n in reversed(range(5))]  # newest first
    first = public.get("/api/v1/listings?org=hefei-cryo&limit=2").json()["next"]
    assert "org=hefei-cryo" in urlsplit(first).query


def test_hidden_records_are_absent_from_lists_and_404_in_details(public):
    orgs = slugs(walk(public, "/api/v1/orgs?limit=100")[0])
    listings = slugs(walk(public, "/api/v1/listings?limit=100")[0])
    jobs = slugs(walk(public, "/api/v1/jobs?limit=100")[0])
    assert "suspended-org" not in orgs and "pending-org" not in orgs
    assert "hidden-fridge" not in listings and "draft-listing" not in listings
    assert {"hidden-job", "old-job", "closed-job"}.isdisjoint(jobs)
    for url in ("/api/v1/orgs/suspended-org", "/api/v1/orgs/pending-org", "/api/v1/orgs/no-such-org",
                "/api/v1/listings/hidden-fridge", "/api/v1/listings/draft-listing", "/api/v1/listings/nope",
                "/api/v1/jobs/hidden-job", "/api/v1/jobs/old-job", "/api/v1/jobs/closed-job", "/api/v1/jobs/nope"):
        response = public.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert response.json()["error"] == "not_found"


def test_organisation_filters_and_detail(public):
    assert slugs(public.get("/api/v1/orgs?org_type=academic").json()["items"]) == ["zurich-optics"]
    assert slugs(public.get("/api/v1/orgs?country=JP&country=CH").json()["items"]) == ["tokyo-soft", "zurich-optics"]
    assert slugs(public.get("/api/v1/orgs?region=central").json()["items"]) == ["hefei-cryo"]
    assert slugs(public.get("/api/v1/orgs?offers=software").json()["items"]) == ["tokyo-soft"]
    assert slugs(public.get("/api/v1/orgs?needs=software/general").json()["items"]) == ["hefei-cryo"]
    assert slugs(public.get("/api/v1/orgs?category=software").json()["items"]) == ["hefei-cryo", "tokyo-soft"]
    org = public.get("/api/v1/orgs/hefei-cryo").json()
    assert org["offers"] == ["hardware/cryogenics"] and org["needs"] == ["software/general"]
    assert org["listings_count"] == 5  # the draft is not counted
    assert org["name"] == "Hefei Cryo" and org["name_zh"]
    assert org["url"] == "http://testserver/orgs/hefei-cryo"
    assert org["api_url"] == "http://testserver/api/v1/orgs/hefei-cryo"
    assert public.get(org["url"]).status_code == 200
    assert "contact_email" not in org and "status" not in org


def test_listing_filters_and_detail(public):
    def listed(query: str) -> set[str]:
        return set(slugs(walk(public, f"/api/v1/listings?limit=100&{query}")[0]))

    assert listed("category=hardware") == {f"cryostat-{n}" for n in range(5)} | {"snspd-array", "shown-detector"}
    assert listed("category=hardware/light-sources-detectors") == {"snspd-array", "shown-detector"}
    assert listed("kind=service") == {"compiler-service"}
    assert listed("country=CH") == {"snspd-array", "shown-detector"}
    assert listed("region=asia") == {"compiler-service"}
    assert listed("org=tokyo-soft&org=zurich-optics") == {"compiler-service", "snspd-array", "shown-detector"}
    listing = public.get("/api/v1/listings/snspd-array").json()
    assert listing["org"] == "zurich-optics" and listing["category"] == "hardware/light-sources-detectors"
    assert listing["title"] == "SNSPD array" and "title_zh" in listing
    assert listing["url"] == "http://testserver/listings/snspd-array"
    assert public.get(listing["api_url"]).json() == listing


def test_job_filters_and_detail(public):
    def listed(query: str) -> list[str]:
        return slugs(public.get(f"/api/v1/jobs?{query}").json()["items"])

    assert sorted(listed("function=engineering")) == ["cryo-engineer", "remote-developer"]
    assert listed("employment_type=phd_postdoc") == ["optics-postdoc"]
    assert listed("workplace=remote") == ["remote-developer"]
    assert listed("country=CH") == ["optics-postdoc"] and listed("region=central") == ["cryo-engineer"]
    assert listed("org=hefei-cryo") == ["cryo-engineer"]
    job = public.get("/api/v1/jobs/cryo-engineer").json()
    assert (job["country"], job["province"], job["city"], job["region"], job["workplace"]) == \
        ("CN", "CN-AH", "Hefei", "central", "onsite")
    assert job["salary"] == {"min": 20000, "max": 30000, "currency": "CNY", "period": "month"}
    assert job["apply_url"] == "https://org.example/careers" and job["apply_email"] is None
    assert job["published_at"] and job["expires_at"] > job["published_at"]
    assert job["org"] == "hefei-cryo" and job["url"] == "http://testserver/jobs/cryo-engineer"
    postdoc = public.get("/api/v1/jobs/optics-postdoc").json()
    assert postdoc["apply_email"] == "jobs@zurich.example" and postdoc["salary"] is None
    assert postdoc["province"] is None


def test_categories_are_the_tree_with_both_names_and_counts(public):
    body = public.get("/api/v1/categories").json()
    assert body["next"] is None
    hardware = next(top for top in body["items"] if top["path"] == "hardware")
    assert hardware["name"] == "Hardware" and hardware["name_zh"] == "硬件"
    cryo = next(child for child in hardware["children"] if child["path"] == "hardware/cryogenics")
    assert cryo["listings_count"] == 5 and cryo["children"] == []
    assert hardware["listings_count"] == 7
    assert cryo["url"] == "http://testserver/marketplace/hardware/cryogenics"
    assert {item["slug"] for item in public.get(cryo["listings_api_url"]).json()["items"]} == \
        {f"cryostat-{n}" for n in range(5)}


def test_webinars_upcoming_and_past(public):
    upcoming, pages = walk(public, "/api/v1/webinars?limit=1")
    assert pages == 2 and [w["starts_at"] for w in upcoming] == sorted(w["starts_at"] for w in upcoming)
    first = upcoming[0]
    assert [p["slug"] for p in first["presenters"]] == ["zurich-optics"]  # the suspended presenter is not shown
    assert first["listings"] == ["shown-detector"] and first["theme"] == "hardware/cryogenics"
    assert first["title_zh"] and first["url"].startswith("http://testserver/webinars/")
    past, _ = walk(public, "/api/v1/webinars?when=past")
    assert len(past) == 1 and past[0]["recording_url"]
    cursor = public.get("/api/v1/webinars?limit=1").json()["next"]
    wrong = public.get(cursor.replace("limit=1", "when=past"))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize("url, field", [
    ("/api/v1/orgs?limit=0", "limit"), ("/api/v1/listings?limit=101", "limit"), ("/api/v1/jobs?limit=x", "limit"),
    ("/api/v1/orgs?cursor=not-a-cursor", "cursor"), ("/api/v1/jobs?cursor=%FF%FE", "cursor"),
    ("/api/v1/orgs?org_type=bogus", "org_type"), ("/api/v1/listings?kind=gadget", "kind"),
    ("/api/v1/jobs?function=wizard", "function"), ("/api/v1/jobs?workplace=moon", "workplace"),
    ("/api/v1/jobs?employment_type=forever", "employment_type"), ("/api/v1/orgs?region=atlantis", "region"),
    ("/api/v1/listings?country=XX", "country"), ("/api/v1/listings?category=no/such", "category"),
    ("/api/v1/orgs?offers=nowhere", "offers"), ("/api/v1/webinars?when=tomorrow", "when"),
])
def test_bad_parameters_are_422_naming_the_parameter(public, url, field):
    response = public.get(url)
    assert response.status_code == 422, (url, response.text)
    body = response.json()
    assert body["error"] == "invalid" and body["errors"][0]["field"].split(".")[0] == field, body


@pytest.mark.parametrize("forged", [["orgs", "a\u0000b"], ["orgs", "\ud800"], ["orgs", 5], ["listings", "2026-01-01", 1],
                                    ["listings", "2026-01-01T00:00:00+00:00", 2**40], ["orgs"], {"orgs": "x"}])
def test_a_forged_cursor_is_422_not_500(public, forged):
    import base64
    import json

    cursor = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    kind = forged[0] if isinstance(forged, list) else "orgs"
    response = public.get(f"/api/v1/{kind}?cursor={cursor}")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "cursor", response.text


def test_a_cursor_of_another_list_is_refused(public):
    jobs_cursor = public.get("/api/v1/jobs?limit=1").json()["next"].split("cursor=")[1].split("&")[0]
    response = public.get(f"/api/v1/listings?cursor={jobs_cursor}")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "cursor"
