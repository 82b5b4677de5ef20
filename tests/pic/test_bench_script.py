"""`make bench` end to end at a tiny scale (issue 11, items 1 and 4), so the script cannot
rot: a throwaway PostgreSQL cluster, gunicorn, wrk on the ceiling and one page, the wizard
and a few seconds of the locust load test; it prints its table and writes the JSON."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from with_postgres import find_bindir  # noqa: E402


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (Debian: wrk)")
@pytest.mark.skipif(find_bindir() is None, reason="no PostgreSQL server binaries")
@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs once, in the SQLite run: the bench starts a PostgreSQL cluster of its own",
)
def test_the_bench_runs_end_to_end_and_prints_its_table(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PIC_"))}
    env.pop("BENCH_DATABASE_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench.py"),
            "--scale",
            "0.001",
            "--duration",
            "1",
            "--only",
            "^directory$",
            "--load-users",
            "6",
            "--load-seconds",
            "4",
            "--json",
            str(output),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    assert "x ceiling" in done.stdout
    assert "ceiling (bare Django)" in done.stdout
    assert "whole application (wizard)" in done.stdout
    assert "load test: 6 clients" in done.stdout
    report = json.loads(output.read_text())
    pages = {row["page"]: row for row in report["pages"]}
    assert pages["ceiling (bare Django)"]["ratio"] == 1.0
    assert pages["directory"]["requests"] > 0
    assert pages["directory"]["queries"] is not None
    wizard = pages["whole application (wizard)"]
    assert wizard["errors"] == 0
    assert wizard["requests"] > 0  # applications completed
    assert report["load"]["failures"] == 0
    assert report["load"]["lost_submissions"] == 0
