"""CSV for each record type: the export's CSV imports again unchanged, templates carry the documented
header with a BOM, bad rows and bad headers are named, and the staff export page serves them."""

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from app.db import new_session, unit_of_work
from app.imports.csv_format import BOM, columns, read_csv, template, to_csv
from app.imports.export import export_bundle
from app.imports.schemas import SECTIONS
from app.imports.service import BundleRejected, import_bundle
from app.main import create_app
from app.models import Listing
from tests.helpers import sign_in


def bundle_of(engine) -> dict:
    with new_session(engine, write=False) as session:
        return export_bundle(session).bundle


def test_each_record_type_round_trips_through_csv(demo_database, engine):
    demo = bundle_of(demo_database[0])
    csv_files = {section: to_csv(section, demo[section]) for section in SECTIONS}
    assert all(text.startswith(BOM) for text in csv_files.values())
    # Into an empty database, one CSV at a time, in the order references need.
    for section in ("organizations", "listings", "jobs", "groups", "webinars"):
        read_section, rows = read_csv(csv_files[section])
        assert read_section == section and len(rows) == len(demo[section])
        with unit_of_work(engine) as session:
            import_bundle(session, {section: rows}, job_live_days=60)
    again = bundle_of(engine)
    assert {s: to_csv(s, again[s]) for s in SECTIONS} == csv_files
    assert again == demo


def test_templates_name_the_documented_columns():
    for section in SECTIONS:
        header = template(section).removeprefix(BOM).strip().split(",")
        assert header == columns(section)
    assert columns("listings")[:2] == ["org", "slug"] and "offers" in columns("organizations")


def test_bad_rows_are_each_named_and_nothing_is_written(engine):
    text = BOM + "org,kind,category,title,trl\r\n" + "\r\n".join([
        "nobody-here,product,hardware/cryogenics,A fridge,5",
        "nobody-here,gadget,hardware/cryogenics,A gadget,5",
        "nobody-here,product,hardware/teleporters,A teleporter,12",
    ]) + "\r\n"
    section, rows = read_csv(text)
    assert section == "listings" and rows[0] == {"org": "nobody-here", "kind": "product",
                                                 "category": "hardware/cryogenics", "title": "A fridge", "trl": "5"}
    with unit_of_work(engine) as session, pytest.raises(BundleRejected) as refused:
        import_bundle(session, {section: rows}, job_live_days=60)
    named = {(e.row, e.field) for e in refused.value.row_errors}
    assert {(2, "kind"), (3, "trl")} <= named and any(n == 1 and f == "org" for n, f in named)
    with new_session(engine, write=False) as session:
        assert session.exec(select(func.count()).select_from(Listing)).one() == 0


@pytest.mark.parametrize(("header", "message"), [
    ("org,kind,colour", "unknown column(s): colour"),
    ("slug,name", "cannot tell the record type"),
    ("", "the file is empty"),
    ("slug,slug,org_type", "a column is named twice"),
])
def test_a_bad_header_is_named(header, message):
    with pytest.raises(BundleRejected) as refused:
        read_csv(header + "\r\nx,y,z\r\n")
    (error,) = refused.value.row_errors
    assert error.field == "header" and message in error.message


def test_lists_are_one_cell_separated_by_semicolons():
    text = "slug,name,org_type,country,province,offers\r\nacme,Acme,sme,CN,CN-AH,hardware/cryogenics; services/legal\r\n"
    _, rows = read_csv(text)
    assert rows[0]["offers"] == ["hardware/cryogenics", "services/legal"] and "needs" not in rows[0]


def test_the_staff_export_page_serves_the_bundle_csvs_and_templates(demo_database, settings, engine):
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user

    with unit_of_work(engine) as session:
        import_bundle(session, bundle_of(demo_database[0]), job_live_days=60)
        create_user(session, data=UserCreate(email="staff@alliance.example", password="correct horse battery staple",
                                             is_staff=True))
        create_user(session, data=UserCreate(email="member@org.example", password="correct horse battery staple"))
    with TestClient(create_app(settings)) as client:
        sign_in(client, "member@org.example")
        assert client.get("/staff/export").status_code == 404
        assert client.get("/staff/export/listings.csv").status_code == 404
        sign_in(client, "staff@alliance.example")
        page = client.get("/staff/export", params={"lang": "en"}).text
        assert 'href="/staff/export/bundle.json"' in page and 'href="/staff/export/templates/jobs.csv"' in page
        listings = client.get("/staff/export/listings.csv")
        assert listings.headers["content-type"].startswith("text/csv") and listings.text.startswith(BOM)
        assert read_csv(listings.text)[0] == "listings" and "no-store" in listings.headers["cache-control"]
        bundle = json.loads(client.get("/staff/export/bundle.json").text)
        assert len(bundle["listings"]) == len(read_csv(listings.text)[1])
        assert client.get("/staff/export/templates/groups.csv").text == template("groups")
        assert client.get("/staff/export/people.csv").status_code == 422
