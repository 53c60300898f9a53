"""Chairs post announcements (mailed after commit, once per person, only to those who want group mail, of
active member organisations) and keep the group's documents; the group page shows both and the group's
upcoming webinars."""

from sqlmodel import select

from app.db import new_session, unit_of_work
from app.models import GroupAnnouncement, GroupDocument, Membership, Organization, User, WorkingGroup, WorkingGroupMember
from app.models.states import OrgStatus
from app.models.vocab import MemberRole
from tests.community.group_world import add_person, audit_rows
from tests.factories import make_org, make_webinar
from tests.helpers import post_form, sign_in


def _with_mail(client, smtp):
    client.app.state.settings = client.app.state.settings.model_copy(update={"smtp_url": smtp.url})


def _announce(client, title="Plenary on 12 March", body="Agenda: **QKD interoperability**."):
    return post_form(client, "/groups/qnet/manage/announcements", {"title": title, "body": body})


def _stored(engine, model):
    with new_session(engine, write=False) as session:
        return list(session.exec(select(model).order_by(model.id)).all())


def test_an_announcement_reaches_each_wanting_person_of_active_members_once(client, engine, group_world, smtp):
    with unit_of_work(engine) as session:
        founder = session.get(Organization, group_world.founder_id)
        joiner = session.get(Organization, group_world.joiner_id)
        asleep = make_org(session, slug="asleep")
        asleep.status = OrgStatus.suspended
        for org in (joiner, asleep):
            session.add(WorkingGroupMember(group_id=group_world.group_id, organization_id=org.id))
        add_person(session, "quiet@founder.example", founder, MemberRole.editor).group_mail = False
        add_person(session, "sleeper@asleep.example", asleep)
        gone = add_person(session, "gone@founder.example", founder)
        gone.is_active = False
        both = session.exec(select(User).where(User.email == "owner@joiner.example")).one()
        session.add(Membership(user_id=both.id, organization_id=founder.id, role=MemberRole.editor))
    _with_mail(client, smtp)
    sign_in(client, "chair@qnet.example")
    response = _announce(client)
    assert response.status_code == 303 and response.headers["location"] == "/groups/qnet/manage?done=announced"

    mails = smtp.parsed()
    assert sorted(m["To"] for m in mails) == ["chair@qnet.example", "editor@joiner.example", "owner@joiner.example"]
    assert all(len(envelope.rcpt_tos) == 1 for envelope in smtp.messages)  # nobody sees another's address
    assert mails[0]["Subject"] == "[Quantum networking] Plenary on 12 March"
    assert "QKD interoperability" in mails[0].get_content() and "/account" in mails[0].get_content()
    [post] = _stored(engine, GroupAnnouncement)
    assert post.title == "Plenary on 12 March" and post.author_id is not None
    [row] = audit_rows(engine, "group.announce")
    assert row.target_id == post.id and row.actor_id == post.author_id


def test_the_group_page_shows_announcements_newest_first_with_markdown_rendered(client, engine, group_world):
    sign_in(client, "chair@qnet.example")
    _announce(client, title="First news", body="one")
    _announce(client, title="Second news", body="see <script>alert(1)</script> *this*")
    page = client.get("/groups/qnet?lang=en").text
    assert page.index("Second news") < page.index("First news")
    assert "<em>this</em>" in page and "<script>alert(1)" not in page


def test_an_announcement_needs_a_title_and_text_and_only_a_chair_or_staff_posts(client, engine, group_world, smtp):
    _with_mail(client, smtp)
    sign_in(client, "owner@joiner.example")
    assert _announce(client).status_code == 404
    sign_in(client, "chair@qnet.example")
    for title, body, field in (("", "text", "title"), ("Title", "  ", "body"), ("t" * 201, "text", "title")):
        response = _announce(client, title=title, body=body)
        assert response.status_code == 422 and f'id="e-{field}"' in response.text, (title, body)
    assert _stored(engine, GroupAnnouncement) == [] and smtp.messages == []
    sign_in(client, "staff@alliance.example")
    assert _announce(client).status_code == 303


def test_no_mail_when_nobody_wants_it(client, engine, group_world, smtp):
    with unit_of_work(engine) as session:
        for user in session.exec(select(User)).all():
            user.group_mail = False
    _with_mail(client, smtp)
    sign_in(client, "chair@qnet.example")
    assert _announce(client).status_code == 303
    assert smtp.messages == [] and len(_stored(engine, GroupAnnouncement)) == 1


def test_documents_are_added_listed_and_removed(client, engine, group_world):
    sign_in(client, "chair@qnet.example")
    for url, title in (("javascript:alert(1)", "Charter"), ("ftp://files.example/charter.pdf", "Charter"),
                       ("https://", "Charter"), ("https://docs.example/charter.pdf", "")):
        response = post_form(client, "/groups/qnet/manage/documents", {"title": title, "url": url})
        field = "title" if not title else "url"
        assert response.status_code == 422 and f'id="e-{field}"' in response.text, url
    assert _stored(engine, GroupDocument) == []
    for url in ("https://docs.example/charter.pdf", "http://intranet.example/minutes"):
        assert post_form(client, "/groups/qnet/manage/documents", {"title": f"Doc {url[-7:]}", "url": url}).status_code == 303
    page = client.get("/groups/qnet?lang=en").text
    assert 'href="https://docs.example/charter.pdf"' in page and 'href="http://intranet.example/minutes"' in page
    first, second = _stored(engine, GroupDocument)

    sign_in(client, "owner@other.example")
    assert post_form(client, f"/groups/qnet/manage/documents/{first.id}/delete").status_code == 404
    sign_in(client, "chair@qnet.example")
    assert post_form(client, "/groups/qnet/manage/documents/99999/delete").status_code == 404
    assert post_form(client, "/groups/qnet/manage/documents/0/delete").status_code == 422
    assert post_form(client, f"/groups/qnet/manage/documents/{first.id}/delete").status_code == 303
    assert [d.id for d in _stored(engine, GroupDocument)] == [second.id]
    assert [row.action for row in audit_rows(engine, "group.document")] == ["group.document_add"] * 2 + [
        "group.document_remove"]


def test_the_page_lists_upcoming_webinars_of_the_group_and_chairs_without_addresses(client, engine, group_world):
    with unit_of_work(engine) as session:
        group = session.get(WorkingGroup, group_world.group_id)
        ours = make_webinar(session, days_from_now=10, title="Repeater roadmap", group=group)
        make_webinar(session, days_from_now=-10, title="Last year's repeaters", group=group)
        make_webinar(session, days_from_now=5, title="Somebody else's webinar")
    page = client.get("/groups/qnet?lang=en").text
    assert f'href="/webinars/{ours.slug}"' in page and "Repeater roadmap" in page
    assert "Last year's repeaters" not in page and "Somebody else" not in page
    assert "Dr. Chair Person" in page and "Founder Photonics" in page
    assert "chair@qnet.example" not in page


def test_the_mail_preference_is_switched_on_the_account_page(client, engine, group_world):
    sign_in(client, "owner@joiner.example")
    home = client.get("/account?lang=en")
    assert 'action="/account/group-mail"' in home.text and "Stop these e-mails" in home.text
    response = post_form(client, "/account/group-mail", {"group_mail": "off"})
    assert response.status_code == 303 and response.headers["location"].startswith("/account?saved=group_mail")

    def wants() -> bool:
        with new_session(engine, write=False) as session:
            return session.exec(select(User.group_mail).where(User.email == "owner@joiner.example")).one()

    assert wants() is False
    assert "Receive them again" in client.get("/account?lang=en&saved=group_mail").text
    assert post_form(client, "/account/group-mail", {"group_mail": "maybe"}).status_code == 422
    assert wants() is False
    client.cookies.clear()
    refused = client.post("/account/group-mail", data={"group_mail": "on"}, follow_redirects=False)
    assert refused.status_code in (403, 303) and wants() is False  # without the CSRF token nothing changes
    sign_in(client, "owner@joiner.example")
    assert post_form(client, "/account/group-mail", {"group_mail": "on"}).status_code == 303 and wants() is True
    assert [row.detail for row in audit_rows(engine, "account.group_mail")] == [{"group_mail": False},
                                                                              {"group_mail": True}]
