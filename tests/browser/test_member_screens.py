"""Screens of the member and staff areas added with issue 5, in both languages, to look at
(test-artifacts/screenshots/), and the checks that go with them: a token is shown once, the workspace and
staff queues render without CSP violations, and the page watch really catches a violation."""

import re

import pytest
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import create_db_engine, unit_of_work
from app.models import Listing, Membership, Organization
from app.models.states import ListingStatus
from app.models.vocab import MemberRole
from tests.browser.conftest import MEMBER_PASSWORD as PASSWORD
from tests.browser.conftest import sign_in, watched

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def accounts(live_server):
    """An owner of a demo organisation and a staff member (made once for the module's screens)."""
    engine = create_db_engine(live_server.settings)
    with unit_of_work(engine) as session:
        org = session.exec(select(Organization).where(Organization.status == "active")).first()
        owner = create_user(session, data=UserCreate(email="carol@screens.example", password=PASSWORD))
        session.add(Membership(user_id=owner.id, organization_id=org.id, role=MemberRole.owner))
        create_user(session, data=UserCreate(email="dora@alliance.example", password=PASSWORD, is_staff=True))
        slug = org.slug
    yield engine, slug
    engine.dispose()


def test_an_owner_creates_a_token_that_is_shown_once(page, accounts, screenshots):
    _, slug = accounts
    sign_in(page, "carol@screens.example")
    page.goto(f"/account/orgs/{slug}/tokens?lang=en")
    page.fill("main [name=name]", "Nightly catalogue sync")
    page.click(f"form[action='/account/orgs/{slug}/tokens'] button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    text = page.locator("main").inner_text()
    secret = re.search(r"qm_[0-9a-f]{8}_\S+", text)
    assert secret, text
    page.screenshot(path=screenshots / "workspace-token-created-en.png", full_page=True)
    page.goto(f"/account/orgs/{slug}/tokens?lang=zh")
    assert secret.group(0) not in page.content()  # listed by prefix only from now on
    assert "Nightly catalogue sync" in page.locator("main").inner_text()
    page.screenshot(path=screenshots / "workspace-tokens-zh.png", full_page=True)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_screens_of_the_workspace(page, accounts, screenshots, language):
    _, slug = accounts
    sign_in(page, "carol@screens.example")
    for name, path in (("workspace-home", f"/account/orgs/{slug}"), ("workspace-listings", f"/account/orgs/{slug}/listings"),
                       ("account-email", "/account/email"), ("workspace-delete", f"/account/orgs/{slug}/delete")):
        response = page.goto(f"{path}?lang={language}")
        assert response.status == 200, path
        page.screenshot(path=screenshots / f"{name}-{language}.png", full_page=True)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_screens_of_the_staff_queues(page, accounts, screenshots, language):
    engine, slug = accounts
    with unit_of_work(engine) as session:  # something in each queue: a listing in review, one deleted
        listings = session.exec(select(Listing).join(Organization).where(Organization.slug == slug,
                                                                         Listing.status == ListingStatus.published)).all()
        if len(listings) >= 2:
            listings[0].status = ListingStatus.review
            listings[1].status, listings[1].deleted_at = ListingStatus.deleted, listings[1].updated_at
    sign_in(page, "dora@alliance.example")
    for name, path in (("staff-home", "/staff"), ("staff-users", "/staff/users"), ("staff-listings", "/staff/listings"),
                       ("staff-inquiries", "/staff/inquiries"), ("staff-deleted", "/staff/deleted")):
        response = page.goto(f"{path}?lang={language}")
        assert response.status == 200, path
        page.screenshot(path=screenshots / f"{name}-{language}.png", full_page=True)
    page.goto(f"/staff/users?lang={language}")
    page.fill("#f-q", "carol@")
    page.wait_for_function("() => document.querySelectorAll('#user-results li, #user-results tr').length >= 1")
    assert "carol@screens.example" in page.locator("#user-results").inner_text()


def test_the_page_watch_catches_a_csp_violation(browser, live_server):
    """The watch the other tests rely on: a script without the nonce is refused by the browser, and seen."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    watch = watched(page)
    page.goto("/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'alert(1)';"
                  " document.body.appendChild(s); }")
    page.wait_for_timeout(200)
    context.close()
    assert watch.violations and watch.dialogs == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_refused_listing_form_names_its_fields_in_the_readers_language(page, accounts, screenshots, language):
    _, slug = accounts
    sign_in(page, "carol@screens.example")
    page.goto(f"/account/orgs/{slug}/listings/new?lang={language}")
    page.select_option("main [name=kind]", "product")
    page.select_option("main [name=category]", "hardware/cryogenics")
    page.fill("main [name=title]", "x" * 201)
    page.fill("main [name=datasheet_url]", "http://cryo.example/datasheet.pdf")
    page.click(f"form[action='/account/orgs/{slug}/listings/new'] button[type=submit]")
    page.wait_for_selector("main .field-error")
    errors = page.locator("main .field-error").all_inner_texts()
    assert len(errors) == 2, errors
    if language == "zh":
        assert all(re.search(r"[\u4e00-\u9fff]", text) and not re.search(r"\bmust\b", text) for text in errors), errors
    else:
        assert all(re.search(r"\bmust\b|characters|https", text) for text in errors), errors
    summary = page.locator("main .field-errors").inner_text()
    assert ("标题（英文）" in summary) if language == "zh" else ("Title (English)" in summary), summary
    page.screenshot(path=screenshots / f"workspace-listing-errors-{language}.png", full_page=True)
