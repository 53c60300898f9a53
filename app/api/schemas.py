"""JSON shapes of the public API."""

from pydantic import BaseModel

from app.search.schemas import DocType


class SearchHitOut(BaseModel):
    type: DocType
    id: int
    slug: str
    title: str
    org_slug: str | None
    url: str
    highlight: str


class SearchOut(BaseModel):
    total: int
    total_is_lower_bound: bool
    hits: list[SearchHitOut]
    facets: dict[str, dict[str, int]]
