"""The fast-form rule's stamp (RELIABILITY 64): signed with the secret key, refused when missing, forged,
from the future or stale, flagged when the form came back within MIN_SECONDS."""

import re

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import unit_of_work
from app.security import form_timing
from app.security.form_timing import FORGED, MIN_SECONDS, MISSING, TOO_FAST, check, stamp
from tests.helpers import csrf_headers

SECRET = "a secret of the suite"
NOW = 1_800_000_000.0


def test_a_form_read_for_a_while_passes():
    assert check(SECRET, stamp(SECRET, at=NOW - 60), now=NOW) is None
    assert check(SECRET, stamp(SECRET, at=NOW - MIN_SECONDS), now=NOW) is None


def test_a_form_sent_within_seconds_is_too_fast():
    assert check(SECRET, stamp(SECRET, at=NOW), now=NOW) == TOO_FAST
    assert check(SECRET, stamp(SECRET, at=NOW - MIN_SECONDS + 1), now=NOW) == TOO_FAST


def test_missing_forged_future_and_stale_stamps_are_flagged():
    good = stamp(SECRET, at=NOW - 60)
    seconds, _, mac = good.partition(".")
    assert check(SECRET, None, now=NOW) == MISSING
    assert check(SECRET, "", now=NOW) == MISSING
    assert check("another secret", good, now=NOW) == FORGED  # signed with another key
    assert check(SECRET, f"{int(seconds) - 3600}.{mac}", now=NOW) == FORGED  # time changed, signature kept
    assert check(SECRET, f"{seconds}.{mac[:-1]}0", now=NOW) == FORGED
    for junk in ("abc", ".", "12.", "-5.x", "9" * 40 + ".x", "1.2.3", "🙂.🙂"):
        assert check(SECRET, junk, now=NOW) == FORGED, junk
    assert check(SECRET, stamp(SECRET, at=NOW + 3600), now=NOW) == FORGED  # from the future
    assert check(SECRET, stamp(SECRET, at=NOW - form_timing.MAX_AGE_SECONDS - 1), now=NOW) == FORGED  # stale


def test_the_template_helper_writes_a_hidden_field_with_a_valid_stamp(client):
    with unit_of_work(client.app.state.engine) as session:
        create_user(session, data=UserCreate(email="u@x.example", password="correct horse battery staple"))
    client.post("/account/login", data={"email": "u@x.example", "password": "correct horse battery staple",
                                        "csrf_token": csrf_headers(client)["X-CSRF-Token"]})
    page = client.get("/account/apply").text
    [value] = re.findall(r'name="form_started" value="([^"]+)"', page)
    assert check(client.app.state.settings.secret_key, value) == TOO_FAST  # just rendered
    assert check(client.app.state.settings.secret_key, value, now=float(value.split(".")[0]) + 10) is None
