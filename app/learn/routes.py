"""/learn: the outreach corner, learning resources for students and the public, by kind and audience."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.deps import SessionDep
from app.learn.service import resources
from app.models.vocab import Audience
from app.web import render

router = APIRouter()


@router.get("/learn", response_class=HTMLResponse)
def learn_page(request: Request, session: SessionDep, audience: Audience | None = None) -> HTMLResponse:
    context = {"groups": resources(session, audience=audience), "audience": str(audience or ""),
               "audiences": list(Audience)}
    return render(request, "learn.html", context, block="resources")
