"""Staff schedule a webinar in Beijing time, edit it, add its recording; bad input names the field."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import AuditEntry, Organization, Webinar, WebinarPresenter
from app.models.base import utcnow
from tests.factories import make_group, make_listing, make_org
from tests.helpers import PASSWORD, post_form, sign_in

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def staff_client(settings, engine):
    with unit_of_work(engine) as session:
        create_user(session, data=UserCreate(email="staff@alliance.example", password=PASSWORD, is_staff=True))
        create_user(session, data=UserCreate(email="member@org.example", password=PASSWORD))
        org = make_org(session, slug="kestrel-quantum", name="Kestrel Quantum")
        make_listing(session, org, slug="kestrel-fridge", title="Kestrel fridge")
    with TestClient(create_app(settings)) as client:
        sign_in(client, "staff@alliance.example")
        yield client


def form(**changes) -> dict:
    start = (utcnow() + timedelta(days=10)).astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")
    return {"title": "Cold chains for qubits", "title_zh": "量子比特的低温链", "description": "About **fridges**.",
            "theme": "hardware/cryogenics", "starts_at": start, "duration_minutes": "90",
            "presenters": "kestrel-quantum", "listings": "kestrel-fridge",
            "registration_url": "https://events.example/cold"} | changes


def webinars(engine) -> list[Webinar]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(Webinar)).all())


def test_a_webinar_is_scheduled_in_beijing_time_and_gets_its_recording_afterwards(staff_client, engine):
    start = form()["starts_at"]
    assert post_form(staff_client, "/staff/webinars", form()).headers["location"] == "/staff/webinars?done=saved"
    (webinar,) = webinars(engine)
    assert webinar.starts_at == datetime.fromisoformat(start).replace(tzinfo=BEIJING)
    page = staff_client.get("/webinars", params={"lang": "en"}).text
    assert "Cold chains for qubits" in page and "Kestrel Quantum" in page
    assert 'href="/webinars/' + webinar.slug in staff_client.get("/orgs/kestrel-quantum").text
    edit = staff_client.get(f"/staff/webinars/{webinar.id}").text
    assert 'value="kestrel-quantum"' in edit and f'value="{start}"' in edit
    # After the session: the date may be in the past for an existing webinar; the recording is added.
    past = (utcnow() - timedelta(days=2)).astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")
    changed = form(starts_at=past, recording_url="https://video.example/cold")
    assert post_form(staff_client, f"/staff/webinars/{webinar.id}", changed).status_code == 303
    page = staff_client.get("/webinars", params={"lang": "en"}).text
    assert "https://video.example/cold" in page and "Watch the recording" in page
    with new_session(engine, write=False) as session:
        actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert "webinar.created" in actions and "webinar.updated" in actions


@pytest.mark.parametrize(("changes", "field"), [
    ({"starts_at": "2020-01-01T10:00"}, "starts_at"),
    ({"starts_at": "next tuesday"}, "starts_at"),
    ({"presenters": "kestrel-quantum, nobody-here"}, "presenters"),
    ({"listings": "no-such-listing"}, "listings"),
    ({"theme": "hardware/teleporters"}, "theme"),
    ({"title": ""}, "title"),
    ({"duration_minutes": "5"}, "duration_minutes"),
    ({"registration_url": "javascript:alert(1)"}, "registration_url"),
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "lots"}, "capacity"),
    ({"slides_url": "ftp://slides.example/a.pdf"}, "slides_url"),
    ({"group": "no-such-group"}, "group"),
])
def test_bad_input_is_422_naming_the_field_and_nothing_is_written(staff_client, engine, changes, field):
    response = post_form(staff_client, "/staff/webinars", form(**changes))
    assert response.status_code == 422 and f'id="e-{field}"' in response.text
    assert webinars(engine) == []
    with new_session(engine, write=False) as session:
        assert session.exec(select(func.count()).select_from(WebinarPresenter)).one() == 0


def test_built_in_registration_capacity_slides_and_the_hosting_group(staff_client, engine):
    with unit_of_work(engine) as session:
        org = session.exec(select(Organization).where(Organization.slug == "kestrel-quantum")).one()
        group = make_group(session, members=[org], name="Cryogenics working group")
    saved = post_form(staff_client, "/staff/webinars", form(registration_url="", capacity="40", group=group.slug,
                                                            slides_url="https://slides.example/cold.pdf"))
    assert saved.status_code == 303
    (webinar,) = webinars(engine)
    assert webinar.registration_url is None and webinar.capacity == 40 and webinar.group_id == group.id
    assert webinar.slides_url == "https://slides.example/cold.pdf"
    edit = staff_client.get(f"/staff/webinars/{webinar.id}").text
    assert 'name="capacity" type="number" value="40"' in edit and f'value="{group.slug}" selected' in edit
    page = staff_client.get(f"/webinars/{webinar.slug}", params={"lang": "en"}).text
    assert f'action="/webinars/{webinar.slug}/registration"' in page and "40 seats left" in page
    assert f'href="/groups/{group.slug}"' in page
    assert "0 registered / 40" in staff_client.get("/staff/webinars", params={"lang": "en"}).text


def test_only_staff_schedule_webinars(staff_client, engine):
    sign_in(staff_client, "member@org.example")
    assert post_form(staff_client, "/staff/webinars", form()).status_code == 404
    assert webinars(engine) == []


def test_the_recordings_feed_holds_past_webinars_with_a_recording_newest_first(staff_client, engine):
    import xml.etree.ElementTree as ET

    with unit_of_work(engine) as session:
        for days, recording in ((40, "https://video.example/old"), (10, "https://video.example/new"), (5, None)):
            session.add(Webinar(slug=f"past-{days}", title=f"Past {days}", starts_at=utcnow() - timedelta(days=days),
                                recording_url=recording))
        session.add(Webinar(slug="future", title="Future", starts_at=utcnow() + timedelta(days=3)))
    feed = staff_client.get("/webinars/recordings.xml", params={"lang": "en"})
    assert feed.headers["content-type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.fromstring(feed.content).findall(f"{atom}entry")
    assert [e.find(f"{atom}id").text.rsplit("/", 1)[1] for e in entries] == ["past-10", "past-40"]
    related = [link.get("href") for e in entries for link in e.findall(f"{atom}link") if link.get("rel") == "related"]
    assert related == ["https://video.example/new", "https://video.example/old"]
