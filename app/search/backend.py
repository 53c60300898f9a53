"""The one interface both search engines implement, and the single place that picks the engine."""

from collections.abc import Iterable
from typing import Annotated, Protocol

from fastapi import Depends, Request

from app.config import Settings
from app.search.schemas import SearchQuery, SearchResult


class SearchBackend(Protocol):
    def ensure_ready(self) -> None:
        """Create the index and apply its settings if needed; raise SearchUnavailable if unreachable."""

    def upsert(self, documents: list[dict]) -> None:
        """Add or replace documents by id. Idempotent."""

    def delete(self, ids: list[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def generation(self) -> int | None:
        """A number every write moves on (None: unknown): recent answers are kept under it."""

    def rebuild(self, documents: Iterable[dict]) -> int:
        """Replace the whole index with these documents, atomically for readers; returns the count."""

    def document_ids(self) -> set[str]:
        """Every document id in the index (for verifying it against the database)."""

    def settings_drift(self) -> list[str]:
        """Index settings that differ from what the code asks for (empty when they agree)."""

    def close(self) -> None: ...


def create_backend(settings: Settings) -> SearchBackend:
    if settings.search_backend == "meilisearch":
        from app.search.meili import MeilisearchBackend

        if not settings.meili_url:
            raise ValueError("QM_SEARCH_BACKEND=meilisearch needs QM_MEILI_URL")
        return MeilisearchBackend(
            url=settings.meili_url,
            api_key=settings.meili_key,
            search_key=settings.meili_search_key,
            index_uid=settings.meili_index,
        )
    from app.search.embedded import EmbeddedBackend

    return EmbeddedBackend(settings.search_path)


async def get_search(request: Request) -> SearchBackend:
    return request.app.state.search


SearchDep = Annotated[SearchBackend, Depends(get_search)]  # the app's engine, for routes that search
