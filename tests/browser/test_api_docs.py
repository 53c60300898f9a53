"""The API docs page in a real browser: Swagger UI, every asset from the app, under the app's CSP (the `page`
fixture fails on any violation), showing the operations of /api/v1/openapi.json."""

import pytest

pytestmark = pytest.mark.browser


def test_the_docs_page_shows_the_api_operations_from_the_apps_own_assets(page, live_server, screenshots):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/docs")  # the old address redirects
    assert page.url == f"{live_server.url}/api/v1/docs"
    operation = page.locator("#operations-public-list_orgs_api_v1_orgs_get")
    operation.wait_for()
    assert "/api/v1/orgs" in operation.inner_text() and "GET" in operation.inner_text()
    assert page.locator(".opblock-tag-section").count() >= 4  # public, listings, jobs, import …
    assert page.locator(".opblock").count() >= 20
    assert "QMarket API" in page.locator(".info .title").inner_text()
    # Members' operations carry the lock of the bearer scheme; the public ones do not.
    assert page.locator("#operations-listings-create_listing_api_v1_orgs__slug__listings_post .authorization__btn").count() == 1
    assert operation.locator(".authorization__btn").count() == 0
    page.screenshot(path=screenshots / "api-docs.png", full_page=False)
    operation.locator(".opblock-summary").click()
    page.locator("#operations-public-list_orgs_api_v1_orgs_get .parameters").wait_for()
    assert "cursor" in page.locator("#operations-public-list_orgs_api_v1_orgs_get .parameters").inner_text()
    # A write's request body example and its error responses render too (still no CSP violation).
    write = page.locator("#operations-listings-create_listing_api_v1_orgs__slug__listings_post")
    write.locator(".opblock-summary").click()
    write.locator(".body-param__example, .highlight-code").first.wait_for()
    assert "hardware/cryogenics" in write.inner_text() and "415" in write.inner_text()
    write.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "api-docs-write.png", full_page=False)
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
