"""About, Contact, Privacy, Terms and Join, in both languages; the calls to join; the favicon."""

import pytest


@pytest.mark.parametrize(("path", "en", "zh"), [
    ("/about", "About QMarket", "关于 QMarket"), ("/contact", "Contact", "联系我们"), ("/privacy", "Privacy", "隐私说明"),
    ("/terms", "Terms of use", "使用条款"), ("/join", "Join the alliance", "加入联盟"),
])
def test_each_page_in_each_language(client, path, en, zh):
    assert f"<h1>{en}</h1>" in client.get(f"{path}?lang=en").text
    assert f"<h1>{zh}</h1>" in client.get(f"{path}?lang=zh").text


def test_a_visitor_is_invited_to_join_and_every_page_links_the_site_pages(client):
    home = client.get("/?lang=en").text
    assert 'href="/join"' in home and 'href="/privacy"' in home and 'href="/terms"' in home
    join = client.get("/join?lang=en").text
    assert 'href="/account/signup"' in join and "/account/apply" in join


def test_the_favicon(client):
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").text
    icon = client.get("/favicon.ico", follow_redirects=False)
    assert icon.status_code == 301 and icon.headers["location"] == "/static/favicon.svg"
    assert client.get("/static/favicon.svg").headers["content-type"].startswith("image/svg")
