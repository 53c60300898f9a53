"""People for account and staff tests, signed in through the real routes."""

from fastapi.testclient import TestClient

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import unit_of_work
from tests.helpers import csrf_headers

PASSWORD = "correct horse battery staple"


def make_user(engine, email: str, *, staff: bool = False, name: str = "") -> int:
    with unit_of_work(engine) as session:
        return create_user(session, data=UserCreate(email=email, password=PASSWORD, display_name=name,
                                                    is_staff=staff)).id


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    client.cookies.clear()
    token = csrf_headers(client)["X-CSRF-Token"]
    response = client.post("/account/login", data={"email": email, "password": password, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def post(client: TestClient, url: str, data: dict | None = None, **kwargs):
    token = csrf_headers(client)["X-CSRF-Token"]
    return client.post(url, data={"csrf_token": token, **(data or {})}, follow_redirects=False, **kwargs)
