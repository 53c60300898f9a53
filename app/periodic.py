"""Background work the app runs in-process (job expiry, listing reminders, purging deleted records).

Each pass runs in a worker thread with its own request id ("task-…", app/request_context.py), so the audit
rows it writes can be told apart; a failed pass (database busy or down) is logged and retried next time.

With several workers (or containers) every process runs the same loops, but a pass runs only in the
process that holds the task's lease (app/leases.py): that process renews it every third of its length,
through the pass and the wait after it, so the task runs once per interval in the whole deployment. The
others try to take the lease as often; when its holder dies they take over once it expires, and run a
pass at once (a pass is idempotent: what it mails or changes is marked on the rows it covers).
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from app import leases
from app.metrics import PERIODIC_PASSES
from app.request_context import work_id

log = logging.getLogger("qmarket.periodic")


@dataclass(frozen=True)
class LeaseTerms:
    """Run the task under a lease in this database, `seconds` long, held as `holder` (this process)."""

    engine: Engine
    seconds: float = 30.0
    holder: str = leases.PROCESS_HOLDER

    def name(self, task: str) -> str:
        return f"periodic:{task}"

    def take(self, task: str) -> bool:
        try:
            return leases.take(self.engine, self.name(task), seconds=self.seconds, holder=self.holder)
        except Exception:  # noqa: BLE001  (database busy or down: not holding it; tried again shortly)
            log.warning("periodic %s: could not take or renew its lease", task, exc_info=True)
            return False

    def release(self, task: str) -> None:
        try:
            leases.release(self.engine, self.name(task), holder=self.holder)
        except Exception:  # noqa: BLE001  (it expires on its own)
            log.warning("periodic %s: could not release its lease", task, exc_info=True)


async def run_periodically(name: str, work: Callable[[], object], *, interval: float, first_delay: float = 0.0,
                           after: Callable[[], object] | None = None, lease: LeaseTerms | None = None) -> None:
    """Run `work` every `interval` seconds, forever (until cancelled). When it returns something truthy
    (it changed records), `after` runs too: the search relay's drain, so search follows at once.
    A task whose interval is shorter than its start-up delay starts after one interval."""
    await asyncio.sleep(min(first_delay, interval))
    try:
        while True:
            if lease is not None and not await asyncio.to_thread(lease.take, name):
                await asyncio.sleep(lease.seconds / 3)  # someone else runs it; be ready to take over
                continue
            keeper = asyncio.create_task(_keep(lease, name)) if lease is not None else None
            try:
                await _one_pass(name, work, after)
                await asyncio.sleep(interval)
            finally:
                if keeper is not None:
                    keeper.cancel()
    finally:
        if lease is not None:
            lease.release(name)  # a clean shutdown hands the task over at once


async def _keep(lease: LeaseTerms, name: str) -> None:
    """Renew the lease every third of its length while the pass and the wait after it last."""
    while True:
        await asyncio.sleep(lease.seconds / 3)
        if not await asyncio.to_thread(lease.take, name):
            log.warning("periodic %s: lost its lease; the next pass runs wherever it is held", name)
            return


async def _one_pass(name: str, work: Callable[[], object], after: Callable[[], object] | None) -> None:
    with work_id("task"):
        try:
            if await asyncio.to_thread(work) and after is not None:
                await asyncio.to_thread(after)
            PERIODIC_PASSES.labels(name, "done").inc()
        except Exception:  # noqa: BLE001  (retried at the next pass)
            PERIODIC_PASSES.labels(name, "failed").inc()
            log.exception("periodic %s failed", name)
