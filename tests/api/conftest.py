"""Two organisations with records, their owners' tokens, an editor, a staff user with a staff token, and a
client. Tokens are minted through the token service (the page and the CLI have their own tests)."""

from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.accounts.tokens import mint
from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import Membership
from app.models.vocab import MemberRole
from tests.factories import make_job, make_listing, make_org
from tests.helpers import csrf_headers

PASSWORD = "correct horse battery staple"
OWNER, EDITOR, INTRUDER, STAFF = "owner@org-a.example", "editor@org-a.example", "owner@org-b.example", "staff@qm.example"


@dataclass
class World:
    client: TestClient
    engine: object
    ids: dict[str, int] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    def bearer(self, who: str = "a") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets[who]}"}

    def session(self):
        return new_session(self.engine, write=False)


@pytest.fixture
def api(settings, engine):
    settings = settings.model_copy(update={"review_first_listings": 0})
    with unit_of_work(engine) as session:
        org_a, org_b = make_org(session, slug="org-a", name="Alpha Cryo"), make_org(session, slug="org-b")
        users = {}
        for email, org, role, staff in ((OWNER, org_a, MemberRole.owner, False),
                                        (EDITOR, org_a, MemberRole.editor, False),
                                        (INTRUDER, org_b, MemberRole.owner, False),
                                        (STAFF, None, None, True)):
            users[email] = create_user(session, data=UserCreate(email=email, password=PASSWORD, is_staff=staff))
            if org is not None:
                session.add(Membership(user_id=users[email].id, organization_id=org.id, role=role))
        session.flush()
        ids = {"org_a": org_a.id, "org_b": org_b.id,
               "listing_a": make_listing(session, org_a, title="Alpha fridge").id,
               "listing_b": make_listing(session, org_b, title="Beta fridge").id,
               "job_a": make_job(session, org_a).id, "job_b": make_job(session, org_b).id,
               "owner_a": users[OWNER].id, "staff": users[STAFF].id}
        secrets = {"a": mint(session, user=users[OWNER], org=org_a, name="Alpha CI").secret,
                   "b": mint(session, user=users[INTRUDER], org=org_b, name="Beta CI").secret,
                   "staff": mint(session, user=users[STAFF], org=None, name="Importer").secret}
    with TestClient(create_app(settings)) as client:
        yield World(client=client, engine=engine, ids=ids, secrets=secrets)


def sign_in(client, email: str) -> None:
    client.cookies.clear()
    token = csrf_headers(client)["X-CSRF-Token"]
    response = client.post("/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def rows(world: World, model, *where):
    with world.session() as session:
        return list(session.exec(select(model).where(*where)).all())
