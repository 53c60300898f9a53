"""Old links keep working: a page asked for with a filter or sort value it no longer knows (`/jobs?function=foo`,
`/marketplace?sort=bogus`, a page number of another era) answers the page without that value, and says so in a
short notice, instead of a 422 in developer words. The JSON API stays strict: a program should hear of it.

How: the app's handler of request validation errors notes which query values it refused (`note_refused`);
this middleware, on a GET page that got a 422 that way, asks again without them (at most a few times, as one
fix may reveal the next), and keeps the names for the notice (`dropped_filters`).
"""

from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REFUSED = "refused_query"
DROPPED = "dropped_query"
MAX_RETRIES = 3
STRICT_PREFIXES = ("/api/", "/static/")


def applies(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["method"] == "GET" and not scope["path"].startswith(STRICT_PREFIXES)


def note_refused(request: Request, locations: list[tuple]) -> bool:
    """From the validation handler: remember the refused query values (name, and index for a repeated one).
    True when every refusal was in the query string of a page (so that asking again without them helps)."""
    if not applies(request.scope) or not locations or any(loc[:1] != ("query",) or len(loc) < 2 for loc in locations):
        return False
    refused = [(str(loc[1]), loc[2] if len(loc) > 2 and isinstance(loc[2], int) else None) for loc in locations]
    request.scope.setdefault("state", {})[REFUSED] = refused
    return True


def dropped_filters(request: Request) -> list[str]:
    return request.scope.get("state", {}).get(DROPPED, [])


def _without(query_string: bytes, refused: list[tuple[str, int | None]]) -> bytes:
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    drop_all = {name for name, index in refused if index is None}
    drop_some = {(name, index) for name, index in refused if index is not None}
    seen: dict[str, int] = {}
    kept = []
    for name, value in pairs:
        position = seen.get(name, 0)
        seen[name] = position + 1
        if name in drop_all or (name, position) in drop_some:
            continue
        kept.append((name, value))
    return urlencode(kept).encode("latin-1")


class StaleLinks:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not applies(scope):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        for _ in range(MAX_RETRIES):
            state.pop(REFUSED, None)
            held: list[Message] = []
            passing = False

            async def hold_a_refusal(message: Message) -> None:
                nonlocal passing
                if passing:
                    await send(message)
                elif message["type"] == "http.response.start" and not (message["status"] == 422 and REFUSED in state):
                    passing = True
                    await send(message)
                else:
                    held.append(message)

            await self.app(scope, receive, hold_a_refusal)
            if passing:
                return
            refused = state[REFUSED]
            dropped = state.setdefault(DROPPED, [])
            dropped.extend(sorted({name for name, _ in refused} - set(dropped)))
            scope = dict(scope, query_string=_without(scope.get("query_string", b""), refused))
        for message in held:  # still refused after the retries: the 422 as it was
            await send(message)
