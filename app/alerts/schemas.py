"""What a saved search is made of: the page it searches and its query string, checked and normalised.

A saved search stores the query string of the page it came from, so "run it" is simply that page again.
It is checked here against the same vocabulary as the page itself: a value the page would refuse (or a
parameter it does not know) is a 422 naming the field, and nothing is saved. Paging and the interface
language are dropped (they do not change which records match); the pairs are sorted, so the same search
saved twice is recognisably the same.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode

from app.errors import Invalid
from app.i18n import N_
from app.models.alert import AlertFrequency, SearchKind
from app.models.vocab import EmploymentType, JobFunction, ListingKind, MembershipLevel, OrgType, Region, TechDomain
from app.models.vocab import Workplace

MAX_NAME_LENGTH = 120
MAX_QUERY_LENGTH = 2000
MAX_Q_LENGTH = 200  # as the board's own search box
DROPPED = {"page", "lang"}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CATEGORY_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_CATEGORY_PATH = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}(/[a-z0-9][a-z0-9-]{0,39})?$")


def _enum(values: type[StrEnum]):
    return lambda value: value in values.__members__.values()


def _free_text(value: str) -> bool:
    return len(value) <= MAX_Q_LENGTH


# Which parameters each kind of page takes, and what each accepts (the pages' own Query types).
PARAMETERS = {
    SearchKind.jobs: {
        "function": _enum(JobFunction), "employment_type": _enum(EmploymentType), "workplace": _enum(Workplace),
        "country": _COUNTRY.match, "region": _enum(Region), "org_type": _enum(OrgType), "q": _free_text,
        "sort": {"relevance", "newest", "expiring"}.__contains__,
        "pay_min": re.compile(r"^\d{1,9}$").match, "pay_currency": re.compile(r"^[A-Z]{3}$").match,
        "pay_period": {"month", "year"}.__contains__, "posted": {"1", "7", "30"}.__contains__, "location": _free_text,
    },
    SearchKind.listings: {
        "kind": _enum(ListingKind), "trl": {str(n) for n in range(1, 10)}.__contains__, "country": _COUNTRY.match,
        "region": _enum(Region), "org_type": _enum(OrgType), "membership": _enum(MembershipLevel),
        "domains": _enum(TechDomain), "sort": {"newest", "title", "trl"}.__contains__,
    },
    SearchKind.organizations: {
        "offers": _CATEGORY_PATH.match, "country": _COUNTRY.match, "region": _enum(Region),
        "org_type": _enum(OrgType), "membership": _enum(MembershipLevel), "q": _free_text,
        "sort": lambda value: len(value) <= 20,  # the directory's own orders; they do not change what matches
    },
}
SINGLE = {"q", "sort", "pay_min", "pay_currency", "pay_period", "posted", "location"}  # one value each


@dataclass(frozen=True)
class SearchTarget:
    kind: SearchKind
    path: str
    category_path: str | None = None  # the marketplace's /{top}/{sub}
    students: bool = False  # /jobs/students: internships and PhD/postdoc positions only


def target_of(path: str) -> SearchTarget:
    """The board a path names; anything else is a 422 on `path` (only boards are searches)."""
    path = (path or "").split("?", 1)[0].rstrip("/") or "/"
    if path in ("/jobs", "/jobs/students"):
        return SearchTarget(SearchKind.jobs, path, students=path == "/jobs/students")
    if path == "/orgs":
        return SearchTarget(SearchKind.organizations, path)
    segments = path.strip("/").split("/")
    if segments[0] == "marketplace" and len(segments) <= 3 and all(map(_CATEGORY_SEGMENT.match, segments[1:])):
        return SearchTarget(SearchKind.listings, path, category_path="/".join(segments[1:]) or None)
    raise Invalid.field("path", N_("only a search of the jobs board, the marketplace or the directory can be saved"))


@dataclass(frozen=True)
class ParsedQuery:
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name → accepted values (OR)
    q: str = ""
    sort: str = ""

    def normalised(self) -> str:
        pairs = [(name, value) for name, values in self.filters.items() for value in values]
        pairs += [("q", self.q)] if self.q else []
        pairs += [("sort", self.sort)] if self.sort else []
        return urlencode(sorted(pairs))


def parse_query(kind: SearchKind, query: str) -> ParsedQuery:
    """The query string checked against what the page of `kind` accepts; a bad one is a 422 on `query`."""
    query = (query or "").lstrip("?")
    if len(query) > MAX_QUERY_LENGTH:
        raise Invalid.field("query", N_("must be at most {max_length} characters long"), max_length=MAX_QUERY_LENGTH)
    accepted = PARAMETERS[kind]
    filters: dict[str, list[str]] = {}
    q = sort = ""
    for name, value in parse_qsl(query, keep_blank_values=True):
        value = value.strip()
        if name in DROPPED or not value:
            continue
        check = accepted.get(name)
        if check is None:
            raise Invalid.field("query", N_("this search does not take the parameter '{name}'"), name=name[:40])
        if not check(value):
            raise Invalid.field("query", N_("'{value}' is not a value of '{name}'"), value=value[:40], name=name)
        if name == "q":
            q = " ".join(value.split())
        elif name == "sort":
            sort = value
        elif name in SINGLE:
            filters[name] = [value]
        elif value not in filters.setdefault(name, []):
            filters[name].append(value)
    return ParsedQuery({name: tuple(sorted(values)) for name, values in sorted(filters.items())}, q=q, sort=sort)


def clean_name(name: str | None) -> str:
    """A name the user gave (spaces tidied; empty: none given); too long or with control characters: 422."""
    name = " ".join((name or "").split())
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid.field("name", N_("must be at most {max_length} characters long"), max_length=MAX_NAME_LENGTH)
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise Invalid.field("name", N_("must not contain control characters"))
    return name


def frequency_of(value: str | None) -> AlertFrequency:
    try:
        return AlertFrequency(value)
    except ValueError:
        raise Invalid.field("frequency", N_("choose instant, daily or weekly")) from None
