"""API tokens: minted by owners on the workspace page, shown once, stored hashed, listed by prefix,
revocable; how the API authenticates (RELIABILITY 11, 13, 14, 17)."""

import hashlib
import re

from sqlalchemy import text

from app.models import ApiToken, AuditEntry, Listing, Membership, User
from app.models.vocab import MemberRole
from tests.api.conftest import EDITOR, INTRUDER, OWNER, rows, sign_in
from tests.helpers import csrf_headers

SECRET = re.compile(r"qm_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")
LISTINGS = "/api/v1/orgs/org-a/listings"


def _create_on_page(client, name="Inventory sync"):
    headers = csrf_headers(client)
    return client.post("/account/orgs/org-a/tokens", data={"name": name, "csrf_token": headers["X-CSRF-Token"]})


def test_an_owner_creates_a_token_that_is_shown_once_listed_by_prefix_and_stored_hashed(api):
    sign_in(api.client, OWNER)
    response = _create_on_page(api.client)
    assert response.status_code == 200
    secret = SECRET.search(response.text).group(0)
    assert "no-store" in response.headers["cache-control"]

    [token] = rows(api, ApiToken, ApiToken.name == "Inventory sync")
    assert token.organization_id == api.ids["org_a"] and token.user_id == api.ids["owner_a"]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.split("_")[1] == token.prefix
    with api.engine.connect() as connection:  # the secret itself is nowhere in the table
        dump = repr(connection.execute(text("SELECT * FROM api_token")).fetchall())
    assert secret not in dump and secret.split("_", 2)[2] not in dump

    again = api.client.get("/account/orgs/org-a/tokens")
    assert again.status_code == 200
    assert secret not in again.text and token.secret_hash not in again.text
    assert f"qm_{token.prefix}_" in again.text and "Inventory sync" in again.text

    api.client.cookies.clear()  # the API takes the new token, and only the token
    assert api.client.get(LISTINGS, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    [audit] = rows(api, AuditEntry, AuditEntry.action == "token.create", AuditEntry.target_id == token.id)
    assert audit.actor_id == api.ids["owner_a"] and secret not in repr(audit.detail)
    [used] = rows(api, ApiToken, ApiToken.id == token.id)
    assert used.last_used_at is not None


def test_a_token_needs_a_name(api):
    sign_in(api.client, OWNER)
    before = len(rows(api, ApiToken))
    response = _create_on_page(api.client, name="   ")
    assert response.status_code == 422 and "name" in response.text
    assert len(rows(api, ApiToken)) == before


def test_a_revoked_token_is_refused_at_once(api):
    assert api.client.get(LISTINGS, headers=api.bearer("a")).status_code == 200
    [token] = rows(api, ApiToken, ApiToken.name == "Alpha CI")
    sign_in(api.client, OWNER)
    page = api.client.get("/account/orgs/org-a/tokens")
    assert f"/tokens/{token.id}/revoke" in page.text
    headers = csrf_headers(api.client)
    response = api.client.post(f"/account/orgs/org-a/tokens/{token.id}/revoke",
                               data={"csrf_token": headers["X-CSRF-Token"]}, follow_redirects=False)
    assert response.status_code == 303
    api.client.cookies.clear()
    refused = api.client.get(LISTINGS, headers=api.bearer("a"))
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert refused.json()["error"] == "unauthorized"
    assert rows(api, AuditEntry, AuditEntry.action == "token.revoke", AuditEntry.target_id == token.id)


def test_editors_and_other_owners_cannot_reach_the_tokens_page(api):
    [token] = rows(api, ApiToken, ApiToken.name == "Alpha CI")
    before = len(rows(api, ApiToken))
    for who in (EDITOR, INTRUDER):
        sign_in(api.client, who)
        headers = csrf_headers(api.client)
        assert api.client.get("/account/orgs/org-a/tokens").status_code == 404
        assert _create_on_page(api.client).status_code == 404
        revoke = api.client.post(f"/account/orgs/org-a/tokens/{token.id}/revoke",
                                 data={"csrf_token": headers["X-CSRF-Token"]}, follow_redirects=False)
        assert revoke.status_code == 404
    # organisation B's owner cannot revoke A's token through B's own page either
    revoke = api.client.post(f"/account/orgs/org-b/tokens/{token.id}/revoke",
                             data={"csrf_token": csrf_headers(api.client)["X-CSRF-Token"]}, follow_redirects=False)
    assert revoke.status_code == 404
    assert len(rows(api, ApiToken)) == before
    assert rows(api, ApiToken, ApiToken.id == token.id)[0].revoked_at is None
    api.client.cookies.clear()
    assert api.client.get(LISTINGS, headers=api.bearer("a")).status_code == 200


def test_the_workspace_home_links_owners_to_their_tokens(api):
    sign_in(api.client, OWNER)
    assert "/account/orgs/org-a/tokens" in api.client.get("/account/orgs/org-a").text
    sign_in(api.client, EDITOR)
    assert "/account/orgs/org-a/tokens" not in api.client.get("/account/orgs/org-a").text


def test_a_disabled_user_s_token_fails_on_the_next_request(api):
    assert api.client.get(LISTINGS, headers=api.bearer("a")).status_code == 200
    with api.engine.begin() as connection:
        connection.execute(text("UPDATE user_account SET is_active = :no WHERE id = :id"),
                           {"no": False, "id": api.ids["owner_a"]})
    response = api.client.get(LISTINGS, headers=api.bearer("a"))
    assert response.status_code == 401 and "Bearer" in response.headers["www-authenticate"]


def test_a_token_goes_with_its_owner_s_role(api):
    with api.engine.begin() as connection:
        connection.execute(text("UPDATE membership SET role = :role WHERE user_id = :id"),
                           {"role": MemberRole.editor.value, "id": api.ids["owner_a"]})
    assert api.client.get(LISTINGS, headers=api.bearer("a")).status_code == 401


def test_unknown_and_malformed_credentials_are_401_with_a_bearer_challenge(api):
    secret = api.secrets["a"]
    for headers in ({}, {"Authorization": "Bearer qm_00000000_not-a-real-token"},
                    {"Authorization": f"Basic {secret}"}, {"Authorization": secret},
                    {"Authorization": "Bearer "}, {"Authorization": "Bearer " + "x" * 5000}):
        response = api.client.get(LISTINGS, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith("Bearer realm=")
        assert set(response.json()) == {"error", "message", "errors"}


def test_a_token_in_the_query_string_is_refused_even_when_valid(api):
    secret = api.secrets["a"]
    for name in ("token", "access_token", "api_key", "Access_Token"):
        for headers in ({}, api.bearer("a")):
            response = api.client.get(f"{LISTINGS}?{name}={secret}", headers=headers)
            assert response.status_code == 400, (name, headers)
            body = response.json()
            assert body["error"] == "token_in_url" and body["errors"][0]["field"] == name
            assert secret not in response.text
    before = len(rows(api, Listing))
    response = api.client.post(f"{LISTINGS}?token={secret}", json={"kind": "product", "title": "Via URL",
                                                                    "category": "hardware/cryogenics"})
    assert response.status_code == 400 and len(rows(api, Listing)) == before


def test_the_api_never_reads_the_session_cookie(api):
    """A forged cross-site request carries only the cookie: refused, nothing written (RELIABILITY 14)."""
    sign_in(api.client, OWNER)
    assert api.client.get("/account/orgs/org-a").status_code == 200  # the cookie is a live session
    before = len(rows(api, Listing))
    forged = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", **csrf_headers(api.client)}
    body = {"kind": "product", "category": "hardware/cryogenics", "title": "Forged"}
    response = api.client.post(LISTINGS, json=body, headers=forged)
    assert response.status_code == 401
    assert api.client.get(LISTINGS).status_code == 401
    listing = api.ids["listing_a"]
    assert api.client.delete(f"{LISTINGS}/{listing}", headers=forged).status_code == 401
    assert api.client.post(f"{LISTINGS}/{listing}/unpublish", headers=forged).status_code == 401
    assert len(rows(api, Listing)) == before
    assert rows(api, Listing, Listing.id == listing)[0].status == "published"


def test_the_staff_token_is_not_a_member_token(api):
    assert api.client.get(LISTINGS, headers=api.bearer("staff")).status_code == 404
    [staff] = rows(api, User, User.id == api.ids["staff"])
    assert staff.is_staff and not rows(api, Membership, Membership.user_id == staff.id)
