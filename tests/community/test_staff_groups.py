"""Staff create and edit working groups (bilingual names, Markdown mission, chairs by e-mail), add and remove
member organisations; bad input is a 422 naming the field with nothing written; every change is audited."""

from sqlmodel import select

from app.db import new_session, unit_of_work
from app.models import User, WorkingGroup, WorkingGroupChair
from app.models.states import OrgStatus
from tests.community.group_world import add_person, audit_rows, member_ids
from tests.factories import make_org, make_pending_org
from tests.helpers import post_form, sign_in

FORM = {"name": "Quantum sensing & metrology", "name_zh": "量子传感与计量工作组",
        "mission": "Agree on **benchmarks** for sensors.", "mission_zh": "制定传感器**基准**。",
        "chairs": "chair@qnet.example, owner@other.example"}


def _groups(engine) -> dict[str, WorkingGroup]:
    with new_session(engine, write=False) as session:
        return {g.slug: g for g in session.exec(select(WorkingGroup)).all()}


def _chairs(engine, group_id) -> set[str]:
    with new_session(engine, write=False) as session:
        return set(session.exec(select(User.email).join(WorkingGroupChair, WorkingGroupChair.user_id == User.id)
                                .where(WorkingGroupChair.group_id == group_id)).all())


def test_staff_create_a_group_with_chairs_and_edit_it(client, engine, group_world):
    sign_in(client, "staff@alliance.example")
    assert 'href="/staff/groups"' in client.get("/staff?lang=en").text
    response = post_form(client, "/staff/groups", FORM)
    assert response.status_code == 303
    group = _groups(engine)["quantum-sensing-metrology"]
    assert response.headers["location"] == f"/staff/groups/{group.id}?done=saved"
    assert (group.name_zh, group.mission_zh) == ("量子传感与计量工作组", "制定传感器**基准**。")
    assert _chairs(engine, group.id) == {"chair@qnet.example", "owner@other.example"}
    page = client.get(f"/groups/{group.slug}?lang=zh").text
    assert "量子传感与计量工作组" in page and "<strong>基准</strong>" in page

    edit = client.get(f"/staff/groups/{group.id}?lang=en")
    assert "chair@qnet.example, owner@other.example" in edit.text
    changed = FORM | {"name": "Quantum sensing", "chairs": "OWNER@other.example"}
    assert post_form(client, f"/staff/groups/{group.id}", changed).status_code == 303
    group = _groups(engine)["quantum-sensing-metrology"]  # the slug stays, links keep working
    assert group.name == "Quantum sensing" and _chairs(engine, group.id) == {"owner@other.example"}
    assert post_form(client, f"/staff/groups/{group.id}", changed).status_code == 303  # nothing changed: no entry
    rows = [row for row in audit_rows(engine) if row.target_id == group.id]
    assert [row.action for row in rows] == ["group.create", "group.update"]
    assert rows[1].detail["chairs"] == ["owner@other.example"] and rows[1].actor_id is not None

    assert post_form(client, "/staff/groups", FORM).status_code == 303  # the same name again: a numbered slug
    assert "quantum-sensing-metrology-2" in _groups(engine)


def test_bad_input_names_the_field_and_writes_nothing(client, engine, group_world):
    with unit_of_work(engine) as session:
        add_person(session, "retired@old.example").is_active = False
    sign_in(client, "staff@alliance.example")
    before = set(_groups(engine))
    for changes, field in (({"name": ""}, "name"), ({"name": "n" * 201}, "name"),
                           ({"chairs": "nobody@nowhere.example"}, "chairs"), ({"chairs": "not an address"}, "chairs"),
                           ({"chairs": "retired@old.example"}, "chairs"), ({"mission": "m" * 20_001}, "mission")):
        response = post_form(client, "/staff/groups", FORM | changes)
        assert response.status_code == 422, changes
        assert f'id="e-{field}"' in response.text and f'data-field="{field}"' in response.text, changes
    response = post_form(client, "/staff/groups", FORM | {"chairs": "nobody@nowhere.example"})
    assert "nobody@nowhere.example" in response.text  # the message says which address
    assert set(_groups(engine)) == before and audit_rows(engine) == []
    assert client.get("/staff/groups/2147483648").status_code == 422
    assert client.get("/staff/groups/99999").status_code == 404
    assert post_form(client, "/staff/groups/abc", FORM).status_code == 422


def test_staff_add_and_remove_member_organisations(client, engine, group_world):
    with unit_of_work(engine) as session:
        make_pending_org(session, slug="applicant")
        make_org(session, slug="paused").status = OrgStatus.suspended
    sign_in(client, "staff@alliance.example")
    url = f"/staff/groups/{group_world.group_id}/members"
    assert post_form(client, url, {"organization": "joiner"}).status_code == 303
    assert member_ids(engine, group_world.group_id) == {group_world.founder_id, group_world.joiner_id}
    for slug in ("joiner", "applicant", "paused", "no-such-org", ""):
        response = post_form(client, url, {"organization": slug})
        assert response.status_code == 422 and 'id="e-organization"' in response.text, slug
    assert post_form(client, url + "/remove", {"organization": "other"}).status_code == 422
    assert post_form(client, url + "/remove", {"organization": "founder"}).status_code == 303
    assert member_ids(engine, group_world.group_id) == {group_world.joiner_id}
    assert [row.action for row in audit_rows(engine, "group.member")] == ["group.member_add", "group.member_remove"]
    assert 'href="/orgs/joiner"' in client.get(f"/staff/groups/{group_world.group_id}").text


def test_non_staff_do_not_find_the_staff_pages(client, engine, group_world):
    sign_in(client, "chair@qnet.example")  # a chair runs their group, not the staff pages
    assert client.get("/staff/groups").status_code == 404
    assert post_form(client, "/staff/groups", FORM).status_code == 404
    assert post_form(client, f"/staff/groups/{group_world.group_id}/members", {"organization": "joiner"}).status_code == 404
    assert set(_groups(engine)) == {"qnet"} and member_ids(engine, group_world.group_id) == {group_world.founder_id}
