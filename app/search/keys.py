"""The two Meilisearch API keys the app holds, made once with the master key (`qmarket search keys`).

The app never holds the master key: the relay writes with an admin key that reaches only the app's own
indexes (`QM_MEILI_INDEX` and its rebuild twins), and pages search with a key that can only search them.
Keys get fixed uids derived from the index name, and Meilisearch derives a key's value from its uid and
the master key, so running the command again prints the same keys instead of piling up new ones.
"""

import uuid
from dataclasses import dataclass

import httpx

# Any fixed namespace: uids must be stable across runs and machines, and distinct per index name.
_KEY_NAMESPACE = uuid.UUID("6f1c1e0a-3b7e-4d0e-9a3c-51a1d1c0e5a7")
ADMIN_ACTIONS = ("documents.*", "indexes.*", "settings.*", "tasks.get", "stats.get", "search")
SEARCH_ACTIONS = ("search",)


class KeysRefused(RuntimeError):
    """The server refused or could not be reached; the message says which."""


@dataclass(frozen=True)
class AppKeys:
    admin: str
    search: str


def index_patterns(index: str) -> list[str]:
    """The live index and its rebuild twin (`<index>__rebuild`), and nothing of another prefix's."""
    return [index, f"{index}__*"]


def _wanted(index: str, role: str, actions: tuple[str, ...]) -> dict:
    return {
        "uid": str(uuid.uuid5(_KEY_NAMESPACE, f"{index}:{role}")),
        "name": f"qmarket {role} ({index})",
        "description": f"QMarket {role} key for the indexes {', '.join(index_patterns(index))}",
        "actions": list(actions),
        "indexes": index_patterns(index),
        "expiresAt": None,
    }


def _ensure(client: httpx.Client, wanted: dict) -> str:
    existing = client.get(f"/keys/{wanted['uid']}")
    if existing.status_code == 200:
        key = existing.json()
        if sorted(key["actions"]) == sorted(wanted["actions"]) and sorted(key["indexes"]) == sorted(wanted["indexes"]):
            return key["key"]
        # Actions and indexes cannot be changed on a key: replace it (same uid, so the same value).
        _checked(client.delete(f"/keys/{wanted['uid']}"), "delete an outdated key")
    elif existing.status_code != 404:
        _checked(existing, "read a key")
    return _checked(client.post("/keys", json=wanted), "create a key").json()["key"]


def _checked(response: httpx.Response, what: str) -> httpx.Response:
    if response.status_code >= 300:
        try:
            detail = response.json().get("message", response.text)
        except ValueError:
            detail = response.text
        raise KeysRefused(f"Meilisearch refused to {what}: HTTP {response.status_code} {detail}")
    return response


def ensure_app_keys(url: str, master_key: str, index: str, *, timeout: float = 10.0) -> AppKeys:
    """Create (or find) the admin and search keys for `index`; needs the master key, once."""
    headers = {"Authorization": f"Bearer {master_key}"}
    try:
        with httpx.Client(base_url=url, headers=headers, timeout=timeout) as client:
            admin = _ensure(client, _wanted(index, "admin", ADMIN_ACTIONS))
            search = _ensure(client, _wanted(index, "search", SEARCH_ACTIONS))
    except httpx.HTTPError as error:
        raise KeysRefused(f"Meilisearch at {url} could not be reached: {error}") from error
    return AppKeys(admin=admin, search=search)
