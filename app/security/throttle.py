"""Crawler throttling (RELIABILITY 47): each client address gets settings.public_requests_per_minute
requests a minute; past that it is answered 429 with Retry-After, before any route or database work.

A token bucket per address, kept in memory (so per process: with several workers an address gets that
many per worker, which bounds a crawler all the same; the limits that must hold across workers, such as
sign-ins and applications, are counted in the database by app/security/ratelimit.py). The bucket holds at
most the per-minute number of tokens and refills continuously, so a burst of a minute's worth is allowed
and then the steady rate. Memory is bounded: at most MAX_ADDRESSES buckets, least recently seen evicted
first (an evicted address simply starts again with a full bucket, which is what it would have by then
anyway if it was quiet). The client address follows app.deps.client_ip (X-Forwarded-For only when
settings.trust_forwarded_for). Static files and the health checks are never throttled.
"""

import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import error_body
from app.request_context import client_ip

log = logging.getLogger("qmarket.throttle")

EXEMPT_PREFIXES = ("/static/", "/healthz", "/readyz")
MAX_ADDRESSES = 50_000


class TokenBuckets:
    """Per-key token buckets of `capacity` tokens refilled at capacity/`period` per second."""

    def __init__(self, capacity: int, *, period: float = 60.0, max_keys: int = MAX_ADDRESSES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(capacity)
        self.rate = capacity / period
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, list[float]] = OrderedDict()  # key -> [tokens, last refill, refused]

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str) -> tuple[bool, int, bool]:
        """Spend one token: (allowed, seconds to wait when not, first refusal of this episode)."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = [self.capacity, now, 0.0]
            self._buckets[key] = bucket
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket[0] = min(self.capacity, bucket[0] + (now - bucket[1]) * self.rate)
            bucket[1] = now
        if bucket[0] >= 1.0:
            bucket[0] -= 1.0
            bucket[2] = 0.0
            return True, 0, False
        first = bucket[2] == 0.0
        bucket[2] = 1.0
        return False, max(1, math.ceil((1.0 - bucket[0]) / self.rate)), first


class Throttle:
    """Pure ASGI middleware answering 429 + Retry-After to an address past its per-minute budget."""

    def __init__(self, app: ASGIApp, *, per_minute: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES) or scope["path"] == "/static":
            await self.app(scope, receive, send)
            return
        address = client_ip(Request(scope))
        allowed, retry_after, first = self.buckets.take(address)
        if allowed:
            await self.app(scope, receive, send)
            return
        if first:  # once per episode, not once per refused request: a flood must not flood the log too
            log.warning("throttled client %s: over %s requests a minute", address, int(self.buckets.capacity))
        await _too_many(scope, send, retry_after)


async def _too_many(scope: Scope, send: Send, retry_after: int) -> None:
    message = "too many requests; please slow down and try again later"
    if scope["path"].startswith("/api/"):
        body = json.dumps(error_body("rate_limited", message)).encode()
        content_type = b"application/json"
    else:
        body = f"429 Too Many Requests: {message}. / 请求过于频繁，请稍后再试。\n".encode()
        content_type = b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", content_type), (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()), (b"cache-control", b"no-store"),
    ]})
    await send({"type": "http.response.body", "body": body})
