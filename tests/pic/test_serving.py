"""Production serving (issue 11, item 3): gunicorn's configuration loads and sizes itself
from the CPUs; serve-prod refuses development settings and runs gunicorn and the worker
as one unit (one exiting stops the other; Ctrl+C stops both)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gunicorn.app.base import Application

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import serve_prod  # noqa: E402


class ConfigOnly(Application):
    """gunicorn's own loading and validation of gunicorn.conf.py, without serving."""

    def init(self, parser: object, opts: object, args: object) -> None:
        return None

    def load_config(self) -> None:
        self.load_config_from_file(str(ROOT / "gunicorn.conf.py"))

    def load(self) -> None:
        raise AssertionError("not served")


def test_the_gunicorn_configuration_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    cfg = ConfigOnly().cfg
    assert cfg.workers == 2 * len(os.sched_getaffinity(0)) + 1
    assert cfg.worker_class_str == "sync"
    assert cfg.timeout == 60
    assert cfg.accesslog is None  # the proxy keeps the access log
    assert cfg.wsgi_app == "pic.wsgi:application"
    assert cfg.max_requests > 0


def test_the_environment_overrides_the_gunicorn_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PIC_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("PIC_ACCESS_LOG", "-")
    cfg = ConfigOnly().cfg
    assert cfg.workers == 3
    assert cfg.bind == ["0.0.0.0:9000"]
    assert cfg.accesslog == "-"


def test_serve_prod_refuses_development_settings() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "serve_prod.py")],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1", "PIC_SKIP_DOTENV": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "DJANGO_DEBUG is on" in done.stderr


def test_serve_prod_runs_gunicorn_and_the_worker() -> None:
    gunicorn, worker = serve_prod.commands()
    assert gunicorn[-2:] == ["-c", str(ROOT / "gunicorn.conf.py")]
    assert Path(gunicorn[0]).name == "gunicorn"
    assert "db_worker" in worker


def _sleeper(folder: Path) -> list[str]:
    mark = f"open(os.path.join({str(folder)!r}, str(os.getpid())), 'w')"
    code = f"import os, time; {mark}; time.sleep(60)"
    return [sys.executable, "-c", code]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_when_one_process_exits_the_other_is_stopped(tmp_path: Path) -> None:
    started = time.monotonic()
    status = serve_prod.supervise(
        [
            _sleeper(tmp_path),
            [sys.executable, "-c", "import time, sys; time.sleep(1); sys.exit(3)"],
        ],
        grace=10,
    )
    assert status == 3
    assert time.monotonic() - started < 30
    pids = [int(p.name) for p in tmp_path.iterdir()]
    assert len(pids) == 1
    assert not _alive(pids[0])


def test_ctrl_c_stops_both(tmp_path: Path) -> None:
    code = (
        "import sys; sys.path.insert(0, 'scripts'); import serve_prod; "
        f"sys.exit(serve_prod.supervise([{_sleeper(tmp_path)!r}] * 2, grace=10))"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.monotonic() + 30
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    pids = [int(p.name) for p in tmp_path.iterdir()]
    assert len(pids) == 2
    parent.send_signal(signal.SIGINT)
    assert parent.wait(timeout=30) == 128 + signal.SIGINT
    assert not any(_alive(pid) for pid in pids)
