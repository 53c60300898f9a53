"""GET /metrics: Prometheus text format, for the deployment's scraper only.

Not public in production: it answers only with QM_METRICS_TOKEN as a bearer token, and without that
setting it does not exist there (404). In development and test, without a token, it is open.
"""

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import Response
# The classic text format (0.0.4): every Prometheus reads it, and our metric names need nothing newer.
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from starlette.exceptions import HTTPException

from app.metrics import exposition
from app.search.service import backlog

router = APIRouter(tags=["system"])


def _allowed(request: Request) -> bool:
    settings = request.app.state.settings
    if not settings.metrics_token:
        return settings.environment != "production"
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), settings.metrics_token.encode())


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    if not _allowed(request):
        raise HTTPException(404)  # the same answer as for any path that does not exist
    return Response(exposition(request.app.state.engine, backlog), media_type=CONTENT_TYPE_PLAIN_0_0_4,
                    headers={"Cache-Control": "no-store"})
