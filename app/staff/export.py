"""The staff export page: what the public sees, as the import bundle (JSON) or one CSV per record type, and
the empty CSV templates for filling in a spreadsheet (`qmarket import FILE.csv` reads them back)."""

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import SessionDep, StaffUser
from app.imports.csv_format import columns, list_columns, template, to_csv
from app.imports.export import export_bundle
from app.imports.schemas import SECTIONS
from app.web import render

router = APIRouter(prefix="/staff/export", tags=["staff"])
Section = Annotated[Literal["organizations", "listings", "jobs", "webinars", "groups"], Path()]
CSV = "text/csv; charset=utf-8"


def _download(body: str, media_type: str, filename: str) -> Response:
    return Response(body.encode("utf-8"), media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@router.get("", response_class=HTMLResponse)
def export_page(request: Request, staff: StaffUser) -> HTMLResponse:
    context = {"sections": [(s, columns(s), list_columns(s)) for s in SECTIONS]}
    return render(request, "staff_export.html", context)


@router.get("/bundle.json")
def bundle(session: SessionDep, staff: StaffUser) -> Response:
    result = export_bundle(session)
    return _download(json.dumps(result.bundle, ensure_ascii=False, indent=1), "application/json",
                     "qmarket-export.json")


@router.get("/templates/{section}.csv")
def csv_template(staff: StaffUser, section: Section) -> Response:
    return _download(template(section), CSV, f"qmarket-{section}-template.csv")


@router.get("/{section}.csv")
def section_csv(session: SessionDep, staff: StaffUser, section: Section) -> Response:
    result = export_bundle(session)
    return _download(to_csv(section, result.bundle[section]), CSV, f"qmarket-{section}.csv")
