"""What an owner and an editor of the same organisation may do (RELIABILITY 17), asserted per action in the
manner of Discourse's guardian spec. Owners hold the organisation's identity and its people: profile, logo,
members and roles, API tokens, deleting records and the organisation itself. Editors keep its listings, jobs
and inquiries. What an editor may not do answers 404, like any record that is not theirs, and writes nothing."""

import pytest

from tests.workspace.helpers import EDITOR, LISTING, OWNER, PROFILE, fingerprint, post, sign_in, ws  # noqa: F401

OWNER_ONLY = [
    ("GET", "/account/orgs/org-a/profile", None),
    ("POST", "/account/orgs/org-a/profile", PROFILE),
    ("POST", "/account/orgs/org-a/logo", {}),
    ("GET", "/account/orgs/org-a/members", None),
    ("POST", "/account/orgs/org-a/members/invite", {"email": "new@org-a.example"}),
    ("GET", "/account/orgs/org-a/tokens", None),
    ("POST", "/account/orgs/org-a/tokens", {"name": "Editor's script"}),
    ("GET", "/account/orgs/org-a/listings/{listing}/delete", None),
    ("POST", "/account/orgs/org-a/listings/{listing}/delete", {}),
    ("GET", "/account/orgs/org-a/delete", None),
    ("POST", "/account/orgs/org-a/delete", {"confirm": "org-a"}),
]
BOTH = [
    ("GET", "/account/orgs/org-a", None),
    ("GET", "/account/orgs/org-a/listings", None),
    ("GET", "/account/orgs/org-a/listings/new", None),
    ("GET", "/account/orgs/org-a/listings/{listing}/edit", None),
    ("POST", "/account/orgs/org-a/listings/{listing}/edit", LISTING),
    ("GET", "/account/orgs/org-a/jobs", None),
    ("GET", "/account/orgs/org-a/jobs/new", None),
    ("GET", "/account/orgs/org-a/inquiries", None),
]


def _call(ws, method, path, body):  # noqa: F811
    url = path.format(listing=ws.ids["listing_a"])
    if method == "GET":
        return ws.get(url, follow_redirects=False)
    return post(ws, url, body)


@pytest.mark.parametrize(("method", "path", "body"), OWNER_ONLY)
def test_an_editor_cannot_act_for_the_organisation_as_a_whole(ws, engine, method, path, body):  # noqa: F811
    sign_in(ws, EDITOR)
    before = fingerprint(engine)
    assert _call(ws, method, path, body).status_code == 404, (method, path)
    assert fingerprint(engine) == before


@pytest.mark.parametrize(("method", "path", "body"), OWNER_ONLY + BOTH)
def test_an_owner_can_do_all_of_it(ws, method, path, body):  # noqa: F811
    sign_in(ws, OWNER)
    assert _call(ws, method, path, body).status_code in (200, 303, 422), (method, path)


@pytest.mark.parametrize(("method", "path", "body"), BOTH)
def test_an_editor_keeps_the_listings_jobs_and_inquiries(ws, method, path, body):  # noqa: F811
    sign_in(ws, EDITOR)
    assert _call(ws, method, path, body).status_code in (200, 303), (method, path)


def test_an_editor_sees_no_link_to_what_is_not_theirs(ws):  # noqa: F811
    sign_in(ws, EDITOR)
    for url in ("/account/orgs/org-a", "/account/orgs/org-a/listings"):
        page = ws.get(url).text
        assert "/account/orgs/org-a/profile" not in page and "/delete" not in page, url
