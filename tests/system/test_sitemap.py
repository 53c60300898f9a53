"""sitemap.xml lists exactly the public pages; robots.txt points to it."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlmodel import select

import app.system.sitemap as sitemap_module
from app.models import Category
from app.models.base import utcnow
from app.models.states import JOB, LISTING, ORGANIZATION, JobStatus, ListingStatus, OrgStatus
from tests.factories import make_job, make_listing, make_org
from tests.factories import make_group, make_pending_org, make_webinar

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "http://testserver"


def sitemap_entries(response) -> dict[str, str | None]:
    """{loc: lastmod} of a urlset, checked to be the sitemaps.org 0.9 format."""
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    entries = {}
    for url in root.findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc not in entries, f"{loc} twice"
        entries[loc] = url.findtext("sm:lastmod", namespaces=NS)
    return entries


@pytest.fixture
def world(session):
    now = utcnow()
    visible = make_org(session)
    listing = make_listing(session, visible)
    job = make_job(session, visible)
    draft = make_listing(session, visible)
    LISTING.move(draft, ListingStatus.draft)
    archived = make_listing(session, visible)
    LISTING.move(archived, ListingStatus.archived)
    expired = make_job(session, visible)
    expired.expires_at = now - timedelta(hours=1)
    closed = make_job(session, visible)
    JOB.move(closed, JobStatus.closed)
    suspended = make_org(session)
    hidden_listing = make_listing(session, suspended)
    hidden_job = make_job(session, suspended)
    ORGANIZATION.move(suspended, OrgStatus.suspended)
    pending = make_pending_org(session)
    upcoming = make_webinar(session, days_from_now=5, presenters=[visible])
    past = make_webinar(session, days_from_now=-30)
    group = make_group(session, members=[visible, pending])
    session.commit()
    return {
        "public": {
            f"/orgs/{visible.slug}", f"/listings/{listing.slug}", f"/jobs/{job.slug}",
            f"/webinars/{upcoming.slug}", f"/webinars/{past.slug}", f"/groups/{group.slug}",
        },
        "hidden": {
            f"/listings/{draft.slug}", f"/listings/{archived.slug}", f"/jobs/{expired.slug}",
            f"/jobs/{closed.slug}", f"/orgs/{suspended.slug}", f"/listings/{hidden_listing.slug}",
            f"/jobs/{hidden_job.slug}", f"/orgs/{pending.slug}",
        },
        "visible_org": visible,
    }


def category_paths(session) -> set[str]:
    return {f"/marketplace/{path}" for path in session.exec(select(Category.path)).all()}


def test_sitemap_lists_exactly_the_public_urls(client, session, world):
    entries = sitemap_entries(client.get("/sitemap.xml"))
    fixed = {"/", "/marketplace", "/jobs", "/webinars", "/groups"}
    expected = fixed | category_paths(session) | world["public"]
    assert set(entries) == {BASE + path for path in expected}
    assert not {BASE + path for path in world["hidden"]} & set(entries)


def test_every_category_of_the_taxonomy_is_listed(client, session):
    locs = set(sitemap_entries(client.get("/sitemap.xml")))
    for path in ("/marketplace/hardware", "/marketplace/hardware/cryogenics", "/marketplace/other",
                 "/marketplace/services/think-tank"):
        assert BASE + path in locs
    assert len(category_paths(session)) > 30


def test_lastmod_is_a_w3c_date_where_the_record_knows_it(client, world):
    entries = sitemap_entries(client.get("/sitemap.xml"))
    org = world["visible_org"]
    assert entries[f"{BASE}/orgs/{org.slug}"] == org.updated_at.date().isoformat()
    for loc, lastmod in entries.items():
        if re.search(r"/(orgs|listings|jobs)/", loc):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod), loc
    assert entries[f"{BASE}/"] is None


def test_records_drop_out_when_they_are_hidden(client, session, world):
    org = world["visible_org"]
    ORGANIZATION.move(org, OrgStatus.suspended)
    session.add(org)
    session.commit()
    locs = set(sitemap_entries(client.get("/sitemap.xml")))
    assert not any(re.search(r"/(orgs|listings|jobs)/", loc) for loc in locs)


def test_a_large_directory_gets_a_sitemap_index(client, session, world, monkeypatch):
    everything = set(sitemap_entries(client.get("/sitemap.xml")))
    monkeypatch.setattr(sitemap_module, "URLS_PER_SITEMAP", 10)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [element.text for element in root.findall("sm:sitemap/sm:loc", NS)]
    assert parts == [f"{BASE}/sitemap-{n}.xml" for n in range(1, -(-len(everything) // 10) + 1)]
    combined: set[str] = set()
    for part in parts:
        entries = sitemap_entries(client.get(part.removeprefix(BASE)))
        assert len(entries) <= 10
        combined |= set(entries)
    assert combined == everything
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_sitemap_parts_do_not_exist_for_a_small_directory(client, world):
    assert client.get("/sitemap-1.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /account" in lines and "Disallow: /staff" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
