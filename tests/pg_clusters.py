"""PostgreSQL servers of a test's own — a primary (initdb), a streaming
replica (pg_basebackup) and PgBouncer — on free loopback ports, so that
replication and restarts are tried without touching the machine's server.

The servers refuse to run as root: as root, they run as the user postgres
(runuser), in a folder it owns.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from storage_backends import free_port

BIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]) if glob.glob("/usr/lib/postgresql/*/bin") else None
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def missing_tools() -> str | None:
    """Why these servers cannot be started here (None: they can)."""
    if BIN is None or not (BIN / "initdb").exists():
        return "PostgreSQL's server binaries (initdb, pg_ctl) are not installed"
    if not Path(PGBOUNCER).exists():
        return "pgbouncer is not installed (apt-get install pgbouncer)"
    return None


def _as_server_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str]) -> str:
    result = subprocess.run(_as_server_user(args), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"{args[0]}: {result.stdout}\n{result.stderr}"
    return result.stdout


def own_folder() -> Path:
    """A folder the server user owns (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="grc-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


def wait_until(condition, what: str, seconds: float = 60) -> None:
    """Poll ``condition`` (a bound on waiting, not a timed assertion)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what} after {seconds} s"
        time.sleep(0.2)


class Server:
    def __init__(self, data: Path, port: int):
        self.data, self.port = data, port

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, action: str) -> None:
        _run([str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "-t", "120",
              "-o", f"-p {self.port} -k {self.data}", action])

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        subprocess.run(_as_server_user([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
                       capture_output=True, timeout=120)

    def restart(self) -> None:
        self.pg_ctl("restart")

    def sql(self, statement: str, database: str = "postgres") -> str:
        return _run([str(BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
                     "-Atc", statement]).strip()


def start_primary(root: Path) -> Server:
    data = root / "primary"
    _run([str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
    with open(data / "postgresql.conf", "a") as conf:
        # Replication (initdb's pg_hba already trusts loopback replication); durability is not tested here.
        conf.write("listen_addresses = '127.0.0.1'\nwal_level = replica\nmax_wal_senders = 4\n"
                   "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\n")
    server = Server(data, free_port())
    server.start()
    return server


def start_replica(primary: Server, root: Path) -> Server:
    data = root / "replica"
    # -R writes standby.signal and primary_conninfo: the copy follows the primary.
    _run([str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D",
          str(data), "-R", "-X", "stream", "--no-sync"])
    server = Server(data, free_port())
    server.start()
    return server


class Bouncer:
    """PgBouncer in transaction pooling mode in front of ``server``."""

    def __init__(self, server: Server, root: Path, database: str):
        self.port = free_port()
        ini = root / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"{database} = host=127.0.0.1 port={server.port} dbname={database}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {root / 'users.txt'}\n"
            "pool_mode = transaction\ndefault_pool_size = 4\nmax_client_conn = 100\n"
            f"logfile = {root / 'pgbouncer.log'}\n")
        (root / "users.txt").write_text('"postgres" ""\n')
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            for path in (ini, root / "users.txt"):
                os.chown(path, user.pw_uid, user.pw_gid)
        # Started as the server user directly (not through runuser): terminate() reaches it.
        self.process = subprocess.Popen([PGBOUNCER, str(ini)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        user="postgres" if os.geteuid() == 0 else None)
        wait_until(self._listening, "PgBouncer to listen")

    def _listening(self) -> bool:
        import socket

        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
