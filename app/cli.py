"""The `qmarket` command line: serve, migrate, seed, import, manage users and jobs."""

import csv
import json
import os
import shutil
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from app.cli_support import console, fail, migrated_database, progress_bar
from app.config import get_settings
from app.db import new_session, unit_of_work
from app.errors import DomainError, Invalid
from app.search.commands import deliver_outbox, search_app
from app.validation import field_errors

app = typer.Typer(
    help="QMarket: marketplace, jobs board and partner search.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold passwords or keys
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
jobs_app = typer.Typer(help="Job postings.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(search_app, name="search")
app.add_typer(users_app, name="users")
app.add_typer(jobs_app, name="jobs")
listings_app = typer.Typer(help="Product and service listings.", no_args_is_help=True)
app.add_typer(listings_app, name="listings")
webinars_app = typer.Typer(help="Member webinars.", no_args_is_help=True)
app.add_typer(webinars_app, name="webinars")
tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")
alerts_app = typer.Typer(help="Saved-search alerts.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")
@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default QM_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default QM_PORT)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="Worker processes (default QM_WORKERS)")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
) -> None:
    """Serve the web application.

    Several workers are uvicorn's own processes: its supervisor restarts a worker that dies, and it needs no
    second server package (gunicorn would add one for the same job). The workers share nothing in memory:
    the database holds the limits and the leases of the periodic tasks (app/leases.py), and metrics are
    summed across them through files in PROMETHEUS_MULTIPROC_DIR (set here, before any worker starts).
    """
    import uvicorn

    from app.serving import prepare_metrics_folder

    settings = get_settings()
    workers = workers or settings.workers
    if workers > 1 and reload:
        fail("--reload runs one process: drop --workers or --reload")
    multiprocess = workers > 1 or bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
    folder, made = prepare_metrics_folder() if multiprocess else (None, False)
    try:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            reload=reload,
            log_config=None,  # the app sets up logging (app/logs.py): the access lines share its format
        )
    finally:
        if made:
            shutil.rmtree(folder, ignore_errors=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Apply the database migrations (creates the database if it does not exist)."""
    from app.migrations import upgrade

    upgrade(get_settings().database_url, revision)
    console.print(f"database at revision {revision}")


@app.command()
def seed(
    demo: Annotated[bool, typer.Option("--demo", help="Also load the demo organisations, listings and jobs")] = False,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Load demo data only into a database without organisations")] = False,
) -> None:
    """Load the category taxonomy (and with --demo, the demo data). Loading twice changes nothing."""
    from app.imports.demo import has_organizations, seed_demo, seed_taxonomy

    settings = get_settings()
    engine = migrated_database(settings)
    try:
        with unit_of_work(engine) as session:
            if not demo or (if_empty and has_organizations(session)):
                changed = seed_taxonomy(session)
                note = " (demo data skipped: the database has organisations)" if demo else ""
                console.print(f"taxonomy: {changed} categories changed{note}")
                return
            with progress_bar() as bar:
                tasks: dict[str, int] = {}

                def progress(section: str, done: int) -> None:
                    if section not in tasks:
                        tasks[section] = bar.add_task(section, total=None)
                    bar.update(tasks[section], completed=done)

                report = seed_demo(session, job_live_days=settings.job_live_days, progress=progress)
        console.print(f"taxonomy: {report.taxonomy_changed} categories changed")
        console.print(report.bundle.summary())
        console.print(f"learning resources added: {report.resources}")
        deliver_outbox(engine, settings)
    except Invalid as exc:
        fail("the seed data is invalid; nothing was written", [f"{e.field}: {e.message}" for e in exc.errors])
    finally:
        engine.dispose()


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A JSON import bundle, or a CSV of one record type", exists=True,
                                         dir_okay=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report each row; write nothing")] = False,
) -> None:
    """Import a bundle of organisations, listings, jobs, webinars and groups (or one CSV): all of it, or nothing."""
    from app.imports.csv_format import read_csv
    from app.imports.service import BundleRejected, import_bundle

    try:
        text = file.read_text(encoding="utf-8")
        if file.suffix.lower() == ".csv":
            section, rows = read_csv(text)
            raw: object = {section: rows}
        else:
            raw = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error) as exc:
        fail(f"{file}: not a UTF-8 JSON or CSV file ({exc}); nothing was written")
    except BundleRejected as exc:
        fail(f"{file}: {exc.message}", [str(e) for e in exc.row_errors])
    settings = get_settings()
    engine = migrated_database(settings)
    try:
        if dry_run:
            with new_session(engine, write=True) as session:
                report = import_bundle(session, raw, job_live_days=settings.job_live_days)
                session.rollback()  # a dry run writes nothing, search outbox included
            for section, number, key, outcome in report.rows:
                console.print(f"{section} row {number} ({key}): would be {outcome}", markup=False, highlight=False)
            console.print(f"dry run of {file}: {report.summary()}; nothing was written")
            return
        with progress_bar() as bar, unit_of_work(engine) as session:
            tasks: dict[str, int] = {}
            sizes = {k: len(v) for k, v in raw.items() if isinstance(v, list)} if isinstance(raw, dict) else {}

            def progress(section: str, done: int) -> None:
                if section not in tasks:
                    tasks[section] = bar.add_task(section, total=sizes.get(section))
                bar.update(tasks[section], completed=done)

            report = import_bundle(session, raw, job_live_days=settings.job_live_days, progress=progress)
        console.print(f"imported {file}: {report.summary()}")
        deliver_outbox(engine, settings)
    except BundleRejected as exc:
        fail(f"{file}: {exc.message}", [str(e) for e in exc.row_errors])
    finally:
        engine.dispose()


@app.command("export")
def export(
    file: Annotated[Path, typer.Argument(help="Where to write: a .json bundle, or a .csv of one --section",
                                         dir_okay=False)],
    section: Annotated[str | None, typer.Option(help="For a CSV: organizations, listings, jobs, webinars or groups")] = None,
) -> None:
    """Write what the public sees as an import bundle (organisations, listings, jobs, webinars, groups), or one
    record type as CSV."""
    from app.imports.csv_format import to_csv
    from app.imports.export import export_bundle
    from app.imports.schemas import SECTIONS

    as_csv = file.suffix.lower() == ".csv"
    if as_csv and section not in SECTIONS:
        fail(f"a CSV holds one record type: add --section with one of {', '.join(SECTIONS)}")
    engine = migrated_database(get_settings())
    try:
        with unit_of_work(engine, write=False) as session:
            result = export_bundle(session)
    finally:
        engine.dispose()
    if as_csv:
        file.write_text(to_csv(section, result.bundle[section]), encoding="utf-8", newline="")
        console.print(f"exported {len(result.bundle[section])} {section} to {file}")
    else:
        file.write_text(json.dumps(result.bundle, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        counts = ", ".join(f"{len(rows)} {name}" for name, rows in result.bundle.items())
        console.print(f"exported to {file}: {counts}")
    if result.problems:
        console.print(f"{len(result.problems)} value(s) an import would refuse; mend them before importing:")
        for line in result.problems:
            console.print(f"  - {line}", markup=False, highlight=False)


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="Where to write the backup", dir_okay=False)]) -> None:
    """Back the whole database up while the app runs (SQLite: online backup; Postgres: pg_dump -Fc)."""
    from app.backup import BackupError, backup as take_backup

    engine = migrated_database(get_settings())
    try:
        take_backup(engine, file)
    except BackupError as exc:
        fail(f"no backup taken: {exc}")
    finally:
        engine.dispose()
    console.print(f"backed up to {file} ({file.stat().st_size} bytes)")


@app.command()
def restore(file: Annotated[Path, typer.Argument(help="A backup made by `qmarket backup`", dir_okay=False)]) -> None:
    """Restore a backup into an empty database (QM_DATABASE_URL), then rebuild the search index."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from app.backup import BackupError, restore as restore_backup
    from app.db import create_db_engine
    from app.migrations import head_revision
    from app.search.commands import search_backend
    from app.search.schemas import SearchUnavailable
    from app.search.service import reindex

    settings = get_settings()
    engine = create_db_engine(settings)
    try:
        restore_backup(engine, file)
        try:
            with engine.connect() as connection:
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            fail(f"restored {file}, but it holds no QMarket schema (no alembic_version): drop that database")
        if revision != head_revision(settings.database_url):
            console.print(f"restored {file}; it is at revision {revision}: run `qmarket db upgrade`, "
                          "then `qmarket search reindex`")
            return
        try:
            with search_backend(settings) as engine_of_search:
                count = reindex(engine, engine_of_search)
        except SearchUnavailable as exc:
            fail(f"restored {file}, but the search index was not rebuilt ({exc}): run `qmarket search reindex`")
    except BackupError as exc:
        fail(f"nothing restored: {exc}")
    finally:
        engine.dispose()
    console.print(f"restored {file}; search index rebuilt with {count} documents")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(prompt=True, help="E-mail address (the sign-in name)")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters")],
    display_name: Annotated[str, typer.Option(help="Name shown to others")] = "",
    staff: Annotated[bool, typer.Option("--staff", help="Alliance staff: approves, moderates, imports")] = False,
) -> None:
    """Create a user account."""
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user

    try:
        data = UserCreate(email=email, password=password, display_name=display_name, is_staff=staff)
    except ValidationError as exc:
        fail("the account was not created", [f"{e.field}: {e.message}" for e in field_errors(exc)])
    engine = migrated_database(get_settings())
    try:
        with unit_of_work(engine) as session:
            user = create_user(session, data=data)
    except DomainError as exc:
        fail(f"the account was not created: {exc.message}")
    finally:
        engine.dispose()
    console.print(f"created {'staff ' if staff else ''}user {user.email} (id {user.id})")


@tokens_app.command("create")
def tokens_create(
    email: Annotated[str, typer.Option(help="The user the token acts as")],
    name: Annotated[str, typer.Option(help="What will use it (shown in the token list)")],
    org: Annotated[str | None, typer.Option(help="The organisation's slug; the user must be one of its owners. "
                                                 "Without it: a staff token (import), for a staff user only")] = None,
) -> None:
    """Create an API token and print its secret, once (only a hash of it is kept)."""
    from sqlmodel import select

    from app.accounts.service import get_by_email
    from app.accounts.tokens import mint
    from app.models import Organization
    from app.models.vocab import MemberRole
    from app.organizations.access import workspace_org

    engine = migrated_database(get_settings())
    try:
        with unit_of_work(engine) as session:
            user = get_by_email(session, email)
            if user is None or not user.is_active:
                raise Invalid.field("email", "no active user has this e-mail address")
            organization = None
            if org is not None:
                if session.exec(select(Organization.id).where(Organization.slug == org)).first() is None:
                    raise Invalid.field("org", f"no organisation has the slug {org!r}")
                try:
                    organization, _ = workspace_org(session, user=user, slug=org, roles=(MemberRole.owner,))
                except DomainError:
                    raise Invalid.field("org", f"{user.email} is not an owner of {org}") from None
            elif not user.is_staff:
                raise Invalid.field("org", "give --org: only staff users may hold a token without an organisation")
            created = mint(session, user=user, org=organization, name=name)
    except DomainError as exc:
        fail(f"the token was not created: {exc.message}")
    finally:
        engine.dispose()
    kind = f"for {organization.slug}" if organization else "staff"
    console.print(f"created {kind} token {created.token.name!r} (id {created.token.id}) acting as {user.email}; "
                  "copy the secret below now, it is not shown again")
    typer.echo(created.secret)


@jobs_app.command("expire")
def jobs_expire() -> None:
    """Close every published job whose expiry date has passed."""
    from app.jobs.service import expire_jobs

    engine = migrated_database(get_settings())
    try:
        with unit_of_work(engine) as session:
            closed = expire_jobs(session)
    finally:
        engine.dispose()
    console.print(f"closed {closed} expired job(s)")


@listings_app.command("remind")
def listings_remind(
    base_url: Annotated[str | None, typer.Option(help="The site's address, for links in the mails")] = None,
) -> None:
    """E-mail owners once about listings due for confirmation; stale listings leave search (run daily)."""
    from app.mail import site_url
    from app.workspace.freshness import send_confirmation_reminders

    settings = get_settings()
    engine = migrated_database(settings)
    try:
        with unit_of_work(engine) as session:
            report = send_confirmation_reminders(session, settings=settings, base_url=base_url or site_url(settings))
        console.print(f"reminded about {len(report.reminded)} listing(s) in {report.mails} mail(s); "
                      f"{len(report.expired)} newly stale listing(s) leave search")
        deliver_outbox(engine, settings)
    finally:
        engine.dispose()


@webinars_app.command("remind")
def webinars_remind(
    base_url: Annotated[str | None, typer.Option(help="The site's address, for links in the mails")] = None,
) -> None:
    """E-mail the day-before reminder to everyone registered for a webinar starting within a day (run hourly)."""
    from app.webinars.reminders import send_reminders

    settings = get_settings()
    engine = migrated_database(settings)
    try:
        with unit_of_work(engine) as session:
            sent = send_reminders(session, settings=settings, base_url=base_url or "")
        console.print(f"sent {sent} webinar reminder(s)")
    finally:
        engine.dispose()


@alerts_app.command("send")
def alerts_send(
    base_url: Annotated[str | None, typer.Option(help="The site's address, for links in the mails")] = None,
) -> None:
    """Mail the digest of every saved search that is due and has something new (safe to run at any time)."""
    from app.alerts.digests import run_alerts
    from app.search.backend import create_backend

    settings = get_settings()
    engine = migrated_database(settings)
    backend = create_backend(settings)
    try:
        report = run_alerts(engine, settings, backend, base_url=base_url or "")
        skipped = f"; {report.skipped} with words wait for the search engine" if report.skipped else ""
        console.print(f"{report.due} saved search(es) due: {report.mails} digest(s) with {report.records} "
                      f"new record(s){skipped}")
    finally:
        backend.close()
        engine.dispose()


def main() -> None:
    from app.request_context import work_id

    with work_id("cli"):  # the audit rows a command writes share one id ("cli-…")
        app()
