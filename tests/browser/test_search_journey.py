"""A visitor searching in a real browser: live search in the header, typos, history, and onwards to a result."""

import re
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

HITS = ".search-hits .card-title a"


def loaded(page, path: str) -> None:
    """Open a page and mark this document: the marker survives htmx swaps, not a real page load."""
    page.goto(path)
    page.evaluate("window.__marker = 1")


def still_same_document(page) -> bool:
    return page.evaluate("window.__marker") == 1


def live_search(page, text: str) -> None:
    page.fill("#site-search-q", text)  # fires `input`: htmx sends it after its 300 ms pause
    encoded = re.escape(quote(text)).replace("%20", "(?:%20|\\+)")  # htmx writes spaces as %20, forms as +
    page.wait_for_url(re.compile(r"/search\?q=" + encoded + "$"))
    page.wait_for_selector(f'h1:has-text("{text}")')


def test_live_search_in_chinese_updates_results_without_a_page_load(page_on_each_engine):
    page = page_on_each_engine
    loaded(page, "/")
    live_search(page, "稀释制冷机")

    assert still_same_document(page)
    assert page.url.endswith("/search?q=%E7%A8%80%E9%87%8A%E5%88%B6%E5%86%B7%E6%9C%BA")
    assert "稀释制冷机" in page.title()
    titles = page.locator(HITS).all_inner_texts()
    assert len(titles) == 20 and any("稀释制冷机" in t for t in titles)
    assert page.locator(".search-hits mark").first.inner_text() == "稀释制冷机"
    assert page.locator("#results-count").inner_text().strip().startswith("34")
    assert page.locator("section[aria-live=polite]").count() == 1


def test_an_english_query_with_typos_finds_the_bf_400(page_on_each_engine):
    page = page_on_each_engine
    loaded(page, "/?lang=en")
    live_search(page, "dilutoin refrigerater")

    assert still_same_document(page)
    assert "BF-400 dilution refrigerator" in page.locator(HITS).all_inner_texts()


def test_back_and_forward_follow_the_live_search(page):
    loaded(page, "/?lang=en")
    live_search(page, "SNSPD")
    live_search(page, "postdoc")
    # A tab loads through htmx too, and is a step in the history.
    page.click('nav[aria-label="Result types"] a:has-text("Jobs")')
    page.wait_for_url(re.compile(r"/search\?q=postdoc&type=job$"))
    page.wait_for_selector('.tabs a[aria-current="page"]:has-text("Jobs")')

    page.go_back()
    page.wait_for_url(re.compile(r"/search\?q=postdoc$"))
    page.wait_for_selector('.tabs a[aria-current="page"]:has-text("All")')
    page.go_back()
    page.wait_for_url(re.compile(r"/search\?q=SNSPD$"))
    page.wait_for_selector('h1:has-text("SNSPD")')
    assert any("SNSPD" in t or "single-photon" in t.lower() for t in page.locator(HITS).all_inner_texts())
    page.go_forward()
    page.wait_for_url(re.compile(r"/search\?q=postdoc$"))
    page.wait_for_selector('h1:has-text("postdoc")')
    assert still_same_document(page)


def test_opening_an_organisation_from_the_results(page):
    loaded(page, "/search?q=Beiyan&lang=en")
    organisation = page.locator(".search-hits li", has=page.locator('.badge:text-is("Organisation")'))
    organisation.first.locator(".card-title a").click()
    page.wait_for_url(re.compile(r"/orgs/beiyan-cryo$"))
    assert page.locator("h1").first.inner_text().strip().startswith("Beiyan")


@pytest.mark.parametrize(("language", "query"), [("zh", "稀释制冷机"), ("en", "dilution refrigerator")])
def test_screenshots_of_the_search_page(page, screenshots, language, query):
    page.goto(f"/search?q={quote(query)}&lang={language}")
    page.wait_for_selector(HITS)
    page.screenshot(path=screenshots / f"search-{language}.png")
    # Chinese is drawn with a real font: two different characters give two different glyphs (without
    # one, both would be the same "missing glyph" box).
    assert page.evaluate(DIFFERENT_GLYPHS, ["稀", "释"])


DIFFERENT_GLYPHS = """([a, b]) => {
  const family = getComputedStyle(document.querySelector("h1")).fontFamily;
  const draw = (text) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 40;
    const context = canvas.getContext("2d");
    context.font = `32px ${family}`;
    context.fillText(text, 2, 34);
    return context.getImageData(0, 0, 40, 40).data.join(",");
  };
  return draw(a) !== draw(b) && draw(a) !== draw("");
}"""
