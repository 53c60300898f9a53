"""The webinar programme in real Chromium: a member proposes to present, staff accept it on the queue and
fill in the staff webinar form (capacity, slides), a member registers on the webinar page (htmx swaps the
registration box) and cancels. Screenshots of the staff form and the webinar page, desktop and phone."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import create_db_engine, new_session, unit_of_work
from app.models import Membership, Organization, Webinar, WebinarRegistration
from app.models.base import utcnow
from app.models.vocab import MemberRole
from app.web import BEIJING
from tests.browser.conftest import MEMBER_PASSWORD as PASSWORD
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def people(live_server):
    engine = create_db_engine(live_server.settings)
    with unit_of_work(engine) as session:
        org = session.exec(select(Organization).where(Organization.status == "active")
                           .order_by(Organization.slug.desc())).first()
        owner = create_user(session, data=UserCreate(email="wen@webinars.example", password=PASSWORD))
        session.add(Membership(user_id=owner.id, organization_id=org.id, role=MemberRole.owner))
        create_user(session, data=UserCreate(email="hui@alliance.example", password=PASSWORD, is_staff=True))
        slug = org.slug
    yield engine, slug
    engine.dispose()


def test_propose_accept_schedule_and_register(browser, live_server, people, screenshots):
    engine, org_slug = people
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    member, staff = context.new_page(), browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    staff.set_default_timeout(10_000)
    title = "Pulse-tube coolers without the noise"

    sign_in(member, "wen@webinars.example")
    member.goto(f"/account/orgs/{org_slug}/webinars?lang=en")
    member.fill("main [name=title]", title)
    member.fill("main [name=summary]", "How we took the vibration out of a 4 K stage, with measurements.")
    member.select_option("main [name=theme]", "hardware/cryogenics")
    member.click(f"form[action='/account/orgs/{org_slug}/webinars'] button[type=submit]")
    member.wait_for_url(re.compile(r"done=proposed"))
    assert 'data-status="pending"' in member.content()

    sign_in(staff, "hui@alliance.example")
    staff.goto("/staff/webinars/proposals?lang=en")
    card = staff.locator("li.card", has_text=title)
    start = (utcnow() + timedelta(days=30)).astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")
    card.locator("[name=starts_at]").fill(start)
    card.locator("form[action$='/accept'] button[type=submit]").click()
    staff.wait_for_url(re.compile(r"/staff/webinars/\d+\?done=saved"))
    # The staff webinar form, prefilled from the proposal: add seats and the slides, and save.
    assert staff.locator("main [name=title]").input_value() == title
    assert staff.locator("main [name=starts_at]").input_value() == start
    staff.fill("main [name=capacity]", "2")
    staff.fill("main [name=slides_url]", "https://slides.example/pulse-tube.pdf")
    staff.fill("main [name=title_zh]", "无噪声的脉冲管制冷机")
    staff.screenshot(path=screenshots / "staff-webinar-form-en.png", full_page=True)
    staff.click("main form.panel button[type=submit]")
    staff.wait_for_url(re.compile(r"/staff/webinars\?done=saved"))
    with new_session(engine, write=False) as session:
        webinar = session.exec(select(Webinar).where(Webinar.title == title)).one()
    assert webinar.capacity == 2 and webinar.starts_at.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M") == start
    staff.goto("/staff/webinars?lang=zh")
    staff.screenshot(path=screenshots / "staff-webinars-zh.png", full_page=True)

    member.goto(f"/webinars/{webinar.slug}?lang=en")
    assert "2 seats left" in member.locator("#registration").inner_text()
    member.click("#registration button[type=submit]")
    member.locator("#registration", has_text="You are registered.").wait_for()
    assert member.url.endswith(f"/webinars/{webinar.slug}?lang=en")  # htmx swapped the box in place
    with new_session(engine, write=False) as session:
        assert len(session.exec(select(WebinarRegistration).where(
            WebinarRegistration.webinar_id == webinar.id)).all()) == 1
    assert "1 seat left" in member.locator("#registration").inner_text()
    member.screenshot(path=screenshots / "webinar-registered-en.png", full_page=True)
    member.set_viewport_size(PHONE)
    member.goto(f"/webinars/{webinar.slug}?lang=zh")
    assert "您已报名" in member.locator("#registration").inner_text()
    member.screenshot(path=screenshots / "webinar-registered-phone-zh.png", full_page=True)
    member.click("#registration button[type=submit]")  # cancel
    member.locator("#registration", has_text="您的报名已取消").wait_for()
    context.close()
    staff.context.close()
    # A reader in Berlin sees the start in Beijing time and, beside it, in their own zone.
    berlin = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/Berlin")
    page = berlin.new_page()
    page.goto(f"/webinars/{webinar.slug}?lang=en")
    local = page.locator(".local-time")
    local.wait_for()
    expected = webinar.starts_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    assert "your time" in local.inner_text() and expected in local.inner_text(), local.inner_text()
    berlin.close()
