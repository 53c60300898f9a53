import re

from fastapi.testclient import TestClient

from app.main import create_app
from app.models.states import LISTING, ORGANIZATION, ListingStatus, OrgStatus
from tests.factories import make_listing, make_org


def count_of(html: str, name: str) -> int:
    """The number shown next to a category name on the home page."""
    match = re.search(rf">{re.escape(name)}</(?:span|a)>\s*<span class=\"count\"[^>]*>([\d,]+)<", html)
    assert match, f"{name} not on the page"
    return int(match.group(1).replace(",", ""))


def test_home_shows_the_six_categories_with_subcategories_in_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    for name in ("硬件", "软件", "应用/系统", "服务", "终端用户", "其他", "低温", "量子计算机", "投资"):
        assert name in response.text
    assert "Hardware" not in response.text


def test_home_in_english_and_the_choice_is_remembered(client):
    response = client.get("/?lang=en")
    assert '<html lang="en">' in response.text
    assert "Hardware" in response.text and "Cryogenics" in response.text and "硬件" not in response.text
    assert "lang=en" in response.headers["set-cookie"]
    again = client.get("/")
    assert '<html lang="en">' in again.text


def test_accept_language_picks_the_language_when_nothing_else_does(client):
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert '<html lang="zh-CN">' in client.get("/", headers={"Accept-Language": "fr, zh-CN;q=0.8"}).text


def test_counts_are_live_and_count_only_visible_listings(client, engine, session):
    org = make_org(session)
    for _ in range(3):
        make_listing(session, org)
    make_listing(session, org, category="hardware/lasers")
    draft = make_listing(session, org)
    LISTING.move(draft, ListingStatus.draft)
    hidden_org = make_org(session)
    make_listing(session, hidden_org)
    ORGANIZATION.move(hidden_org, OrgStatus.suspended)
    session.commit()

    html = client.get("/?lang=en").text
    assert count_of(html, "Cryogenics") == 3
    assert count_of(html, "Lasers") == 1
    assert count_of(html, "Hardware") == 4
    assert count_of(html, "Software") == 0
    assert "4 products and services listed" in html


def test_every_page_varies_on_htmx(client):
    assert "HX-Request" in client.get("/").headers["vary"]


def test_unknown_pages_get_a_translated_404(client):
    zh = client.get("/no-such-page?lang=zh")
    assert zh.status_code == 404 and "页面不存在" in zh.text
    en = client.get("/no-such-page?lang=en")
    assert en.status_code == 404 and "Page not found" in en.text


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_an_unexpected_error_shows_a_generic_page_with_an_incident_id(settings, engine):
    app = create_app(settings)

    def explode():
        raise RuntimeError("secret internals /etc/passwd")

    app.add_api_route("/explode", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/explode?lang=en")
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "incident" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "search": "ok"}


def test_readiness_fails_when_the_database_is_unreachable(settings):
    unreachable = settings.model_copy(update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    with TestClient(create_app(unreachable)) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
