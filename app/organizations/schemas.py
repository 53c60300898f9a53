"""What callers may send about an organisation."""

from pydantic import Field

from app.models.vocab import MembershipLevel, OrgType, SizeBand, TechDomain
from app.validation import CityName, CountryCode, Email, InputModel, LongText, OptionalTitle, Slug, Title, WebUrl


class OrganizationIn(InputModel):
    slug: Slug
    name: Title
    name_zh: OptionalTitle | None = None
    org_type: OrgType
    membership: MembershipLevel | None = None
    country: CountryCode
    province: str | None = Field(default=None, max_length=6)
    city: CityName | None = None
    website: WebUrl | None = None
    contact_email: Email | None = None
    domains: list[TechDomain] = Field(default_factory=list, max_length=6)
    offers: list[str] = Field(default_factory=list, max_length=20)  # category paths
    needs: list[str] = Field(default_factory=list, max_length=20)
    description: LongText = ""
    description_zh: LongText = ""
    founded_year: int | None = Field(default=None, ge=1800, le=2100)
    size_band: SizeBand | None = None
