import json
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from app.accounts.service import verify_password
from app.cli import app
from app.config import Settings, get_settings
from app.db import create_db_engine, new_session
from app.models import Category, Job, Listing, Organization, User
from app.models.base import utcnow
from app.models.states import JobStatus
from tests.factories import job_row, listing_row, org_row
from tests.helpers import ENGINE_NAMES

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("QM_DATABASE_URL", url)
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_db_engine(Settings(database_url=url))
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def count(engine, model) -> int:
    with new_session(engine, write=False) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_db_upgrade_loads_the_taxonomy_and_seed_keeps_it(database):
    assert count(database, Category) == 32  # the data migration: a migrated database knows the categories
    again = runner.invoke(app, ["seed"])
    assert again.exit_code == 0 and "0 categories changed" in again.output
    assert count(database, Category) == 32


def test_a_migrated_database_takes_an_import_without_seed(database, tmp_path):
    bundle = {"organizations": [org_row(slug="cli-org")], "listings": [listing_row("cli-org")]}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert count(database, Listing) == 1


def test_an_unmigrated_database_is_named_in_one_line_and_no_file_is_left(tmp_path, monkeypatch):
    target = tmp_path / "never-migrated.db"
    monkeypatch.setenv("QM_DATABASE_URL", f"sqlite:///{target}")
    get_settings.cache_clear()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps({"organizations": [org_row(slug="cli-org")]}), encoding="utf-8")
    try:
        for args in (["import", str(path)], ["export", str(tmp_path / "out.json")]):
            result = runner.invoke(app, args)
            assert result.exit_code == 1, result.output
            assert "qmarket db upgrade" in result.output and "Traceback" not in result.output
            assert len(result.output.strip().splitlines()) == 1, result.output
            assert not target.exists()
    finally:
        get_settings.cache_clear()


def test_import_of_a_good_bundle(database, tmp_path):
    runner.invoke(app, ["seed"])
    bundle = {"organizations": [org_row(slug="cli-org")], "listings": [listing_row("cli-org")],
              "jobs": [job_row("cli-org")]}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "organizations: 1 created" in result.output
    assert count(database, Organization) == 1


def test_export_writes_a_bundle_that_imports_again(database, tmp_path, monkeypatch):
    bundle = {"organizations": [org_row(slug="cli-org")], "listings": [listing_row("cli-org")],
              "jobs": [job_row("cli-org")],
              "groups": [{"slug": "cli-group", "name": "CLI group", "members": ["cli-org"]}]}
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(app, ["import", str(source)]).exit_code == 0
    target = tmp_path / "export.json"
    result = runner.invoke(app, ["export", str(target)])
    assert result.exit_code == 0, result.output
    assert "1 organizations, 1 listings, 1 jobs, 0 webinars, 1 groups" in result.output
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["groups"][0]["members"] == ["cli-org"]
    again = runner.invoke(app, ["import", str(target)])
    assert again.exit_code == 0, again.output
    # Into a database that was only migrated (no seed): the same bundle comes out again.
    fresh = tmp_path / "fresh.db"
    monkeypatch.setenv("QM_DATABASE_URL", f"sqlite:///{fresh}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["import", str(target)]).exit_code == 0
    second = tmp_path / "second.json"
    assert runner.invoke(app, ["export", str(second)]).exit_code == 0
    assert json.loads(second.read_text(encoding="utf-8")) == exported
    assert "listings: 0 created, 0 updated, 1 unchanged; jobs: 0 created, 0 updated, 1 unchanged" in again.output


def test_a_dry_run_reports_each_row_and_writes_nothing(database, tmp_path):
    path = tmp_path / "bundle.json"
    bundle = {"organizations": [org_row(slug="cli-org"), org_row(slug="other-org", name="Other Org")],
              "listings": [listing_row("cli-org")]}
    path.write_text(json.dumps(bundle), encoding="utf-8")
    dry = runner.invoke(app, ["import", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "organizations row 1 (cli-org): would be created" in dry.output
    assert "listings row 1" in dry.output and "nothing was written" in dry.output
    assert count(database, Organization) == 0 and count(database, Listing) == 0
    assert runner.invoke(app, ["import", str(path)]).exit_code == 0
    bundle["organizations"][1]["name"] = "Other Org, renamed"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    dry = runner.invoke(app, ["import", str(path), "--dry-run"])
    assert "organizations row 1 (cli-org): would be unchanged" in dry.output
    assert "organizations row 2 (other-org): would be updated" in dry.output
    with new_session(database, write=False) as session:
        assert session.exec(select(Organization.name).where(Organization.slug == "other-org")).one() == "Other Org"


def test_a_csv_file_imports_and_a_bad_one_is_named(database, tmp_path):
    good = tmp_path / "orgs.csv"
    good.write_text("\ufeffslug,name,org_type,country,province,city,offers\r\n"
                    "csv-org,CSV Org,sme,CN,CN-AH,Hefei,hardware/cryogenics; services/legal\r\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(good)])
    assert result.exit_code == 0 and "organizations: 1 created" in result.output, result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("slug,name,org_type,country\r\nbad-org,Bad,spaceship,XX\r\n", encoding="utf-8")
    refused = runner.invoke(app, ["import", str(bad)])
    assert refused.exit_code == 1 and "organizations row 1 (bad-org): org_type" in refused.output
    assert "organizations row 1 (bad-org): country" in refused.output
    out = tmp_path / "out.csv"
    assert runner.invoke(app, ["export", str(out)]).exit_code == 1  # a CSV needs its --section
    assert runner.invoke(app, ["export", str(out), "--section", "organizations"]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("\ufeffslug,name,")


def test_import_of_a_bad_bundle_names_the_rows_and_writes_nothing(database, tmp_path):
    runner.invoke(app, ["seed"])
    bundle = {
        "organizations": [org_row(slug="cli-org"), org_row(slug="bad", country="ZZ")],
        "listings": [listing_row("cli-org", category="hardware/nope"), listing_row("ghost")],
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert "organizations row 2 (bad): country:" in result.output
    assert "listings row 1" in result.output and "unknown category 'hardware/nope'" in result.output
    assert "listings row 2" in result.output and "unknown organisation 'ghost'" in result.output
    assert "nothing was written" in result.output
    assert count(database, Organization) == 0


def test_import_of_a_file_that_is_not_json(database, tmp_path):
    path = tmp_path / "bundle.json"
    path.write_bytes(b"\xff\xfe not json")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1 and "not a UTF-8 JSON or CSV file" in result.output


def test_users_create_hashes_the_password(database):
    result = runner.invoke(app, ["users", "create", "--staff", "--email", "Staff@Alliance.example"],
                           input="a long passphrase 量子\na long passphrase 量子\n")
    assert result.exit_code == 0, result.output
    with new_session(database, write=False) as session:
        user = session.exec(select(User)).one()
    assert user.email == "staff@alliance.example" and user.is_staff
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "a long passphrase 量子")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email", "--password", "long enough pass"], "email: must be an e-mail address"),
        (["--email", "a@b.example", "--password", "short"], "password: must be at least 10 characters long"),
    ],
)
def test_users_create_refuses_bad_input(database, args, message):
    result = runner.invoke(app, ["users", "create", *args])
    assert result.exit_code == 1 and message in result.output
    assert count(database, User) == 0


def test_users_create_refuses_a_second_account_for_one_address(database):
    args = ["users", "create", "--email", "a@b.example", "--password", "long enough pass"]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "already exists" in result.output


def test_jobs_expire_closes_jobs_past_their_date(database, tmp_path):
    runner.invoke(app, ["seed"])
    past = (utcnow() - timedelta(days=90)).isoformat()
    bundle = {"organizations": [org_row(slug="o")],
              "jobs": [job_row("o", published_at=past), job_row("o")]}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    assert runner.invoke(app, ["import", str(path)]).exit_code == 0
    result = runner.invoke(app, ["jobs", "expire"])
    assert "closed 1 expired job(s)" in result.output
    with new_session(database, write=False) as session:
        statuses = sorted(session.exec(select(Job.status)).all())
    assert statuses == [JobStatus.closed, JobStatus.published]


@pytest.fixture(params=ENGINE_NAMES)
def search_env(request, tmp_path, monkeypatch):
    """The CLI's environment for each engine in turn; yields a function that loses the whole index."""
    if request.param == "embedded":
        path = tmp_path / "search.db"
        monkeypatch.setenv("QM_SEARCH_PATH", str(path))
        get_settings.cache_clear()

        def lose_index():
            for suffix in ("", "-wal", "-shm"):
                (tmp_path / f"search.db{suffix}").unlink(missing_ok=True)

        yield lose_index
        return
    meili = request.getfixturevalue("meili")
    index = meili.new_index()
    for name, value in {"QM_SEARCH_BACKEND": "meilisearch", "QM_MEILI_URL": meili.server.url,
                        "QM_MEILI_KEY": meili.keys.admin, "QM_MEILI_SEARCH_KEY": meili.keys.search,
                        "QM_MEILI_INDEX": index}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield lambda: meili.drop(index)
    meili.drop(index)


def test_search_commands_rebuild_drain_and_verify(database, tmp_path, search_env):
    runner.invoke(app, ["seed"])
    bundle = {"organizations": [org_row(slug="o")], "listings": [listing_row("o"), listing_row("o")]}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    imported = runner.invoke(app, ["import", str(path)])
    assert "search index updated (3 changes)" in imported.output
    verified = runner.invoke(app, ["search", "verify"])
    assert verified.exit_code == 0 and "matches the database" in verified.output, verified.output
    rebuilt = runner.invoke(app, ["search", "reindex"])
    assert rebuilt.exit_code == 0 and "rebuilt: 3 documents" in rebuilt.output
    drained = runner.invoke(app, ["search", "drain"])
    assert drained.exit_code == 0 and "0 still pending" in drained.output
    search_env()  # the index is lost
    lost = runner.invoke(app, ["search", "verify"])
    assert lost.exit_code == 1 and "3 missing" in lost.output, lost.output
    assert runner.invoke(app, ["search", "reindex"]).exit_code == 0
    assert runner.invoke(app, ["search", "verify"]).exit_code == 0