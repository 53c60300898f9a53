"""The logo quota: at most QM_LOGO_UPLOADS_PER_DAY uploads per organisation per day (429 + Retry-After past
it), and a replaced logo file is removed from disk (RELIABILITY 45)."""

import pytest

from app.models import Organization
from tests.workspace.helpers import OWNER, fingerprint, load, png_bytes, sign_in, upload


@pytest.fixture
def ws_settings() -> dict:
    return {"review_first_listings": 0, "logo_uploads_per_day": 3}


def test_uploads_past_the_daily_quota_are_429_and_replaced_files_are_removed(ws, engine, tmp_path):
    sign_in(ws, OWNER)
    folder = tmp_path / "uploads" / "logos"
    names = []
    for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255)):
        assert upload(ws, png_bytes(color=color)).status_code == 303
        names.append(load(engine, Organization, ws.ids["a"]).logo_path)
        assert [p.name for p in folder.iterdir()] == [names[-1]]  # the replaced file is gone
    assert len(set(names)) == 3
    before = fingerprint(engine)
    refused = upload(ws, png_bytes(color=(9, 9, 9)))
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert fingerprint(engine) == before
    assert [p.name for p in folder.iterdir()] == [names[-1]]
    assert ws.get(f"/logos/{names[-1]}").status_code == 200


def test_bad_uploads_count_towards_the_quota(ws, engine):
    sign_in(ws, OWNER)
    for _ in range(3):
        assert upload(ws, b"<html>not an image</html>").status_code == 422
    assert upload(ws, png_bytes()).status_code == 429
    assert load(engine, Organization, ws.ids["a"]).logo_path is None


def test_the_quota_is_per_organisation(ws, engine):
    from tests.workspace.helpers import INTRUDER, post

    sign_in(ws, OWNER)
    for _ in range(3):
        assert upload(ws, png_bytes()).status_code == 303
    sign_in(ws, INTRUDER)
    response = post(ws, "/account/orgs/org-b/logo", files={"logo": ("b.png", png_bytes(), "image/png")})
    assert response.status_code == 303
