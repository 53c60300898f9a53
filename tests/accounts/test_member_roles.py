"""Owners change members' roles (owner <-> editor); an organisation never loses its last owner (RELIABILITY 58)."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import AuditEntry, Membership
from app.models.vocab import MemberRole
from tests.accounts.people import make_user, post, sign_in
from tests.factories import make_org

OWNER, EDITOR, INTRUDER = "owner@org-a.example", "editor@org-a.example", "owner@org-b.example"


@pytest.fixture
def org(settings, engine):
    people = {email: make_user(engine, email) for email in (OWNER, EDITOR, INTRUDER)}
    with unit_of_work(engine) as session:
        org_a, org_b = make_org(session, slug="org-a"), make_org(session, slug="org-b")
        rows = {OWNER: Membership(user_id=people[OWNER], organization_id=org_a.id, role=MemberRole.owner),
                EDITOR: Membership(user_id=people[EDITOR], organization_id=org_a.id, role=MemberRole.editor),
                INTRUDER: Membership(user_id=people[INTRUDER], organization_id=org_b.id, role=MemberRole.owner)}
        session.add_all(rows.values())
        session.flush()
        ids = {email: row.id for email, row in rows.items()}
    with TestClient(create_app(settings)) as client:
        client.memberships = ids
        yield client


def role_of(engine, membership_id: int) -> str | None:
    with new_session(engine, write=False) as session:
        row = session.get(Membership, membership_id)
        return None if row is None else str(row.role)


def audit(engine, action: str) -> list[AuditEntry]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def url(client, who: str, what: str = "role") -> str:
    return f"/account/orgs/org-a/members/{client.memberships[who]}/{what}"


def test_an_owner_promotes_an_editor_and_demotes_them_again(org, engine):
    sign_in(org, OWNER)
    page = org.get("/account/orgs/org-a/members?lang=en")
    assert f'action="{url(org, EDITOR)}"' in page.text and "Make owner" in page.text
    response = post(org, url(org, EDITOR), {"role": "owner"})
    assert response.status_code == 303 and response.headers["location"] == "/account/orgs/org-a/members?done=role"
    assert role_of(engine, org.memberships[EDITOR]) == "owner"
    assert "role has been changed" in org.get(response.headers["location"] + "&lang=en").text
    assert post(org, url(org, EDITOR), {"role": "editor"}).status_code == 303
    assert role_of(engine, org.memberships[EDITOR]) == "editor"
    entries = audit(engine, "membership.role_changed")
    assert [(e.detail["from"], e.detail["to"]) for e in entries] == [("editor", "owner"), ("owner", "editor")]
    assert all(e.organization_id and e.actor_id and e.target_id == org.memberships[EDITOR] and e.request_id
               for e in entries)


def test_the_last_owner_can_neither_be_demoted_nor_removed(org, engine):
    sign_in(org, OWNER)
    demote = post(org, url(org, OWNER) + "?lang=en", {"role": "editor"})
    assert demote.status_code == 409 and "last owner" in demote.text
    remove = post(org, url(org, OWNER, "remove") + "?lang=en")
    assert remove.status_code == 409 and "last owner" in remove.text
    assert role_of(engine, org.memberships[OWNER]) == "owner"
    assert audit(engine, "membership.role_changed") == []


def test_with_a_second_owner_an_owner_may_step_down(org, engine):
    sign_in(org, OWNER)
    post(org, url(org, EDITOR), {"role": "owner"})
    response = post(org, url(org, OWNER), {"role": "editor"})
    assert response.status_code == 303 and response.headers["location"] == "/account/orgs/org-a"
    assert role_of(engine, org.memberships[OWNER]) == "editor"
    assert org.get("/account/orgs/org-a/members").status_code == 404  # the members page is for owners


def test_a_bad_role_is_refused_naming_the_field(org, engine):
    sign_in(org, OWNER)
    for bad in ("", "admin", "staff"):
        response = post(org, url(org, EDITOR), {"role": bad})
        assert response.status_code == 422 and "role" in response.text
    assert role_of(engine, org.memberships[EDITOR]) == "editor"


def test_editors_and_other_organisations_get_404(org, engine):
    sign_in(org, EDITOR)
    assert post(org, url(org, EDITOR), {"role": "owner"}).status_code == 404
    assert post(org, url(org, OWNER), {"role": "editor"}).status_code == 404
    sign_in(org, INTRUDER)
    assert post(org, url(org, EDITOR), {"role": "owner"}).status_code == 404
    # org B's owner cannot reach org A's membership through their own organisation either
    other = f"/account/orgs/org-b/members/{org.memberships[EDITOR]}/role"
    assert post(org, other, {"role": "owner"}).status_code == 404
    assert role_of(engine, org.memberships[EDITOR]) == "editor" and role_of(engine, org.memberships[OWNER]) == "owner"
    assert audit(engine, "membership.role_changed") == []


@pytest.mark.postgres
def test_two_owners_demoting_each_other_at_once_leave_one_owner_on_postgres(postgres_url):
    """The second demotion waits for the first (row locks), then finds one owner left and is refused."""
    import threading

    from sqlalchemy import text

    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user
    from app.config import Settings
    from app.db import create_db_engine
    from app.errors import Conflict
    from app.imports.demo import seed_taxonomy
    from app.migrations import upgrade
    from app.models import Organization, User
    from app.organizations.members import change_role

    upgrade(postgres_url)
    engine = create_db_engine(Settings(database_url=postgres_url))
    try:
        with unit_of_work(engine) as session:
            seed_taxonomy(session)
            org = make_org(session, slug="org-a")
            first, second = (create_user(session, data=UserCreate(email=e, password="correct horse battery staple"))
                             for e in ("one@org-a.example", "two@org-a.example"))
            rows = [Membership(user_id=u.id, organization_id=org.id, role=MemberRole.owner) for u in (first, second)]
            session.add_all(rows)
            session.flush()
            ids = {"org": org.id, "one": rows[0].id, "two": rows[1].id, "u1": first.id, "u2": second.id}
        outcome = {}

        def demote(target: str, actor: str) -> None:
            try:
                with unit_of_work(engine) as session:
                    change_role(session, org=session.get(Organization, ids["org"]), membership_id=ids[target],
                                role=MemberRole.editor, actor=session.get(User, ids[actor]))
                outcome[target] = "demoted"
            except Conflict:
                outcome[target] = "refused"

        holder = unit_of_work(engine)
        session = holder.__enter__()
        change_role(session, org=session.get(Organization, ids["org"]), membership_id=ids["two"],
                    role=MemberRole.editor, actor=session.get(User, ids["u1"]))  # not committed yet
        other = threading.Thread(target=demote, args=("one", "u2"))
        other.start()
        with engine.connect() as watcher:  # wait until the other one waits on our locks (or, unlocked, is done)
            while other.is_alive() and not watcher.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()")).scalar():
                watcher.rollback()
                other.join(0.01)
        holder.__exit__(None, None, None)
        other.join()
        assert outcome == {"one": "refused"}
        with new_session(engine, write=False) as check:
            owners = check.exec(select(Membership).where(Membership.role == MemberRole.owner)).all()
            assert [m.id for m in owners] == [ids["one"]]
    finally:
        engine.dispose()
