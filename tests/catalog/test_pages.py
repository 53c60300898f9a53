"""Home, marketplace browsing, listing and organisation pages."""

import json
import re

import pytest

from app.catalog.service import set_listing_status
from app.models.states import ListingStatus, OrgStatus
from app.organizations.service import set_status
from tests.factories import make_job, make_listing, make_org
from tests.helpers import assert_left_out


@pytest.fixture
def catalog(session):
    """Two members with listings in different subcategories, and hidden records that must never show."""
    hefei = make_org(session, slug="hefei-cryo", name="Hefei Cryo", name_zh="合肥低温", org_type="sme",
                     membership="full", domains=["computing"])
    munich = make_org(session, slug="munich-photonics", name="Munich Photonics", name_zh="慕尼黑光子",
                      country="DE", province=None, city="Munich", org_type="large_enterprise", membership="associate",
                      offers=["hardware/lasers"], needs=["hardware/vacuum"])
    records = {
        "fridge": make_listing(session, hefei, slug="hefei-fridge", title="Dilution fridge", title_zh="稀释制冷机",
                               summary="Below 10 mK", trl=8),
        "service": make_listing(session, hefei, slug="hefei-service", title="Fridge service", kind="service", trl=None),
        "laser": make_listing(session, munich, slug="munich-laser", title="Narrow laser", title_zh="窄线宽激光器",
                              category="hardware/lasers", trl=6, description="**Linewidth** < 1 kHz"),
        "draft": make_listing(session, hefei, slug="hefei-draft", title="Secret prototype"),
    }
    set_listing_status(session, listing=records["draft"], status=ListingStatus.draft)
    suspended = make_org(session, slug="suspended-org", name="Suspended Org")
    records["hidden"] = make_listing(session, suspended, slug="suspended-listing", title="Hidden listing")
    set_status(session, org=suspended, status=OrgStatus.suspended, reason="test")
    make_job(session, hefei, title="Cryogenic engineer", title_zh="低温工程师")
    session.commit()
    return records


def slugs_on(html: str) -> set[str]:
    return set(re.findall(r'href="/listings/([a-z0-9-]+)"', html))


def test_home_shows_newest_listings_and_jobs(client, catalog):
    html = client.get("/?lang=en").text
    assert {"hefei-fridge", "munich-laser"} <= slugs_on(html)
    assert "Cryogenic engineer" in html
    assert "hefei-draft" not in html and "suspended-listing" not in html
    assert 'href="/marketplace/hardware/cryogenics"' in html


def test_marketplace_lists_visible_listings_of_the_subtree(client, catalog):
    response = client.get("/marketplace/hardware?lang=en")
    assert response.status_code == 200
    assert slugs_on(response.text) == {"hefei-fridge", "hefei-service", "munich-laser"}
    assert slugs_on(client.get("/marketplace/hardware/lasers").text) == {"munich-laser"}
    assert slugs_on(client.get("/marketplace/software").text) == set()
    assert "3 listings" in response.text


def test_marketplace_filters_and_facet_counts(client, catalog):
    html = client.get("/marketplace/hardware?lang=en&country=DE").text
    assert slugs_on(html) == {"munich-laser"}
    # The country facet still offers the other country (counts ignore the facet's own filter).
    assert re.search(r'country=CN[^"]*"[^>]*>China <span class="count">2<', html)
    assert slugs_on(client.get("/marketplace?kind=service").text) == {"hefei-service"}
    assert slugs_on(client.get("/marketplace?trl=8&trl=6").text) == {"hefei-fridge", "munich-laser"}
    assert slugs_on(client.get("/marketplace?region=central").text) == {"hefei-fridge", "hefei-service"}
    assert slugs_on(client.get("/marketplace?org_type=large_enterprise").text) == {"munich-laser"}
    assert slugs_on(client.get("/marketplace?membership=associate").text) == {"munich-laser"}
    assert slugs_on(client.get("/marketplace?domains=computing").text) == {"hefei-fridge", "hefei-service"}
    empty = client.get("/marketplace?country=JP&lang=en").text
    assert "No listings match these filters." in empty and "Clear all filters" in empty


def test_marketplace_sorts_and_pages(client, session, catalog):
    org = make_org(session)
    for n in range(30):
        make_listing(session, org, title=f"Bulk cryostat {n:02d}")
    session.commit()
    first = client.get("/marketplace?sort=title&lang=en").text
    assert "rel=\"next\"" in first and "Bulk cryostat 00" in first
    second = client.get("/marketplace?sort=title&page=2&lang=en").text
    assert "Bulk cryostat 00" not in second and 'rel="prev"' in second


@pytest.mark.parametrize("query", ["kind=gadget", "page=0", "page=abc", "trl=12", "country=china", "sort=random",
                                   "region=mars"])
def test_bad_filters_are_left_out_and_named_never_a_500(client, catalog, query):
    assert_left_out(client.get(f"/marketplace?{query}&lang=en"), query.split("=")[0])


def test_marketplace_fragment_for_htmx(client, catalog):
    full = client.get("/marketplace/hardware")
    fragment = client.get("/marketplace/hardware", headers={"HX-Request": "true"})
    assert full.text.startswith("<!doctype html>") and not fragment.text.lstrip().startswith("<!doctype")
    assert 'id="browse"' in fragment.text and "<header" not in fragment.text
    assert slugs_on(fragment.text) == slugs_on(full.text)
    assert "HX-Request" in fragment.headers["vary"] and "HX-Request" in full.headers["vary"]
    boosted = client.get("/marketplace/hardware", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert boosted.text.startswith("<!doctype html>")


def test_unknown_categories_are_404(client, catalog):
    assert client.get("/marketplace/teleporters").status_code == 404
    assert client.get("/marketplace/hardware/teleporters").status_code == 404


def test_listing_page_in_both_languages(client, catalog):
    zh = client.get("/listings/munich-laser?lang=zh")
    assert zh.status_code == 200 and "窄线宽激光器" in zh.text and '<html lang="zh-CN">' in zh.text
    en = client.get("/listings/munich-laser?lang=en").text
    assert "Narrow laser" in en and "<strong>Linewidth</strong>" in en
    assert 'href="/marketplace/hardware/lasers"' in en and 'href="/orgs/munich-photonics#contact"' in en
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', en, re.S).group(1))
    assert data["@type"] == "Product" and data["name"] == "Narrow laser"
    assert data["manufacturer"]["name"] == "Munich Photonics"
    assert '<link rel="canonical" href="http://testserver/listings/munich-laser">' in en


def test_listing_page_shows_related_listings_of_the_same_subcategory(client, catalog):
    html = client.get("/listings/hefei-fridge?lang=en").text
    assert "/listings/hefei-service" in html and "/listings/munich-laser" not in html


@pytest.mark.parametrize("slug", ["hefei-draft", "suspended-listing", "no-such-listing"])
def test_hidden_and_unknown_listings_are_404(client, catalog, slug):
    assert client.get(f"/listings/{slug}").status_code == 404


def test_organisation_page(client, catalog):
    html = client.get("/orgs/munich-photonics?lang=en").text
    assert "Munich Photonics" in html and "慕尼黑光子" in html
    assert "Large enterprise" in html and "Associate member" in html and "Europe" in html
    assert 'href="/marketplace/hardware/lasers"' in html and 'href="/marketplace/hardware/vacuum"' in html
    assert slugs_on(html) == {"munich-laser"}
    assert 'rel="nofollow ugc noopener noreferrer"' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Organization" and data["address"]["addressCountry"] == "DE"
    zh = client.get("/orgs/hefei-cryo?lang=zh").text
    assert "合肥低温" in zh and "低温工程师" in zh and "hefei-draft" not in zh


@pytest.mark.parametrize("slug", ["suspended-org", "nobody"])
def test_hidden_and_unknown_organisations_are_404(client, catalog, slug):
    assert client.get(f"/orgs/{slug}").status_code == 404


def test_member_text_is_escaped_everywhere(client, session):
    org = make_org(session, slug="xss-org", name='<script>alert(1)</script>"', city="<b>Hefei</b>")
    make_listing(session, org, slug="xss-listing", title="<img src=x onerror=alert(1)>",
                 description="[click](javascript:alert(1)) <div hx-get=\"/staff\" hx-trigger=\"load\">x</div>")
    session.commit()
    for url in ("/orgs/xss-org", "/listings/xss-listing", "/marketplace", "/"):
        html = client.get(url).text
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
        assert not re.search(r'<[a-z]+[^>]*hx-get="/staff"', html)  # shown as text at most, never an element
        assert 'href="javascript:' not in html
