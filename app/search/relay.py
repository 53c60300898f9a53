"""Delivering the outbox: right after a request commits, on start-up, and every few seconds after a failure."""

import asyncio
import logging
import threading

from sqlalchemy import Engine

from app.search import service
from app.search.backend import SearchBackend

log = logging.getLogger("qmarket.search")
RETRY_SECONDS = 5.0


class OutboxRelay:
    def __init__(self, engine: Engine, backend: SearchBackend) -> None:
        self.engine = engine
        self.backend = backend
        self._lock = threading.Lock()  # one drain at a time per process; other processes may drain too
        self.last_error: str | None = None

    def drain(self) -> service.DrainReport:
        """Deliver what is due. Never raises: a failure leaves the rows for the next attempt."""
        with self._lock:
            try:
                report = service.drain_all(self.engine, self.backend)
            except Exception as exc:  # the database itself failing must not break the request that committed
                log.exception("search outbox drain failed")
                return service.DrainReport(error=str(exc))
        self.last_error = report.error
        if report.error:
            log.warning("search index not updated (%s rows kept for retry): %s", report.failed, report.error)
        return report

    async def run_forever(self, interval: float | None = None) -> None:
        """The retry loop: delivers rows that failed earlier or were left by a crash."""
        while True:
            await asyncio.to_thread(self.drain)
            await asyncio.sleep(interval or RETRY_SECONDS)
