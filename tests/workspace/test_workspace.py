"""The organisation workspace: profile, logo, listings and their freshness (issue 5; RELIABILITY 15, 17,
20, 24, 25, 31–36, 44, 58).

Users sign in through the real routes. Organisation A has an owner and an editor; organisation B's owner
is the intruder. Search follows through the outbox, drained as the app does.
"""

import io
import logging
import re
import struct
import zlib
from datetime import timedelta

import pytest
from PIL import Image
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import new_session, unit_of_work
from app.models import AuditEntry, Listing, Membership, Organization, OrganizationCategory
from app.models.base import utcnow
from app.models.states import ListingStatus
from app.models.vocab import MemberRole
from app.workspace.freshness import send_confirmation_reminders
from tests.factories import make_listing, make_org
from tests.helpers import csrf_headers
from tests.workspace.helpers import (  # noqa: F401  (ws: the fixture)
    EDITOR, INTRUDER, LISTING, OWNER, PASSWORD, PROFILE, fingerprint, load, png_bytes, post, search_ids, sign_in, upload,
    new_listing, ws,
)

# ---- home and profile ------------------------------------------------------------------------------


def test_home_shows_status_counts_and_links(ws):
    sign_in(ws, OWNER)
    page = ws.get("/account/orgs/org-a?lang=en")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    assert 'hx-history="false"' in page.text
    for link in ("/profile", "/listings", "/jobs", "/inquiries", "/members"):
        assert f'href="/account/orgs/org-a{link}"' in page.text
    sign_in(ws, EDITOR)
    page = ws.get("/account/orgs/org-a?lang=en")
    assert 'href="/account/orgs/org-a/members"' not in page.text  # members: owners only


def test_home_says_when_the_application_is_pending(ws, engine):
    with unit_of_work(engine) as session:
        org = session.get(Organization, ws.ids["a"])
        org.status = "pending"
    sign_in(ws, OWNER)
    page = ws.get("/account/orgs/org-a?lang=en")
    assert "waiting for review" in page.text and "nothing is public" in page.text
    assert ws.get("/orgs/org-a").status_code == 404


@pytest.mark.parametrize("who", [OWNER])
def test_an_owner_edits_the_profile_and_search_follows(ws, engine, who):
    sign_in(ws, who)
    form = ws.get("/account/orgs/org-a/profile?lang=en")
    assert form.status_code == 200 and 'name="offers" value="hardware/cryogenics"' in form.text
    response = post(ws, "/account/orgs/org-a/profile", PROFILE)
    assert response.status_code == 303, response.text
    org = load(engine, Organization, ws.ids["a"])
    assert (org.name, org.city, org.founded_year, org.size_band, org.domains) == (
        "Alpha Cryogenics", "Hefei", 2015, "11-50", ["computing", "enabling"])
    with new_session(engine, write=False) as session:
        kinds = {(r.kind, r.category_id) for r in session.exec(
            select(OrganizationCategory).where(OrganizationCategory.organization_id == org.id))}
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "organization.profile_updated")).all()
    assert len(kinds) == 3 and len(audit) == 1
    assert f"organization-{org.id}" in search_ids(ws, "Alpha Cryogenics")
    public = ws.get("/orgs/org-a?lang=en")
    assert "Alpha Cryogenics" in public.text and "<strong>fridges</strong>" in public.text


def test_the_profile_form_cannot_set_status_slug_type_or_country(ws, engine):
    sign_in(ws, OWNER)
    before = fingerprint(engine)
    for extra in ({"status": "active"}, {"slug": "taken"}, {"org_type": "government"}, {"country": "US"},
                  {"province": "CN-BJ"}, {"membership": "full"}, {"id": "99"}):
        response = post(ws, "/account/orgs/org-a/profile?lang=en", PROFILE | extra)  # the English message
        assert response.status_code == 422, extra
        assert next(iter(extra)) in response.text and "is not a known field" in response.text
    assert fingerprint(engine) == before


@pytest.mark.parametrize(("field", "value"), [
    ("name", ""), ("name", "x" * 201), ("website", "javascript:alert(1)"), ("website", "JaVaScRiPt:alert(1)"),
    ("website", "ftp://alpha.example"), ("website", "//evil.example"), ("website", "data:text/html,x"),
    ("contact_email", "not-an-address"), ("founded_year", "3000"), ("founded_year", "abc"),
    ("size_band", "huge"), ("domains", ["alchemy"]), ("offers", ["hardware/nonsense"]), ("city", "Hefei\x00"),
    ("description", "x" * 20_001),
])
def test_bad_profile_input_is_422_naming_the_field_and_writes_nothing(ws, engine, field, value):
    sign_in(ws, OWNER)
    before = fingerprint(engine)
    response = post(ws, "/account/orgs/org-a/profile?lang=en", PROFILE | {field: value})
    assert response.status_code == 422
    # NUL is refused app-wide before the route runs (app.validation.refuse_unstorable_input): the error page
    # names the field; everything else comes back in the form, marked.
    assert re.search(rf'class="field-error" id="e-{field}"|<fieldset class="field checkbox-group has-error"[^>]*>\s*<legend>'
                     rf'|<li data-field="{field}"><strong>[^<]*</strong>: contains a character that cannot be stored', response.text), field
    assert fingerprint(engine) == before


# ---- access control and CSRF -----------------------------------------------------------------------


def workspace_urls(ids, listing_key="listing_a"):
    listing = ids[listing_key]
    gets = ["/account/orgs/org-a", "/account/orgs/org-a/profile", "/account/orgs/org-a/listings",
            "/account/orgs/org-a/listings/new", f"/account/orgs/org-a/listings/{listing}/edit"]
    posts = [("/account/orgs/org-a/profile", PROFILE), ("/account/orgs/org-a/listings/new", LISTING),
             (f"/account/orgs/org-a/listings/{listing}/edit", LISTING)]
    posts += [(f"/account/orgs/org-a/listings/{listing}/{action}", {})
              for action in ("publish", "unpublish", "archive", "confirm", "delete")]
    gets += [f"/account/orgs/org-a/listings/{listing}/delete", "/account/orgs/org-a/delete"]
    posts += [("/account/orgs/org-a/delete", {"confirm": "org-a"})]
    return gets, posts


@pytest.mark.parametrize("actor", ["anonymous", "other-organisation"])
def test_outsiders_get_404_or_sign_in_on_every_workspace_url_and_nothing_changes(ws, engine, actor):
    if actor == "other-organisation":
        sign_in(ws, INTRUDER)
    gets, posts = workspace_urls(ws.ids)
    before = fingerprint(engine)
    for url in gets:
        response = ws.get(url, follow_redirects=False)
        if actor == "anonymous":
            assert response.status_code == 303 and response.headers["location"].startswith("/account/login?next=")
        else:
            assert response.status_code == 404, url
    for url, data in posts + [("/account/orgs/org-a/logo", {})]:
        files = {"logo": ("a.png", png_bytes(), "image/png")} if url.endswith("/logo") else None
        response = post(ws, url, data, files=files)
        assert response.status_code == (303 if actor == "anonymous" else 404), (url, response.status_code)
        if actor == "anonymous":
            assert response.headers["location"].startswith("/account/login?next=")
    assert fingerprint(engine) == before


def test_a_listing_of_another_organisation_is_404_through_ones_own_workspace(ws, engine):
    sign_in(ws, OWNER)
    before = fingerprint(engine)
    other = ws.ids["listing_b"]
    assert ws.get(f"/account/orgs/org-a/listings/{other}/edit").status_code == 404
    for action in ("edit", "publish", "unpublish", "archive", "confirm", "delete"):
        response = post(ws, f"/account/orgs/org-a/listings/{other}/{action}", LISTING if action == "edit" else {})
        assert response.status_code == 404, action
    assert ws.get("/account/orgs/org-a/listings/999999/edit").status_code == 404
    assert fingerprint(engine) == before


def test_unsafe_requests_without_the_csrf_token_are_refused(ws, engine):
    sign_in(ws, OWNER)
    before = fingerprint(engine)
    _, posts = workspace_urls(ws.ids)
    for url, data in posts + [("/account/orgs/org-a/logo", {})]:
        assert ws.post(url, data=data, follow_redirects=False).status_code == 403, url
        forged = ws.post(url, data={**data, "csrf_token": "forged"}, follow_redirects=False)
        assert forged.status_code == 403, url
        cross = post(ws, url, data, headers={"Origin": "https://evil.example"})
        assert cross.status_code == 403, url
    assert fingerprint(engine) == before


# ---- listings --------------------------------------------------------------------------------------


def test_a_new_listing_is_a_draft_and_not_public(ws, engine):
    sign_in(ws, EDITOR)
    assert ws.get("/account/orgs/org-a/listings/new?lang=en").status_code == 200
    listing = new_listing(ws, engine)
    assert listing.status == ListingStatus.draft and listing.organization_id == ws.ids["a"]
    assert listing.tags == ["cryostat", "低温", "mK"] and listing.trl == 7
    assert listing.slug.startswith("org-a-")
    assert ws.get(f"/listings/{listing.slug}").status_code == 404
    assert f"listing-{listing.id}" not in search_ids(ws, "Zephyrium")
    page = ws.get("/account/orgs/org-a/listings?lang=en")
    assert "Zephyrium cryostat" in page.text and "Draft" in page.text


@pytest.mark.parametrize("who", [OWNER, EDITOR])
def test_publish_edit_unpublish_archive_confirm_and_the_public_follows(ws, engine, who):
    sign_in(ws, who)
    listing = new_listing(ws, engine)
    base = f"/account/orgs/org-a/listings/{listing.id}"
    assert post(ws, f"{base}/publish").status_code == 303
    assert ws.get(f"/listings/{listing.slug}").status_code == 200
    assert f"listing-{listing.id}" in search_ids(ws, "Zephyrium")
    with new_session(engine, write=False) as session:
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "listing.publish")).all()
    assert [(a.target_id, a.organization_id) for a in audit] == [(listing.id, ws.ids["a"])]

    # Editing a published listing keeps it published and re-indexes it.
    assert post(ws, f"{base}/edit", LISTING | {"title": "Quixotic cryostat"}).status_code == 303
    assert load(engine, Listing, listing.id).status == ListingStatus.published
    assert f"listing-{listing.id}" in search_ids(ws, "Quixotic")
    assert "Quixotic cryostat" in ws.get(f"/listings/{listing.slug}?lang=en").text

    assert post(ws, f"{base}/unpublish").status_code == 303
    assert load(engine, Listing, listing.id).status == ListingStatus.draft
    assert ws.get(f"/listings/{listing.slug}").status_code == 404
    assert f"listing-{listing.id}" not in search_ids(ws, "Quixotic")

    assert post(ws, f"{base}/publish").status_code == 303
    assert post(ws, f"{base}/archive").status_code == 303
    assert load(engine, Listing, listing.id).status == ListingStatus.archived
    assert ws.get(f"/listings/{listing.slug}").status_code == 404
    assert f"listing-{listing.id}" not in search_ids(ws, "Quixotic")

    before = load(engine, Listing, listing.id).last_confirmed_at
    assert post(ws, f"{base}/confirm").status_code == 303
    assert load(engine, Listing, listing.id).last_confirmed_at > before


def test_a_transition_the_state_machine_forbids_is_a_409_page(ws, engine):
    sign_in(ws, OWNER)
    listing = new_listing(ws, engine)
    before = fingerprint(engine)
    response = post(ws, f"/account/orgs/org-a/listings/{listing.id}/unpublish")  # a draft is not published
    assert response.status_code == 409 and "text/html" in response.headers["content-type"]
    assert fingerprint(engine) == before


@pytest.mark.parametrize("extra", [{"status": "published"}, {"organization_id": "2"}, {"slug": "mine"},
                                   {"published_at": "2020-01-01T00:00:00Z"}, {"id": "1"}, {"last_confirmed_at": "x"}])
def test_the_listing_form_refuses_fields_that_are_not_its_own(ws, engine, extra):
    sign_in(ws, OWNER)
    before = fingerprint(engine)
    response = post(ws, "/account/orgs/org-a/listings/new", LISTING | extra)
    assert response.status_code == 422 and next(iter(extra)) in response.text
    response = post(ws, f"/account/orgs/org-a/listings/{ws.ids['listing_a']}/edit", LISTING | extra)
    assert response.status_code == 422
    assert fingerprint(engine) == before


@pytest.mark.parametrize(("field", "value"), [
    ("category", "hardware"), ("category", "nowhere/at-all"), ("kind", "gadget"), ("title", ""),
    ("title", "t" * 201), ("summary", "s" * 301), ("trl", "12"), ("trl", "high"),
    ("datasheet_url", "javascript:alert(1)"), ("datasheet_url", "vbscript:x"), ("tags", ",".join(f"tag{i}" for i in range(21))), ("tags", "x" * 51),
    ("title", "bad\x07title"),
])
def test_bad_listing_input_is_422_naming_the_field_and_writes_nothing(ws, engine, field, value):
    sign_in(ws, EDITOR)
    before = fingerprint(engine)
    response = post(ws, "/account/orgs/org-a/listings/new", LISTING | {field: value})
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.text, field
    assert fingerprint(engine) == before


# ---- script injection ------------------------------------------------------------------------------

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
MARKDOWN_XSS = ('[click](javascript:alert(3)) [e](&#106;avascript:alert(4)) <div hx-get="/staff" hx-trigger="load">x</div>'
                ' <svg onload=alert(5)> {{ 7*7 }}')


def test_script_in_every_text_field_is_stored_verbatim_and_rendered_inert(ws, engine):
    sign_in(ws, OWNER)
    profile = PROFILE | {"name": "Org " + XSS, "name_zh": "机构" + XSS, "city": "City" + XSS,
                         "description": MARKDOWN_XSS + XSS, "description_zh": MARKDOWN_XSS}
    assert post(ws, "/account/orgs/org-a/profile", profile).status_code == 303
    org = load(engine, Organization, ws.ids["a"])
    assert org.name == "Org " + XSS and org.description == MARKDOWN_XSS + XSS  # stored as typed
    fields = {"title": "T " + XSS, "title_zh": "标题" + XSS, "summary": "S" + XSS, "summary_zh": "摘要" + XSS,
              "description": MARKDOWN_XSS, "description_zh": MARKDOWN_XSS, "tags": "tag<script>alert(1)</script>, <b onmouseover=x>"}
    listing = new_listing(ws, engine, **fields)
    assert listing.title == "T " + XSS
    assert post(ws, f"/account/orgs/org-a/listings/{listing.id}/publish").status_code == 303
    pages = [ws.get(f"/listings/{listing.slug}?lang=en"), ws.get(f"/listings/{listing.slug}?lang=zh"),
             ws.get("/orgs/org-a?lang=en"), ws.get("/orgs/org-a?lang=zh"),
             ws.get("/account/orgs/org-a/listings"), ws.get("/account/orgs/org-a/profile"),
             ws.get(f"/account/orgs/org-a/listings/{listing.id}/edit"), ws.get("/account/orgs/org-a")]
    for page in pages:
        assert page.status_code == 200
        json_ld = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.text, flags=re.S)
        assert all("<" not in block for block in json_ld)  # |tojson escapes < > &
        body = re.sub(r'<script type="application/ld\+json">.*?</script>', "", page.text, flags=re.S)
        assert "<script>alert" not in body and "<img src=x" not in body and "<svg" not in body
        assert "<b onmouseover" not in body and "<div hx-get" not in body
        assert 'href="javascript:' not in body.lower() and "href=\"&#106;" not in body
    public = pages[0].text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in public
    assert "{{ 7*7 }}" in public  # template syntax in member text is only text
    assert "&lt;div hx-get=" in public  # raw HTML in Markdown is shown as text, never as markup


# ---- logos -----------------------------------------------------------------------------------------


def test_an_owner_uploads_a_logo_reencoded_without_exif_and_served_safely(ws, engine, tmp_path):
    sign_in(ws, OWNER)
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {2: (31.0, 52.0, 0.0)}  # GPS
    jpeg = png_bytes(fmt="JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(jpeg)).getexif()
    response = upload(ws, jpeg, name="../../evil.php.jpg", content_type="image/jpeg")
    assert response.status_code == 303, response.text
    org = load(engine, Organization, ws.ids["a"])
    assert re.fullmatch(r"[0-9a-f]{32}\.png", org.logo_path)
    folder = tmp_path / "uploads" / "logos"
    assert [p.name for p in folder.iterdir()] == [org.logo_path]
    served = ws.get(f"/logos/{org.logo_path}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-security-policy"] == "default-src 'none'; sandbox"
    image = Image.open(io.BytesIO(served.content))
    assert image.format == "PNG" and image.size == (40, 20) and not image.getexif() and "exif" not in image.info
    assert b"SpyCam" not in served.content
    assert f'src="/logos/{org.logo_path}" alt="' in ws.get("/orgs/org-a?lang=en").text
    with new_session(engine, write=False) as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "organization.logo_changed")).first()

    # Replacing it removes the old file.
    assert upload(ws, png_bytes(color=(0, 0, 255))).status_code == 303
    newer = load(engine, Organization, ws.ids["a"]).logo_path
    assert newer != org.logo_path and [p.name for p in folder.iterdir()] == [newer]
    assert ws.get(f"/logos/{org.logo_path}").status_code == 404
    for name in ("../qmarket.db", "x.png", newer.replace(".png", ".svg")):
        assert ws.get(f"/logos/{name}").status_code == 404


def test_an_editor_cannot_change_the_logo(ws, engine):
    sign_in(ws, EDITOR)
    before = fingerprint(engine)
    assert upload(ws, png_bytes()).status_code == 404
    assert fingerprint(engine) == before


def _bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width × height pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, format="GIF")
    return out.getvalue()


BAD_LOGOS = {
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>', "a.svg",
            "image/svg+xml"),
    "html renamed png": (b"<html><script>alert(1)</script></html>", "a.png", "image/png"),
    "gif+html polyglot": (_gif() + b"<script>alert(1)</script>", "a.png", "image/png"),
    "30000x30000 bomb": (_bomb_png(30000, 30000), "a.png", "image/png"),
    "5000x5000 just past the cap": (_bomb_png(5000, 5000), "a.png", "image/png"),
    "truncated png": (png_bytes()[:60], "a.png", "image/png"),
    "empty": (b"", "a.png", "image/png"),
}


@pytest.mark.parametrize("case", BAD_LOGOS)
def test_bad_logos_are_422_naming_the_field_and_nothing_is_stored(ws, engine, tmp_path, case):
    sign_in(ws, OWNER)
    before = fingerprint(engine)
    data, name, content_type = BAD_LOGOS[case]
    response = upload(ws, data, name=name, content_type=content_type)
    assert response.status_code == 422, case
    assert 'id="e-logo"' in response.text
    assert fingerprint(engine) == before
    folder = tmp_path / "uploads" / "logos"
    assert not folder.exists() or not any(folder.iterdir())


def test_a_png_js_polyglot_is_reencoded_so_the_trailer_is_gone(ws, engine):
    sign_in(ws, OWNER)
    assert upload(ws, png_bytes() + b"<script>alert(1)</script>").status_code == 303
    served = ws.get(f"/logos/{load(engine, Organization, ws.ids['a']).logo_path}")
    assert b"<script>" not in served.content


def test_an_oversized_upload_is_413_before_the_body_is_read(ws, engine, tmp_path):
    sign_in(ws, OWNER)
    before = fingerprint(engine)
    big = png_bytes() + b"\0" * (20 * 1024 * 1024)
    response = upload(ws, big)
    assert response.status_code == 413
    # Content-Length alone decides: a tiny body that claims to be large is refused unread.
    token = csrf_headers(ws)["X-CSRF-Token"]
    claimed = ws.post("/account/orgs/org-a/logo", content=b"x", follow_redirects=False,
                      headers={"Content-Length": str(3 * 1024 * 1024), "X-CSRF-Token": token,
                               "Content-Type": "multipart/form-data; boundary=x"})
    assert claimed.status_code == 413
    assert fingerprint(engine) == before
    assert not (tmp_path / "uploads" / "logos").exists()


# ---- freshness -------------------------------------------------------------------------------------


def age(engine, listing_id: int, days: int) -> None:
    with unit_of_work(engine) as session:
        listing = session.get(Listing, listing_id)
        listing.last_confirmed_at = utcnow() - timedelta(days=days)


def test_a_listing_not_confirmed_for_the_period_leaves_pages_and_search_until_confirmed(ws, engine):
    listing = load(engine, Listing, ws.ids["listing_a"])
    assert f"listing-{listing.id}" in search_ids(ws, "Alpha fridge")
    age(engine, listing.id, 181)
    with unit_of_work(engine) as session:
        report = send_confirmation_reminders(session, settings=ws.app.state.settings)
    assert listing.id in report.expired  # queued so that the index drops it
    assert f"listing-{listing.id}" not in search_ids(ws, "Alpha fridge")
    assert f"listing-{listing.id}" not in ws.app.state.search.document_ids()
    assert ws.get(f"/listings/{listing.slug}").status_code == 404
    assert listing.slug not in ws.get("/orgs/org-a").text
    assert listing.slug not in ws.get("/marketplace/hardware/cryogenics").text
    assert listing.slug not in ws.get("/sitemap.xml").text
    sign_in(ws, OWNER)
    page = ws.get("/account/orgs/org-a/listings?lang=en")
    assert "hidden from the marketplace" in page.text
    assert post(ws, f"/account/orgs/org-a/listings/{listing.id}/confirm").status_code == 303
    assert ws.get(f"/listings/{listing.slug}").status_code == 200
    assert f"listing-{listing.id}" in search_ids(ws, "Alpha fridge")


def test_owners_are_reminded_once_before_a_listing_goes_stale(ws, engine, caplog):
    caplog.set_level(logging.INFO, logger="qmarket.mail")
    age(engine, ws.ids["listing_a"], 170)  # stale in 10 days
    age(engine, ws.ids["listing_b"], 100)  # not due
    with unit_of_work(engine) as session:
        first = send_confirmation_reminders(session, settings=ws.app.state.settings, base_url="https://q.example")
    assert first.reminded == [ws.ids["listing_a"]] and first.mails == 1  # the owner, not the editor
    mails = [r.getMessage() for r in caplog.records if r.name == "qmarket.mail"]
    assert any(OWNER in m for m in mails) and not any(EDITOR in m for m in mails)
    assert load(engine, Listing, ws.ids["listing_a"]).reminded_at is not None
    with unit_of_work(engine) as session:
        second = send_confirmation_reminders(session, settings=ws.app.state.settings)
    assert second.reminded == [] and second.mails == 0
    # Confirming starts a new period: the next reminder comes when it is due again.
    sign_in(ws, EDITOR)
    assert post(ws, f"/account/orgs/org-a/listings/{ws.ids['listing_a']}/confirm").status_code == 303
    assert load(engine, Listing, ws.ids["listing_a"]).reminded_at is None
    sign_in(ws, OWNER)
    assert "Please confirm soon" not in ws.get("/account/orgs/org-a/listings?lang=en").text
    age(engine, ws.ids["listing_a"], 175)
    assert "Please confirm soon" in ws.get("/account/orgs/org-a/listings?lang=en").text
    with unit_of_work(engine) as session:
        assert send_confirmation_reminders(session, settings=ws.app.state.settings).mails == 1


def test_the_cli_sends_reminders(settings, engine, monkeypatch):
    from typer.testing import CliRunner

    from app.cli import app as cli
    from app.config import get_settings

    with unit_of_work(engine) as session:
        org = make_org(session)
        owner = create_user(session, data=UserCreate(email="cli-owner@example.org", password=PASSWORD))
        session.add(Membership(user_id=owner.id, organization_id=org.id, role=MemberRole.owner))
        listing = make_listing(session, org)
        listing.last_confirmed_at = utcnow() - timedelta(days=175)
    monkeypatch.setenv("QM_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("QM_SEARCH_PATH", settings.search_path)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["listings", "remind"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "reminded about 1 listing(s) in 1 mail(s)" in result.output
