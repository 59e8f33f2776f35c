"""A throwaway PostgreSQL primary and hot standby on free loopback ports (read-replica tests,
bench/replica.py).

`initdb` and `pg_basebackup -R` into a temporary folder, each server started with `pg_ctl`,
as an unprivileged OS user when this process is root (initdb refuses root): `nobody`, the
folder handed to it. The binaries are the newest under /usr/lib/postgresql/*/bin, or
GOVGRAPH_PG_BIN. TCP on 127.0.0.1 only, trust authentication (initdb's default lines allow
replication from loopback too), no fsync: nothing here outlives the run.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NEEDED = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
RUN_AS = "nobody"
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "wal_level": "replica",
    "hot_standby": "on",
    "max_wal_senders": "5",
    "wal_keep_size": "'128MB'",
    "max_connections": "60",
    "shared_buffers": "'64MB'",
    "fsync": "off",
    "full_page_writes": "off",
    "hot_standby_feedback": "on",
    "max_standby_streaming_delay": "'30s'",
    "wal_receiver_status_interval": "'1s'",
    "log_min_messages": "warning",
}


def find_bin() -> Path | None:
    """The folder of the PostgreSQL server binaries, or None when they are not installed."""
    override = os.environ.get("GOVGRAPH_PG_BIN")
    found = [override] if override else glob.glob("/usr/lib/postgresql/*/bin")
    folders = [Path(f) for f in found if all((Path(f) / name).exists() for name in NEEDED)]
    if not folders:
        return None
    return max(folders, key=lambda f: int(f.parent.name) if f.parent.name.isdigit() else 0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """One PostgreSQL server of the cluster."""

    name: str
    data: Path
    port: int
    cluster: Cluster

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.cluster.run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.data.parent / f"{self.name}.log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.cluster.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        status = self.cluster.run("pg_ctl", "-D", str(self.data), "status", check=False)
        return status.returncode == 0


class Cluster:
    """A primary and a hot standby streaming from it, in a temporary folder of their own."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.base = Path(tempfile.mkdtemp(prefix="govgraph-pg-"))
        self.user = RUN_AS if os.geteuid() == 0 else None
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        self.primary = Server("primary", self.base / "primary", free_port(), self)
        self.standby = Server("standby", self.base / "standby", free_port(), self)

    def run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / program), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=180, cwd=self.base, check=False
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr[-2000:]}")
        return done

    def _configure(self, server: Server) -> None:
        lines = [f"{key} = {value}" for key, value in SETTINGS.items()]
        lines.append(f"port = {server.port}")
        with open(server.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# govgraph test cluster\n" + "\n".join(lines) + "\n")

    def start(self) -> Cluster:
        """initdb, start the primary, pg_basebackup -R the standby, start it, wait for it to
        stream."""
        self.run(
            "initdb", "-D", str(self.primary.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        self._configure(self.primary)
        self.primary.start()
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
            "-D", str(self.standby.data), "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip
        self._configure(self.standby)  # the primary's lines came along: its port replaced
        self.standby.start()
        return self

    def close(self) -> None:
        """Stop both servers (immediately) and remove the folder."""
        for server in (self.standby, self.primary):
            with contextlib.suppress(Exception):
                if server.running():
                    server.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


@contextlib.contextmanager
def running_cluster(bin_dir: Path) -> Iterator[Cluster]:
    """A started primary and standby, stopped and removed at the end."""
    cluster = Cluster(bin_dir)
    try:
        yield cluster.start()
    finally:
        cluster.close()


def wait_until(predicate: object, timeout: float = 20.0, every: float = 0.05) -> None:
    """Poll `predicate()` (a callable) until true; AssertionError after `timeout` seconds."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(every)
