"""Small helpers for route tests."""

from app.security.csrf import CSRF_COOKIE

# The search engines every engine-parametrised test runs on (Meilisearch: the pinned server, tests/conftest.py).
ENGINE_NAMES = ["embedded", "meilisearch"]


def csrf_headers(client) -> dict[str, str]:
    """The header an htmx request sends: this browser's CSRF token (a page visit sets the cookie)."""
    if CSRF_COOKIE not in client.cookies:
        client.get("/account/login")
    return {"X-CSRF-Token": client.cookies[CSRF_COOKIE]}


PASSWORD = "correct horse battery staple"  # the password of the users tests make


def sign_in(client, email: str, password: str = PASSWORD) -> str:
    """Sign in through the real form; returns the CSRF token for the requests that follow."""
    client.cookies.clear()
    token = csrf_headers(client)["X-CSRF-Token"]
    response = client.post("/account/login", data={"email": email, "password": password, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return token


def post_form(client, url: str, data: dict | None = None, **kwargs):
    """A form post as a browser sends it, with the CSRF token; redirects are not followed."""
    token = csrf_headers(client)["X-CSRF-Token"]
    return client.post(url, data={"csrf_token": token, **(data or {})}, follow_redirects=False, **kwargs)


def app_routes(routes):
    """Every APIRoute of an app (pass `app.routes`), looking inside included routers (FastAPI may keep them
    wrapped): tests generated from the route table cover new routes without being edited."""
    from fastapi.routing import APIRoute

    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from app_routes(inner.routes)
        elif isinstance(route, APIRoute):
            yield route


def add_write_route(app):
    """POST /_test/listings?title=…: one request that writes an organisation, a listing and a job through the
    services, as the member pages do, for tests of what follows a write (the drain, the index)."""
    from app.deps import SessionDep
    from tests.factories import make_job, make_listing, make_org

    def create(session: SessionDep, title: str) -> dict:
        org = make_org(session, name=f"{title} Ltd")
        listing = make_listing(session, org, title=title)
        make_job(session, org, title=f"{title} engineer")
        return {"listing": listing.id}

    app.add_api_route("/_test/listings", create, methods=["POST"])


def assert_left_out(response, *names: str) -> None:
    """A page asked for with query values it no longer knows answers without them and names them in a
    notice (app/stale_links.py), rather than a 422."""
    assert response.status_code == 200, response.text[:300]
    text = response.text
    assert 'id="stale-link"' in text, "no notice of the values left out"
    notice = text[text.index('id="stale-link"'):].split("</p>", 1)[0]
    for name in names:
        assert name in notice, (name, notice)
