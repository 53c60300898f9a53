"""Importing a bundle: validate every row first, then write all of it, or nothing.

One bad row rejects the whole bundle with a report naming every bad row and field. Rows are written
through the same services as the pages use, so imported records obey the same rules and reach search.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, select

from app import audit
from app.catalog.service import categories_by_path, leaf_paths, upsert_listing
from app.community.schemas import WorkingGroupIn
from app.community.service import upsert_group
from app.errors import FieldError, Invalid
from app.imports.schemas import ROW_MODELS, SECTIONS, ImportReport, JobRow, ListingRow, RowError
from app.jobs.service import job_region, upsert_published_job
from app.models import Category, Job, Listing, Organization, WorkingGroup
from app.models.base import utcnow
from app.organizations.schemas import OrganizationIn
from app.organizations.service import region_for, upsert_organization
from app.validation import field_errors
from app.webinars.schemas import WebinarIn
from app.webinars.service import upsert_webinar

MAX_ROWS = 50_000
Progress = Callable[[str, int], None]  # (section, rows done so far)


class BundleRejected(Invalid):
    def __init__(self, errors: list[RowError]) -> None:
        self.row_errors = errors
        super().__init__(
            [FieldError(e.path, e.message) for e in errors],
            message=f"the bundle was rejected: {len(errors)} problem(s); nothing was written",
        )


class _Bundle:
    """Rows that passed their own validation, by section, keeping their row numbers."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[int, BaseModel]]] = {s: [] for s in SECTIONS}


def validate_bundle(session: Session, raw: Any) -> _Bundle:
    """Check every row and every reference; raise BundleRejected listing all problems."""
    errors: list[RowError] = []
    bundle = _Bundle()
    if not isinstance(raw, dict):
        raise BundleRejected([RowError("bundle", None, "bundle", f"must be a JSON object with {', '.join(SECTIONS)}")])
    for key in raw:
        if key not in SECTIONS:
            errors.append(RowError("bundle", None, str(key), f"is not a known section ({', '.join(SECTIONS)})"))
    for section in SECTIONS:
        rows = raw.get(section, [])
        if not isinstance(rows, list):
            errors.append(RowError(section, None, section, "must be a list of objects"))
            continue
        if len(rows) > MAX_ROWS:
            errors.append(RowError(section, None, section, f"at most {MAX_ROWS} rows per import"))
            continue
        for number, row in enumerate(rows, start=1):
            errors.extend(_parse_row(bundle, section, number, row))
    errors.extend(_check_references(session, bundle))
    if errors:
        raise BundleRejected(errors)
    return bundle


def _row_key(row: Any) -> str | None:
    if isinstance(row, dict):
        value = row.get("slug") or row.get("title")
        return str(value)[:80] if value else None
    return None


def _parse_row(bundle: _Bundle, section: str, number: int, row: Any) -> list[RowError]:
    if not isinstance(row, dict):
        return [RowError(section, number, "row", "must be an object")]
    try:
        bundle.rows[section].append((number, ROW_MODELS[section].model_validate(row)))
    except ValidationError as exc:
        return [RowError(section, number, e.field, e.message, _row_key(row)) for e in field_errors(exc)]
    return []


def _check_references(session: Session, bundle: _Bundle) -> list[RowError]:
    errors: list[RowError] = []
    categories = categories_by_path(session)
    if not categories:  # every path would be "unknown": say why once instead
        return [RowError("bundle", None, "categories",
                         "the database has no categories: run `qmarket db upgrade` (or `qmarket seed`) first")]
    leaves = leaf_paths(categories)

    def err(section: str, number: int, key: str | None, field: str, message: str) -> None:
        errors.append(RowError(section, number, field, message, key))

    orgs: dict[str, tuple[str, str | None]] = {}  # slug → (country, province) of bundle and database orgs
    for org in session.exec(select(Organization)).all():
        orgs[org.slug] = (org.country, org.province)
    seen: set[str] = set()
    for number, row in bundle.rows["organizations"]:
        assert isinstance(row, OrganizationIn)
        if row.slug in seen:
            err("organizations", number, row.slug, "slug", "appears twice in the bundle")
        seen.add(row.slug)
        try:
            region_for(row.country, row.province if row.country == "CN" else None)
        except Invalid as exc:
            for e in exc.errors:
                err("organizations", number, row.slug, e.field, e.message)
        for field in ("offers", "needs"):
            for path in getattr(row, field):
                if path not in categories:
                    err("organizations", number, row.slug, field, f"unknown category '{path}'")
        orgs[row.slug] = (row.country, row.province)

    for section, model in (("listings", Listing), ("jobs", Job)):
        seen_slugs: set[str] = set()
        for number, row in bundle.rows[section]:
            assert isinstance(row, (ListingRow, JobRow))
            key = row.slug or row.title
            if row.org not in orgs:
                err(section, number, key, "org", f"unknown organisation '{row.org}'")
            if row.slug:
                if row.slug in seen_slugs:
                    err(section, number, key, "slug", "appears twice in the bundle")
                seen_slugs.add(row.slug)
                owner = session.exec(
                    select(Organization.slug)
                    .join(model, model.organization_id == Organization.id)  # type: ignore[arg-type]
                    .where(model.slug == row.slug)  # type: ignore[arg-type]
                ).first()
                if owner is not None and owner != row.org:
                    err(section, number, key, "slug", f"is already used by another organisation ('{owner}')")
            if isinstance(row, ListingRow) and row.category not in leaves:
                message = f"unknown category '{row.category}'"
                if row.category in categories:
                    message = f"'{row.category}' has subcategories; choose one of them"
                err(section, number, key, "category", message)
            if isinstance(row, JobRow) and row.org in orgs:
                org_country, org_province = orgs[row.org]
                try:
                    job_region(
                        country=row.country,
                        province=row.province,
                        city=row.city,
                        org_country=org_country,
                        org_province=org_province,
                    )
                except Invalid as exc:
                    for e in exc.errors:
                        err(section, number, key, e.field, e.message)
    listings = set(session.exec(select(Listing.slug)).all()) | {row.slug for _, row in bundle.rows["listings"] if row.slug}
    groups = set(session.exec(select(WorkingGroup.slug)).all()) | {row.slug for _, row in bundle.rows["groups"]}
    errors += _check_programme(bundle, categories, set(orgs), listings, groups)
    return errors


def _check_programme(bundle: _Bundle, categories: dict[str, Category], orgs: set[str], listings: set[str],
                     groups: set[str]) -> list[RowError]:
    """Webinars and working groups: their slugs once each, and every organisation, listing and theme known."""
    errors: list[RowError] = []
    for section, references in (("webinars", (("presenters", orgs), ("listings", listings))),
                                ("groups", (("members", orgs),))):
        seen: set[str] = set()
        for number, row in bundle.rows[section]:
            assert isinstance(row, (WebinarIn, WorkingGroupIn))
            if row.slug in seen:
                errors.append(RowError(section, number, "slug", "appears twice in the bundle", row.slug))
            seen.add(row.slug)
            for field, known in references:
                unknown = [slug for slug in getattr(row, field) if slug not in known]
                if unknown:
                    errors.append(RowError(section, number, field, f"unknown: {', '.join(unknown)}", row.slug))
            if isinstance(row, WebinarIn) and row.theme and row.theme not in categories:
                errors.append(RowError(section, number, "theme", f"unknown category '{row.theme}'", row.slug))
            if isinstance(row, WebinarIn) and row.group and row.group not in groups:
                errors.append(RowError(section, number, "group", f"unknown working group '{row.group}'", row.slug))
    return errors


def import_bundle(
    session: Session,
    raw: Any,
    *,
    job_live_days: int,
    actor_id: int | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate, then write the whole bundle in the caller's transaction. Imported records are public."""
    bundle = validate_bundle(session, raw)
    now = now or utcnow()
    report = ImportReport()
    categories: dict[str, Category] = categories_by_path(session)
    orgs: dict[str, Organization] = {}
    for done, (number, row) in enumerate(bundle.rows["organizations"], start=1):
        assert isinstance(row, OrganizationIn)
        orgs[row.slug], result = upsert_organization(
            session, data=row, categories=categories, activate=True, now=now
        )
        report.add("organizations", result, number=number, key=row.slug)
        if progress:
            progress("organizations", done)

    def org_of(slug: str) -> Organization:
        if slug not in orgs:
            orgs[slug] = session.exec(select(Organization).where(Organization.slug == slug)).one()
        return orgs[slug]

    for done, (number, row) in enumerate(bundle.rows["listings"], start=1):
        assert isinstance(row, ListingRow)
        _, result = upsert_listing(
            session, org=org_of(row.org), data=row, category=categories[row.category], publish=True, now=now
        )
        report.add("listings", result, number=number, key=row.slug or row.title)
        if progress:
            progress("listings", done)
    for done, (number, row) in enumerate(bundle.rows["jobs"], start=1):
        assert isinstance(row, JobRow)
        _, result = upsert_published_job(session, org=org_of(row.org), data=row, live_days=job_live_days, now=now)
        report.add("jobs", result, number=number, key=row.slug or row.title)
        if progress:
            progress("jobs", done)
    _write_programme(session, bundle, report, categories, org_of, progress)
    if report.changed:
        audit.record(session, action="import.bundle", target_type="bundle", actor_id=actor_id, detail=report.counts)
    return report


def _write_programme(session: Session, bundle: _Bundle, report: ImportReport, categories: dict[str, Category],
                     org_of: Callable[[str], Organization], progress: Progress | None) -> None:
    """Working groups (with members) and webinars (with their presenters, featured listings, theme and group)."""
    # Groups first: a webinar may name the group that hosts it.
    groups: dict[str, WorkingGroup] = {}
    for done, (number, row) in enumerate(bundle.rows["groups"], start=1):
        assert isinstance(row, WorkingGroupIn)
        groups[row.slug], result = upsert_group(
            session, slug=row.slug, values=row.model_dump(exclude={"slug", "members"}),
            members=[org_of(s) for s in row.members])
        report.add("groups", result, number=number, key=row.slug)
        if progress:
            progress("groups", done)

    def group_of(slug: str | None) -> WorkingGroup | None:
        if slug and slug not in groups:
            groups[slug] = session.exec(select(WorkingGroup).where(WorkingGroup.slug == slug)).one()
        return groups[slug] if slug else None

    listings = {li.slug: li for li in session.exec(select(Listing)).all()}
    for done, (number, row) in enumerate(bundle.rows["webinars"], start=1):
        assert isinstance(row, WebinarIn)
        _, result = upsert_webinar(
            session, slug=row.slug, values=row.model_dump(exclude={"slug", "theme", "presenters", "listings"}),
            theme=categories[row.theme] if row.theme else None, presenters=[org_of(s) for s in row.presenters],
            listings=[listings[s] for s in row.listings], group=group_of(row.group), keep_date=False)
        report.add("webinars", result, number=number, key=row.slug)
        if progress:
            progress("webinars", done)
