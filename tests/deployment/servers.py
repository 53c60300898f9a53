"""Real `qmarket serve` processes for the multi-process tests: started on a free port, stopped by pid."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.search.local_server import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # uvicorn shuts down cleanly (workers too)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start(env: dict[str, str], log: Path, *, workers: int = 1, timeout: float = 40) -> Server:
    port = free_port()
    command = [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port),
               "--workers", str(workers)]
    with log.open("ab") as stream:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(command, cwd=ROOT, stdout=stream, stderr=stream, start_new_session=True,
                                   env={**os.environ, "PYTHONPATH": str(ROOT), "QM_HOST": "127.0.0.1", **env})
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"qmarket serve exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(server.url + "/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"qmarket serve did not answer in {timeout} s: {log.read_text(errors='replace')[-2000:]}")


def signed_out_client(server: Server) -> httpx.Client:
    """A browser-like client: a CSRF cookie from the sign-in page, a fresh connection per request (so that
    the requests of one client spread over the workers)."""
    client = httpx.Client(base_url=server.url, timeout=20, limits=httpx.Limits(max_keepalive_connections=0))
    client.get("/account/login")
    return client


def form(client: httpx.Client, path: str, data: dict) -> httpx.Response:
    return client.post(path, data={"csrf_token": client.cookies["qm_csrf"], **data}, follow_redirects=False)
