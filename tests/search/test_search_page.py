"""GET /search: one search across organisations, listings and jobs, with tabs, facets and highlights."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.models.states import LISTING, ListingStatus, OrgStatus
from app.organizations.service import set_status
from app.search.schemas import SearchResult, SearchUnavailable
from app.search.service import drain_all
from tests.factories import make_job, make_listing, make_org
from tests.helpers import assert_left_out

HX = {"HX-Request": "true"}


@pytest.fixture
def client(engine_settings, engine):
    """The app on each search engine in turn: the page and its fragment must not depend on which."""
    with TestClient(create_app(engine_settings)) as test_client:
        yield test_client


def indexed(client, session) -> None:
    """Commit the test's records and deliver them to the index, as a request's unit of work would."""
    session.commit()
    drain_all(client.app.state.engine, client.app.state.search)


def hit_urls(html: str) -> list[str]:
    """The links of the result cards, in order."""
    hits = html.split('class="cards search-hits"', 1)
    if len(hits) < 2:
        return []
    return re.findall(r'<h3 class="card-title"><a href="([^"]+)"', hits[1].split("</ol>", 1)[0])


def tab_count(html: str, name: str) -> str:
    match = re.search(rf"{name} <span class=\"count\">([\d,+]+)</span>", html)
    assert match, f"no tab {name}"
    return match.group(1)


def albatross(session, **org_overrides):
    org = make_org(session, name="Albatross Cryo", name_zh="信天翁低温", **org_overrides)
    listing = make_listing(session, org, title="Albatross cryostat", title_zh="信天翁低温恒温器")
    job = make_job(session, org, title="Albatross service engineer", title_zh="信天翁售后工程师")
    return org, listing, job


def test_full_page_and_fragment_of_the_same_url(client, session):
    org, listing, job = albatross(session)
    indexed(client, session)

    page = client.get("/search", params={"q": "albatross", "lang": "en"})
    assert page.status_code == 200 and page.text.startswith("<!doctype html>")
    assert "HX-Request" in page.headers["vary"]
    assert "<title>“albatross” – search · " in page.text  # the title says what was searched
    assert 'value="albatross"' in page.text  # the header box keeps the query
    assert set(hit_urls(page.text)) == {f"/orgs/{org.slug}", f"/listings/{listing.slug}", f"/jobs/{job.slug}"}
    assert 'aria-live="polite"' in page.text and 'id="results-count">' in page.text
    assert re.search(r'id="results-count">\s*3 results', page.text)

    fragment = client.get("/search", params={"q": "albatross", "lang": "en"}, headers=HX)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["vary"]
    assert "<html" not in fragment.text and "site-header" not in fragment.text
    assert fragment.text.startswith("<title>“albatross” – search · ")  # htmx sets the document title from it
    assert set(hit_urls(fragment.text)) == set(hit_urls(page.text))
    assert 'aria-live="polite"' in fragment.text
    # The count also goes to the status region outside #main, which screen readers keep listening to.
    assert re.search(r'<div id="live-status" hx-swap-oob="true"[^>]*>3 results</div>', fragment.text)
    assert '<div id="live-status" class="visually-hidden" role="status" aria-live="polite"></div>' in page.text

    # Boosted links (tabs, facets, pages) and history restores get the whole page.
    for headers in ({**HX, "HX-Boosted": "true"}, {**HX, "HX-History-Restore-Request": "true"}):
        assert client.get("/search", params={"q": "albatross"}, headers=headers).text.startswith("<!doctype html>")


def test_results_in_the_readers_language(client, session):
    org, listing, job = albatross(session)
    indexed(client, session)

    zh = client.get("/search", params={"q": "albatross", "lang": "zh"}).text
    assert '<html lang="zh-CN">' in zh
    assert "信天翁低温恒温器" in zh and "信天翁售后工程师" in zh and ">信天翁低温</a>" in zh
    assert "Albatross cryostat</a>" not in zh
    assert "中小企业" in zh and "正式成员" in zh and "中国" in zh  # facet values in Chinese

    en = client.get("/search", params={"q": "信天翁", "lang": "en"}).text
    assert '<html lang="en">' in en
    assert "Albatross cryostat</a>" in en and ">Albatross Cryo</a>" in en and "信天翁低温恒温器</a>" not in en
    assert "SME" in en and "Full member" in en and "China" in en


def test_type_tabs_show_counts_and_narrow_the_results(client, session):
    org, listing, job = albatross(session)
    indexed(client, session)

    everything = client.get("/search", params={"q": "albatross", "lang": "en"}).text
    assert [tab_count(everything, t) for t in ("All", "Organisations", "Listings", "Jobs")] == ["3", "1", "1", "1"]

    jobs = client.get("/search", params={"q": "albatross", "type": "job", "lang": "en"}).text
    assert hit_urls(jobs) == [f"/jobs/{job.slug}"]
    # The other tabs still say what they would find; the chosen one is marked.
    assert [tab_count(jobs, t) for t in ("All", "Organisations", "Listings", "Jobs")] == ["3", "1", "1", "1"]
    assert re.search(r'type=job" aria-current="page">\s*Jobs', jobs)
    # Job facets for the jobs tab, organisation facets for the others.
    assert "<legend>Employment type</legend>" in jobs and "<legend>Category</legend>" not in jobs
    assert "<legend>Category</legend>" in everything and "<legend>Employment type</legend>" not in everything

    listings = client.get("/search", params={"q": "albatross", "type": "listing"}).text
    assert hit_urls(listings) == [f"/listings/{listing.slug}"]


def test_facets_filter_and_can_be_removed(client, session):
    cn, _, _ = albatross(session)
    de = make_org(session, name="Albatross Optik", name_zh="", country="DE", province=None, city="Jena",
                  offers=["hardware/lasers"])
    laser = make_listing(session, de, title="Albatross laser", title_zh="", category="hardware/lasers")
    indexed(client, session)

    page = client.get("/search", params={"q": "albatross", "lang": "en"}).text
    assert 'href="/search?q=albatross&amp;lang=en&amp;country=DE"' in page  # a facet link per country
    germany = client.get("/search", params={"q": "albatross", "country": "DE", "lang": "en"}).text
    assert set(hit_urls(germany)) == {f"/orgs/{de.slug}", f"/listings/{laser.slug}"}
    # The filter in use is shown with a link that removes it.
    assert 'href="/search?q=albatross&amp;lang=en"' in germany and "Country: Germany" in germany

    lasers = client.get("/search", params={"q": "albatross", "category": "hardware/lasers", "type": "listing"}).text
    assert hit_urls(lasers) == [f"/listings/{laser.slug}"]
    # Choosing a top category opens its subcategories in the facet.
    hardware = client.get("/search", params={"q": "albatross", "category": "hardware", "lang": "en"}).text
    assert "› Lasers" in hardware and "› Cryogenics" in hardware
    assert set(hit_urls(hardware)) == {f"/orgs/{cn.slug}", f"/orgs/{de.slug}", f"/listings/{laser.slug}",
                                       *[u for u in hit_urls(page) if u.startswith("/listings/")]}

    job_filter = client.get("/search", params={"q": "albatross", "employment_type": "internship", "lang": "en"})
    assert job_filter.status_code == 200 and hit_urls(job_filter.text) == []
    assert "Search everything for “albatross”" in job_filter.text  # no results: suggest dropping the filters
    assert 'href="/search?q=albatross"' in job_filter.text


def test_pages_and_sorting(client, session):
    org = make_org(session, name="Pelican Photonics")
    listings = [make_listing(session, org, title=f"Pelican laser {n}") for n in range(23)]
    latest = listings[5]
    latest.published_at += timedelta(days=1)
    indexed(client, session)

    first = client.get("/search", params={"q": "pelican", "type": "listing", "lang": "en"}).text
    assert len(hit_urls(first)) == 20 and re.search(r'id="results-count">\s*23 results', first)
    assert 'rel="next"' in first and "page=2" in first
    second = client.get("/search", params={"q": "pelican", "type": "listing", "page": 2}).text
    assert len(hit_urls(second)) == 3 and not set(hit_urls(second)) & set(hit_urls(first))

    newest = client.get("/search", params={"q": "pelican", "type": "listing", "sort": "newest", "lang": "en"}).text
    assert hit_urls(newest)[0] == f"/listings/{latest.slug}"
    assert re.search(r'sort=newest" aria-current="true">Newest', newest)

    beyond = client.get("/search", params={"q": "pelican", "page": 50, "lang": "en"})
    assert beyond.status_code == 200 and "There are no results on this page." in beyond.text


def test_highlights_mark_matches_and_escape_everything_else(client, session):
    org = make_org(session, name="Osprey <b>Labs</b>")
    make_listing(session, org, title="Osprey <img src=x onerror=alert(1)> cryostat", title_zh="",
                 description="The osprey <script>alert('x')</script> works at 10 mK.")
    indexed(client, session)

    html = client.get("/search", params={"q": "osprey", "lang": "en"}).text
    assert "<mark>Osprey</mark>" in html or "<mark>osprey</mark>" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert" not in html and "<b>Labs</b>" not in html and "&lt;b&gt;Labs&lt;/b&gt;" in html
    # The only markup inside a highlight (shown in a title or below it) is <mark>.
    snippets = re.findall(r'<p class="card-text">(.*?)</p>', html, re.S)
    snippets += re.findall(r'<h3 class="card-title"><a href="[^"]+">(.*?)</a></h3>', html, re.S)
    assert len(snippets) >= 3
    for snippet in snippets:
        assert re.sub(r"</?mark>", "", snippet).count("<") == 0


def test_a_match_in_the_title_is_marked_there_and_the_summary_follows(client, session):
    org = make_org(session, name="Kestrel Cryo")
    make_listing(session, org, title="Kestrel cryostat", title_zh="红隼低温恒温器",
                 summary="A compact 4 K cryostat.", summary_zh="紧凑型 4 K 低温恒温器。")
    indexed(client, session)

    en = client.get("/search", params={"q": "kestrel", "type": "listing", "lang": "en"}).text
    assert "<mark>Kestrel</mark> cryostat</a></h3>" in en and "A compact 4 K cryostat." in en
    zh = client.get("/search", params={"q": "红隼", "type": "listing", "lang": "zh"}).text
    assert "<mark>红隼</mark>低温恒温器</a></h3>" in zh and "紧凑型 4 K 低温恒温器。" in zh


def test_hidden_records_are_never_shown(client, session):
    shown = make_org(session, name="Gannet Visible")
    visible = make_listing(session, shown, title="Gannet magnetometer")
    draft = make_listing(session, shown, title="Gannet draft magnetometer")
    LISTING.move(draft, ListingStatus.draft)
    suspended = make_org(session, name="Gannet Suspended")
    hidden_listing = make_listing(session, suspended, title="Gannet hidden gyroscope")
    hidden_job = make_job(session, suspended, title="Gannet hidden engineer")
    set_status(session, org=suspended, status=OrgStatus.suspended, reason="test")
    indexed(client, session)

    for lang in ("zh", "en"):
        html = client.get("/search", params={"q": "gannet", "lang": lang}).text
        assert set(hit_urls(html)) == {f"/orgs/{shown.slug}", f"/listings/{visible.slug}"}
        for record in (draft, hidden_listing, hidden_job, suspended):
            assert record.slug not in html
        assert "Gannet Suspended" not in html and "draft" not in html.lower().split("<main", 1)[1]


def test_an_empty_search_helps_the_visitor_start(client):
    html = client.get("/search", params={"lang": "zh"}).text
    assert "按类别浏览" in html and 'href="/search?type=listing&amp;category=hardware"' in html
    assert "硬件" in html and "低温" in html
    assert 'href="/search?q=%E7%A8%80%E9%87%8A%E5%88%B6%E5%86%B7%E6%9C%BA">稀释制冷机</a>' in html
    en = client.get("/search", params={"q": "   ", "lang": "en"}).text
    assert "Popular searches" in en and ">dilution refrigerator</a>" in en and "Hardware" in en


def test_no_results_suggests_what_to_try(client):
    html = client.get("/search", params={"q": "zzqxv", "lang": "en"}).text
    assert "Nothing found for “zzqxv”." in html and "Check the spelling" in html
    assert re.search(r'id="results-count">\s*0 results', html)
    assert ">postdoc</a>" in html


class CountingBackend:
    """An engine that matched more than it counts: the page says "10,000+"."""

    def search(self, query):
        return SearchResult(total=10_000, hits=[], facets={"type": {"listing": 10_000}}, total_is_lower_bound=True)

    def ensure_ready(self):
        pass

    def document_ids(self):
        return set()

    def close(self):
        pass


def test_very_large_result_sets_say_ten_thousand_plus(settings, engine):
    app = create_app(settings)
    app.state.search = CountingBackend()
    with TestClient(app) as client:
        html = client.get("/search", params={"q": "quantum", "lang": "en"}).text
    assert re.search(r'id="results-count">\s*10,000\+ results', html)
    assert tab_count(html, "All") == "10,000+"


class DownBackend(CountingBackend):
    def search(self, query):
        raise SearchUnavailable("connection refused")

    def ensure_ready(self):
        raise SearchUnavailable("connection refused")


def test_when_search_is_down_the_page_says_so_with_503(settings, engine):
    app = create_app(settings)
    app.state.search = DownBackend()
    app.state.search_relay.backend = app.state.search
    with TestClient(app) as client:
        zh = client.get("/search", params={"q": "稀释制冷机", "lang": "zh"})
        en = client.get("/search", params={"q": "dilution", "lang": "en"})
        fragment = client.get("/search", params={"q": "dilution", "lang": "en"}, headers=HX)
        empty = client.get("/search", params={"lang": "en"})
    assert zh.status_code == 503 and en.status_code == 503 and en.headers["retry-after"] == "30"
    assert "Search is unavailable right now." in en.text
    assert 'id="site-search-q"' in en.text and 'href="/jobs"' in en.text  # the header still works
    assert '<html lang="zh-CN">' in zh.text and 'role="alert"' in zh.text
    assert fragment.status_code == 503 and "Search is unavailable right now." in fragment.text
    assert "<html" not in fragment.text
    assert empty.status_code == 200  # the start page needs no engine


def test_bad_parameters_are_named_and_hostile_queries_never_fail(client):
    for params, field in [({"type": "planet"}, "type"), ({"page": 0}, "page"), ({"page": "abc"}, "page"),
                          ({"sort": "random"}, "sort"), ({"q": "x" * 5001}, "q")]:
        assert_left_out(client.get("/search", params={**params, "lang": "en"}), field)
    # Page sizes past the cap are clamped on pages (a crawler's link still works); the API names them (422).
    assert client.get("/search", params={"q": "x", "per_page": 1000}).status_code == 200
    for q in ['"', "NEAR(", "' OR 1=1--", "*", "🙂" * 100, "x" * 5000, "稀释\"", "AND OR NOT", "<script>", "%00",
              "\\", "{{ 7*7 }}", "title:foo", "-", "^", "a" * 80 + " " + "b" * 80]:
        response = client.get("/search", params={"q": q})
        assert response.status_code == 200, q
        assert "<script>" not in response.text.split("<main", 1)[1]
    # Unknown filter values are not errors: they match nothing.
    unknown = client.get("/search", params={"q": "x", "country": "ZZ", "category": "no/such", "lang": "en"})
    assert unknown.status_code == 200 and hit_urls(unknown.text) == []
