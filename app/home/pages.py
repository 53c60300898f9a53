"""The site's own pages (About, Contact, Privacy, Terms, Join): Markdown in templates/pages/<name>.<lang>.md,
kept with the code so that they are reviewed like it; the reader's language, else the other one."""

from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.config import PROJECT_ROOT
from app.markdown import render_markdown
from app.web import render, request_language

router = APIRouter()
PAGES = PROJECT_ROOT / "templates" / "pages"
SITE_PAGES = ("about", "contact", "privacy", "terms", "join")


@cache
def page_text(name: str, language: str) -> str:
    for lang in (language, "en" if language == "zh" else "zh"):
        path = PAGES / f"{name}.{lang}.md"
        if path.exists():
            return path.read_text(encoding="utf-8")
    return ""


def _page(request: Request, name: str) -> HTMLResponse:
    text = page_text(name, request_language(request))
    title = text.splitlines()[0].lstrip("# ").strip() if text else name
    body = "\n".join(text.splitlines()[1:])
    return render(request, "site_page.html", {"name": name, "title": title, "body": render_markdown(body)})


def _route(name: str):
    def page(request: Request) -> HTMLResponse:
        return _page(request, name)

    page.__name__ = f"{name}_page"
    return page


for _name in SITE_PAGES:
    router.add_api_route(f"/{_name}", _route(_name), methods=["GET"], response_class=HTMLResponse)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> RedirectResponse:
    return RedirectResponse("/static/favicon.svg", status_code=301)
