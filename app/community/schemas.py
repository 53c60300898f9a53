"""What callers may send about working groups."""

from pydantic import Field

from app.validation import InputModel, LongText, OptionalTitle, Slug, Title


class WorkingGroupIn(InputModel):
    slug: Slug
    name: Title
    name_zh: OptionalTitle | None = None
    mission: LongText = ""
    mission_zh: LongText = ""
    members: list[Slug] = Field(default_factory=list, max_length=500)  # organisation slugs
