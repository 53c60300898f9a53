"""The boards on a phone and on a desktop, in real Chromium: no page scrolls sideways, the first result of
the directory, the marketplace, the jobs board and search is within the first screen and a half, filters fold
behind "Filters (n)" on a phone; screenshots in both languages to look at (test-artifacts/screenshots/)."""

import pytest
from sqlmodel import select

from app.db import create_db_engine, new_session
from app.models import Job, Organization
from app.models.states import JobStatus, OrgStatus

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
FIRST_RESULT = {"/marketplace": "#browse .layout-main .card", "/jobs": "#job-results .card",
                "/orgs": "#directory .layout-main .card", "/search?q=cryostat": ".layout-main .hit, .layout-main .card"}


@pytest.fixture(scope="module")
def samples(live_server):
    engine = create_db_engine(live_server.settings)
    with new_session(engine, write=False) as session:
        org = session.exec(select(Organization).where(Organization.status == OrgStatus.active)).first().slug
        job = session.exec(select(Job).where(Job.status == JobStatus.published)).first().slug
    engine.dispose()
    return {"org": org, "job": job}


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_page_scrolls_sideways_and_results_come_first(browser, live_server, samples, screenshots, viewport,
                                                         language):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="zh-CN")
    page = context.new_page()
    paths = ["/", "/marketplace", "/jobs", "/orgs", "/search?q=cryostat", f"/orgs/{samples['org']}",
             f"/jobs/{samples['job']}"]
    for path in paths:
        page.goto(f"{path}{'&' if '?' in path else '?'}lang={language}")
        assert overflow(page) <= 0, f"{path} scrolls sideways by {overflow(page)} px at {viewport['width']}"
        if path in FIRST_RESULT:
            first = page.locator(FIRST_RESULT[path]).first
            top = first.bounding_box()["y"]
            assert top < 1.5 * viewport["height"], f"{path}: the first result starts at {top:.0f} px"
        kind = "phone" if viewport is PHONE else "desktop"
        name = {"/": "home", "/jobs": "jobs", "/orgs": "orgs", "/marketplace": "marketplace"}.get(path)
        if path.startswith("/jobs/"):
            name = "job-page"
        if name:
            page.screenshot(path=screenshots / f"board-{name}-{kind}-{language}.png", full_page=False)
    context.close()


def test_filters_fold_on_a_phone_and_open_on_a_tap(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto("/jobs?lang=en&workplace=remote")
    summary = page.locator("details.filters > summary")
    assert "Filters (1)" in summary.inner_text()
    assert not page.locator("#job-facets").is_visible()
    summary.click()
    assert page.locator("#job-facets").is_visible()
    page.set_viewport_size(DESKTOP)
    page.goto("/marketplace?lang=en")
    assert page.locator("details.filters aside").is_visible()  # open beside the results on a wide screen
    assert not page.locator("details.filters > summary").is_visible()
    context.close()
