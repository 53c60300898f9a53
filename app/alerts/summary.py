"""Saying in words what a saved search matches: its default name, and the line the account page shows."""

from sqlmodel import Session, select

from app.alerts.schemas import ParsedQuery, SearchTarget, parse_query, target_of
from app.i18n import N_, gettext
from app.models import Category, SavedSearch
from app.models.alert import SearchKind
from app.models.labels import label
from app.web import country_name, localized

BOARD_NAMES = {"/jobs": N_("Jobs"), "/jobs/students": N_("Internships and PhD positions"),
               "/orgs": N_("Organisations"), "/marketplace": N_("Marketplace")}


def _value(name: str, value: str, language: str) -> str:
    if name == "country":
        return country_name(value, language)
    if name == "trl":
        return f"TRL {value}"
    return label(value, language)


def describe(session: Session, target: SearchTarget, parsed: ParsedQuery, language: str) -> list[str]:
    """The board (and category), the words, then each filter's values: ["Jobs", "“qubit”", "R&D, Hefei"…]."""
    board = BOARD_NAMES["/marketplace" if target.kind == SearchKind.listings else target.path]
    parts = [gettext(language, board)]
    # The marketplace's category, or what the directory's organisations offer.
    for category_path in ([target.category_path] if target.category_path else parsed.filters.get("offers", [])):
        category = session.exec(select(Category).where(Category.path == category_path)).first()
        parts.append(localized(category, "name", language) if category else category_path)
    if parsed.q:
        parts.append(f"“{parsed.q}”")
    for name, values in parsed.filters.items():
        if name != "offers":
            parts.append(", ".join(_value(name, value, language) for value in values))
    return parts


def default_name(session: Session, target: SearchTarget, parsed: ParsedQuery, language: str) -> str:
    return " · ".join(describe(session, target, parsed, language))[:120]


def describe_saved(session: Session, search: SavedSearch, language: str) -> str:
    target = target_of(search.path)
    return " · ".join(describe(session, target, parse_query(target.kind, search.query), language))
