"""What an organisation's owners and editors may send from the workspace forms.

Only the fields named here: org_type, country, province, status, slug, membership, ids and dates are not
part of any form, and InputModel refuses unknown fields (mass assignment is a 422, never a silent write).
"""

from typing import Any

from pydantic import Field, field_validator, model_validator

from app.models.vocab import ListingKind, SizeBand, TechDomain
from app.validation import (
    CityName,
    Email,
    HttpsUrl,
    InputModel,
    LongText,
    OptionalTitle,
    Summary,
    Tags,
    Title,
    WebUrl,
)


def _blank_to_none(data: Any, fields: tuple[str, ...]) -> Any:
    """An empty text box means "not given" for optional fields (a URL or a number cannot be "")."""
    if isinstance(data, dict):
        data = dict(data)
        for name in fields:
            if isinstance(data.get(name), str) and not data[name].strip():
                data[name] = None
    return data


class ProfileIn(InputModel):
    name: Title
    name_zh: OptionalTitle | None = None
    city: CityName | None = None
    website: WebUrl | None = None
    contact_email: Email | None = None
    description: LongText = ""
    description_zh: LongText = ""
    founded_year: int | None = Field(default=None, ge=1800, le=2100)
    size_band: SizeBand | None = None
    domains: list[TechDomain] = Field(default_factory=list, max_length=6)
    offers: list[str] = Field(default_factory=list, max_length=20)  # category paths, checked by the service
    needs: list[str] = Field(default_factory=list, max_length=20)

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data: Any) -> Any:
        return _blank_to_none(data, ("name_zh", "city", "website", "contact_email", "founded_year", "size_band"))


class ListingForm(InputModel):
    """app.catalog.schemas.ListingIn without slug and published_at: those are the system's to set."""

    kind: ListingKind
    category: str = Field(max_length=80)  # a leaf path; the service checks it against the taxonomy
    title: Title
    title_zh: OptionalTitle | None = None
    summary: Summary = ""
    summary_zh: Summary = ""
    description: LongText = ""
    description_zh: LongText = ""
    tags: Tags = Field(default_factory=list)
    trl: int | None = Field(default=None, ge=1, le=9)
    datasheet_url: HttpsUrl | None = None

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data: Any) -> Any:
        return _blank_to_none(data, ("title_zh", "trl", "datasheet_url"))

    @field_validator("tags", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """The form has one box, "tags, separated, by commas" (Chinese commas too)."""
        if isinstance(value, str):
            parts = value.replace("，", ",").split(",")
            seen: dict[str, None] = {}
            for part in parts:
                if part.strip():
                    seen.setdefault(part.strip(), None)
            return list(seen)
        return value
