"""Edit forms carry the version they were opened at; a stale save is a 409 that keeps what was typed and
writes nothing (RELIABILITY 23). On SQLite writes serialise, so two saves "at once" are two requests with
the same version: exactly one wins, the other is told, and nothing is lost."""

import re

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.db import new_session
from app.errors import Conflict
from app.models import AuditEntry, Job, Listing, Organization, User
from app.workspace.schemas import ListingForm, ProfileIn
from app.workspace.service import update_listing, update_profile
from tests.workspace.helpers import EDITOR, LISTING, OWNER, PROFILE, fingerprint, load, post, sign_in

CONFLICT_TEXT = "Someone else saved this"


def form_version(page_text: str) -> str:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)">', page_text)
    assert match, "the edit form carries its version"
    return match.group(1)


def audit_count(engine, action: str) -> int:
    with new_session(engine, write=False) as session:
        return len(session.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def test_two_saves_of_a_listing_with_the_same_version_one_wins_the_other_gets_409(ws, engine):
    listing_id = ws.ids["listing_a"]
    url = f"/account/orgs/org-a/listings/{listing_id}/edit"
    sign_in(ws, OWNER)
    version = form_version(ws.get(url + "?lang=en").text)
    first = post(ws, url, LISTING | {"title": "Owner's title", "version": version})
    assert first.status_code == 303
    sign_in(ws, EDITOR)  # the editor had opened the same form at the same version
    before = fingerprint(engine)
    second = post(ws, url + "?lang=en", LISTING | {"title": "Editor's title", "summary": "Typed by the editor",
                                                   "version": version})
    assert second.status_code == 409 and "text/html" in second.headers["content-type"]
    assert CONFLICT_TEXT in second.text
    assert 'value="Editor&#39;s title"' in second.text and "Typed by the editor" in second.text  # typed values kept
    assert fingerprint(engine) == before  # nothing written
    saved = load(engine, Listing, listing_id)
    assert saved.title == "Owner's title" and saved.version == int(version) + 1
    assert audit_count(engine, "listing.updated") == 1
    # The re-shown form carries the current version: saving again (deliberately) replaces the other save.
    assert form_version(second.text) == str(saved.version)
    assert post(ws, url, LISTING | {"title": "Editor's title", "version": form_version(second.text)}).status_code == 303
    assert load(engine, Listing, listing_id).title == "Editor's title"


def test_two_saves_of_the_profile_with_the_same_version_one_wins_the_other_gets_409(ws, engine):
    with engine.begin() as connection:  # the profile is for owners: make the editor a second owner
        connection.execute(text("UPDATE membership SET role = 'owner'"))
    sign_in(ws, OWNER)
    version = form_version(ws.get("/account/orgs/org-a/profile?lang=en").text)
    assert post(ws, "/account/orgs/org-a/profile", PROFILE | {"name": "Owner Cryo", "version": version}).status_code == 303
    sign_in(ws, EDITOR)
    before = fingerprint(engine)
    second = post(ws, "/account/orgs/org-a/profile?lang=en", PROFILE | {"name": "Editor Cryo", "version": version})
    assert second.status_code == 409 and CONFLICT_TEXT in second.text and 'value="Editor Cryo"' in second.text
    assert fingerprint(engine) == before
    org = load(engine, Organization, ws.ids["a"])
    assert org.name == "Owner Cryo" and org.version == int(version) + 1


def test_two_saves_of_a_job_with_the_same_version_one_wins_the_other_gets_409(ws, engine):
    job_id = ws.ids["job_a"]
    url = f"/account/orgs/org-a/jobs/{job_id}/edit"
    sign_in(ws, OWNER)
    page = ws.get(url + "?lang=en")
    version = form_version(page.text)
    fields = {name: value for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', page.text)
              if name not in ("csrf_token", "version")}
    # Selects are not scraped above: the choices a browser would send with them.
    fields |= {"function": "engineering", "employment_type": "full_time", "workplace": "onsite", "country": "CN",
               "description": "Build fridges.", "apply_url": "https://org.example/careers"}
    assert post(ws, url, fields | {"city": "Shanghai", "version": version}).status_code == 303
    before = fingerprint(engine)
    second = post(ws, url + "?lang=en", fields | {"city": "Beijing", "version": version})
    assert second.status_code == 409 and CONFLICT_TEXT in second.text and 'value="Beijing"' in second.text
    assert fingerprint(engine) == before
    job = load(engine, Job, job_id)
    assert job.city == "Shanghai" and job.version == int(version) + 1


@pytest.mark.parametrize("url", ["/account/orgs/org-a/profile", "listing"])
def test_a_version_that_is_not_a_number_is_422_naming_it(ws, engine, url):
    sign_in(ws, OWNER)
    data = PROFILE if url != "listing" else LISTING
    url = url if url != "listing" else f"/account/orgs/org-a/listings/{ws.ids['listing_a']}/edit"
    before = fingerprint(engine)
    response = post(ws, url + "?lang=en", data | {"version": "1 OR 1=1"})
    assert response.status_code == 422 and "<strong>version</strong>" in response.text
    assert fingerprint(engine) == before


def test_the_services_refuse_a_stale_version(engine, session):
    from tests.factories import make_listing, make_org

    org = make_org(session)
    listing = make_listing(session, org)
    user = session.exec(select(User)).first() or User(email="x@x.example", password_hash="x")
    session.add(user)
    session.flush()
    seen = listing.version
    form = ListingForm.model_validate(LISTING | {"title": "First"})
    update_listing(session, listing=listing, data=form, actor=user, expected_version=seen)
    with pytest.raises(Conflict):
        update_listing(session, listing=listing, data=ListingForm.model_validate(LISTING | {"title": "Second"}),
                       actor=user, expected_version=seen)
    assert listing.title == "First" and listing.version == seen + 1
    profile_seen = org.version
    update_profile(session, org=org, data=ProfileIn.model_validate(PROFILE), actor=user, expected_version=profile_seen)
    with pytest.raises(Conflict):
        update_profile(session, org=org, data=ProfileIn.model_validate(PROFILE | {"name": "Other"}), actor=user,
                       expected_version=profile_seen)
    assert org.name == PROFILE["name"]
