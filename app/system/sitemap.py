"""For search engines: /sitemap.xml (sitemaps.org 0.9) and /robots.txt.

A sitemap holds at most 50,000 URLs; past that, /sitemap.xml becomes a sitemap index of
/sitemap-1.xml, /sitemap-2.xml … (the protocol's own way to grow).
"""

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from app.deps import SessionDep
from app.errors import NotFound
from app.models.base import utcnow
from app.system.public_urls import PublicUrl, public_urls
from app.web import environment

router = APIRouter(tags=["system"])

URLS_PER_SITEMAP = 50_000
XML = "application/xml; charset=utf-8"


@router.get("/sitemap.xml")
def sitemap(request: Request, session: SessionDep) -> Response:
    urls = list(public_urls(session, now=utcnow()))
    if len(urls) <= URLS_PER_SITEMAP:
        return _urlset(request, urls)
    parts = range(1, -(-len(urls) // URLS_PER_SITEMAP) + 1)
    body = environment.get_template("sitemap.xml").render(
        index=[f"/sitemap-{n}.xml" for n in parts], base_url=_base(request)
    )
    return Response(body, media_type=XML)


@router.get("/sitemap-{number:int}.xml")
def sitemap_part(request: Request, session: SessionDep, number: int) -> Response:
    urls = list(public_urls(session, now=utcnow()))
    start = (number - 1) * URLS_PER_SITEMAP
    if number < 1 or start >= len(urls) or len(urls) <= URLS_PER_SITEMAP:
        raise NotFound()
    return _urlset(request, urls[start : start + URLS_PER_SITEMAP])


@router.get("/robots.txt", response_class=PlainTextResponse)
def robots(request: Request) -> str:
    return "\n".join(
        [
            "User-agent: *",
            "Disallow: /account",
            "Disallow: /staff",
            "",
            f"Sitemap: {_base(request)}/sitemap.xml",
            "",
        ]
    )


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _urlset(request: Request, urls: list[PublicUrl]) -> Response:
    body = environment.get_template("sitemap.xml").render(urls=urls, base_url=_base(request))
    return Response(body, media_type=XML)
