#!/usr/bin/env python3
"""`make bench`: every busy page's latency on PostgreSQL at scale, as a multiple of bare Django.

    .venv/bin/python scripts/bench.py [--scale 1] [--duration 5] [--no-load] [--json var/bench.json]

1. PostgreSQL: BENCH_DATABASE_URL (an already seeded database, reused as it is), or a
   throwaway cluster started as scripts/with_postgres.py starts one for the tests.
2. migrate, load_facilities, `seed_bench --scale S` (1 = 100,000 applications, 1,000,000
   hour entries; skipped when the database already holds bench data); bench users (an IAC
   of the busiest facility, the PIC Coordinator, applicants) signed in, with their cookies.
3. gunicorn with production settings (DEBUG off, 2 sync workers, gunicorn.conf.py) and the
   task worker, with PIC_BENCH=1: the ceiling view at /bench/ceiling/ is routed, the rate
   limits are lifted, and each response says how many SQL queries it ran.
4. wrk (2 threads x 8 connections, --duration seconds) on each page: median, p95, requests
   a second, the ratio of the median to the ceiling's, and the page's query count.
5. A whole application through the wizard, 8 applicants at once (applications a second).
6. The load test (--load, on by default): locust, 200 clients for 60 seconds over a mixed
   workload; zero errors and every submission counted back in the database.

One table on stdout, the same figures as JSON (--json). The load generators run on the
same cores as the server: their CPU time is reported beside each throughput figure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
sys.path[:0] = [str(ROOT), str(SCRIPTS)]

import bench_client  # noqa: E402
from with_postgres import find_bindir, throwaway_cluster  # noqa: E402

# Fixed, bench-only keys: a database seeded by one run decrypts in the next
# (BENCH_DATABASE_URL). Never a production value.
BENCH_ENV = {
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefghijkl",
    "PIC_FIELD_ENCRYPTION_KEYS": "YmVuY2gtb25seS1mZXJuZXQta2V5LTAxMjM0NTY3ODk=",
    "PIC_IDENTIFIER_HASH_KEY": "bench-only-identifier-hash-key",
}
APPLICANT_DOMAIN = "applicants.bench.example.invalid"
WRK_SCRIPT = SCRIPTS / "bench_wrk.lua"
LOCUSTFILE = SCRIPTS / "bench_locust.py"


STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:5.0f}s] {message}", file=sys.stderr, flush=True)


@dataclass
class Row:
    page: str
    path: str
    median_ms: float = 0.0
    p95_ms: float = 0.0
    rps: float = 0.0
    ratio: float | None = None
    queries: int | None = None
    requests: int = 0
    errors: int = 0
    client_cpu_s: float = 0.0
    server_cpu_s: float = 0.0
    wall_s: float = 0.0
    note: str = ""


@dataclass
class Fixture:
    facility: str
    cookie_name: str
    iac: str
    pic: str
    pages: list[tuple[str, str, str]] = field(default_factory=list)  # name, path, who
    applicants: list[tuple[str, dict[str, dict[str, str]]]] = field(default_factory=list)
    kiosk_token: str = ""
    badges: list[str] = field(default_factory=list)


# Setting up ------------------------------------------------------------------------------


def production_env(database_url: str, media: Path) -> dict[str, str]:
    """What gunicorn, the worker and this process run with: production settings, loopback."""
    return {
        **{name: os.environ.get(name) or value for name, value in BENCH_ENV.items()},
        "DJANGO_SETTINGS_MODULE": "pic.settings",
        "PIC_SKIP_DOTENV": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": database_url,
        "PIC_BENCH": "1",
        # Plain HTTP on loopback: no redirect to HTTPS (HSTS and Secure cookies stay on).
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PIC_MEDIA_ROOT": str(media),
        "PIC_TASKS_IMMEDIATE": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def prepare_database(scale: float) -> None:
    import io

    from django.core.management import call_command

    from applications.models import Application
    from reports.bench import BENCH_DOMAIN

    say("migrating and collecting the static files")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    collect_static()
    call_command("load_facilities", stdout=io.StringIO())
    if Application.objects.filter(person__email__endswith=f"@{BENCH_DOMAIN}").exists():
        say("the database already holds bench data: not seeding again")
        return
    say(f"seeding at scale {scale} (at 1 this takes several minutes)")
    started = time.monotonic()
    call_command("seed_bench", scale=scale, stdout=io.StringIO())
    say(f"seeded in {time.monotonic() - started:.0f} s")


def collect_static() -> None:
    """Production storage (whitenoise's manifest of hashed, compressed files); compressing
    takes a while, so not again while the manifest is newer than every source file."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = 0.0
    for finder in get_finders():
        for path, storage in finder.list([]):
            newest = max(newest, os.path.getmtime(storage.path(path)))
    if manifest.exists() and manifest.stat().st_mtime > newest:
        return
    call_command("collectstatic", verbosity=0, interactive=False)


def _signed_in(user: Any) -> str:
    """A session cookie past both sign-in steps (MFA is on with DEBUG off)."""
    from django.conf import settings
    from django.test import Client

    from accounts.mfa import sign_in_past_both_steps

    client = Client()
    sign_in_past_both_steps(client, user)  # the real login(): session, auth hash, signals
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _ssn(rng: random.Random) -> str:
    return f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"


def applicants(count: int) -> list[tuple[str, dict[str, dict[str, str]]]]:
    """`count` new applicants, signed in, each with the answers of a complete application."""
    from django.db import transaction

    rng = random.Random()  # noqa: S311 - names for bench rows, not secrets
    run = f"{int(time.time()):x}{rng.randint(0, 0xFFF):03x}"
    with transaction.atomic():  # one commit, not three per applicant
        return [_applicant(rng, f"a{run}-{n}") for n in range(count)]


def _applicant(rng: random.Random, name: str) -> tuple[str, dict[str, dict[str, str]]]:
    from accounts.models import User
    from applications.samples import sample_answers

    email = f"{name}@{APPLICANT_DOMAIN}"
    user = User.objects.create_user(email=email)
    answers = sample_answers("volunteer", first="Load", last=f"Bench-{name}")
    answers["identity"] = {**answers["identity"], "email": email, "ssn": _ssn(rng)}
    return _signed_in(user), answers


def fixture(applicant_count: int) -> Fixture:
    """The bench's users and the objects its pages show, picked from the seeded data."""
    from django.conf import settings
    from django.db.models import Count

    from applications.models import Application, Status
    from facilities.models import Facility, FacilityKind, FacilityStatus, Role
    from facilities.services import assign_coordinator, make_pic_coordinator
    from reports.bench import BENCH_DOMAIN
    from reports.queries import PAGES
    from volunteers import kiosk
    from volunteers.models import AccessStatus, FacilityAccess

    # The open facility with the most open applications (the seed weighs facilities by the
    # people they serve, so it has about the longest roster too); the wizard applies there.
    busiest = (
        Application.objects.filter(
            status__in=[Status.SUBMITTED, Status.IN_REVIEW], facility__status=FacilityStatus.OPEN
        )
        .exclude(facility__kind=FacilityKind.CENTRAL_OFFICE)  # applications go elsewhere
        .values("facility_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("facility_id", flat=True)
        .first()
    )
    if busiest is None:
        raise SystemExit("[bench] no open application in the database: seed it first")
    facility = Facility.objects.get(pk=busiest)
    iac = _staff(f"bench-iac@{BENCH_DOMAIN}")
    if not iac.memberships.filter(facility=facility).exists():
        assign_coordinator(by="bench", user=iac, facility=facility, role=Role.IAC)
    pic = _staff(f"bench-pic@{BENCH_DOMAIN}")
    make_pic_coordinator(by="bench", user=pic)
    found = (
        Application.objects.filter(
            facility=facility,
            status__in=[Status.SUBMITTED, Status.IN_REVIEW],
            person__email__endswith=f"@{BENCH_DOMAIN}",  # seeded, not one an earlier run added
        )
        .exclude(reference=None)
        .select_related("person")
        .order_by("-submitted_at")
        .first()
    )
    assert found is not None
    ref, last = found.reference, found.person.last_name
    code = facility.code
    staff = f"/staff/applications/{ref}/"
    fix = Fixture(
        facility=code,
        cookie_name=settings.SESSION_COOKIE_NAME,
        iac=_signed_in(iac),
        pic=_signed_in(pic),
    )
    fix.pages = [
        ("ceiling (bare Django)", "/bench/ceiling/", ""),
        ("directory", "/facilities/", ""),
        ("facility page", f"/facilities/{code}/", ""),
        ("queue, IAC", "/staff/", "iac"),
        ("queue, IAC, filtered", "/staff/?status=in_review&kind=volunteer", "iac"),
        ("queue, IAC, search", f"/staff/?q={last}", "iac"),
        ("queue, PIC", "/staff/", "pic"),
        ("queue, PIC, filtered", "/staff/?status=submitted&kind=volunteer&sort=newest", "pic"),
        ("queue, PIC, search", f"/staff/?q={last}", "pic"),
        ("application detail", staff, "iac"),
        ("person page", f"/staff/people/{found.person.public_id}/", "iac"),
        ("roster", f"/staff/facilities/{code}/roster/", "iac"),
        ("clearance list", f"/staff/facilities/{code}/clearance/", "iac"),
        *[
            (
                f"report: {slug}",
                "/staff/reports/" if slug == "overview" else f"/staff/reports/{slug}/",
                "pic",
            )
            for slug in PAGES
        ],
        ("report: audit log", "/staff/reports/audit/", "pic"),
        ("filled application PDF", f"{staff}pdf/", "iac"),
    ]
    fix.applicants = applicants(applicant_count)
    _device, fix.kiosk_token = kiosk.enrol_device(facility=facility, name="Bench", by=iac)
    today = time.strftime("%Y-%m-%d")
    fix.badges = [
        badge
        for badge in FacilityAccess.objects.filter(
            facility=facility, status=AccessStatus.ACTIVE, starts_on__lte=today
        )
        .exclude(badge_number="")
        .exclude(expires_on__lt=today)
        .values_list("badge_number", flat=True)[:200]
        if badge
    ]
    return fix


def _staff(email: str) -> Any:
    import secrets

    from accounts.models import User

    user, created = User.objects.get_or_create(email=email)
    if created or not user.has_usable_password():
        user.set_password(secrets.token_urlsafe(32))  # never typed: the bench signs in by session
        user.save()
    return user


# Serving ---------------------------------------------------------------------------------


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, workers: int, log: Path) -> Iterator[list[int]]:
    """gunicorn (production settings, `workers` sync workers) and the task worker, stopped
    by PID afterwards. Yields the PIDs to count server CPU time from."""
    venv_bin = Path(sys.executable).parent
    out = open(log, "ab")  # noqa: SIM115 - closed below
    web = subprocess.Popen(
        [
            str(venv_bin / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            # Workers that restart mid-run take their CPU time with them (server_cpu reads
            # live processes), so none is recycled during a bench.
            "--max-requests",
            "0",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5),
            ):
                break
            if web.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"[bench] gunicorn did not start; see {log}")
            time.sleep(0.2)
        say(f"gunicorn ({workers} sync workers) and the task worker on 127.0.0.1:{port}")
        yield [web.pid, worker.pid]
    finally:
        for process in (web, worker):
            if process.poll() is None:
                process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        out.close()


def server_cpu(pids: list[int]) -> float:
    """CPU seconds used so far by the server processes and their children (the workers)."""
    import psutil

    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid)
            for each in [process, *process.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = each.cpu_times()
                    total += times.user + times.system
    return total


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# Measuring -------------------------------------------------------------------------------


def probe(base: str, path: str, cookie: str) -> tuple[int, int]:
    """One request as wrk will send it: its status and its query count (after a warm-up)."""
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - loopback http
    status, count = 0, 0
    for _attempt in range(2):  # the first warms caches and the worker's connection
        try:
            with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - loopback
                response.read()
                status, count = response.status, int(response.headers.get("X-Bench-Queries", 0))
        except urllib.error.HTTPError as exc:
            status = exc.code
    return status, count


def wrk(base: str, row: Row, cookie: str, duration: int, pids: list[int]) -> None:
    command = ["wrk", "-t2", "-c8", f"-d{duration}s", "--timeout", "60s", "-s", str(WRK_SCRIPT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    before_client, before_server = children_cpu(), server_cpu(pids)
    started = time.monotonic()
    done = subprocess.run([*command, base + row.path], capture_output=True, text=True, check=False)
    row.wall_s = time.monotonic() - started
    row.client_cpu_s = children_cpu() - before_client
    row.server_cpu_s = server_cpu(pids) - before_server
    found = re.search(r"^BENCH (\{.*\})$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"[bench] wrk failed on {row.path}: {done.stdout}{done.stderr}")
    figures = json.loads(found.group(1))
    row.median_ms = figures["p50"] / 1000
    row.p95_ms = figures["p95"] / 1000
    row.requests = figures["requests"]
    row.rps = figures["requests"] / (figures["duration"] / 1e6)
    row.errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))


# A page so slow that wrk finished fewer requests than this in its time is timed again one
# request at a time (its median then has no queueing in it; the note says so).
MIN_SAMPLES = 8
ONE_AT_A_TIME = "wrk finished under"


def sequential(base: str, row: Row, cookie: str, pids: list[int], count: int = 3) -> None:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(base + row.path, headers=headers)  # noqa: S310 - loopback http
    times = []
    before_server = server_cpu(pids)
    drain(base)  # the requests wrk left queued are still being answered
    for _n in range(count):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - loopback http
                response.read()
        except OSError as exc:
            row.errors += 1
            row.note = f"one at a time: {exc}"
            return
        times.append(time.perf_counter() - started)
    row.server_cpu_s, row.requests = server_cpu(pids) - before_server, count
    row.median_ms, row.p95_ms = statistics.median(times) * 1000, max(times) * 1000
    row.note = (
        f"{ONE_AT_A_TIME} {MIN_SAMPLES}: median and max of {count} requests, one at a time "
        "(x ceiling against the ceiling timed the same way)"
    )


def drain(base: str) -> None:
    """Wait until the server has answered what wrk left in its queue (a health check goes
    through the same two workers, so it answers once they are free)."""
    for _n in range(3):
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(base + "/healthz", timeout=600),  # noqa: S310 - loopback
        ):
            return


def measure_pages(base: str, fix: Fixture, duration: int, pids: list[int], only: str) -> list[Row]:
    cookies = {
        "": "",
        "iac": f"{fix.cookie_name}={fix.iac}",
        "pic": f"{fix.cookie_name}={fix.pic}",
    }
    rows = []
    for name, path, who in fix.pages:
        if only and not re.search(only, name) and not name.startswith("ceiling"):
            continue
        row = Row(page=name, path=path)
        status, row.queries = probe(base, path, cookies[who])
        if status != 200:
            raise SystemExit(f"[bench] {path} answered {status} to the bench's {who or 'visitor'}")
        say(f"wrk {duration}s  {name}  {path}")
        wrk(base, row, cookies[who], duration, pids)
        if row.requests < MIN_SAMPLES:
            sequential(base, row, cookies[who], pids)
        rows.append(row)
    ceiling = rows[0].median_ms
    # A page timed one request at a time is compared with the ceiling timed the same way
    # (wrk's median holds the queueing of 8 connections on 2 workers; these have none).
    alone = Row(page=rows[0].page, path=rows[0].path)
    if any(row.note.startswith(ONE_AT_A_TIME) for row in rows):
        sequential(base, alone, "", pids, count=10)
    for row in rows:
        base_ms = alone.median_ms if row.note.startswith(ONE_AT_A_TIME) else ceiling
        row.ratio = row.median_ms / base_ms if base_ms else None
    return rows


def measure_wizard(
    base: str, fix: Fixture, duration: int, pids: list[int], concurrency: int = 8
) -> tuple[Row, list[str]]:
    """Whole applications through the wizard, `concurrency` applicants at once for
    `duration` seconds: each one's time, applications a second, the SQL of one."""
    pool: queue.Queue[tuple[str, dict[str, dict[str, str]]]] = queue.Queue()
    for applicant in fix.applicants:
        pool.put(applicant)
    times: list[float] = []
    submitted: list[str] = []
    failures: list[str] = []
    query_counts: list[int] = []
    stop = time.monotonic() + duration
    lock = threading.Lock()

    def run() -> None:
        while time.monotonic() < stop:
            try:
                cookie, answers = pool.get_nowait()
            except queue.Empty:
                return
            client = bench_client.session(base, {fix.cookie_name: cookie})
            started = time.perf_counter()
            try:
                detail, _made, ran = bench_client.apply(
                    client, base, facility=fix.facility, answers=answers
                )
            except (bench_client.WizardError, OSError) as exc:
                with lock:
                    failures.append(str(exc))
                continue
            with lock:
                times.append(time.perf_counter() - started)
                submitted.append(detail)
                query_counts.append(ran)

    before_cpu, before_server = time.process_time(), server_cpu(pids)
    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(times) or [0.0]
    row = Row(
        page="whole application (wizard)",
        path="/account/apply/ ... submit",
        median_ms=statistics.median(ordered) * 1000,
        p95_ms=ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000,
        rps=len(times) / elapsed,
        queries=query_counts[0] if query_counts else None,
        requests=len(times),
        errors=len(failures),
        client_cpu_s=time.process_time() - before_cpu,
        server_cpu_s=server_cpu(pids) - before_server,
        wall_s=elapsed,
        note="req/s is applications a second; queries are the whole application's",
    )
    if pool.empty() and time.monotonic() < stop:
        row.note += "; the applicants ran out before the time did"
    for failure in failures[:5]:
        say(f"wizard failure: {failure}")
    return row, submitted


def count_submitted(paths: list[str]) -> int:
    from applications.models import Application, Status

    ids = [p.rstrip("/").rsplit("/", 1)[-1] for p in paths]
    return Application.objects.filter(public_id__in=ids).exclude(status=Status.DRAFT).count()


def load_test(
    base: str, fix: Fixture, users: int, seconds: int, folder: Path, pids: list[int]
) -> dict[str, Any]:
    """locust headless: `users` clients for `seconds` over the mixed workload."""
    config = folder / "load.json"
    results = folder / "load-results.json"
    config.write_text(
        json.dumps(
            {
                "cookie_name": fix.cookie_name,
                "iac": fix.iac,
                "pic": fix.pic,
                "facility": fix.facility,
                "pages": fix.pages,
                "applicants": fix.applicants,
                "kiosk_token": fix.kiosk_token,
                "badges": fix.badges,
                "results": str(results),
            }
        )
    )
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 5)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "30",
        "--only-summary",
        "--json",
        "--loglevel",
        "WARNING",
    ]
    say(f"load test: locust, {users} clients for {seconds} s")
    before_client, before_server = children_cpu(), server_cpu(pids)
    started = time.monotonic()
    done = subprocess.run(
        command,
        env={**os.environ, "BENCH_LOAD_CONFIG": str(config)},
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    try:
        stats = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"[bench] locust printed no figures: {done.stderr[-3000:]}") from exc
    # No results file: locust never reached its end, so nothing it saw can be trusted.
    seen = json.loads(results.read_text()) if results.exists() else {"submitted": [], "raised": 1}
    by_name: dict[str, dict[str, Any]] = {}
    for entry in stats:
        name = entry["name"]
        total = by_name.setdefault(name, {"requests": 0, "failures": 0, "ms": 0.0})
        total["requests"] += entry["num_requests"]
        total["failures"] += entry["num_failures"]
        total["ms"] += entry["total_response_time"]
    requests_made = sum(v["requests"] for v in by_name.values())
    failures = sum(v["failures"] for v in by_name.values()) + seen["raised"]
    submitted = seen["submitted"]
    in_database = count_submitted(submitted)
    for line in done.stderr.splitlines()[-15:]:
        if "Error" in line or "error" in line:
            say(f"locust: {line}")
    return {
        "users": users,
        "seconds": seconds,
        "requests": requests_made,
        "failures": failures,
        "rps": requests_made / seconds,
        "mean_ms": sum(v["ms"] for v in by_name.values()) / max(1, requests_made),
        "submits_seen": len(submitted),
        "submits_in_database": in_database,
        "lost_submissions": len(submitted) - in_database,
        "wall_s": elapsed,
        "client_cpu_s": children_cpu() - before_client,
        "server_cpu_s": server_cpu(pids) - before_server,
        "by_name": by_name,
        "exit": done.returncode,
    }


# Reporting -------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    lines = [
        f"{'page':<30}{'median ms':>11}{'p95 ms':>10}{'req/s':>9}{'x ceiling':>11}{'queries':>9}"
        f"{'cpu ms':>9}",
        "-" * 89,
    ]
    for row in rows:
        ratio = f"{row.ratio:.1f}" if row.ratio is not None else "-"
        count = str(row.queries) if row.queries is not None else "-"
        errors = f"  ({row.errors} errors)" if row.errors else ""
        cpu = f"{1000 * row.server_cpu_s / row.requests:.0f}" if row.requests else "-"
        lines.append(
            f"{row.page:<30}{row.median_ms:>11.1f}{row.p95_ms:>10.1f}{row.rps:>9.1f}"
            f"{ratio:>11}{count:>9}{cpu:>9}{errors}{'  *' if row.note else ''}"
        )
    notes = [f"  * {row.page}: {row.note}" for row in rows if row.note]
    lines += ["", *notes] if notes else []
    return "\n".join(lines)


def cpu_share(client: float, server: float, wall: float) -> str:
    cores = len(os.sched_getaffinity(0))
    return (
        f"load generator {100 * client / (wall * cores):.0f}% and server "
        f"{100 * server / (wall * cores):.0f}% of {cores} cores"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="seed_bench's scale (1 = 100k)")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--load", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--load-users", type=int, default=200)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--only", default="", help="a regular expression: time only these pages")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench.json")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        say("wrk is not installed (Debian: apt-get install wrk; scripts/system-packages.sh bench)")
        return 1
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pic-bench-")))
        url = os.environ.get("BENCH_DATABASE_URL", "")
        if url:
            say("using BENCH_DATABASE_URL")
        else:
            bindir = find_bindir()
            if bindir is None:
                say("no PostgreSQL server binaries (install postgresql, or set BENCH_DATABASE_URL)")
                return 1
            _root, port = stack.enter_context(throwaway_cluster(bindir))
            url = f"postgres://postgres@127.0.0.1:{port}/postgres"
        env = {**os.environ, **production_env(url, folder / "media")}
        os.environ.update(env)
        import django

        django.setup()
        prepare_database(args.scale)
        wizard_pool = 16 + 12 * args.duration
        load_pool = 2 * args.load_users if args.load else 0
        say(f"signing in the bench users and {wizard_pool + load_pool} applicants")
        fix = fixture(wizard_pool + load_pool)
        load_applicants = fix.applicants[wizard_pool:]
        fix.applicants = fix.applicants[:wizard_pool]
        from django.db import connections

        connections.close_all()  # the server gets the database to itself
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = ROOT / "var" / "bench-server.log"
        log.parent.mkdir(exist_ok=True)
        load: dict[str, Any] | None = None
        with serving(env, port, args.workers, log) as pids:
            rows = measure_pages(base, fix, args.duration, pids, args.only)
            say(f"the wizard: 8 applicants at once for {args.duration} s")
            wizard, submitted = measure_wizard(base, fix, args.duration, pids)
            in_database = count_submitted(submitted)
            if in_database != len(submitted):
                wizard.note += f"; LOST {len(submitted) - in_database} submissions"
            rows.append(wizard)
            if args.load:
                fix.applicants = load_applicants
                load = load_test(base, fix, args.load_users, args.load_seconds, folder, pids)
    uptime = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print()
    print(
        f"PIC Portal bench: scale {args.scale}, {args.workers} gunicorn workers, wrk 2x8 "
        f"for {args.duration} s a page; load average {' '.join(uptime)}"
    )
    print(table(rows))
    print(
        f"wizard: {wizard.rps:.1f} applications/s, {wizard.errors} errors; "
        f"{cpu_share(wizard.client_cpu_s, wizard.server_cpu_s, wizard.wall_s)}"
    )
    if load is not None:
        print(
            f"load test: {load['users']} clients for {load['seconds']} s: {load['requests']} "
            f"requests ({load['rps']:.1f}/s, mean {load['mean_ms']:.0f} ms), "
            f"{load['failures']} errors; {load['submits_seen']} submissions seen, "
            f"{load['submits_in_database']} in the database ({load['lost_submissions']} lost); "
            f"{cpu_share(load['client_cpu_s'], load['server_cpu_s'], load['wall_s'])}"
        )
    report = {
        "scale": args.scale,
        "workers": args.workers,
        "duration_s": args.duration,
        "load_average": uptime,
        "cores": len(os.sched_getaffinity(0)),
        "pages": [asdict(row) for row in rows],
        "load": load,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(f"(the same as JSON: {args.json})")
    failed = any(row.errors for row in rows) or (
        load is not None and (load["failures"] or load["lost_submissions"] or load["exit"])
    )
    return 1 if failed else 0


def _free_port() -> int:
    from with_postgres import free_port

    return free_port()


if __name__ == "__main__":
    sys.exit(main())
