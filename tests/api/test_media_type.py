"""Every API write takes JSON only: a form post (curl -d), a text body or no Content-Type is 415 naming
application/json, in the project's error shape, and nothing is written; JSON with a charset still works."""

import json

import pytest

from tests.api.test_member_api import JOBS, LISTINGS, NEW_JOB, NEW_LISTING, snapshot

IMPORT = "/api/v1/import"


def write_routes(api) -> list[tuple[str, str, str]]:
    """(method, url, token holder) of every write that takes a body."""
    listing, job = api.ids["listing_a"], api.ids["job_a"]
    return [("POST", LISTINGS, "a"), ("PATCH", f"{LISTINGS}/{listing}", "a"), ("POST", JOBS, "a"),
            ("PATCH", f"{JOBS}/{job}", "a"), ("POST", IMPORT, "staff")]


NOT_JSON = {
    "form": ("application/x-www-form-urlencoded", b"title=x&kind=product"),
    "multipart": ("multipart/form-data; boundary=xyz", b'--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--xyz--\r\n'),
    "text": ("text/plain", b'{"title": "x"}'),
    "none": (None, b'{"title": "x"}'),
}


@pytest.mark.parametrize("kind", sorted(NOT_JSON))
def test_a_write_that_is_not_json_is_415_and_writes_nothing(api, kind):
    content_type, body = NOT_JSON[kind]
    before = snapshot(api)
    for method, url, who in write_routes(api):
        headers = api.bearer(who) | ({"Content-Type": content_type} if content_type else {})
        response = api.client.request(method, url, content=body, headers=headers)
        assert response.status_code == 415, (method, url, response.status_code, response.text)
        error = response.json()
        assert error["error"] == "unsupported_media_type" and "application/json" in error["message"], error
        assert error["errors"] == []
    assert snapshot(api) == before


def test_a_form_post_without_a_token_is_still_401(api):
    response = api.client.post(LISTINGS, data={"title": "x"})
    assert response.status_code == 401


def test_json_with_a_charset_or_a_json_subtype_is_taken(api):
    h = api.bearer("a")
    created = api.client.post(LISTINGS, content=json.dumps(NEW_LISTING).encode(),
                              headers=h | {"Content-Type": "application/json; charset=utf-8"})
    assert created.status_code == 201, created.text
    patched = api.client.patch(f"{LISTINGS}/{created.json()['id']}", json={"version": 1, "title": "Renamed cooler"},
                               headers=h | {"Content-Type": "application/merge-patch+json"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == "Renamed cooler"
    job = api.client.post(JOBS, json=NEW_JOB, headers=h)
    assert job.status_code == 201, job.text
