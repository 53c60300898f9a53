"""A throwaway PostgreSQL server for the test run, on loopback, in a temporary folder.

Postgres refuses to run as root, so as root the server runs as the `postgres` system user.
"""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.search.local_server import free_port


class PostgresUnavailable(RuntimeError):
    pass


def _binaries() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable("no PostgreSQL server binaries (initdb) found; install the postgresql package")


@dataclass
class PostgresServer:
    folder: Path
    port: int
    bin_dir: Path
    as_user: list[str]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        self._run(["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name])
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name])

    def stop(self) -> None:
        try:
            self._run(["pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, command: list[str]) -> None:
        full = [*self.as_user, str(self.bin_dir / command[0]), *command[1:]]
        result = subprocess.run(full, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise PostgresUnavailable(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def start() -> PostgresServer:
    bin_dir = _binaries()
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="qmarket-pg-"))
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            raise PostgresUnavailable("running as root needs runuser to start PostgreSQL as the postgres user")
        as_user = [runuser, "-u", "postgres", "--"]
        shutil.chown(folder, user="postgres")
    server = PostgresServer(folder=folder, port=free_port(), bin_dir=bin_dir, as_user=as_user)
    data = folder / "data"
    server._run(["initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
    options = f"-c listen_addresses=127.0.0.1 -p {server.port} -k {folder} -c fsync=off -c full_page_writes=off"
    server._run(["pg_ctl", "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "30", "start", "-o", options])
    return server
