"""The workspace world for lifecycle tests: organisation A (owner, editor, one published listing, one live
job), organisation B (owner, one listing), and a staff member. Settings may be overridden per module by
defining a `ws_settings` fixture (a dict)."""

import pytest
from fastapi.testclient import TestClient

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import unit_of_work
from app.main import create_app
from app.models import Membership
from app.models.vocab import MemberRole
from app.search.service import drain_all
from tests.factories import make_job, make_listing, make_org
from tests.workspace.helpers import EDITOR, INTRUDER, OWNER, PASSWORD

STAFF = "staff@alliance.example"


@pytest.fixture
def ws_settings() -> dict:
    return {"review_first_listings": 0}


@pytest.fixture
def ws(settings, engine, tmp_path, ws_settings):
    settings = settings.model_copy(update={"upload_path": str(tmp_path / "uploads"), **ws_settings})
    with unit_of_work(engine) as session:
        org_a, org_b = make_org(session, slug="org-a", name="Alpha Cryo"), make_org(session, slug="org-b")
        for email, org, role in ((OWNER, org_a, MemberRole.owner), (EDITOR, org_a, MemberRole.editor),
                                 (INTRUDER, org_b, MemberRole.owner)):
            user = create_user(session, data=UserCreate(email=email, password=PASSWORD))
            session.add(Membership(user_id=user.id, organization_id=org.id, role=role))
        create_user(session, data=UserCreate(email=STAFF, password=PASSWORD, is_staff=True))
        listing_a = make_listing(session, org_a, title="Alpha fridge")
        listing_b = make_listing(session, org_b, title="Beta fridge")
        job_a = make_job(session, org_a, title="Cryogenic engineer at Alpha")
        ids = {"a": org_a.id, "b": org_b.id, "listing_a": listing_a.id, "listing_b": listing_b.id, "job_a": job_a.id}
    with TestClient(create_app(settings)) as client:
        client.ids = ids
        client.settings = settings
        drain_all(engine, client.app.state.search)
        yield client
