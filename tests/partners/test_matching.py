"""Partner matching on constructed organisations: mutual first, one-way above unrelated, reasons that name
the categories, never itself or an inactive organisation; the API and the page in both languages."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.db import unit_of_work
from app.main import create_app
from app.models import Organization
from app.models.states import OrgStatus
from app.partners.service import covers, partners
from app.search.service import drain_all
from tests.factories import make_listing, make_org
from tests.helpers import assert_left_out


def test_a_category_covers_its_subcategories_both_ways():
    assert covers("hardware", "hardware/cryogenics") and covers("hardware/cryogenics", "hardware")
    assert covers("services/legal", "services/legal")
    assert not covers("hardware/lasers", "hardware/cryogenics") and not covers("hard", "hardware/lasers")


@pytest.fixture
def world(engine):
    """A seeker needing cryogenics and offering research, and organisations around it."""
    with unit_of_work(engine) as session:
        seeker = make_org(session, slug="seeker", offers=["services/research"], needs=["hardware/cryogenics"],
                          province="CN-AH")
        mutual = make_org(session, slug="mutual", offers=["hardware"], needs=["services/research"], province="CN-AH")
        supplier = make_org(session, slug="supplier", offers=["software/general"], needs=[], province="CN-SC")
        make_listing(session, supplier, category="hardware/cryogenics", title="Pulse tube cooler")
        customer = make_org(session, slug="customer", offers=["end-users/general"], needs=["services"],
                            province="CN-HL")
        make_org(session, slug="unrelated", offers=["hardware/lasers"], needs=["software/specialized"])
        gone = make_org(session, slug="suspended", offers=["hardware/cryogenics"], needs=["services/research"])
        gone.status = OrgStatus.suspended
        ids = {o.slug: o.id for o in (seeker, mutual, supplier, customer)}
    return ids


def slugs(matches):
    return [m.org.slug for m in matches]


def test_the_mutual_match_ranks_first_then_one_way_matches_and_never_the_unrelated(engine, world):
    with unit_of_work(engine) as session:
        seeker = session.exec(select(Organization).where(Organization.slug == "seeker")).one()
        found = partners(session, seeker, language="en")
        assert slugs(found)[0] == "mutual" and found[0].mutual
        assert set(slugs(found)) == {"mutual", "supplier", "customer"}  # never itself, unrelated or suspended
        assert not any(m.mutual for m in found[1:])
        by_slug = {m.org.slug: m for m in found}
        assert by_slug["supplier"].they_meet == ["hardware/cryogenics"]  # from its listing, not a declaration
        assert by_slug["customer"].we_meet == ["services"]
        assert found[0].score > by_slug["supplier"].score and found[0].score > by_slug["customer"].score


def test_reasons_name_the_overlapping_categories_in_the_readers_language(engine, world):
    with unit_of_work(engine) as session:
        seeker = session.exec(select(Organization).where(Organization.slug == "seeker")).one()
        en = {m.org.slug: m.reasons for m in partners(session, seeker, language="en")}
        zh = {m.org.slug: m.reasons for m in partners(session, seeker, language="zh")}
    assert "offers Cryogenics, which you need" in en["mutual"]
    assert "needs Research, which you offer" in en["mutual"]
    assert "both in Central China" in en["mutual"]  # both in Anhui
    assert any("低温" in r for r in zh["mutual"]) and any("研究" in r for r in zh["mutual"])
    assert not any("both in" in r for r in en["supplier"])  # Sichuan is the west


def test_filters_narrow_the_matches(engine, world):
    with unit_of_work(engine) as session:
        seeker = session.exec(select(Organization).where(Organization.slug == "seeker")).one()
        assert slugs(partners(session, seeker, language="en", mutual_only=True)) == ["mutual"]
        assert slugs(partners(session, seeker, language="en", region="west")) == ["supplier"]
        assert slugs(partners(session, seeker, language="en", category="end-users")) == ["customer"]
        assert slugs(partners(session, seeker, language="en", org_type="academic")) == []


def test_the_api_answers_best_first_and_404s_an_unknown_or_inactive_organisation(settings, engine, world):
    with TestClient(create_app(settings)) as client:
        drain_all(engine, client.app.state.search)
        body = client.get("/api/v1/orgs/seeker/partners", params={"limit": 2, "lang": "en"}).json()
        assert body["org"] == "seeker" and len(body["partners"]) == 2
        first = body["partners"][0]
        assert first["org_slug"] == "mutual" and first["mutual"] is True and first["name"]
        assert first["score"] >= body["partners"][1]["score"] and first["reasons"]
        assert client.get("/api/v1/orgs/suspended/partners").status_code == 404
        assert client.get("/api/v1/orgs/nobody/partners").status_code == 404
        bad = client.get("/api/v1/orgs/seeker/partners", params={"limit": 0})
        assert bad.status_code == 422 and "limit" in bad.text


@pytest.mark.parametrize(("language", "words"), [("en", ("Find partners", "Mutual")), ("zh", ("寻找合作伙伴", "双向"))])
def test_the_page_shows_the_matches_with_reasons_and_filters(settings, engine, world, language, words):
    with TestClient(create_app(settings)) as client:
        page = client.get("/orgs/seeker/partners", params={"lang": language})
        assert page.status_code == 200 and all(w in page.text for w in words)
        assert page.text.index('href="/orgs/mutual"') < page.text.index('href="/orgs/supplier"')
        fragment = client.get("/orgs/seeker/partners", params={"lang": language, "mutual": "true"},
                              headers={"HX-Request": "true"})
        assert "<html" not in fragment.text and 'href="/orgs/mutual"' in fragment.text
        assert 'href="/orgs/supplier"' not in fragment.text
        assert_left_out(client.get("/orgs/seeker/partners", params={"region": "mars", "lang": "en"}), "region")
        assert 'href="/orgs/seeker/partners"' in client.get("/orgs/seeker", params={"lang": language}).text


def test_the_search_engine_adds_those_whose_listings_match_the_words_of_ones_needs(settings, engine, world):
    with unit_of_work(engine) as session:
        texter = make_org(session, slug="texter", offers=["software/specialized"], needs=[], province="CN-SC")
        make_listing(session, texter, category="software/specialized", title="Cryogenics monitoring suite",
                     title_zh="低温监控软件")
    with TestClient(create_app(settings)) as client:
        drain_all(engine, client.app.state.search)
        body = client.get("/api/v1/orgs/seeker/partners", params={"lang": "en", "limit": 50}).json()
    by_slug = {p["org_slug"]: p for p in body["partners"]}
    assert "has listings that match the words of your needs" in by_slug["texter"]["reasons"]
    assert by_slug["texter"]["mutual"] is False
    assert by_slug["texter"]["score"] < by_slug["mutual"]["score"]
