#!/usr/bin/env python3
"""Run a command against PostgreSQL: DATABASE_URL if set, else a throwaway local cluster.

    scripts/with_postgres.py -- python -m pytest

The throwaway cluster is initialised into a temporary directory (as the `postgres` user
when run as root, because initdb refuses root), listens on 127.0.0.1 and a free port with
fsync off, and is stopped by PID afterwards, also when the command fails or is interrupted.
With no PostgreSQL at hand the command is skipped (exit 0) unless REQUIRE_POSTGRES=1,
which makes that an error.

Beside the throwaway primary it starts a hot standby streaming from it (`pg_basebackup -R`)
and passes its address as DATABASE_REPLICA_URL, so the report pages' read replica is tested
against real replication (tests/pic/test_replica.py). PIC_PG_REPLICA=0 leaves it out.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def say(message: str) -> None:
    print(f"[with_postgres] {message}", file=sys.stderr, flush=True)


def find_bindir() -> Path | None:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_cluster_owner(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


@contextlib.contextmanager
def throwaway_cluster(bindir: Path) -> Iterator[tuple[Path, int]]:
    root = Path(tempfile.mkdtemp(prefix="pic-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
    root.chmod(0o700)
    server: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            as_cluster_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale",
                    "C",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        server = start_server(bindir, root, data, port, "server.log")
        say(f"throwaway PostgreSQL {bindir.parent.name} on 127.0.0.1:{port}")
        yield root, port
    finally:
        stop(data, server)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def standby_of(bindir: Path, root: Path, primary_port: int) -> Iterator[int]:
    """A hot standby of the primary on `primary_port`, streaming from it; yields its port.

    initdb's default pg_hba.conf (trust) already admits replication from 127.0.0.1, and
    PostgreSQL 15 defaults to wal_level=replica with WAL senders to spare.
    """
    data = root / "standby"
    server: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            as_cluster_owner(
                [
                    str(bindir / "pg_basebackup"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(primary_port),
                    "-U",
                    "postgres",
                    "-D",
                    str(data),
                    "-R",  # standby.signal and primary_conninfo: start as a streaming standby
                    "-X",
                    "stream",
                    "--no-sync",
                    "-c",
                    "fast",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        server = start_server(bindir, root, data, port, "standby.log", "-c", "hot_standby=on")
        say(f"hot standby on 127.0.0.1:{port}")
        yield port
    finally:
        stop(data, server)


def start_server(
    bindir: Path, root: Path, data: Path, port: int, log_name: str, *extra: str
) -> subprocess.Popen[bytes]:
    """Start a postgres on `data` and wait until it accepts connections."""
    log = open(root / log_name, "wb")  # noqa: SIM115 - closed with the directory
    server = subprocess.Popen(
        as_cluster_owner(
            [
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-k",
                str(root),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=60",
                *extra,
            ]
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        ready = subprocess.run(
            [str(bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)],
            check=False,
        )
        if ready.returncode == 0:
            return server
        if server.poll() is not None or time.monotonic() > deadline:
            log.flush()
            say((root / log_name).read_text(errors="replace")[-2000:])
            server.kill()
            raise RuntimeError(f"the throwaway PostgreSQL server ({log_name}) did not start")
        time.sleep(0.1)


def stop(data: Path, server: subprocess.Popen[bytes] | None) -> None:
    pidfile = data / "postmaster.pid"
    if pidfile.exists():
        with contextlib.suppress(ValueError, OSError, ProcessLookupError):
            os.kill(int(pidfile.read_text().splitlines()[0]), signal.SIGINT)  # fast shutdown
        deadline = time.monotonic() + 30
        while pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        if pidfile.exists():
            with contextlib.suppress(ValueError, OSError, ProcessLookupError):
                os.kill(int(pidfile.read_text().splitlines()[0]), signal.SIGKILL)
    if server is not None:
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        say("usage: with_postgres.py -- COMMAND [ARGS...]")
        return 2
    required = os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0")
    if os.environ.get("DATABASE_URL"):
        say("using DATABASE_URL")
        return subprocess.run(argv, check=False).returncode
    bindir = find_bindir()
    if bindir is None:
        message = "no PostgreSQL server binaries found (install postgresql, or set DATABASE_URL)"
        if required:
            say(f"ERROR: {message}; REQUIRE_POSTGRES=1")
            return 1
        say(f"SKIPPED the PostgreSQL run: {message}")
        return 0

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        with contextlib.ExitStack() as stack:
            root, port = stack.enter_context(throwaway_cluster(bindir))
            env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/postgres"}
            if os.environ.get("PIC_PG_REPLICA", "1") not in ("", "0"):
                standby = stack.enter_context(standby_of(bindir, root, port))
                env["DATABASE_REPLICA_URL"] = f"postgres://postgres@127.0.0.1:{standby}/postgres"
            return subprocess.run(argv, env=env, check=False).returncode
    except KeyboardInterrupt:
        say("interrupted; the server was stopped")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
