"""The organisation directory (/orgs): filters by what organisations offer, region, country, type and
membership, disjunctive counts, name search, sorting and paging; only active organisations; place names in the
reader's language."""

import re

import pytest
from sqlalchemy import update

from app.db import unit_of_work
from app.models import Organization
from app.models.states import OrgStatus
from tests.factories import make_listing, make_org
from tests.helpers import assert_left_out


@pytest.fixture
def orgs(engine):
    with unit_of_work(engine) as session:
        make_org(session, slug="hefei-cryo", name="Hefei Cryo", offers=["hardware/cryogenics"])
        make_org(session, slug="beijing-law", name="Beijing Law Partners", org_type="other", city="Beijing",
                 province="CN-BJ", offers=["services/legal"], membership="associate")
        make_org(session, slug="xian-lab", name="Xi'an Quantum Lab", org_type="academic", city="Xi'an",
                 province="CN-SN", offers=[])
        lister = make_org(session, slug="chengdu-lasers", name="Chengdu Lasers", city="Chengdu", province="CN-SC",
                          offers=[])
        make_listing(session, lister, category="hardware/lasers")  # offers lasers by listing, not by declaring
        make_org(session, slug="munich-optics", name="Munich Optics", country="DE", province=None, city="Munich",
                 offers=["hardware/optics-photonics"])
        make_org(session, slug="gone-org", name="Gone Org", offers=["hardware/cryogenics"])
        session.execute(update(Organization).where(Organization.slug == "gone-org").values(status=OrgStatus.suspended))


def slugs(html: str) -> list[str]:
    return re.findall(r'<article class="card" id="org-([a-z0-9-]+)"', html)


def facet_count(html: str, name: str, value: str) -> int | None:
    match = re.search(rf'href="[^"]*{name}={re.escape(value)}[^"]*"[^>]*>[^<]*<span class="count">(\d+)</span>', html)
    return int(match.group(1)) if match else None


def test_the_directory_lists_active_organisations_by_name(client, orgs):
    page = client.get("/orgs?lang=en")
    assert page.status_code == 200
    assert slugs(page.text) == ["beijing-law", "chengdu-lasers", "hefei-cryo", "munich-optics", "xian-lab"]
    assert "5 organisations" in page.text and "gone-org" not in page.text


def test_region_filter_and_its_counts(client, orgs):
    central = client.get("/orgs?region=central&lang=en").text  # Anhui: central China
    assert slugs(central) == ["hefei-cryo"]
    # Disjunctive: the region facet still counts the other regions with the other filters applied.
    assert facet_count(central, "region", "west") == 2 and facet_count(central, "region", "east") == 1
    both = client.get("/orgs?region=central&region=west&lang=en").text
    assert slugs(both) == ["chengdu-lasers", "hefei-cryo", "xian-lab"]
    assert slugs(client.get("/orgs?region=west&offers=hardware&lang=en").text) == ["chengdu-lasers"]
    assert slugs(client.get("/orgs?country=DE&lang=en").text) == ["munich-optics"]
    assert slugs(client.get("/orgs?org_type=other&lang=en").text) == ["beijing-law"]
    assert slugs(client.get("/orgs?membership=associate&lang=en").text) == ["beijing-law"]


def test_offers_covers_declared_and_listed_categories_and_their_subtree(client, orgs):
    hardware = client.get("/orgs?offers=hardware&lang=en").text
    assert slugs(hardware) == ["chengdu-lasers", "hefei-cryo", "munich-optics"]
    assert slugs(client.get("/orgs?offers=hardware/lasers&lang=en").text) == ["chengdu-lasers"]
    assert slugs(client.get("/orgs?offers=services&region=east&lang=en").text) == ["beijing-law"]
    card = hardware[hardware.index('id="org-chengdu-lasers"'):].split("</article>")[0]
    assert "Hardware" in card and "1 product or service" in card


def test_name_search_sorting_and_place_names(client, orgs):
    assert slugs(client.get("/orgs?q=cryo&lang=en").text) == ["hefei-cryo"]
    assert slugs(client.get("/orgs?q=100%25&lang=en").text) == []  # a literal %, no wildcard
    by_listings = slugs(client.get("/orgs?sort=listings&lang=en").text)
    assert by_listings[0] == "chengdu-lasers"
    zh = client.get("/orgs?lang=zh").text
    card = zh[zh.index('id="org-hefei-cryo"'):].split("</article>")[0]
    assert "合肥" in card and "Hefei" not in card
    assert "慕尼黑" in zh


@pytest.mark.parametrize("query", ["region=atlantis", "sort=bogus", "page=0", "org_type=cult", "country=germany"])
def test_a_stale_directory_link_still_answers(client, orgs, query):
    assert_left_out(client.get(f"/orgs?{query}&lang=en"), query.split("=")[0])


def test_htmx_gets_the_directory_block_only(client, orgs):
    fragment = client.get("/orgs?region=east", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and 'id="directory"' in fragment.text
