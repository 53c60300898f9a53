"""Pages of the marketplace directory."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.catalog.service import category_tree
from app.deps import SessionDep
from app.web import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    tree = category_tree(session)
    return render(request, "home.html", {"categories": tree, "total": sum(node.count for node in tree)})
