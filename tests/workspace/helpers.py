"""The members' workspace world, shared by the workspace, roles and lifecycle tests: organisation A has an
owner and an editor, organisation B's owner is the intruder; users sign in through the real routes."""

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import text
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import Listing, Membership
from app.models.vocab import MemberRole
from app.search.service import drain_all
from tests.factories import make_listing, make_org
from tests.helpers import PASSWORD, sign_in  # noqa: F401  (sign_in: used through this module)
from tests.helpers import post_form as post

OWNER, EDITOR, INTRUDER = "owner@org-a.example", "editor@org-a.example", "owner@org-b.example"


@pytest.fixture
def ws(settings, engine, tmp_path):
    """Organisations A (owner, editor, one published listing) and B (owner, one listing); a client."""
    # First-listing review has its own tests (tests/workspace/test_review.py): here publishing is direct.
    settings = settings.model_copy(update={"upload_path": str(tmp_path / "uploads"), "review_first_listings": 0})
    with unit_of_work(engine) as session:
        org_a, org_b = make_org(session, slug="org-a", name="Alpha Cryo"), make_org(session, slug="org-b")
        for email, org, role in ((OWNER, org_a, MemberRole.owner), (EDITOR, org_a, MemberRole.editor),
                                 (INTRUDER, org_b, MemberRole.owner)):
            user = create_user(session, data=UserCreate(email=email, password=PASSWORD))
            session.add(Membership(user_id=user.id, organization_id=org.id, role=role))
        listing_a = make_listing(session, org_a, title="Alpha fridge")
        listing_b = make_listing(session, org_b, title="Beta fridge")
        ids = {"a": org_a.id, "b": org_b.id, "listing_a": listing_a.id, "listing_b": listing_b.id}
    with TestClient(create_app(settings)) as client:
        client.ids = ids
        drain_all(engine, client.app.state.search)
        yield client


def fingerprint(engine) -> dict:
    """Every table's content (sessions and rate-limit counters aside): any write shows here."""
    with engine.connect() as connection:
        tables = [r[0] for r in connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT IN ('rate_limit_hit', 'user_session', 'lease')"))]
        return {t: connection.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')).fetchall() for t in tables}


def load(engine, model, record_id):
    with new_session(engine, write=False) as session:
        return session.get(model, record_id)


def search_ids(client, q: str) -> set[str]:
    drain_all(client.app.state.engine, client.app.state.search)
    response = client.get("/api/v1/search", params={"q": q})
    assert response.status_code == 200
    return {f"{h['type']}-{h['id']}" for h in response.json()["hits"]}


PROFILE = {"name": "Alpha Cryogenics", "name_zh": "阿尔法低温", "city": "Hefei", "website": "https://alpha.example",
           "contact_email": "hello@alpha.example", "description": "We build **fridges**.", "description_zh": "制冷机",
           "founded_year": "2015", "size_band": "11-50", "domains": ["computing", "enabling"],
           "offers": ["hardware/cryogenics", "software/general"], "needs": ["services/investment"]}
LISTING = {"kind": "product", "category": "hardware/cryogenics", "title": "Zephyrium cryostat",
           "title_zh": "泽菲低温恒温器", "summary": "A cryostat.", "summary_zh": "恒温器", "description": "Cold.",
           "description_zh": "冷", "tags": "cryostat, 低温，mK", "trl": "7", "datasheet_url": "https://alpha.example/ds.pdf"}


def png_bytes(size=(40, 20), color=(200, 30, 30), fmt="PNG", **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **save)
    return out.getvalue()


def upload(client, data: bytes, name="logo.png", content_type="image/png"):
    return post(client, "/account/orgs/org-a/logo?lang=en", files={"logo": (name, data, content_type)})


def new_listing(client, engine, **overrides) -> Listing:
    response = post(client, "/account/orgs/org-a/listings/new", LISTING | overrides)
    assert response.status_code == 303, response.text
    with new_session(engine, write=False) as session:
        return session.exec(select(Listing).order_by(Listing.id.desc())).first()
