"""What callers may send about webinars."""

from pydantic import AwareDatetime, Field

from app.validation import HttpsUrl, InputModel, LongText, OptionalTitle, Slug, Title


class WebinarIn(InputModel):
    slug: Slug
    title: Title
    title_zh: OptionalTitle | None = None
    description: LongText = ""
    description_zh: LongText = ""
    theme: str | None = Field(default=None, max_length=80)  # a category path
    starts_at: AwareDatetime
    duration_minutes: int = Field(default=60, ge=15, le=480)
    presenters: list[Slug] = Field(default_factory=list, max_length=10)
    listings: list[Slug] = Field(default_factory=list, max_length=20)
    registration_url: HttpsUrl | None = None
    recording_url: HttpsUrl | None = None
