"""POST /api/v1/import: the import bundle (DESIGN §4) for a staff token, all of it or nothing; GET /api/v1/export:
the same bundle of what the public sees (app/imports/export.py), so that an export imports again."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app import audit
from app.api import write_docs
from app.api.auth import ApiRoute, ImportBody, StaffAuth, parse_json
from app.api.member_schemas import ImportOut
from app.deps import SessionDep, SettingsDep
from app.imports.export import export_bundle
from app.imports.service import import_bundle

router = APIRouter(prefix="/api/v1", tags=["import"], route_class=ApiRoute)


@router.post("/import", response_model=ImportOut, openapi_extra=write_docs.BUNDLE)
def import_(session: SessionDep, settings: SettingsDep, auth: StaffAuth, body: ImportBody) -> ImportOut:
    """200 with counts per section; or 422 with one error per bad row and field, and nothing written."""
    report = import_bundle(session, parse_json(body), job_live_days=settings.job_live_days, actor_id=auth.user.id)
    if not report.changed:  # the service records only bundles that changed something; every staff call is audited
        audit.record(session, action="import.bundle", target_type="bundle", actor_id=auth.user.id,
                     detail=report.counts)
    return ImportOut(counts=report.counts, changed=report.changed)


@router.get("/export", response_class=JSONResponse)
def export(session: SessionDep, auth: StaffAuth) -> JSONResponse:
    """The bundle; `X-Export-Problems` counts the rows an import would refuse (`qmarket export` names them)."""
    result = export_bundle(session)
    return JSONResponse(result.bundle, headers={"X-Export-Problems": str(len(result.problems)),
                                                "Content-Disposition": 'attachment; filename="qmarket-export.json"',
                                                "Cache-Control": "no-store"})
