"""Member organisations ask to join a working group; chairs (or staff) decide; organisations withdraw and
leave. Every step through the real routes, with who may do what, and the audit rows it leaves."""

from app.db import new_session, unit_of_work
from app.models import Organization, User
from app.models.states import OrgStatus, RequestStatus
from tests.community.group_world import ask_to_join, audit_rows, member_ids, requests_of
from tests.helpers import post_form, sign_in


def _approve(client, request_id, slug="qnet"):
    return post_form(client, f"/groups/{slug}/manage/requests/{request_id}/approve")


def _decline(client, request_id, reason, slug="qnet"):
    return post_form(client, f"/groups/{slug}/manage/requests/{request_id}/decline", {"reason": reason})


def test_an_owner_sees_the_form_asks_and_the_chair_approves(client, engine, group_world, smtp):
    client.app.state.settings = client.app.state.settings.model_copy(update={"smtp_url": smtp.url})
    sign_in(client, "owner@joiner.example")
    page = client.get("/groups/qnet?lang=en")
    assert 'action="/groups/qnet/join"' in page.text and "Joiner Quantum" in page.text
    response = ask_to_join(client)
    assert response.status_code == 303 and response.headers["location"].startswith("/groups/qnet?done=requested")
    [join] = requests_of(engine, group_world.joiner_id)
    assert join.status == RequestStatus.pending and join.message == "We build quantum repeaters."
    page = client.get("/groups/qnet?lang=en&done=requested")
    assert "Your request was sent" in page.text and f"join-request-{join.id}" in page.text
    assert 'action="/groups/qnet/join"' not in page.text  # nothing left to ask for

    sign_in(client, "chair@qnet.example")
    manage = client.get("/groups/qnet/manage?lang=en")
    assert manage.status_code == 200 and "We build quantum repeaters." in manage.text
    assert _approve(client, join.id).status_code == 303
    assert group_world.joiner_id in member_ids(engine, group_world.group_id)
    [join] = requests_of(engine, group_world.joiner_id)
    assert join.status == RequestStatus.approved and join.decided_at is not None

    page = client.get("/groups/qnet?lang=en")
    assert 'href="/orgs/joiner"' in page.text  # now among the member organisations
    [mail] = smtp.parsed()
    assert mail["To"] == "owner@joiner.example" and "入组申请已通过" in mail["Subject"]
    assert "Joiner Quantum is now a member" in mail.get_content()
    actions = [(row.action, row.actor_id is not None) for row in audit_rows(engine)]
    assert actions == [("group.join_request", True), ("group.join_approve", True)]
    [approval] = audit_rows(engine, "group.join_approve")
    assert approval.detail["organization"] == "joiner" and approval.actor_id == join.decided_by_id
    with new_session(engine, write=False) as session:
        assert session.get(User, join.decided_by_id).email == "chair@qnet.example"


def test_decline_needs_a_reason_then_tells_it_and_the_organisation_may_ask_again(client, engine, group_world, smtp):
    client.app.state.settings = client.app.state.settings.model_copy(update={"smtp_url": smtp.url})
    sign_in(client, "editor@joiner.example")  # an editor acts for the organisation too
    ask_to_join(client)
    [join] = requests_of(engine, group_world.joiner_id)

    sign_in(client, "chair@qnet.example")
    refused = _decline(client, join.id, "   ")
    assert refused.status_code == 422 and f'id="e-reason-{join.id}"' in refused.text
    assert requests_of(engine, group_world.joiner_id)[0].status == RequestStatus.pending
    assert smtp.messages == []
    assert _decline(client, join.id, "Please finish your membership application first.").status_code == 303
    [join] = requests_of(engine, group_world.joiner_id)
    assert join.status == RequestStatus.declined and join.decline_reason.startswith("Please finish")
    assert group_world.joiner_id not in member_ids(engine, group_world.group_id)
    [mail] = smtp.parsed()
    assert mail["To"] == "owner@joiner.example" and "Please finish your membership application" in mail.get_content()
    assert audit_rows(engine, "group.join_decline")[0].detail["reason"].startswith("Please finish")

    sign_in(client, "owner@joiner.example")
    workspace = client.get("/account/orgs/joiner/groups?lang=en")
    assert "Declined" in workspace.text and "Please finish your membership application first." in workspace.text
    assert ask_to_join(client, message="Done now.").status_code == 303  # a declined request does not block a new one
    assert [r.status for r in requests_of(engine, group_world.joiner_id)] == [RequestStatus.declined,
                                                                              RequestStatus.pending]


def test_a_second_pending_request_or_a_member_asking_is_refused_naming_the_organisation(client, engine, group_world):
    sign_in(client, "owner@joiner.example")
    assert ask_to_join(client).status_code == 303
    again = ask_to_join(client, message="Did you see our request?")
    assert again.status_code == 422 and 'id="e-organization"' in again.text
    assert len(requests_of(engine, group_world.joiner_id)) == 1

    sign_in(client, "chair@qnet.example")  # the chair acts for the founder, already a member
    member = ask_to_join(client, organization="founder")
    assert member.status_code == 422 and "该机构已是本工作组成员" in member.text  # Chinese unless asked otherwise
    assert requests_of(engine, group_world.founder_id) == []


def test_one_cannot_ask_for_an_organisation_one_does_not_act_for(client, engine, group_world):
    sign_in(client, "owner@other.example")
    for organization in ("joiner", "no-such-org", "x" * 3000):
        response = ask_to_join(client, organization=organization)
        assert response.status_code == 422, organization
        assert 'id="e-organization"' in response.text
    assert requests_of(engine, group_world.joiner_id) == []
    too_long = ask_to_join(client, organization="other", message="m" * 1001)
    assert too_long.status_code == 422 and 'id="e-message"' in too_long.text
    assert requests_of(engine, group_world.other_id) == []


def test_withdraw_own_request_but_not_another_organisations(client, engine, group_world):
    sign_in(client, "owner@joiner.example")
    ask_to_join(client)
    [join] = requests_of(engine, group_world.joiner_id)

    sign_in(client, "owner@other.example")
    for url in (f"/account/orgs/joiner/group-requests/{join.id}/withdraw",  # not their workspace
                f"/account/orgs/other/group-requests/{join.id}/withdraw"):  # their workspace, not their request
        assert post_form(client, url).status_code == 404, url
    assert requests_of(engine, group_world.joiner_id)[0].status == RequestStatus.pending

    sign_in(client, "owner@joiner.example")
    response = post_form(client, f"/account/orgs/joiner/group-requests/{join.id}/withdraw")
    assert response.status_code == 303 and response.headers["location"] == "/account/orgs/joiner/groups?done=withdrawn"
    assert requests_of(engine, group_world.joiner_id)[0].status == RequestStatus.withdrawn
    assert post_form(client, f"/account/orgs/joiner/group-requests/{join.id}/withdraw").status_code == 409
    assert audit_rows(engine, "group.join_withdraw")[0].organization_id == group_world.joiner_id
    assert "Withdrawn" in client.get("/account/orgs/joiner/groups?lang=en").text


def test_a_non_chair_cannot_see_or_decide_and_nothing_changes(client, engine, group_world):
    sign_in(client, "owner@joiner.example")
    ask_to_join(client)
    [join] = requests_of(engine, group_world.joiner_id)
    for email in ("owner@other.example", "owner@joiner.example"):
        sign_in(client, email)
        assert client.get("/groups/qnet/manage").status_code == 404
        assert _approve(client, join.id).status_code == 404
        assert _decline(client, join.id, "no").status_code == 404
    assert requests_of(engine, group_world.joiner_id)[0].status == RequestStatus.pending
    assert group_world.joiner_id not in member_ids(engine, group_world.group_id)
    client.cookies.clear()
    anonymous = client.get("/groups/qnet/manage", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/account/login")


def test_staff_decide_too_and_a_request_of_another_group_is_not_found(client, engine, group_world):
    sign_in(client, "owner@joiner.example")
    ask_to_join(client)
    [join] = requests_of(engine, group_world.joiner_id)
    sign_in(client, "staff@alliance.example")
    post_form(client, "/staff/groups", {"name": "Quantum sensing", "chairs": "staff@alliance.example"})
    assert _approve(client, join.id, slug="quantum-sensing").status_code == 404  # the request is qnet's
    assert _approve(client, 2_147_483_648).status_code == 422
    assert _approve(client, join.id).status_code == 303
    assert audit_rows(engine, "group.join_approve")[0].actor_id is not None
    assert _approve(client, join.id).status_code == 409  # decided already


def test_an_owner_or_editor_leaves_a_group(client, engine, group_world):
    sign_in(client, "owner@other.example")
    assert post_form(client, f"/account/orgs/founder/groups/{group_world.group_id}/leave").status_code == 404
    assert post_form(client, f"/account/orgs/other/groups/{group_world.group_id}/leave").status_code == 404
    sign_in(client, "chair@qnet.example")  # owner of the founder
    page = client.get("/groups/qnet?lang=en")
    assert f'action="/account/orgs/founder/groups/{group_world.group_id}/leave"' in page.text
    response = post_form(client, f"/account/orgs/founder/groups/{group_world.group_id}/leave")
    assert response.status_code == 303 and response.headers["location"] == "/account/orgs/founder/groups?done=left"
    assert member_ids(engine, group_world.group_id) == set()
    [row] = audit_rows(engine, "group.leave")
    assert row.organization_id == group_world.founder_id and row.target_id == group_world.group_id


def test_only_an_active_organisation_asks(client, engine, group_world):
    with unit_of_work(engine) as session:
        session.get(Organization, group_world.joiner_id).status = OrgStatus.suspended
    sign_in(client, "owner@joiner.example")
    page = client.get("/groups/qnet?lang=en")
    assert 'action="/groups/qnet/join"' not in page.text and "Only the owners and editors" in page.text
    assert ask_to_join(client).status_code == 422
    assert requests_of(engine, group_world.joiner_id) == []
