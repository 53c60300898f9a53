"""Membership applications, the staff queue, and owners inviting editors (issue 5; RELIABILITY 31, 36, 47, 58, 63)."""

import email
import email.policy
import re
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import AuditEntry, Invitation, Membership, Organization, User
from app.models.base import utcnow
from app.models.states import OrgStatus
from app.models.vocab import MemberRole
from app.organizations.applications import APPLICATIONS_PER_USER_PER_DAY, base_domain
from app.security import form_timing
from tests.factories import make_org
from tests.helpers import csrf_headers
from tests.members.test_access_matrix import database_fingerprint as all_tables

PASSWORD = "correct horse battery staple"
XSS = '<script>alert("x")</script>'


def database_fingerprint(engine) -> dict[str, int]:
    """Every table except the search outbox, which the app's relay marks delivered in the background."""
    return {table: digest for table, digest in all_tables(engine).items() if table != "search_outbox"}


@pytest.fixture
def app(settings, engine, smtp):  # noqa: F811
    return create_app(settings.model_copy(update={"smtp_url": smtp.url}))


@pytest.fixture
def browser(app):
    with TestClient(app) as client:
        yield client


def make_user(engine, address: str, *, staff: bool = False, age: timedelta | None = None) -> int:
    with unit_of_work(engine) as session:
        user = create_user(session, data=UserCreate(email=address, password=PASSWORD, is_staff=staff))
        if age:
            user.created_at = utcnow() - age
        return user.id


def sign_in(client, address: str) -> None:
    response = client.post("/account/login", data={"email": address, "password": PASSWORD,
                                                   "csrf_token": token(client)}, follow_redirects=False)
    assert response.status_code == 303


def token(client) -> str:
    return csrf_headers(client)["X-CSRF-Token"]


def application(**overrides) -> dict[str, str]:
    return {
        "name": "Hefei Cryo Photonics",
        "name_zh": "合肥低温光子",
        "org_type": "sme",
        "membership": "associate",
        "country": "CN",
        "province": "CN-AH",
        "city": "Hefei",
        "website": "https://www.cryo-photonics.example",
        "contact_email": "info@cryo-photonics.example",
        "description": "We build **dilution refrigerators**.",
        "description_zh": "我们制造稀释制冷机。",
    } | overrides


def apply(client, **overrides):
    # A form rendered a minute ago (the fast-form rule has its own tests in tests/security).
    stamp = form_timing.stamp(client.app.state.settings.secret_key, at=time.time() - 60)
    data = {"csrf_token": token(client), "form_started": stamp, **application(**overrides)}
    return client.post("/account/apply", data=data, follow_redirects=False)


def mail_bodies(inbox) -> list[tuple[list[str], str]]:
    return [(m.rcpt_tos, email.message_from_bytes(m.content, policy=email.policy.default).get_content())
            for m in inbox.messages]


def org_named(engine, name: str) -> Organization | None:
    with new_session(engine, write=False) as session:
        return session.exec(select(Organization).where(Organization.name == name)).first()


@pytest.fixture
def applicant(browser, engine):
    make_user(engine, "ana@cryo-photonics.example", age=timedelta(days=30))
    sign_in(browser, "ana@cryo-photonics.example")
    return browser


@pytest.fixture
def staff(app, engine):
    make_user(engine, "staff@alliance.example", staff=True, age=timedelta(days=300))
    with TestClient(app) as client:
        sign_in(client, "staff@alliance.example")
        yield client


# ---- applying and approving -------------------------------------------------------------------------


def test_the_whole_flow_apply_review_approve_publish(applicant, staff, engine, smtp):  # noqa: F811
    page = applicant.get("/account/apply?lang=en")
    assert page.status_code == 200 and 'name="org_type"' in page.text and "no-store" in page.headers["cache-control"]
    assert 'hx-history="false"' in page.text and 'name="slug"' not in page.text

    response = apply(applicant, slug="evil-slug", status="active")  # not fields of the form: ignored
    assert response.status_code == 303 and response.headers["location"].startswith("/account/apply?submitted")
    assert "has been sent" in applicant.get(response.headers["location"] + "&lang=en").text
    org = org_named(engine, "Hefei Cryo Photonics")
    assert org.status == OrgStatus.pending and org.slug == "hefei-cryo-photonics"
    assert org.membership == "associate" and org.region == "central"

    # Nothing public before approval: page, search, API.
    assert applicant.get(f"/orgs/{org.slug}").status_code == 404
    hits = applicant.get("/api/v1/search", params={"q": "Cryo Photonics", "type": "organization"}).json()
    assert hits["total"] == 0
    assert "Hefei Cryo Photonics" in applicant.get("/account?lang=en").text  # the applicant sees it, as pending

    queue = staff.get("/staff/applications?lang=en")
    assert queue.status_code == 200 and "Hefei Cryo Photonics" in queue.text and "ana@cryo-photonics.example" in queue.text
    assert 'data-flag="' not in queue.text  # same domain, company address, an older account, one application
    assert staff.get("/staff/applications?lang=zh").status_code == 200
    assert applicant.get("/account/apply?lang=zh").status_code == 200

    approved = staff.post(f"/staff/applications/{org.id}/approve", data={"csrf_token": token(staff), "membership": "full"},
                          follow_redirects=False)
    assert approved.status_code == 303
    with new_session(engine, write=False) as session:
        org = session.get(Organization, org.id)
        assert org.status == OrgStatus.active and org.membership == "full" and org.approved_at is not None
        owner = session.exec(select(Membership, User).join(User, User.id == Membership.user_id)
                             .where(Membership.organization_id == org.id)).one()
        assert owner[0].role == MemberRole.owner and owner[1].email == "ana@cryo-photonics.example"
        actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.organization_id == org.id))]
        assert actions == ["organization.apply", "organization.approve"]

    assert applicant.get(f"/orgs/{org.slug}").status_code == 200
    hits = applicant.get("/api/v1/search", params={"q": "Cryo Photonics", "type": "organization"}).json()
    assert [h["slug"] for h in hits["hits"]] == [org.slug]
    [(recipients, body)] = mail_bodies(smtp)
    assert recipients == ["ana@cryo-photonics.example"] and "approved" in body and f"/account/orgs/{org.slug}" in body

    again = staff.post(f"/staff/applications/{org.id}/approve", data={"csrf_token": token(staff)})
    assert again.status_code == 409
    assert len(smtp.messages) == 1


def test_rejection_needs_a_reason_which_is_stored_and_mailed(applicant, staff, engine, smtp):  # noqa: F811
    apply(applicant)
    org = org_named(engine, "Hefei Cryo Photonics")
    before = database_fingerprint(engine)
    empty = staff.post(f"/staff/applications/{org.id}/reject", data={"csrf_token": token(staff), "reason": "   "})
    assert empty.status_code == 422 and "reason" in empty.text
    assert database_fingerprint(engine) == before and smtp.messages == []

    reason = "Please use your organisation's own e-mail domain."
    done = staff.post(f"/staff/applications/{org.id}/reject", data={"csrf_token": token(staff), "reason": reason},
                      follow_redirects=False)
    assert done.status_code == 303
    with new_session(engine, write=False) as session:
        org = session.get(Organization, org.id)
        assert org.status == OrgStatus.rejected and org.status_reason == reason
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "organization.reject")).one()
        assert entry.detail["reason"] == reason and entry.target_id == org.id
    [(recipients, body)] = mail_bodies(smtp)
    assert recipients == ["ana@cryo-photonics.example"] and reason in body
    assert applicant.get(f"/orgs/{org.slug}").status_code == 404
    assert "Hefei Cryo Photonics" not in staff.get("/staff/applications").text

    approve = staff.post(f"/staff/applications/{org.id}/approve", data={"csrf_token": token(staff)})
    assert approve.status_code == 409
    assert org_named(engine, "Hefei Cryo Photonics").status == OrgStatus.rejected
    # A rejected applicant may apply again under the same name.
    assert apply(applicant).status_code == 303


def test_non_staff_get_404_on_the_queue_and_on_decisions(applicant, engine):
    apply(applicant)
    org = org_named(engine, "Hefei Cryo Photonics")
    before = database_fingerprint(engine)
    assert applicant.get("/staff/applications").status_code == 404
    for action, data in (("approve", {"membership": "full"}), ("reject", {"reason": "no"})):
        response = applicant.post(f"/staff/applications/{org.id}/{action}", data={"csrf_token": token(applicant), **data})
        assert response.status_code == 404
    assert database_fingerprint(engine) == before
    with TestClient(applicant.app) as anonymous:
        assert anonymous.get("/staff/applications", follow_redirects=False).status_code == 303
        response = anonymous.post(f"/staff/applications/{org.id}/approve", data={"csrf_token": token(anonymous)},
                                  follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login")
        assert anonymous.get("/account/apply", follow_redirects=False).status_code == 303
    assert database_fingerprint(engine) == before


def test_unknown_application_and_bad_level_are_refused(staff, applicant, engine):
    apply(applicant)
    org = org_named(engine, "Hefei Cryo Photonics")
    assert staff.post("/staff/applications/999999/approve", data={"csrf_token": token(staff)}).status_code == 404
    bad = staff.post(f"/staff/applications/{org.id}/approve", data={"csrf_token": token(staff), "membership": "gold"})
    assert bad.status_code == 422 and "membership" in bad.text
    assert org_named(engine, "Hefei Cryo Photonics").status == OrgStatus.pending


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"org_type": "megacorp"}, "org_type"),
        ({"membership": ""}, "membership"),
        ({"country": "XX"}, "country"),
        ({"province": ""}, "province"),
        ({"province": "CN-ZZ"}, "province"),
        ({"website": "ftp://cryo.example"}, "website"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"name": "Bad\x07name"}, "name"),
        ({"description": "x" * 20_001}, "description"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(applicant, engine, overrides, field):
    before = database_fingerprint(engine)
    response = apply(applicant, **overrides)
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.text, response.text
    assert database_fingerprint(engine) == before


def test_a_duplicate_name_or_website_is_a_field_error(applicant, engine, session):
    make_org(session, name="Existing Quantum Ltd", website="https://existing.example")
    session.commit()
    by_name = apply(applicant, name="existing quantum ltd")
    assert by_name.status_code == 422 and 'id="e-name"' in by_name.text
    by_site = apply(applicant, website="https://www.existing.example/about")
    assert by_site.status_code == 422 and 'id="e-website"' in by_site.text
    assert org_named(engine, "Hefei Cryo Photonics") is None


def test_applications_are_rate_limited_per_user(applicant, engine):
    for n in range(APPLICATIONS_PER_USER_PER_DAY):
        assert apply(applicant, name=f"Org {n}", name_zh="", website=f"https://org-{n}.example").status_code == 303
    limited = apply(applicant, name="One too many", name_zh="", website="https://many.example")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert org_named(engine, "One too many") is None


def test_applications_are_rate_limited_per_address(app, engine):
    from app.organizations.applications import APPLICATIONS_PER_IP_PER_DAY

    made = 0
    for n in range(APPLICATIONS_PER_IP_PER_DAY // APPLICATIONS_PER_USER_PER_DAY + 1):
        make_user(engine, f"user{n}@sock.example")
        with TestClient(app) as client:
            sign_in(client, f"user{n}@sock.example")
            for m in range(APPLICATIONS_PER_USER_PER_DAY):
                response = apply(client, name=f"Sock {n}-{m}", name_zh="", website=f"https://s{n}-{m}.example")
                if response.status_code == 429:
                    assert made == APPLICATIONS_PER_IP_PER_DAY
                    return
                made += 1
    pytest.fail("the per-address limit never applied")


def test_the_queue_flags_what_deserves_a_second_look(app, staff, engine):
    make_user(engine, "new@gmail.com")  # an account made just now, with free mail
    with TestClient(app) as client:
        sign_in(client, "new@gmail.com")
        apply(client, name="Shady Quantum", name_zh="", website="https://shady.example", contact_email="boss@gmail.com")
        apply(client, name="Other Shady", name_zh="", website="https://other-shady.example",
              contact_email="info@unrelated.example")
    page = staff.get("/staff/applications?lang=en").text
    first, second = page.split('id="application-')[1:3]
    assert "Shady Quantum" in first and "Other Shady" in second  # oldest first
    assert {'data-flag="free_mail"', 'data-flag="new_account"', 'data-flag="several_from_applicant"',
            'data-flag="same_address"'} <= set(re.findall(r'data-flag="\w+"', first))
    assert 'data-flag="domain_mismatch"' in second and 'data-flag="free_mail"' not in second


def test_domains_are_compared_by_their_registrable_part():
    assert base_domain("www.lab.example.com.cn") == "example.com.cn"
    assert base_domain("mail.ustc.edu.cn") == "ustc.edu.cn"
    assert base_domain("www.example.com") == "example.com"


def test_application_text_is_stored_verbatim_and_shown_escaped(applicant, staff, engine):
    payload = f'{XSS}<img src=x onerror=alert(1)> <div hx-post="/staff/applications/1/approve" hx-trigger="load">'
    assert apply(applicant, name=f"Evil {XSS}", name_zh="", city=XSS, description=payload,
                 description_zh="{{ 7*7 }}").status_code == 303
    org = org_named(engine, f"Evil {XSS}")
    assert org.description == payload and org.city == XSS
    page = staff.get("/staff/applications").text
    assert XSS not in page and "&lt;script&gt;alert(" in page
    assert "<img src=x" not in page and 'hx-post="/staff/applications/1' not in page
    assert "{{ 7*7 }}" in page and ">49<" not in page


def test_posts_without_the_csrf_token_are_refused(applicant, staff, engine):
    before = database_fingerprint(engine)
    assert applicant.post("/account/apply", data=application()).status_code == 403
    assert database_fingerprint(engine) == before
    apply(applicant)
    org = org_named(engine, "Hefei Cryo Photonics")
    before = database_fingerprint(engine)
    assert staff.post(f"/staff/applications/{org.id}/approve", data={"membership": "full"}).status_code == 403
    assert staff.post(f"/staff/applications/{org.id}/reject", data={"reason": "no"}).status_code == 403
    assert staff.post(f"/staff/applications/{org.id}/approve",
                      data={"csrf_token": token(staff)}, headers={"Origin": "https://evil.example"}).status_code == 403
    assert database_fingerprint(engine) == before


# ---- members and invitations -----------------------------------------------------------------------


@pytest.fixture
def owned_org(engine):
    """An active organisation with an owner, and a second organisation with its own owner."""
    with unit_of_work(engine) as session:
        org = make_org(session, slug="qlab", name="Q Lab")
        other = make_org(session, slug="other-lab", name="Other Lab")
        for address, target in (("owner@qlab.example", org), ("boss@other.example", other)):
            user = create_user(session, data=UserCreate(email=address, password=PASSWORD))
            session.add(Membership(user_id=user.id, organization_id=target.id, role=MemberRole.owner))
        return org.id


def invite(client, address: str, slug: str = "qlab"):
    return client.post(f"/account/orgs/{slug}/members/invite", data={"csrf_token": token(client), "email": address},
                       follow_redirects=False)


def invitation_link(inbox) -> str:
    _, body = mail_bodies(inbox)[-1]
    return re.search(r"http://testserver(/account/invitations/[\w-]+)", body).group(1)


def test_an_owner_invites_an_editor_who_accepts(app, browser, owned_org, engine, smtp):  # noqa: F811
    sign_in(browser, "owner@qlab.example")
    assert browser.get("/account/orgs/qlab/members?lang=zh").status_code == 200
    page = browser.get("/account/orgs/qlab/members?lang=en")
    assert page.status_code == 200 and "owner@qlab.example" in page.text and "no-store" in page.headers["cache-control"]
    response = invite(browser, "Eve.Editor@QLab.example")
    assert response.status_code == 303
    assert "eve.editor@qlab.example" in browser.get("/account/orgs/qlab/members").text  # pending, listed
    [(recipients, _)] = mail_bodies(smtp)
    assert recipients == ["eve.editor@qlab.example"]
    link = invitation_link(smtp)
    with new_session(engine, write=False) as session:
        invitation = session.exec(select(Invitation)).one()
        assert link.rsplit("/", 1)[1] not in invitation.token_hash  # only the hash is stored
        assert timedelta(days=6) < invitation.expires_at - utcnow() <= timedelta(days=7)

    make_user(engine, "mallory@else.example")
    make_user(engine, "eve.editor@qlab.example")
    with TestClient(app) as anonymous:
        response = anonymous.get(link, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login?next=")
    with TestClient(app) as mallory:
        sign_in(mallory, "mallory@else.example")
        wrong = mallory.get(link + "?lang=en")
        assert wrong.status_code == 403 and "sent to e…@qlab.example" in wrong.text
        refused = mallory.post(link, data={"csrf_token": token(mallory)})
        assert refused.status_code == 403
    with TestClient(app) as eve:
        sign_in(eve, "eve.editor@qlab.example")
        assert eve.get(link).status_code == 200
        accepted = eve.post(link, data={"csrf_token": token(eve)}, follow_redirects=False)
        assert accepted.status_code == 303 and accepted.headers["location"] == "/account/orgs/qlab"
        assert eve.post(link, data={"csrf_token": token(eve)}).status_code == 404  # used once
        # Editors cannot see or change members.
        assert eve.get("/account/orgs/qlab/members").status_code == 404
        assert invite(eve, "friend@qlab.example").status_code == 404
    with new_session(engine, write=False) as session:
        roles = {u.email: m.role for m, u in session.exec(
            select(Membership, User).join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == owned_org))}
        assert roles == {"owner@qlab.example": MemberRole.owner, "eve.editor@qlab.example": MemberRole.editor}
        actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.organization_id == owned_org)
                                                   .order_by(AuditEntry.id))]
        assert actions == ["membership.invite", "membership.accept"]
    assert len(smtp.messages) == 1


def test_expired_or_unknown_invitations_are_not_found(browser, owned_org, engine, smtp):  # noqa: F811
    sign_in(browser, "owner@qlab.example")
    invite(browser, "owner@qlab.example")  # already a member
    assert smtp.messages == []
    invite(browser, "late@qlab.example")
    link = invitation_link(smtp)
    with unit_of_work(engine) as session:
        session.exec(select(Invitation)).one().expires_at = utcnow() - timedelta(seconds=1)
    assert browser.get(link).status_code == 404
    assert browser.get("/account/invitations/not-a-real-token").status_code == 404


def test_owners_remove_members_but_never_the_last_owner(app, browser, owned_org, engine):
    sign_in(browser, "owner@qlab.example")
    editor_id = make_user(engine, "ed@qlab.example")
    with unit_of_work(engine) as session:
        session.add(Membership(user_id=editor_id, organization_id=owned_org, role=MemberRole.editor))
    with new_session(engine, write=False) as session:
        rows = {m.user_id: m.id for m in session.exec(select(Membership).where(Membership.organization_id == owned_org))}
    owner_membership = next(mid for uid, mid in rows.items() if uid != editor_id)
    last = browser.post(f"/account/orgs/qlab/members/{owner_membership}/remove", data={"csrf_token": token(browser)})
    assert last.status_code == 409
    with TestClient(app) as editor:
        sign_in(editor, "ed@qlab.example")
        response = editor.post(f"/account/orgs/qlab/members/{owner_membership}/remove", data={"csrf_token": token(editor)})
        assert response.status_code == 404
    removed = browser.post(f"/account/orgs/qlab/members/{rows[editor_id]}/remove", data={"csrf_token": token(browser)},
                           follow_redirects=False)
    assert removed.status_code == 303
    with new_session(engine, write=False) as session:
        assert session.get(Membership, rows[editor_id]) is None
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "membership.remove")).one().target_id == rows[editor_id]


def test_another_organisations_owner_cannot_see_or_change_members(app, owned_org, engine):
    with new_session(engine, write=False) as session:
        membership_id = session.exec(select(Membership.id).where(Membership.organization_id == owned_org)).one()
    with TestClient(app) as intruder:
        sign_in(intruder, "boss@other.example")
        before = database_fingerprint(engine)
        assert intruder.get("/account/orgs/qlab/members").status_code == 404
        assert invite(intruder, "spy@other.example").status_code == 404
        assert intruder.post(f"/account/orgs/qlab/members/{membership_id}/remove",
                             data={"csrf_token": token(intruder)}).status_code == 404
        # Their own organisation's page does not reach another's member either.
        assert intruder.post(f"/account/orgs/other-lab/members/{membership_id}/remove",
                             data={"csrf_token": token(intruder)}).status_code == 404
    with TestClient(app) as anonymous:
        response = anonymous.get("/account/orgs/qlab/members", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login")
    assert database_fingerprint(engine) == before


def test_invitations_need_csrf_and_a_valid_address(browser, owned_org, engine, smtp):  # noqa: F811
    sign_in(browser, "owner@qlab.example")
    before = database_fingerprint(engine)
    no_token = browser.post("/account/orgs/qlab/members/invite", data={"email": "x@qlab.example"})
    assert no_token.status_code == 403
    bad = invite(browser, "not an address")
    assert bad.status_code == 422 and 'id="e-email"' in bad.text
    assert database_fingerprint(engine) == before and smtp.messages == []


# ---- abuse flags (RELIABILITY 63, 64) -------------------------------------------------------------------


def _flags_of(staff, name: str) -> set[str]:
    page = staff.get("/staff/applications?lang=en").text
    [card] = [part for part in page.split('id="application-')[1:] if name in part]
    return set(re.findall(r'data-flag="(\w+)"', card))


def test_applications_from_one_address_by_different_accounts_are_flagged(app, staff, engine):
    for n, name in enumerate(("Sock One", "Sock Two")):
        make_user(engine, f"sock{n}@sock-{n}.example", age=timedelta(days=30))
        with TestClient(app) as client:
            sign_in(client, f"sock{n}@sock-{n}.example")
            assert apply(client, name=name, name_zh="", website=f"https://sock-{n}.example",
                         contact_email=f"info@sock-{n}.example").status_code == 303
    for name in ("Sock One", "Sock Two"):
        assert _flags_of(staff, name) == {"same_address"}  # nothing else: older accounts, matching domains


def test_a_brand_new_account_and_a_domain_mismatch_are_flagged_each_on_its_own(app, staff, engine):
    make_user(engine, "fresh@fresh.example")  # made just now
    with TestClient(app) as client:
        sign_in(client, "fresh@fresh.example")
        apply(client, name="Fresh Quantum", name_zh="", website="https://fresh.example",
              contact_email="info@fresh.example")
    assert _flags_of(staff, "Fresh Quantum") == {"new_account"}
    make_user(engine, "old@elsewhere.example", age=timedelta(days=30))
    with TestClient(app) as client:
        sign_in(client, "old@elsewhere.example")
        apply(client, name="Mismatch Labs", name_zh="", website="https://mismatch.example",
              contact_email="info@unrelated.example")
    assert "domain_mismatch" in _flags_of(staff, "Mismatch Labs")


def test_the_apply_form_carries_a_stamp_and_a_fast_or_stampless_submission_is_flagged(applicant, staff, engine):
    assert 'name="form_started"' in applicant.get("/account/apply").text
    secret = applicant.app.state.settings.secret_key
    fast = {"csrf_token": token(applicant), "form_started": form_timing.stamp(secret),
            **application(name="Speedy Qubits", name_zh="", website="https://speedy.example",
                          contact_email="info@speedy.example")}
    assert applicant.post("/account/apply", data=fast, follow_redirects=False).status_code == 303
    bare = {"csrf_token": token(applicant), **application(name="Bare Qubits", name_zh="",
                                                            website="https://bare.example",
                                                            contact_email="info@bare.example")}
    assert applicant.post("/account/apply", data=bare, follow_redirects=False).status_code == 303
    assert "form_too_fast" in _flags_of(staff, "Speedy Qubits")
    assert "form_stamp_missing" in _flags_of(staff, "Bare Qubits")
    # The flag is a hint for staff: the application itself is pending like any other, nothing public.
    assert org_named(engine, "Speedy Qubits").status == OrgStatus.pending
