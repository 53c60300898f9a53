"""An HTTP proxy on loopback in front of the real Meilisearch server, that can be told to misbehave.

Modes: "pass" forwards every request; "error" answers 502 as a broken load balancer would; "slow" holds
every request longer than the app's search timeout before forwarding it. Used by the tests that show what
a reader sees when the engine fails, and that search comes back by itself.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

SLOW_SECONDS = 2.0


class FaultyProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.mode = "pass"
        self.requests = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                proxy.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.mode == "error":
                    self._answer(502, b"<html>502 Bad Gateway</html>", "text/html")
                    return
                if proxy.mode == "slow":
                    time.sleep(SLOW_SECONDS)
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")}
                try:
                    answer = httpx.request(self.command, proxy.upstream + self.path, content=body, headers=headers,
                                           timeout=30)
                except httpx.HTTPError:
                    self._answer(504, b"upstream unreachable", "text/plain")
                    return
                self._answer(answer.status_code, answer.content, answer.headers.get("content-type", "application/json"))

            def _answer(self, status: int, content: bytes, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                except OSError:
                    pass  # the client gave up waiting (a timeout test): nothing to answer

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

            def log_message(self, *args) -> None:  # keep the test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="faulty-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "FaultyProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
