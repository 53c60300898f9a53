"""The import bundle (DESIGN §4): one JSON object with organisations, listings, jobs, webinars and working groups."""

from dataclasses import dataclass, field

from app.catalog.schemas import ListingIn
from app.community.schemas import WorkingGroupIn
from app.jobs.schemas import JobIn
from app.models.base import Outcome
from app.organizations.schemas import OrganizationIn
from app.validation import Slug
from app.webinars.schemas import WebinarIn

SECTIONS = ("organizations", "listings", "jobs", "webinars", "groups")


class ListingRow(ListingIn):
    org: Slug


class JobRow(JobIn):
    org: Slug


ROW_MODELS = {"organizations": OrganizationIn, "listings": ListingRow, "jobs": JobRow, "webinars": WebinarIn,
              "groups": WorkingGroupIn}


@dataclass(frozen=True)
class RowError:
    """One problem in one row. Rows are numbered from 1 within their section."""

    section: str
    row: int | None
    field: str
    message: str
    key: str | None = None  # the row's slug or title, to find it in the file

    def __str__(self) -> str:
        where = self.section if self.row is None else f"{self.section} row {self.row}"
        if self.key:
            where += f" ({self.key})"
        return f"{where}: {self.field}: {self.message}"

    @property
    def path(self) -> str:
        return self.section if self.row is None else f"{self.section}[{self.row}].{self.field}"


@dataclass
class ImportReport:
    counts: dict[str, dict[Outcome, int]] = field(
        default_factory=lambda: {s: {"created": 0, "updated": 0, "unchanged": 0} for s in SECTIONS}
    )

    # Each row's outcome, in bundle order: (section, row number, slug or title, outcome), for a dry run's report.
    rows: list[tuple[str, int, str, Outcome]] = field(default_factory=list)

    def add(self, section: str, result: Outcome, *, number: int = 0, key: str = "") -> None:
        self.counts[section][result] += 1
        self.rows.append((section, number, key, result))

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def summary(self) -> str:
        return "; ".join(
            f"{section}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for section, c in self.counts.items()
        )
