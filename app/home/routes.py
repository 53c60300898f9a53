"""The front page: the directory's categories with their counts, the newest listings and jobs, the next
webinar. It gathers from the feature packages, so it sits above them all."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import col

from app.catalog.service import category_tree, newest_listings
from app.deps import SessionDep
from app.home.pages import router as pages_router
from app.models import Job, Organization
from app.visibility import live_jobs
from app.web import render
from app.webinars.service import upcoming

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    tree = category_tree(session)
    jobs = session.execute(
        live_jobs().with_only_columns(Job, Organization).order_by(col(Job.published_at).desc()).limit(5)
    ).all()
    context = {
        "categories": tree,
        "total": sum(node.count for node in tree),
        "newest_listings": newest_listings(session, limit=6),
        "newest_jobs": jobs,
        "next_webinar": session.exec(upcoming()).first(),
    }
    return render(request, "home.html", context, block="categories")


router.include_router(pages_router)  # About, Contact, Privacy, Terms, Join (pages.py)
