"""The demo data: rich enough that every page looks alive, valid, and idempotent to load."""

from collections import Counter

import pytest
from sqlalchemy import func
from sqlmodel import select

from app.catalog.service import categories_by_path, leaf_paths
from app.config import Settings
from app.db import create_db_engine, new_session, unit_of_work
from app.imports.demo import seed_demo
from app.migrations import upgrade
from app.models import (
    Job,
    Listing,
    Organization,
    SearchOutbox,
    Webinar,
    WebinarListing,
    WebinarPresenter,
    WorkingGroup,
    WorkingGroupMember,
)
from app.models.base import utcnow
from app.models.vocab import EmploymentType, JobFunction, OrgType, Region, Workplace

TABLES = (Organization, Listing, Job, Webinar, WebinarPresenter, WebinarListing, WorkingGroup, WorkingGroupMember,
          SearchOutbox)


def table_counts(engine) -> dict[str, int]:
    with new_session(engine, write=False) as session:
        return {m.__name__: session.exec(select(func.count()).select_from(m)).one() for m in TABLES}


@pytest.fixture
def demo(demo_database):
    return demo_database


def test_demo_has_at_least_60_organisations_of_every_type(demo):
    engine, _ = demo
    with new_session(engine, write=False) as session:
        orgs = session.exec(select(Organization)).all()
    assert len(orgs) >= 60
    assert {o.org_type for o in orgs} == set(OrgType)
    chinese_regions = {o.region for o in orgs if o.country == "CN"}
    assert {Region.east, Region.central, Region.west, Region.northeast} <= chinese_regions
    assert all(o.description and o.description_zh and o.name_zh for o in orgs)
    assert any(o.country != "CN" for o in orgs)


def test_demo_listings_cover_every_subcategory(demo):
    engine, _ = demo
    with new_session(engine, write=False) as session:
        listings = session.exec(select(Listing)).all()
        categories = categories_by_path(session)
    assert len(listings) >= 150
    by_id = {c.id: path for path, c in categories.items()}
    covered = {by_id[li.category_id] for li in listings}
    assert leaf_paths(categories) <= covered
    assert all(li.title_zh and li.description and li.description_zh for li in listings)


def test_demo_jobs_cover_every_function_type_and_workplace(demo):
    engine, _ = demo
    with new_session(engine, write=False) as session:
        jobs = session.exec(select(Job)).all()
    assert len(jobs) >= 80
    assert {j.function for j in jobs} == set(JobFunction)
    assert {j.employment_type for j in jobs} == set(EmploymentType)
    assert {j.workplace for j in jobs} == set(Workplace)
    now = utcnow()
    assert all(j.published_at <= now < j.expires_at for j in jobs), "demo jobs should all be live"
    assert len(Counter(j.organization_id for j in jobs)) >= 30


def test_demo_has_twelve_monthly_webinars_and_working_groups(demo):
    engine, _ = demo
    now = utcnow()
    with new_session(engine, write=False) as session:
        webinars = session.exec(select(Webinar)).all()
        presenters = session.exec(select(func.count()).select_from(WebinarPresenter)).one()
        groups = session.exec(select(WorkingGroup)).all()
    assert len(webinars) == 12
    assert len({(w.starts_at.year, w.starts_at.month) for w in webinars}) == 12
    upcoming = [w for w in webinars if w.starts_at >= now]
    past = [w for w in webinars if w.starts_at < now]
    assert upcoming and past
    assert all(w.recording_url for w in past)
    assert presenters >= 12
    assert len(groups) >= 4


def test_loading_the_demo_twice_changes_nothing(demo):
    engine, first = demo
    assert first.changed > 0
    before = table_counts(engine)
    with unit_of_work(engine) as session:
        again = seed_demo(session, job_live_days=60)
    assert again.changed == 0, again
    assert table_counts(engine) == before


@pytest.mark.postgres
def test_the_demo_loads_on_postgres_through_the_migrations(postgres_url):
    upgrade(postgres_url)
    engine = create_db_engine(Settings(database_url=postgres_url))
    try:
        with unit_of_work(engine) as session:
            seed_demo(session, job_live_days=60)
        counts = table_counts(engine)
        with unit_of_work(engine) as session:
            assert seed_demo(session, job_live_days=60).changed == 0
        assert table_counts(engine) == counts
        assert counts["Organization"] >= 60 and counts["Listing"] >= 150 and counts["Job"] >= 80
    finally:
        engine.dispose()
