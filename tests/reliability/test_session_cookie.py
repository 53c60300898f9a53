"""The session cookie behind https (RELIABILITY 8, ZAP 10010/10011/10054): `__Host-` prefix, Secure,
HttpOnly, SameSite, Path=/, no Domain, at least 128 random bits, and never in a URL."""

import base64
import re

from fastapi.testclient import TestClient

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import unit_of_work
from app.main import create_app

PASSWORD = "correct horse battery staple"


def test_behind_https_the_session_cookie_is_a_host_cookie_with_every_flag(settings, engine):
    with unit_of_work(engine) as session:
        create_user(session, data=UserCreate(email="ana@member.example", password=PASSWORD))
    app = create_app(settings.model_copy(update={"https": True}))
    with TestClient(app, base_url="https://testserver") as client:
        client.get("/account/login")
        token = client.cookies["qm_csrf"]
        response = client.post("/account/login", data={"email": "ana@member.example", "password": PASSWORD,
                                                       "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and "qm_session" not in response.headers["location"]
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("__Host-qm_session="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite", "path"} <= flags and "domain" not in flags
    assert re.search(r"(?i)samesite=(lax|strict)", cookie) and "Path=/" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))) * 8 >= 128
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
