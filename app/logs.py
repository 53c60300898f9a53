"""Log lines: one JSON object per line (production's default) or plain text, each with the request id.

Every line, the server's access lines included, carries the id of the request or background work that
wrote it (app/request_context.py): the access line is written while the request's id is still current.
JSON escapes control characters, so a value typed by a user can never start a line of its own.
"""

import json
import logging
import sys
from datetime import UTC, datetime

from app.config import Settings
from app.request_context import current_request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# The server's own loggers: their lines go through the same handler as the app's.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or current_request_id(),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StandardError(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test runner swaps it), never a stale stream."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(settings: Settings) -> logging.Handler:
    """One handler on the root logger, in the chosen format; calling it again only changes the format."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _StandardError)), None)
    if handler is None:
        handler = _StandardError()
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if settings.logs_as_json else logging.Formatter(TEXT_FORMAT))
    root.setLevel(settings.log_level)
    for name in SERVER_LOGGERS:  # `qmarket serve` leaves logging to us (log_config=None)
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    return handler
