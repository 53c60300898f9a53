"""`make run-meili`: the app as `make run` serves it, on a local Meilisearch from the pinned binary.

The server runs as a child of this script in a temporary folder (the database stays the truth: the index is
rebuilt from it at every start) and is stopped with the app on Ctrl-C. The app gets the two scoped keys that
`qmarket search keys` would make; the master key stays here, as in production it stays out of the app.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from app.config import get_settings
from app.search.keys import ensure_app_keys
from app.search.local_server import LocalServerUnavailable, start_local

QMARKET = str(Path(sys.executable).with_name("qmarket"))


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl-C, or a TERM from a process manager: stop the app, then the server (even when started in the
    # background, where a shell would have told this process to ignore Ctrl-C).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server = start_local()
    except LocalServerUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        index = get_settings().meili_index
        keys = ensure_app_keys(server.url, server.master_key, index)
        environment = {**os.environ, "QM_SEARCH_BACKEND": "meilisearch", "QM_MEILI_URL": server.url,
                       "QM_MEILI_KEY": keys.admin, "QM_MEILI_SEARCH_KEY": keys.search, "QM_MEILI_INDEX": index}
        for command in (["db", "upgrade"], ["seed", "--demo", "--if-empty"], ["search", "reindex"]):
            subprocess.run([QMARKET, *command], env=environment, check=True)
        print(f"Meilisearch {server.url} (index {index}); stop both with Ctrl-C", file=sys.stderr)
        app = subprocess.Popen([QMARKET, "serve"], env=environment)
        try:
            return app.wait()
        except KeyboardInterrupt:
            app.terminate()  # uvicorn shuts down cleanly on SIGTERM
            return app.wait(timeout=30)
    except subprocess.CalledProcessError as exc:
        return exc.returncode
    finally:
        server.remove()


if __name__ == "__main__":
    sys.exit(main())
