"""Schemathesis against the API's own OpenAPI document, in-process (ASGI), on a database with a few
organisations, listings, jobs and webinars: no request it can think of is a 5xx, answers match the documented
schemas, status codes and content types, and the routes that declare the bearer scheme enforce it.

The member routes are called as organisation A, with A's slug and A's own record ids most of the time, so
that generated bodies reach the services (not just the 404 of a stranger's slug). Bounded (a few examples
per operation, no per-example deadline) so the whole file takes well under two minutes on two cores."""

from itertools import count

import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis.errors import Unsatisfiable
from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import SQLModel

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.accounts.tokens import mint
from app.config import Settings
from app.db import create_db_engine, new_session, unit_of_work
from app.imports.demo import seed_taxonomy
from app.main import create_app
from app.models import Membership
from app.models.vocab import MemberRole
from tests.factories import make_job, make_listing, make_org, make_webinar

MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemathesis")
    # A high throttle: Schemathesis is one client sending hundreds of requests in seconds.
    settings = Settings(environment="test", database_url=f"sqlite:///{folder}/qmarket.db",
                        search_path=str(folder / "search.db"), secret_key="schemathesis-secret-key-only",
                        public_requests_per_minute=1_000_000, review_first_listings=0)
    engine = create_db_engine(settings)
    SQLModel.metadata.create_all(engine)
    with new_session(engine, write=True) as session:
        seed_taxonomy(session)
        session.commit()
    with unit_of_work(engine) as session:
        org_a = make_org(session, slug="org-a", name="Alpha Cryo")
        org_b = make_org(session, slug="org-b", org_type="academic", country="DE", province=None, city="Berlin")
        owner = create_user(session, data=UserCreate(email="owner@org-a.example", password="a long passphrase"))
        staff = create_user(session, data=UserCreate(email="staff@qm.example", password="a long passphrase",
                                                     is_staff=True))
        session.add(Membership(user_id=owner.id, organization_id=org_a.id, role=MemberRole.owner))
        listings = [make_listing(session, org_a) for _ in range(6)] + [make_listing(session, org_b)]
        jobs = [make_job(session, org_a) for _ in range(6)] + [make_job(session, org_b)]
        make_webinar(session, days_from_now=7, presenters=[org_a], listings=listings[:1])
        make_webinar(session, days_from_now=-7, presenters=[org_b])
        world = {"secret": mint(session, user=owner, org=org_a, name="Schemathesis").secret,
                 "staff_secret": mint(session, user=staff, org=None, name="Schemathesis staff").secret,
                 "listing_id": [listing.id for listing in listings[:6]], "job_id": [job.id for job in jobs[:6]],
                 "slug": {"orgs": ["org-a", "org-b"], "listings": [listing.slug for listing in listings],
                          "jobs": [job.slug for job in jobs]}}
    yield world | {"app": create_app(settings)}
    engine.dispose()


@pytest.fixture(scope="module")
def api_schema(world):
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", world["app"])


_turn = count()


def aim_at_records(case, world) -> None:
    """Most calls name a record that exists (member calls: A's slug and A's own records); every fifth keeps
    what was generated, which mostly names nothing."""
    if "{" not in case.operation.path or next(_turn) % 5 == 0:
        return
    if "/orgs/{slug}/" in case.operation.path:
        case.path_parameters["slug"] = "org-a"
    elif "slug" in case.path_parameters:  # a public detail: /api/v1/<kind>/{slug}
        known = world["slug"][case.operation.path.split("/")[3]]
        case.path_parameters["slug"] = known[next(_turn) % len(known)]
    for name in ("listing_id", "job_id"):
        if name in case.path_parameters:
            ids = world[name]
            case.path_parameters[name] = ids[next(_turn) % len(ids)]


CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance,
          ignored_auth]


def run_operation(operation, mode, world) -> None:
    headers = None
    if operation.definition.raw.get("security"):  # the import and export are staff's, the rest A's
        secret = world["secret"] if "/orgs/{slug}/" in operation.path else world["staff_secret"]
        headers = {"Authorization": f"Bearer {secret}"}

    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def run(case):
        aim_at_records(case, world)
        case.call_and_validate(checks=CHECKS)

    run()


# (The pytest plugin's from_fixture() needs a pytest internal that pytest 9 removed: one test per mode, the
# operations in turn, every failure reported with its operation.)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_the_api_keeps_its_documented_promises(world, api_schema, mode):
    failures = []
    # Deletions last, so that the other operations still find A's listings.
    operations = sorted((result.ok() for result in api_schema.get_all_operations()), key=lambda op: op.method == "delete")
    assert len(operations) >= 25
    for operation in operations:
        try:
            run_operation(operation, mode, world)
        except Unsatisfiable:  # negative mode: an operation whose every input is valid (a free-form slug)
            continue
        except Exception as exc:  # noqa: BLE001  (collected, so one broken operation does not hide the others)
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_every_operation_that_declares_the_scheme_refuses_a_call_without_a_token(world, api_schema):
    """Independently of what Schemathesis generates: with no token, each of them is 401."""
    from fastapi.testclient import TestClient

    secured = [op for op in api_schema.get_all_operations() if op.ok().definition.raw.get("security")]
    assert len(secured) >= 15
    with TestClient(world["app"]) as client:
        for result in secured:
            operation = result.ok()
            path = operation.path.replace("{slug}", "org-a")
            for name in ("listing_id", "job_id"):
                path = path.replace("{" + name + "}", str(world[name][0]))
            response = client.request(operation.method.upper(), path, json={} if operation.method != "get" else None)
            assert response.status_code == 401, (operation.method, path, response.status_code)
