"""The outreach corner: staff add, edit and remove learning resources (audited); /learn shows them by kind
and audience in both languages; bad input names the field and writes nothing; only staff may change it."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import AuditEntry, LearningResource
from tests.helpers import PASSWORD, post_form, sign_in

COURSE = {"title": "Qubits for beginners", "title_zh": "量子比特入门", "note": "Ten short lessons.",
          "note_zh": "十节短课。", "kind": "course", "audience": "school", "language": "both",
          "url": "https://learn.example/qubits"}


@pytest.fixture
def staff_client(settings, engine):
    with unit_of_work(engine) as session:
        create_user(session, data=UserCreate(email="staff@alliance.example", password=PASSWORD, is_staff=True))
        create_user(session, data=UserCreate(email="member@org.example", password=PASSWORD))
    with TestClient(create_app(settings)) as client:
        yield client


def count(engine, model) -> int:
    with new_session(engine, write=False) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_staff_add_edit_and_remove_a_resource_and_the_public_page_follows(staff_client, engine):
    client = staff_client
    sign_in(client, "staff@alliance.example")
    assert post_form(client, "/staff/learn", COURSE).headers["location"] == "/staff/learn?done=saved"
    with new_session(engine, write=False) as session:
        resource = session.exec(select(LearningResource)).one()
    en = client.get("/learn", params={"lang": "en"}).text
    zh = client.get("/learn", params={"lang": "zh"}).text
    assert "Qubits for beginners" in en and "Ten short lessons." in en and "<h2>Course</h2>" in en
    assert "量子比特入门" in zh and "<h2>课程</h2>" in zh
    assert "Qubits for beginners" in client.get("/learn", params={"audience": "school", "lang": "en"}).text
    assert "Qubits for beginners" not in client.get("/learn", params={"audience": "professional", "lang": "en"}).text
    assert post_form(client, f"/staff/learn/{resource.id}", COURSE | {"kind": "video"}).status_code == 303
    assert "<h2>Video</h2>" in client.get("/learn", params={"lang": "en"}).text
    assert post_form(client, f"/staff/learn/{resource.id}/delete", {}).status_code == 303
    assert count(engine, LearningResource) == 0
    with new_session(engine, write=False) as session:
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]
    assert actions[-3:] == ["learn.create", "learn.update", "learn.delete"]


@pytest.mark.parametrize(("field", "value"), [("url", "javascript:alert(1)"), ("url", ""), ("title", ""),
                                               ("kind", "podcast"), ("audience", ""), ("note", "x" * 501)])
def test_bad_input_is_422_naming_the_field_and_nothing_is_written(staff_client, engine, field, value):
    sign_in(staff_client, "staff@alliance.example")
    response = post_form(staff_client, "/staff/learn", COURSE | {field: value})
    assert response.status_code == 422 and f'id="e-{field}"' in response.text
    assert count(engine, LearningResource) == 0


def test_only_staff_may_change_the_resources(staff_client, engine):
    sign_in(staff_client, "member@org.example")
    assert post_form(staff_client, "/staff/learn", COURSE).status_code == 404
    assert staff_client.get("/staff/learn").status_code == 404
    assert count(engine, LearningResource) == 0
    assert staff_client.get("/learn").status_code == 200  # the public page is for everyone
