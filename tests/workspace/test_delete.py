"""Soft delete, restore and purge of listings and organisations (RELIABILITY 22, 54, 57).

A deleted record leaves pages, search, the sitemap and the counts at once; staff restore it within the
retention period; the purge removes it after that, and never before."""

from datetime import timedelta

import pytest
from sqlmodel import select

from app.catalog.browse import browse
from app.catalog.service import category_tree
from app.db import new_session, unit_of_work
from app.models import (
    ApiToken,
    AuditEntry,
    Inquiry,
    Job,
    Listing,
    Membership,
    Organization,
    OrganizationCategory,
    User,
)
from app.models.report import Report
from app.models.states import ListingStatus, OrgStatus
from app.workspace.retention import PURGED, purge_periodically, run_purge
from tests.workspace.helpers import EDITOR, INTRUDER, OWNER, fingerprint, load, post, search_ids, sign_in
from tests.workspace.conftest import STAFF


def visible_count(engine) -> int:
    with new_session(engine, write=False) as session:
        hardware = next(node for node in category_tree(session) if node.category.path == "hardware")
        result = browse(session, category_path="hardware", filters={})
        assert result.total == hardware.count
        assert sum(count for _, count in result.facets["kind"]) == result.total
        return hardware.count


def audit_actions(engine) -> list[tuple[str, int | None, int | None]]:
    with new_session(engine, write=False) as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(e.action, e.target_id, e.actor_id) for e in entries]


def user_id(engine, email: str) -> int:
    with new_session(engine, write=False) as session:
        return session.exec(select(User.id).where(User.email == email)).one()


def delete_listing(ws, listing_id: int):
    return post(ws, f"/account/orgs/org-a/listings/{listing_id}/delete")


def age_deletion(engine, model, record_id: int, days: float) -> None:
    with unit_of_work(engine) as session:
        record = session.get(model, record_id)
        record.deleted_at = record.deleted_at - timedelta(days=days)


# ---- listings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [OWNER])
def test_a_deleted_listing_leaves_pages_search_sitemap_and_counts(ws, engine, who):
    listing = load(engine, Listing, ws.ids["listing_a"])
    assert ws.get(f"/listings/{listing.slug}").status_code == 200
    assert f"listing-{listing.id}" in search_ids(ws, "Alpha fridge")
    counted = visible_count(engine)
    sign_in(ws, who)
    confirm = ws.get(f"/account/orgs/org-a/listings/{listing.id}/delete?lang=en")
    assert confirm.status_code == 200 and "Alpha fridge" in confirm.text and "30 days" in confirm.text
    response = delete_listing(ws, listing.id)
    assert response.status_code == 303 and response.headers["location"].endswith("?done=deleted")
    deleted = load(engine, Listing, listing.id)
    assert deleted.status == ListingStatus.deleted and deleted.deleted_at is not None
    assert ws.get(f"/listings/{listing.slug}").status_code == 404
    assert f"listing-{listing.id}" not in search_ids(ws, "Alpha fridge")
    assert f"/listings/{listing.slug}" not in ws.get("/sitemap.xml").text
    assert visible_count(engine) == counted - 1
    assert "Alpha fridge" not in ws.get("/orgs/org-a?lang=en").text
    workspace = ws.get("/account/orgs/org-a/listings?lang=en")
    assert f'id="listing-{listing.id}"' not in workspace.text
    before = fingerprint(engine)
    assert ws.get(f"/account/orgs/org-a/listings/{listing.id}/edit").status_code == 404
    for action in ("publish", "edit", "delete"):
        assert post(ws, f"/account/orgs/org-a/listings/{listing.id}/{action}").status_code == 404
    assert fingerprint(engine) == before
    assert ("listing.delete", listing.id, user_id(engine, who)) in audit_actions(engine)


def test_staff_restore_a_deleted_listing_as_a_draft(ws, engine):
    listing_id = ws.ids["listing_a"]
    sign_in(ws, OWNER)
    delete_listing(ws, listing_id)
    sign_in(ws, STAFF)
    page = ws.get("/staff/deleted?lang=en")
    assert page.status_code == 200 and f'id="deleted-listing-{listing_id}"' in page.text
    assert post(ws, f"/staff/deleted/listings/{listing_id}/restore").status_code == 303
    restored = load(engine, Listing, listing_id)
    assert restored.status == ListingStatus.draft and restored.deleted_at is None
    assert ws.get(f"/listings/{restored.slug}").status_code == 404  # a draft until its organisation publishes
    assert ("listing.restore", listing_id, user_id(engine, STAFF)) in audit_actions(engine)
    before = fingerprint(engine)
    assert post(ws, f"/staff/deleted/listings/{listing_id}/restore").status_code == 409  # restored already
    assert fingerprint(engine) == before
    sign_in(ws, OWNER)
    assert f'id="listing-{listing_id}"' in ws.get("/account/orgs/org-a/listings").text
    assert post(ws, f"/account/orgs/org-a/listings/{listing_id}/publish").status_code == 303
    assert ws.get(f"/listings/{restored.slug}").status_code == 200


def test_the_purge_removes_listings_deleted_before_the_window_and_nothing_inside_it(ws, engine):
    old_id, recent_id = ws.ids["listing_a"], ws.ids["listing_b"]
    with unit_of_work(engine) as session:
        sender = session.exec(select(User).where(User.email == INTRUDER)).one()
        inquiry = Inquiry(sender_id=sender.id, organization_id=ws.ids["a"], listing_id=old_id, subject="Price?",
                          message="How much is it?")
        session.add_all([inquiry, Report(target_type="listing", target_id=old_id, reason="spam", reporter_ip="10.0.0.1")])
        session.flush()
        inquiry_id = inquiry.id
    sign_in(ws, OWNER)
    delete_listing(ws, old_id)
    sign_in(ws, INTRUDER)
    assert post(ws, f"/account/orgs/org-b/listings/{recent_id}/delete").status_code == 303
    age_deletion(engine, Listing, old_id, 31)
    age_deletion(engine, Listing, recent_id, 29)

    report = run_purge(engine, ws.settings)
    assert report.listings == [old_id] and report.orgs == []
    assert load(engine, Listing, old_id) is None
    assert load(engine, Listing, recent_id).status == ListingStatus.deleted  # inside the window: kept
    assert load(engine, Inquiry, inquiry_id).listing_id is None  # the conversation stays
    with new_session(engine, write=False) as session:
        assert session.exec(select(Report).where(Report.target_id == old_id)).all() == []
    assert ("listing.purge", old_id, None) in audit_actions(engine)  # the system did it
    assert not run_purge(engine, ws.settings)  # nothing more to do

    sign_in(ws, STAFF)
    page = ws.get("/staff/deleted")
    assert f'id="deleted-listing-{recent_id}"' in page.text and f'id="deleted-listing-{old_id}"' not in page.text
    age_deletion(engine, Listing, recent_id, 2)  # now past the window, not purged yet: no restore
    before = fingerprint(engine)
    assert post(ws, f"/staff/deleted/listings/{recent_id}/restore").status_code == 409
    assert fingerprint(engine) == before


# ---- organisations ----------------------------------------------------------------------------------


def test_only_owners_delete_the_organisation_and_they_must_type_its_slug(ws, engine):
    sign_in(ws, EDITOR)
    before = fingerprint(engine)
    assert ws.get("/account/orgs/org-a/delete").status_code == 404
    assert post(ws, "/account/orgs/org-a/delete", {"confirm": "org-a"}).status_code == 404
    assert fingerprint(engine) == before
    assert "/account/orgs/org-a/delete" not in ws.get("/account/orgs/org-a").text
    sign_in(ws, OWNER)
    assert 'href="/account/orgs/org-a/delete"' in ws.get("/account/orgs/org-a?lang=en").text
    assert ws.get("/account/orgs/org-a/delete?lang=en").status_code == 200
    before = fingerprint(engine)
    response = post(ws, "/account/orgs/org-a/delete?lang=en", {"confirm": "org-b"})
    assert response.status_code == 422 and 'id="e-confirm"' in response.text
    assert fingerprint(engine) == before


def test_a_deleted_organisation_leaves_everything_public_and_its_members_lose_the_workspace(ws, engine):
    listing = load(engine, Listing, ws.ids["listing_a"])
    job = load(engine, Job, ws.ids["job_a"])
    assert {"organization-%d" % ws.ids["a"], f"listing-{listing.id}"} <= search_ids(ws, "Alpha")
    sign_in(ws, OWNER)
    assert post(ws, "/account/orgs/org-a/delete", {"confirm": "org-a"}).status_code == 303
    org = load(engine, Organization, ws.ids["a"])
    assert org.status == OrgStatus.deleted and org.deleted_at is not None
    for url in ("/orgs/org-a", f"/listings/{listing.slug}", f"/jobs/{job.slug}"):
        assert ws.get(url).status_code in (404, 410), url
    found = search_ids(ws, "Alpha")
    assert not {f"organization-{org.id}", f"listing-{listing.id}", f"job-{job.id}"} & found
    for who in (OWNER, EDITOR):
        sign_in(ws, who)
        for url in ("/account/orgs/org-a", "/account/orgs/org-a/listings", "/account/orgs/org-a/profile"):
            assert ws.get(url).status_code == 404, (who, url)
    assert ("organization.delete", org.id, user_id(engine, OWNER)) in audit_actions(engine)

    sign_in(ws, STAFF)
    assert f'id="deleted-org-{org.id}"' in ws.get("/staff/deleted").text
    assert post(ws, f"/staff/deleted/orgs/{org.id}/restore").status_code == 303
    assert load(engine, Organization, org.id).status == OrgStatus.active
    assert ws.get("/orgs/org-a").status_code == 200 and ws.get(f"/listings/{listing.slug}").status_code == 200
    assert f"listing-{listing.id}" in search_ids(ws, "Alpha")
    assert ("organization.restore", org.id, user_id(engine, STAFF)) in audit_actions(engine)
    sign_in(ws, OWNER)
    assert ws.get("/account/orgs/org-a").status_code == 200


def test_the_purge_turns_an_organisation_deleted_before_the_window_into_a_tombstone(ws, engine, tmp_path):
    from tests.workspace.helpers import png_bytes, upload

    sign_in(ws, OWNER)
    assert upload(ws, png_bytes()).status_code == 303
    logo = load(engine, Organization, ws.ids["a"]).logo_path
    folder = tmp_path / "uploads" / "logos"
    assert (folder / logo).is_file()
    with unit_of_work(engine) as session:
        owner = session.exec(select(User).where(User.email == OWNER)).one()
        session.add(ApiToken(user_id=owner.id, organization_id=ws.ids["a"], name="ci", prefix="qm_test",
                             secret_hash="0" * 64))
    assert post(ws, "/account/orgs/org-a/delete", {"confirm": "org-a"}).status_code == 303
    age_deletion(engine, Organization, ws.ids["a"], 10)
    assert not run_purge(engine, ws.settings)  # inside the window: nothing happens
    assert load(engine, Organization, ws.ids["a"]).name == "Alpha Cryo"
    age_deletion(engine, Organization, ws.ids["a"], 21)

    report = run_purge(engine, ws.settings)
    assert report.orgs == [ws.ids["a"]]
    tomb = load(engine, Organization, ws.ids["a"])
    assert (tomb.status, tomb.status_reason, tomb.slug, tomb.name) == (
        OrgStatus.deleted, PURGED, f"deleted-{tomb.id}", "Deleted organisation")
    assert tomb.website is None and tomb.contact_email is None and tomb.description == "" and tomb.logo_path is None
    assert not (folder / logo).exists()
    with new_session(engine, write=False) as session:
        for model in (Listing, Job, Membership, OrganizationCategory, ApiToken):
            assert session.exec(select(model).where(model.organization_id == tomb.id)).all() == [], model
        assert session.exec(select(AuditEntry).where(AuditEntry.organization_id == tomb.id)).all()  # history kept
        assert session.exec(select(User).where(User.email == OWNER)).one()  # people keep their accounts
    assert ("organization.purge", tomb.id, None) in audit_actions(engine)
    assert not run_purge(engine, ws.settings)  # a tombstone is purged once
    sign_in(ws, STAFF)
    assert f'id="deleted-org-{tomb.id}"' not in ws.get("/staff/deleted").text
    assert post(ws, f"/staff/deleted/orgs/{tomb.id}/restore").status_code == 409
    assert load(engine, Organization, tomb.id).status == OrgStatus.deleted


def test_the_app_runs_the_purge_periodically(ws, engine):
    import asyncio

    sign_in(ws, OWNER)
    delete_listing(ws, ws.ids["listing_a"])
    age_deletion(engine, Listing, ws.ids["listing_a"], 40)
    drained = []

    async def one_pass():
        task = asyncio.create_task(purge_periodically(engine, ws.settings, interval=3600, first_delay=0,
                                                      after=lambda: drained.append(True)))
        while not drained:
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(asyncio.wait_for(one_pass(), 30))
    assert load(engine, Listing, ws.ids["listing_a"]) is None
