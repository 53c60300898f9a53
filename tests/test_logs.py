"""Log lines (issue 16): JSON objects with the request id (QM_LOG_FORMAT=json, production's default) or text."""

import json
import logging

from fastapi.testclient import TestClient

from app.config import Settings
from app.logs import configure_logging
from app.main import create_app
from app.request_context import work_id
from tests.helpers import csrf_headers


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_with_json_logs_every_line_is_an_object_with_the_request_id(settings, engine, capsys):
    with TestClient(create_app(settings.model_copy(update={"log_format": "json"}))) as client:
        capsys.readouterr()
        token = csrf_headers(client)["X-CSRF-Token"]
        response = client.post("/account/login", data={"email": "nobody\n@x.example", "password": "wrong password 1",
                                                       "csrf_token": token})
        lines = json_lines(capsys.readouterr().err)  # json.loads fails on any line that is not JSON
    assert response.status_code in (200, 401, 422)
    request_id = response.headers["x-request-id"]
    ours = [line for line in lines if line["request_id"] == request_id]
    assert ours and all({"time", "level", "logger", "message"} <= set(line) for line in ours)
    with work_id("task") as task_id:
        logging.getLogger("qmarket.test").warning("a line\nthat tries to be two")
    line = json_lines(capsys.readouterr().err)[-1]
    assert line["request_id"] == task_id and line["message"] == "a line\nthat tries to be two"
    configure_logging(settings)  # back to text for the tests that follow


def test_the_default_format_is_json_in_production_and_text_elsewhere(capsys):
    assert Settings(environment="production").logs_as_json
    assert not Settings(environment="development").logs_as_json
    assert not Settings(environment="production", log_format="text").logs_as_json
    configure_logging(Settings(log_format="text"))
    with work_id("cli") as cli_id:
        logging.getLogger("qmarket.test").info("plain")
    assert f"[{cli_id}] plain" in capsys.readouterr().err
