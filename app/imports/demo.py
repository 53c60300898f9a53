"""Seeding: the category taxonomy, and the demo data that makes every page look alive.

The demo files under seed/demo/ are written like an import bundle (plus webinars and working groups) and
go through the same validation and services as any import. Loading twice changes nothing.
"""

import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlmodel import Session, func, select

from app.catalog.service import load_taxonomy
from app.config import PROJECT_ROOT
from app.errors import Invalid
from app.imports.schemas import ImportReport
from app.imports.service import Progress, import_bundle
from app.learn.schemas import LearningResourceIn
from app.learn.service import save_resource
from app.models import LearningResource, Organization
from app.models.base import utcnow
from app.validation import field_errors

SEED_DIR = PROJECT_ROOT / "seed"
# Webinars are on the 15th of their month at 14:00 Beijing time (06:00 UTC).
WEBINAR_DAY, WEBINAR_HOUR_UTC = 15, 6


@dataclass
class DemoReport:
    taxonomy_changed: int = 0
    bundle: ImportReport = field(default_factory=ImportReport)
    groups: int = 0
    webinars: int = 0
    resources: int = 0

    @property
    def changed(self) -> int:
        return self.taxonomy_changed + self.bundle.changed + self.resources


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def seed_taxonomy(session: Session, seed_dir: Path = SEED_DIR) -> int:
    return load_taxonomy(session, read_yaml(seed_dir / "categories.yaml"))


def has_organizations(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(Organization)).one() > 0


def demo_bundle(seed_dir: Path = SEED_DIR, *, now: datetime) -> dict[str, list[dict]]:
    demo = seed_dir / "demo"
    listings: list[dict] = []
    for path in sorted(demo.glob("listings-*.yaml")):
        listings.extend(dict(row) for row in read_yaml(path) or [])
    for listing in listings:
        # Spread over the last months (stable per listing), so "newest" shows a realistic mix.
        days = zlib.crc32(listing["slug"].encode()) % 150
        listing.setdefault("published_at", (now - timedelta(days=days, hours=days % 24)).isoformat())
    jobs = [dict(job) for job in read_yaml(demo / "jobs.yaml") or []]
    for job in jobs:
        # Demo jobs say how old they are, so the board looks current whenever it is loaded.
        if "posted_days_ago" in job:
            job["published_at"] = (now - timedelta(days=int(job.pop("posted_days_ago")))).isoformat()
    webinars = []
    for raw in read_yaml(demo / "webinars.yaml") or []:
        webinar = dict(raw)
        starts_at = webinar_start(int(webinar.pop("month_offset", 0)), now=now)
        webinar["starts_at"] = starts_at.isoformat()
        if starts_at > now:
            webinar.pop("recording_url", None)  # the current month's session may not have happened yet
        webinars.append(webinar)
    return {"organizations": read_yaml(demo / "organizations.yaml") or [], "listings": listings, "jobs": jobs,
            "webinars": webinars, "groups": read_yaml(demo / "groups.yaml") or []}


def webinar_start(month_offset: int, *, now: datetime) -> datetime:
    month_index = now.year * 12 + (now.month - 1) + month_offset
    return datetime(month_index // 12, month_index % 12 + 1, WEBINAR_DAY, WEBINAR_HOUR_UTC, tzinfo=UTC)


def seed_demo(
    session: Session,
    *,
    job_live_days: int,
    seed_dir: Path = SEED_DIR,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> DemoReport:
    now = now or utcnow()
    report = DemoReport(taxonomy_changed=seed_taxonomy(session, seed_dir))
    report.bundle = import_bundle(
        session, demo_bundle(seed_dir, now=now), job_live_days=job_live_days, now=now, progress=progress
    )
    # Webinars and working groups travel in the bundle, through the same code as any import.
    report.groups = sum(report.bundle.counts["groups"][o] for o in ("created", "updated"))
    report.webinars = sum(report.bundle.counts["webinars"][o] for o in ("created", "updated"))
    report.resources = _seed_resources(session, read_yaml(seed_dir / "demo" / "learn.yaml") or [])
    return report


def _parse(model, raw: Any, where: str):
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise Invalid(field_errors(exc, prefix=where)) from None


def _seed_resources(session: Session, rows: list[dict]) -> int:
    """The outreach corner's demo resources, matched by address (a second load changes nothing)."""
    known = {r.url for r in session.exec(select(LearningResource)).all()}
    added = 0
    for number, raw in enumerate(rows, start=1):
        data = _parse(LearningResourceIn, raw, f"learn[{number}]")
        if data.url not in known:
            save_resource(session, data=data, staff_id=None, request_id=None)
            added += 1
    return added
