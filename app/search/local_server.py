"""A local Meilisearch server from the pinned binary, for `make run-meili` and the test suite.

`scripts/meilisearch.sh install` puts the binary (checked by sha256) under var/; this module starts it on
loopback with a random master key and its own data folder, waits until it answers, and stops it by its PID.
Production runs its own server (docker-compose.yml); nothing here is used when serving the public.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from app.config import PROJECT_ROOT

PINNED_VERSION = "1.21.0"
INSTALL_COMMAND = "scripts/meilisearch.sh install"
STARTUP_SECONDS = 20.0


class LocalServerUnavailable(RuntimeError):
    pass


def binary_path() -> Path:
    """Where scripts/meilisearch.sh installs the pinned binary (QM_MEILI_HOME moves the folder)."""
    home = os.environ.get("QM_MEILI_HOME") or str(PROJECT_ROOT / "var" / f"meilisearch-{PINNED_VERSION}")
    return Path(home) / "meilisearch"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalMeilisearch:
    """One server process. stop() and start() again keep its data: tests use that to simulate an outage."""

    binary: Path
    folder: Path
    port: int = field(default_factory=free_port)
    master_key: str = field(default_factory=lambda: secrets.token_hex(24))
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LocalMeilisearch":
        log = (self.folder / "meilisearch.log").open("ab")
        self.process = subprocess.Popen(
            [str(self.binary), "--db-path", str(self.folder / "data"), "--http-addr", f"127.0.0.1:{self.port}",
             f"--master-key={self.master_key}", "--no-analytics", "--env", "development",
             "--max-indexing-threads", "2", "--log-level", "WARN"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalServerUnavailable(f"Meilisearch exited with {self.process.returncode}; see {self.folder}")
            if self.healthy():
                return self
            time.sleep(0.05)
        self.stop()
        raise LocalServerUnavailable(f"Meilisearch did not answer {self.url}/health within {STARTUP_SECONDS:g} s")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=1) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        """Kill the process (SIGKILL, as a crash would) and wait for it; the data folder stays."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_local(folder: Path | None = None) -> LocalMeilisearch:
    binary = binary_path()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        raise LocalServerUnavailable(f"Meilisearch {PINNED_VERSION} is not installed at {binary}: run {INSTALL_COMMAND}")
    folder = folder or Path(tempfile.mkdtemp(prefix="qmarket-meili-"))
    folder.mkdir(parents=True, exist_ok=True)
    return LocalMeilisearch(binary=binary, folder=folder).start()
