#!/usr/bin/env python3
"""Run a command against PostgreSQL: DATABASE_URL if set, else a throwaway local cluster.

    scripts/with_postgres.py -- python -m pytest

The throwaway cluster is initialised into a temporary directory (as the `postgres` user
when run as root, because initdb refuses root), listens on 127.0.0.1 and a free port with
fsync off, and is stopped by PID afterwards, also when the command fails or is interrupted.
With no PostgreSQL at hand the command is skipped (exit 0) unless REQUIRE_POSTGRES=1,
which makes that an error.
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
def throwaway_cluster(bindir: Path) -> Iterator[str]:
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
        log = open(root / "server.log", "wb")  # noqa: SIM115 - closed with the directory
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
                break
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                say((root / "server.log").read_text(errors="replace")[-2000:])
                raise RuntimeError("the throwaway PostgreSQL server did not start")
            time.sleep(0.1)
        say(f"throwaway PostgreSQL {bindir.parent.name} on 127.0.0.1:{port}")
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        stop(data, server)
        shutil.rmtree(root, ignore_errors=True)


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
        with throwaway_cluster(bindir) as url:
            return subprocess.run(
                argv, env={**os.environ, "DATABASE_URL": url}, check=False
            ).returncode
    except KeyboardInterrupt:
        say("interrupted; the server was stopped")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
