"""Partner matching: which active organisations meet what an organisation needs, and need what it offers.

What an organisation offers is what it declares (workspace profile, import `offers`) and what its visible
listings are filed under; what it needs is what it declares. A category covers its subcategories both
ways: a need for "hardware" is met by an offer of "hardware/cryogenics", and an offer of "hardware" meets
a need for "hardware/lasers". Mutual matches (each meets a need of the other) come first; every match
says why, in the reader's language. Text relevance from the search engine (the other side's listings
found by the words of one's needs) is added by the caller as `text_hits` (organisation slug → listings).
"""

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.i18n import N_, gettext
from app.models import Category, Listing, Organization, OrganizationCategory
from app.models.labels import label
from app.models.vocab import InterestKind
from app.visibility import visible_listings, visible_organizations

# Score: a met need weighs most, both ways; a mutual match is worth more than the sum of its sides.
NEED_MET = 10.0
MUTUAL_BONUS = 20.0
SAME_REGION = 1.0
TEXT_HIT = 2.0  # per listing of theirs that the search engine finds for the words of one's needs
MAX_TEXT_HITS = 5
MAX_LIMIT = 100


@dataclass
class Profile:
    """What one organisation offers and needs, as category paths."""

    org: Organization
    offers: set[str] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)


@dataclass
class Match:
    org: Organization
    score: float
    mutual: bool
    they_meet: list[str]  # our needs they meet (our paths)
    we_meet: list[str]  # their needs we meet (their paths)
    reasons: list[str]


def covers(offer: str, need: str) -> bool:
    """An offer meets a need in the same category, above it or below it."""
    return offer == need or need.startswith(offer + "/") or offer.startswith(need + "/")


def met(needs: set[str], offers: set[str]) -> list[str]:
    return sorted(need for need in needs if any(covers(offer, need) for offer in offers))


def profiles(session: Session) -> dict[int, Profile]:
    """Every active organisation with its declared offers and needs and its listings' categories."""
    paths = {c.id: c.path for c in session.exec(select(Category)).all()}
    found = {org.id: Profile(org) for org in session.exec(visible_organizations()).all()}
    for org_id, category_id, kind in session.exec(
        select(OrganizationCategory.organization_id, OrganizationCategory.category_id, OrganizationCategory.kind)
        .where(col(OrganizationCategory.organization_id).in_(list(found)))
    ).all():
        side = found[org_id].offers if InterestKind(kind) == InterestKind.offers else found[org_id].needs
        side.add(paths[category_id])
    for org_id, category_id in session.execute(
        visible_listings().with_only_columns(Listing.organization_id, Listing.category_id).distinct()
    ).all():
        found[org_id].offers.add(paths[category_id])
    return found


def _names(session: Session, paths: list[str], language: str) -> str:
    by_path = {c.path: c for c in session.exec(select(Category).where(col(Category.path).in_(paths))).all()}
    names = [(by_path[p].name_zh if language == "zh" else by_path[p].name) if p in by_path else p for p in paths]
    return ("、" if language == "zh" else ", ").join(names)


def _reasons(session: Session, match: Match, mine: Profile, language: str, text_hits: int) -> list[str]:
    reasons = []
    if match.they_meet:
        reasons.append(gettext(language, N_("offers %(categories)s, which you need"))
                       % {"categories": _names(session, match.they_meet, language)})
    if match.we_meet:
        reasons.append(gettext(language, N_("needs %(categories)s, which you offer"))
                       % {"categories": _names(session, match.we_meet, language)})
    if text_hits:
        reasons.append(gettext(language, N_("has listings that match the words of your needs")))
    if match.org.region == mine.org.region:
        reasons.append(gettext(language, N_("both in %(region)s")) % {"region": label(match.org.region, language)})
    return reasons


def partners(session: Session, org: Organization, *, language: str, limit: int = 20,
             text_hits: dict[str, int] | None = None, category: str | None = None, region: str | None = None,
             org_type: str | None = None, mutual_only: bool = False) -> list[Match]:
    """The best partners of `org`, best first: never itself, never an organisation that is not active.

    Only organisations that meet a need, have a need met, or have listings found for its needs appear.
    Filters: `category` (a path: they offer or need something in it), `region`, `org_type`, mutual only.
    """
    every = profiles(session)
    mine = every.get(org.id) or Profile(org)
    text_hits = text_hits or {}
    matches = []
    for other_id, theirs in every.items():
        if other_id == org.id:
            continue
        they_meet, we_meet = met(mine.needs, theirs.offers), met(theirs.needs, mine.offers)
        hits = min(text_hits.get(theirs.org.slug, 0), MAX_TEXT_HITS)
        if not (they_meet or we_meet or hits):
            continue
        mutual = bool(they_meet and we_meet)
        if mutual_only and not mutual:
            continue
        if region and str(theirs.org.region) != region:
            continue
        if org_type and str(theirs.org.org_type) != org_type:
            continue
        if category and not any(covers(category, p) for p in theirs.offers | theirs.needs):
            continue
        score = NEED_MET * (len(they_meet) + len(we_meet)) + TEXT_HIT * hits
        score += MUTUAL_BONUS if mutual else 0.0
        score += SAME_REGION if theirs.org.region == org.region else 0.0
        match = Match(org=theirs.org, score=score, mutual=mutual, they_meet=they_meet, we_meet=we_meet, reasons=[])
        matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.org.slug))
    chosen = matches[: max(1, min(limit, MAX_LIMIT))]
    for match in chosen:
        match.reasons = _reasons(session, match, mine, language, min(text_hits.get(match.org.slug, 0), MAX_TEXT_HITS))
    return chosen


GENERIC = ("other", "general")  # subcategory slugs whose names say nothing to a text search


def need_words(session: Session, org: Organization) -> str:
    """The words of an organisation's needs, both languages, for the search engine to find listings by."""
    needs = session.exec(
        select(Category).join(OrganizationCategory, col(OrganizationCategory.category_id) == Category.id)
        .where(OrganizationCategory.organization_id == org.id, OrganizationCategory.kind == InterestKind.needs)
    ).all()
    words = [w for c in needs if c.slug not in GENERIC for w in (c.name, c.name_zh) if w]
    return " ".join(dict.fromkeys(words))
