"""Background work the app runs in-process (job expiry, listing reminders, purging deleted records).

Each pass runs in a worker thread with its own request id ("task-…", app/request_context.py), so the audit
rows it writes can be told apart; a failed pass (database busy or down) is logged and retried next time.
"""

import asyncio
import logging
from collections.abc import Callable

from app.request_context import work_id

log = logging.getLogger("qmarket.periodic")


async def run_periodically(name: str, work: Callable[[], object], *, interval: float, first_delay: float = 0.0,
                           after: Callable[[], object] | None = None) -> None:
    """Run `work` every `interval` seconds, forever (until cancelled). When it returns something truthy
    (it changed records), `after` runs too: the search relay's drain, so search follows at once."""
    await asyncio.sleep(first_delay)
    while True:
        with work_id("task"):
            try:
                if await asyncio.to_thread(work) and after is not None:
                    await asyncio.to_thread(after)
            except Exception:  # noqa: BLE001  (retried at the next pass)
                log.exception("periodic %s failed", name)
        await asyncio.sleep(interval)
