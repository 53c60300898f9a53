"""`qmarket tokens create` (DESIGN §4): prints the secret once; staff tokens only for staff users, an
organisation's token only for one of its owners."""

import hashlib

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from app.cli import app
from app.config import Settings, get_settings
from app.db import create_db_engine, new_session, unit_of_work
from app.models import ApiToken, Membership, Organization, User
from app.models.vocab import MemberRole
from tests.factories import make_org

runner = CliRunner()
PASSWORD = "correct horse battery staple"


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("QM_DATABASE_URL", url)
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["seed"]).exit_code == 0
    for email, staff in (("staff@qm.example", True), ("owner@alpha.example", False), ("editor@alpha.example", False)):
        args = ["users", "create", "--email", email, "--password", PASSWORD] + (["--staff"] if staff else [])
        assert runner.invoke(app, args).exit_code == 0
    engine = create_db_engine(Settings(database_url=url))
    with unit_of_work(engine) as session:
        org = make_org(session, slug="alpha")
        for email, role in (("owner@alpha.example", MemberRole.owner), ("editor@alpha.example", MemberRole.editor)):
            user = session.exec(select(User).where(User.email == email)).one()
            session.add(Membership(user_id=user.id, organization_id=org.id, role=role))
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def tokens(engine) -> list[ApiToken]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(ApiToken)).all())


def test_a_staff_token_for_a_staff_user(database):
    result = runner.invoke(app, ["tokens", "create", "--email", "staff@qm.example", "--name", "nightly import"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("qm_") and len(secret) > 50
    [token] = tokens(database)
    assert token.organization_id is None and token.name == "nightly import"
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_an_organisation_token_for_its_owner(database):
    result = runner.invoke(app, ["tokens", "create", "--email", "owner@alpha.example", "--org", "alpha",
                                 "--name", "ERP"])
    assert result.exit_code == 0, result.output
    [token] = tokens(database)
    with new_session(database, write=False) as session:
        assert session.get(Organization, token.organization_id).slug == "alpha"
    assert token.secret_hash == hashlib.sha256(result.stdout.strip().splitlines()[-1].encode()).hexdigest()


@pytest.mark.parametrize("args,message", [
    (["--email", "owner@alpha.example", "--name", "x"], "only staff"),
    (["--email", "editor@alpha.example", "--org", "alpha", "--name", "x"], "not an owner"),
    (["--email", "staff@qm.example", "--org", "alpha", "--name", "x"], "not an owner"),
    (["--email", "owner@alpha.example", "--org", "nope", "--name", "x"], "no organisation"),
    (["--email", "nobody@alpha.example", "--org", "alpha", "--name", "x"], "no active user"),
    (["--email", "owner@alpha.example", "--org", "alpha", "--name", "  "], "name"),
])
def test_refused_tokens_are_not_created(database, args, message):
    result = runner.invoke(app, ["tokens", "create", *args])
    assert result.exit_code == 1 and message in result.output
    assert tokens(database) == []
