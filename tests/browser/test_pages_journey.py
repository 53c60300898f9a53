"""A job seeker and a visitor in a real browser: filtering jobs, switching language, and how pages look."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_filter_jobs_by_function_and_country_without_a_page_load(page):
    page.goto("/jobs?lang=en")
    page.evaluate("window.__marker = 1")
    total = int(re.search(r"\d+", page.locator("#job-results").inner_text()).group())
    page.check("#filter-function-rd")
    page.wait_for_url(re.compile(r"function=rd"))
    page.check("#filter-country-DE")
    page.wait_for_url(re.compile(r"country=DE"))
    page.wait_for_function("document.querySelectorAll('#job-results .card').length === 1")
    assert page.evaluate("window.__marker") == 1  # htmx swapped the results; the page never reloaded
    card = page.locator("#job-results .card").first.inner_text()
    assert "Laser physicist, optical frequency combs" in card and "Germany" in card
    assert total > 1
    page.go_back()
    page.wait_for_url(re.compile(r"function=rd(?!.*country)"))
    page.wait_for_function("document.querySelectorAll('#job-results .card').length > 1")


def test_switching_language_is_remembered(page):
    page.goto("/marketplace/hardware/cryogenics")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "低温"
    page.click("text=English")
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("h1").inner_text() == "Cryogenics"
    page.goto("/jobs")  # no ?lang=: the cookie remembers
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("text=中文")
    assert page.locator("html").get_attribute("lang") == "zh-CN"


PAGES = {
    "home": "/",
    "marketplace": "/marketplace/hardware",
    "listing": "/listings/beiyan-cryo-bf-400-dilution-refrigerator",
    "jobs": "/jobs",
    "organisation": "/orgs/beiyan-cryo",
    "insights": "/insights",
    "partners": "/orgs/beiyan-cryo/partners",
    "learn": "/learn",
    "students": "/jobs/students",
}


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_screenshots_of_the_main_pages(page, screenshots, name, language):
    response = page.goto(f"{PAGES[name]}?lang={language}")
    assert response.status == 200
    page.screenshot(path=screenshots / f"{name}-{language}.png", full_page=True)
    text = page.locator("main").inner_text()
    if language == "zh":
        assert re.search(r"[\u4e00-\u9fff]", text)
    # No untranslated interface text on Chinese pages: the navigation and footer are the interface's own.
    chrome = page.locator("header").inner_text() + page.locator("footer").inner_text()
    if language == "zh":
        assert "Marketplace" not in chrome and "Jobs" not in chrome and "Sign in" not in chrome


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("name", ["insights", "partners"])
def test_the_ecosystem_map_and_find_partners_fit_a_phone(page, screenshots, name, language):
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.goto(f"{PAGES[name]}?lang={language}").status == 200
    page.screenshot(path=screenshots / f"{name}-{language}-phone.png", full_page=True)
    # Nothing wider than the screen but the matrix, which scrolls inside its own box.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, overflow
