"""What callers may send about a listing, and the category tree pages show."""

from dataclasses import dataclass, field

from pydantic import AwareDatetime, Field

from app.models import Category
from app.models.vocab import ListingKind
from app.validation import HttpsUrl, InputModel, LongText, OptionalTitle, Slug, Summary, Tags, Title


class ListingIn(InputModel):
    slug: Slug | None = None  # derived from the title when absent
    kind: ListingKind
    category: str = Field(max_length=80)  # a leaf path such as "hardware/cryogenics"
    title: Title
    title_zh: OptionalTitle | None = None
    summary: Summary = ""
    summary_zh: Summary = ""
    description: LongText = ""
    description_zh: LongText = ""
    tags: Tags = Field(default_factory=list)
    trl: int | None = Field(default=None, ge=1, le=9)
    datasheet_url: HttpsUrl | None = None
    published_at: AwareDatetime | None = None  # kept from another system on import; set once, at creation


@dataclass
class CategoryNode:
    category: Category
    count: int = 0
    children: list["CategoryNode"] = field(default_factory=list)
