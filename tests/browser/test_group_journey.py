"""Joining a working group in a real browser: a member organisation's owner asks to join on the group page,
the chair approves on the management page, and the organisation appears among the group's members. The
group page is kept as screenshots (test-artifacts/screenshots/) on a desktop and on a phone."""

import pytest
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import create_db_engine, unit_of_work
from app.models import GroupAnnouncement, Membership, Organization, WorkingGroupChair
from app.models.states import OrgStatus
from app.models.vocab import MemberRole
from tests.browser.conftest import MEMBER_PASSWORD as PASSWORD
from tests.browser.conftest import sign_in, watched
from tests.factories import make_group, make_webinar

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def group_of_two(live_server):
    """A group of its own (the demo groups stay as other tests know them): one demo organisation is a member
    and its owner chairs the group; the owner of another demo organisation will ask to join."""
    engine = create_db_engine(live_server.settings)
    with unit_of_work(engine) as session:
        founder, joiner = session.exec(select(Organization).where(Organization.status == OrgStatus.active)
                                       .order_by(Organization.slug).limit(2)).all()
        group = make_group(session, members=[founder], name="Quantum repeaters", name_zh="量子中继工作组",
                           mission="Build **interoperable** quantum repeaters.", mission_zh="共建**可互通**的量子中继。")
        group.slug = "browser-quantum-repeaters"
        chair = create_user(session, data=UserCreate(email="chair@repeaters.example", password=PASSWORD,
                                                     display_name="Prof. Lin Chair"))
        asker = create_user(session, data=UserCreate(email="asker@repeaters.example", password=PASSWORD))
        session.add_all([Membership(user_id=chair.id, organization_id=founder.id, role=MemberRole.owner),
                         Membership(user_id=asker.id, organization_id=joiner.id, role=MemberRole.owner),
                         WorkingGroupChair(group_id=group.id, user_id=chair.id)])
        session.flush()
        session.add(GroupAnnouncement(group_id=group.id, author_id=chair.id, title="Kick-off meeting in Hefei",
                                      body="We meet on **15 January**; the agenda follows."))
        make_webinar(session, days_from_now=20, title="Repeater roadmap 2027", group=group)
        names = (founder.name, joiner.name, joiner.slug)
    yield group.slug, names
    engine.dispose()


def test_a_member_asks_to_join_and_the_chair_approves(browser, live_server, group_of_two, screenshots):
    slug, (founder_name, joiner_name, joiner_slug) = group_of_two
    asker_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    chair_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    for context in (asker_context, chair_context):
        context.set_default_timeout(10_000)
    asker, chair = asker_context.new_page(), chair_context.new_page()
    watches = [watched(p) for p in (asker, chair)]
    try:
        sign_in(asker, "asker@repeaters.example")
        asker.goto(f"/groups/{slug}?lang=en")
        members = asker.locator("section[aria-labelledby=members-heading]")
        assert founder_name in members.inner_text() and joiner_name not in members.inner_text()
        asker.fill("#membership [name=message]", "We build quantum memories for repeaters.")
        asker.click(f"form[action='/groups/{slug}/join'] button[type=submit]")
        asker.wait_for_load_state("domcontentloaded")
        assert "Your request was sent" in asker.locator("#membership").inner_text()
        assert "Pending approval" in asker.locator("#membership").inner_text()

        sign_in(chair, "chair@repeaters.example")
        chair.goto(f"/groups/{slug}?lang=zh")
        chair.click(f"a[href='/groups/{slug}/manage']")
        chair.wait_for_load_state("domcontentloaded")
        request_card = chair.locator("li.card", has_text="We build quantum memories for repeaters.")
        chair.screenshot(path=screenshots / "group-manage-zh.png", full_page=True)
        request_card.locator("form[action$='/approve'] button").click()
        chair.wait_for_load_state("domcontentloaded")
        assert "该机构已成为成员" in chair.locator("main").inner_text()

        asker.goto(f"/groups/{slug}?lang=en")
        assert joiner_name in asker.locator("section[aria-labelledby=members-heading]").inner_text()
        assert asker.locator(f"section[aria-labelledby=members-heading] a[href='/orgs/{joiner_slug}']").count() == 1
        assert "Leave the group" in asker.locator("#membership").inner_text()
        page_text = asker.locator("main").inner_text()
        assert "Kick-off meeting in Hefei" in page_text and "Repeater roadmap 2027" in page_text
        assert "Prof. Lin Chair" in page_text and "chair@repeaters.example" not in asker.content()
        asker.screenshot(path=screenshots / "group-page-member-en.png", full_page=True)
        asker.set_viewport_size(PHONE)
        asker.goto(f"/groups/{slug}?lang=zh")
        asker.screenshot(path=screenshots / "group-page-member-zh-phone.png", full_page=True)
        width = asker.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the group page scrolls sideways on a phone ({width}px)"
    finally:
        asker_context.close()
        chair_context.close()
    for watch in watches:
        watch.assert_clean()
