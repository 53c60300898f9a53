"""What staff enter for a learning resource."""

from pydantic import Field

from app.models.vocab import Audience, ResourceKind, ResourceLanguage
from app.validation import HttpsUrl, InputModel, OptionalTitle, Title


class LearningResourceIn(InputModel):
    title: Title
    title_zh: OptionalTitle | None = None
    note: str = Field(default="", max_length=500)
    note_zh: str = Field(default="", max_length=500)
    kind: ResourceKind
    audience: Audience
    language: ResourceLanguage
    url: HttpsUrl
