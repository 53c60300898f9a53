"""The forms' markup, parsed as a browser would: every attribute is a real one (the environment trims line
breaks after block tags, which once glued `required` to the next attribute: `requiredaria-describedby`),
required fields say so, and every aria-describedby points at an element of the page."""

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import unit_of_work
from app.main import create_app
from app.models import Membership
from app.models.vocab import MemberRole
from tests.factories import make_org
from tests.helpers import PASSWORD, post_form, sign_in

KNOWN = {"id", "name", "type", "value", "required", "autocomplete", "aria-invalid", "aria-describedby", "rows",
         "maxlength", "minlength", "accept", "min", "max", "step", "placeholder", "checked", "selected", "class",
         "multiple", "disabled", "readonly", "size", "pattern", "inputmode", "list", "form", "hidden", "lang",
         "aria-label", "spellcheck", "autofocus", "enterkeyhint", "title", "dir", "cols", "data-local-time"}
KNOWN_PREFIXES = ("hx-", "data-", "aria-")


class Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str | None]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag in ("input", "select", "textarea"):
            self.fields.append({"tag": tag, **attributes})


def parsed(html: str) -> Fields:
    fields = Fields()
    fields.feed(html)
    return fields


def check(html: str, where: str) -> Fields:
    fields = parsed(html)
    for field in fields.fields:
        for name in field:
            assert name == "tag" or name in KNOWN or name.startswith(KNOWN_PREFIXES), f"{where}: attribute {name!r}"
            assert not (name.startswith("required") and name != "required"), f"{where}: {name!r}"
        for ref in (field.get("aria-describedby") or "").split():
            assert ref in fields.ids, f"{where}: {field.get('name')} describes itself by #{ref}, not on the page"
    return fields


@pytest.fixture
def member(settings, engine):
    with unit_of_work(engine) as session:
        user = create_user(session, data=UserCreate(email="owner@forms.example", password=PASSWORD))
        org = make_org(session, slug="forms-org")
        session.add(Membership(user_id=user.id, organization_id=org.id, role=MemberRole.owner))
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_sign_up_form_marks_its_required_fields(client):
    fields = check(client.get("/account/signup").text, "/account/signup")
    required = {f["name"] for f in fields.fields if "required" in f}
    assert {"email", "password"} <= required


@pytest.mark.parametrize("path", ["/account/signup", "/account/login", "/account/reset"])
def test_anonymous_forms_in_their_error_state(client, path):
    client.get(path)
    response = post_form(client, path, {"email": "not an address", "password": "x"})
    assert response.status_code in (200, 303, 401, 422), path
    if response.status_code != 303:
        check(response.text, f"{path} (errors)")


@pytest.mark.parametrize("path", ["/account", "/account/password", "/account/email", "/account/apply",
                                  "/account/orgs/forms-org/profile", "/account/orgs/forms-org/listings/new",
                                  "/account/orgs/forms-org/jobs/new", "/account/orgs/forms-org/webinars",
                                  "/account/orgs/forms-org/delete"])
def test_member_forms_blank_and_refused(member, path):
    sign_in(member, "owner@forms.example")
    page = member.get(path)
    assert page.status_code == 200, path
    check(page.text, path)
    refused = post_form(member, path, {"title": "", "new_password": "x", "current_password": "y"})
    if refused.status_code == 422:
        fields = check(refused.text, f"{path} (errors)")
        if 'class="field-error"' in refused.text:  # a field's own error: the field says it is invalid
            assert any(f.get("aria-invalid") == "true" for f in fields.fields), path


def test_country_and_province_are_chosen_by_name_in_the_readers_language(member):
    sign_in(member, "owner@forms.example")
    for path in ("/account/apply", "/account/orgs/forms-org/jobs/new"):
        zh = member.get(f"{path}?lang=zh").text
        assert '<select id="f-country" name="country"' in zh and re.search(r'<option value="CN"( selected)?>中国</option>', zh), path
        assert '<option value="DE">德国</option>' in zh and '<option value="CN-AH">安徽</option>' in zh, path
        en = member.get(f"{path}?lang=en").text
        assert '<option value="DE">Germany</option>' in en and "Two-letter" not in en, path
