"""Webinars and working groups in the import bundle: written with their presenters, listings and members,
shown on the pages in both languages; a bad reference names its row and field and nothing is written."""

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from app.imports.service import BundleRejected, import_bundle
from app.main import create_app
from app.models import Webinar, WebinarListing, WebinarPresenter, WorkingGroup, WorkingGroupMember
from tests.factories import listing_row, org_row


def programme_bundle() -> dict:
    now = datetime.now(UTC)
    return {
        "organizations": [org_row(slug="kestrel-quantum", name="Kestrel Quantum"),
                          org_row(slug="osprey-labs", name="Osprey Labs")],
        "listings": [listing_row("kestrel-quantum", slug="kestrel-fridge", title="Kestrel fridge")],
        "webinars": [
            {"slug": "cold-chain-2027", "title": "Cold chains for qubits", "title_zh": "量子比特的低温链",
             "description": "How to keep a fridge cold.", "theme": "hardware/cryogenics",
             "starts_at": (now + timedelta(days=20)).isoformat(), "duration_minutes": 90,
             "presenters": ["kestrel-quantum"], "listings": ["kestrel-fridge"],
             "registration_url": "https://events.example/cold-chain"},
            {"slug": "photon-counting-2026", "title": "Counting photons", "title_zh": "单光子计数",
             "starts_at": (now - timedelta(days=40)).isoformat(), "presenters": ["osprey-labs"],
             "recording_url": "https://video.example/photon-counting"},
        ],
        "groups": [{"slug": "cryo-standards", "name": "Cryogenics standards", "name_zh": "低温标准工作组",
                    "mission": "Common test methods.", "members": ["kestrel-quantum", "osprey-labs"]}],
    }


def programme_counts(session) -> dict[str, int]:
    return {m.__name__: session.exec(select(func.count()).select_from(m)).one()
            for m in (Webinar, WebinarPresenter, WebinarListing, WorkingGroup, WorkingGroupMember)}


def test_webinars_and_groups_are_written_with_their_links_and_a_second_import_changes_nothing(session):
    bundle = programme_bundle()
    report = import_bundle(session, copy.deepcopy(bundle), job_live_days=60)
    assert report.counts["webinars"]["created"] == 2 and report.counts["groups"]["created"] == 1
    assert programme_counts(session) == {"Webinar": 2, "WebinarPresenter": 2, "WebinarListing": 1,
                                         "WorkingGroup": 1, "WorkingGroupMember": 2}
    again = import_bundle(session, copy.deepcopy(bundle), job_live_days=60)
    assert again.counts["webinars"]["unchanged"] == 2 and again.counts["groups"]["unchanged"] == 1
    bundle["webinars"][0]["starts_at"] = (datetime.now(UTC) + timedelta(days=27)).isoformat()  # moved
    moved = import_bundle(session, bundle, job_live_days=60)
    assert moved.counts["webinars"]["updated"] == 1


@pytest.mark.parametrize(("change", "path"), [
    (lambda b: b["webinars"][0].update(presenters=["nobody"]), "webinars[1].presenters"),
    (lambda b: b["webinars"][0].update(listings=["no-such-listing"]), "webinars[1].listings"),
    (lambda b: b["webinars"][0].update(theme="hardware/teleporters"), "webinars[1].theme"),
    (lambda b: b["webinars"][1].update(slug="cold-chain-2027"), "webinars[2].slug"),
    (lambda b: b["webinars"][0].update(starts_at="next tuesday"), "webinars[1].starts_at"),
    (lambda b: b["groups"][0].update(members=["ghost-org"]), "groups[1].members"),
    (lambda b: b["groups"][0].pop("name"), "groups[1].name"),
])
def test_a_bad_reference_names_its_row_and_field_and_nothing_is_written(session, change, path):
    bundle = programme_bundle()
    change(bundle)
    with pytest.raises(BundleRejected) as rejected:
        import_bundle(session, bundle, job_live_days=60)
    assert path in [e.path for e in rejected.value.row_errors]
    assert programme_counts(session) == dict.fromkeys(programme_counts(session), 0)


@pytest.mark.parametrize(("language", "past"), [("en", "Watch the recording"), ("zh", "观看回放")])
def test_imported_through_the_cli_they_show_on_the_pages(settings, engine, tmp_path, monkeypatch, language, past):
    from app.cli import app as cli
    from app.config import get_settings

    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(programme_bundle(), ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("QM_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["import", str(path)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    with TestClient(create_app(settings)) as client:
        webinars = client.get("/webinars", params={"lang": language}).text
        assert "Cold chains for qubits" in webinars or "量子比特的低温链" in webinars
        assert past in webinars and "https://video.example/photon-counting" in webinars
        calendar = client.get("/webinars.ics")
        assert calendar.status_code == 200 and "cold-chain-2027" in calendar.text
        group = client.get("/groups/cryo-standards", params={"lang": language}).text
        assert 'href="/orgs/kestrel-quantum"' in group and 'href="/orgs/osprey-labs"' in group
        assert 'href="/webinars/cold-chain-2027"' in client.get("/orgs/kestrel-quantum").text
