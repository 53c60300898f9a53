"""The jobs board: /jobs (filters, facets, pages, search), /jobs/{slug} (how to apply, 410 when gone), the Atom feed."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from app.models.base import utcnow
from app.models.states import JOB, ORGANIZATION, JobStatus, OrgStatus
from app.search.schemas import SearchUnavailable
from app.search.service import drain_all
from tests.factories import make_job, make_org
from tests.helpers import assert_left_out
from tests.jobs.helpers import ATOM, entry_links, feed_entries, listed

HX = {"HX-Request": "true"}


def facet_count(html: str, name: str, value: str) -> int | None:
    match = re.search(rf'id="filter-{name}-{value}"[^>]*>\s*<label[^>]*>[^<]*<span class="count">([\d,]+)<', html)
    return int(match.group(1).replace(",", "")) if match else None


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def expire(job) -> None:
    job.expires_at = utcnow() - timedelta(hours=1)


def never_published(job, status: JobStatus) -> None:
    """A posting that never went public: no publication date, status draft / review / rejected."""
    job.status, job.published_at = status, None


@pytest.fixture
def org(session):
    return make_org(session, name="Kestrel Quantum", name_zh="隼量子", website="https://kestrel.example")


class SearchDown:
    """An engine that is down: every search fails the way a real outage does."""

    def search(self, query):
        raise SearchUnavailable("down for the test")

    def ensure_ready(self) -> None:
        raise SearchUnavailable("down for the test")

    def close(self) -> None:
        pass


# ---- the list ------------------------------------------------------------------------------------------


def test_the_list_shows_live_jobs_newest_first_in_both_languages(client, session, org):
    older = make_job(session, org, title="Cryostat technician", title_zh="低温技术员")
    newer = make_job(session, org, title="Laser physicist", function="rd", workplace="remote")
    older.published_at = utcnow() - timedelta(days=3)
    session.commit()

    en = client.get("/jobs?lang=en")
    assert en.status_code == 200 and '<html lang="en">' in en.text
    assert listed(en.text) == [newer.slug, older.slug]
    assert "Cryostat technician" in en.text and "Kestrel Quantum" in en.text
    assert "Research &amp; development" in en.text and "Remote" in en.text
    assert 'aria-live="polite"' in en.text and '<label for="jobs-q">' in en.text

    zh = client.get("/jobs?lang=zh")
    assert zh.status_code == 200 and '<html lang="zh-CN">' in zh.text
    assert "低温技术员" in zh.text
    assert "Laser physicist" in zh.text  # falls back to English when there is no Chinese
    assert "隼量子" in zh.text and "研发" in zh.text and "远程" in zh.text and "中国" in zh.text


def test_hidden_jobs_are_never_listed_counted_or_fed(client, session, org):
    live = make_job(session, org, title="Visible engineer")
    expired = make_job(session, org, title="Expired engineer", function="legal")
    expire(expired)
    closed = make_job(session, org, title="Closed engineer", function="legal")
    JOB.move(closed, JobStatus.closed)
    draft = make_job(session, org, title="Draft engineer", function="legal")
    never_published(draft, JobStatus.draft)
    review = make_job(session, org, title="Review engineer", function="legal")
    never_published(review, JobStatus.review)
    suspended = make_org(session, name="Suspended Org")
    hidden = make_job(session, suspended, title="Suspended engineer", function="legal")
    ORGANIZATION.move(suspended, OrgStatus.suspended)
    session.commit()

    html = client.get("/jobs?lang=en").text
    assert listed(html) == [live.slug]
    for job in (expired, closed, draft, review, hidden):
        assert job.slug not in html and job.title not in html
    assert facet_count(html, "function", "legal") is None
    assert facet_count(html, "function", "engineering") == 1
    assert "Suspended Org" not in html
    assert entry_links(client.get("/jobs/feed.xml")) == [f"http://testserver/jobs/{live.slug}"]


def test_full_page_and_htmx_fragment_of_the_list(client, session, org):
    job = make_job(session, org, title="Fragment engineer")
    session.commit()

    full = client.get("/jobs?lang=en")
    assert full.text.startswith("<!doctype html>") and 'id="job-results"' in full.text
    assert "HX-Request" in full.headers["vary"]
    assert 'hx-swap-oob' not in full.text  # the filter panel is in place already

    fragment = client.get("/jobs?lang=en", headers=HX)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["vary"]
    assert "<html" not in fragment.text and "<header" not in fragment.text
    assert listed(fragment.text) == [job.slug]
    # the results come with the filter counts, swapped out of band into the panel
    assert '<div id="job-facets" hx-swap-oob="innerHTML">' in fragment.text
    assert facet_count(fragment.text, "function", "engineering") == 1

    restore = client.get("/jobs?lang=en", headers=HX | {"HX-History-Restore-Request": "true"})
    assert restore.text.startswith("<!doctype html>")


def test_the_filter_form_works_without_javascript_and_with_htmx(client):
    html = client.get("/jobs?lang=en").text
    form = re.search(r'<form id="job-search"[^>]*>', html).group(0)
    assert 'action="/jobs"' in form and 'method="get"' in form
    assert 'hx-get="/jobs"' in form and 'hx-target="#job-results"' in form and 'hx-push-url="true"' in form
    assert "delay:300ms" in html and "hx-on" not in html and "js:" not in html


@pytest.mark.parametrize(
    ("param", "value", "wanted", "other"),
    [
        ("function", "rd", {"function": "rd"}, {"function": "engineering"}),
        ("employment_type", "internship", {"employment_type": "internship"}, {"employment_type": "full_time"}),
        ("workplace", "remote", {"workplace": "remote"}, {"workplace": "onsite"}),
        ("country", "DE", {"country": "DE", "city": "Munich"}, {"country": "CN", "city": "Hefei"}),
        ("region", "east", {"city": "Shanghai"}, {"city": "Hefei"}),
    ],
)
def test_each_filter_narrows_the_list_and_the_feed(client, session, org, param, value, wanted, other):
    match = make_job(session, org, **wanted)
    miss = make_job(session, org, **other)
    session.commit()

    html = client.get(f"/jobs?{param}={value}&lang=en", headers=HX).text
    assert listed(html) == [match.slug]
    assert miss.slug not in html
    assert entry_links(client.get(f"/jobs/feed.xml?{param}={value}")) == [f"http://testserver/jobs/{match.slug}"]


def test_the_employer_type_filter(client, session, org):
    university = make_org(session, name="Harrier University", org_type="academic")
    academic = make_job(session, university, title="Postdoc in ion traps", employment_type="phd_postdoc")
    company = make_job(session, org)
    session.commit()

    html = client.get("/jobs?org_type=academic&lang=en").text
    assert listed(html) == [academic.slug] and company.slug not in html
    assert facet_count(html, "org_type", "sme") == 1  # what choosing SME as well would add
    assert 'aria-label="Remove filter: University"' in html


def test_two_values_of_one_filter_mean_either_and_different_filters_mean_both(client, session, org):
    rd = make_job(session, org, function="rd")
    sales = make_job(session, org, function="technical_sales")
    legal = make_job(session, org, function="legal")
    remote_rd = make_job(session, org, function="rd", workplace="remote")
    session.commit()

    either = listed(client.get("/jobs?function=rd&function=technical_sales", headers=HX).text)
    assert set(either) == {rd.slug, sales.slug, remote_rd.slug} and legal.slug not in either
    both = listed(client.get("/jobs?function=rd&workplace=remote", headers=HX).text)
    assert both == [remote_rd.slug]


def test_facet_counts_apply_the_other_filters(client, session, org):
    for _ in range(3):
        make_job(session, org, function="rd")
    make_job(session, org, function="rd", workplace="remote")
    make_job(session, org, function="engineering", workplace="remote")
    session.commit()

    everything = client.get("/jobs?lang=en").text
    assert facet_count(everything, "function", "rd") == 4
    assert facet_count(everything, "function", "engineering") == 1
    assert facet_count(everything, "workplace", "remote") == 2

    html = client.get("/jobs?function=rd&lang=en").text
    assert len(listed(html)) == 4
    assert facet_count(html, "function", "rd") == 4
    assert facet_count(html, "function", "engineering") == 1  # own filter left out: a second value can be added
    assert facet_count(html, "workplace", "remote") == 1 and facet_count(html, "workplace", "onsite") == 3
    assert re.search(r'id="filter-function-rd"[^>]*checked', html)
    assert not re.search(r'id="filter-function-engineering"[^>]*checked', html)


def test_a_chosen_value_with_no_jobs_stays_in_the_panel_so_it_can_be_switched_off(client, session, org):
    make_job(session, org, function="rd")
    session.commit()
    html = client.get("/jobs?function=finance&lang=en").text
    assert listed(html) == []
    assert facet_count(html, "function", "finance") == 0
    assert re.search(r'id="filter-function-finance"[^>]*checked', html)


def test_pagination_twenty_per_page(client, session, org):
    jobs = [make_job(session, org, title=f"Engineer number {n}") for n in range(25)]
    for age, job in enumerate(jobs):
        job.published_at = utcnow() - timedelta(minutes=age)
    session.commit()

    first = client.get("/jobs?lang=en").text
    assert listed(first) == [job.slug for job in jobs[:20]]
    assert "25 open positions" in first
    assert re.search(r'<a href="/jobs\?lang=en&amp;page=2"[^>]*rel="next"', first)

    second = client.get("/jobs?lang=en&page=2", headers=HX)
    assert listed(second.text) == [job.slug for job in jobs[20:]]
    assert 'rel="prev"' in second.text and 'hx-get="/jobs?lang=en&amp;page=1"' in second.text

    beyond = client.get("/jobs?lang=en&page=9")
    assert beyond.status_code == 200 and listed(beyond.text) == []
    assert "There are no results on this page." in beyond.text and 'href="/jobs?lang=en"' in beyond.text


def test_sort_closing_soon(client, session, org):
    later = make_job(session, org)
    sooner = make_job(session, org)
    sooner.expires_at = utcnow() + timedelta(days=2)
    later.published_at = utcnow() + timedelta(minutes=-1)
    session.commit()

    assert listed(client.get("/jobs?sort=expiring", headers=HX).text) == [sooner.slug, later.slug]
    assert listed(client.get("/jobs?sort=newest", headers=HX).text)[0] == sooner.slug
    assert re.search(r'<option value="expiring" selected>', client.get("/jobs?sort=expiring").text)
    assert listed(client.get("/jobs?sort=", headers=HX).text)[0] == sooner.slug  # the form's default: newest


def test_helpful_empty_states(client, session, org):
    nothing = client.get("/jobs?lang=en")
    assert nothing.status_code == 200 and "There are no open positions right now." in nothing.text
    assert 'href="/jobs/feed.xml?lang=en"' in nothing.text

    make_job(session, org, function="rd")
    session.commit()
    none_match = client.get("/jobs?function=rd&workplace=remote&lang=en").text
    assert "No open positions match your search." in none_match
    assert "Without “Remote”" in none_match and 'href="/jobs?function=rd&amp;lang=en"' in none_match
    assert 'href="/jobs">See all open positions' in none_match


# ---- search ----------------------------------------------------------------------------------------------


def test_words_are_searched_by_the_engine_with_highlights_and_filters(client, engine, session, org):
    onsite = make_job(session, org, title="Pelican cryogenics engineer")
    remote = make_job(session, org, title="Pelican control software", function="rd", workplace="remote",
                      description="Write **pulse** sequencers.")
    other = make_job(session, org, title="Grebe sales manager", function="technical_sales")
    onsite.published_at = utcnow() - timedelta(days=1)
    session.commit()
    drain_all(engine, client.app.state.search)

    html = client.get("/jobs?q=pelican&lang=en").text
    assert set(listed(html)) == {onsite.slug, remote.slug} and other.slug not in html
    assert "<mark>Pelican</mark>" in html
    assert "2 jobs match “pelican”" in html
    assert re.search(r'<option value="" selected>Best match</option>', html)
    newest = client.get("/jobs?q=pelican&sort=newest&lang=en", headers=HX).text
    assert listed(newest) == [remote.slug, onsite.slug]
    assert re.search(r'<option value="newest" selected>Newest first</option>', newest)
    # a sort chosen without words that the engine cannot do falls back to best match
    assert re.search(r'<option value="" selected>Best match</option>', client.get("/jobs?q=pelican&sort=expiring").text)
    assert facet_count(html, "workplace", "remote") == 1 and facet_count(html, "workplace", "onsite") == 1

    filtered = client.get("/jobs?q=pelican&workplace=remote&lang=en", headers=HX).text
    assert listed(filtered) == [remote.slug]
    assert facet_count(filtered, "workplace", "onsite") == 1  # counted without the workplace filter
    assert facet_count(filtered, "function", "rd") == 1 and facet_count(filtered, "function", "engineering") is None

    typo = client.get("/jobs?q=pelicen&lang=en", headers=HX).text
    assert set(listed(typo)) == {onsite.slug, remote.slug}

    feed = client.get("/jobs/feed.xml?q=pelican&workplace=remote")
    assert entry_links(feed) == [f"http://testserver/jobs/{remote.slug}"]
    assert 'href="/jobs/feed.xml?workplace=remote&amp;q=pelican&amp;lang=en"' in filtered


def test_the_engine_never_shows_a_job_that_expired_after_it_was_indexed(client, engine, session, org):
    job = make_job(session, org, title="Pelican optics engineer")
    session.commit()
    drain_all(engine, client.app.state.search)
    expire(job)
    session.commit()  # not re-indexed yet
    assert listed(client.get("/jobs?q=pelican").text) == []


@pytest.fixture
def search_down(client):
    working, client.app.state.search = client.app.state.search, SearchDown()
    yield
    client.app.state.search = working  # the app closes its real engine when it stops


@pytest.mark.usefixtures("search_down")
def test_when_search_is_down_the_list_says_so_and_falls_back_to_the_filters(client, session, org):
    rd = make_job(session, org, title="Osprey physicist", function="rd")
    make_job(session, org, title="Osprey accountant", function="finance")
    session.commit()

    response = client.get("/jobs?q=osprey&function=rd&lang=en")
    assert response.status_code == 200
    assert "Keyword search is unavailable right now" in response.text
    assert listed(response.text) == [rd.slug]
    assert 'value="osprey"' in response.text  # the words stay in the box to try again
    assert facet_count(response.text, "function", "finance") == 1

    fragment = client.get("/jobs?q=osprey&lang=en", headers=HX)
    assert fragment.status_code == 200 and 'role="alert"' in fragment.text and len(listed(fragment.text)) == 2

    feed = client.get("/jobs/feed.xml?q=osprey")
    assert feed.status_code == 503 and feed.headers["retry-after"] == "30"
    assert client.get("/jobs/feed.xml").status_code == 200  # without words the feed needs no engine


# ---- one job ---------------------------------------------------------------------------------------------


def test_a_job_page_in_both_languages_with_how_to_apply(client, session, org):
    job = make_job(
        session, org, title="Dilution fridge engineer", title_zh="稀释制冷机工程师",
        description="Build **fridges** for [our lab](https://kestrel.example/lab).",
        description_zh="负责**稀释制冷机**的搭建。", requirements="- PhD in physics",
        salary_min=30000, salary_max=50000, salary_currency="CNY", salary_period="month",
    )
    session.commit()

    en = client.get(f"/jobs/{job.slug}?lang=en")
    assert en.status_code == 200 and '<html lang="en">' in en.text
    assert "<h1 id=\"job-title\">Dilution fridge engineer</h1>" in en.text
    assert '<a href="/orgs/' + org.slug + '">Kestrel Quantum</a>' in en.text
    assert "Hefei, China" in en.text and "Central China" in en.text
    assert "Engineering" in en.text and "Full-time" in en.text and "On site" in en.text
    assert "CN¥30,000 – CN¥50,000 per month" in en.text
    assert "<strong>fridges</strong>" in en.text and "<li>PhD in physics</li>" in en.text
    assert '<a class="button" href="https://org.example/careers" rel="nofollow noopener"' in en.text
    assert "Closes on" in en.text and "Published" in en.text
    assert f'<link rel="canonical" href="http://testserver/jobs/{job.slug}">' in en.text
    assert "HX-Request" in en.headers["vary"]

    zh = client.get(f"/jobs/{job.slug}?lang=zh")
    assert zh.status_code == 200 and '<html lang="zh-CN">' in zh.text
    assert "稀释制冷机工程师" in zh.text and "隼量子" in zh.text
    assert "<strong>稀释制冷机</strong>" in zh.text
    assert "¥30,000 – ¥50,000" in zh.text and "全职" in zh.text and "中部" in zh.text
    assert "年" in zh.text  # dates in the Chinese format


def test_the_job_page_fragment(client, session, org):
    job = make_job(session, org, title="Fragmentary physicist")
    session.commit()
    fragment = client.get(f"/jobs/{job.slug}?lang=en", headers=HX)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["vary"]
    assert "<html" not in fragment.text and "Fragmentary physicist" in fragment.text
    assert "How to apply" in fragment.text and "application/ld+json" not in fragment.text


def test_apply_by_email_and_yearly_salary(client, session, org):
    job = make_job(session, org, apply_url=None, apply_email="jobs@kestrel.example",
                   salary_min=400000, salary_max=400000, salary_currency="EUR", salary_period="year")
    session.commit()
    html = client.get(f"/jobs/{job.slug}?lang=en").text
    assert 'href="mailto:jobs@kestrel.example?subject=' in html
    assert "€400,000 per year" in html


def test_job_posting_json_ld_carries_the_required_fields(client, session, org):
    job = make_job(session, org, title="Remote QKD engineer", employment_type="internship", workplace="remote",
                   description="Design **QKD** links & test them.", requirements="Know optics.",
                   salary_min=8000, salary_max=12000, salary_currency="CNY", salary_period="month")
    session.commit()

    [data] = json_ld(client.get(f"/jobs/{job.slug}?lang=en").text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "JobPosting"
    assert data["title"] == "Remote QKD engineer"
    assert data["description"] == "Design QKD links & test them."  # plain text, no markup
    assert data["datePosted"].startswith(job.published_at.date().isoformat())
    assert data["validThrough"].startswith(job.expires_at.date().isoformat())
    assert data["employmentType"] == "INTERN"
    assert data["hiringOrganization"] == {"@type": "Organization", "name": "Kestrel Quantum",
                                          "sameAs": "https://kestrel.example"}
    assert data["jobLocation"]["@type"] == "Place"
    assert data["jobLocation"]["address"]["addressLocality"] == "Hefei"
    assert data["jobLocation"]["address"]["addressCountry"] == "CN"
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == {"@type": "Country", "name": "CN"}
    assert data["baseSalary"]["@type"] == "MonetaryAmount" and data["baseSalary"]["currency"] == "CNY"
    assert data["baseSalary"]["value"] == {"@type": "QuantitativeValue", "minValue": 8000, "maxValue": 12000,
                                           "unitText": "MONTH"}
    assert data["directApply"] is False


@pytest.mark.parametrize(("employment_type", "schema"), [
    ("full_time", "FULL_TIME"), ("part_time", "PART_TIME"), ("contract", "CONTRACTOR"), ("phd_postdoc", "OTHER"),
])
def test_employment_types_map_to_schema_org(client, session, org, employment_type, schema):
    job = make_job(session, org, employment_type=employment_type)
    session.commit()
    [data] = json_ld(client.get(f"/jobs/{job.slug}").text)
    assert data["employmentType"] == schema
    assert "jobLocationType" not in data and "baseSalary" not in data


def test_member_text_cannot_break_out_of_the_json_ld_or_the_page(client, session, org):
    job = make_job(session, org, title="Engineer </script><script>alert(1)</script>",
                   description="<img src=x onerror=alert(1)>")
    session.commit()
    html = client.get(f"/jobs/{job.slug}?lang=en").text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    [data] = json_ld(html)
    assert data["title"] == "Engineer </script><script>alert(1)</script>"
    listing = client.get("/jobs?q=<script>alert(1)</script>&lang=en")
    assert listing.status_code == 200 and "<script>alert(1)" not in listing.text
    assert feed_entries(client.get("/jobs/feed.xml"))[0].find(f"{ATOM}title").text == job.title


def _assert_gone(response, job) -> None:
    assert response.status_code == 410
    assert "This position is closed" in response.text
    assert job.title in response.text
    assert "org.example/careers" not in response.text and "mailto:" not in response.text
    assert "How to apply" not in response.text
    assert "application/ld+json" not in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_an_expired_job_is_gone_with_a_clear_notice_and_no_way_to_apply(client, session, org):
    job = make_job(session, org, title="Expired fridge engineer")
    expire(job)
    session.commit()
    _assert_gone(client.get(f"/jobs/{job.slug}?lang=en"), job)
    assert "Closed on" in client.get(f"/jobs/{job.slug}?lang=en").text
    zh = client.get(f"/jobs/{job.slug}?lang=zh")
    assert zh.status_code == 410 and '<html lang="zh-CN">' in zh.text
    fragment = client.get(f"/jobs/{job.slug}?lang=en", headers=HX)
    assert fragment.status_code == 410 and "<html" not in fragment.text and "This position is closed" in fragment.text


def test_a_closed_job_is_gone(client, session, org):
    job = make_job(session, org, title="Closed laser engineer", apply_url=None, apply_email="hr@kestrel.example")
    JOB.move(job, JobStatus.closed)
    session.commit()
    response = client.get(f"/jobs/{job.slug}?lang=en")
    _assert_gone(response, job)
    assert "hr@kestrel.example" not in response.text


def test_a_job_of_a_suspended_organisation_is_gone(client, session, org):
    job = make_job(session, org, title="Suspended optics engineer")
    ORGANIZATION.move(org, OrgStatus.suspended)
    session.commit()
    response = client.get(f"/jobs/{job.slug}?lang=en")
    _assert_gone(response, job)
    assert f'href="/orgs/{org.slug}"' not in response.text  # its page is not public either


@pytest.mark.parametrize("status", [JobStatus.draft, JobStatus.review, JobStatus.rejected])
def test_a_job_that_never_went_public_is_not_found(client, session, org, status):
    job = make_job(session, org, title="Secret engineer")
    never_published(job, status)
    session.commit()
    response = client.get(f"/jobs/{job.slug}?lang=en")
    assert response.status_code == 404 and "Secret engineer" not in response.text
    assert "Page not found" in response.text


def test_unknown_jobs_are_not_found_in_both_languages(client):
    assert client.get("/jobs/no-such-job?lang=en").status_code == 404
    zh = client.get("/jobs/no-such-job?lang=zh")
    assert zh.status_code == 404 and "页面不存在" in zh.text


# ---- the Atom feed ---------------------------------------------------------------------------------------


def test_the_atom_feed(client, session, org):
    older = make_job(session, org, title="Feed engineer A", description="Cool **work**.")
    newer = make_job(session, org, title="Feed engineer B", title_zh="订阅工程师")
    older.published_at = utcnow() - timedelta(days=1)
    gone = make_job(session, org, title="Feed engineer expired")
    expire(gone)
    session.commit()

    response = client.get("/jobs/feed.xml", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text == "http://testserver/jobs/feed.xml"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/jobs/feed.xml"
    assert root.find(f"{ATOM}updated").text == newer.published_at.replace(microsecond=0).isoformat()
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Feed engineer B", "Feed engineer A"]
    first = entries[1]
    url = f"http://testserver/jobs/{older.slug}"
    assert first.find(f"{ATOM}id").text == url and first.find(f"{ATOM}link").get("href") == url
    assert first.find(f"{ATOM}updated").text == older.published_at.replace(microsecond=0).isoformat()
    assert first.find(f"{ATOM}author/{ATOM}name").text == "Kestrel Quantum"
    assert "Cool work." in first.find(f"{ATOM}summary").text and "Hefei, China" in first.find(f"{ATOM}summary").text

    zh = ET.fromstring(client.get("/jobs/feed.xml?lang=zh").content)
    assert zh.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert zh.find(f"{ATOM}entry/{ATOM}title").text == "订阅工程师"


def test_the_feed_honours_filters_and_holds_at_most_fifty(client, session, org):
    for n in range(52):
        make_job(session, org, title=f"Bulk engineer {n}")
    remote = make_job(session, org, workplace="remote", function="rd")
    session.commit()

    assert len(feed_entries(client.get("/jobs/feed.xml"))) == 50
    filtered = client.get("/jobs/feed.xml?workplace=remote&function=rd&lang=en")
    assert entry_links(filtered) == [f"http://testserver/jobs/{remote.slug}"]
    root = ET.fromstring(filtered.content)
    assert root.find(f"{ATOM}id").text == "http://testserver/jobs/feed.xml?function=rd&workplace=remote&lang=en"
    alternate = root.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == "http://testserver/jobs?function=rd&workplace=remote&lang=en"
    assert "Research & development, Remote" in root.find(f"{ATOM}title").text
    assert feed_entries(client.get("/jobs/feed.xml?workplace=hybrid")) == []


def test_the_list_links_to_the_feed_for_its_filters(client):
    html = client.get("/jobs?workplace=remote&function=rd&page=1&sort=expiring&lang=en").text
    feed = "/jobs/feed.xml?function=rd&amp;workplace=remote&amp;lang=en"
    assert f'<link rel="alternate" type="application/atom+xml" title="' in html
    assert f'href="{feed}">' in html
    assert f'<a href="{feed}" type="application/atom+xml">' in html


# ---- bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "field"), [
    ("function=astrology", "function"),
    ("employment_type=forever", "employment_type"),
    ("workplace=moon", "workplace"),
    ("country=XX", "country"),
    ("region=atlantis", "region"),
    ("org_type=cult", "org_type"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("page=1001", "page"),
    ("sort=random", "sort"),
    ("q=" + "x" * 201, "q"),
])
@pytest.mark.parametrize("path", ["/jobs", "/jobs/feed.xml"])
def test_a_stale_or_bad_parameter_is_left_out_and_named_in_a_notice(client, path, query, field):
    """Links outlive vocabularies: the page answers without the value (app/stale_links.py)."""
    if path.endswith(".xml") and field in ("page", "sort"):
        return  # the feed has no pages and one order
    response = client.get(f"{path}?{query}&lang=en")
    assert response.status_code == 200, query
    if path == "/jobs":
        notice = response.text[response.text.index('id="stale-link"'):][:300]
        assert field in notice and "left out" in notice
        fragment = client.get(f"{path}?{query}&lang=en", headers=HX)
        assert fragment.status_code == 200 and "<html" not in fragment.text  # the results block, as asked


def test_odd_but_harmless_input_never_fails(client, session, org):
    make_job(session, org)
    session.commit()
    for query in ["q=%20%20", "q=\"", "q=*", "q=AND OR NOT", "q=(((", "country=cn", "function=rd&function=rd",
                  "q=量子&lang=zh", "unknown=1", "page=1000"]:
        response = client.get(f"/jobs?{query}")
        assert response.status_code == 200, query


def test_cards_and_the_feed_show_pay_and_the_closing_date(client, session, org):
    from tests.factories import make_job

    paid = make_job(session, org, title="Paid cryogenic engineer", salary_min=30000, salary_max=45000,
                    salary_currency="CNY", salary_period="month")
    make_job(session, org, title="Unpaid mystery role")
    session.commit()
    page = client.get("/jobs?lang=en").text
    card = page[page.index("Paid cryogenic engineer"):].split("</article>")[0]
    assert "per month" in card and "30,000" in card and "45,000" in card
    assert f"Closes {paid.expires_at:%b} {paid.expires_at.day}, {paid.expires_at:%Y}" in card
    other = page[page.index("Unpaid mystery role"):].split("</article>")[0]
    assert "per month" not in other and "Closes" in other
    feed = client.get("/jobs/feed.xml?lang=en").text
    assert "30,000" in feed and "per month" in feed


def test_pay_posting_date_and_place_narrow_the_board_with_and_without_words(client, engine, session, org):
    from datetime import timedelta

    from sqlalchemy import update

    from app.models import Job
    from app.models.base import utcnow
    from tests.factories import make_job

    well_paid = make_job(session, org, title="Cryogenic engineer, senior", city="Hefei", salary_min=30000,
                         salary_max=45000, salary_currency="CNY", salary_period="month")
    modest = make_job(session, org, title="Cryogenic engineer, junior", city="Beijing", salary_min=8000,
                      salary_max=12000, salary_currency="CNY", salary_period="month")
    euro = make_job(session, org, title="Cryogenic engineer, Munich", city="Munich", country="DE", salary_min=4000,
                    salary_max=6000, salary_currency="EUR", salary_period="month")
    old = make_job(session, org, title="Cryogenic engineer, old post", city="Hefei")
    session.execute(update(Job).where(Job.id == old.id).values(published_at=utcnow() - timedelta(days=20)))
    session.commit()
    drain_all(engine, client.app.state.search)

    def titles(query: str) -> set[str]:
        page = client.get(f"/jobs?{query}&lang=en")
        assert page.status_code == 200 and 'id="stale-link"' not in page.text, query
        return {job.title for job in (well_paid, modest, euro, old) if job.title in page.text}

    everything = {well_paid.title, modest.title, euro.title, old.title}
    assert titles("pay_min=&posted=&location=") == everything  # the form's empty fields are no filter
    assert titles("pay_min=20000") == {well_paid.title}  # CNY per month unless said otherwise
    assert titles("pay_min=5000&pay_currency=EUR&pay_period=month") == {euro.title}
    assert titles("pay_min=5000&pay_currency=EUR&pay_period=year") == set()
    assert titles("posted=7") == {well_paid.title, modest.title, euro.title}
    assert titles("location=合肥") == {well_paid.title, old.title}  # a Chinese place finds the English name
    assert titles("location=munich") == {euro.title}
    # With words the engine finds the matches and the database narrows them.
    assert titles("q=cryogenic&location=Hefei&posted=30") == {well_paid.title, old.title}
    assert titles("q=cryogenic&location=Hefei&posted=7") == {well_paid.title}
    assert_left_out(client.get("/jobs?posted=3&lang=en"), "posted")
    assert_left_out(client.get("/jobs?pay_min=lots&lang=en"), "pay_min")
    feed = client.get("/jobs/feed.xml?pay_min=20000&lang=en").text
    assert well_paid.title in feed and modest.title not in feed
