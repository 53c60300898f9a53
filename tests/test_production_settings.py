"""Production refuses unsafe settings, and hides the API explorer (RELIABILITY 42)."""

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.migrations import upgrade

SAFE = {"environment": "production", "secret_key": "x" * 40, "https": True}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"secret_key": "dev-insecure-secret-change-me"}, "QM_SECRET_KEY"),
        ({"secret_key": "short"}, "QM_SECRET_KEY"),
        ({"https": False}, "QM_HTTPS"),
        ({"meili_key": "x" * 40}, "QM_MEILI_KEY"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(tmp_path, override, message):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/p.db", **(SAFE | override))
    with pytest.raises(RuntimeError, match=message):
        create_app(settings)


def test_production_hides_the_api_explorer(tmp_path):
    upgrade(f"sqlite:///{tmp_path}/p.db")
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/p.db", search_path=str(tmp_path / "s.db"), **SAFE))
    with TestClient(app, base_url="https://testserver") as client:
        # FastAPI's explorer of every route is gone; /docs leads to the API's own docs (tests/api/test_openapi.py).
        assert client.get("/docs", follow_redirects=False).headers["location"] == "/api/v1/docs"
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/.env").status_code == 404
        response = client.get("/")
        assert "max-age=31536000" in response.headers["strict-transport-security"]
