"""The product's fixed vocabularies. Slugs are stable: URLs, filters, imports and the API rely on them.

Labels in both languages live in app/models/labels.py.
"""

from enum import StrEnum


class OrgType(StrEnum):
    large_enterprise = "large_enterprise"
    sme = "sme"
    academic = "academic"
    research_institute = "research_institute"
    government = "government"
    association = "association"
    investor = "investor"
    foundation = "foundation"
    other = "other"


class MembershipLevel(StrEnum):
    full = "full"
    associate = "associate"
    affiliate = "affiliate"


class TechDomain(StrEnum):
    computing = "computing"
    communication = "communication"
    sensing_metrology = "sensing_metrology"
    simulation = "simulation"
    basic_science = "basic_science"
    enabling = "enabling"


class SizeBand(StrEnum):
    micro = "1-10"
    small = "11-50"
    medium = "51-200"
    large = "201-1000"
    very_large = "1000+"


class ListingKind(StrEnum):
    product = "product"
    service = "service"


class JobFunction(StrEnum):
    rd = "rd"
    engineering = "engineering"
    technical_sales = "technical_sales"
    product_management = "product_management"
    strategy = "strategy"
    finance = "finance"
    legal = "legal"
    administration = "administration"
    other = "other"


class EmploymentType(StrEnum):
    full_time = "full_time"
    part_time = "part_time"
    internship = "internship"
    contract = "contract"
    phd_postdoc = "phd_postdoc"


class Workplace(StrEnum):
    onsite = "onsite"
    hybrid = "hybrid"
    remote = "remote"


class SalaryPeriod(StrEnum):
    month = "month"
    year = "year"


class MemberRole(StrEnum):
    owner = "owner"
    editor = "editor"


class InterestKind(StrEnum):
    """How an organisation relates to a category: it supplies it, or it seeks it."""

    offers = "offers"
    needs = "needs"


class Region(StrEnum):
    # China, by the national statistics grouping of provinces.
    east = "east"
    central = "central"
    west = "west"
    northeast = "northeast"
    hk_macao_taiwan = "hk_macao_taiwan"
    # Elsewhere, the continent.
    asia = "asia"
    europe = "europe"
    north_america = "north_america"
    south_america = "south_america"
    africa = "africa"
    oceania = "oceania"
    antarctica = "antarctica"


class ResourceKind(StrEnum):
    """Kinds of learning resources in the outreach corner (/learn)."""

    course = "course"
    video = "video"
    game = "game"
    reading = "reading"


class Audience(StrEnum):
    school = "school"
    university = "university"
    professional = "professional"
    public = "public"


class ResourceLanguage(StrEnum):
    zh = "zh"
    en = "en"
    both = "both"
