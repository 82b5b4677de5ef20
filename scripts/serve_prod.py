#!/usr/bin/env python3
"""Serve PIC Portal on one box: gunicorn and the task worker, with production settings.

    .venv/bin/python scripts/serve_prod.py            (what `make serve-prod` runs)

Reads `.env` the way the settings do (the real environment wins), refuses a configuration
with DJANGO_DEBUG on or a required secret missing, collects the static files (whitenoise
serves them compressed, under hashed names), migrates, then runs `gunicorn -c
gunicorn.conf.py` and `manage.py db_worker` side by side. Ctrl+C (or SIGTERM from a service
manager) stops both; when either one exits on its own the other is stopped too, so the box
is never left serving pages whose e-mails nobody sends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def say(message: str) -> None:
    print(f"[serve-prod] {message}", file=sys.stderr, flush=True)


def load_production_settings() -> None:
    """Put `.env` into os.environ (as pic/settings.py does) and check the result starts."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pic.settings")
    from django.conf import settings

    if settings.DEBUG:  # importing the settings read .env and refused missing secrets
        raise SystemExit("[serve-prod] DJANGO_DEBUG is on: serve-prod runs production settings.")


def prepare() -> None:
    manage = [PYTHON, str(ROOT / "manage.py")]
    for step in (
        ["collectstatic", "--no-input", "--verbosity", "0"],
        ["migrate", "--no-input", "--verbosity", "1"],
        ["createcachetable"],
    ):
        subprocess.run([*manage, *step], cwd=ROOT, check=True)


def commands() -> list[list[str]]:
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    return [
        [gunicorn, "-c", str(ROOT / "gunicorn.conf.py")],
        [PYTHON, str(ROOT / "manage.py"), "db_worker", "--no-reload", "--queue-name", "*"],
    ]


def supervise(argvs: Sequence[Sequence[str]], *, grace: float = 30.0) -> int:
    """Run every command; when one exits or a signal arrives, stop the rest (SIGTERM, then
    SIGKILL after `grace` seconds). Return the first exit status (130 on Ctrl+C)."""
    # Each child in a session of its own: the terminal's Ctrl+C reaches only this process,
    # which then stops the children in order instead of all at once.
    children = [subprocess.Popen(list(argv), cwd=ROOT, start_new_session=True) for argv in argvs]
    names = {child.pid: Path(argv[0]).name for child, argv in zip(children, argvs, strict=True)}
    stopping: list[int] = []

    def on_signal(signum: int, frame: object) -> None:
        stopping.append(128 + signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    status = 0
    try:
        while not stopping:
            finished = [child for child in children if child.poll() is not None]
            if finished:
                status = finished[0].returncode
                say(f"{names[finished[0].pid]} exited ({status}); stopping the rest")
                break
            time.sleep(0.2)
        else:
            status = stopping[0]
            say("stopping")
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + grace
        for child in children:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status


def main() -> int:
    load_production_settings()
    prepare()
    return supervise(commands())


if __name__ == "__main__":
    sys.exit(main())
