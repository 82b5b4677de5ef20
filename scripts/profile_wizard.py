#!/usr/bin/env python3
"""One whole application through the wizard, in process, as `make bench`'s applicant makes
it (scripts/bench_client.py): per request, the SQL queries, the CPU milliseconds and (with
--profile) pyinstrument's top frames. For issue 11's profile (docs/scaling.md).

    DATABASE_URL=postgres://... .venv/bin/python scripts/profile_wizard.py [--runs 5]
        [--sql] [--profile] [--cprofile FILE] [--step REGEX]

--sql: each step's queries with their milliseconds; --profile: pyinstrument per step
(PROFILE_FLAT=1 for self time by function); --cprofile: cProfile stats to FILE.

Production settings as the bench serves them (DEBUG off, PIC_BENCH=1); the first run warms
the process, the figures are the median of the rest.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import bench  # noqa: E402


def busiest_facility() -> str:
    """The facility the bench's applicants apply to (bench.fixture picks it the same way)."""
    from django.db.models import Count

    from applications.models import Application, Status
    from facilities.models import FacilityKind, FacilityStatus

    return (
        Application.objects.filter(
            status__in=[Status.SUBMITTED, Status.IN_REVIEW], facility__status=FacilityStatus.OPEN
        )
        .exclude(facility__kind=FacilityKind.CENTRAL_OFFICE)
        .values("facility__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("facility__code", flat=True)
        .first()
    ) or sys.exit("no open application: seed the database first")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="pyinstrument per step")
    parser.add_argument("--sql", action="store_true", help="print each step's SQL")
    parser.add_argument("--cprofile", help="write cProfile stats of the measured runs here")
    parser.add_argument("--step", help="profile only the steps matching this regex")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or sys.exit("DATABASE_URL, please")
    os.environ.update(bench.production_env(database_url, ROOT / "var" / "bench-media"))
    os.environ.setdefault("PIC_REQUEST_LOG", "0")
    import django

    django.setup()
    bench.collect_static()
    from bench_client import CSRF, SLUGS
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    code = os.environ.get("PROFILE_FACILITY") or busiest_facility()
    per_step: dict[str, list[tuple[int, float]]] = defaultdict(list)
    sql: dict[str, Counter[str]] = defaultdict(Counter)
    sql_ms: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    profiles: dict[str, Any] = {}
    profiler_class = None
    if args.profile:
        from pyinstrument import Profiler

        profiler_class = Profiler
    import cProfile

    whole = cProfile.Profile() if args.cprofile else None
    client = Client(HTTP_HOST="127.0.0.1")
    for run in range(args.runs):
        cookie, answers = bench.applicants(1)[0]
        client.cookies.clear()  # one client: its handler (the middleware) is built once
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie

        def step(
            name: str, method: str, path: str, data: dict[str, str] | None = None, run: int = run
        ) -> Any:
            chosen = run and (not args.step or re.search(args.step, name))
            profiler = profiler_class(interval=0.0005) if profiler_class and chosen else None
            traced = whole if chosen else None
            if traced:
                traced.enable()
            with CaptureQueriesContext(connection) as captured:
                cpu = time.process_time()
                if profiler:
                    profiler.start()
                if method == "get":
                    response = client.get(path)
                else:
                    response = client.post(path, data, HTTP_REFERER="http://127.0.0.1" + path)
                if profiler:
                    profiler.stop()
                cpu = (time.process_time() - cpu) * 1000
            if traced:
                traced.disable()
            expected = 200 if method == "get" else 302
            if response.status_code != expected:
                raise SystemExit(f"{method} {path}: {response.status_code}")
            if run:
                per_step[name].append((len(captured), cpu))
                for query in captured.captured_queries:
                    text = re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"])[:240]
                    sql[name][text] += 1
                    sql_ms[name][text] += float(query["time"]) * 1000
                if profiler:
                    profiles.setdefault(name, []).append(profiler)
            return response

        def token(response: Any) -> str:
            found = CSRF.search(response.content.decode())
            assert found is not None, "no CSRF token on the page"
            return found.group(1)

        page = step("GET apply", "get", f"/account/apply/?facility={code}&kind=volunteer")
        response = step(
            "POST apply",
            "post",
            "/account/apply/",
            {"facility": code, "kind": "volunteer", "csrfmiddlewaretoken": token(page)},
        )
        path = response["Location"]
        for slug in SLUGS:
            assert path.endswith(f"/{slug}/"), (slug, path)
            page = step(f"GET {slug}", "get", path)
            data = {**answers.get(slug, {}), "action": "continue"}
            response = step(
                f"POST {slug}", "post", path, {**data, "csrfmiddlewaretoken": token(page)}
            )
            path = response["Location"]
        assert path.endswith("/review/"), path
        page = step("GET review", "get", path)
        step("POST submit", "post", path, {"csrfmiddlewaretoken": token(page)})

    if whole:
        whole.dump_stats(args.cprofile)
    total_q = total_ms = 0.0
    print(f"{'step':<28}{'queries':>8}{'cpu ms':>9}")
    for name, figures in per_step.items():
        queries = statistics.median(f[0] for f in figures)
        ms = statistics.median(f[1] for f in figures)
        total_q += queries
        total_ms += ms
        print(f"{name:<28}{queries:>8.0f}{ms:>9.1f}")
    print(f"{'whole application':<28}{total_q:>8.0f}{total_ms:>9.1f}")
    if args.sql:
        runs = max(1, args.runs - 1)
        for name, counted in sql.items():
            print(f"\n== {name}")
            for text, n in counted.most_common():
                print(f"  {n / runs:4.1f} {sql_ms[name][text] / runs:6.1f} ms  {text}")
    for name, found in profiles.items():
        print(f"\n== {name}")
        print(
            found[-1].output_text(
                unicode=False,
                color=False,
                show_all=bool(os.environ.get("PROFILE_ALL")),
                flat=bool(os.environ.get("PROFILE_FLAT")),
                processor_options={"filter_threshold": 0.02},
            )[:20000]
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
