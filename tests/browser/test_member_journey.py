"""The whole member journey in a real browser (issue 5): sign up → apply → staff approves → publish a
bilingual listing (a new organisation's first listing waits for staff) → found by search → post a job →
staff approves → on the jobs board → another member sends an inquiry (a member's first inquiries wait for
staff too) → the owner sees it."""

import re

import pytest
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import create_db_engine, unit_of_work
from app.models import Inquiry, Job, Listing, Membership, Organization
from app.models.vocab import MemberRole
from tests.browser.conftest import MEMBER_PASSWORD as PASSWORD
from tests.browser.conftest import sign_in, watched

pytestmark = pytest.mark.browser


@pytest.fixture
def people(live_server):
    """Staff, and a member of an existing organisation who will send the inquiry."""
    engine = create_db_engine(live_server.settings)
    with unit_of_work(engine) as session:
        create_user(session, data=UserCreate(email="staff@alliance.example", password=PASSWORD, is_staff=True))
        bob = create_user(session, data=UserCreate(email="bob@haipu.example", password=PASSWORD))
        haipu = session.exec(select(Organization).where(Organization.slug == "haipu-photonics")).one()
        session.add(Membership(user_id=bob.id, organization_id=haipu.id, role=MemberRole.owner))
    yield engine
    engine.dispose()


def choose(page, name: str, value: str) -> None:
    """Set a form field whether the page offers a list or a text box for it."""
    if page.locator(f"main select[name={name}]").count():
        page.select_option(f"main select[name={name}]", value)
    else:
        page.fill(f"main [name={name}]", value)


def submit(page, form_selector: str) -> None:
    page.click(f"{form_selector} button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def test_from_sign_up_to_an_answered_inquiry(browser, live_server, people):
    alice_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    staff_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    bob_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    for context in (alice_context, staff_context, bob_context):
        context.set_default_timeout(10_000)
    alice, staff, bob = alice_context.new_page(), staff_context.new_page(), bob_context.new_page()
    watches = [watched(p) for p in (alice, staff, bob)]
    try:
        # Alice signs up and applies for her organisation.
        alice.goto("/account/signup?lang=en")
        alice.fill("main [name=email]", "alice@qubit-forge.example")
        alice.fill("main [name=display_name]", "Alice")
        alice.fill("main [name=password]", PASSWORD)
        submit(alice, "form[action='/account/signup']")
        # Sign-up answers the same whether or not the address had an account, so it does not sign in.
        alice.wait_for_url(re.compile(r"/account/login\?welcome=1$"))
        sign_in(alice, "alice@qubit-forge.example")
        alice.goto("/account/apply?lang=en")
        alice.fill("main [name=name]", "Qubit Forge")
        alice.fill("main [name=name_zh]", "量子锻造")
        alice.select_option("main [name=org_type]", "sme")
        alice.select_option("main [name=membership]", "full")
        choose(alice, "country", "CN")
        choose(alice, "province", "CN-AH")
        alice.fill("main [name=city]", "Hefei")
        alice.fill("main [name=website]", "https://qubit-forge.example")
        alice.fill("main [name=contact_email]", "sales@qubit-forge.example")
        alice.fill("main [name=description]", "We build compact cryostats.")
        alice.fill("main [name=description_zh]", "我们制造紧凑型低温恒温器。")
        submit(alice, "form[action='/account/apply']")
        with unit_of_work(people) as session:
            org = session.exec(select(Organization).where(Organization.name == "Qubit Forge")).one()
            slug, org_id = org.slug, org.id
        assert alice.goto(f"/orgs/{slug}").status == 404  # nothing public before approval

        # Staff approve it.
        sign_in(staff, "staff@alliance.example")
        staff.goto("/staff/applications?lang=en")
        submit(staff, f"form[action='/staff/applications/{org_id}/approve']")
        assert alice.goto(f"/orgs/{slug}").status == 200

        # Alice publishes a listing in both languages; search finds it.
        alice.goto(f"/account/orgs/{slug}/listings/new?lang=en")
        alice.select_option("main [name=kind]", "product")
        alice.select_option("main [name=category]", "hardware/cryogenics")
        alice.fill("main [name=title]", "Forge QF-7 compact cryostat")
        alice.fill("main [name=title_zh]", "锻造 QF-7 紧凑型低温恒温器")
        alice.fill("main [name=summary]", "A 4 K cryostat the size of a suitcase.")
        alice.fill("main [name=description]", "Closed-cycle, **4 K**, two optical ports.")
        alice.fill("main [name=description_zh]", "闭循环，**4 K**，两个光学窗口。")
        submit(alice, f"form[action='/account/orgs/{slug}/listings/new']")
        alice.goto(f"/account/orgs/{slug}/listings?lang=en")
        submit(alice, f"form[action$='/publish']")
        with unit_of_work(people) as session:
            listing_id, listing_slug = session.exec(select(Listing.id, Listing.slug)
                                                    .where(Listing.organization_id == org_id)).one()
        assert alice.goto(f"/listings/{listing_slug}").status == 404  # waiting for staff
        staff.goto("/staff/listings?lang=en")
        assert "Forge QF-7 compact cryostat" in staff.locator("main").inner_text()
        submit(staff, f"form[action='/staff/listings/{listing_id}/approve']")
        alice.goto("/search?q=QF-7&lang=zh")
        assert "锻造 QF-7 紧凑型低温恒温器" in alice.locator("main").inner_text()

        # Alice posts a job; staff approve it; it is on the board.
        alice.goto(f"/account/orgs/{slug}/jobs/new?lang=en")
        alice.fill("main [name=title]", "Cryostat assembly engineer at Qubit Forge")
        alice.select_option("main [name=function]", "engineering")
        alice.select_option("main [name=employment_type]", "full_time")
        alice.select_option("main [name=workplace]", "onsite")
        choose(alice, "country", "CN")
        alice.fill("main [name=city]", "Hefei")
        alice.fill("main [name=description]", "Assemble and test compact cryostats.")
        alice.fill("main [name=apply_url]", "https://qubit-forge.example/jobs/assembly")
        submit(alice, f"form[action='/account/orgs/{slug}/jobs/new']")
        alice.goto(f"/account/orgs/{slug}/jobs?lang=en")
        submit(alice, "form[action$='/submit']")
        with unit_of_work(people) as session:
            job_id = session.exec(select(Job.id).where(Job.organization_id == org_id)).one()
        staff.goto("/staff/jobs?lang=en")
        submit(staff, f"form[action='/staff/jobs/{job_id}/approve']")
        alice.goto("/jobs?lang=en&q=Qubit+Forge")
        assert "Cryostat assembly engineer at Qubit Forge" in alice.locator("main").inner_text()

        # Bob, a member of another organisation, sends an inquiry; Alice sees it.
        sign_in(bob, "bob@haipu.example")
        bob.goto(f"/orgs/{slug}")
        bob.fill("#inquiry-subject", "关于 QF-7 的询价")
        bob.fill("#inquiry-message", "请提供 QF-7 的报价和交货期。")
        submit(bob, f"form[action='/orgs/{slug}/inquiries']")
        alice.goto(f"/account/orgs/{slug}/inquiries?lang=en")
        assert "关于 QF-7 的询价" not in alice.locator("main").inner_text()  # Bob's first: staff look first
        with unit_of_work(people) as session:
            inquiry_id = session.exec(select(Inquiry.id).where(Inquiry.organization_id == org_id)).one()
        staff.goto("/staff/inquiries?lang=en")
        submit(staff, f"form[action='/staff/inquiries/{inquiry_id}/release']")
        alice.goto(f"/account/orgs/{slug}/inquiries?lang=en")
        assert "关于 QF-7 的询价" in alice.locator("main").inner_text()
        for watch in watches:
            watch.assert_clean()  # no CSP violation and no script dialog on any page of the journey
    finally:
        for context in (alice_context, staff_context, bob_context):
            context.close()
