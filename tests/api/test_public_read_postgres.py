"""The public lists' keyset queries on PostgreSQL (tests/api/test_public_read.py runs the routes on SQLite):
paging through each list by its sort key gives every visible record once, in the same order as one page."""

from datetime import timedelta

import pytest
from sqlmodel import SQLModel

from app.catalog.public_list import ListingFilters, listings_page, sort_key as listing_key
from app.config import Settings
from app.db import create_db_engine, new_session, unit_of_work
from app.imports.demo import seed_taxonomy
from app.jobs.public_list import JobListFilters, jobs_page, sort_key as job_key
from app.models.base import utcnow
from app.organizations.public_list import OrgFilters, organizations_page, sort_key as org_key
from app.webinars.public_list import sort_key as webinar_key, webinars_page
from tests.factories import make_job, make_listing, make_org, make_webinar

pytestmark = pytest.mark.postgres


def pages(fetch, key, limit: int) -> list:
    """Every row, fetching `limit` at a time after the previous page's last key (fetch gets limit + 1)."""
    rows, after = [], None
    while True:
        page = fetch(after=after, limit=limit)
        rows += page[:limit]
        if len(page) <= limit:
            return rows
        after = key(page[limit - 1])


def test_keyset_paging_on_postgres(postgres_url):
    engine = create_db_engine(Settings(database_url=postgres_url))
    try:
        SQLModel.metadata.create_all(engine)
        with unit_of_work(engine) as session:
            seed_taxonomy(session)
            yesterday = utcnow() - timedelta(days=1)
            orgs = [make_org(session, slug=f"org-{n}") for n in range(5)]
            for org in orgs:
                make_listing(session, org)
                make_job(session, org, published_at=yesterday)  # equal dates: the id decides
                make_webinar(session, days_from_now=3)
        with new_session(engine, write=False) as session:
            now = utcnow()
            every = {
                "orgs": (lambda **kw: organizations_page(session, OrgFilters(category="hardware"), **kw), org_key),
                "listings": (lambda **kw: listings_page(session, ListingFilters(category="hardware"), **kw), listing_key),
                "jobs": (lambda **kw: jobs_page(session, JobListFilters(country=("CN",)), now=now, **kw), job_key),
                "webinars": (lambda **kw: webinars_page(session, when="upcoming", now=now, **kw), webinar_key),
            }
            for name, (fetch, key) in every.items():
                whole = fetch(after=None, limit=100)
                assert len(whole) == 5, name
                assert [key(row) for row in pages(fetch, key, 2)] == [key(row) for row in whole], name
    finally:
        engine.dispose()
