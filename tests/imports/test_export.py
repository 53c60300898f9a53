"""The export is an import bundle: the demo data exported, imported into an empty database and exported
again gives the same bundle; webinars keep their presenters, listings, group, slides and capacity; groups
their members. Staff tokens only on the API; the CLI writes the file."""

import json

from sqlalchemy import update
from sqlmodel import select

from app.db import new_session, unit_of_work
from app.imports.export import export_bundle
from app.imports.service import import_bundle
from app.models import Membership, Organization, Webinar
from app.models.states import OrgStatus
from app.models.vocab import MemberRole


def exported(engine) -> dict:
    with new_session(engine, write=False) as session:
        result = export_bundle(session)
    assert result.problems == []
    return result.bundle


def test_the_demo_data_exports_and_imports_again_unchanged(demo_database, engine):
    first = exported(demo_database[0])
    assert all(first[section] for section in ("organizations", "listings", "jobs", "webinars", "groups"))
    with unit_of_work(engine) as session:
        import_bundle(session, json.loads(json.dumps(first)), job_live_days=60)
    assert exported(engine) == first


def test_webinars_and_groups_carry_their_references(engine):
    from tests.factories import make_group, make_listing, make_org, make_webinar

    with unit_of_work(engine) as session:
        org, hidden = make_org(session, slug="kestrel-quantum"), make_org(session, slug="gone-org")
        listing = make_listing(session, org, slug="kestrel-fridge")
        group = make_group(session, members=[org, hidden])
        make_webinar(session, days_from_now=5, presenters=[org, hidden], listings=[listing], group=group,
                     registration_url=None, capacity=30, slides_url="https://slides.example/k.pdf")
        session.execute(update(Organization).where(Organization.slug == "gone-org").values(status=OrgStatus.suspended))
    bundle = exported(engine)
    (webinar,) = bundle["webinars"]
    assert webinar["presenters"] == ["kestrel-quantum"] and webinar["listings"] == ["kestrel-fridge"]
    assert webinar["group"] == group.slug and webinar["capacity"] == 30
    assert webinar["slides_url"] == "https://slides.example/k.pdf" and "registration_url" not in webinar
    assert webinar["starts_at"].endswith("Z") and webinar["theme"] == "hardware/cryogenics"
    (exported_group,) = bundle["groups"]
    assert exported_group["members"] == ["kestrel-quantum"]  # a suspended organisation is not exported
    assert [o["slug"] for o in bundle["organizations"]] == ["kestrel-quantum"]


def test_the_export_api_is_for_staff_tokens(engine, client, settings):
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user
    from app.accounts.tokens import mint
    from tests.factories import make_org, make_webinar

    with unit_of_work(engine) as session:
        staff = create_user(session, data=UserCreate(email="staff@alliance.example", password="x" * 12, is_staff=True))
        member = create_user(session, data=UserCreate(email="m@kestrel.example", password="x" * 12))
        org = make_org(session, slug="kestrel-quantum")
        make_webinar(session, days_from_now=3, presenters=[org])
        staff_secret = mint(session, user=staff, org=None, name="export").secret
        session.add(Membership(user_id=member.id, organization_id=org.id, role=MemberRole.owner))
        session.flush()
        member_secret = mint(session, user=member, org=org, name="ci").secret
    assert client.get("/api/v1/export").status_code == 401
    assert client.get("/api/v1/export", headers={"Authorization": f"Bearer {member_secret}"}).status_code == 404
    response = client.get("/api/v1/export", headers={"Authorization": f"Bearer {staff_secret}"})
    assert response.status_code == 200 and response.headers["x-export-problems"] == "0"
    body = response.json()
    assert [w["presenters"] for w in body["webinars"]] == [["kestrel-quantum"]]
    with new_session(engine, write=False) as session:
        assert len(session.exec(select(Webinar)).all()) == 1
