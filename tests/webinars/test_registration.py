"""Built-in registration: a signed-in member takes a seat, gets a confirmation with the .ics (through a real
local SMTP server), can cancel; capacity, past sessions, outside registration pages and double registration
are refused naming the field; the day-before reminder goes once."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import User, WebinarRegistration
from app.models.base import utcnow
from app.webinars.reminders import send_reminders
from tests.factories import make_webinar
from tests.helpers import PASSWORD, post_form, sign_in
from tests.webinars.ics import parse_ics


@pytest.fixture
def world(settings, engine, smtp):
    with unit_of_work(engine) as session:
        for email in ("ada@member.example", "ben@member.example", "cai@member.example"):
            create_user(session, data=UserCreate(email=email, password=PASSWORD))
        slugs = {
            "open": make_webinar(session, days_from_now=10, registration_url=None, title="Cryostats in practice",
                                 title_zh="低温恒温器实践").slug,
            "small": make_webinar(session, days_from_now=10, registration_url=None, capacity=1).slug,
            "outside": make_webinar(session, days_from_now=10).slug,
            "past": make_webinar(session, days_from_now=-3, registration_url=None).slug,
            "tomorrow": make_webinar(session, days_from_now=0.5, registration_url=None).slug,
        }
    app = create_app(settings.model_copy(update={"smtp_url": smtp.url}))
    return app, slugs


def client_of(app, email: str | None) -> TestClient:
    client = TestClient(app)
    if email:
        sign_in(client, email)
    return client


def seats(engine) -> list[tuple[int, str]]:
    with new_session(engine, write=False) as session:
        rows = session.exec(select(WebinarRegistration.webinar_id, User.email)
                            .join(User, User.id == WebinarRegistration.user_id)).all()
    return [tuple(r) for r in rows]


def test_register_confirms_by_mail_with_the_calendar_file_then_cancel(world, engine, smtp):
    app, slugs = world
    ada = client_of(app, "ada@member.example")
    page = ada.get(f"/webinars/{slugs['open']}", params={"lang": "en"}).text
    assert f'action="/webinars/{slugs["open"]}/registration"' in page
    response = post_form(ada, f"/webinars/{slugs['open']}/registration", {})
    assert response.status_code == 303
    assert response.headers["location"] == f"/webinars/{slugs['open']}?done=registered#registration"
    assert [email for _, email in seats(engine)] == ["ada@member.example"]
    (mail,) = smtp.parsed()
    assert mail["To"] == "ada@member.example" and "Cryostats in practice" in mail["Subject"]
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == f"{slugs['open']}.ics"
    (event,) = parse_ics(attachment.get_payload(decode=True).decode("utf-8"))["events"]
    assert event["SUMMARY"] == "Cryostats in practice / 低温恒温器实践"
    page = ada.get(f"/webinars/{slugs['open']}", params={"lang": "en"}).text
    assert "You are registered." in page and "/registration/cancel" in page
    # A second registration is refused, naming the field; nothing is written.
    again = post_form(ada, f"/webinars/{slugs['open']}/registration", {})
    assert again.status_code == 422 and 'id="e-registration"' in again.text
    assert len(seats(engine)) == 1
    assert post_form(ada, f"/webinars/{slugs['open']}/registration/cancel", {}).status_code == 303
    assert seats(engine) == []
    assert post_form(ada, f"/webinars/{slugs['open']}/registration/cancel", {}).status_code == 422


def test_htmx_swaps_only_the_registration_box(world):
    app, slugs = world
    ben = client_of(app, "ben@member.example")
    response = post_form(ben, f"/webinars/{slugs['open']}/registration", {}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="registration"') and "<html" not in response.text
    assert "/registration/cancel" in response.text  # the box now offers to cancel


def test_capacity_past_sessions_and_outside_pages_are_refused_naming_the_field(world, engine):
    app, slugs = world
    ada, ben = client_of(app, "ada@member.example"), client_of(app, "ben@member.example")
    assert post_form(ada, f"/webinars/{slugs['small']}/registration", {}).status_code == 303
    full = post_form(ben, f"/webinars/{slugs['small']}/registration", {})
    assert full.status_code == 422 and 'id="e-capacity"' in full.text
    assert "This webinar is full." in ben.get(f"/webinars/{slugs['small']}", params={"lang": "en"}).text
    past = post_form(ben, f"/webinars/{slugs['past']}/registration", {})
    assert past.status_code == 422 and 'id="e-webinar"' in past.text
    outside = post_form(ben, f"/webinars/{slugs['outside']}/registration", {})
    assert outside.status_code == 422 and 'id="e-registration_url"' in outside.text
    assert [email for _, email in seats(engine)] == ["ada@member.example"]


def test_registering_needs_a_signed_in_member(world, engine):
    app, slugs = world
    anonymous = client_of(app, None)
    page = anonymous.get(f"/webinars/{slugs['open']}", params={"lang": "en"}).text
    assert "Sign in to register" in page
    response = post_form(anonymous, f"/webinars/{slugs['open']}/registration", {})
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login")
    assert seats(engine) == []
    assert post_form(client_of(app, "ada@member.example"), "/webinars/no-such-webinar/registration",
                     {}).status_code == 404


def test_the_reminder_goes_the_day_before_and_only_once(world, engine, smtp, settings):
    app, slugs = world
    for email in ("ada@member.example", "cai@member.example"):
        post_form(client_of(app, email), f"/webinars/{slugs['tomorrow']}/registration", {})
    post_form(client_of(app, "ben@member.example"), f"/webinars/{slugs['open']}/registration", {})  # in 10 days
    smtp.messages.clear()
    with unit_of_work(engine) as session:  # cai's account is closed meanwhile: no mail to a closed account
        session.exec(select(User).where(User.email == "cai@member.example")).one().is_active = False
    mail_settings = settings.model_copy(update={"smtp_url": smtp.url})
    with unit_of_work(engine) as session:
        assert send_reminders(session, settings=mail_settings, base_url="https://qmarket.example") == 1
    (mail,) = smtp.parsed()
    assert mail["To"] == "ada@member.example" and mail["Subject"].startswith("Tomorrow")
    assert f"https://qmarket.example/webinars/{slugs['tomorrow']}" in mail.get_content()
    with unit_of_work(engine) as session:
        assert send_reminders(session, settings=mail_settings) == 0  # each registration once
    # Ben's session is ten days away: his reminder comes nine days from now, not today.
    with unit_of_work(engine) as session:
        assert send_reminders(session, settings=mail_settings, now=utcnow() + timedelta(days=9, hours=12)) == 1
