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
    registration_url: HttpsUrl | None = None  # an outside page; without one, members register on QMarket
    capacity: int | None = Field(default=None, ge=1, le=100_000)  # seats for built-in registration; none: no limit
    recording_url: HttpsUrl | None = None
    slides_url: HttpsUrl | None = None
    group: Slug | None = None  # the working group that hosts it


class ProposalIn(InputModel):
    """A member organisation's offer to present in a monthly webinar."""

    title: Title
    title_zh: OptionalTitle | None = None
    summary: LongText = Field(min_length=20)  # what the session would show, so staff can judge it
    theme: str | None = Field(default=None, max_length=80)  # a category path
    preferred_dates: str = Field(default="", max_length=200)
