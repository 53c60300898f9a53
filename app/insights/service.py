"""The ecosystem map: who the alliance's active members are, where they are, and where it is thin.

Every figure counts what the public may see (app/visibility.py): active organisations, their visible
listings, live jobs. The coverage matrix crosses the four regions of mainland China with the top
categories: a cell counts the active organisations of that region with at least one visible listing
under that category; a cell with none is a gap, a cell with one or two is thin.
"""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Category, Job, Listing, Organization, OrganizationCategory
from app.models.vocab import InterestKind, Region
from app.visibility import live_jobs, visible_listings, visible_organizations

CHINA_REGIONS = (Region.east, Region.central, Region.west, Region.northeast)
THIN = 2  # a cell with this many suppliers or fewer is thin (one firm leaving empties it)
# The supply-chain services the alliance lacks most (the study behind this product): firms that offer these.
SUPPLY_CHAIN_SERVICES = ("services/consulting", "services/legal", "services/investment",
                         "services/professional-services")


@dataclass
class Cell:
    region: str
    category: str  # a top category's path
    organizations: int

    @property
    def gap(self) -> bool:
        return self.organizations == 0

    @property
    def thin(self) -> bool:
        return 0 < self.organizations <= THIN


@dataclass
class Insights:
    total: int
    by_org_type: dict[str, int]
    by_membership: dict[str, int]
    by_region: dict[str, int]  # active organisations of mainland China, every region named (0 included)
    by_country: dict[str, int]
    coverage: list[Cell]
    tops: list[Category]  # the top categories, in taxonomy order (the matrix's columns)
    service_providers: int  # active organisations offering a supply-chain service (declared or listed)
    listings_by_domain: dict[str, int]  # visible listings by their organisation's technology domains
    jobs_by_function: dict[str, int]
    jobs_by_region: dict[str, int]

    @property
    def gaps(self) -> list[Cell]:
        return [cell for cell in self.coverage if cell.gap]

    @property
    def service_share(self) -> float:
        return self.service_providers / self.total if self.total else 0.0


def _counted(rows) -> dict[str, int]:
    """(value, count) rows as a dict, most first, values as plain strings."""
    counts = {str(value): int(count) for value, count in rows if value is not None}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _by(session: Session, column) -> dict[str, int]:
    query = visible_organizations().with_only_columns(column, func.count()).group_by(column)
    return _counted(session.execute(query).all())


def coverage(session: Session, tops: list[Category]) -> list[Cell]:
    """Region of China × top category: active organisations with a visible listing there."""
    by_id = {c.id: c for c in session.exec(select(Category)).all()}
    top_of = {cid: c.path.split("/")[0] for cid, c in by_id.items()}
    rows = session.execute(
        visible_listings().with_only_columns(Organization.id, Organization.region, Listing.category_id)
        .where(Organization.country == "CN").distinct()
    ).all()
    suppliers: dict[tuple[str, str], set[int]] = {}
    for org_id, region, category_id in rows:
        suppliers.setdefault((str(region), top_of[category_id]), set()).add(org_id)
    return [Cell(region=str(region), category=top.path, organizations=len(suppliers.get((str(region), top.path), ())))
            for region in CHINA_REGIONS for top in tops]


def service_providers(session: Session) -> int:
    """Active organisations that offer a supply-chain service: declared, or with a visible listing there."""
    wanted = [c.id for c in session.exec(select(Category)).all()
              if any(c.path == p or c.path.startswith(p + "/") for p in SUPPLY_CHAIN_SERVICES)]
    if not wanted:
        return 0
    active = visible_organizations().with_only_columns(Organization.id)
    declared = select(OrganizationCategory.organization_id).where(
        col(OrganizationCategory.category_id).in_(wanted), OrganizationCategory.kind == InterestKind.offers,
        col(OrganizationCategory.organization_id).in_(active))
    listed = visible_listings().with_only_columns(Listing.organization_id).where(col(Listing.category_id).in_(wanted))
    return len(set(session.exec(declared).all()) | set(session.exec(listed).all()))


def listings_by_domain(session: Session) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for (domains,) in session.execute(visible_listings().with_only_columns(Organization.domains)).all():
        counts.update(domains or [])
    return _counted(counts.items())


def insights(session: Session) -> Insights:
    tops = list(session.exec(select(Category).where(col(Category.parent_id).is_(None)).order_by(col(Category.position))).all())
    china = visible_organizations().where(Organization.country == "CN")
    by_region = dict(session.execute(china.with_only_columns(Organization.region, func.count())
                                     .group_by(col(Organization.region))).all())
    jobs = live_jobs()
    return Insights(
        total=session.execute(visible_organizations().with_only_columns(func.count())).scalar_one(),
        by_org_type=_by(session, Organization.org_type),
        by_membership=_by(session, Organization.membership),
        by_region={str(region): int(by_region.get(region, 0)) for region in CHINA_REGIONS},
        by_country=_by(session, Organization.country),
        coverage=coverage(session, tops),
        tops=tops,
        service_providers=service_providers(session),
        listings_by_domain=listings_by_domain(session),
        jobs_by_function=_counted(session.execute(jobs.with_only_columns(Job.function, func.count())
                                                  .group_by(col(Job.function))).all()),
        jobs_by_region=_counted(session.execute(jobs.with_only_columns(Job.region, func.count())
                                                .group_by(col(Job.region))).all()),
    )


def as_json(data: Insights) -> dict:
    """The API's answer (DESIGN §4)."""
    return {
        "organizations": {"total": data.total, "by_org_type": data.by_org_type, "by_membership": data.by_membership,
                          "by_region": data.by_region, "by_country": data.by_country},
        "coverage": [{"region": c.region, "category": c.category, "organizations": c.organizations}
                     for c in data.coverage],
        "gaps": [{"region": c.region, "category": c.category} for c in data.gaps],
        "thin": [{"region": c.region, "category": c.category} for c in data.coverage if c.thin],
        "service_providers": {"organizations": data.service_providers, "share": round(data.service_share, 4),
                              "categories": list(SUPPLY_CHAIN_SERVICES)},
        "listings_by_domain": data.listings_by_domain,
        "jobs": {"by_function": data.jobs_by_function, "by_region": data.jobs_by_region},
    }
